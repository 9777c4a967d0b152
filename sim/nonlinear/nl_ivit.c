/*
 * nl_ivit.c: I-ViT's shift-based kernels (Li & Gu, ICCV 2023), bit-exact, following
 * zkkli/I-ViT models/quantization_utils/quant_modules.py: Shiftmax (n = 15), ShiftGELU
 * (n = 23, sigmoid on 8 bits) and I-LayerNorm (10 Newton steps from 2^16). The reference's
 * r/2 is real-valued; floor((r/2 - x0) 2^k) is computed exactly as floor((r - 2 x0) 2^(k-1)).
 * Its torch.round (ties to even) of the mean becomes round-half-up here.
 */
#include <math.h>

#include "nonlinear/nl_internal.h"

#define SOFTMAX_N 15
#define GELU_N 23
#define GELU_SIG_BITS 8
#define SUM_MAX ((INT64_C(1) << 31) - 1)

/* v * 2^s saturated to cap (v > 0, cap < 2^62). */
static int64_t shl_sat(int64_t v, int64_t s, int64_t cap)
{
    if (s > 62 || asim_fx_lod((uint64_t)v) + s > 61)
        return cap;
    int64_t r = asim_fx_shl(v, (unsigned)s);
    return r > cap ? cap : r;
}

/*
 * ShiftExp of x (codes at scale S), x0 = floor(-1 / S) (host side). t = x + (x>>1) - (x>>4)
 * (~ x log2 e); t = max(t, n x0); q = floor(t / x0) (<= n); r = t - x0 q in (x0, 0];
 * exp = floor((r/2 - x0) 2^(n - q)) = floor((r - 2 x0) 2^(n - q - 1)), saturated to cap
 * (reached only for x > 0, q < 0). Scale S / 2^n (-x0 S ~= 1 stands for 2^0).
 */
static int64_t ivit_shift_exp(int64_t x, int64_t x0, int n, int64_t cap)
{
    int64_t t = x + asim_fx_asr(x, 1) - asim_fx_asr(x, 4);
    if (t < n * x0)
        t = n * x0;
    int64_t q = asim_fx_div_floor(-t, -x0);
    int64_t r = t - x0 * q;
    int64_t e2 = r - 2 * x0;
    int64_t s = n - q - 1;
    return s < 0 ? asim_fx_asr(e2, 1) : shl_sat(e2, s, cap);
}

static int64_t ivit_x0(double scale)
{
    return (int64_t)floor(-1.0 / scale);
}

/*
 * Shiftmax: exp_i = ShiftExp(x_i - x_max) (n = 15, <= 2^30); s = min(sum exp_i, 2^31 - 1);
 * factor = floor((2^31 - 1) / s); y_i = floor(exp_i factor / 2^(32 - prob_bits)), in
 * [0, 2^(prob_bits-1) - 1], scale 2^-(prob_bits - 1).
 */
asim_status_t asim_nl_softmax_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                   unsigned prob_bits, int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) ||
        asim_nl_check_prob_bits(ASIM_NL_IVIT, prob_bits) || !y || !out)
        return ASIM_EARG;
    int64_t x0 = ivit_x0(in->scale);
    int32_t x_max = asim_nl_row_max(x, n);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        y[i] = (int32_t)ivit_shift_exp((int64_t)x[i] - x_max, x0, SOFTMAX_N, SUM_MAX);
        sum += y[i];
    }
    int64_t factor = SUM_MAX / (sum < SUM_MAX ? sum : SUM_MAX);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)asim_fx_asr(y[i] * factor, 32 - prob_bits);
    asim_nl_set_fmt(out, prob_bits, false, ldexp(1.0, 1 - (int)prob_bits));
    return ASIM_OK;
}

/* exp(scale * x), x <= 0: ShiftExp with n = 15, scale S / 2^15. */
asim_status_t asim_nl_exp_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                               int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0)
            return ASIM_EARG;
    int64_t x0 = ivit_x0(in->scale);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)ivit_shift_exp(x[i], x0, SOFTMAX_N, SUM_MAX);
    asim_nl_set_fmt(out, 31, false, ldexp(in->scale, -SOFTMAX_N));
    return ASIM_OK;
}

/*
 * ShiftGELU: sigmoid(1.702 x) = e^(x - x_max) / (e^(x - x_max) + e^(-x_max)) at scale
 * 1.702 S (x0 = floor(-1 / (1.702 S))), n = 23. exp_i = ShiftExp(x_i - x_max) (<= 2^38),
 * e_m = ShiftExp(-x_max) saturated to 2^31 - 1 (the sum saturates there anyway);
 * s = min(exp_i + e_m, 2^31 - 1); factor = floor((2^31 - 1) / s); sig_i = floor(exp_i factor /
 * 2^24) (scale 2^-7, <= 127 unless s saturated); y_i = x_i sig_i, scale S / 2^7.
 */
asim_status_t asim_nl_gelu_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    int64_t x0 = ivit_x0(in->scale * 1.702);
    int32_t x_max = asim_nl_row_max(x, n);
    int64_t e_m = ivit_shift_exp(-(int64_t)x_max, x0, GELU_N, SUM_MAX);
    for (size_t i = 0; i < n; i++) {
        int64_t e = ivit_shift_exp((int64_t)x[i] - x_max, x0, GELU_N, SUM_MAX);
        int64_t s = e + e_m < SUM_MAX ? e + e_m : SUM_MAX;
        int64_t sig = asim_fx_asr(e * (SUM_MAX / s), 31 - GELU_SIG_BITS + 1);
        y[i] = (int32_t)asim_fx_sat(x[i] * sig, INT32_MIN, INT32_MAX);
    }
    asim_nl_set_fmt(out, in->bits + GELU_SIG_BITS, true, ldexp(in->scale, 1 - GELU_SIG_BITS));
    return ASIM_OK;
}

uint64_t asim_nl_isqrt_ivit(uint64_t v)
{
    uint64_t k = UINT64_C(1) << 16;
    for (int i = 0; i < 10; i++)
        k = (k + v / k) / 2;
    return k;
}

/*
 * I-LayerNorm: mean = rnd(sum / N); y_i = x_i - mean (18 bits signed); var = sum y_i^2
 * (51 bits); std = asim_nl_isqrt_ivit(var) (>= 64, never 0); factor = floor((2^31 - 1) / std);
 * out_i = floor(y_i factor / 2), scale sqrt(N) / 2^30.
 */
asim_status_t asim_nl_layernorm_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                     int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    int64_t mean = asim_nl_mean_round(x, n);
    uint64_t var = 0;
    for (size_t i = 0; i < n; i++)
        var += (uint64_t)(((int64_t)x[i] - mean) * ((int64_t)x[i] - mean));
    int64_t factor = SUM_MAX / (int64_t)asim_nl_isqrt_ivit(var);
    asim_nl_apply_factor(x, n, mean, factor, y);
    asim_nl_set_fmt(out, 32, true, sqrt((double)n) / ldexp(1.0, 30));
    return ASIM_OK;
}
