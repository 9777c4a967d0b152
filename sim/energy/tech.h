/*
 * tech.h: technology tables (configs/tech/NAME.yaml): per-action energies and devices.
 *
 * Every energy entry carries value, unit and source in the file; the loader checks that
 * each required entry is present with the expected unit, so a table cannot silently mean
 * something else. Devices give the resource capacity, the static power and the platform.
 *
 * An FPGA table has a `power` section (the XPE-shaped model of energy/power.h): per-resource
 * dynamic coefficients in uW/MHz per element at the default toggle rate, the clock tree per
 * clocked register, the clock generator, the default toggle rate and the leakage law; and an
 * `activity` map, block -> CSV of its measured toggle rates (tools/activity/activity.py),
 * relative to the table's folder. A table without one (the ASIC) prices arithmetic by action
 * counts; it may have an `asic` section: a utilization and, per node (cell library), the area
 * (um^2) and leakage (nW) of the library cell for each generic gate (energy/asic.h).
 */
#ifndef ASIM_ENERGY_TECH_H
#define ASIM_ENERGY_TECH_H

#include <stdbool.h>

#include "asim/config.h"
#include "asim/error.h"
#include "asim/sim.h"

#define ASIM_TECH_MAX_DEVICES 16
#define ASIM_TECH_MAX_ACTIVITY 8

/* A block's measured toggle rate (traces/calibration/<block>_activity.csv). */
typedef struct {
    char block[32];
    double toggle_pct;            /* mean over the file's realistic-data rows, % of cycles */
    size_t points;                /* rows averaged */
} asim_toggle_rate_t;


/* The FPGA power coefficients: dynamic ones in uW/MHz per element at default_toggle. */
typedef struct {
    double lut;                   /* a LUT used as logic (cell only) */
    double net;                   /* a signal net (routing); nets = LUT + FF */
    double ff;                    /* a flip-flop (cell only) */
    double carry;                 /* a CARRY8 */
    double carry_per_lut;         /* CARRY8 per logic LUT, 1 */
    double clock;                 /* clock tree per clocked register */
    double dsp;                   /* a DSP48E2 slice */
    double mmcm_w;                /* one clock generator (MMCM), W */
    double default_toggle;        /* the toggle rate of those figures, % of cycles */
    double leakage_doubling_c;    /* static power doubles every this many C of Tj */
    double ambient_c;             /* ambient temperature, C */
} asim_fpga_power_t;

/* Yosys's generic gates that tools/asic_cells.sh maps to, in the order of its CSV columns. */
#define ASIM_ASIC_CELLS(X) X(AND, "and") X(NAND, "nand") X(OR, "or") X(NOR, "nor") \
    X(XOR, "xor") X(XNOR, "xnor") X(NOT, "not") X(DFF, "dff")

typedef enum {
#define ASIM_ASIC_CELL_ENUM(id, name) ASIM_CELL_##id,
    ASIM_ASIC_CELLS(ASIM_ASIC_CELL_ENUM)
#undef ASIM_ASIC_CELL_ENUM
    ASIM_CELL_COUNT
} asim_asic_cell_t;

/* An ASIC node's library cell for each generic gate. */
typedef struct {
    char key[24];                 /* e.g. "nangate45" */
    char name[96];
    double area_um2[ASIM_CELL_COUNT];   /* um^2 per cell */
    double leakage_nw[ASIM_CELL_COUNT]; /* nW per cell */
} asim_asic_node_t;

typedef struct {
    char name[96];
    char path[ASIM_PATH_MAX];
    double mult_8x8_pj;           /* pJ per 8x8-bit multiply */
    double add_32_pj;             /* pJ per 32-bit add */
    double mult_32_pj;            /* pJ per 32-bit integer multiply */
    double fp32_mult_pj;          /* pJ per FP32 multiply */
    double fp32_add_pj;           /* pJ per FP32 add */
    double sram_read_pj_bit;      /* pJ per bit read from on-chip SRAM */
    double sram_write_pj_bit;     /* pJ per bit written */
    double sram_ref_kib;          /* KiB of the SRAM those two figures are for */
    double sram_size_exp;         /* energy per bit ~ (bank KiB / ref)^exp */
    double dram_pj_bit;           /* pJ per bit moved to or from DRAM */
    asim_fpga_power_t fpga;       /* FPGA tables only (has_fpga) */
    bool has_fpga;
    asim_toggle_rate_t activity[ASIM_TECH_MAX_ACTIVITY]; /* FPGA tables' `activity` files */
    size_t n_activity;
    asim_asic_node_t nodes[ASIM_ASIC_MAX_NODES]; /* ASIC tables' `asic` section; the first is
                                                    the table's own node */
    size_t n_nodes;
    double utilization;           /* cell area / placed area, 0..1 */
    asim_device_t devices[ASIM_TECH_MAX_DEVICES];
    size_t n_devices;
} asim_tech_t;

/* Loads the table named by cfg->tech (relative to the config's folder). */
asim_status_t asim_tech_load_for(const asim_config_t *cfg, asim_tech_t *tech, asim_error_t *err);
asim_status_t asim_tech_load(const char *path, asim_tech_t *tech, asim_error_t *err);
/* The device of that name, or NULL. */
const asim_device_t *asim_tech_device(const asim_tech_t *tech, const char *name);

#endif
