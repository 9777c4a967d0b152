/* plan.c: residency, tile search and tile enumeration (see plan.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accel/plan.h"
#include "asim/checked.h"
#include "program/program.h"
#include "util/arith.h"

#define PSUM_BITS 32 /* partial sums kept on chip while K is folded */

/* The op's dimensions as the planner cuts them: m, n, k (vector ops: the rows of every
 * instance, the columns, 1). */
static void dims_of(const asim_op_t *op, uint64_t d[3])
{
    bool gemm = op->kind == ASIM_OP_GEMM;
    d[0] = gemm ? op->m : op->count * op->rows;
    d[1] = gemm ? op->n : op->cols;
    d[2] = gemm ? op->k : 1;
}

void asim_plan_folds(const asim_plan_t *plan, const asim_op_t *op, uint64_t f[3])
{
    uint64_t d[3];
    dims_of(op, d);
    f[0] = asim_ceil_div(d[0], plan->tm);
    f[1] = asim_ceil_div(d[1], plan->tn);
    f[2] = asim_ceil_div(d[2], plan->tk);
}

/* Bits of an m x k slice of A as stored (see a_reuse in model.h). */
static uint64_t a_stored_bits(const asim_op_t *op, uint64_t m, uint64_t k)
{
    return asim_ceil_div(m * k * (uint64_t)op->a_bits, op->a_reuse ? op->a_reuse : 1);
}

void asim_buffers_of(const asim_config_t *cfg, asim_buffers_t *b)
{
    *b = (asim_buffers_t){
        .act_bits = (uint64_t)cfg->buffers.act_kib * 8192u,
        .weight_bits = (uint64_t)cfg->buffers.weight_kib * 8192u,
        .slots = cfg->buffers.double_buffer ? 2 : 1,
        .pinned = cfg->buffers.weights == ASIM_WEIGHTS_PINNED,
        .max_rows = cfg->schedule == ASIM_SCHEDULE_PIPELINED ? (uint64_t)cfg->stream_rows : 0,
    };
}

uint64_t asim_graph_weight_bits(const asim_graph_t *g)
{
    uint64_t bits = 0, op_bits;
    for (size_t i = 0; i < g->len; i++) {
        const asim_op_t *op = &g->ops[i];
        if (op->kind != ASIM_OP_GEMM || !op->b_is_weight || op->b_shared)
            continue;
        /* Saturates: a total past 2^64 bits fits no buffer, and must not wrap to "fits". */
        if (!asim_mul3_u64(op->count, op->k * op->n, (uint64_t)op->b_bits, &op_bits) ||
            !asim_add_u64(bits, op_bits, &bits))
            return UINT64_MAX;
    }
    return bits;
}

/* Input j of op o (an unlinked op reads the op before it, the first the model input). */
static uint32_t input_of(const asim_graph_t *g, size_t o, unsigned j)
{
    const asim_op_t *op = &g->ops[o];
    if (op->n_inputs == 0)
        return o ? (uint32_t)(o - 1) : ASIM_INPUT_MODEL;
    return op->inputs[j];
}

/* True if input j of op is its activation B (a GEMM's second input), else an A operand. */
static bool reads_as_b(const asim_op_t *op, unsigned j)
{
    return op->kind == ASIM_OP_GEMM && j == 1;
}

/* The consumer's side of residency, given which producers keep their outputs on chip: A on
 * chip when it fits and every producer of an A operand keeps it (the model input is in DRAM);
 * a weight B when pinned; an activation B when it fits, is not the KV cache and its producer
 * keeps it; a vector op's own parameter is on chip. */
static void reader_side(const asim_buffers_t *mp, const asim_graph_t *g, size_t o,
                        const bool *keep, asim_residency_t *r)
{
    const asim_op_t *op = &g->ops[o];
    uint64_t half = mp->act_bits / 2, c = op->count;
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t in_bits = gemm ? c * a_stored_bits(op, op->m, op->k)
                            : c * op->rows * op->cols * (uint64_t)op->a_bits;
    unsigned n = op->n_inputs ? op->n_inputs : 1;
    r->a_resident = o > 0 && in_bits <= half;
    r->b_resident = gemm ? (op->b_is_weight ? mp->pinned
                                            : o > 0 && !op->b_cache &&
                                              c * op->k * op->n * (uint64_t)op->b_bits <= half)
                         : true;
    for (unsigned j = 0; j < n; j++) {
        uint32_t in = input_of(g, o, j);
        bool kept = in != ASIM_INPUT_MODEL && keep[in];
        if (reads_as_b(op, j))
            r->b_resident = r->b_resident && (op->b_is_weight || kept);
        else
            r->a_resident = r->a_resident && kept;
    }
}

bool asim_plan_residency(const asim_buffers_t *mp, const asim_graph_t *g, asim_residency_t *r)
{
    size_t len = g->len;
    bool *keep = calloc(len ? len : 1, sizeof *keep);
    if (!keep)
        return false;
    /* A producer keeps its output when it fits and every reader reads it on chip; a reader
     * reads on chip only what every producer keeps. Keeping only ever turns off, so this
     * settles, in a few passes: then both sides of every tensor agree. */
    for (size_t o = 0; o < len; o++)
        keep[o] = o + 1 < len && !g->ops[o].out_cache &&
                  asim_op_outputs(&g->ops[o]) * (uint64_t)g->ops[o].out_bits <= mp->act_bits / 2;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t o = 0; o < len; o++)
            reader_side(mp, g, o, keep, &r[o]);
        for (size_t o = 0; o < len; o++) {
            const asim_op_t *op = &g->ops[o];
            unsigned n = op->n_inputs ? op->n_inputs : 1;
            for (unsigned j = 0; j < n; j++) {
                uint32_t in = input_of(g, o, j);
                bool on_chip = reads_as_b(op, j) ? r[o].b_resident : r[o].a_resident;
                if (in != ASIM_INPUT_MODEL && keep[in] && !on_chip)
                    keep[in] = false, changed = true;
            }
        }
    }
    for (size_t o = 0; o < len; o++)
        r[o].out_resident = keep[o];
    free(keep);
    return true;
}

/* The op cut to an (m, n, k) GEMM tile or an r-row vector tile, one instance. */
static void tile_shape(const asim_op_t *op, uint64_t m, uint64_t n, uint64_t k, asim_op_t *s)
{
    *s = *op; /* in place: the executor asks for a tile's shape several times per tile */
    s->count = 1;
    if (op->kind == ASIM_OP_GEMM) {
        s->m = m, s->n = n, s->k = k;
    } else {
        s->rows = m, s->cols = n;
    }
}

static asim_cycle_t unit_cycles(const asim_unit_t *u, const asim_op_t *shape)
{
    asim_cost_t c;
    asim_unit_cost(u, &(asim_work_t){.op = shape}, &c);
    return c.cycles;
}

/* Cycles of one DMA transfer of `bits`, by the DRAM block's timing query. */
static asim_cycle_t dma_cycles(const asim_unit_t *dma, uint64_t bits)
{
    asim_cost_t c;
    asim_unit_cost(dma, &(asim_work_t){.bits = bits}, &c);
    return c.cycles;
}

/* DRAM bits one tile moves, following plan's loads (loaded once per instance when the whole
 * operand is one tile) and stores (after the last k step). */
static void tile_traffic(const asim_plan_t *p, const asim_op_t *op, uint64_t tm, uint64_t tn,
                         uint64_t tk, bool first_of_instance, bool last_k, asim_tile_t *t)
{
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t b = (uint64_t)op->b_bits, o = (uint64_t)op->out_bits;
    t->load_act_bits = t->load_weight_bits = t->store_bits = 0;
    if (!gemm) {
        uint64_t inputs = asim_op_kind_binary(op->kind) ? 2 : 1;
        t->load_act_bits = p->a_resident ? 0 : inputs * tm * tn * (uint64_t)op->a_bits;
        t->store_bits = p->out_resident ? 0 : tm * tn * o;
        return;
    }
    bool whole_a = p->tm >= op->m && p->tk >= op->k, whole_b = p->tk >= op->k && p->tn >= op->n;
    if (!p->a_resident)
        t->load_act_bits = whole_a ? (first_of_instance ? a_stored_bits(op, op->m, op->k) : 0)
                                   : a_stored_bits(op, tm, tk);
    if (!p->b_resident)
        t->load_weight_bits = whole_b ? (first_of_instance ? op->k * op->n * b : 0) : tk * tn * b;
    if (!p->out_resident && last_k)
        t->store_bits = tm * tn * o;
}

static bool fits(const asim_buffers_t *mp, const asim_plan_t *p, const asim_op_t *op,
                 uint64_t tm, uint64_t tn, uint64_t tk)
{
    uint64_t act_slot = mp->act_bits / mp->slots, w_slot = mp->weight_bits / mp->slots;
    if (op->kind != ASIM_OP_GEMM) {
        uint64_t in = p->a_resident ? 0 : (asim_op_kind_binary(op->kind) ? 2 : 1) * tm * tn *
                                              (uint64_t)op->a_bits;
        uint64_t out = p->out_resident ? 0 : tm * tn * (uint64_t)op->out_bits;
        return in + out <= act_slot;
    }
    uint64_t a = p->a_resident ? 0 : a_stored_bits(op, tm, tk);
    uint64_t psum = tk < op->k ? tm * tn * PSUM_BITS : 0;
    uint64_t out = p->out_resident ? 0 : tm * tn * (uint64_t)op->out_bits;
    uint64_t b = p->b_resident ? 0 : tk * tn * (uint64_t)op->b_bits;
    return a + psum + out <= act_slot && b <= w_slot;
}

/* Estimated cycles of the op with this tiling: per-tile compute and DMA, overlapped with
 * double buffering. Edge tiles are counted as full tiles (an estimate for the search only). */
static double estimate(const asim_buffers_t *mp, const asim_unit_t *u, const asim_unit_t *dma,
                       const asim_plan_t *p,
                       const asim_op_t *op, uint64_t *dram_bits)
{
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t f[3];
    asim_plan_folds(p, op, f);
    uint64_t fk = f[2], per_instance = f[0] * f[1] * f[2], count = gemm ? op->count : 1;
    asim_op_t shape;
    tile_shape(op, p->tm, p->tn, p->tk, &shape);
    double c = (double)unit_cycles(u, &shape);
    asim_tile_t first, steady;
    tile_traffic(p, op, p->tm, p->tn, p->tk, true, fk == 1, &first);
    tile_traffic(p, op, p->tm, p->tn, p->tk, false, true, &steady);
    uint64_t steady_store = fk == 1 || !gemm ? steady.store_bits : steady.store_bits / fk;
    uint64_t load_first = first.load_act_bits + first.load_weight_bits;
    uint64_t load = steady.load_act_bits + steady.load_weight_bits;
    *dram_bits = count * (load_first + first.store_bits +
                          (per_instance - 1) * (load + steady_store));
    double d = (double)dma_cycles(dma, load) + (double)dma_cycles(dma, steady_store);
    double n = (double)(count * per_instance);
    if (mp->slots == 2)
        return (double)dma_cycles(dma, load_first) + n * fmax(c, d) + c;
    return n * (c + d) + (double)dma_cycles(dma, load_first);
}

void asim_plan_op(const asim_buffers_t *mp, const asim_unit_t *u, const asim_unit_t *dma,
                  const asim_graph_t *g, size_t index, const asim_residency_t *res,
                  asim_plan_t *plan)
{
    const asim_op_t *op = &g->ops[index];
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t d[3];
    dims_of(op, d);
    uint64_t dm = d[0], dn = d[1], dk = d[2];
    asim_plan_t p = {.a_resident = res->a_resident, .b_resident = res->b_resident,
                     .out_resident = res->out_resident};
    double best = INFINITY;
    uint64_t best_bits = 0;
    /* Vector ops keep whole rows (softmax and LayerNorm reduce along them). */
    uint64_t tn_min = gemm ? 1 : dn;
    for (uint64_t tk = dk;; tk = asim_ceil_div(tk, 2)) {
        for (uint64_t tn = dn;; tn = asim_ceil_div(tn, 2)) {
            uint64_t tm0 = mp->max_rows ? asim_min_u64(dm, mp->max_rows) : dm;
            for (uint64_t tm = tm0;; tm = asim_ceil_div(tm, 2)) {
                if (fits(mp, &p, op, tm, tn, tk)) {
                    p.tm = tm, p.tn = tn, p.tk = tk;
                    uint64_t bits;
                    double cost = estimate(mp, u, dma, &p, op, &bits);
                    if (cost < best || (cost == best && bits < best_bits)) {
                        best = cost;
                        best_bits = bits;
                        *plan = p;
                    }
                    break; /* smaller tm only adds tiles for the same n, k */
                }
                if (tm == 1)
                    break;
            }
            if (tn <= tn_min)
                break;
        }
        if (tk == 1)
            break;
    }
    if (best == INFINITY) { /* not even one row or one element fits: the smallest tiles */
        p.tm = 1, p.tn = tn_min, p.tk = 1;
        estimate(mp, u, dma, &p, op, &best_bits);
        *plan = p;
    }
    uint64_t count = gemm ? op->count : 1;
    asim_plan_index(plan, op);
    const uint64_t *f = plan->folds;
    plan->n_tiles = count * f[0] * f[1] * f[2];
    plan->n_stores = plan->out_resident ? 0 : plan->n_tiles / f[2];
    plan->dram_bits = best_bits;
}

void asim_plan_index(asim_plan_t *plan, const asim_op_t *op)
{
    asim_plan_folds(plan, op, plan->folds);
}

bool asim_plan_fits_op(const asim_plan_t *plan, const asim_op_t *op)
{
    uint64_t d[3], t[3] = {plan->tm, plan->tn, plan->tk}, f[3];
    dims_of(op, d);
    for (int i = 0; i < 3; i++)
        if (t[i] < 1 || t[i] > d[i])
            return false;
    asim_plan_folds(plan, op, f);
    uint64_t count = op->kind == ASIM_OP_GEMM ? op->count : 1;
    return plan->n_tiles == count * f[0] * f[1] * f[2] &&
           plan->n_stores == (plan->out_resident ? 0 : plan->n_tiles / f[2]);
}

void asim_plan_locate(const asim_plan_t *plan, const asim_op_t *op, uint64_t t,
                      asim_tile_at_t *at)
{
    uint64_t d[3];
    dims_of(op, d);
    const uint64_t *f = plan->folds;
    uint64_t fn = f[1], fk = f[2], per_instance = f[0] * fn * fk;
    at->inst = asim_div(t, per_instance);
    uint64_t local = t - at->inst * per_instance;
    uint64_t kn = asim_div(local, fk), ki = local - kn * fk, mi = asim_div(kn, fn);
    uint64_t ni = kn - mi * fn;
    at->m0 = mi * plan->tm, at->n0 = ni * plan->tn, at->k0 = ki * plan->tk;
    at->tm = asim_min_u64(plan->tm, d[0] - at->m0);
    at->tn = asim_min_u64(plan->tn, d[1] - at->n0);
    at->tk = asim_min_u64(plan->tk, d[2] - at->k0);
    at->first_of_instance = local == 0;
    at->last_k = ki + 1 == fk;
}

void asim_plan_tile(const asim_plan_t *plan, const asim_graph_t *g, size_t index, uint64_t t,
                    asim_tile_t *tile)
{
    const asim_op_t *op = &g->ops[index];
    asim_tile_at_t at;
    asim_plan_locate(plan, op, t, &at);
    tile_shape(op, at.tm, at.tn, at.tk, &tile->shape);
    tile_traffic(plan, op, at.tm, at.tn, at.tk, at.first_of_instance, at.last_k, tile);
}

void asim_plan_tile_traffic(const asim_plan_t *plan, const asim_op_t *op, uint64_t t,
                            asim_tile_t *tile)
{
    asim_tile_at_t at;
    asim_plan_locate(plan, op, t, &at);
    tile_traffic(plan, op, at.tm, at.tn, at.tk, at.first_of_instance, at.last_k, tile);
}
