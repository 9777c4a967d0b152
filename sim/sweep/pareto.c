/* pareto.c: the non-dominated rows of a sweep on its objectives (see sweep.h). */
#include <stdlib.h>

#include "sweep/sweep.h"

typedef struct {
    uint64_t model;                    /* index on the model axis: one front per model */
    double v[ASIM_SWEEP_METRIC_COUNT]; /* objectives, negated where larger is better */
    size_t row;
} scored_t;

/* By model, then lexicographic on v (unused entries are 0), then by row: a total order. */
static int cmp_scored(const void *pa, const void *pb)
{
    const scored_t *a = pa, *b = pb;
    if (a->model != b->model)
        return a->model < b->model ? -1 : 1;
    for (int i = 0; i < ASIM_SWEEP_METRIC_COUNT; i++)
        if (a->v[i] != b->v[i])
            return a->v[i] < b->v[i] ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* True if a is no worse than b on every objective and better on one. */
static bool dominates(const scored_t *a, const scored_t *b, size_t k)
{
    bool better = false;
    for (size_t i = 0; i < k; i++) {
        if (a->v[i] > b->v[i])
            return false;
        better |= a->v[i] < b->v[i];
    }
    return better;
}

/* In lexicographic order a row can only be dominated by rows before it, and if it is,
 * then by one already on the front (dominance is transitive), so one pass that checks
 * each row against the front found so far (of its model) is exact. */
asim_status_t asim_sweep_pareto(const asim_sweep_t *sw, asim_sweep_row_t *rows, size_t n,
                                asim_error_t *err)
{
    size_t k = sw->n_objectives, m = 0;
    uint64_t per_model = sw->n_points / sw->axes[0].n; /* points per model: axis 0 is slowest */
    scored_t *s = malloc((n ? n : 1) * sizeof *s);
    size_t *front = malloc((n ? n : 1) * sizeof *front);
    if (!s || !front) {
        free(s);
        free(front);
        return asim_error_set(err, ASIM_ENOMEM, "sweep", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        rows[i].pareto = false;
        if (!rows[i].ok)
            continue;
        scored_t *e = &s[m++];
        for (int j = 0; j < ASIM_SWEEP_METRIC_COUNT; j++)
            e->v[j] = (size_t)j < k ? (asim_sweep_metric_maximize(sw->objectives[j])
                                           ? -rows[i].obj[j]
                                           : rows[i].obj[j])
                                    : 0;
        e->row = i;
        e->model = rows[i].point / per_model;
    }
    qsort(s, m, sizeof *s, cmp_scored);
    size_t n_front = 0;
    for (size_t i = 0; i < m; i++) {
        if (i > 0 && s[i].model != s[i - 1].model)
            n_front = 0;
        bool dominated = false;
        for (size_t f = 0; f < n_front && !dominated; f++)
            dominated = dominates(&s[front[f]], &s[i], k);
        if (!dominated) {
            front[n_front++] = i;
            rows[s[i].row].pareto = true;
        }
    }
    free(s);
    free(front);
    return ASIM_OK;
}
