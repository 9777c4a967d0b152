/*
 * quark_block.c: QUARK's nonlinear unit as a block (block/block.h), selected by
 * nonlinear.unit = quark: one shared unit named "quark" that serves every vector op kind
 * (ASIM_QUARK_KINDS_SHARED), or (nonlinear.shared = false) three separate units
 * "quark_softmax", "quark_gelu" (+ tanh, SiLU, ReLU) and "quark_layernorm" (+ RMSNorm, add,
 * mul, RoPE). Its own rows are
 * nonlinear.shared, .impl, .in_bits and .prob_bits; nonlinear.lanes is the accelerator's.
 *
 * Routing: every vector op is claimed, at 1 by a unit that serves its kind and at 0
 * otherwise (so an op no unit serves is an error naming the unit, not a silent skip).
 *
 * Actions, first-order: an Appro-Exp or Appro-LN is two 16x16 multiplies (512 bit products)
 * plus its adders and shifter (4 32-bit adds for exp, 5 for ln with the leading-one detector);
 * other multiplies are 32-bit; every operand read costs one 32-bit add (subtractor or adder
 * tree). Buffer reads: operands at a_bits; writes: results at out_bits.
 */
#include <stdio.h>
#include <stdlib.h>

#include "block/block.h"
#include "quark/quark.h"

typedef struct {
    bool shared;              /* one shared unit (else softmax, GELU, LN units) */
    int impl;                 /* asim_nl_impl_t: arithmetic the unit's values follow */
    int64_t in_bits;          /* width of the input codes, bits */
    int64_t prob_bits;        /* width of the softmax output, bits */
} quark_params_t;

static const char *const nl_impl_choices[] = {"quark", "ibert", "ivit", "exact", NULL};

#define FIELD(f) offsetof(quark_params_t, f), sizeof(((quark_params_t *)0)->f)

static const asim_cfg_key_t keys[] = {
    {"nonlinear.shared", ASIM_CFG_BOOL, FIELD(shared), 0, 0, NULL, "true", "",
     "quark: one unit shared by every nonlinear op (true) or three separate units, softmax, "
     "GELU (+tanh, silu, relu) and LayerNorm (+rmsnorm, add, mul, rope), each with "
     "nonlinear.lanes lanes (false)."},
    {"nonlinear.impl", ASIM_CFG_ENUM, FIELD(impl), 0, 0, nl_impl_choices, "quark", "",
     "Arithmetic the nonlinear values follow in functional runs: quark (bit-exact with the "
     "RTL), ibert, ivit or exact (float); timing is the quark unit's for every choice."},
    {"nonlinear.in_bits", ASIM_CFG_INT, FIELD(in_bits), 2, 16, NULL, "16", "bit",
     "quark: width of the input codes (the RTL's IW; resources grow with it)."},
    {"nonlinear.prob_bits", ASIM_CFG_INT, FIELD(prob_bits), 2, 16, NULL, "8", "bit",
     "quark: width of the softmax probabilities it writes."},
};

typedef struct {
    const char *name;
    unsigned kinds, modes, lanes;
    int in_bits;
} quark_t;

enum { COUNTER_ROWS, COUNTER_EXP, COUNTER_LN };
static const asim_counter_desc_t counters[] = {
    [COUNTER_ROWS] = {"rows", "rows", "rows run"},
    [COUNTER_EXP] = {"exp_ops", "ops", "Appro-Exp evaluations"},
    [COUNTER_LN] = {"ln_ops", "ops", "Appro-LN evaluations"},
};

static bool selected(const asim_config_t *cfg)
{
    return cfg->nonlinear.unit == ASIM_NL_UNIT_QUARK;
}

static asim_status_t quark_check(const asim_config_t *cfg, const void *params, asim_error_t *err)
{
    (void)params;
    int64_t n = cfg->nonlinear.lanes;
    if (!selected(cfg) || (n >= 2 && n <= ASIM_QUARK_MAX_LANES && n % 2 == 0))
        return ASIM_OK;
    char where[ASIM_PATH_MAX + 32];
    asim_config_where(cfg, "nonlinear.lanes", where, sizeof where);
    return asim_error_set(err, ASIM_ERANGE, where,
                          "nonlinear.lanes = %lld: the quark unit needs an even lane count in "
                          "2..%d", (long long)n, ASIM_QUARK_MAX_LANES);
}

static size_t quark_instances(const asim_config_t *cfg, const void *params)
{
    const quark_params_t *p = params;
    return !selected(cfg) ? 0 : p->shared ? 1 : ASIM_QUARK_SEPARATE_UNITS;
}

static void *quark_create(const asim_config_t *cfg, const void *params, size_t i)
{
    const quark_params_t *p = params;
    quark_t *q = malloc(sizeof *q);
    if (!q)
        return NULL;
    unsigned kinds = p->shared ? ASIM_QUARK_KINDS_SHARED : asim_quark_separate_kinds[i];
    *q = (quark_t){
        .name = p->shared ? "quark" : asim_quark_separate_names[i],
        .kinds = kinds,
        .modes = asim_quark_modes_for_kinds(kinds),
        .lanes = (unsigned)cfg->nonlinear.lanes,
        .in_bits = (int)p->in_bits,
    };
    return q;
}

static const char *quark_name(const void *self)
{
    return ((const quark_t *)self)->name;
}

static int quark_route(const void *self, const asim_op_t *op)
{
    const quark_t *q = self;
    if (op->kind == ASIM_OP_GEMM)
        return -1;
    return (q->kinds >> op->kind) & 1u ? 1 : 0;
}

static bool quark_can_run(const void *self, const asim_op_t *op, char *why, size_t n)
{
    const quark_t *q = self;
    if (!((q->kinds >> op->kind) & 1u)) {
        snprintf(why, n, "%s does not run %s ops", q->name, asim_op_kind_name(op->kind));
        return false;
    }
    if (op->cols < 1 || op->cols > ASIM_QUARK_MAX_LEN) {
        snprintf(why, n, "rows of %llu elements (the QUARK unit takes 1..%d)",
                 (unsigned long long)op->cols, ASIM_QUARK_MAX_LEN);
        return false;
    }
    if (op->a_bits > q->in_bits) {
        snprintf(why, n, "input is %d bits but nonlinear.in_bits is %d", op->a_bits, q->in_bits);
        return false;
    }
    return true;
}

/* The unit's work for op: its kind's jobs (asim_quark_kind_jobs) back to back, each job's
 * rows after the previous job's last result (RoPE's add reads the products). */
static void quark_cost(const void *self, const asim_work_t *w, asim_cost_t *out)
{
    const quark_t *q = self;
    const asim_op_t *op = w->op;
    asim_quark_kind_job_t jobs[ASIM_QUARK_MAX_KIND_JOBS];
    unsigned n_jobs = asim_quark_kind_jobs(op->kind, jobs);
    ASIM_ASSERT(n_jobs > 0);
    asim_quark_counts_t t = {0};
    uint64_t b_elems = 0;
    for (unsigned j = 0; j < n_jobs; j++) {
        asim_quark_counts_t c;
        asim_quark_job(q->lanes, q->modes, jobs[j].mode, op->cols,
                       op->count * op->rows * jobs[j].rows, &c);
        t.cycles += c.cycles;
        t.rows += c.rows;
        t.in_elems += c.in_elems;
        t.out_elems += c.out_elems;
        t.exp_ops += c.exp_ops;
        t.ln_ops += c.ln_ops;
        t.mul_ops += c.mul_ops;
        t.lane_uses += c.lane_uses;
        b_elems += asim_quark_is_binary(jobs[j].mode) ? c.in_elems / 2 : 0;
    }
    *out = (asim_cost_t){.cycles = t.cycles};
    out->actions[ASIM_ACT_MULT_BITS] = (t.exp_ops + t.ln_ops) * 512;
    out->actions[ASIM_ACT_ADD_BITS] = (t.exp_ops * 4 + t.ln_ops * 5 + t.in_elems) * 32;
    out->actions[ASIM_ACT_MULT_32] = t.mul_ops;
    out->actions[ASIM_ACT_SRAM_READ_BITS] = t.in_elems * (uint64_t)op->a_bits;
    /* a two-operand job reads its second operand (lanes N/2..N-1) as operand B */
    out->read_b_bits = b_elems * (uint64_t)op->a_bits;
    out->read_a_bits = out->actions[ASIM_ACT_SRAM_READ_BITS] - out->read_b_bits;
    out->actions[ASIM_ACT_SRAM_WRITE_BITS] = t.out_elems * (uint64_t)op->out_bits;
    out->counters[COUNTER_ROWS] = t.rows;
    out->counters[COUNTER_EXP] = t.exp_ops;
    out->counters[COUNTER_LN] = t.ln_ops;
    out->utilization = (double)t.lane_uses / ((double)q->lanes * (double)t.cycles);
    if (w->describe) {
        unsigned passes = asim_quark_passes(jobs[0].mode, q->modes);
        if (n_jobs == 1)
            snprintf(out->mode, sizeof out->mode, "quark %s, %u pass%s",
                     asim_quark_mode_name(jobs[0].mode), passes, passes > 1 ? "es" : "");
        else
            snprintf(out->mode, sizeof out->mode, "quark %s x%u + %s",
                     asim_quark_mode_name(jobs[0].mode), jobs[0].rows,
                     asim_quark_mode_name(jobs[1].mode));
    }
}

static void quark_resources(const void *self, asim_resources_t *r)
{
    const quark_t *q = self;
    asim_quark_resources(q->lanes, q->in_bits, q->modes, r);
}

static void quark_describe(const void *self, char *buf, size_t n)
{
    const quark_t *q = self;
    snprintf(buf, n, "%s: QUARK nonlinear unit, %u lanes, %d-bit inputs (docs/nonlinear.md)",
             q->name, q->lanes, q->in_bits);
}

const asim_block_t asim_quark_block = {
    .name = "quark",
    .keys = keys,
    .n_keys = sizeof keys / sizeof keys[0],
    .params_size = sizeof(quark_params_t),
    .check = quark_check,
    .instances = quark_instances,
    .create = quark_create,
    .free = free,
    .instance_name = quark_name,
    .route = quark_route,
    .can_run = quark_can_run,
    .cost = quark_cost,
    .counters = counters,
    .n_counters = sizeof counters / sizeof counters[0],
    .resources = quark_resources,
    .basis = "calibrated (Yosys)",
    .describe = quark_describe,
};
