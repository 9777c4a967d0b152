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
 * The accelerator is built from the blocks of the registry (docs/adding-a-block.md); a report
 * names them only by their instance names. A run is a pipeline of tiles (docs/memory.md): each tile is loaded by the DMA channel,
 * computed by its unit and its results stored, with double buffering when configured; ops
 * follow one another (each consumes the previous one's output), while the DMA may already
 * fetch the next op's weights. docs/memory.md describes the rules.
 */
#ifndef ASIM_SIM_H
#define ASIM_SIM_H

#include <stdbool.h>
#include <stdio.h>

#include "asim/config.h"
#include "asim/error.h"
#include "asim/kernel.h"
#include "asim/model.h"

typedef struct asim_sim asim_sim_t;

typedef struct {
    double lut, ff, dsp, bram36, uram;
} asim_resources_t;

/* A device of the technology table: its capacity, static power and platform (docs/energy.md). */
typedef struct {
    char name[32], part[48];
    double lut, ff, dsp, bram36, uram;  /* capacity; all 0 = no budget (ASIC) */
    double static_w;              /* PL (ASIC: whole-die) static power at static_tj_c, W */
    double static_ps_w;           /* processing-system static power at static_tj_c, W */
    double static_tj_c;           /* junction temperature of those two figures, C */
    double theta_ja;              /* effective junction-to-ambient resistance, C/W */
    double ps_w;                  /* processing-system dynamic power (APU, LPD, PLLs), W */
    double ps_ddr_w;              /* PS DDR controller and PHY, W (0: the design has no PS DDR) */
} asim_device_t;

typedef struct {
    uint64_t macs;               /* multiply-accumulates */
    uint64_t sram_read_bits;     /* bits read from on-chip buffers */
    uint64_t sram_write_bits;    /* bits written to on-chip buffers */
} asim_activity_t;

/* Energy kinds (id, name, what). The first ASIM_EK_PL_END are the programmable logic (or the
 * ASIC die); up to ASIM_EK_CHIP_END the whole chip (PL and processing system); DRAM is off
 * chip. The kinds partition the energy: they sum to the total. */
#define ASIM_ENERGY_KINDS(X)                                                                 \
    X(STATIC_PL, "static_pl", "PL (ASIC: die) leakage x time, at the junction temperature")   \
    X(CLOCKS, "clocks", "clock trees of the clocked resources, and the clock generators")    \
    X(LOGIC, "logic", "LUTs, carry chains, flip-flops and their routing (ASIC: arithmetic)") \
    X(DSP, "dsp", "DSP slices")                                                              \
    X(MEMORY, "memory", "on-chip buffer accesses (BRAM/URAM; ASIC: SRAM)")                   \
    X(STATIC_PS, "static_ps", "processing-system leakage x time")                            \
    X(PS, "ps", "processing system, with its DDR controller and PHY when the design uses it") \
    X(DRAM, "dram", "off-chip DRAM devices, per bit moved")

typedef enum {
#define ASIM_EK_ENUM(id, name, desc) ASIM_EK_##id,
    ASIM_ENERGY_KINDS(ASIM_EK_ENUM)
#undef ASIM_EK_ENUM
    ASIM_EK_COUNT
} asim_energy_kind_t;

#define ASIM_EK_PL_END ASIM_EK_STATIC_PS   /* kinds below: programmable logic only */
#define ASIM_EK_CHIP_END ASIM_EK_DRAM      /* kinds below: the whole chip */

/* "static_pl", ... */
const char *asim_energy_kind_name(asim_energy_kind_t k);

typedef struct {
    double pj[ASIM_EK_COUNT];     /* pJ per kind; they sum to the total */
} asim_energy_t;

/* Sum of the kinds below `end` (ASIM_EK_PL_END, ASIM_EK_CHIP_END or ASIM_EK_COUNT), pJ. */
double asim_energy_total(const asim_energy_t *e, asim_energy_kind_t end);

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
    uint64_t dram_load_a_bits;    /* of which loads of A (a vector op's inputs) */
    uint64_t dram_load_b_bits;    /* loads of B (weights or an activation B) */
    uint64_t dram_store_bits;     /* stores of its results */
    uint64_t dram_kv_read_bits;   /* of dram_load_b_bits: K or V read from the KV cache */
    uint64_t dram_kv_write_bits;  /* of dram_store_bits: K or V appended to the KV cache */
    uint64_t sram_read_a_bits;    /* of act.sram_read_bits: reads of A (a vector op's first input) */
    uint64_t sram_read_b_bits;    /* reads of B (an add's second input); the rest: partial sums */
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

/* The on-chip buffers' occupancy from `at` on: bits loaded for tiles not computed yet. */
typedef struct {
    asim_cycle_t at;
    uint64_t bits;
} asim_sample_t;

#define ASIM_ASIC_MAX_NODES 4

/* A unit's standard-cell area and leakage on one ASIC node (docs/energy.md, "ASIC area and
 * leakage"). */
typedef struct {
    const char *node;             /* the technology table's node key, e.g. "nangate45" */
    double area_mm2;              /* cell area / utilization, mm^2 */
    double leakage_mw;            /* mW, whatever the activity */
} asim_asic_area_t;

typedef struct {
    const char *name;             /* unit instance, e.g. "qmm" */
    asim_resources_t res;
    asim_asic_area_t asic[ASIM_ASIC_MAX_NODES]; /* ASIC tables: per node (none: no RTL twin) */
    size_t n_asic;
    char asic_basis[64];          /* e.g. "Yosys generic gates at 32,32,8" */
    const char *basis;            /* "calibrated (Yosys)" or "first-order" */
    double energy_pj;             /* sum of `energy` */
    asim_energy_t energy;         /* by kind: its logic and DSP while busy, its clock tree over
                                     the run, its buffer accesses (dma: DRAM) */
    char summary[160];            /* its line in the report header, or "" */
    asim_cycle_t busy;            /* cycles it ran jobs (buffers: 0) */
    double fmax_mhz;              /* estimated Fmax from synthesis of its RTL (docs/fmax.md),
                                     or 0 when it has none */
    bool fmax_exact;              /* the estimate is for this size (else the nearest measured) */
} asim_unit_resources_t;

/* One queue's share of the critical path: the chain of instructions, each waiting last on the
 * one before it, that ends with the run's last completion. */
typedef struct {
    const char *queue;            /* "load", "store" or a unit */
    asim_cycle_t cycles;          /* cycles its instructions on the path ran */
} asim_path_part_t;

/* A block's own report section (e.g. the QMM computation-flow comparison): groups of
 * numbers, written as a JSON object of objects and as text lines. */
typedef struct {
    const char *key;              /* JSON key, e.g. "fp_mults" */
    const char *label;            /* text, e.g. "FP mults" */
    const char *unit;             /* text, e.g. "mJ" or "" */
    bool integer;                 /* value in u (else in d) */
    uint64_t u;
    double d;
} asim_report_item_t;

typedef struct {
    const char *key;              /* JSON key and text label, e.g. "naive" */
    const char *note;             /* text after the line, e.g. " (simulated)" */
    asim_report_item_t items[6];
    size_t n_items;
} asim_report_group_t;

typedef struct {
    const char *key;              /* JSON key, e.g. "flow" */
    const char *title;            /* text heading */
    asim_report_group_t groups[4];
    size_t n_groups;
} asim_report_section_t;

typedef struct {
    const asim_config_t *cfg;
    const asim_device_t *device;
    const asim_graph_t *graph;
    asim_layer_t *layers;         /* one per op, graph order */
    size_t n_layers, n_unsupported;
    asim_cycle_t total_cycles;
    uint64_t macs;
    double latency_ms, energy_mj, power_w, gops, gops_per_w;
    asim_energy_t energy;
    asim_resources_t resources;   /* sum over the units */
    asim_asic_area_t asic[ASIM_ASIC_MAX_NODES]; /* ASIC tables: sum over the units, per node */
    size_t n_asic;
    bool fits;                    /* within every capacity of the device (always, for a device
                                     with no budget such as an ASIC) */
    asim_unit_resources_t *unit_resources; /* every unit, then "buffers" */
    size_t n_units;
    double static_w;              /* device static power (PL + PS) at tj_c, W */
    double tj_c;                  /* junction temperature: ambient + theta_ja x chip power, C */
    asim_energy_t platform;       /* what no unit owns: static, PS, clock generators */
    double pl_w, chip_w;          /* mean power of the PL alone and of the chip (PL + PS), W */
    double gops_per_w_pl, gops_per_w_chip;
    asim_report_section_t *sections; /* blocks' own sections */
    size_t n_sections;
    asim_path_part_t *critical_path; /* per queue; the rest of total_cycles is waits */
    size_t n_path_parts;
    const char *schedule;         /* "serial" or "pipelined" */
    const asim_stats_t *stats;
    const asim_span_t *spans;     /* the timeline, when recorded (asim_sim_record_timeline) */
    size_t n_spans;
    const asim_sample_t *occupancy; /* buffer occupancy at each change, when recorded */
    size_t n_occupancy;
} asim_report_t;

/* Builds the accelerator; refuses a design that does not fit its device (by how much) unless
 * resources.enforce is false. */
asim_status_t asim_sim_create(const asim_config_t *cfg, asim_sim_t **sim, asim_error_t *err);
/* A run of DRAM bytes a DMA transfer moves: bytes lo..hi, inclusive (docs/program.md,
 * "Transfers: runs of DRAM bytes"). */
typedef struct {
    uint64_t lo, hi;
} asim_run_t;

/* Times DMA transfers on a platform's memory: for every transfer of `bits` bits (store: to
 * memory) that the DMA channel starts at cycle `now`, fn gets the transfer's runs of DRAM
 * bytes (program addresses, in the order the DMA moves them; the DRAM model prices the
 * aligned bursts of dram.burst_bytes that hold them) and returns the cycles it takes there;
 * the transfer takes the longer of that and the DRAM model's cycles. Calls come in the order
 * the transfers start, `now` never decreasing. The SystemC model uses it to move tensors
 * through its initiator socket (docs/systemc.md). Before asim_sim_run. */
typedef asim_cycle_t (*asim_dma_timer_fn)(void *ctx, asim_cycle_t now, bool store,
                                          uint64_t bits, const asim_run_t *runs,
                                          size_t n_runs);
void asim_sim_set_dma_timer(asim_sim_t *sim, asim_dma_timer_fn fn, void *ctx);
/* Records every compute, load and store span, for --trace and --vcd. Before asim_sim_run. */
void asim_sim_record_timeline(asim_sim_t *sim);
/* On by default: a run whose blocks repeat jumps over them once its state repeats, with the
 * same results to the bit (docs/design.md, "Repeated blocks"). Off runs every block, which
 * is what the tests compare it with. Before asim_sim_run. */
void asim_sim_set_fast_forward(asim_sim_t *sim, bool on);
/* Runs g; rep stays valid until asim_report_free and asim_sim_free. */
asim_status_t asim_sim_run(asim_sim_t *sim, const asim_graph_t *g, asim_report_t *rep,
                           asim_error_t *err);
/* Compiles g into the accelerator program for this configuration (its `schedule`) and writes
 * it to path (docs/program.md). */
asim_status_t asim_sim_compile(asim_sim_t *sim, const asim_graph_t *g, const char *path,
                               asim_error_t *err);
/* Runs the program file at path instead of compiling g; the file must have been compiled for
 * this configuration and this graph. */
asim_status_t asim_sim_run_program(asim_sim_t *sim, const asim_graph_t *g, const char *path,
                                   asim_report_t *rep, asim_error_t *err);
/* Writes a readable listing of the program file at path. */
asim_status_t asim_program_dump_file(const char *path, FILE *out, asim_error_t *err);
void asim_report_free(asim_report_t *rep);
void asim_sim_free(asim_sim_t *sim);

#endif
