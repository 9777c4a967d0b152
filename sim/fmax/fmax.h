/*
 * fmax.h: the estimated Fmax of each configured compute block, from the Yosys static timing
 * data in traces/calibration/{systolic,qmm,quark}_fmax.csv (tools/fmax_estimate.sh), which
 * the build compiles in (cmake/CalibrationData.cmake).
 *
 * Contract: a pure function of the configuration; no I/O, no allocation. A block's estimate
 * is the row of its table nearest to the configured parameters (sum of |log2| ratios over the
 * table's three parameters; ties go to the lower Fmax), so a size outside the table takes
 * its nearest measured neighbour; `exact` says whether the row is the configured point. What
 * the estimate is (cell delays of Artix-7, no routing) and how far to trust it:
 * docs/fmax.md.
 */
#ifndef ASIM_FMAX_H
#define ASIM_FMAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asim/config.h"

#define ASIM_FMAX_BLOCKS 3

typedef struct {
    const char *block;  /* the block descriptor's name: "systolic", "qmm", "quark" */
    double fmax_mhz;    /* estimated Fmax, MHz */
    uint32_t delay_ps;  /* the critical path it comes from, ps */
    uint32_t cells;     /* cells on that path */
    int64_t point[3];   /* the table row used: systolic rows, cols, bits; qmm dpus, lanes,
                           acc_bits; quark lanes, in_bits, modes */
    bool exact;         /* the row is the configured point */
} asim_fmax_t;

/* A configured block's RTL calibration point: the three parameters its tables are keyed by. */
typedef struct {
    const char *block;  /* the block descriptor's name */
    int64_t point[3];   /* systolic rows, cols, max(act, weight bits); qmm dpus, lanes,
                           acc_bits; quark lanes, in_bits, modes (255: the shared unit) */
    int parallel;       /* the first `parallel` parameters multiply to its parallel elements
                           (systolic PEs, QMM DPU lanes, QUARK lanes) */
} asim_rtl_point_t;

/* Writes the point of each enabled block that has an RTL twin (systolic array, QMM engine,
 * QUARK nonlinear unit) into out, in that order, and returns how many. */
size_t asim_rtl_points(const asim_config_t *cfg, asim_rtl_point_t out[ASIM_FMAX_BLOCKS]);
/* Distance between two points: sum of |log2(a / b)| over the three parameters. */
double asim_rtl_distance(const int64_t a[3], const int64_t b[3]);

/* Writes one estimate per enabled block that has an RTL twin and timing data (systolic
 * array, QMM engine, QUARK nonlinear unit; the placeholder unit has none) into out, in that
 * order, and returns how many (0..ASIM_FMAX_BLOCKS). */
size_t asim_fmax_estimate(const asim_config_t *cfg, asim_fmax_t out[ASIM_FMAX_BLOCKS]);

#endif
