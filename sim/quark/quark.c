/* quark.c: the QUARK unit's closed-form job model (see quark.h). */
#include <stdio.h>
#include <stdlib.h>

#include "quark/quark.h"

static const char *const mode_names[ASIM_QUARK_MODE_COUNT] = {
    "softmax", "gelu", "layernorm", "exp", "ln", "div", "add", "tanh", "silu", "rmsnorm",
    "relu", "mul"};

/* SiLU and ReLU sit with GELU (SiLU is the GELU path with another constant, ReLU its MUX);
 * RMSNorm with LayerNorm (the same datapath without the mean); the element-wise multiply
 * uses the x * sigma output multiplier, and sits with the add so that one unit runs RoPE. */
const unsigned asim_quark_separate_kinds[ASIM_QUARK_SEPARATE_UNITS] = {
    1u << ASIM_OP_SOFTMAX,
    (1u << ASIM_OP_GELU) | (1u << ASIM_OP_TANH) | (1u << ASIM_OP_SILU) | (1u << ASIM_OP_RELU),
    (1u << ASIM_OP_LAYERNORM) | (1u << ASIM_OP_RMSNORM) | (1u << ASIM_OP_ADD) |
        (1u << ASIM_OP_MUL) | (1u << ASIM_OP_ROPE),
};
const char *const asim_quark_separate_names[ASIM_QUARK_SEPARATE_UNITS] = {
    "quark_softmax", "quark_gelu", "quark_layernorm"};

const char *asim_quark_mode_name(asim_quark_mode_t mode)
{
    return mode < ASIM_QUARK_MODE_COUNT ? mode_names[mode] : "none";
}

bool asim_quark_is_pair(asim_quark_mode_t mode)
{
    return mode == ASIM_QUARK_GELU || mode == ASIM_QUARK_TANH || mode == ASIM_QUARK_SILU ||
           asim_quark_is_binary(mode);
}

bool asim_quark_is_binary(asim_quark_mode_t mode)
{
    return mode == ASIM_QUARK_DIV || mode == ASIM_QUARK_ADD || mode == ASIM_QUARK_MUL;
}

static bool enabled(asim_quark_mode_t mode, unsigned modes)
{
    return mode < ASIM_QUARK_MODE_COUNT && ((modes >> mode) & 1u);
}

unsigned asim_quark_passes(asim_quark_mode_t mode, unsigned modes)
{
    if (!enabled(mode, modes))
        return 1;
    return mode == ASIM_QUARK_SOFTMAX || mode == ASIM_QUARK_LAYERNORM ? 3
           : mode == ASIM_QUARK_RMSNORM                               ? 2
                                                                      : 1;
}

unsigned asim_quark_gap(unsigned lanes, asim_quark_mode_t mode, unsigned modes, unsigned pass)
{
    if (asim_quark_passes(mode, modes) == 1)
        return 0;
    unsigned t = 0; /* T = clog2(N), the reduction trees' depth */
    while ((1u << t) < lanes)
        t++;
    if (mode == ASIM_QUARK_SOFTMAX)
        return pass == 0 ? t : t + 18;
    return t + 5; /* LayerNorm mean -> var, and var -> normalise */
}

/* Per row of L elements: {exp, ln, mul} as a*L + b. */
typedef struct {
    uint64_t exp_a, ln_a, ln_b, mul_a, mul_b;
} row_work_t;

static row_work_t row_work(asim_quark_mode_t mode)
{
    switch (mode) {
    case ASIM_QUARK_SOFTMAX: return (row_work_t){2, 0, 1, 2, 0};
    case ASIM_QUARK_GELU:
    case ASIM_QUARK_SILU: return (row_work_t){3, 1, 0, 3, 0};
    case ASIM_QUARK_TANH: return (row_work_t){3, 1, 0, 2, 0};
    case ASIM_QUARK_LAYERNORM: return (row_work_t){1, 1, 2, 1, 1};
    case ASIM_QUARK_RMSNORM: return (row_work_t){1, 1, 2, 1, 0};
    case ASIM_QUARK_EXP: return (row_work_t){1, 0, 0, 1, 0};
    case ASIM_QUARK_LN: return (row_work_t){0, 1, 0, 0, 0};
    case ASIM_QUARK_DIV: return (row_work_t){1, 2, 0, 0, 0};
    case ASIM_QUARK_MUL: return (row_work_t){0, 0, 0, 1, 0};
    default: return (row_work_t){0, 0, 0, 0, 0}; /* add, relu, a mode not built */
    }
}

void asim_quark_job(unsigned lanes, unsigned modes, asim_quark_mode_t mode, uint64_t len,
                  uint64_t rows, asim_quark_counts_t *c)
{
    bool on = enabled(mode, modes);
    bool pair = on && asim_quark_is_pair(mode);
    uint64_t per = pair ? lanes / 2 : lanes;
    uint64_t passes = asim_quark_passes(mode, modes);
    uint64_t beats = (len + per - 1) / per, gaps = 0;
    for (unsigned p = 0; p + 1 < passes; p++)
        gaps += asim_quark_gap(lanes, mode, modes, p);
    row_work_t w = row_work(on ? mode : ASIM_QUARK_MODE_COUNT);
    *c = (asim_quark_counts_t){
        .cycles = rows * (1 + passes * beats + gaps) + ASIM_QUARK_LATENCY,
        .rows = rows,
        .beats = rows * passes * beats,
        .in_elems = rows * passes * len * (pair && asim_quark_is_binary(mode) ? 2 : 1),
        .out_elems = rows * len,
        .exp_ops = rows * w.exp_a * len,
        .ln_ops = rows * (w.ln_a * len + w.ln_b),
        .mul_ops = rows * (w.mul_a * len + w.mul_b),
        .lane_uses = rows * passes * len * (pair ? 2 : 1),
    };
}

unsigned asim_quark_kind_jobs(asim_op_kind_t kind, asim_quark_kind_job_t jobs[ASIM_QUARK_MAX_KIND_JOBS])
{
    static const int mode_of[ASIM_OP_KIND_COUNT] = {
        [ASIM_OP_GEMM] = -1,
        [ASIM_OP_SOFTMAX] = ASIM_QUARK_SOFTMAX,
        [ASIM_OP_GELU] = ASIM_QUARK_GELU,
        [ASIM_OP_LAYERNORM] = ASIM_QUARK_LAYERNORM,
        [ASIM_OP_ADD] = ASIM_QUARK_ADD,
        [ASIM_OP_TANH] = ASIM_QUARK_TANH,
        [ASIM_OP_RELU] = ASIM_QUARK_RELU,
        [ASIM_OP_RMSNORM] = ASIM_QUARK_RMSNORM,
        [ASIM_OP_SILU] = ASIM_QUARK_SILU,
        [ASIM_OP_MUL] = ASIM_QUARK_MUL,
        [ASIM_OP_ROPE] = -1,
    };
    if (kind == ASIM_OP_ROPE) {
        jobs[0] = (asim_quark_kind_job_t){ASIM_QUARK_MUL, 2};
        jobs[1] = (asim_quark_kind_job_t){ASIM_QUARK_ADD, 1};
        return 2;
    }
    if (kind >= ASIM_OP_KIND_COUNT || mode_of[kind] < 0)
        return 0;
    jobs[0] = (asim_quark_kind_job_t){(asim_quark_mode_t)mode_of[kind], 1};
    return 1;
}

unsigned asim_quark_modes_for_kinds(unsigned kinds)
{
    unsigned modes = 0;
    for (int k = 0; k < ASIM_OP_KIND_COUNT; k++) {
        asim_quark_kind_job_t jobs[ASIM_QUARK_MAX_KIND_JOBS];
        unsigned n = (kinds >> k) & 1u ? asim_quark_kind_jobs((asim_op_kind_t)k, jobs) : 0;
        for (unsigned j = 0; j < n; j++)
            modes |= 1u << jobs[j].mode;
    }
    /* The shared unit also offers its sub-circuits as exp, ln and divide. */
    return (kinds & ASIM_QUARK_KINDS_SHARED) == ASIM_QUARK_KINDS_SHARED ? ASIM_QUARK_ALL_MODES : modes;
}
