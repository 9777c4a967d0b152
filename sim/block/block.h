/*
 * block.h: what a hardware block is to the accelerator: one static const descriptor
 * (asim_block_t) in the block's own folder, listed once in the registry (block/registry.h).
 *
 * A descriptor carries the block's name, its own configuration rows (its parameters live in
 * its own struct, stored in the configuration's block area), the op kinds it serves and how
 * strongly it claims them (routing), create/free of an instance, a PURE cost function, the
 * names of its own counters, its resource formula and basis, and its report lines. The
 * accelerator builds, routes, wires, accounts and reports by looping over the registry; it
 * names no block.
 *
 * Cost contract. cost(self, work) returns the exact cycles of the work and everything it did,
 * as action counts, with no side effect: the planner calls it for every candidate tiling, the
 * unit (block/unit.h) for the jobs that really run, and only the latter are counted. Actions
 * are what the energy pass prices (energy/energy.h): the block reports what it did, never
 * picojoules.
 */
#ifndef ASIM_BLOCK_BLOCK_H
#define ASIM_BLOCK_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"

/* Energy-bearing actions: (id, name, what one count is). Integer counts, each priced by one
 * entry of the technology table. */
#define ASIM_ACTIONS(X)                                                                      \
    X(MULT_BITS, "mult_bit_products",                                                        \
      "multiplier bit products: an a x b-bit multiply counts a*b (priced at mult_8x8 / 64)") \
    X(ADD_BITS, "adder_bits", "adder bits: a w-bit add counts w (priced at add_32 / 32)")    \
    X(MULT_32, "mult_32", "32-bit integer multiplies (requantizers, scales)")              \
    X(FP32_MULT, "fp32_mult", "FP32 multiplies (the QMM naive-flow comparison)")              \
    X(FP32_ADD, "fp32_add", "FP32 adds (the QMM naive-flow comparison)")                      \
    X(SRAM_READ_BITS, "sram_read_bits", "bits read from the on-chip buffers")               \
    X(SRAM_WRITE_BITS, "sram_write_bits", "bits written to the on-chip buffers")            \
    X(DRAM_BITS, "dram_bits", "bits of the DRAM bursts moved to or from the buffers")

typedef enum {
#define ASIM_ACTION_ENUM(id, name, desc) ASIM_ACT_##id,
    ASIM_ACTIONS(ASIM_ACTION_ENUM)
#undef ASIM_ACTION_ENUM
    ASIM_ACT_COUNT
} asim_action_t;

/* "mult_bit_products", ... and what one count is. */
const char *asim_action_name(asim_action_t a);
const char *asim_action_desc(asim_action_t a);

#define ASIM_BLOCK_MAX_COUNTERS 4

/* The bursts of burst_bytes a transfer's runs (asim_run_t, asim/sim.h) move: each run its own aligned bursts, from lo
 * rounded down to a burst through hi, i.e. the sum of hi / burst_bytes - lo / burst_bytes + 1. */
uint64_t asim_runs_bursts(const asim_run_t *runs, size_t n, uint64_t burst_bytes);

/* What a unit is asked to do: a tile of an op, or (DMA) a transfer of `bits`. */
typedef struct {
    const asim_op_t *op;          /* compute blocks: the tile (count instances) */
    uint64_t bits;                /* DMA: bits to move */
    /* DMA: the aligned bursts of burst_bytes that hold the DRAM byte runs the transfer moves
     * (asim_transfer_bursts); NULL when unknown (the planner's estimates, which price the
     * bits as if contiguous) */
    uint64_t (*bursts)(const void *ctx, uint64_t burst_bytes);
    const void *bursts_ctx;
    bool store;                   /* DMA: buffer -> DRAM (else DRAM -> buffer) */
    asim_cycle_t at_least;        /* DMA: the transfer takes at least this long (a platform's
                                     memory slower than the DRAM model, asim_sim_set_dma_timer) */
    bool describe;                /* fill asim_cost_t.mode too (it is the same for every tile
                                     of an op; the planner's many calls skip it) */
} asim_work_t;

/* What the work costs: filled by a block's cost function. */
typedef struct {
    asim_cycle_t cycles;
    double utilization;           /* useful work / the unit's peak over `cycles`, 0..1 */
    uint64_t macs;                /* multiply-accumulates (compute blocks) */
    uint64_t actions[ASIM_ACT_COUNT];
    uint64_t read_a_bits, read_b_bits; /* of the buffer reads: operand A (a vector op's first
                                          input) and B (its second); the rest: partial sums */
    uint64_t counters[ASIM_BLOCK_MAX_COUNTERS]; /* the block's own, as its descriptor names */
    char mode[40];                /* how it ran, e.g. "a4 x w1 (binary)", when work->describe */
} asim_cost_t;

typedef struct {
    const char *leaf, *unit, *desc; /* stat "<instance>.<leaf>" */
} asim_counter_desc_t;

/* Prices actions for a report section (the energy pass's table, energy/energy.h). */
typedef struct {
    double (*pj)(const void *ctx, asim_action_t a, uint64_t count);
    const void *ctx;
} asim_pricer_t;

typedef struct asim_block asim_block_t;

struct asim_block {
    const char *name;             /* its folder under sim/, rtl/ and tests/cosim/ */
    const asim_cfg_key_t *keys;   /* its configuration rows; offsets into its params */
    size_t n_keys;
    size_t params_size;           /* its params struct, kept in asim_config_t.blocks */
    bool runs_gemm;               /* a matmul engine (a configuration needs one) */
    bool moves_data;              /* the DMA channel: its cost prices transfers (w->bits); the
                                     accelerator needs exactly one such unit */
    /* Checks across its keys; NULL when the schema's bounds say it all. */
    asim_status_t (*check)(const asim_config_t *cfg, const void *params, asim_error_t *err);
    /* Instances the configuration asks for (0: the block is absent). */
    size_t (*instances)(const asim_config_t *cfg, const void *params);
    /* Instance i's state (read by the functions below), or NULL when out of memory. */
    void *(*create)(const asim_config_t *cfg, const void *params, size_t i);
    void (*free)(void *self);
    /* Instance name: the unit's name in reports and the prefix of its stats and ports. */
    const char *(*instance_name)(const void *self);
    /* How strongly it claims op: < 0 not at all; the highest claim over every unit wins,
     * ties to the earlier in the registry. A claimed op it cannot run is an error. */
    int (*route)(const void *self, const asim_op_t *op);
    /* True if it can run op; otherwise says why (e.g. operand too wide). */
    bool (*can_run)(const void *self, const asim_op_t *op, char *why, size_t n);
    /* The cost of w, exactly, without side effects. */
    void (*cost)(const void *self, const asim_work_t *w, asim_cost_t *c);
    const asim_counter_desc_t *counters; /* its own counters, cost->counters[i] */
    size_t n_counters;
    /* Resources of the instance, and what they rest on ("calibrated (Yosys)", ...). */
    void (*resources)(const void *self, asim_resources_t *r);
    const char *basis;
    /* One line for the report's header, or NULL; "" writes nothing. */
    void (*describe)(const void *self, char *buf, size_t n);
    /* A report section over the layers it ran (e.g. the QMM flow comparison), or NULL. */
    void (*section)(const void *self, const asim_report_t *rep, const asim_pricer_t *price,
                    asim_report_section_t *sec);
};

/* Its params inside cfg. */
const void *asim_block_params(const asim_config_t *cfg, const asim_block_t *b);

#endif
