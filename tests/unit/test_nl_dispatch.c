/* test_nl_dispatch.c: (impl, func) dispatch, the EXACT style, names, and refused inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "nonlinear/nl_kernels.h"

static const asim_nl_fmt_t in8 = {8, true, 1.0 / 16};

static void test_names(void **state)
{
    (void)state;
    asim_nl_impl_t impl;
    static const char *const names[] = {"quark", "ibert", "ivit", "exact"};
    for (int i = 0; i < ASIM_NL_IMPL_COUNT; i++) {
        assert_int_equal(asim_nl_impl_parse(names[i], &impl), ASIM_OK);
        assert_int_equal(impl, i);
        assert_string_equal(asim_nl_impl_name(impl), names[i]);
    }
    assert_int_equal(asim_nl_impl_parse("QUARK", &impl), ASIM_EARG);
    assert_int_equal(asim_nl_impl_parse(NULL, &impl), ASIM_EARG);
    assert_string_equal(asim_nl_func_name(ASIM_NL_LAYERNORM), "layernorm");
}

/* The dispatch gives exactly what the kernel gives. */
static void test_dispatch_matches_kernels(void **state)
{
    (void)state;
    int32_t x[5] = {-128, -7, 0, 33, 127}, a[5], b[5];
    asim_nl_fmt_t fa, fb;
    asim_error_t err;
    asim_nl_op_t op = {ASIM_NL_QUARK, ASIM_NL_SOFTMAX, 8};
    assert_int_equal(asim_nl_run(&op, x, NULL, 5, &in8, NULL, a, &fa, &err), ASIM_OK);
    assert_int_equal(asim_nl_softmax_quark(x, 5, &in8, 8, b, &fb), ASIM_OK);
    assert_memory_equal(a, b, sizeof a);
    op = (asim_nl_op_t){ASIM_NL_IVIT, ASIM_NL_GELU, 0};
    assert_int_equal(asim_nl_run(&op, x, NULL, 5, &in8, NULL, a, &fa, &err), ASIM_OK);
    assert_int_equal(asim_nl_gelu_ivit(x, 5, &in8, b, &fb), ASIM_OK);
    assert_memory_equal(a, b, sizeof a);
    assert_true(fa.scale == fb.scale);
    int32_t d[5] = {3, -1, 2, 5, 9};
    op = (asim_nl_op_t){ASIM_NL_QUARK, ASIM_NL_DIV, 0};
    assert_int_equal(asim_nl_run(&op, x, d, 5, &in8, &in8, a, &fa, &err), ASIM_OK);
    assert_int_equal(asim_nl_div_quark(x, d, 5, &in8, &in8, b, &fb), ASIM_OK);
    assert_memory_equal(a, b, sizeof a);
}

/* EXACT: the double reference rounded to the documented formats. */
static void test_exact(void **state)
{
    (void)state;
    int32_t y[4];
    asim_nl_fmt_t out;
    asim_error_t err;
    int32_t eq[4] = {1, 1, 1, 1};
    asim_nl_op_t op = {ASIM_NL_EXACT, ASIM_NL_SOFTMAX, 8};
    assert_int_equal(asim_nl_run(&op, eq, NULL, 4, &in8, NULL, y, &out, &err), ASIM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(y[i], 64); /* 0.25 * 256 */
    assert_int_equal(asim_nl_run(&op, eq, NULL, 1, &in8, NULL, y, &out, &err), ASIM_OK);
    assert_int_equal(y[0], 255); /* 1.0 saturates */
    int32_t g[2] = {16, 0};
    op = (asim_nl_op_t){ASIM_NL_EXACT, ASIM_NL_GELU, 0};
    assert_int_equal(asim_nl_run(&op, g, NULL, 2, &in8, NULL, y, &out, &err), ASIM_OK);
    assert_int_equal(y[0], 55138); /* GELU(1) = 0.841345 * 2^16 = 55137.6 */
    assert_int_equal(y[1], 0);
    assert_true(out.scale == 1.0 / 65536);
    int32_t pm[2] = {-5, 5};
    op = (asim_nl_op_t){ASIM_NL_EXACT, ASIM_NL_LAYERNORM, 0};
    assert_int_equal(asim_nl_run(&op, pm, NULL, 2, &in8, NULL, y, &out, &err), ASIM_OK);
    assert_int_equal(y[0], -65536);
    assert_int_equal(y[1], 65536);
    int32_t big[1] = {127}; /* e^7.94 = 2801.1 fits; the clamp is at 32768 */
    op = (asim_nl_op_t){ASIM_NL_EXACT, ASIM_NL_EXP, 0};
    assert_int_equal(asim_nl_run(&op, big, NULL, 1, &in8, NULL, y, &out, &err), ASIM_OK);
    assert_int_equal(y[0], (int32_t)floor(exp(127.0 / 16) * 65536 + 0.5));
}

/* The double LayerNorm of a row of equal values is zeros, even where the row's computed mean
 * is an ulp off (0.1 + 0.1 + 0.1 = 0.30000000000000004, / 3 != 0.1), which used to give
 * var > 0 and outputs of +-1. */
static void test_reference_layernorm_equal_row(void **state)
{
    (void)state;
    const double x[3] = {0.1, 0.1, 0.1};
    double y[3];
    assert_true((x[0] + x[1] + x[2]) / 3.0 != x[0]);
    asim_nl_ref_layernorm(x, 3, y);
    for (int i = 0; i < 3; i++)
        assert_true(y[i] == 0.0);
    const double z[2] = {1.0, 3.0};
    asim_nl_ref_layernorm(z, 2, y);
    assert_true(y[0] == -1.0 && y[1] == 1.0);
}

static void test_refused(void **state)
{
    (void)state;
    int32_t x[2] = {1, 2}, y[2];
    asim_nl_fmt_t out;
    asim_error_t err;
    asim_nl_op_t op = {ASIM_NL_IBERT, ASIM_NL_LN, 0};
    assert_int_equal(asim_nl_run(&op, x, NULL, 2, &in8, NULL, y, &out, &err), ASIM_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "ibert style has no ln kernel"));
    op = (asim_nl_op_t){ASIM_NL_IVIT, ASIM_NL_DIV, 0};
    assert_int_equal(asim_nl_run(&op, x, x, 2, &in8, &in8, y, &out, &err), ASIM_EUNSUPPORTED);
    op = (asim_nl_op_t){ASIM_NL_QUARK, ASIM_NL_SOFTMAX, 1};
    assert_int_equal(asim_nl_run(&op, x, NULL, 2, &in8, NULL, y, &out, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "quark/softmax"));
    int32_t neg[1] = {-1};
    op = (asim_nl_op_t){ASIM_NL_IVIT, ASIM_NL_EXP, 0};
    assert_int_equal(asim_nl_run(&op, x, NULL, 1, &in8, NULL, y, &out, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "domain"));
    assert_int_equal(asim_nl_run(&op, neg, NULL, 1, &in8, NULL, y, &out, &err), ASIM_OK);
    op = (asim_nl_op_t){ASIM_NL_EXACT, ASIM_NL_DIV, 0};
    int32_t zero[1] = {0};
    assert_int_equal(asim_nl_run(&op, x, zero, 1, &in8, &in8, y, &out, &err), ASIM_EARG);
    op = (asim_nl_op_t){ASIM_NL_QUARK, ASIM_NL_FUNC_COUNT, 0};
    assert_int_equal(asim_nl_run(&op, x, NULL, 1, &in8, NULL, y, &out, &err), ASIM_EARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_dispatch_matches_kernels),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_reference_layernorm_equal_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
