/*
 * qmm_step.h: the QMM engine (BETA), step model (register level, one call per clock edge).
 *
 * This is the executable specification of rtl/qmm/qmm_engine.v: same ports, same widths,
 * same synchronous reset, same cycle behaviour; tests/cosim runs both in lockstep and compares
 * every output port every cycle. docs/qmm.md draws the micro-architecture.
 *
 * Ports (RTL names):
 *   rst                  synchronous reset, active high: every register clears at the edge
 *   out_ready            clock enable of the whole engine: when 0 everything holds
 *                        (backpressure on the output)
 *   cmd_valid/cmd_ready  one GEMM job C[m x n] = A[m x k] * B[k x n]: cmd_m, cmd_n, cmd_k
 *                        (>= 1), cmd_amode (activation precision A = 1 << cmd_amode),
 *                        cmd_asigned (A-bit two's complement activations; at A = 1 the bit
 *                        encodes +1/-1), cmd_bbin (B is +1/-1, bit 1 = +1: one pass),
 *                        cmd_bbits (multi-bit B: 1..8 bit planes), cmd_bsigned (multi-bit B
 *                        is two's complement: its top plane is subtracted), cmd_m0 (signed
 *                        requantizer multiplier), cmd_shift (requantizer shift)
 *   in_valid/in_ready    one beat per step: in_act (L 8-bit lanes; activation e of the step
 *                        in bits [e*A, e*A + A)), in_b (per DPU 8L bits: bit e is B's bit of
 *                        element e in this pass), in_beta (per DPU, signed: the column
 *                        constant of the group, sampled on the group's last beat)
 *   out_valid, out_keep, out_data   one group of D outputs (signed out_bits each); out_keep
 *                        marks the DPUs that hold a column (the last group of a row may be
 *                        partial); out_data of a DPU not kept is 0
 *   busy                 a command is pending or active, or a beat is still in the pipeline
 *
 * Beat order of a job: rows of A, then groups of D columns, then passes over B's bit planes
 * (least significant first; one for binary B), then steps of P(A) = 8L / A elements; the
 * last step of a pass holds the K mod P(A) remaining elements (the rest is ignored).
 * Arithmetic (asim/fixed.h): each pass sum is exact; the accumulator wraps in acc_bits; the
 * output is asim_fx_requant(dot, m0, beta, shift, out_bits).
 *
 * Timing with every stream valid and out_ready high: a job's beats are taken one per cycle
 * and the next job's first beat follows the last one (a pending command waits in a register);
 * a beat's group result leaves the output register ASIM_QMM_PIPELINE (9) cycles after the
 * beat. A job therefore takes beats + 9 cycles from its first beat to its last output, with
 * beats = m * ceil(n / D) * passes * ceil(k / P(A)), which is asim_qmm_job()'s closed form.
 * The first command after idle waits two cycles (pending register, then active) before its
 * first beat; those cycles are not part of the job's cycles.
 */
#ifndef ASIM_UNITS_QMM_STEP_H
#define ASIM_UNITS_QMM_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/error.h"
#include "qmm/qmm.h"

/* Elaboration parameters of the RTL (qmm_engine.v parameters D, L, ACCW, ...). */
typedef struct {
    uint32_t dpus, lanes;       /* D 1..64, L 1..16 */
    unsigned acc_bits;          /* ACCW: > 9 + clog2(L), acc_bits + m0_bits <= 60 */
    unsigned m0_bits;           /* M0W: 2..32 */
    unsigned beta_bits;         /* BTW: 2..60 */
    unsigned shift_bits;        /* SHW: 1..5 */
    unsigned out_bits;          /* OW: 2..32 */
    unsigned m_bits, n_bits, k_bits; /* MW, NW, KW: 2..32; NW > clog2(D+1), KW > clog2(8L+1) */
} asim_qmm_params_t;

/* Inputs sampled at one rising edge (valid during the cycle before it). */
typedef struct {
    bool rst, out_ready;
    bool cmd_valid, cmd_asigned, cmd_bbin, cmd_bsigned;
    uint32_t cmd_m, cmd_n, cmd_k;
    unsigned cmd_amode, cmd_bbits, cmd_shift;
    uint64_t cmd_m0;            /* raw m0_bits */
    bool in_valid;
    const uint8_t *in_act;      /* L lanes */
    const uint8_t *in_b;        /* D x L bytes: DPU d's bit e is bit e % 8 of byte d*L + e/8 */
    const uint64_t *in_beta;    /* D raw beta_bits fields */
} asim_qmm_in_t;

/* Outputs during the cycle before the edge (registers and combinational paths). */
typedef struct {
    bool cmd_ready, in_ready, out_valid, busy;
    bool *out_keep;             /* D, owned by the model */
    uint64_t *out_data;         /* D raw out_bits fields, owned by the model */
} asim_qmm_out_t;

/* Activity since creation or the last reset. */
typedef struct {
    uint64_t cycles;            /* cycles with a job active or a beat in the pipeline */
    uint64_t beats;             /* input beats (steps) taken */
    uint64_t groups;            /* group results moved to the double buffer */
    uint64_t passes;            /* passes started (first beats of a pass) */
    uint64_t macs;              /* element x column products of first passes */
    uint64_t act_reads;         /* activation elements taken (valid elements of beats) */
    uint64_t b_bit_reads;       /* B bits used: valid elements x columns of beats */
    uint64_t outputs;           /* kept outputs taken (out_valid & out_ready) */
} asim_qmm_step_counts_t;

typedef struct asim_qmm_step asim_qmm_step_t;

/* Allocates a model in its reset state; ASIM_ERANGE / ASIM_ENOMEM on failure. */
asim_status_t asim_qmm_step_create(const asim_qmm_params_t *p, asim_qmm_step_t **out,
                                   asim_error_t *err);
void asim_qmm_step_free(asim_qmm_step_t *s);
/* One clock edge: fills *out for the cycle ending at this edge, then updates the registers. */
void asim_qmm_step(asim_qmm_step_t *s, const asim_qmm_in_t *in, asim_qmm_out_t *out);
const asim_qmm_step_counts_t *asim_qmm_step_counts(const asim_qmm_step_t *s);

/*
 * Runs one job on a fresh step model (acc_bits 32, 16-bit dimensions) with every stream
 * valid, out_ready high and zero operands, until it is idle. Fills *out in the job model's
 * terms: cycles, groups, passes per group, steps per pass, MACs, activation elements, B bits
 * and outputs. ASIM_ERANGE if the job cannot be stepped (a dimension 0 or >= 2^16, act_bits
 * not 1/2/4/8, b_bits not 1..8) or does not finish within m * n * k * 8 + 64 cycles.
 */
asim_status_t asim_qmm_step_run_job(const asim_qmm_geom_t *g, const asim_qmm_job_t *j,
                                    asim_qmm_counts_t *out, asim_error_t *err);

#endif
