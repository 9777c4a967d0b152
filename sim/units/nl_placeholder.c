/* nl_placeholder.c: the placeholder nonlinear unit (see nl_placeholder.h). */
#include <stdio.h>
#include <stdlib.h>

#include "units/nl_placeholder.h"

typedef struct {
    asim_unit_t base;
    uint64_t lanes;
} nl_unit_t;

unsigned asim_nl_placeholder_passes(asim_op_kind_t kind)
{
    switch (kind) {
    case ASIM_OP_SOFTMAX:
    case ASIM_OP_LAYERNORM: return 3;
    case ASIM_OP_GEMM: return 0;
    default: return 1;
    }
}

static bool nl_can_run(const asim_unit_t *u, const asim_op_t *op, char *why, size_t n)
{
    (void)u;
    if (op->kind == ASIM_OP_GEMM) {
        snprintf(why, n, "the nonlinear unit does not run GEMMs");
        return false;
    }
    return true;
}

static void nl_job(asim_unit_t *u, asim_job_t *job)
{
    nl_unit_t *nl = (nl_unit_t *)u;
    const asim_op_t *op = job->op;
    uint64_t passes = asim_nl_placeholder_passes(op->kind);
    uint64_t beats = (op->cols + nl->lanes - 1) / nl->lanes;
    uint64_t elements = op->count * op->rows * op->cols;
    job->cycles = op->count * op->rows * passes * beats + ASIM_NL_PLACEHOLDER_PIPELINE;
    job->act.sram_read_bits = elements * (uint64_t)op->a_bits * (op->kind == ASIM_OP_ADD ? 2 : 1);
    job->act.sram_write_bits = elements * (uint64_t)op->out_bits;
    job->compute_pj = (double)(elements * passes) * (u->tech->mult_32_pj + u->tech->add_32_pj);
    job->utilization = (double)(elements * passes) / ((double)nl->lanes * (double)job->cycles);
    snprintf(job->mode, sizeof job->mode, "placeholder, %llu pass%s",
             (unsigned long long)passes, passes > 1 ? "es" : "");
}

static asim_status_t nl_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    return asim_unit_register_common(u, reg, err);
}

static void nl_free(asim_unit_t *u)
{
    free(u);
}

static const asim_unit_ops_t nl_ops = {
    .kind = "nl_placeholder",
    .can_run = nl_can_run,
    .job = nl_job,
    .stats = nl_stats,
    .free = nl_free,
};

asim_unit_t *asim_nl_placeholder_create(const asim_config_t *cfg)
{
    nl_unit_t *nl = calloc(1, sizeof *nl);
    if (!nl)
        return NULL;
    nl->base.ops = &nl_ops;
    nl->base.name = "nl_placeholder";
    nl->lanes = (uint64_t)cfg->nonlinear.lanes;
    return &nl->base;
}
