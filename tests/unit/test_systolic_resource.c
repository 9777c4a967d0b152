/*
 * test_systolic_resource.c: the systolic resource model (systolic/systolic_resource.c)
 * against every Yosys point of the calibration (traces/calibration/systolic_yosys.csv):
 * LUT, FF and DSP within 10 % everywhere; prints the worst error of each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "resource_fit.h"
#include "systolic/systolic.h"

#define CSV_PATH ASIM_SOURCE_DIR "/traces/calibration/systolic_yosys.csv"
static void test_model_matches_yosys_grid(void **state)
{
    (void)state;
    FILE *f = fopen(CSV_PATH, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    static const char header[] = "rows,cols,a_bits,b_bits,acc_bits,lut,ff,dsp,";
    assert_int_equal(strncmp(line, header, sizeof header - 1), 0);
    resource_fit_t fit = {0};
    while (fgets(line, sizeof line, f)) {
        unsigned r, c;
        int aw, bw, acc;
        double y_lut, y_ff, y_dsp;
        assert_int_equal(sscanf(line, "%u,%u,%d,%d,%d,%lf,%lf,%lf", &r, &c, &aw, &bw, &acc,
                                &y_lut, &y_ff, &y_dsp),
                         8);
        asim_systolic_geom_t g = {r, c, ASIM_DATAFLOW_OS, false};
        asim_resources_t m;
        asim_systolic_resources(&g, aw, bw, acc, &m);
        char at[64];
        snprintf(at, sizeof at, "%ux%u a%d b%d acc%d", r, c, aw, bw, acc);
        resource_fit_add(&fit, m.lut, m.ff, m.dsp, y_lut, y_ff, y_dsp, at);
    }
    fclose(f);
    resource_fit_check(&fit, 30);
}

/* The model grows with the array and with the widths, and has no BRAM. */
static void test_model_monotonic(void **state)
{
    (void)state;
    asim_resources_t small, big, wide;
    asim_systolic_resources(&(asim_systolic_geom_t){4, 4, ASIM_DATAFLOW_OS, false}, 8, 8, 32,
                           &small);
    asim_systolic_resources(&(asim_systolic_geom_t){8, 8, ASIM_DATAFLOW_OS, false}, 8, 8, 32,
                           &big);
    asim_systolic_resources(&(asim_systolic_geom_t){4, 4, ASIM_DATAFLOW_OS, false}, 16, 16, 48,
                           &wide);
    assert_true(big.lut > small.lut && big.ff > small.ff && big.dsp > small.dsp);
    assert_true(wide.ff > small.ff && wide.lut > small.lut);
    assert_true(small.bram36 == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_matches_yosys_grid),
        cmocka_unit_test(test_model_monotonic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
