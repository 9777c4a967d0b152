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
 * pair modes GELU, TANH, DIV, ADD, where two lanes serve one element), B = ceil(L / E) beats
 * per pass. Softmax and LayerNorm read the row three times (the row stays in the activation
 * buffer; the unit keeps only row constants):
 *   softmax:   max pass (running max), exp+sum pass (sum of Appro-Exp), normalise pass
 *   layernorm: mean pass (running sum), variance pass (sum of squares), normalise pass
 * Every other mode is one pass. Between passes the unit waits for its row constant:
 *   softmax max -> sum 0 cycles, sum -> normalise 2; layernorm mean -> var 1, var -> norm 1.
 * Timing with every stream valid and no backpressure: each row takes one command cycle,
 * its beats one per cycle and its gaps; the next row's command follows the row's last beat;
 * a beat's outputs leave ASIM_QUARK_LATENCY (4) cycles after the beat. A job of R equal rows:
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

#define ASIM_QUARK_LATENCY 4     /* cycles from a beat to its outputs */
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
    ASIM_QUARK_MODE_COUNT
} asim_quark_mode_t;

#define ASIM_QUARK_ALL_MODES 0xffu

/* Work of one job, equal between the job model and the step model. */
typedef struct {
    uint64_t cycles;    /* first command cycle .. last output cycle, inclusive */
    uint64_t rows;      /* rows run */
    uint64_t beats;     /* input beats taken (all passes) */
    uint64_t in_elems;  /* operand elements read (all passes; DIV and ADD read two) */
    uint64_t out_elems; /* results written */
    uint64_t exp_ops;   /* Appro-Exp evaluations */
    uint64_t ln_ops;    /* Appro-LN evaluations */
    uint64_t mul_ops;   /* other multiplies (input requantizer, GELU, squares, mean) */
    uint64_t lane_uses; /* lane-cycles doing work: elements x passes (x 2 in pair modes) */
} asim_quark_counts_t;

const char *asim_quark_mode_name(asim_quark_mode_t mode);
/* True for GELU, TANH, DIV, ADD: N/2 elements per beat. */
bool asim_quark_is_pair(asim_quark_mode_t mode);
/* Passes over a row: 3 for softmax and layernorm, else 1 (also for a mode not in `modes`). */
unsigned asim_quark_passes(asim_quark_mode_t mode, unsigned modes);
/* Idle cycles after pass `pass` (not the last) waiting for the row constant. */
unsigned asim_quark_gap(asim_quark_mode_t mode, unsigned modes, unsigned pass);
/* Job model: `rows` rows of `len` elements (1..ASIM_QUARK_MAX_LEN) in `mode` on an N-lane
 * unit built with the mode mask `modes`; rows >= 1. */
void asim_quark_job(unsigned lanes, unsigned modes, asim_quark_mode_t mode, uint64_t len,
                  uint64_t rows, asim_quark_counts_t *c);

/* The mode an op kind runs in; false for GEMM. */
bool asim_quark_mode_of_kind(asim_op_kind_t kind, asim_quark_mode_t *mode);
/* The RTL mode mask (MODES parameter) a unit serving the op kinds `kinds` needs: every mode
 * for the shared unit (all of ASIM_QUARK_KINDS_SHARED), else just the kinds' own modes. */
unsigned asim_quark_modes_for_kinds(unsigned kinds);

/* Op kinds of the shared unit, and of the three separate units (softmax; GELU with tanh;
 * LayerNorm with the residual add), as masks of 1u << asim_op_kind_t. */
#define ASIM_QUARK_KINDS_SHARED                                                                 \
    ((1u << ASIM_OP_SOFTMAX) | (1u << ASIM_OP_GELU) | (1u << ASIM_OP_LAYERNORM) |             \
     (1u << ASIM_OP_ADD) | (1u << ASIM_OP_TANH))
#define ASIM_QUARK_SEPARATE_UNITS 3
extern const unsigned asim_quark_separate_kinds[ASIM_QUARK_SEPARATE_UNITS];
extern const char *const asim_quark_separate_names[ASIM_QUARK_SEPARATE_UNITS];

/* The block (quark_block.c). */
struct asim_block;
extern const struct asim_block asim_quark_block;

/* FPGA resources of a unit with `lanes` lanes, `in_bits`-bit inputs and the RTL mode mask
 * `modes` (asim_quark_modes_for_kinds), fitted to Yosys runs of rtl/quark
 * (quark_resource.c); masks other than the four calibrated ones (shared 255, softmax 1,
 * GELU + tanh 130, LayerNorm + add 68) take the smallest calibrated unit that contains them
 * (docs/nonlinear.md, "Resources"). */
void asim_quark_resources(uint64_t lanes, int in_bits, unsigned modes, asim_resources_t *out);

#endif
