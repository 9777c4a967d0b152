/*
 * unit.h: a running instance of a block, as the event kernel sees it.
 *
 * The controller never calls a unit: it sends jobs on the unit's `job` port and receives them
 * back, cost filled in, on its `done` port. A unit takes a job when idle, asks its block's
 * pure cost function for it, holds it for that many cycles and offers it on `done`, waiting
 * there while the port is full (backpressure). When a job reads its buffers faster than their
 * ports allow (sram_bits_per_cycle), the unit stretches it to the ports' pace and counts the
 * extra cycles as a stall. Counters grow here, and only for jobs that run.
 */
#ifndef ASIM_BLOCK_UNIT_H
#define ASIM_BLOCK_UNIT_H

#include "asim/kernel.h"
#include "block/block.h"

typedef struct {
    asim_work_t work;
    asim_cycle_t start;          /* filled by the unit */
    asim_cost_t cost;            /* filled by the unit, from its block's cost function */
    asim_cycle_t stall_sram;     /* filled by the unit: cycles added by buffer ports */
    uint64_t tag;                /* the controller's, carried unchanged */
} asim_job_t;

typedef struct {
    const asim_block_t *block;
    void *self;                  /* the block's instance state */
    const char *name;            /* instance name, prefix of its stats and ports */
    asim_port_t *job_in;         /* jobs arrive here (wired by the accelerator) */
    asim_port_t *done_out;       /* finished jobs leave here */
    asim_eventq_t *q;
    uint64_t sram_bits_per_cycle;/* buffer read bandwidth it can draw; 0 = unlimited */
    bool busy;
    asim_job_t *current;
    /* counters */
    uint64_t busy_cycles, jobs;
    uint64_t stall_sram_ports;   /* cycles jobs ran longer for lack of buffer ports */
    uint64_t macs;
    uint64_t actions[ASIM_ACT_COUNT];
    uint64_t counters[ASIM_BLOCK_MAX_COUNTERS];
} asim_unit_t;

/* Instance i of block b for cfg, or NULL when out of memory. */
asim_unit_t *asim_unit_create(const asim_block_t *b, const asim_config_t *cfg, size_t i);
void asim_unit_free(asim_unit_t *u);
/* The block's cost of w on this unit: pure, for planning. */
void asim_unit_cost(const asim_unit_t *u, const asim_work_t *w, asim_cost_t *c);
/* Registers its counters: busy_cycles, jobs, stall_sram_ports, macs, sram bits, then the
 * block's own. */
asim_status_t asim_unit_register_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err);
/* Wakes the unit when a job arrives or its done port frees. */
void asim_unit_on_job(void *unit, asim_port_t *port, asim_cycle_t now);
void asim_unit_on_done_ready(void *unit, asim_port_t *port, asim_cycle_t now);

#endif
