/*
 * quark.h: the QUARK shared nonlinear unit (Zhao et al., ICCAD 2025): one N-lane core
 * that runs softmax, GELU, LayerNorm, exp, ln, divide (and, as extensions, tanh and the
 * residual add) on shared Appro-Exp / Appro-LN sub-circuits, in the bit-exact arithmetic of
 * sim/nonlinear/nl_quark_kernels.c. Also the same core restricted to some modes (the "separate
 * units" alternative: one softmax unit, one GELU unit, one LayerNorm unit).
 *
 * Three models agree on every job (docs/nonlinear.md, "The shared unit"):
 *   job model  asim_quark_job()            closed form, below; used by the accelerator
 *   step model quark/quark_step.h    register level, one call per clock edge
 *   RTL        rtl/quark/quark_unit.v  lockstep cosim in tests/cosim/quark
 *
 * Rows and passes. A row of L elements is read as beats of E elements (E = N, or N/2 in the
 * pair modes GELU, TANH, SILU, DIV, ADD, MUL, where two lanes serve one element), B =
 * ceil(L / E) beats per pass. Softmax and LayerNorm read the row three times, RMSNorm twice
 * (the row stays in the activation buffer; the unit keeps only row constants):
 *   softmax:   max pass (running max), exp+sum pass (sum of Appro-Exp), normalise pass
 *   layernorm: mean pass (running sum), variance pass (sum of squares), normalise pass
 *   rmsnorm:   sum-of-squares pass (the variance pass with mean 0), normalise pass
 * Every other mode is one pass. Between passes the unit waits for its row constant, which
 * passes through registered reduction trees of T = clog2(N) levels and the pipelined
 * Appro-LN / mean multiplier (docs/nonlinear.md, "Rows, passes and timing"):
 *   softmax max -> sum T cycles, sum -> normalise T + 18; layernorm mean -> var T + 5,
 *   var -> norm T + 5; rmsnorm squares -> norm T + 5.
 * Timing with every stream valid and no backpressure: each row takes one command cycle,
 * its beats one per cycle and its gaps; the next row's command follows the row's last beat;
 * a beat's outputs leave ASIM_QUARK_LATENCY (43) cycles after the beat (the unit has 42
 * register stages from the beat to its output register). A job of R equal rows:
 *   cycles = R * (1 + passes * B + gaps) + ASIM_QUARK_LATENCY
 * Activity per row (L elements): see asim_quark_job(); actions in quark_block.c.
 */
#ifndef ASIM_QUARK_QUARK_H
#define ASIM_QUARK_QUARK_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"

#define ASIM_QUARK_LATENCY 43    /* cycles from a beat to its outputs */
#define ASIM_QUARK_MAX_LANES 64  /* N: even, 2..64 */
#define ASIM_QUARK_MAX_LEN 65536 /* longest row (the kernels' ASIM_NL_MAX_N) */

/* The unit's modes (cmd_mode in the RTL); bit m of a mode mask enables mode m. */
typedef enum {
    ASIM_QUARK_SOFTMAX,
    ASIM_QUARK_GELU,
    ASIM_QUARK_LAYERNORM,
    ASIM_QUARK_EXP,
    ASIM_QUARK_LN,
    ASIM_QUARK_DIV,
    ASIM_QUARK_ADD,
    ASIM_QUARK_TANH,
    ASIM_QUARK_SILU,
    ASIM_QUARK_RMSNORM,
    ASIM_QUARK_RELU,
    ASIM_QUARK_MUL,
    ASIM_QUARK_MODE_COUNT
} asim_quark_mode_t;

#define ASIM_QUARK_MODE_BITS 4 /* cmd_mode width; the RTL's MODES has 2^4 bits */
#define ASIM_QUARK_ALL_MODES ((1u << ASIM_QUARK_MODE_COUNT) - 1u)

/* Work of one job, equal between the job model and the step model. */
typedef struct {
    uint64_t cycles;    /* first command cycle .. last output cycle, inclusive */
    uint64_t rows;      /* rows run */
    uint64_t beats;     /* input beats taken (all passes) */
    uint64_t in_elems;  /* operand elements read (all passes; DIV, ADD and MUL read two) */
    uint64_t out_elems; /* results written */
    uint64_t exp_ops;   /* Appro-Exp evaluations */
    uint64_t ln_ops;    /* Appro-LN evaluations */
    uint64_t mul_ops;   /* other multiplies (input requantizer, GELU / SiLU, squares, mean,
                           the element-wise product) */
    uint64_t lane_uses; /* lane-cycles doing work: elements x passes (x 2 in pair modes) */
} asim_quark_counts_t;

const char *asim_quark_mode_name(asim_quark_mode_t mode);
/* True for GELU, TANH, SILU, DIV, ADD, MUL: N/2 elements per beat. */
bool asim_quark_is_pair(asim_quark_mode_t mode);
/* True for DIV, ADD, MUL: two operands per element (lane j + N/2 carries the second). */
bool asim_quark_is_binary(asim_quark_mode_t mode);
/* Passes over a row: 3 for softmax and layernorm, 2 for rmsnorm, else 1 (also for a mode not
 * in `modes`). */
unsigned asim_quark_passes(asim_quark_mode_t mode, unsigned modes);
/* Idle cycles after pass `pass` (not the last) waiting for the row constant, on N = lanes. */
unsigned asim_quark_gap(unsigned lanes, asim_quark_mode_t mode, unsigned modes, unsigned pass);
/* Job model: `rows` rows of `len` elements (1..ASIM_QUARK_MAX_LEN) in `mode` on an N-lane
 * unit built with the mode mask `modes`; rows >= 1. */
void asim_quark_job(unsigned lanes, unsigned modes, asim_quark_mode_t mode, uint64_t len,
                  uint64_t rows, asim_quark_counts_t *c);

/* The jobs an op kind runs as, in order: `rows` of them per row of the op, each in `mode`
 * on the op's row length. One job for every kind but GEMM (none) and ROPE (two): RoPE,
 * x cos + rotate(x) sin, is two MUL rows (x by cos, rotate(x) by sin with rotate's sign
 * folded into the sin table, rotate(x) read from the buffer in rotated order) and then one
 * ADD row of the two products, which wait in the buffer (docs/nonlinear.md, "RoPE"). */
typedef struct {
    asim_quark_mode_t mode;
    unsigned rows; /* rows of this job per row of the op */
} asim_quark_kind_job_t;
#define ASIM_QUARK_MAX_KIND_JOBS 2
/* Fills jobs[] and returns how many (0 for GEMM). */
unsigned asim_quark_kind_jobs(asim_op_kind_t kind, asim_quark_kind_job_t jobs[ASIM_QUARK_MAX_KIND_JOBS]);
/* The RTL mode mask (MODES parameter) a unit serving the op kinds `kinds` needs: every mode
 * for the shared unit (all of ASIM_QUARK_KINDS_SHARED), else just the kinds' own modes. */
unsigned asim_quark_modes_for_kinds(unsigned kinds);

/* Op kinds of the shared unit (every vector op kind), and of the three separate units
 * (softmax; the activations GELU, tanh, SiLU and ReLU; the normalisations and element-wise
 * ops LayerNorm, RMSNorm, add, mul and RoPE), as masks of 1u << asim_op_kind_t. */
#define ASIM_QUARK_KINDS_SHARED                                                                 \
    ((1u << ASIM_OP_SOFTMAX) | (1u << ASIM_OP_GELU) | (1u << ASIM_OP_LAYERNORM) |             \
     (1u << ASIM_OP_ADD) | (1u << ASIM_OP_TANH) | (1u << ASIM_OP_RELU) |                      \
     (1u << ASIM_OP_RMSNORM) | (1u << ASIM_OP_SILU) | (1u << ASIM_OP_MUL) | (1u << ASIM_OP_ROPE))
#define ASIM_QUARK_SEPARATE_UNITS 3
extern const unsigned asim_quark_separate_kinds[ASIM_QUARK_SEPARATE_UNITS];
extern const char *const asim_quark_separate_names[ASIM_QUARK_SEPARATE_UNITS];

/* The block (quark_block.c). */
struct asim_block;
extern const struct asim_block asim_quark_block;

/* FPGA resources of a unit with `lanes` lanes, `in_bits`-bit inputs and the RTL mode mask
 * `modes` (asim_quark_modes_for_kinds), fitted to Yosys runs of rtl/quark
 * (quark_resource.c); masks other than the calibrated ones (traces/calibration/quark_fit.csv)
 * take the smallest calibrated unit that contains them, or the largest when none does
 * (docs/nonlinear.md, "Resources"). */
void asim_quark_resources(uint64_t lanes, int in_bits, unsigned modes, asim_resources_t *out);

#endif
