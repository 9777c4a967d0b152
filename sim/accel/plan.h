/*
 * plan.h: how each op of a graph is split into tiles that fit the on-chip buffers, and
 * what each tile moves between DRAM and the buffers (docs/memory.md).
 *
 * Residency: an activation tensor (an op's A, an activation B, or its output) stays on chip
 * between ops when it fits in half the activation buffer (the producer's output and the
 * consumer's input must coexist) as its producer writes it and as every reader reads it, and
 * every reader can read all its operands of that side on chip; otherwise the producer stores
 * it to DRAM and every reader loads it. The two sides always agree (asim_plan_residency). The model's input comes from DRAM and its final output goes to DRAM. Weights
 * come from DRAM with every op (buffers.weights: stream) or live on chip for the whole run
 * (pinned; the model's weights must then fit buffers.weight_kib). The KV cache is in DRAM: an
 * op that appends to it (out_cache) always stores its output, and a GEMM whose B is read from
 * it (b_cache) always loads B, into the weight buffer like a streamed weight.
 *
 * Tiling: a GEMM is cut into tm x tn x tk tiles, k innermost (partial sums stay on chip),
 * then n, then m; each tile's streamed operands must fit one slot of their buffer (half the
 * buffer with double buffering) and its partial sums a slot of the activation buffer. The
 * search tries tile sizes from the whole dimension (at most max_rows rows) down by halves and keeps the one with the
 * fewest estimated cycles (DMA and compute overlapped when double-buffered), then the least
 * DRAM traffic. Vector ops are cut into groups of whole rows the same way.
 */
#ifndef ASIM_ACCEL_PLAN_H
#define ASIM_ACCEL_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/config.h"
#include "asim/model.h"
#include "block/unit.h"

typedef struct {
    asim_op_t shape;          /* the part of the op this tile computes (count 1) */
    uint64_t load_act_bits;   /* DRAM -> activation buffer before it computes */
    uint64_t load_weight_bits;/* DRAM -> weight buffer before it computes */
    uint64_t store_bits;      /* activation buffer -> DRAM after it computes */
} asim_tile_t;

/* Where tile t sits in its op: GEMM instance and the first row, column and k step it covers
 * (vector ops: instance 0, m0 the first row over every instance stacked, n0 = k0 = 0), its
 * extent (edge tiles are smaller), and whether it is its instance's first tile and its
 * output tile's last k step. */
typedef struct {
    uint64_t inst, m0, n0, k0, tm, tn, tk;
    bool first_of_instance, last_k;
} asim_tile_at_t;

typedef struct {
    uint64_t tm, tn, tk;      /* GEMM tile (vector ops: tm rows, tn = cols) */
    bool a_resident, b_resident, out_resident;
    uint64_t n_tiles;
    uint64_t n_stores;        /* tiles that store results to DRAM: the last k step of each
                                 output tile, when the output does not stay on chip */
    uint64_t dram_bits;       /* total DRAM traffic of the op */
    uint64_t folds[3];        /* asim_plan_folds, kept for locating tiles (not stored in a
                                 program file: asim_plan_index sets them) */
} asim_plan_t;

/* Buffer capacities the planner needs, from the configuration. DRAM timing is the DMA
 * unit's (its block's cost of a transfer). */
typedef struct {
    uint64_t act_bits, weight_bits;   /* buffer capacities */
    uint64_t slots;                   /* 2 with double buffering, else 1 */
    bool pinned;                      /* weights live on chip */
    uint64_t max_rows;                /* rows a tile may cover at most (0: no limit); the
                                         pipelined schedule streams row blocks this way */
} asim_buffers_t;

void asim_buffers_of(const asim_config_t *cfg, asim_buffers_t *b);

/* Where each operand and the output of an op lives between ops. */
typedef struct {
    bool a_resident, b_resident, out_resident;
} asim_residency_t;

/* Residency of every op of g (r: g->len entries), decided per tensor so that a producer keeps
 * its output on chip exactly when every reader reads it there. False when out of memory. */
bool asim_plan_residency(const asim_buffers_t *mp, const asim_graph_t *g, asim_residency_t *r);
/* Chooses the tiling of op `index` of g (first and last ops talk to DRAM) on unit u, with
 * its residency res (asim_plan_residency) and transfers priced by the DMA unit dma. Pure:
 * calls only the units' cost functions. */
void asim_plan_op(const asim_buffers_t *mp, const asim_unit_t *u, const asim_unit_t *dma,
                  const asim_graph_t *g, size_t index, const asim_residency_t *res,
                  asim_plan_t *plan);
/* Tiles of plan along m, n and k, per instance (vector ops: row groups over every instance,
 * 1, 1). */
void asim_plan_folds(const asim_plan_t *plan, const asim_op_t *op, uint64_t f[3]);
/* Sets plan->folds for op (asim_plan_op does; a plan read from a program file needs it). */
void asim_plan_index(asim_plan_t *plan, const asim_op_t *op);
/* True if plan's tile sizes lie within op's dimensions and its tile and store counts are the
 * ones those sizes give (a plan read from a program file is checked with it). */
bool asim_plan_fits_op(const asim_plan_t *plan, const asim_op_t *op);
/* Where the t-th tile of plan (t < plan->n_tiles) of op sits. */
void asim_plan_locate(const asim_plan_t *plan, const asim_op_t *op, uint64_t t,
                      asim_tile_at_t *at);
/* The t-th tile of a plan (t < plan->n_tiles), edge tiles included. */
void asim_plan_tile(const asim_plan_t *plan, const asim_graph_t *g, size_t index, uint64_t t,
                    asim_tile_t *tile);
/* Only the DRAM traffic of that tile (its load and store bits), leaving tile->shape as it
 * was: what the compiler and the DMA completions need, without copying the op. */
void asim_plan_tile_traffic(const asim_plan_t *plan, const asim_op_t *op, uint64_t t,
                            asim_tile_t *tile);
/* Weight bits of the whole model (what pinning needs on chip). */
uint64_t asim_graph_weight_bits(const asim_graph_t *g);

#endif
