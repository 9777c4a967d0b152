/*
 * systolic_fit.h: the fitted coefficients of the systolic resource formulas
 * (systolic_resource.c). Their values are data: tools/fit.py systolic (model
 * sim/systolic/systolic_fit.py) writes traces/calibration/systolic_fit.csv, and the build
 * generates asim_systolic_fit from it (cmake/AsimFitSource.cmake); a test fails when the CSV
 * is not what the fit gives. A field added here needs its row in the fit and the count below.
 */
#ifndef ASIM_SYSTOLIC_SYSTOLIC_FIT_H
#define ASIM_SYSTOLIC_SYSTOLIC_FIT_H

typedef struct {
    double ff[3];  /* per PE register bit, per skew register bit, fixed */
    double lut[6]; /* per PE x acc bit, per PE x (a + b + cb + rb), per PE x soft-multiplier
                      (a + 1)(b + 1), per PE, per edge lane bit (R a + C b), fixed */
    int dsp_soft_max_sum; /* the largest a_bits + b_bits whose multiplier stays in LUTs */
} asim_systolic_fit_t;

#define ASIM_SYSTOLIC_FIT_VALUES 10

extern const asim_systolic_fit_t asim_systolic_fit;

#endif
