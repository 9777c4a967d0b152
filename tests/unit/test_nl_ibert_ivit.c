/* test_nl_ibert_ivit.c: I-BERT and I-ViT integer kernels: hand-derived codes from the
 * constants of their reference code, edges, error bounds, and the i-GELU shift decision.
 * Input format unless noted: 8-bit codes at S = 1/16. I-BERT's host constants there:
 * x0 = floor(-0.6931 * 16) = -12, b = floor(2.70733 * 16) = 43, c = floor(2.79211 * 256) = 714,
 * exp16 multiplier 0.35815147 * 32767 / 256 = 45.84198. I-ViT: x0 = floor(-16) = -16. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "nonlinear/nl_kernels.h"

static const asim_nl_fmt_t in8 = {8, true, 1.0 / 16};

static void test_isqrt(void **state)
{
    (void)state;
    static const uint64_t v[] = {0, 1, 2, 15, 16, 17, 1000000, 4294967295u};
    static const uint64_t r[] = {0, 1, 1, 3, 4, 4, 1000, 65535};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        assert_int_equal(asim_nl_isqrt_ibert(v[i]), r[i]);
    /* I-ViT's fixed 10 steps from 2^16: exact at 2^32, far off for small v (v / k = 0 for 10
     * steps halves 2^16 down to 64). */
    assert_int_equal(asim_nl_isqrt_ivit(UINT64_C(1) << 32), 65536);
    assert_int_equal(asim_nl_isqrt_ivit(0), 64);
    assert_int_equal(asim_nl_isqrt_ivit(100), 64);
    assert_int_equal(asim_nl_isqrt_ivit(172800), 415); /* converges: floor(sqrt) = 415 */
}

static void test_ibert_exp_and_softmax(void **state)
{
    (void)state;
    int32_t x[4] = {0, -16}, y[4];
    asim_nl_fmt_t out;
    /* d = 0: z = c = 714, exp16 = rnd(714 * 45.84198) = 32731. d = -16: q = 1, r = -4,
     * z = -4 * 39 + 714 = 558, exp16 = rnd(558 * 45.84198 / 2) = 12790. */
    assert_int_equal(asim_nl_exp_ibert(x, 2, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 32731);
    assert_int_equal(y[1], 12790);
    assert_true(out.scale == 1.0 / 32767);
    int32_t pos[1] = {1};
    assert_int_equal(asim_nl_exp_ibert(pos, 1, &in8, y, &out), ASIM_EARG);
    /* Four equal codes: s = 130924, factor = floor(2^32 / s) = 32805,
     * floor(32731 * 32805 / 2^24) = floor(63.99994) = 63. */
    int32_t eq[4] = {5, 5, 5, 5};
    assert_int_equal(asim_nl_softmax_ibert(eq, 4, &in8, 8, y, &out), ASIM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(y[i], 63);
    assert_true(out.scale == 1.0 / 256);
    /* One element: factor = 131220, floor(32731 * 131220 / 2^24) = 255. */
    assert_int_equal(asim_nl_softmax_ibert(eq, 1, &in8, 8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 255);
    /* Extremes: d = -255 (above the clamp 30 x0 = -360): q = 21, r = -3, z = 594,
     * exp16 = rnd(594 * 45.84198 / 2^21) = 0. */
    int32_t mm[2] = {127, -128};
    assert_int_equal(asim_nl_softmax_ibert(mm, 2, &in8, 8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 255);
    assert_int_equal(y[1], 0);
}

static void test_ibert_gelu(void **state)
{
    (void)state;
    /* S_e = S / 1.4142; b = floor(-40.028) = -41; c = floor(-1772.82) = -1773 (11 bits: shift 0);
     * one = floor(1 / (-0.2888 S_e^2)) = -1773. x = 16: e = (16 - 41)^2 - 1773 = -1148,
     * y = -(16 (-1148 - 1773)) = 46736. x = -16: e = 1148, y = -(-16 (1148 - 1773)) = -10000.
     * x = 127: |x| clamps at 41, e = -1773, y = 127 * 3546 = 450342. */
    int32_t x[4] = {0, 16, -16, 127}, y[4];
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_gelu_ibert_shift(&in8), 0);
    assert_int_equal(asim_nl_gelu_ibert(x, 4, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 0);
    assert_int_equal(y[1], 46736);
    assert_int_equal(y[2], -10000);
    assert_int_equal(y[3], 450342);
    assert_true(fabs(out.scale - 0.0625 * 0.2888 * (0.0625 / 1.4142) * (0.0625 / 1.4142) / 2) <
                1e-12);
    /* An INT32-like input (16 bits at 2^-14): |c| has 31 bits, so the erf is shifted by 16. */
    asim_nl_fmt_t fine = {16, true, ldexp(1.0, -14)};
    assert_int_equal(asim_nl_gelu_ibert_shift(&fine), 16);
}

/* [I] decision: I-BERT's fixed >> 14 is tuned for INT32 inputs; on 8-bit codes it leaves the
 * erf in {-1, 0} and GELU collapses, while the width rule keeps it within 0.025. */
static void test_ibert_gelu_shift_decision(void **state)
{
    (void)state;
    int32_t x[256], y14[256], y[256];
    asim_nl_fmt_t o14, o;
    for (int i = 0; i < 256; i++)
        x[i] = i - 128;
    assert_int_equal(asim_nl_gelu_ibert_with_shift(x, 256, &in8, 14, y14, &o14), ASIM_OK);
    assert_int_equal(asim_nl_gelu_ibert(x, 256, &in8, y, &o), ASIM_OK);
    double e14 = 0, e = 0;
    for (int i = 0; i < 256; i++) {
        double ref = asim_nl_ref_gelu(x[i] / 16.0);
        e14 = fmax(e14, fabs(y14[i] * o14.scale - ref));
        e = fmax(e, fabs(y[i] * o.scale - ref));
    }
    assert_true(e14 > 1.0);
    assert_true(e < 0.025);
}

static void test_ibert_layernorm(void **state)
{
    (void)state;
    int32_t y[4];
    asim_nl_fmt_t out;
    /* [-1, 1]: mean 0, var 2, i-sqrt 1, factor 2^31, out = +-2^30 (scale sqrt2 / 2^30). */
    int32_t pm[2] = {-1, 1};
    assert_int_equal(asim_nl_layernorm_ibert(pm, 2, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], -1073741824);
    assert_int_equal(y[1], 1073741824);
    assert_true(fabs(out.scale - sqrt(2.0) / 1073741824.0) < 1e-18);
    /* [0, 1, 2]: mean 1, var 2, std 1: out = [-2^30, 0, 2^30]. */
    int32_t tri[3] = {0, 1, 2};
    assert_int_equal(asim_nl_layernorm_ibert(tri, 3, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], -1073741824);
    assert_int_equal(y[1], 0);
    assert_int_equal(y[2], 1073741824);
    int32_t eq[4] = {-128, -128, -128, -128}, one[1] = {77};
    assert_int_equal(asim_nl_layernorm_ibert(eq, 4, &in8, y, &out), ASIM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(y[i], 0);
    assert_int_equal(asim_nl_layernorm_ibert(one, 1, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 0);
}

static void test_ivit_kernels(void **state)
{
    (void)state;
    int32_t y[4];
    asim_nl_fmt_t out;
    /* ShiftExp, x0 = -16, n = 15. d = 0: e2 = 32, 32 << 14 = 524288 (1.0 at S / 2^15).
     * d = -16: t = -23, q = 1, r = -7, e2 = 25, 25 << 13 = 204800 (0.3906). */
    int32_t x[2] = {0, -16};
    assert_int_equal(asim_nl_exp_ivit(x, 2, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 524288);
    assert_int_equal(y[1], 204800);
    /* Shiftmax, four equal codes: s = 2^21, factor = floor((2^31 - 1) / 2^21) = 1023,
     * floor(524288 * 1023 / 2^24) = 31 (scale 2^-7); one element: factor 4095 -> 127. */
    int32_t eq[4] = {-3, -3, -3, -3};
    assert_int_equal(asim_nl_softmax_ivit(eq, 4, &in8, 8, y, &out), ASIM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(y[i], 31);
    assert_true(out.scale == 1.0 / 128);
    assert_int_equal(asim_nl_softmax_ivit(eq, 1, &in8, 8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 127);
    /* ShiftGELU of the row [16] (x = 1.0): x0 = floor(-1 / (1.702 / 16)) = -10; e = 20 << 22;
     * e^-x_max: t = -23, q = 2, r = -3, 17 << 20; factor = floor((2^31 - 1) / 101711872) = 21;
     * sig = floor(5 * 2^24 * 21 / 2^24) = 105; y = 16 * 105 = 1680 (0.8203 at S / 2^7). */
    int32_t g[1] = {16};
    assert_int_equal(asim_nl_gelu_ivit(g, 1, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 1680);
    assert_true(out.scale == 1.0 / 16 / 128);
    /* I-LayerNorm of [-1, 1]: var 2, but 10 steps leave std = 64: factor = 33554431,
     * out = floor(-33554431 / 2) = -16777216 and 16777215, i.e. +-0.022 instead of +-1. */
    int32_t pm[2] = {-1, 1};
    assert_int_equal(asim_nl_layernorm_ivit(pm, 2, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], -16777216);
    assert_int_equal(y[1], 16777215);
    int32_t zero[3] = {9, 9, 9};
    assert_int_equal(asim_nl_layernorm_ivit(zero, 3, &in8, y, &out), ASIM_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(y[i], 0);
}

/* Regression bounds at 8 bits (docs/nonlinear-accuracy.md has every width). */
static void test_error_bounds(void **state)
{
    (void)state;
    static const struct {
        asim_nl_impl_t impl;
        asim_nl_func_t func;
        double max_abs;
    } bound[] = {
        {ASIM_NL_IBERT, ASIM_NL_SOFTMAX, 0.045}, {ASIM_NL_IBERT, ASIM_NL_GELU, 0.025},
        {ASIM_NL_IBERT, ASIM_NL_LAYERNORM, 0.15}, {ASIM_NL_IBERT, ASIM_NL_EXP, 0.028},
        {ASIM_NL_IVIT, ASIM_NL_SOFTMAX, 0.030},  {ASIM_NL_IVIT, ASIM_NL_GELU, 0.31},
        {ASIM_NL_IVIT, ASIM_NL_LAYERNORM, 1.75}, {ASIM_NL_IVIT, ASIM_NL_EXP, 0.066},
    };
    for (size_t k = 0; k < sizeof bound / sizeof bound[0]; k++) {
        asim_nl_op_t op = {bound[k].impl, bound[k].func, 8};
        asim_nl_err_t e;
        assert_int_equal(asim_nl_measure(&op, 8, &e), ASIM_OK);
        if (e.max_abs > bound[k].max_abs)
            fail_msg("%s/%s: max error %g > %g", asim_nl_impl_name(bound[k].impl),
                     asim_nl_func_name(bound[k].func), e.max_abs, bound[k].max_abs);
    }
}

/* The reference operating points: I-BERT's softmax and GELU take INT32 accumulator codes,
 * I-ViT's softmax emits 17 bits; every other kernel stays at 16-bit inputs and 16-bit
 * probabilities. */
static void test_reference_widths(void **state)
{
    (void)state;
    int32_t y[2];
    asim_nl_fmt_t out;
    asim_error_t err;
    /* 20-bit codes at S = 2^-14: reals 0 and -16; softmax ~ (1, 1.1e-7) -> 8-bit 255, 0. */
    const asim_nl_fmt_t in20 = {20, true, ldexp(1.0, -14)};
    int32_t sm[2] = {0, -(1 << 18)};
    asim_nl_op_t op = {ASIM_NL_IBERT, ASIM_NL_SOFTMAX, 8};
    assert_int_equal(asim_nl_run(&op, sm, NULL, 2, &in20, NULL, y, &out, &err), ASIM_OK);
    assert_int_equal(y[0], 255);
    assert_int_equal(y[1], 0);
    /* GELU(64) = 64 from 24-bit codes: the erf shift keeps x (erf + 1) inside int32, so the
     * output does not saturate (with a 16-bit erf it would be 2^20 * 2^16). */
    const asim_nl_fmt_t in24 = {24, true, ldexp(1.0, -14)};
    int32_t g[2] = {1 << 20, -(1 << 20)};
    op.func = ASIM_NL_GELU;
    assert_int_equal(asim_nl_run(&op, g, NULL, 2, &in24, NULL, y, &out, &err), ASIM_OK);
    assert_true(fabs(out.scale * y[0] - 64.0) < 0.01);
    assert_true(fabs(out.scale * y[1]) < 0.01);
    /* 17-bit inputs are beyond the other kernels' contract, 33 beyond every one. */
    const asim_nl_fmt_t in17 = {17, true, ldexp(1.0, -14)}, in33 = {33, true, ldexp(1.0, -14)};
    assert_int_equal(asim_nl_run(&op, g, NULL, 1, &in33, NULL, y, &out, &err), ASIM_EARG);
    op.func = ASIM_NL_LAYERNORM;
    assert_int_equal(asim_nl_run(&op, sm, NULL, 2, &in17, NULL, y, &out, &err), ASIM_EARG);
    op = (asim_nl_op_t){ASIM_NL_IVIT, ASIM_NL_GELU, 8};
    assert_int_equal(asim_nl_run(&op, sm, NULL, 2, &in17, NULL, y, &out, &err), ASIM_EARG);
    /* I-ViT softmax on 17 bits: (0, -16) at S = 1/16 -> scale 2^-16, 1.0 -> 65535 at most. */
    int32_t sv[2] = {0, -16};
    op = (asim_nl_op_t){ASIM_NL_IVIT, ASIM_NL_SOFTMAX, 17};
    assert_int_equal(asim_nl_run(&op, sv, NULL, 2, &in8, NULL, y, &out, &err), ASIM_OK);
    assert_int_equal(out.bits, 17);
    assert_true(fabs(out.scale * y[0] - 1.0 / (1.0 + exp(-1.0))) < 0.02);
    op.prob_bits = 18;
    assert_int_equal(asim_nl_run(&op, sv, NULL, 2, &in8, NULL, y, &out, &err), ASIM_EARG);
    op = (asim_nl_op_t){ASIM_NL_QUARK, ASIM_NL_SOFTMAX, 17};
    assert_int_equal(asim_nl_run(&op, sv, NULL, 2, &in8, NULL, y, &out, &err), ASIM_EARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_isqrt),
        cmocka_unit_test(test_ibert_exp_and_softmax),
        cmocka_unit_test(test_ibert_gelu),
        cmocka_unit_test(test_ibert_gelu_shift_decision),
        cmocka_unit_test(test_ibert_layernorm),
        cmocka_unit_test(test_ivit_kernels),
        cmocka_unit_test(test_error_bounds),
        cmocka_unit_test(test_reference_widths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
