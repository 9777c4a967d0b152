/*
 * systolic_block.c: the systolic PE array as a block (block/block.h): its configuration
 * rows (array.*), routing, pure cost over the closed-form job model (systolic.h), counters,
 * resources (systolic_resource.c) and report line. array.count identical arrays, named
 * "array", "array1", ... (the pipelined schedule spreads heads and independent ops over
 * them).
 *
 * Routing: it claims every GEMM (claim 1); the QMM engine claims binary-B GEMMs above it.
 *
 * Actions of a GEMM of `count` instances, exact element counts from the job model:
 *   multiplier bit products = MACs * a * b, adder bits = MACs * acc (one accumulate each);
 *   buffer reads: operands at their own width, partial sums at acc bits; writes: outputs at
 *   out_bits, or at acc bits when K is folded and partial sums go back to the buffer;
 *   the two flows of a quantized GEMM (Lin & Shah, docs/integerization.md):
 *     integer (default): the PEs multiply the op's own b-bit integer codes; the scales are
 *       applied once per output after the matmul, one 32-bit multiply and add each;
 *     dequantize first (array.dequantize_first): every operand element is turned into the PE
 *       width (act_bits x weight_bits) once, one 32-bit multiply and add each, and every MAC
 *       and buffer access then works at that width.
 */
#include <stdio.h>
#include <stdlib.h>

#include "block/block.h"
#include "systolic/systolic.h"

typedef struct {
    bool enabled;
    int64_t count;            /* identical arrays */
    int64_t rows, cols;       /* PEs */
    int dataflow;             /* asim_dataflow_t */
    bool tile_overlap;
    int64_t act_bits;         /* widest A operand a PE takes, bits */
    int64_t weight_bits;      /* widest B operand a PE takes, bits */
    int64_t acc_bits;         /* accumulator width, bits */
    bool dequantize_first;    /* dequantize-first flow (else integerized) */
} systolic_params_t;

static const char *const dataflow_choices[] = {"os", "ws", "is", NULL};

#define FIELD(f) offsetof(systolic_params_t, f), sizeof(((systolic_params_t *)0)->f)

static const asim_cfg_key_t keys[] = {
    {"array.enabled", ASIM_CFG_BOOL, FIELD(enabled), 0, 0, NULL, "true", "",
     "Whether the accelerator has the systolic PE array."},
    {"array.count", ASIM_CFG_INT, FIELD(count), 1, 8, NULL, "1", "array",
     "Identical arrays; under schedule pipelined an op's heads (instances) and independent "
     "ops are spread over them (docs/program.md)."},
    {"array.rows", ASIM_CFG_INT, FIELD(rows), 1, 4096, NULL, "32", "PE",
     "Rows of the systolic PE array."},
    {"array.cols", ASIM_CFG_INT, FIELD(cols), 1, 4096, NULL, "32", "PE",
     "Columns of the systolic PE array."},
    {"array.dataflow", ASIM_CFG_ENUM, FIELD(dataflow), 0, 0, dataflow_choices, "os", "",
     "Dataflow: os (output stationary), ws (weight stationary), is (input stationary)."},
    {"array.tile_overlap", ASIM_CFG_BOOL, FIELD(tile_overlap), 0, 0, NULL, "false", "",
     "false: every tile pays its full fill and drain; true: the next tile starts while the "
     "current one drains, as far as the array allows (docs/systolic.md)."},
    {"array.act_bits", ASIM_CFG_INT, FIELD(act_bits), 2, 16, NULL, "8", "bit",
     "Widest activation (A) operand a PE accepts."},
    {"array.weight_bits", ASIM_CFG_INT, FIELD(weight_bits), 2, 16, NULL, "8", "bit",
     "Widest weight (B) operand a PE accepts."},
    {"array.acc_bits", ASIM_CFG_INT, FIELD(acc_bits), 8, 64, NULL, "32", "bit",
     "Accumulator width of a PE; at least act_bits + weight_bits."},
    {"array.dequantize_first", ASIM_CFG_BOOL, FIELD(dequantize_first), 0, 0, NULL,
     "false", "", "false: integerized flow, the PEs multiply each op's own integer codes and "
     "scales apply once per output (Lin & Shah); true: operands are dequantized to the PE "
     "width first and every MAC runs at act_bits x weight_bits (docs/integerization.md)."},
};

typedef struct {
    asim_systolic_geom_t geom;
    int act_bits, weight_bits, acc_bits;
    bool dequantize_first;
    char name[24];            /* "array", then "array1", ... */
} systolic_t;

enum { COUNTER_TILES };
static const asim_counter_desc_t counters[] = {
    [COUNTER_TILES] = {"tiles", "tiles", "tiles (folds) run"},
};

static asim_status_t systolic_check(const asim_config_t *cfg, const void *params,
                                    asim_error_t *err)
{
    const systolic_params_t *p = params;
    if (p->acc_bits >= p->act_bits + p->weight_bits)
        return ASIM_OK;
    char where[ASIM_PATH_MAX + 32];
    asim_config_where(cfg, "array.acc_bits", where, sizeof where);
    return asim_error_set(err, ASIM_ERANGE, where,
                          "array.acc_bits = %lld is narrower than act_bits + weight_bits = %lld",
                          (long long)p->acc_bits, (long long)(p->act_bits + p->weight_bits));
}

static size_t systolic_instances(const asim_config_t *cfg, const void *params)
{
    const systolic_params_t *p = params;
    (void)cfg;
    return p->enabled ? (size_t)p->count : 0;
}

static void *systolic_create(const asim_config_t *cfg, const void *params, size_t i)
{
    const systolic_params_t *p = params;
    (void)cfg;
    systolic_t *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    *s = (systolic_t){
        .geom = {(uint32_t)p->rows, (uint32_t)p->cols, (asim_dataflow_t)p->dataflow,
                 p->tile_overlap},
        .act_bits = (int)p->act_bits,
        .weight_bits = (int)p->weight_bits,
        .acc_bits = (int)p->acc_bits,
        .dequantize_first = p->dequantize_first,
    };
    if (i == 0)
        snprintf(s->name, sizeof s->name, "array");
    else
        snprintf(s->name, sizeof s->name, "array%u", (unsigned)i);
    return s;
}

static const char *systolic_name(const void *self)
{
    return ((const systolic_t *)self)->name;
}

static int systolic_route(const void *self, const asim_op_t *op)
{
    (void)self;
    return op->kind == ASIM_OP_GEMM ? 1 : -1;
}

static bool systolic_can_run(const void *self, const asim_op_t *op, char *why, size_t n)
{
    const systolic_t *s = self;
    if (op->kind != ASIM_OP_GEMM) {
        snprintf(why, n, "the systolic array runs only GEMMs");
        return false;
    }
    if (op->a_bits > s->act_bits) {
        snprintf(why, n, "A operand is %d bits but array.act_bits is %d", op->a_bits,
                 s->act_bits);
        return false;
    }
    if (op->b_bits > s->weight_bits) {
        snprintf(why, n, "B operand is %d bits but array.weight_bits is %d", op->b_bits,
                 s->weight_bits);
        return false;
    }
    return true;
}

static void systolic_cost(const void *self, const asim_work_t *w, asim_cost_t *out)
{
    const systolic_t *s = self;
    const asim_op_t *op = w->op;
    asim_gemm_shape_t shape = {op->m, op->n, op->k};
    asim_systolic_counts_t c;
    asim_systolic_job(&s->geom, &shape, &c);
    uint64_t n = op->count;
    uint64_t a = (uint64_t)(s->dequantize_first ? s->act_bits : op->a_bits);
    uint64_t b = (uint64_t)(s->dequantize_first ? s->weight_bits : op->b_bits);
    uint64_t acc = (uint64_t)s->acc_bits;
    uint64_t out_bits = c.psum_reads ? acc : (uint64_t)op->out_bits;
    uint64_t scale_ops = s->dequantize_first ? n * (op->m * op->k + op->k * op->n)
                                             : n * op->m * op->n;
    *out = (asim_cost_t){.cycles = n * c.cycles, .macs = n * c.macs};
    out->actions[ASIM_ACT_MULT_BITS] = out->macs * a * b;
    out->actions[ASIM_ACT_ADD_BITS] = out->macs * acc + scale_ops * 32;
    out->actions[ASIM_ACT_MULT_32] = scale_ops;
    out->read_a_bits = n * c.a_reads * a;
    out->read_b_bits = n * c.b_reads * b;
    out->actions[ASIM_ACT_SRAM_READ_BITS] =
        out->read_a_bits + out->read_b_bits + n * c.psum_reads * acc;
    out->actions[ASIM_ACT_SRAM_WRITE_BITS] = n * c.c_writes * out_bits;
    out->counters[COUNTER_TILES] = n * c.tiles;
    out->utilization =
        (double)out->macs / ((double)s->geom.rows * s->geom.cols * (double)out->cycles);
    if (w->describe)
        snprintf(out->mode, sizeof out->mode, "%s a%d x b%d%s",
                 asim_dataflow_name(s->geom.dataflow), (int)a, (int)b,
                 s->dequantize_first ? " (dequantized)" : "");
}

static void systolic_resources(const void *self, asim_resources_t *r)
{
    const systolic_t *s = self;
    asim_systolic_resources(&s->geom, s->act_bits, s->weight_bits, s->acc_bits, r);
}

static void systolic_describe(const void *self, char *buf, size_t n)
{
    const systolic_t *s = self;
    snprintf(buf, n, "array %ux%u %s, tile_overlap %s, PE %dx%d bits, acc %d", s->geom.rows,
             s->geom.cols, asim_dataflow_name(s->geom.dataflow),
             s->geom.tile_overlap ? "on" : "off", s->act_bits, s->weight_bits, s->acc_bits);
}

const asim_block_t asim_systolic_block = {
    .name = "systolic",
    .keys = keys,
    .n_keys = sizeof keys / sizeof keys[0],
    .params_size = sizeof(systolic_params_t),
    .runs_gemm = true,
    .check = systolic_check,
    .instances = systolic_instances,
    .create = systolic_create,
    .free = free,
    .instance_name = systolic_name,
    .route = systolic_route,
    .can_run = systolic_can_run,
    .cost = systolic_cost,
    .counters = counters,
    .n_counters = sizeof counters / sizeof counters[0],
    .resources = systolic_resources,
    .basis = "calibrated (Yosys)",
    .describe = systolic_describe,
};
