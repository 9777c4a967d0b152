/*
 * nl_quark.c: QUARK's shared nonlinear circuit (Zhao et al., ICCAD 2025), bit-exact.
 *
 * One number format runs through the log/exp domain: Q.14, a signed two's complement
 * integer v meaning v / 2^14 (ASIM_NL_QF). Every coefficient is rounded to Q.14 (nearest):
 *   2^f   ~= 0.1713 f^2 + 0.6647 f + 1         -> 2807, 10890, 16384
 *   log2(q) ~= -0.3369 q^2 + 1.995 q - 1.65     -> -5520, 32686, -27034 (q in [1, 2))
 *   GELU multiplier 1.702                       -> 27886 (1.70203)
 * Products run in at most 40 bits, so every intermediate below fits int64 with margin; the
 * widths given are the RTL's. "rnd" is round-half-up (asim_fx_round_shr), ">>" arithmetic.
 * Two signs that QUARK's figure leaves open are decided here by measurement (tests in
 * tests/unit/test_nl_quark.c, numbers in docs/nonlinear.md): x*log2(e) ~= x + (x>>1) - (x>>4)
 * (1.4375) and ln v ~= L - (L>>2) - (L>>4) (0.6875 L, L = log2 v).
 */
#include <math.h>

#include "nonlinear/nl_internal.h"

#define QF ASIM_NL_QF
#define ONE (INT64_C(1) << QF)
#define EXP_C2 INT64_C(2807)
#define EXP_C1 INT64_C(10890)
#define LOG_A2 INT64_C(-5520)
#define LOG_A1 INT64_C(32686)
#define LOG_A0 INT64_C(-27034)
#define GELU_K INT64_C(27886)
#define X_LIM (INT64_C(1) << 24) /* Appro-Exp input clamp: |x| <= 1024.0 (26-bit input) */

/*
 * 2^t. t: Q.14, clamped to [-2^25, 16.0] (27 bits signed). q_I = ceil(t) (12 bits signed,
 * <= 16), f = t - q_I in (-1, 0] (Q.14, 15 bits signed). Horner with two multipliers:
 * h = rnd(C2 f >> 14) + C1 (Q.14, 15 bits unsigned), p = rnd(h f >> 14) + 1.0 (Q.14, in
 * [0.5066, 1.0], 15 bits unsigned). Result p << q_I for q_I >= 0 (at most 2^30: 2^t
 * saturates at t = 16), rnd(p >> -q_I) otherwise (shift count clamped to 62, giving 0).
 */
int64_t asim_nl_quark_exp2(int64_t t)
{
    t = asim_fx_sat(t, -(INT64_C(1) << 25), INT64_C(16) << QF);
    int64_t q_i = -asim_fx_asr(-t, QF);
    int64_t f = t - asim_fx_shl(q_i, QF);
    int64_t h = asim_fx_round_shr(EXP_C2 * f, QF) + EXP_C1;
    int64_t p = asim_fx_round_shr(h * f, QF) + ONE;
    return q_i >= 0 ? asim_fx_shl(p, (unsigned)q_i) : asim_fx_round_shr(p, (unsigned)-q_i);
}

/* e^x = 2^(x log2 e), x: Q.14 clamped to +-2^24; t = x + (x>>1) - (x>>4) (Q.14, 27 bits). */
int64_t asim_nl_quark_exp(int64_t x)
{
    x = asim_fx_sat(x, -X_LIM, X_LIM);
    return asim_nl_quark_exp2(x + asim_fx_asr(x, 1) - asim_fx_asr(x, 4));
}

/*
 * log2(v / 2^frac). Leading-one detector: q_M = lod(v) in 0..63. Mantissa q_N = v / 2^q_M in
 * [1, 2) as Q.14 (15 bits unsigned): v >> (q_M - 14), truncating, or v << (14 - q_M).
 * h = rnd(A2 q_N >> 14) + A1 (Q.14, 16 bits unsigned), g = rnd(h q_N >> 14) + A0 (Q.14,
 * in [0.0081, 0.9924]). Result (q_M - frac) * 2^14 + g (Q.14, 22 bits signed).
 */
int64_t asim_nl_quark_log2(uint64_t v, unsigned frac)
{
    if (v == 0)
        return ASIM_NL_QUARK_LN_ZERO;
    int q_m = asim_fx_lod(v);
    int64_t q_n = (int64_t)(q_m >= QF ? v >> (q_m - QF) : v << (QF - q_m));
    int64_t h = asim_fx_round_shr(LOG_A2 * q_n, QF) + LOG_A1;
    int64_t g = asim_fx_round_shr(h * q_n, QF) + LOG_A0;
    return asim_fx_shl((int64_t)q_m - (int64_t)frac, QF) + g;
}

/* ln = L - (L>>2) - (L>>4), L = log2 (Q.14, 22 bits signed); v == 0 passes "ln 0" through. */
int64_t asim_nl_quark_ln(uint64_t v, unsigned frac)
{
    if (v == 0)
        return ASIM_NL_QUARK_LN_ZERO;
    int64_t l = asim_nl_quark_log2(v, frac);
    return l - asim_fx_asr(l, 2) - asim_fx_asr(l, 4);
}

int64_t asim_nl_quark_div(uint64_t a, uint64_t b)
{
    if (a == 0)
        return 0;
    return asim_nl_quark_exp(asim_nl_quark_ln(a, 0) - asim_nl_quark_ln(b, 0));
}

/* Q.14 value of scale * code through the dyadic multiplier, clamped to the Appro-Exp range. */
static int64_t to_q14(int64_t code, asim_nl_dyadic_t d)
{
    return asim_fx_sat(asim_nl_dyadic_apply(code, d), -X_LIM, X_LIM);
}

/* Host side: the multiplier for scale * 2^14 (scale in [2^-14, 2^6] gives 1 <= r <= 2^20). */
static asim_nl_dyadic_t q14_multiplier(double scale)
{
    asim_nl_dyadic_t d;
    asim_status_t st = asim_nl_dyadic_from(ldexp(scale, QF), &d);
    ASIM_ASSERT(st == ASIM_OK);
    return d;
}

/*
 * Softmax core: d_i = x_i - x_max (codes, 17 bits signed) -> Q.14 through the dyadic
 * multiplier; e_i = Appro-Exp(d_i) (Q.14, <= 1.0); s = sum e_i (Q.14, <= 2^30 for n <=
 * 2^16); y_i = Appro-Exp(d_i - Appro-LN(s)) (Q.14). Output rnd(y_i >> (14 - prob_bits)) (or
 * << for prob_bits > 14), saturated to [0, 2^prob_bits - 1], scale 2^-prob_bits.
 */
asim_status_t asim_nl_softmax_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                    unsigned prob_bits, int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) ||
        asim_nl_check_prob_bits(ASIM_NL_QUARK, prob_bits) || !y || !out)
        return ASIM_EARG;
    asim_nl_dyadic_t d = q14_multiplier(in->scale);
    int32_t x_max = asim_nl_row_max(x, n);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += asim_nl_quark_exp(to_q14((int64_t)x[i] - x_max, d));
    int64_t ln_sum = asim_nl_quark_ln((uint64_t)sum, QF);
    int64_t top = asim_fx_max(prob_bits, false);
    for (size_t i = 0; i < n; i++) {
        int64_t p = asim_nl_quark_exp(to_q14((int64_t)x[i] - x_max, d) - ln_sum);
        p = prob_bits <= QF ? asim_fx_round_shr(p, QF - prob_bits) : asim_fx_shl(p, prob_bits - QF);
        y[i] = (int32_t)asim_fx_sat(p, 0, top);
    }
    asim_nl_set_fmt(out, prob_bits, false, ldexp(1.0, -(int)prob_bits));
    return ASIM_OK;
}

/*
 * ReSoft-GELU and SiLU: x * Softmax([0, z])_0 with z = -k x, k = 1.702 (GELU) or 1.0 (SiLU:
 * x sigma(x) = x Softmax([x, 0])_0). x: Q.14 (dyadic, clamped); z = rnd(-k x >> 14) (Q.14,
 * 28 bits signed); the two-lane softmax core gives s = Appro-Exp(0 - m) + Appro-Exp(z - m),
 * m = max(0, z), and sigma = Appro-Exp(-m - Appro-LN(s)) (Q.14, <= 1.0)
 * (asim_nl_quark_sigmoid). Output code * sigma: scale in.scale * 2^-14, bits + 15 wide.
 */
static asim_status_t x_sigmoid(const int32_t *x, size_t n, const asim_nl_fmt_t *in, int64_t k,
                               int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    asim_nl_dyadic_t d = q14_multiplier(in->scale);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)(x[i] * asim_nl_quark_sigmoid(to_q14(x[i], d), k));
    asim_nl_set_fmt(out, in->bits + QF + 1, true, ldexp(in->scale, -QF));
    return ASIM_OK;
}

asim_status_t asim_nl_gelu_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out)
{
    return x_sigmoid(x, n, in, GELU_K, y, out);
}

asim_status_t asim_nl_silu_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out)
{
    return x_sigmoid(x, n, in, ASIM_NL_QUARK_SILU_K, y, out);
}

asim_status_t asim_nl_relu_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)(x[i] > 0 ? asim_fx_shl(x[i], QF) : 0);
    asim_nl_set_fmt(out, in->bits + QF + 1, true, ldexp(in->scale, -QF));
    return ASIM_OK;
}

/*
 * DivFree-LayerNorm, two passes over the row (codes: scale cancels out of the result), and
 * RMSNorm, the same with the mean taken as 0 (one statistics pass).
 * 1. mean = rnd(sum * R_N >> 32) in Q.14 codes, sum = sum x_i (32 bits signed), R_N =
 *    rnd(2^46 / N) a per-N constant (47 bits): exact to rnd for every row, so equal codes
 *    give y = 0 exactly (the log divider's mean is off by up to 5%, see docs/nonlinear.md).
 * 2. y_i = x_i * 2^14 - mean (Q.14, 31 bits signed); S2 = sum rnd(y_i^2 >> 14) (Q.14,
 *    63 bits unsigned).
 * 3. ln sigma = (Appro-LN(S2) - Appro-LN(N)) >> 1: var = S2 / N through ln N, sqrt in the
 *    log domain (exp(0.5 ln v) would be fed straight back to ln, so the pair is elided).
 * 4. out_i = sign(y_i) * Appro-Exp(Appro-LN(|y_i|) - ln sigma) (Q.14), 0 where y_i = 0.
 * Output scale 2^-14, signed, 32 bits (|out| <= sqrt(N) * 1.01 in practice).
 */
static void normalise(const int32_t *x, size_t n, int64_t mean, int32_t *y)
{
    uint64_t s2 = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t yi = asim_fx_shl(x[i], QF) - mean;
        s2 += (uint64_t)asim_fx_round_shr(yi * yi, QF);
    }
    int64_t ln_sigma = asim_fx_asr(asim_nl_quark_ln(s2, QF) - asim_nl_quark_ln(n, 0), 1);
    for (size_t i = 0; i < n; i++) {
        int64_t yi = asim_fx_shl(x[i], QF) - mean;
        int64_t mag = yi == 0 ? 0
                              : asim_nl_quark_exp(asim_nl_quark_ln((uint64_t)(yi < 0 ? -yi : yi), QF) -
                                                  ln_sigma);
        y[i] = (int32_t)(yi < 0 ? -mag : mag);
    }
}

asim_status_t asim_nl_layernorm_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                      int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    normalise(x, n, asim_fx_round_shr(sum * asim_nl_quark_mean_recip(n), 32), y);
    asim_nl_set_fmt(out, 32, true, ldexp(1.0, -QF));
    return ASIM_OK;
}

asim_status_t asim_nl_rmsnorm_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                    int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    normalise(x, n, 0, y);
    asim_nl_set_fmt(out, 32, true, ldexp(1.0, -QF));
    return ASIM_OK;
}

/* e^(scale * code): Appro-Exp of the Q.14 input; output Q.14 (31 bits unsigned). */
asim_status_t asim_nl_exp_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    asim_nl_dyadic_t d = q14_multiplier(in->scale);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)asim_nl_quark_exp(to_q14(x[i], d));
    asim_nl_set_fmt(out, 31, false, ldexp(1.0, -QF));
    return ASIM_OK;
}

/* ln(scale * code) = Appro-LN(code) + ln_scale, ln_scale = rnd(ln(scale) * 2^14) a host-side
 * constant; output Q.14 (20 bits signed). */
asim_status_t asim_nl_ln_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                               int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    for (size_t i = 0; i < n; i++)
        if (x[i] <= 0)
            return ASIM_EARG;
    int64_t ln_scale = (int64_t)floor(log(in->scale) * (double)ONE + 0.5);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)(asim_nl_quark_ln((uint64_t)x[i], 0) + ln_scale);
    asim_nl_set_fmt(out, 20, true, ldexp(1.0, -QF));
    return ASIM_OK;
}

/* a / b = sign * Log-Divider(|a|, |b|); output Q.14 (32 bits signed), scale
 * (scale_a / scale_b) * 2^-14. */
asim_status_t asim_nl_div_quark(const int32_t *a, const int32_t *b, size_t n,
                                const asim_nl_fmt_t *in_a, const asim_nl_fmt_t *in_b,
                                int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(a, n, in_a, ASIM_NL_IN_BITS) || asim_nl_check_input(b, n, in_b, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    for (size_t i = 0; i < n; i++)
        if (b[i] == 0)
            return ASIM_EARG;
    for (size_t i = 0; i < n; i++) {
        uint64_t ma = (uint64_t)(a[i] < 0 ? -(int64_t)a[i] : a[i]);
        uint64_t mb = (uint64_t)(b[i] < 0 ? -(int64_t)b[i] : b[i]);
        int64_t q = asim_nl_quark_div(ma, mb);
        y[i] = (int32_t)((a[i] < 0) != (b[i] < 0) ? -q : q);
    }
    asim_nl_set_fmt(out, 32, true, ldexp(in_a->scale / in_b->scale, -QF));
    return ASIM_OK;
}

/* ---- Additions for the shared unit (declared at the end of nl_kernels.h) ---- */

int64_t asim_nl_quark_to_q14(int64_t code, asim_nl_dyadic_t d)
{
    return to_q14(code, d);
}

int64_t asim_nl_quark_sigmoid(int64_t xf, int64_t k)
{
    int64_t z = asim_fx_round_shr(-k * xf, QF);
    int64_t m = z > 0 ? z : 0;
    int64_t s = asim_nl_quark_exp(-m) + asim_nl_quark_exp(z - m);
    return asim_nl_quark_exp(-m - asim_nl_quark_ln((uint64_t)s, QF));
}

int64_t asim_nl_quark_mean_recip(uint64_t n)
{
    return ((INT64_C(1) << 46) + (int64_t)(n / 2)) / (int64_t)n;
}

int64_t asim_nl_quark_ln_offset(double scale)
{
    return (int64_t)floor(log(scale) * (double)ONE + 0.5);
}

asim_status_t asim_nl_tanh_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    asim_nl_dyadic_t d = q14_multiplier(in->scale);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)(2 * asim_nl_quark_sigmoid(to_q14(x[i], d), ASIM_NL_QUARK_TANH_K) - ONE);
    asim_nl_set_fmt(out, 16, true, ldexp(1.0, -QF));
    return ASIM_OK;
}
