/*
 * sim.h: the simulator's top level. Lifecycle: create (loads the technology table, builds
 * and wires the units), run (checks that every op maps, then runs the graph through the
 * event kernel), free. A run fills an asim_report_t that the report writers print.
 *
 * Every op either runs on a unit or is marked unsupported in its layer record, with the
 * reason; a report with unsupported layers says it is incomplete. An op that a unit of
 * this configuration should run but cannot (operand too wide), and weights that cannot be
 * pinned, are errors before the run.
 *
 * A run is a pipeline of tiles (accel/plan.h): each tile is loaded by the DMA channel,
 * computed by its unit and its results stored, with double buffering when configured; ops
 * follow one another (each consumes the previous one's output), while the DMA may already
 * fetch the next op's weights. docs/memory.md describes the rules.
 */
#ifndef ASIM_SIM_H
#define ASIM_SIM_H

#include <stdbool.h>

#include "asim/config.h"
#include "asim/error.h"
#include "asim/kernel.h"
#include "asim/model.h"
#include "asim/unit.h"
#include "energy/tech.h"
#include "accel/plan.h"
#include "resource/resource.h"
#include "units/qmm_flow.h"

typedef struct asim_sim asim_sim_t;

typedef struct {
    double compute_pj, sram_pj, dram_pj, static_pj;   /* parts; they sum to the total */
} asim_energy_t;

typedef struct {
    const asim_op_t *op;
    const char *unit;             /* unit that ran it, or "-" */
    bool supported;
    char note[120];               /* why unsupported */
    char mode[40];                /* how the unit ran it, e.g. "a4 x w1 (binary)" */
    asim_cycle_t start;           /* its first tile starts computing */
    asim_cycle_t end;             /* its last tile is computed and stored */
    asim_cycle_t cycles;          /* end - end of the previous layer: the layers partition the
                                     run, so their cycles sum to total_cycles */
    asim_cycle_t busy;            /* cycles its unit computed (tiles, sram stalls included) */
    asim_cycle_t wait_operands;   /* cycles its unit sat idle waiting for a tile's load */
    uint64_t tiles;
    uint64_t tm, tn, tk;          /* tile chosen by the planner */
    uint64_t dram_bits;           /* loaded + stored */
    double utilization;           /* useful work / unit peak over `busy`, 0..1 */
    asim_activity_t act;          /* of its compute unit */
    asim_energy_t energy;         /* its compute, buffer and DRAM energy, and static power
                                     over its `cycles` */
    double energy_pj;             /* sum of `energy` */
} asim_layer_t;

typedef struct {
    const char *unit;             /* track: a unit or "dma" */
    size_t layer;                 /* index into layers */
    asim_cycle_t start, end;
    const char *what;             /* "compute", "load", "store" */
} asim_span_t;

#define ASIM_MAX_UNITS 8

typedef struct {
    const char *name;             /* unit instance, e.g. "qmm" */
    asim_resources_t res;
    const char *basis;            /* "calibrated (Yosys)" or "first-order" */
    double energy_pj;             /* its compute and buffer energy over the run */
} asim_unit_resources_t;

typedef struct {
    const asim_config_t *cfg;
    const asim_tech_t *tech;
    const asim_device_t *device;
    const asim_graph_t *graph;
    asim_layer_t *layers;         /* one per op, graph order */
    size_t n_layers, n_unsupported;
    asim_cycle_t total_cycles;
    uint64_t macs;
    double latency_ms, energy_mj, power_w, gops, gops_per_w;
    asim_energy_t energy;
    asim_resources_t resources;   /* sum over the units */
    bool fits;                    /* within every capacity of the device (always, for a device
                                     with no budget such as an ASIC) */
    asim_unit_resources_t unit_resources[ASIM_MAX_UNITS];
    size_t n_units;
    double static_w;              /* device static power used, W */
    bool has_flow;                /* QMM layers ran: the flow comparison below is filled */
    asim_flow_cost_t flow_naive, flow_rewritten;
    const asim_stats_t *stats;
    const asim_span_t *spans;     /* the timeline, when recorded (asim_sim_record_timeline) */
    size_t n_spans;
} asim_report_t;

/* Builds the accelerator; refuses a design that does not fit its device (by how much) unless
 * resources.enforce is false. */
asim_status_t asim_sim_create(const asim_config_t *cfg, asim_sim_t **sim, asim_error_t *err);
/* Records every compute, load and store span, for --trace and --vcd. Before asim_sim_run. */
void asim_sim_record_timeline(asim_sim_t *sim);
/* Runs g; rep stays valid until asim_report_free and asim_sim_free. */
asim_status_t asim_sim_run(asim_sim_t *sim, const asim_graph_t *g, asim_report_t *rep,
                           asim_error_t *err);
void asim_report_free(asim_report_t *rep);
void asim_sim_free(asim_sim_t *sim);

#endif
