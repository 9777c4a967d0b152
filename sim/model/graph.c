/* graph.c: the op list every model source produces (see model.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asim/checked.h"
#include "asim/model.h"

static const char *const op_kind_names[] = {
#define ASIM_OP_NAME(e, s) s,
    ASIM_OP_KINDS(ASIM_OP_NAME)
#undef ASIM_OP_NAME
};

const char *asim_op_kind_name(asim_op_kind_t kind)
{
    return (unsigned)kind < ASIM_OP_KIND_COUNT ? op_kind_names[kind] : "?";
}

bool asim_op_kind_parse(const char *name, asim_op_kind_t *kind)
{
    for (int i = 0; i < ASIM_OP_KIND_COUNT; i++)
        if (strcmp(name, op_kind_names[i]) == 0) {
            *kind = (asim_op_kind_t)i;
            return true;
        }
    return false;
}

void asim_graph_init(asim_graph_t *g, const char *name)
{
    memset(g, 0, sizeof *g);
    snprintf(g->name, sizeof g->name, "%s", name);
}

void asim_graph_free(asim_graph_t *g)
{
    free(g->ops);
    memset(g, 0, sizeof *g);
}

asim_status_t asim_graph_add(asim_graph_t *g, const asim_op_t *op, asim_error_t *err)
{
    if (g->len >= ASIM_MODEL_MAX_OPS)
        return asim_error_set(err, ASIM_ERANGE, g->name, "more than %d ops in one model",
                              ASIM_MODEL_MAX_OPS);
    if (g->len == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        asim_op_t *ops = realloc(g->ops, cap * sizeof *ops);
        if (!ops)
            return asim_error_set(err, ASIM_ENOMEM, g->name, "out of memory");
        g->ops = ops;
        g->cap = cap;
    }
    g->ops[g->len++] = *op;
    return ASIM_OK;
}

uint64_t asim_op_macs(const asim_op_t *op)
{
    return op->kind == ASIM_OP_GEMM ? op->count * op->m * op->n * op->k : 0;
}

uint64_t asim_op_outputs(const asim_op_t *op)
{
    return op->kind == ASIM_OP_GEMM ? op->count * op->m * op->n : op->count * op->rows * op->cols;
}

static bool dim_ok(uint64_t v)
{
    return v >= 1 && v <= ASIM_MODEL_MAX_DIM;
}

asim_status_t asim_op_check(const asim_op_t *op, char *why, size_t n)
{
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t d1 = gemm ? op->m : op->rows, d2 = gemm ? op->n : op->cols, d3 = gemm ? op->k : 1;
    if (!dim_ok(d1) || !dim_ok(d2) || !dim_ok(d3)) {
        snprintf(why, n, "op '%s': every dimension must be 1 to %u", op->name,
                 ASIM_MODEL_MAX_DIM);
        return ASIM_ERANGE;
    }
    if (op->count < 1 || op->count > ASIM_MODEL_MAX_COUNT) {
        snprintf(why, n, "op '%s': count must be 1 to %u", op->name, ASIM_MODEL_MAX_COUNT);
        return ASIM_ERANGE;
    }
    uint64_t work;
    if (!asim_mul3_u64(d1, d2, d3, &work) || !asim_mul_u64(work, op->count, &work) ||
        work > ASIM_MODEL_MAX_WORK) {
        snprintf(why, n, "op '%s': more than 2^50 MACs or elements", op->name);
        return ASIM_ERANGE;
    }
    if (op->a_bits < 1 || op->a_bits > 32 || op->out_bits < 1 || op->out_bits > 32 ||
        (gemm && (op->b_bits < 1 || op->b_bits > 32))) {
        snprintf(why, n, "op '%s': bit widths must be 1 to 32", op->name);
        return ASIM_ERANGE;
    }
    return ASIM_OK;
}

asim_status_t asim_graph_check_shared(const asim_graph_t *g, const asim_op_t *op, char *why,
                                      size_t n)
{
    if (op->kind != ASIM_OP_GEMM || !op->b_shared)
        return ASIM_OK;
    for (size_t i = g->len; i-- > 0;) {
        const asim_op_t *w = &g->ops[i];
        if (w->kind == ASIM_OP_GEMM && w->b_is_weight && !w->b_shared && w->k == op->k &&
            w->n == op->n)
            return ASIM_OK;
    }
    snprintf(why, n, "op '%s': b: shared, but no earlier op has a %llu x %llu weight (k x n) "
                     "to share",
             op->name, (unsigned long long)op->k, (unsigned long long)op->n);
    return ASIM_EMODEL;
}
