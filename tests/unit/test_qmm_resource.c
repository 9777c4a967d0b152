/*
 * test_qmm_resource.c: the QMM engine's resource formulas (resource/qmm_resource.c) against
 * every point of the Yosys calibration (traces/calibration/qmm_yosys.csv, written by
 * tools/calibrate_qmm.sh): LUT, FF and DSP each within 10%; prints the worst error of each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "resource/resource.h"
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

static double rel_err(double model, double measured)
{
    return (model - measured) / measured;
}

static void test_model_within_ten_percent_of_yosys(void **state)
{
    (void)state;
    static point_t pts[256];
    size_t n = read_points(src_path("traces/calibration/qmm_yosys.csv"), pts, 256);
    assert_true(n >= 20);
    const char *names[3] = {"LUT", "FF", "DSP"};
    double worst[3] = {0}, worst_at[3][3] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const point_t *p = &pts[i];
        asim_resources_t r;
        asim_resource_qmm(&(asim_qmm_geom_t){p->dpus, p->lanes}, (int)p->acc, &r);
        double e[3] = {rel_err(r.lut, p->lut), rel_err(r.ff, p->ff), rel_err(r.dsp, p->dsp)};
        for (int k = 0; k < 3; k++) {
            if (fabs(e[k]) > 0.10)
                fail_msg("D %u L %u ACCW %u: %s model %.0f, Yosys %.0f (%+.1f%%)", p->dpus,
                         p->lanes, p->acc, names[k], k == 0 ? r.lut : k == 1 ? r.ff : r.dsp,
                         k == 0 ? p->lut : k == 1 ? p->ff : p->dsp, 100.0 * e[k]);
            if (i == 0 || fabs(e[k]) > fabs(worst[k])) {
                worst[k] = e[k];
                worst_at[k][0] = p->dpus;
                worst_at[k][1] = p->lanes;
                worst_at[k][2] = p->acc;
            }
        }
    }
    for (int k = 0; k < 3; k++)
        print_message("%zu points: worst %s error %+.2f%% at D %g L %g ACCW %g\n", n, names[k],
                      100.0 * worst[k], worst_at[k][0], worst_at[k][1], worst_at[k][2]);
}

/* Monotone in every parameter: more DPUs, lanes or accumulator bits never cost less. */
static void test_model_grows_with_parameters(void **state)
{
    (void)state;
    asim_resources_t a, b;
    asim_resource_qmm(&(asim_qmm_geom_t){8, 4}, 24, &a);
    asim_resource_qmm(&(asim_qmm_geom_t){16, 4}, 24, &b);
    assert_true(b.lut > a.lut && b.ff > a.ff && b.dsp > a.dsp);
    asim_resource_qmm(&(asim_qmm_geom_t){8, 8}, 24, &b);
    assert_true(b.lut > a.lut && b.ff > a.ff && b.dsp == a.dsp);
    asim_resource_qmm(&(asim_qmm_geom_t){8, 4}, 32, &b);
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
