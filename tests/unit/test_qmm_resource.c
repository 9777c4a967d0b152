/*
 * test_qmm_resource.c: the QMM engine's resource formulas (qmm/qmm_resource.c) against
 * every point of the Yosys calibration (traces/calibration/qmm_yosys.csv, written by
 * tools/calibrate.sh qmm): LUT, FF and DSP each within 10%; prints the worst error of each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "resource_fit.h"
#include "qmm/qmm.h"
#include "testutil.h"

typedef struct {
    unsigned dpus, lanes, acc;
    double lut, ff, dsp;
} point_t;

/* Reads the CSV's points (header first); returns their number. */
static size_t read_points(const char *path, point_t *pts, size_t cap)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line, "dpus,lanes,acc_bits,lut,ff,dsp,carry4,muxf\n");
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, f)) {
        point_t *p = &pts[n];
        assert_int_equal(sscanf(line, "%u,%u,%u,%lf,%lf,%lf", &p->dpus, &p->lanes, &p->acc,
                                &p->lut, &p->ff, &p->dsp),
                         6);
        n++;
    }
    fclose(f);
    return n;
}

static void test_model_within_ten_percent_of_yosys(void **state)
{
    (void)state;
    static point_t pts[256];
    size_t n = read_points(src_path("traces/calibration/qmm_yosys.csv"), pts, 256);
    resource_fit_t fit = {0};
    for (size_t i = 0; i < n; i++) {
        const point_t *p = &pts[i];
        asim_resources_t r;
        char at[64];
        asim_qmm_resources(&(asim_qmm_geom_t){p->dpus, p->lanes}, (int)p->acc, &r);
        snprintf(at, sizeof at, "D %u L %u ACCW %u", p->dpus, p->lanes, p->acc);
        resource_fit_add(&fit, r.lut, r.ff, r.dsp, p->lut, p->ff, p->dsp, at);
    }
    resource_fit_check(&fit, 20);
}

/* Monotone in every parameter: more DPUs, lanes or accumulator bits never cost less. */
static void test_model_grows_with_parameters(void **state)
{
    (void)state;
    asim_resources_t a, b;
    asim_qmm_resources(&(asim_qmm_geom_t){8, 4}, 24, &a);
    asim_qmm_resources(&(asim_qmm_geom_t){16, 4}, 24, &b);
    assert_true(b.lut > a.lut && b.ff > a.ff && b.dsp > a.dsp);
    asim_qmm_resources(&(asim_qmm_geom_t){8, 8}, 24, &b);
    assert_true(b.lut > a.lut && b.ff > a.ff && b.dsp == a.dsp);
    asim_qmm_resources(&(asim_qmm_geom_t){8, 4}, 32, &b);
    assert_true(b.lut > a.lut && b.ff > a.ff && b.dsp >= a.dsp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_within_ten_percent_of_yosys),
        cmocka_unit_test(test_model_grows_with_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
