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

bool asim_op_kind_binary(asim_op_kind_t kind)
{
    return kind == ASIM_OP_ADD || kind == ASIM_OP_MUL;
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
    if (op->b_cache && (!gemm || op->b_is_weight)) {
        snprintf(why, n, "op '%s': only a GEMM with an activation B reads it from the KV cache",
                 op->name);
        return ASIM_EMODEL;
    }
    if (op->causal && op->kind != ASIM_OP_SOFTMAX) {
        snprintf(why, n, "op '%s': only a softmax is causal", op->name);
        return ASIM_EMODEL;
    }
    if (op->group > ASIM_MODEL_MAX_COUNT || d1 % asim_op_group(op) != 0) {
        snprintf(why, n, "op '%s': group %u must divide its %s (%llu) and be at most %u",
                 op->name, op->group, gemm ? "m" : "rows", (unsigned long long)d1,
                 ASIM_MODEL_MAX_COUNT);
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

void asim_graph_link(asim_graph_t *g)
{
    for (size_t i = 0; i < g->len; i++)
        if (g->ops[i].n_inputs == 0) {
            g->ops[i].inputs[0] = i ? (uint32_t)(i - 1) : ASIM_INPUT_MODEL;
            g->ops[i].n_inputs = 1;
        }
}

long asim_graph_find(const asim_graph_t *g, const char *name)
{
    for (size_t i = g->len; i-- > 0;)
        if (strcmp(g->ops[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* A path from op `at` back to op i along inputs ("-> x -> ... -> i" into buf); `seen` marks
 * ops already searched, so each op is visited once. */
static bool find_cycle(const asim_graph_t *g, size_t i, size_t at, bool *seen, char *buf,
                       size_t n)
{
    const asim_op_t *op = &g->ops[at];
    seen[at] = true;
    for (unsigned k = 0; k < op->n_inputs; k++) {
        uint32_t in = op->inputs[k];
        if (in == ASIM_INPUT_MODEL || in >= g->len || (in != i && seen[in]))
            continue;
        if (in == i || find_cycle(g, i, in, seen, buf, n)) {
            char link[80];
            snprintf(link, sizeof link, " -> %s", g->ops[in].name);
            size_t len = strlen(link), used = strlen(buf);
            if (used + len < n) { /* prepend this link to the rest of the cycle */
                memmove(buf + len, buf, used + 1);
                memcpy(buf, link, len);
            }
            return true;
        }
    }
    return false;
}

/* True, with the cycle in buf, if op i's inputs lead back to it. */
static asim_status_t cycle_through(const asim_graph_t *g, size_t i, char *buf, size_t n,
                                   bool *found)
{
    bool *seen = calloc(g->len, sizeof *seen);
    if (!seen)
        return ASIM_ENOMEM;
    *found = find_cycle(g, i, i, seen, buf, n);
    free(seen);
    return ASIM_OK;
}

/* Row length the consumer reads through input k, and the alternative for a transposable B. */
static void consumer_row(const asim_op_t *op, unsigned k, uint64_t *row, uint64_t *alt)
{
    if (op->kind != ASIM_OP_GEMM)
        *row = *alt = op->cols;
    else if (k == 0)
        *row = *alt = op->k / (op->a_reuse > 1 ? op->a_reuse : 1); /* im2col: stored row */
    else
        *row = op->k, *alt = op->n; /* K^T (k x n read as n rows of k) or V (k rows of n) */
}

uint64_t asim_op_group(const asim_op_t *op)
{
    return op->group > 1 ? op->group : 1;
}

/* A grouped op's instance holds `group` heads' rows stacked; unstacked they sit side by side. */
static uint64_t producer_row(const asim_op_t *op)
{
    return (op->kind == ASIM_OP_GEMM ? op->n : op->cols) * op->count * asim_op_group(op);
}

asim_status_t asim_graph_check(const asim_graph_t *g, const char *source, asim_error_t *err)
{
    for (size_t i = 0; i < g->len; i++) {
        const asim_op_t *op = &g->ops[i];
        for (unsigned k = 0; k < op->n_inputs; k++) {
            uint32_t in = op->inputs[k];
            if (in == ASIM_INPUT_MODEL)
                continue;
            if (in >= g->len)
                return asim_error_set(err, ASIM_EMODEL, source, "op '%s': unknown input",
                                      op->name);
            if (in == i || in > i) {
                char cycle[256] = "";
                bool found;
                if (cycle_through(g, i, cycle, sizeof cycle, &found) != ASIM_OK)
                    return asim_error_set(err, ASIM_ENOMEM, source, "out of memory");
                if (found)
                    return asim_error_set(err, ASIM_EMODEL, source, "op '%s': cycle %s%s",
                                          op->name, op->name, cycle);
                return asim_error_set(err, ASIM_EMODEL, source,
                                      "op '%s' reads '%s', which comes after it: list ops "
                                      "after the ops they read", op->name, g->ops[in].name);
            }
            uint64_t row, alt, prow = producer_row(&g->ops[in]);
            consumer_row(op, k, &row, &alt);
            if (prow % row != 0 && prow % alt != 0)
                return asim_error_set(err, ASIM_EMODEL, source,
                                      "op '%s' reads rows of %llu elements from '%s', whose "
                                      "rows hold %llu (%llu x %llu instances): the shapes "
                                      "disagree", op->name, (unsigned long long)row,
                                      g->ops[in].name, (unsigned long long)prow,
                                      (unsigned long long)(prow / g->ops[in].count),
                                      (unsigned long long)g->ops[in].count);
        }
    }
    return ASIM_OK;
}
