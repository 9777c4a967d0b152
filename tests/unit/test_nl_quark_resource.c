/*
 * test_nl_quark_resource.c: the QUARK unit's resource model (quark/quark_resource.c)
 * against every Yosys point of its calibration (traces/calibration/quark_yosys.csv): LUT,
 * FF and DSP within 10 % everywhere; prints the worst error of each. Also the mask lookup
 * and the separate units' sum.
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
#include "quark/quark.h"

#define CSV_PATH ASIM_SOURCE_DIR "/traces/calibration/quark_yosys.csv"
static void test_model_matches_yosys_grid(void **state)
{
    (void)state;
    FILE *f = fopen(CSV_PATH, "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    assert_int_equal(strncmp(line, "lanes,in_bits,modes,lut,ff,dsp,carry4,muxf,srl", 46), 0);
    resource_fit_t fit = {0};
    while (fgets(line, sizeof line, f)) {
        unsigned n, modes;
        int iw;
        double y_lut, y_ff, y_dsp, carry, muxf, srl;
        assert_int_equal(sscanf(line, "%u,%d,%u,%lf,%lf,%lf,%lf,%lf,%lf", &n, &iw, &modes,
                                &y_lut, &y_ff, &y_dsp, &carry, &muxf, &srl),
                         9);
        asim_resources_t m;
        asim_quark_resources(n, iw, modes, &m);
        char at[48];
        snprintf(at, sizeof at, "N=%u IW=%d modes=%u", n, iw, modes);
        resource_fit_add(&fit, m.lut, m.ff, m.dsp, y_lut + srl, y_ff, y_dsp, at);
    }
    fclose(f);
    resource_fit_check(&fit, 12);
}

/* Masks: a subset of a separate unit's modes costs that unit; anything wider costs the shared
 * unit; the shared unit is smaller than the three separate ones and grows with N and IW. */
static void test_masks_and_separate(void **state)
{
    (void)state;
    asim_resources_t sm, sm_only, shared, shared_wide, shared_big, sep, mixed;
    asim_quark_resources(8, 8, 1u << ASIM_QUARK_SOFTMAX, &sm);
    asim_quark_resources(8, 8, asim_quark_modes_for_kinds(1u << ASIM_OP_SOFTMAX), &sm_only);
    asim_quark_resources(8, 8, ASIM_QUARK_ALL_MODES, &shared);
    asim_quark_resources(8, 16, ASIM_QUARK_ALL_MODES, &shared_wide);
    asim_quark_resources(16, 8, ASIM_QUARK_ALL_MODES, &shared_big);
    asim_quark_resources(8, 8, (1u << ASIM_QUARK_SOFTMAX) | (1u << ASIM_QUARK_GELU), &mixed);
    sep = (asim_resources_t){0};
    for (int i = 0; i < ASIM_QUARK_SEPARATE_UNITS; i++) {
        asim_resources_t r;
        asim_quark_resources(8, 8, asim_quark_modes_for_kinds(asim_quark_separate_kinds[i]), &r);
        sep.lut += r.lut, sep.ff += r.ff, sep.dsp += r.dsp;
    }
    assert_true(sm.lut == sm_only.lut && sm.dsp == sm_only.dsp);
    assert_true(mixed.lut == shared.lut);
    assert_true(shared.lut < sep.lut && shared.ff < sep.ff && shared.dsp < sep.dsp);
    assert_true(shared_wide.lut > shared.lut && shared_big.lut > shared.lut);
    assert_true(shared.bram36 == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_matches_yosys_grid),
        cmocka_unit_test(test_masks_and_separate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
