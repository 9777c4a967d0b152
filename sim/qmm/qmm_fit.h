/*
 * qmm_fit.h: the fitted coefficients of the QMM engine's LUT and FF formulas (qmm_resource.c). Their
 * values are data: tools/fit.py qmm (model sim/qmm/qmm_fit.py) writes
 * traces/calibration/qmm_fit.csv, and the build generates asim_qmm_fit from it
 * (cmake/AsimFitSource.cmake); a test fails when the CSV is not what the fit gives. A field
 * added here needs its row in the fit and the count below.
 */
#ifndef ASIM_QMM_QMM_FIT_H
#define ASIM_QMM_QMM_FIT_H

typedef struct {
    double lut[6]; /* per lane of each DPU, per lane and tree level (D L clog2(2L)), per DPU x
                      accumulator bit, per DPU, per shared lane, fixed (the controller) */
    double ff[6];  /* the same features for the registers */
} asim_qmm_fit_t;

#define ASIM_QMM_FIT_VALUES 12

extern const asim_qmm_fit_t asim_qmm_fit;

#endif
