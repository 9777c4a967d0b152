/*
 * dma.h: the DMA channel between DRAM and the on-chip buffers, as a unit.
 *
 * One channel serves one transfer at a time, loads and stores alike (DDR is half-duplex).
 * A transfer of b bits moves whole bursts of dram.burst_bytes and takes
 *   cycles = ceil(latency_ns * f + bursts * burst_bytes / bandwidth * f)
 * at the accelerator clock f; job->dma_bits and job->dma_store describe it. Energy: the
 * DRAM access (dram_bit per bit) counts as the job's compute energy; the buffer side is its
 * SRAM traffic (writes for loads, reads for stores).
 */
#ifndef ASIM_UNITS_DMA_H
#define ASIM_UNITS_DMA_H

#include "accel/plan.h"
#include "asim/unit.h"

/* A new DMA channel named "dma", or NULL when out of memory. */
asim_unit_t *asim_dma_create(const asim_mem_params_t *mp);

#endif
