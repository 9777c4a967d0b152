/*
 * qmm_block.c: BETA's binary / multi-precision QMM engine as a block (block/block.h): its
 * configuration rows (qmm.*), routing, pure cost over the closed-form job model (qmm.h),
 * counters, resources (qmm_resource.c), report line and the computation-flow section
 * (qmm_flow.h). The unit is named "qmm".
 *
 * Routing: it claims binary-B GEMMs above everything (claim 2) and other GEMMs below the
 * systolic array (claim 0), so they run bit-serially here only when there is no array.
 *
 * Actions of a job (qmm.h gives the counts): the lane adder tree adds (A + 1)-bit values, one
 * per MAC and pass; the accumulator adds acc_bits per output, k step and pass; the
 * post-processing is one 32-bit multiply and add per output. Buffer reads: the activation
 * elements broadcast at A bits and the B bits read; writes: outputs at out_bits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"
#include "qmm/qmm.h"
#include "qmm/qmm_flow.h"

typedef struct {
    bool enabled;
    int64_t dpus;             /* dot-product units */
    int64_t lanes;            /* 8-bit activation lanes per DPU */
    int min_act_bits;         /* log2 of the narrowest activation precision (enum index) */
    int max_act_bits;         /* log2 of the widest */
    int64_t max_b_bits;       /* widest bit-serial B operand; 1 = binary only */
    int64_t acc_bits;
} qmm_params_t;

static const char *const pow2_bits_choices[] = {"1", "2", "4", "8", NULL};

#define FIELD(f) offsetof(qmm_params_t, f), sizeof(((qmm_params_t *)0)->f)

static const asim_cfg_key_t keys[] = {
    {"qmm.enabled", ASIM_CFG_BOOL, FIELD(enabled), 0, 0, NULL, "false", "",
     "Whether the accelerator has the binary/multi-precision QMM engine (BETA)."},
    {"qmm.dpus", ASIM_CFG_INT, FIELD(dpus), 1, 4096, NULL, "64", "DPU",
     "Dot-product units; each computes one output at a time."},
    {"qmm.lanes", ASIM_CFG_INT, FIELD(lanes), 1, 256, NULL, "16", "lane",
     "8-bit activation lanes per DPU; at A bits a DPU takes lanes*8/A elements per cycle."},
    {"qmm.min_act_bits", ASIM_CFG_ENUM, FIELD(min_act_bits), 0, 0, pow2_bits_choices, "1",
     "bit", "Narrowest activation precision the lanes unfold to."},
    {"qmm.max_act_bits", ASIM_CFG_ENUM, FIELD(max_act_bits), 0, 0, pow2_bits_choices, "8",
     "bit", "Widest activation precision (no unfolding)."},
    {"qmm.max_b_bits", ASIM_CFG_INT, FIELD(max_b_bits), 1, 8, NULL, "8", "bit",
     "Widest multi-bit B operand, run bit-serially one bit plane per pass; 1 = binary "
     "(+1/-1) B only."},
    {"qmm.acc_bits", ASIM_CFG_INT, FIELD(acc_bits), 8, 64, NULL, "32", "bit",
     "Accumulator width of a DPU."},
};

typedef struct {
    qmm_params_t p;
    asim_qmm_geom_t geom;
} qmm_t;

enum { COUNTER_DPU_STEPS, COUNTER_B_BIT_READS };
static const asim_counter_desc_t counters[] = {
    [COUNTER_DPU_STEPS] = {"dpu_steps", "cycles",
                           "DPU-group steps (cycles spent streaming, all passes)"},
    [COUNTER_B_BIT_READS] = {"b_bit_reads", "bit", "B operand bits read"},
};

/* The job an op becomes on this engine (precision mode chosen); false if it cannot run. */
static bool job_of(const qmm_params_t *p, const asim_op_t *op, asim_qmm_job_t *job)
{
    int mode = asim_qmm_act_mode(op->a_bits, 1 << p->min_act_bits, 1 << p->max_act_bits);
    *job = (asim_qmm_job_t){op->m, op->n, op->k, mode, op->b_bits, op->b_bits == 1};
    return op->kind == ASIM_OP_GEMM && mode != 0 && op->b_bits <= p->max_b_bits;
}

static asim_status_t qmm_check(const asim_config_t *cfg, const void *params, asim_error_t *err)
{
    const qmm_params_t *p = params;
    if (p->min_act_bits <= p->max_act_bits)
        return ASIM_OK;
    char where[ASIM_PATH_MAX + 32];
    asim_config_where(cfg, "qmm.min_act_bits", where, sizeof where);
    return asim_error_set(err, ASIM_ERANGE, where,
                          "qmm.min_act_bits = %d is wider than qmm.max_act_bits = %d",
                          1 << p->min_act_bits, 1 << p->max_act_bits);
}

static size_t qmm_instances(const asim_config_t *cfg, const void *params)
{
    (void)cfg;
    return ((const qmm_params_t *)params)->enabled ? 1 : 0;
}

static void *qmm_create(const asim_config_t *cfg, const void *params, size_t i)
{
    const qmm_params_t *p = params;
    (void)cfg;
    (void)i;
    qmm_t *q = malloc(sizeof *q);
    if (!q)
        return NULL;
    *q = (qmm_t){*p, {(uint32_t)p->dpus, (uint32_t)p->lanes}};
    return q;
}

static const char *qmm_name(const void *self)
{
    (void)self;
    return "qmm";
}

static int qmm_route(const void *self, const asim_op_t *op)
{
    (void)self;
    if (op->kind != ASIM_OP_GEMM)
        return -1;
    return op->b_bits == 1 ? 2 : 0;
}

static bool qmm_can_run(const void *self, const asim_op_t *op, char *why, size_t n)
{
    const qmm_t *q = self;
    asim_qmm_job_t job;
    if (job_of(&q->p, op, &job))
        return true;
    if (op->kind != ASIM_OP_GEMM)
        snprintf(why, n, "the QMM engine runs only GEMMs");
    else if (job.act_bits == 0)
        snprintf(why, n, "%d-bit activations, but the QMM engine runs %d to %d bits "
                 "(qmm.min_act_bits, qmm.max_act_bits)", op->a_bits,
                 1 << q->p.min_act_bits, 1 << q->p.max_act_bits);
    else
        snprintf(why, n, "%d-bit B operand, but qmm.max_b_bits is %lld", op->b_bits,
                 (long long)q->p.max_b_bits);
    return false;
}

static void qmm_cost(const void *self, const asim_work_t *w, asim_cost_t *out)
{
    const qmm_t *q = self;
    const asim_op_t *op = w->op;
    asim_qmm_job_t j;
    asim_qmm_counts_t c;
    bool ok = job_of(&q->p, op, &j);
    ASIM_ASSERT(ok); /* checked by can_run before the run */
    asim_qmm_job(&q->geom, &j, &c);
    uint64_t n = op->count, a = (uint64_t)j.act_bits;
    *out = (asim_cost_t){.cycles = n * c.cycles, .macs = n * c.macs};
    out->actions[ASIM_ACT_ADD_BITS] =
        n * (c.macs * c.passes * (a + 1) +
             c.outputs * c.k_steps * c.passes * (uint64_t)q->p.acc_bits + c.outputs * 32);
    out->actions[ASIM_ACT_MULT_32] = n * c.outputs;
    out->read_a_bits = n * c.act_reads * a;
    out->read_b_bits = n * c.b_bit_reads;
    out->actions[ASIM_ACT_SRAM_READ_BITS] = out->read_a_bits + out->read_b_bits;
    out->actions[ASIM_ACT_SRAM_WRITE_BITS] = n * c.outputs * (uint64_t)op->out_bits;
    out->counters[COUNTER_DPU_STEPS] = n * c.groups * c.k_steps * c.passes;
    out->counters[COUNTER_B_BIT_READS] = n * c.b_bit_reads;
    double peak = (double)q->geom.dpus * (double)asim_qmm_elems_per_cycle(&q->geom, j.act_bits);
    out->utilization = (double)out->macs / (peak * (double)out->cycles);
    if (w->describe) {
        if (j.b_binary)
            snprintf(out->mode, sizeof out->mode, "a%d x %s1 (binary)", j.act_bits,
                     op->b_is_weight ? "w" : "a");
        else
            snprintf(out->mode, sizeof out->mode, "a%d x %s%d (%d passes)", j.act_bits,
                     op->b_is_weight ? "w" : "a", j.b_bits, j.b_bits);
    }
}

static void qmm_resources(const void *self, asim_resources_t *r)
{
    const qmm_t *q = self;
    asim_qmm_resources(&q->geom, (int)q->p.acc_bits, r);
}

static void qmm_describe(const void *self, char *buf, size_t n)
{
    const qmm_t *q = self;
    snprintf(buf, n, "qmm %lld DPUs x %lld lanes, activations %d-%d bits, B up to %lld bits, "
             "acc %lld", (long long)q->p.dpus, (long long)q->p.lanes, 1 << q->p.min_act_bits,
             1 << q->p.max_act_bits, (long long)q->p.max_b_bits, (long long)q->p.acc_bits);
}

/* One flow's group of the section: FP operations, cycles and their priced energy. */
static void flow_group(asim_report_group_t *g, const char *key, const char *note,
                       const asim_flow_cost_t *f, const asim_pricer_t *price)
{
    double pj = price->pj(price->ctx, ASIM_ACT_FP32_MULT, f->fp_mults) +
                price->pj(price->ctx, ASIM_ACT_FP32_ADD, f->fp_adds);
    *g = (asim_report_group_t){key, note, {
        {"fp_mults", "FP mults", "", true, f->fp_mults, 0.0},
        {"fp_adds", "FP adds", "", true, f->fp_adds, 0.0},
        {"cycles", "cycles", "", true, f->cycles, 0.0},
        {"fp_energy_mj", "FP energy", "mJ", false, 0, pj * 1e-9},
    }, 4};
}

/* BETA's computation-flow comparison over the layers this engine ran (qmm_flow.h). */
static void qmm_section(const void *self, const asim_report_t *rep, const asim_pricer_t *price,
                        asim_report_section_t *sec)
{
    const qmm_t *q = self;
    asim_flow_cost_t naive = {0}, rewritten = {0};
    bool any = false;
    for (size_t i = 0; i < rep->n_layers; i++) {
        const asim_layer_t *l = &rep->layers[i];
        asim_qmm_job_t j;
        if (l->supported && strcmp(l->unit, "qmm") == 0 && job_of(&q->p, l->op, &j)) {
            asim_qmm_flow_add(&q->geom, &j, l->op->count, &naive, &rewritten);
            any = true;
        }
    }
    if (!any)
        return;
    *sec = (asim_report_section_t){.key = "flow",
                                   .title = "computation flow on the QMM layers (docs/qmm.md)"};
    flow_group(&sec->groups[0], "naive", "", &naive, price);
    flow_group(&sec->groups[1], "rewritten", " (simulated)", &rewritten, price);
    sec->n_groups = 2;
}

const asim_block_t asim_qmm_block = {
    .name = "qmm",
    .keys = keys,
    .n_keys = sizeof keys / sizeof keys[0],
    .params_size = sizeof(qmm_params_t),
    .runs_gemm = true,
    .check = qmm_check,
    .instances = qmm_instances,
    .create = qmm_create,
    .free = free,
    .instance_name = qmm_name,
    .route = qmm_route,
    .can_run = qmm_can_run,
    .cost = qmm_cost,
    .counters = counters,
    .n_counters = sizeof counters / sizeof counters[0],
    .resources = qmm_resources,
    .basis = "calibrated (Yosys)",
    .describe = qmm_describe,
    .section = qmm_section,
};
