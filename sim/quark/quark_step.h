/*
 * nl_quark_step.h: the QUARK shared nonlinear unit, step model (register level, one call per
 * clock edge).
 *
 * This is the executable specification of rtl/quark/quark_unit.v: same ports, same widths,
 * same synchronous reset, same cycle behaviour; tests/cosim/quark runs both in lockstep
 * and compares every output port every cycle. Its values are those of the kernels in
 * sim/nonlinear/nl_quark_kernels.c (asim_nl_run with impl quark), computed by the same primitives.
 * docs/nonlinear.md draws the pipeline.
 *
 * Ports (RTL names; a bus of lanes packs lane i at bits [i*W +: W]):
 *   rst                 synchronous reset, active high
 *   out_ready           clock enable of the whole unit: when 0 every register holds
 *   cmd_valid/cmd_ready one row: cmd_mode (asim_quark_mode_t), cmd_len (elements, 1..65536;
 *                       0 behaves as one empty pass), cmd_m / cmd_e (the input requantizer
 *                       m / 2^e from asim_nl_dyadic_from(scale * 2^14): softmax, GELU, tanh,
 *                       exp), cmd_pb (softmax output bits, 2..16), cmd_k (48 bits: the LN
 *                       offset asim_nl_quark_ln_offset, signed, in ln mode; R_N =
 *                       asim_nl_quark_mean_recip(len) in layernorm mode)
 *   x_valid/x_ready     one beat: x_data, N lanes of IW-bit signed codes. Element e of a pass
 *                       is in beat e / E, lane e % E; in DIV, ADD and MUL lane j + N/2 carries
 *                       the second operand of lane j. Lanes past the row's end are ignored.
 *   y_valid, y_last, y_count, y_data   one output beat: y_count results in lanes 0..count-1
 *                       (32 bits each; the other lanes are 0), y_last on the row's last beat
 *   busy                a row is in progress or results are still in the pipeline
 * Outputs per mode (the kernels' output codes): softmax asim_nl_softmax_quark, gelu
 * asim_nl_gelu_quark, layernorm asim_nl_layernorm_quark, exp asim_nl_exp_quark, ln
 * asim_nl_ln_quark (codes <= 0 give ln 0 = -64.0 + offset), div asim_nl_div_quark (b = 0
 * gives +-2^30), add a + b, tanh asim_nl_tanh_quark, silu asim_nl_silu_quark, rmsnorm
 * asim_nl_rmsnorm_quark, relu asim_nl_relu_quark, mul a * b (asim_quark_row_kernel gives
 * each). A mode outside the MODES mask, or a cmd_mode past the last mode, runs as one pass
 * of N elements per beat whose results are 0.
 * Timing: nl_quark.h.
 */
#ifndef ASIM_UNITS_NL_QUARK_STEP_H
#define ASIM_UNITS_NL_QUARK_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/error.h"
#include "nonlinear/nl_kernels.h"
#include "quark/quark.h"

#define ASIM_QUARK_LEN_BITS 17 /* cmd_len width */
#define ASIM_QUARK_K_BITS 48   /* cmd_k width */
#define ASIM_QUARK_OUT_BITS 32 /* y_data lane width */

/* Elaboration parameters of the RTL (quark_unit.v parameters N, IW, MODES). */
typedef struct {
    unsigned lanes;   /* N: even, 2..ASIM_QUARK_MAX_LANES */
    unsigned in_bits; /* IW: 2..16 */
    unsigned modes;   /* MODES: mask of enabled modes, bit m = asim_quark_mode_t m */
} asim_quark_params_t;

/* Inputs sampled at one rising edge. */
typedef struct {
    bool rst, out_ready;
    bool cmd_valid;
    unsigned cmd_mode;   /* ASIM_QUARK_MODE_BITS */
    uint32_t cmd_len;    /* ASIM_QUARK_LEN_BITS */
    uint32_t cmd_m;      /* 31 bits */
    unsigned cmd_e;      /* 6 bits */
    unsigned cmd_pb;     /* 5 bits */
    uint64_t cmd_k;      /* raw ASIM_QUARK_K_BITS */
    bool x_valid;
    const uint64_t *x_data; /* N raw lanes of IW bits */
} asim_quark_in_t;

/* Outputs during the cycle before the edge. */
typedef struct {
    bool cmd_ready, x_ready, busy;
    bool y_valid, y_last;
    unsigned y_count;
    const uint64_t *y_data; /* N raw lanes of 32 bits, owned by the model */
} asim_quark_out_t;

typedef struct asim_quark_step asim_quark_step_t;

/* Allocates a model in its reset state; ASIM_ERANGE / ASIM_ENOMEM on failure. */
asim_status_t asim_quark_step_create(const asim_quark_params_t *p, asim_quark_step_t **out,
                                   asim_error_t *err);
void asim_quark_step_free(asim_quark_step_t *s);
/* One clock edge: fills *out for the cycle ending at this edge, then updates the registers. */
void asim_quark_step(asim_quark_step_t *s, const asim_quark_in_t *in, asim_quark_out_t *out);
/* Work done since creation (reset does not clear it); cycles counts enabled busy cycles. */
const asim_quark_counts_t *asim_quark_step_counts(const asim_quark_step_t *s);

/* The command's cmd_k for a row of `len` elements at input scale `scale` in `mode`. */
uint64_t asim_quark_cmd_k(asim_quark_mode_t mode, uint64_t len, double scale);
/* The bit-exact kernel of `mode` (sim/nonlinear) on one row: x (and b, the second operand of
 * DIV, ADD and MUL) of format `in`, softmax width prob_bits; what the unit must output. Fails
 * as the kernel does (ASIM_EARG) and for a mode past the last. */
asim_status_t asim_quark_row_kernel(asim_quark_mode_t mode, const int32_t *x, const int32_t *b,
                                    size_t n, const asim_nl_fmt_t *in, unsigned prob_bits,
                                    int32_t *y, asim_nl_fmt_t *out);

/*
 * Runs `rows` rows of `len` elements in `mode` on a fresh model with every stream valid and
 * out_ready high, commands back to back, input codes zero. Fills *out with the counts the job
 * model must reproduce; cycles from the first command cycle to the last output, inclusive.
 */
asim_status_t asim_quark_step_run_job(const asim_quark_params_t *p, asim_quark_mode_t mode,
                                    uint64_t len, uint64_t rows, asim_quark_counts_t *out,
                                    asim_error_t *err);

#endif
