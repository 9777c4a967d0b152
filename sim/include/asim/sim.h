/*
 * sim.h: the simulator's top level. Lifecycle: create (loads the technology table, builds
 * and wires the units), run (checks that every op maps, then runs the graph through the
 * event kernel), free. A run fills an asim_report_t that the report writers print.
 *
 * Every op either runs on a unit or is marked unsupported in its layer record, with the
 * reason; a report with unsupported layers says it is incomplete. An op that a unit of
 * this configuration should run but cannot (operand too wide) is an error before the run.
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
#include "resource/resource.h"
#include "units/qmm_flow.h"

typedef struct asim_sim asim_sim_t;

typedef struct {
    const asim_op_t *op;
    const char *unit;             /* unit that ran it, or "-" */
    bool supported;
    char note[120];               /* why unsupported */
    char mode[40];                /* how the unit ran it, e.g. "a4 x w1 (binary)" */
    asim_cycle_t start, cycles;
    double utilization;           /* 0..1 of the unit's peak */
    asim_activity_t act;
    double energy_pj;             /* dynamic + static over its cycles */
} asim_layer_t;

typedef struct {
    double compute_pj, sram_pj, static_pj;   /* parts; they sum to the total */
} asim_energy_t;

#define ASIM_MAX_UNITS 4

typedef struct {
    const char *name;             /* unit instance, e.g. "qmm" */
    asim_resources_t res;
    const char *basis;            /* "calibrated (Yosys)" or "first-order" */
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
    bool has_flow;                /* QMM layers ran: the flow comparison below is filled */
    asim_flow_cost_t flow_naive, flow_rewritten;
    const asim_stats_t *stats;
} asim_report_t;

asim_status_t asim_sim_create(const asim_config_t *cfg, asim_sim_t **sim, asim_error_t *err);
/* Runs g; rep stays valid until asim_report_free and asim_sim_free. */
asim_status_t asim_sim_run(asim_sim_t *sim, const asim_graph_t *g, asim_report_t *rep,
                           asim_error_t *err);
void asim_report_free(asim_report_t *rep);
void asim_sim_free(asim_sim_t *sim);

#endif
