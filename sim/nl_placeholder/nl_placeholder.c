/* nl_placeholder.c: the placeholder nonlinear unit as a block (see nl_placeholder.h), selected
 * by nonlinear.unit = placeholder; it claims every vector op. */
#include <stdio.h>
#include <stdlib.h>

#include "block/block.h"
#include "nl_placeholder/nl_placeholder.h"

typedef struct {
    uint64_t lanes;
} nl_unit_t;

unsigned asim_nl_placeholder_passes(asim_op_kind_t kind)
{
    switch (kind) {
    case ASIM_OP_SOFTMAX:
    case ASIM_OP_LAYERNORM: return 3;
    case ASIM_OP_RMSNORM: return 2; /* sum of squares, normalise */
    case ASIM_OP_GEMM: return 0;
    default: return 1;
    }
}

static size_t nl_instances(const asim_config_t *cfg, const void *params)
{
    (void)params;
    return cfg->nonlinear.unit == ASIM_NL_PLACEHOLDER ? 1 : 0;
}

static void *nl_create(const asim_config_t *cfg, const void *params, size_t i)
{
    (void)params;
    (void)i;
    nl_unit_t *nl = malloc(sizeof *nl);
    if (nl)
        nl->lanes = (uint64_t)cfg->nonlinear.lanes;
    return nl;
}

static const char *nl_name(const void *self)
{
    (void)self;
    return "nl_placeholder";
}

static int nl_route(const void *self, const asim_op_t *op)
{
    (void)self;
    return op->kind == ASIM_OP_GEMM ? -1 : 1;
}

static bool nl_can_run(const void *self, const asim_op_t *op, char *why, size_t n)
{
    (void)self;
    if (op->kind == ASIM_OP_GEMM) {
        snprintf(why, n, "the nonlinear unit does not run GEMMs");
        return false;
    }
    return true;
}

static void nl_cost(const void *self, const asim_work_t *w, asim_cost_t *out)
{
    const nl_unit_t *nl = self;
    const asim_op_t *op = w->op;
    uint64_t passes = asim_nl_placeholder_passes(op->kind);
    uint64_t beats = (op->cols + nl->lanes - 1) / nl->lanes;
    uint64_t elements = op->count * op->rows * op->cols;
    *out = (asim_cost_t){.cycles = op->count * op->rows * passes * beats +
                                   ASIM_NL_PLACEHOLDER_PIPELINE};
    out->actions[ASIM_ACT_MULT_32] = elements * passes;
    out->actions[ASIM_ACT_ADD_BITS] = elements * passes * 32;
    out->read_a_bits = elements * (uint64_t)op->a_bits;
    out->read_b_bits = asim_op_kind_binary(op->kind) ? out->read_a_bits : 0;
    out->actions[ASIM_ACT_SRAM_READ_BITS] = out->read_a_bits + out->read_b_bits;
    out->actions[ASIM_ACT_SRAM_WRITE_BITS] = elements * (uint64_t)op->out_bits;
    out->utilization = (double)(elements * passes) / ((double)nl->lanes * (double)out->cycles);
    if (w->describe)
        snprintf(out->mode, sizeof out->mode, "placeholder, %llu pass%s",
                 (unsigned long long)passes, passes > 1 ? "es" : "");
}

static void nl_resources(const void *self, asim_resources_t *r)
{
    double l = (double)((const nl_unit_t *)self)->lanes;
    *r = (asim_resources_t){.lut = 200.0 * l, .ff = 200.0 * l, .dsp = l, .bram36 = 0.0};
}

static void nl_describe(const void *self, char *buf, size_t n)
{
    snprintf(buf, n, "nonlinear: PLACEHOLDER unit, %llu lanes (docs/nonlinear-placeholder.md)",
             (unsigned long long)((const nl_unit_t *)self)->lanes);
}

const asim_block_t asim_nl_placeholder_block = {
    .name = "nl_placeholder",
    .instances = nl_instances,
    .create = nl_create,
    .free = free,
    .instance_name = nl_name,
    .route = nl_route,
    .can_run = nl_can_run,
    .cost = nl_cost,
    .resources = nl_resources,
    .basis = "placeholder guess",
    .describe = nl_describe,
};
