/* fmax.c: nearest-row lookup in the compiled-in Yosys timing tables (see fmax.h). */
#include <math.h>
#include <string.h>

#include "fmax/fmax.h"
#include "quark/quark.h"

typedef struct {
    int64_t point[3];
    uint32_t delay_ps, cells;
    double fmax_mhz;
} fmax_row_t;

/* ASIM_FMAX_SYSTOLIC_ROWS, ASIM_FMAX_QMM_ROWS, ASIM_FMAX_QUARK_ROWS: the CSV rows. */
#include "fmax_data.h"

static const fmax_row_t systolic_rows[] = {ASIM_FMAX_SYSTOLIC_ROWS};
static const fmax_row_t qmm_rows[] = {ASIM_FMAX_QMM_ROWS};
static const fmax_row_t quark_rows[] = {ASIM_FMAX_QUARK_ROWS};

double asim_rtl_distance(const int64_t a[3], const int64_t b[3])
{
    double d = 0.0;
    for (int i = 0; i < 3; i++)
        d += fabs(log2((double)a[i] / (double)b[i]));
    return d;
}

/* Fills *e from the row of rows[0..n) nearest to want; false if the table is empty. */
static bool nearest(const fmax_row_t *rows, size_t n, const char *block, const int64_t want[3],
                    asim_fmax_t *e)
{
    const fmax_row_t *best = NULL;
    double best_d = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double d = asim_rtl_distance(rows[i].point, want);
        if (d < best_d || (d == best_d && rows[i].fmax_mhz < best->fmax_mhz)) {
            best = &rows[i];
            best_d = d;
        }
    }
    if (!best)
        return false;
    *e = (asim_fmax_t){.block = block, .fmax_mhz = best->fmax_mhz, .delay_ps = best->delay_ps,
                       .cells = best->cells, .exact = best_d == 0.0};
    for (int i = 0; i < 3; i++)
        e->point[i] = best->point[i];
    return true;
}

/* The configuration's value of key, or 0 if it has none. */
static int64_t key_value(const asim_config_t *cfg, const char *key)
{
    double v = 0.0;
    return asim_config_get(cfg, key, &v) ? (int64_t)v : 0;
}

size_t asim_rtl_points(const asim_config_t *cfg, asim_rtl_point_t out[ASIM_FMAX_BLOCKS])
{
    size_t n = 0;
    if (key_value(cfg, "array.enabled")) {
        int64_t a = key_value(cfg, "array.act_bits"), b = key_value(cfg, "array.weight_bits");
        out[n++] = (asim_rtl_point_t){"systolic", {key_value(cfg, "array.rows"),
                                                   key_value(cfg, "array.cols"), a > b ? a : b}, 2};
    }
    if (key_value(cfg, "qmm.enabled"))
        out[n++] = (asim_rtl_point_t){"qmm", {key_value(cfg, "qmm.dpus"),
                                              key_value(cfg, "qmm.lanes"),
                                              key_value(cfg, "qmm.acc_bits")}, 2};
    if (cfg->nonlinear.unit == ASIM_NL_UNIT_QUARK)
        out[n++] = (asim_rtl_point_t){"quark", {cfg->nonlinear.lanes,
                                                key_value(cfg, "nonlinear.in_bits"),
                                                ASIM_QUARK_ALL_MODES}, 1};
    return n;
}

size_t asim_fmax_estimate(const asim_config_t *cfg, asim_fmax_t out[ASIM_FMAX_BLOCKS])
{
    asim_rtl_point_t p[ASIM_FMAX_BLOCKS];
    size_t np = asim_rtl_points(cfg, p), n = 0;
    for (size_t i = 0; i < np; i++) {
        if (!strcmp(p[i].block, "systolic"))
            n += nearest(systolic_rows, sizeof systolic_rows / sizeof systolic_rows[0],
                         "systolic", p[i].point, &out[n]);
        else if (!strcmp(p[i].block, "qmm"))
            n += nearest(qmm_rows, sizeof qmm_rows / sizeof qmm_rows[0], "qmm", p[i].point,
                         &out[n]);
        else
            n += nearest(quark_rows, sizeof quark_rows / sizeof quark_rows[0], "quark",
                         p[i].point, &out[n]);
    }
    return n;
}
