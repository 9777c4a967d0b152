/* qmm.c: closed-form job model of the QMM engine (see qmm.h). */
#include "util/arith.h"
#include "qmm/qmm.h"

uint64_t asim_qmm_elems_per_cycle(const asim_qmm_geom_t *g, int act_bits)
{
    return (uint64_t)g->lanes * 8u / (uint64_t)act_bits;
}

int asim_qmm_act_mode(int a_bits, int min_bits, int max_bits)
{
    for (int mode = min_bits; mode <= max_bits; mode *= 2)
        if (mode >= a_bits)
            return mode;
    return 0;
}

void asim_qmm_job(const asim_qmm_geom_t *g, const asim_qmm_job_t *j, asim_qmm_counts_t *out)
{
    uint64_t passes = j->b_binary ? 1 : (uint64_t)j->b_bits;
    uint64_t groups = j->m * asim_ceil_div(j->n, g->dpus);
    uint64_t k_steps = asim_ceil_div(j->k, asim_qmm_elems_per_cycle(g, j->act_bits));
    *out = (asim_qmm_counts_t){
        .cycles = groups * k_steps * passes + ASIM_QMM_PIPELINE,
        .passes = passes,
        .groups = groups,
        .k_steps = k_steps,
        .macs = j->m * j->n * j->k,
        .act_reads = groups * j->k * passes,
        .b_bit_reads = j->m * j->n * j->k * passes,
        .outputs = j->m * j->n,
    };
}
