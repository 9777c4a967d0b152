/* point.c: one point of a sweep, simulated in this process into its CSV row (sweep.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asim/model.h"
#include "asim/sim.h"
#include "report/report.h"
#include "sweep/sweep.h"

/* "p,model,value,...": the point and key columns of point p. */
static void key_columns(FILE *out, const asim_sweep_t *sw, uint64_t p)
{
    size_t idx[ASIM_SWEEP_MAX_AXES];
    asim_sweep_decode(sw, p, idx);
    fprintf(out, "%llu", (unsigned long long)p);
    for (size_t a = 0; a < sw->n_axes; a++) {
        fputc(',', out);
        asim_csv_field(out, sw->axes[a].values[idx[a]], false);
    }
}

/* Ends a row begun with open_memstream(buf, ...) and returns it (*buf is set by fclose). */
static char *row_close(FILE *out, char **buf)
{
    fputs(",\n", out); /* the pareto field stays empty until the sweep is finished */
    return fclose(out) == 0 ? *buf : (free(*buf), NULL);
}

char *asim_sweep_error_row(const asim_sweep_t *sw, uint64_t p, const char *msg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    key_columns(out, sw, p);
    fputs(",error,", out);
    asim_csv_field(out, msg, true);
    for (int i = 0; i < ASIM_SWEEP_METRIC_COUNT + 2; i++) /* metrics, fits, unsupported_ops */
        fputc(',', out);
    return row_close(out, &buf);
}

/* ",v" with v in %.9g, or "," alone if v is not finite. */
static void number_field(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, ",%.9g", v);
    else
        fputc(',', out);
}

static char *ok_row(const asim_sweep_t *sw, uint64_t p, const asim_report_t *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    key_columns(out, sw, p);
    fprintf(out, ",ok,\"\",%llu", (unsigned long long)r->total_cycles);
    number_field(out, r->latency_ms);
    number_field(out, r->energy_mj);
    number_field(out, r->gops);
    number_field(out, r->gops_per_w);
    fprintf(out, ",%.0f,%.0f,%.0f,%.0f,%d,%zu", r->resources.lut, r->resources.ff,
            r->resources.dsp, r->resources.bram36, r->fits ? 1 : 0, r->n_unsupported);
    return row_close(out, &buf);
}

char *asim_sweep_run_point(const asim_sweep_t *sw, uint64_t p)
{
    size_t idx[ASIM_SWEEP_MAX_AXES];
    asim_sweep_decode(sw, p, idx);
    char *sets[ASIM_SWEEP_MAX_AXES];
    size_t n_sets = 0;
    asim_error_t err;
    asim_status_t st = ASIM_OK;
    for (size_t a = 1; a < sw->n_axes && st == ASIM_OK; a++) {
        const char *v = sw->axes[a].values[idx[a]];
        size_t n = strlen(sw->axes[a].key) + strlen(v) + 2;
        if ((sets[n_sets] = malloc(n)))
            snprintf(sets[n_sets++], n, "%s=%s", sw->axes[a].key, v);
        else
            st = asim_error_set(&err, ASIM_ENOMEM, "sweep", "out of memory");
    }
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim = NULL;
    asim_report_t rep;
    bool have_graph = false;
    char *row = NULL;
    if (st == ASIM_OK)
        st = asim_config_load(sw->config, (const char *const *)sets, n_sets, &cfg, &err);
    if (st == ASIM_OK && (st = asim_model_load(sw->axes[0].values[idx[0]], &g, &err)) == ASIM_OK)
        have_graph = true;
    if (st == ASIM_OK)
        st = asim_sim_create(&cfg, &sim, &err);
    if (st == ASIM_OK && (st = asim_sim_run(sim, &g, &rep, &err)) == ASIM_OK) {
        row = ok_row(sw, p, &rep);
        asim_report_free(&rep);
    }
    if (st != ASIM_OK)
        row = asim_sweep_error_row(sw, p, err.msg);
    if (sim)
        asim_sim_free(sim);
    if (have_graph)
        asim_graph_free(&g);
    for (size_t i = 0; i < n_sets; i++)
        free(sets[i]);
    return row;
}
