/* test_fmax.c: the Fmax estimate per block (sim/fmax/fmax.h): which blocks get one, exact
 * grid points, the nearest row for sizes outside the table, and the shipped configurations.
 * Relies on rows tools/fmax_estimate.sh always writes: systolic 2x2 and 4x4 at 8 bits, QMM
 * 4 DPUs x 8 lanes at 24 bits, QUARK 2 lanes at 8 bits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "fmax/fmax.h"
#include "testutil.h"

/* Defaults, then the "key=value" assignments. */
static void config_with(asim_config_t *cfg, const char *const *sets, size_t n)
{
    asim_error_t err;
    asim_config_defaults(cfg);
    for (size_t i = 0; i < n; i++)
        if (asim_config_set(cfg, sets[i], &err) != ASIM_OK)
            fail_msg("%s: %s", sets[i], err.msg);
}

static void test_blocks_of_a_config(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_fmax_t e[ASIM_FMAX_BLOCKS];
    const char *none[] = {"array.enabled=false", "qmm.enabled=false",
                          "nonlinear.unit=placeholder"};
    config_with(&cfg, none, 3);
    assert_int_equal(asim_fmax_estimate(&cfg, e), 0); /* the placeholder has no RTL */
    const char *all[] = {"array.enabled=true", "qmm.enabled=true", "nonlinear.unit=quark"};
    config_with(&cfg, all, 3);
    assert_int_equal(asim_fmax_estimate(&cfg, e), 3);
    assert_string_equal(e[0].block, "systolic");
    assert_string_equal(e[1].block, "qmm");
    assert_string_equal(e[2].block, "quark");
    for (int i = 0; i < 3; i++) {
        assert_true(e[i].fmax_mhz > 0.0);
        /* fmax = 10^6 / delay, to the CSV's 0.1 MHz */
        assert_true(fabs(e[i].fmax_mhz - 1e6 / e[i].delay_ps) <= 0.05 + 1e-9);
        assert_true(e[i].cells > 0);
    }
}

static void test_exact_and_nearest(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_fmax_t e[ASIM_FMAX_BLOCKS];
    const char *exact[] = {"qmm.enabled=false", "nonlinear.unit=none", "array.enabled=true",
                           "array.rows=4", "array.cols=4", "array.act_bits=8",
                           "array.weight_bits=8"};
    config_with(&cfg, exact, 7);
    assert_int_equal(asim_fmax_estimate(&cfg, e), 1);
    assert_true(e[0].exact);
    assert_int_equal(e[0].point[0], 4);
    assert_int_equal(e[0].point[1], 4);
    assert_int_equal(e[0].point[2], 8);
    /* 3 x 2 with 7- and 5-bit operands: nearest is 2x2 at 8 bits (log2 distance
     * 0.58 + 0 + 0.19 against 4x4's 0.42 + 1 + 0.19) */
    const char *near[] = {"qmm.enabled=false", "nonlinear.unit=none", "array.enabled=true",
                          "array.rows=3", "array.cols=2", "array.act_bits=7",
                          "array.weight_bits=5"};
    config_with(&cfg, near, 7);
    assert_int_equal(asim_fmax_estimate(&cfg, e), 1);
    assert_false(e[0].exact);
    assert_int_equal(e[0].point[0], 2);
    assert_int_equal(e[0].point[1], 2);
    assert_int_equal(e[0].point[2], 8);
}

/* Every shipped configuration gets an estimate for each of its RTL blocks. */
static void test_shipped_configs(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        size_t blocks;
    } shipped[] = {{"configs/systolic_32x32.yaml", 1}, {"configs/beta.yaml", 2},
                   {"configs/quark.yaml", 2}, {"configs/odeformer.yaml", 2}};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        asim_config_t cfg;
        asim_error_t err;
        asim_fmax_t e[ASIM_FMAX_BLOCKS];
        assert_int_equal(asim_config_load(src_path(shipped[i].path), NULL, 0, &cfg, &err),
                         ASIM_OK);
        assert_int_equal(asim_fmax_estimate(&cfg, e), shipped[i].blocks);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_of_a_config),
        cmocka_unit_test(test_exact_and_nearest),
        cmocka_unit_test(test_shipped_configs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
