/*
 * unit.h: what every hardware block looks like to the accelerator.
 *
 * A unit is a struct that starts with asim_unit_t and is driven through a small ops table
 * filled from a static const template. The controller never calls a unit: it sends jobs
 * on the unit's `job` port and receives them back, with cycles and activity filled in, on
 * the unit's `done` port. A unit's job model gives exact cycles and activity for one op.
 * When a job reads its buffers faster than their ports allow (sram_bits_per_cycle), the
 * kernel stretches it to the ports' pace and counts the extra cycles as a stall.
 */
#ifndef ASIM_UNIT_H
#define ASIM_UNIT_H

#include <stdbool.h>
#include <stddef.h>

#include "asim/kernel.h"
#include "asim/model.h"
#include "energy/tech.h"

typedef struct {
    uint64_t macs;               /* multiply-accumulates */
    uint64_t sram_read_bits;     /* bits read from on-chip buffers */
    uint64_t sram_write_bits;    /* bits written to on-chip buffers */
} asim_activity_t;

typedef struct {
    size_t index;                /* position of op in the graph */
    const asim_op_t *op;
    asim_cycle_t start, cycles;  /* filled by the unit */
    asim_activity_t act;         /* filled by the unit */
    double compute_pj;           /* filled by the unit: its datapath's energy for the job */
    double utilization;          /* useful work / peak work over `cycles`, 0..1 */
    char mode[40];               /* filled by the unit: how it ran the op, e.g. "a4 x w1" */
    uint64_t dma_bits;           /* DMA jobs: bits to move */
    bool dma_store;              /* DMA jobs: buffer -> DRAM (else DRAM -> buffer) */
    asim_cycle_t stall_sram;     /* filled by the kernel: cycles added by buffer ports */
    uint64_t tag;                /* the controller's, carried unchanged */
} asim_job_t;

typedef struct asim_unit asim_unit_t;

typedef struct {
    const char *kind;
    /* True if this unit can run op; otherwise says why (e.g. operand too wide). */
    bool (*can_run)(const asim_unit_t *u, const asim_op_t *op, char *why, size_t n);
    /* Job model: exact cycles, activity and utilization of job->op, without stepping. */
    void (*job)(asim_unit_t *u, asim_job_t *job);
    /* Registers the unit's counters. */
    asim_status_t (*stats)(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err);
    void (*free)(asim_unit_t *u);
} asim_unit_ops_t;

struct asim_unit {
    const asim_unit_ops_t *ops;
    const char *name;            /* instance name, prefix of its stats and ports */
    asim_port_t *job_in;         /* jobs arrive here (wired by the accelerator) */
    asim_port_t *done_out;       /* finished jobs leave here */
    asim_eventq_t *q;
    const asim_tech_t *tech;     /* per-action energies */
    uint64_t sram_bits_per_cycle;/* buffer read bandwidth it can draw; 0 = unlimited */
    bool busy;
    asim_job_t *current;
    uint64_t busy_cycles, jobs;  /* counters */
    uint64_t stall_sram_ports;   /* counter: cycles a job ran longer for lack of buffer ports */
    asim_activity_t total;       /* counters */
};

/* Wakes the unit when a job arrives or its done port frees; runs the job model. */
void asim_unit_on_job(void *unit, asim_port_t *port, asim_cycle_t now);
void asim_unit_on_done_ready(void *unit, asim_port_t *port, asim_cycle_t now);
/* Registers the counters every unit has (busy_cycles, jobs, macs, sram bits). */
asim_status_t asim_unit_register_common(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err);

#endif
