/*
 * accel.h: the accelerator's state, shared by its three parts:
 *   board.c       builds the units from the block registry, wires their ports in one place,
 *                 sums resources and checks the device budget (asim_sim_create, _free);
 *   controller.c  runs a graph as a pipeline of tiles through the event kernel (asim_sim_run);
 *   account.c     turns the run into the report: layers, the energy pass, resources and the
 *                 blocks' own sections.
 * Nothing here names a block: every unit is an asim_unit_t of some registered block.
 */
#ifndef ASIM_ACCEL_ACCEL_H
#define ASIM_ACCEL_ACCEL_H

#include "accel/plan.h"
#include "asim/sim.h"
#include "block/unit.h"
#include "energy/energy.h"
#include "energy/tech.h"

#define RING 4 /* ring of tiles loaded ahead of their compute: > the 2 slots of double buffers */

typedef struct {
    asim_plan_t plan;
    asim_unit_t *unit;          /* NULL: unsupported */
    uint64_t first;             /* global index of its first tile */
    uint64_t computed, stores_left;
    uint64_t actions[ASIM_ACT_COUNT]; /* every job of its tiles, compute and DMA */
} op_state_t;

typedef struct {
    asim_tile_t tile;
    size_t op;
    bool loaded;
    asim_cycle_t loaded_at;
} slot_t;

typedef struct {
    uint64_t bits;
    size_t op;
} store_t;

struct asim_sim {
    asim_config_t cfg;
    asim_tech_t tech;
    const asim_device_t *device;
    asim_buffers_t buf;
    asim_prices_t prices;
    asim_eventq_t q;
    asim_stats_t stats;
    asim_unit_t **units;                     /* every instance, in registry order */
    size_t n_units;
    asim_unit_t *dma;                        /* the one that moves data */
    asim_port_t *job_ports, *done_ports;     /* per unit */
    char (*port_names)[2][48];
    asim_resources_t *unit_res, buffer_res;
    /* the run */
    const asim_graph_t *graph;
    asim_layer_t *layers;
    op_state_t *ops;
    uint64_t n_tiles;
    slot_t ring[RING];
    uint64_t load_next, compute_next;        /* global tile counters */
    size_t load_op, compute_op, ops_done;
    store_t *stores;
    size_t n_stores, stores_head, stores_cap;
    asim_job_t compute_job, dma_job;
    bool compute_busy, dma_busy, dma_blocked, dma_blocked_by_slot;
    asim_cycle_t compute_idle_since, dma_blocked_since;
    bool oom;
    /* counters */
    uint64_t unsupported, wait_operands, wait_buffer, wait_data;
    /* timeline */
    bool record;
    asim_span_t *spans;
    size_t n_spans, spans_cap;
    bool ran;
};

/* The unit that runs op: the highest claim over every unit (ties to the earlier), or NULL. */
asim_unit_t *asim_board_route(const asim_sim_t *s, const asim_op_t *op);
/* Sum of every unit's and the buffers' resources; true when within the device. */
bool asim_board_total(const asim_sim_t *s, asim_resources_t *t);
/* Fills the report from the finished run (account.c). */
asim_status_t asim_account(asim_sim_t *s, asim_report_t *rep, asim_error_t *err);
/* On-chip memory of a buffer of `kib` KiB in `banks` banks of BRAM36 or URAM blocks. */
void asim_resource_buffer(uint64_t kib, uint64_t banks, bool uram, asim_resources_t *out);

#endif
