/* quark.c: the QUARK unit's closed-form job model (see quark.h). */
#include <stdio.h>
#include <stdlib.h>

#include "quark/quark.h"

static const char *const mode_names[ASIM_QUARK_MODE_COUNT] = {
    "softmax", "gelu", "layernorm", "exp", "ln", "div", "add", "tanh"};

const unsigned asim_quark_separate_kinds[ASIM_QUARK_SEPARATE_UNITS] = {
    1u << ASIM_OP_SOFTMAX,
    (1u << ASIM_OP_GELU) | (1u << ASIM_OP_TANH),
    (1u << ASIM_OP_LAYERNORM) | (1u << ASIM_OP_ADD),
};
const char *const asim_quark_separate_names[ASIM_QUARK_SEPARATE_UNITS] = {
    "quark_softmax", "quark_gelu", "quark_layernorm"};

const char *asim_quark_mode_name(asim_quark_mode_t mode)
{
    return mode < ASIM_QUARK_MODE_COUNT ? mode_names[mode] : "none";
}

bool asim_quark_is_pair(asim_quark_mode_t mode)
{
    return mode == ASIM_QUARK_GELU || mode == ASIM_QUARK_TANH || mode == ASIM_QUARK_DIV ||
           mode == ASIM_QUARK_ADD;
}

static bool enabled(asim_quark_mode_t mode, unsigned modes)
{
    return mode < ASIM_QUARK_MODE_COUNT && ((modes >> mode) & 1u);
}

unsigned asim_quark_passes(asim_quark_mode_t mode, unsigned modes)
{
    return enabled(mode, modes) && (mode == ASIM_QUARK_SOFTMAX || mode == ASIM_QUARK_LAYERNORM) ? 3
                                                                                            : 1;
}

unsigned asim_quark_gap(asim_quark_mode_t mode, unsigned modes, unsigned pass)
{
    if (asim_quark_passes(mode, modes) == 1)
        return 0;
    return mode == ASIM_QUARK_SOFTMAX ? (pass == 0 ? 0 : 2) : 1;
}

/* Per row of L elements: {exp, ln, mul} as a*L + b, and operands read per element. */
typedef struct {
    uint64_t exp_a, ln_a, ln_b, mul_a, mul_b, operands;
} row_work_t;

static row_work_t row_work(asim_quark_mode_t mode)
{
    switch (mode) {
    case ASIM_QUARK_SOFTMAX: return (row_work_t){2, 0, 1, 2, 0, 1};
    case ASIM_QUARK_GELU: return (row_work_t){3, 1, 0, 3, 0, 1};
    case ASIM_QUARK_TANH: return (row_work_t){3, 1, 0, 2, 0, 1};
    case ASIM_QUARK_LAYERNORM: return (row_work_t){1, 1, 2, 1, 1, 1};
    case ASIM_QUARK_EXP: return (row_work_t){1, 0, 0, 1, 0, 1};
    case ASIM_QUARK_LN: return (row_work_t){0, 1, 0, 0, 0, 1};
    case ASIM_QUARK_DIV: return (row_work_t){1, 2, 0, 0, 0, 2};
    case ASIM_QUARK_ADD: return (row_work_t){0, 0, 0, 0, 0, 2};
    default: return (row_work_t){0, 0, 0, 0, 0, 1};
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
        gaps += asim_quark_gap(mode, modes, p);
    row_work_t w = row_work(on ? mode : ASIM_QUARK_MODE_COUNT);
    *c = (asim_quark_counts_t){
        .cycles = rows * (1 + passes * beats + gaps) + ASIM_QUARK_LATENCY,
        .rows = rows,
        .beats = rows * passes * beats,
        .in_elems = rows * passes * len * w.operands,
        .out_elems = rows * len,
        .exp_ops = rows * w.exp_a * len,
        .ln_ops = rows * (w.ln_a * len + w.ln_b),
        .mul_ops = rows * (w.mul_a * len + w.mul_b),
        .lane_uses = rows * passes * len * (pair ? 2 : 1),
    };
}

bool asim_quark_mode_of_kind(asim_op_kind_t kind, asim_quark_mode_t *mode)
{
    switch (kind) {
    case ASIM_OP_SOFTMAX: *mode = ASIM_QUARK_SOFTMAX; return true;
    case ASIM_OP_GELU: *mode = ASIM_QUARK_GELU; return true;
    case ASIM_OP_LAYERNORM: *mode = ASIM_QUARK_LAYERNORM; return true;
    case ASIM_OP_ADD: *mode = ASIM_QUARK_ADD; return true;
    case ASIM_OP_TANH: *mode = ASIM_QUARK_TANH; return true;
    default: return false;
    }
}

unsigned asim_quark_modes_for_kinds(unsigned kinds)
{
    unsigned modes = 0;
    for (int k = 0; k < ASIM_OP_KIND_COUNT; k++) {
        asim_quark_mode_t m;
        if (((kinds >> k) & 1u) && asim_quark_mode_of_kind((asim_op_kind_t)k, &m))
            modes |= 1u << m;
    }
    /* The shared unit also offers its sub-circuits as exp, ln and divide. */
    return (kinds & ASIM_QUARK_KINDS_SHARED) == ASIM_QUARK_KINDS_SHARED ? ASIM_QUARK_ALL_MODES : modes;
}
