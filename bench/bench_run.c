/*
 * bench_run.c: wall time of whole-model runs, the work `accelsim --config C --model M`
 * does (load config and technology table, build the model, simulate, write the report to
 * /dev/null). Prints the median and min of N runs per model.
 * usage: bench_run CONFIG [MODEL...] [-n RUNS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"
#include "report/report.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One full run; returns its wall time in seconds, or a negative value on error. */
static double one_run(const char *config, const char *model, FILE *sink, uint64_t *cycles)
{
    double t0 = now_s();
    asim_error_t err;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    asim_report_t rep;
    if (asim_config_load(config, NULL, 0, &cfg, &err) || asim_model_load(model, &g, &err)) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return -1;
    }
    if (asim_sim_create(&cfg, &sim, &err) || asim_sim_run(sim, &g, &rep, &err)) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return -1;
    }
    asim_report_write(sink, &rep, ASIM_FORMAT_JSON);
    *cycles = rep.total_cycles;
    asim_report_free(&rep);
    asim_sim_free(sim);
    asim_graph_free(&g);
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    int runs = 21;
    const char *config = NULL, *models[16];
    int n_models = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!config)
            config = argv[i];
        else if (n_models < 16)
            models[n_models++] = argv[i];
    }
    if (!config || runs < 1) {
        fprintf(stderr, "usage: bench_run CONFIG [MODEL...] [-n RUNS]\n");
        return 2;
    }
    if (n_models == 0)
        models[n_models++] = "vit_tiny";
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return 1;
    printf("%-28s %8s %12s %12s %14s\n", "model", "runs", "median_ms", "min_ms", "sim_cycles");
    for (int m = 0; m < n_models; m++) {
        double *t = malloc((size_t)runs * sizeof *t);
        uint64_t cycles = 0;
        for (int r = 0; r < runs; r++)
            if ((t[r] = one_run(config, models[m], sink, &cycles)) < 0)
                return 1;
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        printf("%-28s %8d %12.3f %12.3f %14llu\n", models[m], runs, 1e3 * t[runs / 2],
               1e3 * t[0], (unsigned long long)cycles);
        free(t);
    }
    fclose(sink);
    return 0;
}
