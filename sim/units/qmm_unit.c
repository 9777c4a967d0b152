/* qmm_unit.c: the QMM engine behind the unit ops table (see qmm_unit.h). */
#include <stdio.h>
#include <stdlib.h>

#include "units/qmm_unit.h"

typedef struct {
    asim_unit_t base;
    asim_config_t cfg;
    asim_qmm_geom_t geom;
    uint64_t passes, b_bit_reads;     /* counters */
} qmm_unit_t;

asim_qmm_geom_t asim_qmm_geom_of(const asim_config_t *cfg)
{
    return (asim_qmm_geom_t){(uint32_t)cfg->qmm.dpus, (uint32_t)cfg->qmm.lanes};
}

bool asim_qmm_job_of(const asim_config_t *cfg, const asim_op_t *op, asim_qmm_job_t *job)
{
    int mode = asim_qmm_act_mode(op->a_bits, 1 << cfg->qmm.min_act_bits,
                                 1 << cfg->qmm.max_act_bits);
    *job = (asim_qmm_job_t){op->m, op->n, op->k, mode, op->b_bits, op->b_bits == 1};
    return op->kind == ASIM_OP_GEMM && mode != 0 && op->b_bits <= cfg->qmm.max_b_bits;
}

static bool qmm_can_run(const asim_unit_t *u, const asim_op_t *op, char *why, size_t n)
{
    const qmm_unit_t *q = (const qmm_unit_t *)u;
    asim_qmm_job_t job;
    if (asim_qmm_job_of(&q->cfg, op, &job))
        return true;
    if (op->kind != ASIM_OP_GEMM)
        snprintf(why, n, "the QMM engine runs only GEMMs");
    else if (job.act_bits == 0)
        snprintf(why, n, "%d-bit activations, but the QMM engine runs %d to %d bits "
                 "(qmm.min_act_bits, qmm.max_act_bits)", op->a_bits,
                 1 << q->cfg.qmm.min_act_bits, 1 << q->cfg.qmm.max_act_bits);
    else
        snprintf(why, n, "%d-bit B operand, but qmm.max_b_bits is %lld", op->b_bits,
                 (long long)q->cfg.qmm.max_b_bits);
    return false;
}

static void qmm_job(asim_unit_t *u, asim_job_t *job)
{
    qmm_unit_t *q = (qmm_unit_t *)u;
    const asim_op_t *op = job->op;
    const asim_tech_t *t = u->tech;
    asim_qmm_job_t j;
    asim_qmm_counts_t c;
    bool ok = asim_qmm_job_of(&q->cfg, op, &j);
    ASIM_ASSERT(ok); /* checked by can_run before the run */
    asim_qmm_job(&q->geom, &j, &c);
    uint64_t n = op->count;
    job->cycles = n * c.cycles;
    job->act.macs = n * c.macs;
    job->act.sram_read_bits = n * (c.act_reads * (uint64_t)j.act_bits + c.b_bit_reads);
    job->act.sram_write_bits = n * c.outputs * (uint64_t)op->out_bits;
    double tree = (double)c.macs * (double)c.passes * t->add_32_pj * (j.act_bits + 1) / 32.0;
    double acc = (double)c.outputs * (double)(c.k_steps * c.passes) * t->add_32_pj *
                 (double)q->cfg.qmm.acc_bits / 32.0;
    double post = (double)c.outputs * (t->mult_32_pj + t->add_32_pj);
    job->compute_pj = (double)n * (tree + acc + post);
    double peak = (double)q->geom.dpus * (double)asim_qmm_elems_per_cycle(&q->geom, j.act_bits);
    job->utilization = (double)job->act.macs / (peak * (double)job->cycles);
    if (j.b_binary)
        snprintf(job->mode, sizeof job->mode, "a%d x %s1 (binary)", j.act_bits,
                 op->b_is_weight ? "w" : "a");
    else
        snprintf(job->mode, sizeof job->mode, "a%d x %s%d (%d passes)", j.act_bits,
                 op->b_is_weight ? "w" : "a", j.b_bits, j.b_bits);
    q->passes += n * c.groups * c.k_steps * c.passes;
    q->b_bit_reads += n * c.b_bit_reads;
}

static asim_status_t qmm_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    qmm_unit_t *q = (qmm_unit_t *)u;
    asim_status_t st = asim_unit_register_common(u, reg, err);
    if (st == ASIM_OK)
        st = asim_stats_add(reg, "qmm.dpu_steps", "cycles",
                            "DPU-group steps (cycles spent streaming, all passes)", &q->passes,
                            err);
    if (st == ASIM_OK)
        st = asim_stats_add(reg, "qmm.b_bit_reads", "bit", "B operand bits read", &q->b_bit_reads,
                            err);
    return st;
}

static void qmm_free(asim_unit_t *u)
{
    free(u);
}

static const asim_unit_ops_t qmm_ops = {
    .kind = "qmm",
    .can_run = qmm_can_run,
    .job = qmm_job,
    .stats = qmm_stats,
    .free = qmm_free,
};

asim_unit_t *asim_qmm_unit_create(const asim_config_t *cfg)
{
    qmm_unit_t *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->base.ops = &qmm_ops;
    q->base.name = "qmm";
    q->cfg = *cfg;
    q->geom = asim_qmm_geom_of(cfg);
    return &q->base;
}
