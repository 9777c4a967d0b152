/*
 * quark_fit.h: the fitted coefficients of the QUARK unit's resource formulas
 * (quark_resource.c). Their values are data: tools/fit.py quark (model
 * sim/quark/quark_fit.py) writes traces/calibration/quark_fit.csv, and the build generates
 * asim_quark_fit from it (cmake/AsimFitSource.cmake); a test fails when the CSV is not what
 * the fit gives. A field added here needs its rows in the fit and the count below.
 */
#ifndef ASIM_QUARK_QUARK_FIT_H
#define ASIM_QUARK_QUARK_FIT_H

/* One calibrated mode set: each resource is c[0] + c[1] N + c[2] N (IW - 8). */
typedef struct {
    unsigned modes; /* the RTL mode mask the unit was synthesized with */
    double lut[3], ff[3], dsp[3];
} asim_quark_fit_set_t;

typedef struct {
    asim_quark_fit_set_t set[4]; /* smallest first: a mask takes the first set containing it */
} asim_quark_fit_t;

#define ASIM_QUARK_FIT_VALUES 40

extern const asim_quark_fit_t asim_quark_fit;

#endif
