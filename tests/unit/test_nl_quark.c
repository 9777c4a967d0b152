/* test_nl_quark.c: QUARK's Appro-Exp, Appro-LN, log divider, softmax, ReSoft-GELU and
 * DivFree-LayerNorm: hand-derived codes, edges, error bounds, and the [I] sign decisions.
 * Hand derivations use rnd(v >> s) = floor((v + 2^(s-1)) / 2^s) and the Q.14 coefficients of
 * nl_quark.c (exp: 2807, 10890, 16384; log2: -5520, 32686, -27034; GELU 27886). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "asim/fixed.h"
#include "nonlinear/nl_kernels.h"

static const asim_nl_fmt_t in8 = {8, true, 1.0 / 16}; /* codes span [-8, 8) */

/* Appro-Exp at 0, -1.0, +1.0, -20.0 and its clamps. */
static void test_exp_hand_values(void **state)
{
    (void)state;
    assert_int_equal(asim_nl_quark_exp(0), 16384); /* t = 0: q_I = 0, f = 0, poly = 1.0 */
    /* x = -16384: t = -16384 - 8192 + 1024 = -23552, q_I = -1, f = -7168;
     * h = rnd(2807 * -7168 >> 14) + 10890 = -1228 + 10890 = 9662;
     * p = rnd(9662 * -7168 >> 14) + 16384 = -4227 + 16384 = 12157; rnd(12157 >> 1) = 6079. */
    assert_int_equal(asim_nl_quark_exp(-16384), 6079);
    /* x = 16384: t = 23552, q_I = 2, f = -9216; h = -1579 + 10890 = 9311;
     * p = -5237 + 16384 = 11147; 11147 << 2 = 44588 (2.7214). */
    assert_int_equal(asim_nl_quark_exp(16384), 44588);
    /* x = -20.0: q_I = -28: the shifted polynomial rounds to 0. */
    assert_int_equal(asim_nl_quark_exp(-20 * 16384), 0);
    /* Saturation: t clamps at 16.0, so e^x stops at 2^16 (Q.14: 2^30). */
    assert_int_equal(asim_nl_quark_exp(INT64_C(1) << 24), INT64_C(1) << 30);
    assert_int_equal(asim_nl_quark_exp(INT64_C(1) << 40), INT64_C(1) << 30);
    assert_int_equal(asim_nl_quark_exp(-(INT64_C(1) << 40)), 0);
}

/* Appro-LN at 1.0, 3, 2^-14 and 0. */
static void test_ln_hand_values(void **state)
{
    (void)state;
    /* v = 1.0: q_M = 14, q_N = 16384; h = -5520 + 32686 = 27166; g = 27166 - 27034 = 132. */
    assert_int_equal(asim_nl_quark_log2(16384, 14), 132);
    assert_int_equal(asim_nl_quark_ln(16384, 14), 132 - 33 - 8);
    /* v = 3: q_M = 1, q_N = 24576 (1.5); h = -8280 + 32686 = 24406; g = 36609 - 27034 = 9575;
     * log2 = 16384 + 9575 = 25959; ln = 25959 - 6489 - 1622 = 17848 (1.0894). */
    assert_int_equal(asim_nl_quark_log2(3, 0), 25959);
    assert_int_equal(asim_nl_quark_ln(3, 0), 17848);
    /* v = 2^-14: log2 = -14 * 16384 + 132 = -229244; the >> floor: -57311 and -14328. */
    assert_int_equal(asim_nl_quark_log2(1, 14), -229244);
    assert_int_equal(asim_nl_quark_ln(1, 14), -229244 + 57311 + 14328);
    assert_int_equal(asim_nl_quark_ln(0, 0), ASIM_NL_QUARK_LN_ZERO);
    assert_int_equal(asim_nl_quark_exp(ASIM_NL_QUARK_LN_ZERO), 0);
}

/* Log divider: 6/3 through ln 6 - ln 3 = 29112 - 17848 = 11264 (exactly 0.6875), a/a, 0/b. */
static void test_div_hand_values(void **state)
{
    (void)state;
    /* exp(11264): t = 11264 + 5632 - 704 = 16192, q_I = 1, f = -192; h = -33 + 10890 = 10857;
     * p = -127 + 16384 = 16257; << 1 = 32514 (1.9845). */
    assert_int_equal(asim_nl_quark_ln(6, 0), 29112);
    assert_int_equal(asim_nl_quark_div(6, 3), 32514);
    assert_int_equal(asim_nl_quark_div(77, 77), 16384);
    assert_int_equal(asim_nl_quark_div(0, 5), 0);
    int32_t a[3] = {6, -6, 6}, b[3] = {3, 3, -3}, y[3];
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_div_quark(a, b, 3, &in8, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 32514);
    assert_int_equal(y[1], -32514);
    assert_int_equal(y[2], -32514);
    assert_true(out.scale == 1.0 / 16384);
    int32_t zero[1] = {0};
    assert_int_equal(asim_nl_div_quark(a, zero, 1, &in8, &in8, y, &out), ASIM_EARG);
}

/* Softmax rows: all equal, single element, one dominant element, extreme codes. */
static void test_softmax_hand_values(void **state)
{
    (void)state;
    asim_nl_fmt_t out;
    int32_t y[4];
    /* Four equal codes: e = 1.0 each, s = 65536; ln: q_M = 16, g = 132, log2 = 32900,
     * ln = 32900 - 8225 - 2056 = 22619; exp(-22619): t = -32515, q_I = -1, f = -16131,
     * h = -2764 + 10890 = 8126, p = -8001 + 16384 = 8383, rnd(>> 1) = 4192 (0.2559);
     * 8-bit: rnd(4192 >> 6) = 66. */
    int32_t eq[4] = {-37, -37, -37, -37};
    assert_int_equal(asim_nl_softmax_quark(eq, 4, &in8, 8, y, &out), ASIM_OK);
    for (int i = 0; i < 4; i++)
        assert_int_equal(y[i], 66);
    assert_int_equal(out.bits, 8);
    assert_false(out.is_signed);
    assert_true(out.scale == 1.0 / 256);
    assert_int_equal(asim_nl_softmax_quark(eq, 4, &in8, 14, y, &out), ASIM_OK);
    assert_int_equal(y[0], 4192);
    /* One element: s = 1.0, ln = 91; exp(-91): t = -131, f = -131, h = 10868, p = 16297;
     * 8-bit: rnd(16297 >> 6) = 255; 14-bit: 16297 (0.9947). */
    int32_t one[1] = {127};
    assert_int_equal(asim_nl_softmax_quark(one, 1, &in8, 8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 255);
    assert_int_equal(asim_nl_softmax_quark(one, 1, &in8, 14, y, &out), ASIM_OK);
    assert_int_equal(y[0], 16297);
    /* [0, -8.0]: e_1 = rnd(11641 >> 11) = 6, s = 16390, ln = 97, exp(-97) = 16292 -> 255;
     * e^-8 rounds to 0 at 8 bits. */
    int32_t dom[2] = {0, -128};
    assert_int_equal(asim_nl_softmax_quark(dom, 2, &in8, 8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 255);
    assert_int_equal(y[1], 0);
    /* Max and min codes at each width: the minimum is e^-(2^b - 1) S, at most e^-15: 0. */
    for (unsigned bits = 4; bits <= 8; bits += 2) {
        asim_nl_fmt_t f = {bits, true, ldexp(1.0, 4 - (int)bits)};
        int32_t mm[2] = {(int32_t)asim_fx_max(bits, true), (int32_t)asim_fx_min(bits, true)};
        assert_int_equal(asim_nl_softmax_quark(mm, 2, &f, 8, y, &out), ASIM_OK);
        assert_int_equal(y[0], 255);
        assert_int_equal(y[1], 0);
    }
}

/* ReSoft-GELU at 0, +1.0, -8.0 and the ReLU MUX path. */
static void test_gelu_hand_values(void **state)
{
    (void)state;
    /* x = 1.0 (code 16): Q.14 16384; z = -27886; e^z: t = -40086, q_I = -2, f = -7318,
     * h = -1254 + 10890 = 9636, p = -4304 + 16384 = 12080, rnd(>> 2) = 3020; s = 19404;
     * ln s: h = -6537 + 32686 = 26149, g = 30969 - 27034 = 3935, ln = 3935 - 983 - 245 = 2707;
     * sigma = exp(-2707): t = -3891, h = -667 + 10890 = 10223, p = -2428 + 16384 = 13956;
     * y = 16 * 13956 = 223296 (0.8518; GELU(1) = 0.8413). */
    int32_t x[4] = {0, 16, -128, 127}, y[4];
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_gelu_quark(x, 4, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 0);
    assert_int_equal(y[1], 223296);
    assert_int_equal(y[2], 0); /* GELU(-8) = -5e-15: sigma rounds to 0 */
    assert_true(out.scale == 1.0 / 16 / 16384);
    assert_true(fabs(y[3] * out.scale - 127.0 / 16) < 0.05);
    int32_t r[4];
    asim_nl_fmt_t rout;
    assert_int_equal(asim_nl_relu_quark(x, 4, &in8, r, &rout), ASIM_OK);
    assert_int_equal(r[0], 0);
    assert_int_equal(r[1], 16 * 16384);
    assert_int_equal(r[2], 0);
    assert_true(rout.scale == out.scale && rout.bits == out.bits);
}

/* SiLU = x Softmax([x, 0])_0: the GELU path with the constant 1.0. */
static void test_silu_hand_values(void **state)
{
    (void)state;
    /* x = 1.0 (code 16): Q.14 16384; z = -16384 exactly; e^0 = 16384; e^-1: t = -23552,
     * q_I = -1, f = -7168, h = -1228 + 10890 = 9662, p = -4227 + 16384 = 12157, rnd(>> 1) =
     * 6079; s = 22463; ln s: q_N = 22463, h = -7568 + 32686 = 25118, g = 34438 - 27034 = 7404,
     * ln = 7404 - 1851 - 462 = 5091; sigma = exp(-5091): t = -7318, q_I = 0, h = 9636,
     * p = 12080; y = 16 * 12080 = 193280 (0.7373; SiLU(1) = 0.7311). */
    int32_t x[4] = {0, 16, -128, 127}, y[4];
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_silu_quark(x, 4, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 0);
    assert_int_equal(y[1], 193280);
    assert_true(out.scale == 1.0 / 16 / 16384);
    assert_true(fabs(y[2] * out.scale - (-8.0 / (1.0 + exp(8.0)))) < 0.01);
    assert_true(fabs(y[3] * out.scale - 127.0 / 16) < 0.05);
    asim_nl_op_t op = {ASIM_NL_IBERT, ASIM_NL_SILU, 0};
    asim_error_t err;
    assert_int_equal(asim_nl_run(&op, x, NULL, 4, &in8, NULL, y, &out, &err), ASIM_EUNSUPPORTED);
}

/* RMSNorm = DivFree-LayerNorm with mean 0: equal to LayerNorm on a zero-mean row; equal
 * nonzero codes give about 1 (LayerNorm gives 0); an all-zero row gives zeros. */
static void test_rmsnorm_hand_values(void **state)
{
    (void)state;
    int32_t sym[4] = {-16, 16, -48, 48}, rms[4], ln[4];
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_rmsnorm_quark(sym, 4, &in8, rms, &out), ASIM_OK);
    assert_int_equal(asim_nl_layernorm_quark(sym, 4, &in8, ln, &out), ASIM_OK);
    assert_memory_equal(rms, ln, sizeof rms);
    /* [16, 16]: y = 2^18, S2 = 2^23; ln S2 = 9.0081 * 0.6875 -> 101467, ln 2 -> 11355,
     * ln sigma = 45056; ln y = 45147; exp(91): t = 131, q_I = 1, f = -16253,
     * h = -2785 + 10890 = 8105, p = -8040 + 16384 = 8344, << 1 = 16688 (1.0186). */
    int32_t eq[2] = {16, 16}, y[2];
    assert_int_equal(asim_nl_rmsnorm_quark(eq, 2, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 16688);
    assert_int_equal(y[1], 16688);
    assert_true(out.scale == 1.0 / 16384);
    int32_t zero[3] = {0, 0, 0}, z[3] = {1, 1, 1};
    assert_int_equal(asim_nl_rmsnorm_quark(zero, 3, &in8, z, &out), ASIM_OK);
    assert_true(z[0] == 0 && z[1] == 0 && z[2] == 0);
}

/* DivFree-LayerNorm: [-1, 1], equal codes, one element. */
static void test_layernorm_hand_values(void **state)
{
    (void)state;
    int32_t y[8];
    asim_nl_fmt_t out;
    /* [-1, 1]: mean 0, y = +-16384, S2 = 32768, ln S2 = ln 2 = 11355: ln sigma = 0;
     * out = +-exp(ln 1.0 = 91): t = 131, q_I = 1, f = -16253, h = 8105, p = 8344, << 1 = 16688. */
    int32_t pm[2] = {-1, 1};
    assert_int_equal(asim_nl_layernorm_quark(pm, 2, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], -16688);
    assert_int_equal(y[1], 16688);
    assert_true(out.scale == 1.0 / 16384);
    /* Zero variance: the exact mean makes every y_i = 0, whatever the code and length. */
    int32_t eq[8] = {-128, -128, -128, -128, -128, -128, -128, -128};
    assert_int_equal(asim_nl_layernorm_quark(eq, 8, &in8, y, &out), ASIM_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(y[i], 0);
    int32_t big[3] = {127, 127, 127};
    assert_int_equal(asim_nl_layernorm_quark(big, 3, &in8, y, &out), ASIM_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(y[i], 0);
    int32_t one[1] = {93};
    assert_int_equal(asim_nl_layernorm_quark(one, 1, &in8, y, &out), ASIM_OK);
    assert_int_equal(y[0], 0);
}

/* [I] decision: x log2 e ~= x + (x>>1) - (x>>4). Over [-8, 0] the "-" form stays within the
 * polynomial's own error; the "+" form (1.5625) is 3x worse. */
static void test_exp_shift_sign_decision(void **state)
{
    (void)state;
    double minus = 0, plus = 0;
    for (int64_t x = -8 * 16384; x <= 0; x++) {
        double ref = exp(x / 16384.0);
        int64_t half = asim_fx_asr(x, 1), sixteenth = asim_fx_asr(x, 4);
        minus = fmax(minus, fabs(asim_nl_quark_exp2(x + half - sixteenth) / 16384.0 - ref));
        plus = fmax(plus, fabs(asim_nl_quark_exp2(x + half + sixteenth) / 16384.0 - ref));
    }
    assert_true(minus < 0.0080);
    assert_true(plus > 0.025);
    assert_true(fabs(minus - 0.00792) < 0.0001); /* the figure in docs/nonlinear.md */
}

/* [I] decision: ln ~= L - (L>>2) - (L>>4). Over [1/16, 16) the "-" form errs < 0.03, the
 * "+" form (1.3125 L) by more than 1. */
static void test_ln_shift_sign_decision(void **state)
{
    (void)state;
    double minus = 0, plus = 0;
    for (uint64_t v = 1024; v < (UINT64_C(1) << 18); v++) {
        double ref = log(v / 16384.0);
        int64_t l = asim_nl_quark_log2(v, 14);
        minus = fmax(minus, fabs(asim_nl_quark_ln(v, 14) / 16384.0 - ref));
        plus = fmax(plus, fabs((l + asim_fx_asr(l, 2) + asim_fx_asr(l, 4)) / 16384.0 - ref));
    }
    assert_true(minus < 0.03);
    assert_true(plus > 1.0);
}

/* [I] decision: the LayerNorm mean by a per-N reciprocal, not by the log divider. On a row
 * with a large offset and a small spread, the log-divider mean (exp(ln sum - ln N)) is off by
 * several codes, which inflates sigma; the kernel stays within 0.05. */
static void test_layernorm_mean_decision(void **state)
{
    (void)state;
    int32_t x[16], y[16];
    double v[16], r[16];
    for (int i = 0; i < 16; i++) {
        x[i] = 100 + (i % 5) - 2;
        v[i] = x[i] / 16.0;
    }
    asim_nl_ref_layernorm(v, 16, r);
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_layernorm_quark(x, 16, &in8, y, &out), ASIM_OK);
    double err_kernel = 0;
    for (int i = 0; i < 16; i++)
        err_kernel = fmax(err_kernel, fabs(y[i] * out.scale - r[i]));
    assert_true(err_kernel < 0.05);
    int64_t sum = 0;
    for (int i = 0; i < 16; i++)
        sum += x[i];
    int64_t mean_log = asim_nl_quark_exp(asim_nl_quark_ln((uint64_t)sum, 0) -
                                         asim_nl_quark_ln(16, 0)); /* Q.14 codes */
    double mean_err = fabs(mean_log / 16384.0 - sum / 16.0);
    assert_true(mean_err > 2.0); /* codes; the row's own spread is +-2 */
}

/* Error bounds against the double reference (documented in docs/nonlinear.md). */
static void test_error_bounds(void **state)
{
    (void)state;
    static const struct {
        asim_nl_func_t func;
        double max_abs;
    } bound[] = {
        {ASIM_NL_SOFTMAX, 0.0125}, {ASIM_NL_GELU, 0.045}, {ASIM_NL_LAYERNORM, 0.030},
        {ASIM_NL_EXP, 0.0080},     {ASIM_NL_LN, 0.045},   {ASIM_NL_DIV, 0.080},
        {ASIM_NL_SILU, 0.045},     {ASIM_NL_RMSNORM, 0.032},
    };
    for (size_t k = 0; k < sizeof bound / sizeof bound[0]; k++)
        for (unsigned bits = 4; bits <= 8; bits += 2) {
            asim_nl_op_t op = {ASIM_NL_QUARK, bound[k].func, 8};
            asim_nl_err_t e;
            assert_int_equal(asim_nl_measure(&op, bits, &e), ASIM_OK);
            assert_true(e.count > 0);
            if (e.max_abs > bound[k].max_abs)
                fail_msg("%s at %u bits: max error %g > %g", asim_nl_func_name(bound[k].func),
                         bits, e.max_abs, bound[k].max_abs);
        }
}

/* A scale that is not a power of two goes through the dyadic multiplier. */
static void test_non_dyadic_scale(void **state)
{
    (void)state;
    asim_nl_fmt_t f = {8, true, 0.05};
    int32_t x[256], y[256];
    asim_nl_fmt_t out;
    for (int i = 0; i < 256; i++)
        x[i] = i - 128;
    assert_int_equal(asim_nl_exp_quark(x, 129, &f, y, &out), ASIM_OK); /* codes -128..0 */
    for (int i = 0; i < 129; i++)
        assert_true(fabs(y[i] * out.scale - exp(0.05 * x[i])) < 0.0080);
    assert_int_equal(asim_nl_gelu_quark(x, 256, &f, y, &out), ASIM_OK);
    for (int i = 0; i < 256; i++)
        assert_true(fabs(y[i] * out.scale - asim_nl_ref_gelu(0.05 * x[i])) < 0.045);
}

/* Inputs outside the contract are refused and nothing is written. */
static void test_bad_input(void **state)
{
    (void)state;
    int32_t x[2] = {128, 0}, y[2] = {7, 7};
    asim_nl_fmt_t out;
    assert_int_equal(asim_nl_softmax_quark(x, 2, &in8, 8, y, &out), ASIM_EARG);
    assert_int_equal(y[0], 7);
    int32_t ok[2] = {1, 2};
    assert_int_equal(asim_nl_softmax_quark(ok, 0, &in8, 8, y, &out), ASIM_EARG);
    assert_int_equal(asim_nl_softmax_quark(ok, 2, &in8, 17, y, &out), ASIM_EARG);
    asim_nl_fmt_t tiny = {8, true, 1e-6}, wide = {17, true, 1.0}, uns = {8, false, 1.0};
    assert_int_equal(asim_nl_gelu_quark(ok, 2, &tiny, y, &out), ASIM_EARG);
    assert_int_equal(asim_nl_gelu_quark(ok, 2, &wide, y, &out), ASIM_EARG);
    assert_int_equal(asim_nl_gelu_quark(ok, 2, &uns, y, &out), ASIM_EARG);
    int32_t neg[1] = {0};
    assert_int_equal(asim_nl_ln_quark(neg, 1, &in8, y, &out), ASIM_EARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_hand_values),
        cmocka_unit_test(test_ln_hand_values),
        cmocka_unit_test(test_div_hand_values),
        cmocka_unit_test(test_softmax_hand_values),
        cmocka_unit_test(test_gelu_hand_values),
        cmocka_unit_test(test_layernorm_hand_values),
        cmocka_unit_test(test_silu_hand_values),
        cmocka_unit_test(test_rmsnorm_hand_values),
        cmocka_unit_test(test_exp_shift_sign_decision),
        cmocka_unit_test(test_ln_shift_sign_decision),
        cmocka_unit_test(test_layernorm_mean_decision),
        cmocka_unit_test(test_error_bounds),
        cmocka_unit_test(test_non_dyadic_scale),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
