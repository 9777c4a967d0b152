/*
 * systolic_step.h: the systolic array, step model (register level, one call per clock edge).
 *
 * This is the executable specification of rtl/systolic/systolic_array.v: same ports, same
 * widths, same synchronous reset, same cycle behaviour; tests/cosim runs both in lockstep and
 * compares every output port every cycle. docs/systolic.md draws the micro-architecture.
 *
 * Ports (RTL names; a bus of lanes packs lane i at bits [i*W +: W]):
 *   rst                      synchronous reset, active high: every register clears at the edge
 *   out_ready                global clock enable: when 0 the whole unit holds (backpressure)
 *   cmd_valid/cmd_ready      one tile command: cmd_stat (0 = os, 1 = ws/is), cmd_len (T, the
 *                            streamed length, >= 1), cmd_rows / cmd_cols (used rows 1..R and
 *                            columns 1..C; the rest of the array computes on zeros), cmd_acc
 *                            (outputs are partial sums to add to earlier ones: out_acc), cmd_ovl
 *                            (this tile may overlap the previous one, see below)
 *   a_valid/a_ready, a_data  west stream, R lanes of a_bits: one beat per streamed step
 *   b_valid/b_ready, b_data  north stream, C lanes of b_bits: in os one beat per streamed step
 *                            (taken together with an a beat); in ws/is R load beats per tile,
 *                            beat r carrying row r of the stationary tile
 *   out_valid/out_acc/out_data  C lanes at the bottom of the array (acc_bits each)
 *   busy                     a tile is loading/streaming or the array still holds its results
 *
 * Operand and accumulator arithmetic follows asim/fixed.h (accumulators wrap).
 * Timing with every stream always valid and out_ready high (what the job model assumes):
 *   a tile takes L = 2R + C + 2 + T busy cycles from its first beat to its last output (the 2:
 *   the PE pipeline between multiply and accumulate, ASIM_SYSTOLIC_PE_STAGES);
 *   without overlap the next tile's first beat follows the last output;
 *   with overlap (cmd_ovl and same dataflow) tiles of equal T start max(T, R) cycles apart:
 *     os: the next stream starts when the shadow result registers are free, that is when
 *         start' + T' >= start + T + R (the drain of a column takes R cycles);
 *     ws/is: the next tile's weights load into the second weight buffer while this tile
 *         streams; its stream starts when both this stream and its load are done.
 * A dataflow change always waits for the array to empty.
 */
#ifndef ASIM_UNITS_SYSTOLIC_STEP_H
#define ASIM_UNITS_SYSTOLIC_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/error.h"
#include "systolic/systolic.h"

/* Elaboration parameters of the RTL (systolic_array.v parameters R, C, AW, BW, ...). */
typedef struct {
    uint32_t rows, cols;        /* R, C >= 1 */
    unsigned a_bits, b_bits;    /* AW, BW: 2..16 */
    bool a_signed, b_signed;    /* A_SIGNED, B_SIGNED */
    unsigned acc_bits;          /* ACCW: 2..64 */
    unsigned len_bits;          /* TW: width of cmd_len, 1..32 */
} asim_systolic_params_t;

/* Inputs sampled at one rising edge (valid during the cycle before it). */
typedef struct {
    bool rst;
    bool out_ready;
    bool cmd_valid, cmd_stat, cmd_acc, cmd_ovl;
    uint32_t cmd_len, cmd_rows, cmd_cols;
    bool a_valid, b_valid;
    const uint64_t *a_data;     /* R raw lanes */
    const uint64_t *b_data;     /* C raw lanes */
} asim_systolic_in_t;

/* Outputs during the cycle before the edge (registers and combinational paths); the lane
 * arrays point into the model and stay valid until its next step or free. */
typedef struct {
    bool cmd_ready, a_ready, b_ready, busy;
    bool *out_valid, *out_acc; /* C lanes, owned by the model */
    uint64_t *out_data;        /* C raw lanes */
} asim_systolic_out_t;

typedef struct asim_systolic_step asim_systolic_step_t;

/* Allocates a model in its reset state; ASIM_ERANGE / ASIM_ENOMEM on failure. */
asim_status_t asim_systolic_step_create(const asim_systolic_params_t *p,
                                        asim_systolic_step_t **out, asim_error_t *err);
void asim_systolic_step_free(asim_systolic_step_t *s);
/* One clock edge: fills *out for the cycle ending at this edge, then updates the registers. */
void asim_systolic_step(asim_systolic_step_t *s, const asim_systolic_in_t *in,
                        asim_systolic_out_t *out);
/* Activity since creation or the last reset: cycles counts busy cycles, tiles counts tiles
 * started, the rest are elements crossing the array edges (a_reads: west port, b_reads:
 * north port) and useful MACs. */
const asim_systolic_counts_t *asim_systolic_step_counts(const asim_systolic_step_t *s);

/*
 * Runs one GEMM on a fresh step model with every stream always valid and no backpressure,
 * tiles issued in the order of asim_systolic_job's folds (rows fold outer, columns inner),
 * operand values zero. Fills *out with the counts the job model must reproduce, a_reads and
 * b_reads named after the GEMM operands (is streams B west and loads A north).
 */
asim_status_t asim_systolic_step_run_job(const asim_systolic_geom_t *g,
                                         const asim_gemm_shape_t *shape,
                                         asim_systolic_counts_t *out, asim_error_t *err);

#endif
