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
#include "program/program.h"

/* Per op: its plan's tiles as they run, and what they did. */
typedef struct {
    uint64_t computed, stores_left;
    asim_cycle_t last_compute_end;   /* its last tile's compute completion */
    uint64_t actions[ASIM_ACT_COUNT]; /* every job of its tiles, compute and DMA */
} op_state_t;

/* What a queue's head waits on (beyond the causes of program.h). */
enum { WAIT_NONE = ASIM_CAUSE_COUNT, WAIT_UNIT, WAIT_REASONS };

typedef struct asim_ff asim_ff_t;

/* Per queue, while the program runs. */
typedef struct {
    size_t head;                     /* next instruction to issue */
    bool busy;                       /* its instruction in flight (compute queues) */
    asim_job_t job;                  /* in flight */
    asim_tile_t tile;                /* the in-flight compute's tile */
    int reason;                      /* what the head waits on now: a cause or WAIT_* */
    asim_cycle_t since;
    uint64_t wait[ASIM_CAUSE_COUNT + 1]; /* counters: cycles waited by cause, + the unit busy
                                            with another queue (the DMA channel) */
} queue_state_t;

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
    uint64_t sram_port_bits;                 /* buffer read bits per cycle, all banks */
    asim_dma_timer_fn dma_timer;             /* a platform's memory, or NULL */
    void *dma_timer_ctx;
    asim_port_t *job_ports, *done_ports;     /* per unit */
    char (*port_names)[2][48];
    asim_resources_t *unit_res, buffer_res;
    /* the run (execute.c) */
    const asim_graph_t *graph;
    asim_layer_t *layers;
    asim_program_t prog;
    op_state_t *ops;
    queue_state_t *qs;
    uint32_t *tokens;                        /* per channel */
    size_t *first;                           /* per queue: global id of its first instruction */
    asim_cycle_t *issued_at, *done_at;       /* per instruction (global id) */
    int32_t *pred;                           /* per instruction: what it waited on last (-1:
                                                nothing; ids fit 31 bits, see timing_alloc) */
    uint32_t **pushers;                      /* per channel: pushing instructions, in order */
    size_t *unwritten_pushers;               /* per channel: where the pushers of a lazy
                                                program's unwritten instructions go */
    size_t *pops;                            /* per channel: tokens taken so far */
    int64_t last_dma;                        /* the DMA channel's last instruction */
    bool dma_busy;
    int dma_queue;                           /* queue whose transfer is in flight */
    const asim_insn_t *dma_insn;             /* that transfer */
    asim_run_t *runs;                        /* its runs, listed for a dma_timer */
    size_t runs_cap;
    bool oom;
    /* counters */
    uint64_t unsupported, wait_operands, wait_buffer, wait_data;
    /* timeline */
    bool record;
    asim_span_t *spans;
    size_t n_spans, spans_cap;
    asim_sample_t *occupancy;
    size_t n_occupancy, occupancy_cap;
    uint64_t buffer_bits;                    /* loaded for tiles not computed yet */
    bool ran;
    /* the fast-forward over repeated blocks (period.c) */
    bool no_fast_forward;                    /* off: run every block (the tests compare) */
    bool keep_program;                       /* every instruction written and stamped (the
                                                functional check reads them all) */
    asim_ff_t *ff;                           /* NULL when it does not apply */
    uint64_t ff_blocks;                      /* blocks the run jumped over */
    uint64_t ff_unwritten;                   /* of them, never written (p->lazy) */
};

/* The unit that runs op: the highest claim over every unit (ties to the earlier), or NULL. */
asim_unit_t *asim_board_route(const asim_sim_t *s, const asim_op_t *op);
/* Sum of every unit's and the buffers' resources; true when within the device. */
bool asim_board_total(const asim_sim_t *s, asim_resources_t *t);
/* Refuses, before anything runs, an op its unit cannot run, and weights that cannot be pinned. */
asim_status_t asim_check_mapping(const asim_sim_t *s, const asim_graph_t *g, asim_error_t *err);
/* Compiles g for the board into a program (program/compile.c). */
asim_status_t asim_compile(const asim_sim_t *s, const asim_graph_t *g, asim_schedule_t sched,
                           asim_program_t *p, asim_error_t *err);
/* The same, leaving the middle copies of repeated blocks unwritten (program.h, p->lazy) for
 * a run that jumps over them (period.c). */
asim_status_t asim_compile_lazy(const asim_sim_t *s, const asim_graph_t *g,
                                asim_schedule_t sched, asim_program_t *p, asim_error_t *err);
/* Runs prog (taken over: the simulator frees it) for g, after checking it (execute.c). */
asim_status_t asim_execute(asim_sim_t *s, const asim_graph_t *g, asim_program_t *prog,
                           asim_report_t *rep, asim_error_t *err);
/* The fast-forward over repeated blocks (period.c): _begin, once the run's state exists,
 * finds the blocks and their instructions (s->ff stays NULL when there are none, or the run
 * records a timeline or times transfers by address); _cut, at the end of every issue pass,
 * takes the snapshot at each block's cut and jumps over the blocks that repeat; _free. False:
 * out of memory. */
bool asim_ff_begin(asim_sim_t *s);
void asim_ff_cut(asim_sim_t *s, asim_cycle_t now);
void asim_ff_free(asim_sim_t *s);
/* The issue and completion cycles and predecessor (pred may be NULL) of instruction id, also
 * when it was jumped over and never written (period.c). */
void asim_ff_stamp(const asim_sim_t *s, size_t id, asim_cycle_t *issued, asim_cycle_t *done,
                   int64_t *pred);
/* Whether instruction i of queue q was jumped over unwritten and completed strictly before
 * the same instruction of the next block, also unwritten (its completion is then no run's
 * last). */
bool asim_ff_done_before_next(const asim_sim_t *s, size_t q, size_t i);
/* Writes out a lazy program's unwritten blocks, with their tokens' pushers (execute.c); false
 * when out of memory. */
bool asim_materialize_run(asim_sim_t *s);
/* Fills the report from the finished run (account.c). */
asim_status_t asim_account(asim_sim_t *s, asim_report_t *rep, asim_error_t *err);
/* On-chip memory of a buffer of `kib` KiB in `banks` banks of BRAM36 or URAM blocks. */
void asim_resource_buffer(uint64_t kib, uint64_t banks, bool uram, asim_resources_t *out);

#endif
