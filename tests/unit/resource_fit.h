/*
 * resource_fit.h: what every resource-model test does with its Yosys calibration CSV: track
 * the worst signed relative error of LUT, FF and DSP over the points, print them, and require
 * each within the tolerance. Include after <cmocka.h>.
 */
#ifndef ASIM_TEST_RESOURCE_FIT_H
#define ASIM_TEST_RESOURCE_FIT_H

#include <math.h>
#include <stdio.h>

#define RESOURCE_FIT_TOLERANCE 0.10

typedef struct {
    double err;  /* relative, signed */
    char at[64]; /* the point, as the test names it */
} fit_worst_t;

typedef struct {
    fit_worst_t lut, ff, dsp;
    unsigned points;
} resource_fit_t;

static inline void fit_track(fit_worst_t *w, double model, double yosys, const char *at)
{
    double err = yosys > 0 ? (model - yosys) / yosys : (model == 0 ? 0.0 : INFINITY);
    if (fabs(err) >= fabs(w->err)) {
        w->err = err;
        snprintf(w->at, sizeof w->at, "%s", at);
    }
}

/* Records one point: the model's resources against Yosys's LUT, FF and DSP. */
static inline void resource_fit_add(resource_fit_t *f, double lut, double ff, double dsp,
                                    double y_lut, double y_ff, double y_dsp, const char *at)
{
    fit_track(&f->lut, lut, y_lut, at);
    fit_track(&f->ff, ff, y_ff, at);
    fit_track(&f->dsp, dsp, y_dsp, at);
    f->points++;
}

/* Prints the worst errors and fails unless there are min_points points, all within 10%. */
static inline void resource_fit_check(const resource_fit_t *f, unsigned min_points)
{
    print_message("%u Yosys points; worst error: LUT %+.2f %% (%s), FF %+.2f %% (%s), "
                  "DSP %+.2f %% (%s)\n",
                  f->points, 100 * f->lut.err, f->lut.at, 100 * f->ff.err, f->ff.at,
                  100 * f->dsp.err, f->dsp.at);
    assert_true(f->points >= min_points);
    assert_true(fabs(f->lut.err) <= RESOURCE_FIT_TOLERANCE);
    assert_true(fabs(f->ff.err) <= RESOURCE_FIT_TOLERANCE);
    assert_true(fabs(f->dsp.err) <= RESOURCE_FIT_TOLERANCE);
}

#endif
