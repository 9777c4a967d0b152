/*
 * dram.h: DRAM behind one DMA channel, as a block (block/block.h): its configuration rows
 * (dram.*), the timing query that the planner and the controller both use, and the DMA unit
 * named "dma" that moves tiles between DRAM and the on-chip buffers.
 *
 * One channel serves one transfer at a time, loads and stores alike (DDR is half-duplex).
 * The DMA gathers: a transfer moves, for each run of DRAM bytes its codes lie in (a tile's
 * rows, asim_transfer_runs), the aligned bursts of dram.burst_bytes that hold the run, and takes
 *   cycles = ceil(latency_ns * f + bursts * burst_bytes / bandwidth * f)
 * at the accelerator clock f; 0 bits take 0 cycles. The planner, which prices tiles before
 * they have addresses, counts the bits as if contiguous. Inside a virtual platform the
 * transfer takes the longer of that and what the platform's memory says
 * (asim_sim_set_dma_timer). Actions: the DRAM bits moved (its bursts', which the DRAM
 * energy prices), and the buffer side (the codes' bits: writes for loads, reads for stores).
 */
#ifndef ASIM_DRAM_DRAM_H
#define ASIM_DRAM_DRAM_H

#include "block/block.h"

extern const asim_block_t asim_dram_block;

/* dram.burst_bytes of cfg: a transfer's bursts, and so its cycles, stay the same when all its
 * addresses move by a multiple of it. */
uint64_t asim_dram_burst_bytes(const asim_config_t *cfg);

#endif
