/* nl_quark.c: the QUARK unit's job model and its unit ops (see nl_quark.h). */
#include <stdio.h>
#include <stdlib.h>

#include "units/nl_quark.h"

static const char *const mode_names[ASIM_NLQ_MODE_COUNT] = {
    "softmax", "gelu", "layernorm", "exp", "ln", "div", "add", "tanh"};

const unsigned asim_nlq_separate_kinds[ASIM_NLQ_SEPARATE_UNITS] = {
    1u << ASIM_OP_SOFTMAX,
    (1u << ASIM_OP_GELU) | (1u << ASIM_OP_TANH),
    (1u << ASIM_OP_LAYERNORM) | (1u << ASIM_OP_ADD),
};
const char *const asim_nlq_separate_names[ASIM_NLQ_SEPARATE_UNITS] = {"nl_softmax", "nl_gelu",
                                                                      "nl_layernorm"};

const char *asim_nlq_mode_name(asim_nlq_mode_t mode)
{
    return mode < ASIM_NLQ_MODE_COUNT ? mode_names[mode] : "none";
}

bool asim_nlq_is_pair(asim_nlq_mode_t mode)
{
    return mode == ASIM_NLQ_GELU || mode == ASIM_NLQ_TANH || mode == ASIM_NLQ_DIV ||
           mode == ASIM_NLQ_ADD;
}

static bool enabled(asim_nlq_mode_t mode, unsigned modes)
{
    return mode < ASIM_NLQ_MODE_COUNT && ((modes >> mode) & 1u);
}

unsigned asim_nlq_passes(asim_nlq_mode_t mode, unsigned modes)
{
    return enabled(mode, modes) && (mode == ASIM_NLQ_SOFTMAX || mode == ASIM_NLQ_LAYERNORM) ? 3
                                                                                            : 1;
}

unsigned asim_nlq_gap(asim_nlq_mode_t mode, unsigned modes, unsigned pass)
{
    if (asim_nlq_passes(mode, modes) == 1)
        return 0;
    return mode == ASIM_NLQ_SOFTMAX ? (pass == 0 ? 0 : 2) : 1;
}

/* Per row of L elements: {exp, ln, mul} as a*L + b, and operands read per element. */
typedef struct {
    uint64_t exp_a, ln_a, ln_b, mul_a, mul_b, operands;
} row_work_t;

static row_work_t row_work(asim_nlq_mode_t mode)
{
    switch (mode) {
    case ASIM_NLQ_SOFTMAX: return (row_work_t){2, 0, 1, 2, 0, 1};
    case ASIM_NLQ_GELU: return (row_work_t){3, 1, 0, 3, 0, 1};
    case ASIM_NLQ_TANH: return (row_work_t){3, 1, 0, 2, 0, 1};
    case ASIM_NLQ_LAYERNORM: return (row_work_t){1, 1, 2, 1, 1, 1};
    case ASIM_NLQ_EXP: return (row_work_t){1, 0, 0, 1, 0, 1};
    case ASIM_NLQ_LN: return (row_work_t){0, 1, 0, 0, 0, 1};
    case ASIM_NLQ_DIV: return (row_work_t){1, 2, 0, 0, 0, 2};
    case ASIM_NLQ_ADD: return (row_work_t){0, 0, 0, 0, 0, 2};
    default: return (row_work_t){0, 0, 0, 0, 0, 1};
    }
}

void asim_nlq_job(unsigned lanes, unsigned modes, asim_nlq_mode_t mode, uint64_t len,
                  uint64_t rows, asim_nlq_counts_t *c)
{
    bool on = enabled(mode, modes);
    bool pair = on && asim_nlq_is_pair(mode);
    uint64_t per = pair ? lanes / 2 : lanes;
    uint64_t passes = asim_nlq_passes(mode, modes);
    uint64_t beats = (len + per - 1) / per, gaps = 0;
    for (unsigned p = 0; p + 1 < passes; p++)
        gaps += asim_nlq_gap(mode, modes, p);
    row_work_t w = row_work(on ? mode : ASIM_NLQ_MODE_COUNT);
    *c = (asim_nlq_counts_t){
        .cycles = rows * (1 + passes * beats + gaps) + ASIM_NLQ_LATENCY,
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

bool asim_nlq_mode_of_kind(asim_op_kind_t kind, asim_nlq_mode_t *mode)
{
    switch (kind) {
    case ASIM_OP_SOFTMAX: *mode = ASIM_NLQ_SOFTMAX; return true;
    case ASIM_OP_GELU: *mode = ASIM_NLQ_GELU; return true;
    case ASIM_OP_LAYERNORM: *mode = ASIM_NLQ_LAYERNORM; return true;
    case ASIM_OP_ADD: *mode = ASIM_NLQ_ADD; return true;
    case ASIM_OP_TANH: *mode = ASIM_NLQ_TANH; return true;
    default: return false;
    }
}

unsigned asim_nlq_modes_for_kinds(unsigned kinds)
{
    unsigned modes = 0;
    for (int k = 0; k < ASIM_OP_KIND_COUNT; k++) {
        asim_nlq_mode_t m;
        if (((kinds >> k) & 1u) && asim_nlq_mode_of_kind((asim_op_kind_t)k, &m))
            modes |= 1u << m;
    }
    /* The shared unit also offers its sub-circuits as exp, ln and divide. */
    return (kinds & ASIM_NLQ_KINDS_SHARED) == ASIM_NLQ_KINDS_SHARED ? ASIM_NLQ_ALL_MODES : modes;
}

/*
 * First-order energies from the technology table: an Appro-Exp or Appro-LN is two 16x16
 * multiplies (4 8x8 each) plus its adders and shifter (counted as 32-bit adds: 4 for exp, 5
 * for ln with the leading-one detector); other multiplies are 32-bit; every operand read
 * costs one 32-bit add (subtractor or adder tree).
 */
double asim_nlq_energy_pj(const asim_tech_t *tech, const asim_nlq_counts_t *c)
{
    double mult16 = 4.0 * tech->mult_8x8_pj;
    double e_exp = 2.0 * mult16 + 4.0 * tech->add_32_pj;
    double e_ln = 2.0 * mult16 + 5.0 * tech->add_32_pj;
    return (double)c->exp_ops * e_exp + (double)c->ln_ops * e_ln +
           (double)c->mul_ops * tech->mult_32_pj + (double)c->in_elems * tech->add_32_pj;
}

typedef struct {
    asim_unit_t base;
    unsigned kinds, modes, lanes;
    int in_bits;
    uint64_t exp_ops, ln_ops, rows; /* counters */
} nlq_unit_t;

static bool nlq_can_run(const asim_unit_t *u, const asim_op_t *op, char *why, size_t n)
{
    const nlq_unit_t *q = (const nlq_unit_t *)u;
    if (!((q->kinds >> op->kind) & 1u)) {
        snprintf(why, n, "%s does not run %s ops", u->name, asim_op_kind_name(op->kind));
        return false;
    }
    if (op->cols < 1 || op->cols > ASIM_NLQ_MAX_LEN) {
        snprintf(why, n, "rows of %llu elements (the QUARK unit takes 1..%d)",
                 (unsigned long long)op->cols, ASIM_NLQ_MAX_LEN);
        return false;
    }
    if (op->a_bits > q->in_bits) {
        snprintf(why, n, "input is %d bits but nonlinear.in_bits is %d", op->a_bits, q->in_bits);
        return false;
    }
    return true;
}

static void nlq_job(asim_unit_t *u, asim_job_t *job)
{
    nlq_unit_t *q = (nlq_unit_t *)u;
    const asim_op_t *op = job->op;
    asim_nlq_mode_t mode = ASIM_NLQ_SOFTMAX;
    bool known = asim_nlq_mode_of_kind(op->kind, &mode);
    ASIM_ASSERT(known);
    asim_nlq_counts_t c;
    asim_nlq_job(q->lanes, q->modes, mode, op->cols, op->count * op->rows, &c);
    job->cycles = c.cycles;
    job->act.sram_read_bits = c.in_elems * (uint64_t)op->a_bits;
    job->act.sram_write_bits = c.out_elems * (uint64_t)op->out_bits;
    job->compute_pj = asim_nlq_energy_pj(u->tech, &c);
    job->utilization = (double)c.lane_uses / ((double)q->lanes * (double)c.cycles);
    unsigned passes = asim_nlq_passes(mode, q->modes);
    snprintf(job->mode, sizeof job->mode, "quark %s, %u pass%s", asim_nlq_mode_name(mode),
             passes, passes > 1 ? "es" : "");
    q->exp_ops += c.exp_ops;
    q->ln_ops += c.ln_ops;
    q->rows += c.rows;
}

static asim_status_t nlq_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    nlq_unit_t *q = (nlq_unit_t *)u;
    struct { const char *leaf, *unit, *desc; const uint64_t *v; } items[] = {
        {"rows", "rows", "rows run", &q->rows},
        {"exp_ops", "ops", "Appro-Exp evaluations", &q->exp_ops},
        {"ln_ops", "ops", "Appro-LN evaluations", &q->ln_ops},
    };
    asim_status_t st = asim_unit_register_common(u, reg, err);
    for (size_t i = 0; st == ASIM_OK && i < sizeof items / sizeof items[0]; i++) {
        char path[96];
        snprintf(path, sizeof path, "%s.%s", u->name, items[i].leaf);
        st = asim_stats_add(reg, path, items[i].unit, items[i].desc, items[i].v, err);
    }
    return st;
}

static void nlq_free(asim_unit_t *u)
{
    free(u);
}

static const asim_unit_ops_t nlq_ops = {
    .kind = "nl_quark",
    .can_run = nlq_can_run,
    .job = nlq_job,
    .stats = nlq_stats,
    .free = nlq_free,
};

asim_unit_t *asim_nl_quark_create(const asim_config_t *cfg, unsigned kinds, const char *name)
{
    kinds &= ASIM_NLQ_KINDS_SHARED;
    if (!kinds)
        return NULL;
    nlq_unit_t *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->base.ops = &nlq_ops;
    q->base.name = name;
    q->kinds = kinds;
    q->modes = asim_nlq_modes_for_kinds(kinds);
    q->lanes = (unsigned)cfg->nonlinear.lanes;
    q->in_bits = (int)cfg->nonlinear.in_bits;
    return &q->base;
}

asim_status_t asim_nl_quark_check(const asim_config_t *cfg, asim_error_t *err)
{
    int64_t n = cfg->nonlinear.lanes;
    if (n < 2 || n > ASIM_NLQ_MAX_LANES || n % 2)
        return asim_error_set(err, ASIM_ERANGE, "config",
                              "nonlinear.lanes = %lld: the quark unit needs an even lane count "
                              "in 2..%d",
                              (long long)n, ASIM_NLQ_MAX_LANES);
    return ASIM_OK;
}
