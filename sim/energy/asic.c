/* asic.c: ASIC area and leakage from generic-gate counts (see asic.h). */
#include <stdio.h>
#include <string.h>

#include "energy/asic.h"
#include "fmax/fmax.h"

typedef struct {
    int64_t point[3];
    double cells[ASIM_CELL_COUNT];
} cells_row_t;

/* ASIM_ASIC_SYSTOLIC_ROWS, ASIM_ASIC_QMM_ROWS, ASIM_ASIC_QUARK_ROWS: the CSV rows. */
#include "asic_data.h"

static const cells_row_t systolic_rows[] = {ASIM_ASIC_SYSTOLIC_ROWS};
static const cells_row_t qmm_rows[] = {ASIM_ASIC_QMM_ROWS};
static const cells_row_t quark_rows[] = {ASIM_ASIC_QUARK_ROWS};

static const struct {
    const char *block;
    const cells_row_t *rows;
    size_t n;
} tables[] = {
    {"systolic", systolic_rows, sizeof systolic_rows / sizeof systolic_rows[0]},
    {"qmm", qmm_rows, sizeof qmm_rows / sizeof qmm_rows[0]},
    {"quark", quark_rows, sizeof quark_rows / sizeof quark_rows[0]},
};

void asim_asic_price(const asim_asic_node_t *n, double utilization,
                     const double counts[ASIM_CELL_COUNT], asim_asic_area_t *out)
{
    double um2 = 0.0, nw = 0.0;
    for (int c = 0; c < ASIM_CELL_COUNT; c++) {
        um2 += counts[c] * n->area_um2[c];
        nw += counts[c] * n->leakage_nw[c];
    }
    *out = (asim_asic_area_t){.node = n->key, .area_mm2 = um2 / utilization * 1e-6,
                              .leakage_mw = nw * 1e-6};
}

/* Product of the first `parallel` parameters of a point. */
static double parallel_elements(const int64_t p[3], int parallel)
{
    double e = 1.0;
    for (int i = 0; i < parallel; i++)
        e *= (double)p[i];
    return e;
}

bool asim_asic_counts(const asim_config_t *cfg, const char *block, double counts[ASIM_CELL_COUNT],
                      char *basis, size_t basis_len)
{
    asim_rtl_point_t pts[ASIM_FMAX_BLOCKS];
    size_t np = asim_rtl_points(cfg, pts);
    for (size_t i = 0; i < np; i++)
        for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
            if (strcmp(pts[i].block, block) != 0 || strcmp(tables[t].block, block) != 0)
                continue;
            const cells_row_t *best = NULL;
            double best_d = 0.0;
            for (size_t r = 0; r < tables[t].n; r++) {
                double d = asim_rtl_distance(tables[t].rows[r].point, pts[i].point);
                if (!best || d < best_d)
                    best = &tables[t].rows[r], best_d = d;
            }
            if (!best)
                return false;
            double scale = parallel_elements(pts[i].point, pts[i].parallel) /
                           parallel_elements(best->point, pts[i].parallel);
            for (int c = 0; c < ASIM_CELL_COUNT; c++)
                counts[c] = best->cells[c] * scale;
            if (best_d == 0.0)
                snprintf(basis, basis_len, "Yosys generic gates at %lld,%lld,%lld",
                         (long long)best->point[0], (long long)best->point[1],
                         (long long)best->point[2]);
            else
                snprintf(basis, basis_len, "Yosys generic gates at %lld,%lld,%lld x %.3g",
                         (long long)best->point[0], (long long)best->point[1],
                         (long long)best->point[2], scale);
            return true;
        }
    return false;
}

void asim_asic_unit(const asim_tech_t *t, const asim_config_t *cfg, const char *block,
                    asim_unit_resources_t *u)
{
    double counts[ASIM_CELL_COUNT];
    u->n_asic = 0;
    if (t->n_nodes == 0 ||
        !asim_asic_counts(cfg, block, counts, u->asic_basis, sizeof u->asic_basis))
        return;
    for (size_t i = 0; i < t->n_nodes; i++)
        asim_asic_price(&t->nodes[i], t->utilization, counts, &u->asic[u->n_asic++]);
}
