/* dma.c: the DMA channel (see dma.h). */
#include <stdio.h>
#include <stdlib.h>

#include "units/dma.h"

typedef struct {
    asim_unit_t base;
    asim_mem_params_t mp;
    uint64_t load_bits, store_bits;    /* counters */
} dma_unit_t;

static bool dma_can_run(const asim_unit_t *u, const asim_op_t *op, char *why, size_t n)
{
    (void)u;
    (void)op;
    snprintf(why, n, "the DMA channel runs transfers, not ops");
    return false;
}

static void dma_job(asim_unit_t *u, asim_job_t *job)
{
    dma_unit_t *d = (dma_unit_t *)u;
    job->cycles = asim_dma_cycles(&d->mp, job->dma_bits);
    job->compute_pj = (double)job->dma_bits * u->tech->dram_pj_bit;
    if (job->dma_store) {
        job->act.sram_read_bits = job->dma_bits;
        d->store_bits += job->dma_bits;
    } else {
        job->act.sram_write_bits = job->dma_bits;
        d->load_bits += job->dma_bits;
    }
    job->utilization = 1.0;
    snprintf(job->mode, sizeof job->mode, "%s", job->dma_store ? "store" : "load");
}

static asim_status_t dma_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    dma_unit_t *d = (dma_unit_t *)u;
    asim_status_t st = asim_unit_register_common(u, reg, err);
    if (st == ASIM_OK)
        st = asim_stats_add(reg, "dma.load_bits", "bit", "bits loaded from DRAM", &d->load_bits,
                            err);
    if (st == ASIM_OK)
        st = asim_stats_add(reg, "dma.store_bits", "bit", "bits stored to DRAM", &d->store_bits,
                            err);
    return st;
}

static void dma_free(asim_unit_t *u)
{
    free(u);
}

static const asim_unit_ops_t dma_ops = {
    .kind = "dma",
    .can_run = dma_can_run,
    .job = dma_job,
    .stats = dma_stats,
    .free = dma_free,
};

asim_unit_t *asim_dma_create(const asim_mem_params_t *mp)
{
    dma_unit_t *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->base.ops = &dma_ops;
    d->base.name = "dma";
    d->mp = *mp;
    return &d->base;
}
