/* systolic_unit.c: the systolic array behind the unit ops table (see systolic_unit.h). */
#include <stdio.h>
#include <stdlib.h>

#include "units/systolic.h"
#include "units/systolic_unit.h"

typedef struct {
    asim_unit_t base;
    asim_systolic_geom_t geom;
    int act_bits, weight_bits, acc_bits;
    bool dequantize_first;            /* the dequantize-first flow, else integerized */
    uint64_t tiles;                   /* counter: folds run */
} systolic_unit_t;

static bool systolic_can_run(const asim_unit_t *u, const asim_op_t *op, char *why, size_t n)
{
    const systolic_unit_t *s = (const systolic_unit_t *)u;
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

double asim_systolic_mac_pj(const asim_tech_t *tech, int a_bits, int b_bits, int acc_bits)
{
    return tech->mult_8x8_pj * (a_bits * b_bits) / 64.0 + tech->add_32_pj * acc_bits / 32.0;
}

/*
 * Buffer traffic, first-order: operands are read at their own width; outputs are written
 * at out_bits, or at acc_bits when K is folded and partial sums go back to the buffer.
 */
/*
 * The two flows of a quantized GEMM (Lin & Shah, docs/integerization.md):
 *   integer (default): the PEs multiply the op's own b-bit integer codes; the scales are
 *     applied once per output after the matmul, one 32-bit multiply-add each;
 *   dequantize first (array.dequantize_first): every operand element is turned into the PE
 *     width (act_bits x weight_bits) once, one 32-bit multiply-add each, and every MAC and
 *     buffer access then works at that width.
 */
static void systolic_job(asim_unit_t *u, asim_job_t *job)
{
    systolic_unit_t *s = (systolic_unit_t *)u;
    const asim_op_t *op = job->op;
    asim_gemm_shape_t shape = {op->m, op->n, op->k};
    asim_systolic_counts_t c;
    asim_systolic_job(&s->geom, &shape, &c);
    uint64_t n = op->count;
    int a = s->dequantize_first ? s->act_bits : op->a_bits;
    int b = s->dequantize_first ? s->weight_bits : op->b_bits;
    uint64_t out_bits = c.psum_reads ? (uint64_t)s->acc_bits : (uint64_t)op->out_bits;
    job->cycles = n * c.cycles;
    job->act.macs = n * c.macs;
    job->act.sram_read_bits = n * (c.a_reads * (uint64_t)a + c.b_reads * (uint64_t)b +
                                   c.psum_reads * (uint64_t)s->acc_bits);
    job->act.sram_write_bits = n * c.c_writes * out_bits;
    job->utilization =
        (double)job->act.macs / ((double)s->geom.rows * s->geom.cols * (double)job->cycles);
    uint64_t scale_ops = s->dequantize_first ? n * (op->m * op->k + op->k * op->n)
                                             : n * op->m * op->n;
    job->compute_pj = (double)job->act.macs * asim_systolic_mac_pj(u->tech, a, b, s->acc_bits) +
                      (double)scale_ops * (u->tech->mult_32_pj + u->tech->add_32_pj);
    snprintf(job->mode, sizeof job->mode, "%s a%d x b%d%s", asim_dataflow_name(s->geom.dataflow),
             a, b, s->dequantize_first ? " (dequantized)" : "");
    s->tiles += n * c.tiles;
}

static asim_status_t systolic_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    systolic_unit_t *s = (systolic_unit_t *)u;
    asim_status_t st = asim_unit_register_common(u, reg, err);
    if (st == ASIM_OK)
        st = asim_stats_add(reg, "array.tiles", "tiles", "tiles (folds) run", &s->tiles, err);
    return st;
}

static void systolic_free(asim_unit_t *u)
{
    free(u);
}

static const asim_unit_ops_t systolic_ops = {
    .kind = "systolic",
    .can_run = systolic_can_run,
    .job = systolic_job,
    .stats = systolic_stats,
    .free = systolic_free,
};

asim_systolic_geom_t asim_systolic_geom_of(const asim_config_t *cfg)
{
    return (asim_systolic_geom_t){(uint32_t)cfg->array.rows, (uint32_t)cfg->array.cols,
                                  (asim_dataflow_t)cfg->array.dataflow,
                                  cfg->array.tile_overlap};
}

asim_unit_t *asim_systolic_unit_create(const asim_config_t *cfg)
{
    systolic_unit_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.ops = &systolic_ops;
    s->base.name = "array";
    s->geom = asim_systolic_geom_of(cfg);
    s->act_bits = (int)cfg->array.act_bits;
    s->weight_bits = (int)cfg->array.weight_bits;
    s->acc_bits = (int)cfg->array.acc_bits;
    s->dequantize_first = cfg->array.dequantize_first;
    return &s->base;
}
