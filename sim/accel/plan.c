/* plan.c: residency, tile search and tile enumeration (see plan.h). */
#include <math.h>
#include <string.h>

#include "accel/plan.h"

#define PSUM_BITS 32 /* partial sums kept on chip while K is folded */

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

/* Bits of an m x k slice of A as stored (see a_reuse in model.h). */
static uint64_t a_stored_bits(const asim_op_t *op, uint64_t m, uint64_t k)
{
    return ceil_div(m * k * (uint64_t)op->a_bits, op->a_reuse ? op->a_reuse : 1);
}

void asim_mem_params_of(const asim_config_t *cfg, asim_mem_params_t *mp)
{
    double bytes_per_ns = cfg->dram.bandwidth_gbps; /* GB/s = bytes per ns */
    double cycles_per_ns = cfg->clock_mhz / 1000.0;
    *mp = (asim_mem_params_t){
        .act_bits = (uint64_t)cfg->buffers.act_kib * 8192u,
        .weight_bits = (uint64_t)cfg->buffers.weight_kib * 8192u,
        .slots = cfg->buffers.double_buffer ? 2 : 1,
        .pinned = cfg->buffers.weights == ASIM_WEIGHTS_PINNED,
        .cycles_per_byte = cycles_per_ns / bytes_per_ns,
        .latency_cycles = cfg->dram.latency_ns * cycles_per_ns,
        .burst_bytes = (uint64_t)cfg->dram.burst_bytes,
    };
}

asim_cycle_t asim_dma_cycles(const asim_mem_params_t *mp, uint64_t bits)
{
    if (bits == 0)
        return 0;
    uint64_t bytes = ceil_div(ceil_div(bits, 8), mp->burst_bytes) * mp->burst_bytes;
    return (asim_cycle_t)ceil(mp->latency_cycles + (double)bytes * mp->cycles_per_byte);
}

uint64_t asim_graph_weight_bits(const asim_graph_t *g)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < g->len; i++) {
        const asim_op_t *op = &g->ops[i];
        if (op->kind == ASIM_OP_GEMM && op->b_is_weight && !op->b_shared)
            bits += op->count * op->k * op->n * (uint64_t)op->b_bits;
    }
    return bits;
}

/* Residency of op index's operands and output (see plan.h). */
static void residency(const asim_mem_params_t *mp, const asim_graph_t *g, size_t index,
                      asim_plan_t *plan)
{
    const asim_op_t *op = &g->ops[index];
    uint64_t half = mp->act_bits / 2, c = op->count;
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t in_bits = gemm ? c * a_stored_bits(op, op->m, op->k)
                            : c * op->rows * op->cols * (uint64_t)op->a_bits;
    uint64_t out_bits = asim_op_outputs(op) * (uint64_t)op->out_bits;
    plan->a_resident = index > 0 && in_bits <= half;
    plan->out_resident = index + 1 < g->len && out_bits <= half;
    if (gemm && op->b_is_weight)
        plan->b_resident = mp->pinned;
    else if (gemm)
        plan->b_resident = index > 0 && c * op->k * op->n * (uint64_t)op->b_bits <= half;
    else
        plan->b_resident = true;
}

/* The op cut to an (m, n, k) GEMM tile or an r-row vector tile, one instance. */
static asim_op_t tile_shape(const asim_op_t *op, uint64_t m, uint64_t n, uint64_t k)
{
    asim_op_t s = *op;
    s.count = 1;
    if (op->kind == ASIM_OP_GEMM) {
        s.m = m, s.n = n, s.k = k;
    } else {
        s.rows = m, s.cols = n;
    }
    return s;
}

static asim_cycle_t unit_cycles(asim_unit_t *u, const asim_op_t *shape)
{
    asim_job_t job = {.op = shape};
    u->ops->job(u, &job);
    return job.cycles;
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
        uint64_t inputs = op->kind == ASIM_OP_ADD ? 2 : 1;
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

static bool fits(const asim_mem_params_t *mp, const asim_plan_t *p, const asim_op_t *op,
                 uint64_t tm, uint64_t tn, uint64_t tk)
{
    uint64_t act_slot = mp->act_bits / mp->slots, w_slot = mp->weight_bits / mp->slots;
    if (op->kind != ASIM_OP_GEMM) {
        uint64_t in = p->a_resident ? 0 : (op->kind == ASIM_OP_ADD ? 2 : 1) * tm * tn *
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
static double estimate(const asim_mem_params_t *mp, asim_unit_t *u, const asim_plan_t *p,
                       const asim_op_t *op, uint64_t *dram_bits)
{
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t dm = gemm ? op->m : op->count * op->rows, dn = gemm ? op->n : op->cols;
    uint64_t dk = gemm ? op->k : 1;
    uint64_t fm = ceil_div(dm, p->tm), fn = ceil_div(dn, p->tn), fk = ceil_div(dk, p->tk);
    uint64_t per_instance = fm * fn * fk, count = gemm ? op->count : 1;
    asim_op_t shape = tile_shape(op, p->tm, p->tn, p->tk);
    double c = (double)unit_cycles(u, &shape);
    asim_tile_t first, steady;
    tile_traffic(p, op, p->tm, p->tn, p->tk, true, fk == 1, &first);
    tile_traffic(p, op, p->tm, p->tn, p->tk, false, true, &steady);
    uint64_t steady_store = fk == 1 || !gemm ? steady.store_bits : steady.store_bits / fk;
    uint64_t load_first = first.load_act_bits + first.load_weight_bits;
    uint64_t load = steady.load_act_bits + steady.load_weight_bits;
    *dram_bits = count * (load_first + first.store_bits +
                          (per_instance - 1) * (load + steady_store));
    double d = (double)asim_dma_cycles(mp, load) + (double)asim_dma_cycles(mp, steady_store);
    double n = (double)(count * per_instance);
    if (mp->slots == 2)
        return (double)asim_dma_cycles(mp, load_first) + n * fmax(c, d) + c;
    return n * (c + d) + (double)asim_dma_cycles(mp, load_first);
}

void asim_plan_op(const asim_mem_params_t *mp, asim_unit_t *u, const asim_graph_t *g,
                  size_t index, asim_plan_t *plan)
{
    const asim_op_t *op = &g->ops[index];
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t dm = gemm ? op->m : op->count * op->rows, dn = gemm ? op->n : op->cols;
    uint64_t dk = gemm ? op->k : 1;
    asim_plan_t p = {0};
    residency(mp, g, index, &p);
    double best = INFINITY;
    uint64_t best_bits = 0;
    /* Vector ops keep whole rows (softmax and LayerNorm reduce along them). */
    uint64_t tn_min = gemm ? 1 : dn;
    for (uint64_t tk = dk;; tk = ceil_div(tk, 2)) {
        for (uint64_t tn = dn;; tn = ceil_div(tn, 2)) {
            for (uint64_t tm = dm;; tm = ceil_div(tm, 2)) {
                if (fits(mp, &p, op, tm, tn, tk)) {
                    p.tm = tm, p.tn = tn, p.tk = tk;
                    uint64_t bits;
                    double cost = estimate(mp, u, &p, op, &bits);
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
        estimate(mp, u, &p, op, &best_bits);
        *plan = p;
    }
    uint64_t count = gemm ? op->count : 1;
    uint64_t fk = ceil_div(dk, plan->tk);
    plan->n_tiles = count * ceil_div(dm, plan->tm) * ceil_div(dn, plan->tn) * fk;
    plan->n_stores = plan->out_resident ? 0 : plan->n_tiles / fk;
    plan->dram_bits = best_bits;
}

void asim_plan_tile(const asim_plan_t *plan, const asim_graph_t *g, size_t index, uint64_t t,
                    asim_tile_t *tile)
{
    const asim_op_t *op = &g->ops[index];
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t dm = gemm ? op->m : op->count * op->rows, dn = gemm ? op->n : op->cols;
    uint64_t dk = gemm ? op->k : 1;
    uint64_t fm = ceil_div(dm, plan->tm), fn = ceil_div(dn, plan->tn),
             fk = ceil_div(dk, plan->tk);
    uint64_t per_instance = fm * fn * fk, local = t % per_instance;
    uint64_t ki = local % fk, ni = (local / fk) % fn, mi = local / (fk * fn);
    uint64_t tm = min_u64(plan->tm, dm - mi * plan->tm);
    uint64_t tn = min_u64(plan->tn, dn - ni * plan->tn);
    uint64_t tk = min_u64(plan->tk, dk - ki * plan->tk);
    tile->shape = tile_shape(op, tm, tn, tk);
    tile_traffic(plan, op, tm, tn, tk, local == 0, ki + 1 == fk, tile);
}
