/*
 * nl_ibert.c: I-BERT's integer-only kernels (Kim et al., ICML 2021), bit-exact, following
 * kssteven418/I-BERT fairseq/quantization/utils/quant_modules.py (constants in
 * docs/nonlinear.md). Host-side constants (floor(b / S) and the like) are computed in double
 * exactly as the reference code does; the datapath is integer. Where the reference uses
 * torch.round (ties to even) this code rounds ties up (asim_fx_round_shr); the two differ only
 * on exact ties. Every floor() of the reference is an arithmetic shift or a floor division.
 */
#include <math.h>

#include "nonlinear/nl_internal.h"

#define EXP_A 0.35815147
#define EXP_B 0.96963238
#define EXP_X0 (-0.6931)
#define EXP_N 30
#define EXP16_MAX 32767 /* the exp is requantized to 16 bits, calibrated range [0, 1] */
#define GELU_K 1.4142
#define GELU_A (-0.2888)
#define GELU_B (-1.769)

/* I-BERT Algorithm i-sqrt: floor(sqrt(v)) by Newton from 2^ceil(bits(v)/2), stopping when
 * the iterate stops decreasing. */
uint64_t asim_nl_isqrt_ibert(uint64_t v)
{
    if (v == 0)
        return 0;
    unsigned bits = (unsigned)asim_fx_lod(v) + 1;
    uint64_t x = UINT64_C(1) << ((bits + 1) / 2);
    for (;;) {
        uint64_t next = (x + v / x) / 2;
        if (next >= x)
            return x;
        x = next;
    }
}

/*
 * i-exp of d <= 0 (codes at scale S), requantized to 16 bits (scale 1/32767). Host side:
 * x0 = floor(-0.6931 / S), b = floor((B/A) / S), c = floor((1/A) / S^2), and the dyadic m / 2^e
 * of A S^2 * 32767 (the 2^-30 of the exp scale is folded into the shift). Datapath:
 * d = max(d, 30 x0) (18 bits signed); q = d / x0 in 0..30; r = d - x0 q in (x0, 0];
 * z = r (r + b) + c (~ e^(r S) / (A S^2), <= 2^32); exp16 = sat(rnd(z m >> (e + q)), 0,
 * 32767), which equals the reference's round(floor(z 2^(30-q)) * m / 2^(e+30)).
 */
typedef struct {
    int64_t x0, b, c;
    asim_nl_dyadic_t req;
} ibert_exp_t;

static asim_status_t ibert_exp_init(double scale, ibert_exp_t *k)
{
    k->x0 = (int64_t)floor(EXP_X0 / scale);
    k->b = (int64_t)floor((EXP_B / EXP_A) / scale);
    k->c = (int64_t)floor((1.0 / EXP_A) / (scale * scale));
    return asim_nl_dyadic_from(EXP_A * scale * scale * EXP16_MAX, &k->req);
}

static int64_t ibert_exp16(const ibert_exp_t *k, int64_t d)
{
    if (d < EXP_N * k->x0)
        d = EXP_N * k->x0;
    int64_t q = d / k->x0; /* both <= 0: the quotient is >= 0 and truncation is floor */
    int64_t r = d - k->x0 * q;
    int64_t z = r * (r + k->b) + k->c;
    if (z < 0)
        z = 0;
    return asim_fx_sat(asim_fx_round_shr(z * k->req.m, k->req.e + (unsigned)q), 0, EXP16_MAX);
}

/*
 * Softmax: exp16_i of x_i - x_max; s = sum exp16_i (32 bits); factor = floor(2^32 / s)
 * (33 bits; s >= 1 whenever the row max maps to a nonzero exp, else all outputs are 0);
 * y_i = sat(floor(exp16_i factor / 2^(32 - prob_bits)), 0, 2^prob_bits - 1), scale
 * 2^-prob_bits. The saturation is ours: exp16_i = s dividing 2^32 would give 2^prob_bits.
 */
asim_status_t asim_nl_softmax_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                    unsigned prob_bits, int32_t *y, asim_nl_fmt_t *out)
{
    ibert_exp_t k;
    if (asim_nl_check_input(x, n, in, ASIM_NL_ACC_BITS) ||
        asim_nl_check_prob_bits(ASIM_NL_IBERT, prob_bits) || !y || !out ||
        ibert_exp_init(in->scale, &k))
        return ASIM_EARG;
    int32_t x_max = asim_nl_row_max(x, n);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        y[i] = (int32_t)ibert_exp16(&k, (int64_t)x[i] - x_max);
        sum += y[i];
    }
    int64_t factor = sum > 0 ? (INT64_C(1) << 32) / sum : INT64_C(1) << 32;
    int64_t top = asim_fx_max(prob_bits, false);
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)asim_fx_sat(asim_fx_asr(y[i] * factor, 32 - prob_bits), 0, top);
    asim_nl_set_fmt(out, prob_bits, false, ldexp(1.0, -(int)prob_bits));
    return ASIM_OK;
}

/* exp(scale * x), x <= 0: the 16-bit i-exp, scale 1/32767. */
asim_status_t asim_nl_exp_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                int32_t *y, asim_nl_fmt_t *out)
{
    ibert_exp_t k;
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out || ibert_exp_init(in->scale, &k))
        return ASIM_EARG;
    for (size_t i = 0; i < n; i++)
        if (x[i] > 0)
            return ASIM_EARG;
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)ibert_exp16(&k, x[i]);
    asim_nl_set_fmt(out, 16, false, 1.0 / EXP16_MAX);
    return ASIM_OK;
}

unsigned asim_nl_gelu_ibert_shift(const asim_nl_fmt_t *in)
{
    double se = in->scale / GELU_K;
    int64_t c = (int64_t)floor((1.0 / GELU_A) / (se * se));
    int width = asim_fx_lod((uint64_t)(-c)) + 1;
    return width > 15 ? (unsigned)(width - 15) : 0;
}

/*
 * i-GELU with erf shift `shift`. Host side: S_e = S / 1.4142, b = floor(-1.769 / S_e),
 * c = floor((1 / -0.2888) / S_e^2) (negative), the erf scale S_erf = -0.2888 S_e^2 2^shift
 * and one = floor(1 / S_erf) (negative). Datapath: a = min(|x|, -b); e = sign(x) ((a + b)^2
 * + c) (|e| <= |c|); e = e >> shift (floor); y = -(x (e + one)) >> w (floor; w = bits - 16
 * for inputs wider than 16 bits, else 0, so that a 16-bit erf times an INT32 accumulator
 * fits the int32 output), saturated to int32. Output scale -S S_erf 2^w / 2 (positive; the
 * reference keeps both signs negative instead, and computes the product in float).
 */
asim_status_t asim_nl_gelu_ibert_with_shift(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                            unsigned shift, int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_ACC_BITS) || !y || !out || shift > 31)
        return ASIM_EARG;
    double se = in->scale / GELU_K;
    int64_t b = (int64_t)floor(GELU_B / se);
    int64_t c = (int64_t)floor((1.0 / GELU_A) / (se * se));
    double s_erf = GELU_A * se * se * ldexp(1.0, (int)shift);
    int64_t one = (int64_t)floor(1.0 / s_erf);
    unsigned w = in->bits > ASIM_NL_IN_BITS ? in->bits - ASIM_NL_IN_BITS : 0;
    for (size_t i = 0; i < n; i++) {
        int64_t a = x[i] < 0 ? -(int64_t)x[i] : x[i];
        if (a > -b)
            a = -b;
        int64_t e = (a + b) * (a + b) + c;
        e = x[i] < 0 ? -e : x[i] > 0 ? e : 0;
        e = asim_fx_asr(e, shift);
        y[i] = (int32_t)asim_fx_sat(asim_fx_asr(-(x[i] * (e + one)), w), INT32_MIN, INT32_MAX);
    }
    asim_nl_set_fmt(out, 32, true, -ldexp(in->scale * s_erf, (int)w) / 2.0);
    return ASIM_OK;
}

/* i-GELU with the shift that keeps the erf within 16 bits signed (asim_nl_gelu_ibert_shift). */
asim_status_t asim_nl_gelu_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out)
{
    if (!in)
        return ASIM_EARG;
    return asim_nl_gelu_ibert_with_shift(x, n, in, asim_nl_gelu_ibert_shift(in), y, out);
}

/*
 * Integer LayerNorm: mean = rnd(sum / N) (floor((2 sum + N) / 2N)); y_i = x_i - mean
 * (18 bits signed); the smallest s >= 0 with var = sum (y_i >> s)^2 < 2^32; std =
 * i-sqrt(var) << s; factor = floor(2^31 / std) (2^31 when std = 0, where every y_i = 0);
 * out_i = sat32(floor(y_i factor / 2)), scale sqrt(N) / 2^30.
 */
asim_status_t asim_nl_layernorm_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                      int32_t *y, asim_nl_fmt_t *out)
{
    if (asim_nl_check_input(x, n, in, ASIM_NL_IN_BITS) || !y || !out)
        return ASIM_EARG;
    int64_t mean = asim_nl_mean_round(x, n);
    unsigned s = 0;
    uint64_t var;
    for (;; s++) {
        var = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t v = asim_fx_asr((int64_t)x[i] - mean, s);
            var += (uint64_t)(v * v);
        }
        if (var < (UINT64_C(1) << 32))
            break;
    }
    int64_t std = (int64_t)asim_nl_isqrt_ibert(var) << s;
    int64_t factor = std > 0 ? (INT64_C(1) << 31) / std : INT64_C(1) << 31;
    asim_nl_apply_factor(x, n, mean, factor, y);
    asim_nl_set_fmt(out, 32, true, sqrt((double)n) / ldexp(1.0, 30));
    return ASIM_OK;
}
