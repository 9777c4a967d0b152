/*
 * nl_kernels.h: bit-exact integer kernels for the nonlinear functions of a transformer
 * (softmax, GELU, LayerNorm, exp, ln, divide) in the published styles QUARK, I-BERT and
 * I-ViT, an exact floating-point reference for each, and one dispatch by (impl, func).
 *
 * Contract, shared by every kernel:
 * - Input: a row of n signed integer codes x[i] with a format (bits, scale): the real value
 *   is scale * x[i]. 2 <= bits <= asim_nl_max_in_bits(impl, func) (16, or 32 for I-BERT's
 *   softmax and GELU, which its reference feeds from INT32 accumulators, and for the EXACT
 *   reference), every code within [-2^(bits-1), 2^(bits-1) - 1],
 *   2^-14 <= scale <= 2^6, 1 <= n <= ASIM_NL_MAX_N. Otherwise the kernel returns ASIM_EARG
 *   and writes nothing.
 * - Output: n integer codes y[i] and their format in *out (bits, signedness, scale): the real
 *   value is out->scale * y[i].
 * - Every operation between input and output codes is an integer operation that Verilog
 *   reproduces: add, multiply, arithmetic shift, compare, and (I-BERT / I-ViT only, as in
 *   their papers) integer division. Rounding and saturation come from asim/fixed.h. The only
 *   floating point runs once per tensor scale, outside the datapath ("host side"): turning a
 *   scale into integer constants (asim_nl_dyadic_from, I-BERT's floor(b/S), ...), which the
 *   RTL receives as configuration registers.
 * - Deterministic: same input, same output, bit for bit. No state between calls.
 * The formats of every intermediate are in the .c files and in docs/nonlinear.md.
 */
#ifndef ASIM_NL_KERNELS_H
#define ASIM_NL_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asim/error.h"

#define ASIM_NL_MAX_N 65536u /* longest row (sums stay within their stated widths) */
#define ASIM_NL_QF 14        /* QUARK log/exp-domain fractional bits: Q.14 */
#define ASIM_NL_IN_BITS 16   /* widest input codes of most kernels */
#define ASIM_NL_ACC_BITS 32  /* widest input of I-BERT's softmax and GELU (INT32 accumulators) */
#define ASIM_NL_IVIT_PROB_BITS 17 /* widest softmax output of I-ViT (its reference emits 17) */

typedef enum { ASIM_NL_QUARK, ASIM_NL_IBERT, ASIM_NL_IVIT, ASIM_NL_EXACT, ASIM_NL_IMPL_COUNT } asim_nl_impl_t;
typedef enum {
    ASIM_NL_SOFTMAX,
    ASIM_NL_GELU,
    ASIM_NL_LAYERNORM,
    ASIM_NL_EXP,
    ASIM_NL_LN,
    ASIM_NL_DIV,
    ASIM_NL_SILU,
    ASIM_NL_RMSNORM,
    ASIM_NL_FUNC_COUNT
} asim_nl_func_t;

typedef struct {
    unsigned bits;  /* width of the codes */
    bool is_signed; /* two's complement codes if true, unsigned otherwise */
    double scale;   /* real value of code 1 */
} asim_nl_fmt_t;

/* A dyadic number m / 2^e with 2^30 <= m < 2^31 (I-BERT's requantization multiplier). */
typedef struct {
    int64_t m;
    unsigned e;
} asim_nl_dyadic_t;

/* Host side: m / 2^e nearest to r (m = round(frac(r) * 2^31), ties up); ASIM_EARG unless
 * 2^-31 <= r < 2^30. */
asim_status_t asim_nl_dyadic_from(double r, asim_nl_dyadic_t *d);
/* round(v * m / 2^e), ties toward +inf; |v| < 2^31. */
int64_t asim_nl_dyadic_apply(int64_t v, asim_nl_dyadic_t d);

/* ---- QUARK primitives (fixed-point formats in nl_quark.c) ---- */
/* 2^t for t in Q.14, result Q.14 (0 .. 2^30); t clamped to [-2^25, 16 * 2^14]. */
int64_t asim_nl_quark_exp2(int64_t t);
/* Appro-Exp: e^x for x in Q.14 (clamped to +-2^24), result Q.14 = exp2(x + (x>>1) - (x>>4)). */
int64_t asim_nl_quark_exp(int64_t x);
/* log2(v / 2^frac) in Q.14 from a leading-one detector and the mantissa polynomial;
 * v == 0 gives ASIM_NL_QUARK_LN_ZERO; frac <= 63. */
int64_t asim_nl_quark_log2(uint64_t v, unsigned frac);
/* Appro-LN: ln(v / 2^frac) in Q.14 = L - (L>>2) - (L>>4) with L = log2; v == 0 as above. */
int64_t asim_nl_quark_ln(uint64_t v, unsigned frac);
/* Log-divider: a / b in Q.14 = exp(ln a - ln b); b == 0 saturates (2^30), a == 0 gives 0. */
int64_t asim_nl_quark_div(uint64_t a, uint64_t b);
#define ASIM_NL_QUARK_LN_ZERO (-(INT64_C(64) << ASIM_NL_QF)) /* "ln 0" = -64.0 */

/* Widest input codes the (impl, func) kernel accepts: ASIM_NL_ACC_BITS for I-BERT's softmax
 * and GELU and for EXACT, ASIM_NL_IN_BITS otherwise. */
unsigned asim_nl_max_in_bits(asim_nl_impl_t impl, asim_nl_func_t func);
/* Widest softmax output of the style: ASIM_NL_IVIT_PROB_BITS for I-ViT and EXACT, 16
 * otherwise. */
unsigned asim_nl_max_prob_bits(asim_nl_impl_t impl);

/* ---- I-BERT / I-ViT primitives ---- */
/* I-BERT i-sqrt: floor(sqrt(v)) by Newton from 2^ceil(bits(v)/2) until it stops decreasing. */
uint64_t asim_nl_isqrt_ibert(uint64_t v);
/* I-ViT: k = 2^16, then 10 times k = floor((k + floor(v / k)) / 2); not always converged. */
uint64_t asim_nl_isqrt_ivit(uint64_t v);
/* The erf right shift i-GELU uses for this input format: keeps the erf within 16 bits
 * signed (I-BERT's fixed 14 assumes INT32 inputs; see docs/nonlinear.md). For inputs wider
 * than 16 bits the product x (erf + 1) is shifted right by bits - 16 to fit int32. */
unsigned asim_nl_gelu_ibert_shift(const asim_nl_fmt_t *in);
/* i-GELU with an explicit erf shift (0..31); asim_nl_gelu_ibert uses the one above. */
asim_status_t asim_nl_gelu_ibert_with_shift(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                            unsigned shift, int32_t *y, asim_nl_fmt_t *out);

/* ---- Kernels: one row each; see the contract above ---- */
/* Softmax; y unsigned, prob_bits wide (2..asim_nl_max_prob_bits(impl)). QUARK and EXACT: scale 2^-prob_bits, 1.0
 * saturates to 2^prob_bits - 1; I-BERT: same (saturation added); I-ViT: scale 2^-(prob_bits-1). */
asim_status_t asim_nl_softmax_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                    unsigned prob_bits, int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_softmax_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                    unsigned prob_bits, int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_softmax_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                   unsigned prob_bits, int32_t *y, asim_nl_fmt_t *out);
/* GELU, element-wise (I-ViT's ShiftGELU uses the row maximum, so the row matters there). */
asim_status_t asim_nl_gelu_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out);
/* SiLU x sigma(x), element-wise. QUARK only: x * Softmax([x, 0])_0 on the GELU path, same
 * output format as asim_nl_gelu_quark. */
asim_status_t asim_nl_silu_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out);
/* QUARK's ReLU MUX path: max(x, 0) in the same output format as asim_nl_gelu_quark. */
asim_status_t asim_nl_relu_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_gelu_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_gelu_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                int32_t *y, asim_nl_fmt_t *out);
/* LayerNorm without affine: (x - mean) / sqrt(var), var = mean((x - mean)^2), no epsilon;
 * a zero-variance row gives all zeros. */
asim_status_t asim_nl_layernorm_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                      int32_t *y, asim_nl_fmt_t *out);
/* RMSNorm without affine: x / sqrt(mean(x^2)), no epsilon; an all-zero row gives zeros.
 * QUARK only: DivFree-LayerNorm with the mean taken as 0, output as asim_nl_layernorm_quark. */
asim_status_t asim_nl_rmsnorm_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                    int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_layernorm_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                      int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_layernorm_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                     int32_t *y, asim_nl_fmt_t *out);
/* e^x element-wise. QUARK: any x (saturates at e^11.09); I-BERT, I-ViT: x <= 0 only (their
 * exp exists only after the row-max subtraction), ASIM_EARG otherwise. */
asim_status_t asim_nl_exp_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_exp_ibert(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                int32_t *y, asim_nl_fmt_t *out);
asim_status_t asim_nl_exp_ivit(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                               int32_t *y, asim_nl_fmt_t *out);
/* ln x element-wise, x > 0 (ASIM_EARG otherwise). QUARK only among the integer styles. */
asim_status_t asim_nl_ln_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                               int32_t *y, asim_nl_fmt_t *out);
/* a[i] / b[i] element-wise, b[i] != 0 (ASIM_EARG otherwise). QUARK only. */
asim_status_t asim_nl_div_quark(const int32_t *a, const int32_t *b, size_t n,
                                const asim_nl_fmt_t *in_a, const asim_nl_fmt_t *in_b,
                                int32_t *y, asim_nl_fmt_t *out);

/* ---- Exact floating-point references (double) ---- */
void asim_nl_ref_softmax(const double *x, size_t n, double *y);
double asim_nl_ref_gelu(double x); /* 0.5 x (1 + erf(x / sqrt 2)) */
void asim_nl_ref_layernorm(const double *x, size_t n, double *y);
double asim_nl_ref_silu(double x); /* x / (1 + e^-x) */
void asim_nl_ref_rmsnorm(const double *x, size_t n, double *y);
double asim_nl_ref_exp(double x);
double asim_nl_ref_ln(double x);
double asim_nl_ref_div(double a, double b);
/* r[i] = reference of func on the real inputs scale * x[i] (over scale_b * b[i] for DIV);
 * v is scratch for n doubles. */
void asim_nl_ref_codes(asim_nl_func_t func, const int32_t *x, const int32_t *b, size_t n,
                       double scale, double scale_b, double *v, double *r);

/* ---- Dispatch, so the simulator picks the style by configuration (nonlinear.impl) ---- */
typedef struct {
    asim_nl_impl_t impl;
    asim_nl_func_t func;
    unsigned prob_bits; /* softmax output width, 2..asim_nl_max_prob_bits(impl) */
} asim_nl_op_t;

/* Runs op on x (and b for ASIM_NL_DIV, with format in_b; NULL otherwise). EXACT rounds the
 * double reference to the softmax format above, or to scale 2^-16 (int32, saturated) for the
 * other functions. ASIM_EUNSUPPORTED for LN and DIV in the I-BERT and I-ViT styles (they
 * have no such kernel); every failure fills err. */
asim_status_t asim_nl_run(const asim_nl_op_t *op, const int32_t *x, const int32_t *b, size_t n,
                          const asim_nl_fmt_t *in, const asim_nl_fmt_t *in_b, int32_t *y,
                          asim_nl_fmt_t *out, asim_error_t *err);
/* "quark", "ibert", "ivit", "exact" and back; parse returns ASIM_EARG for other names. */
const char *asim_nl_impl_name(asim_nl_impl_t impl);
asim_status_t asim_nl_impl_parse(const char *name, asim_nl_impl_t *impl);
const char *asim_nl_func_name(asim_nl_func_t func);

/* ---- Accuracy against the reference (tools/nl_accuracy_table.c, tests) ---- */
typedef struct {
    double max_abs;  /* largest |kernel - reference| (relative error for ASIM_NL_DIV) */
    double mean_abs; /* mean of the same */
    size_t count;    /* outputs compared */
} asim_nl_err_t;

/* Error of op on `bits`-wide inputs at scale 2^(4 - bits) (the codes span [-8, 8)), against
 * the double reference of the same real inputs:
 *   EXP: every code <= 0; LN: every code > 0; DIV: every pair (a, b), a, b != 0 (relative error);
 *   GELU, SILU: every code, as one row (I-ViT's ShiftGELU uses the row max: the worst case);
 *   SOFTMAX: 200 seeded rows of uniform codes for each length 1, 2, 16, 64, 197;
 *   LAYERNORM, RMSNORM: 200 seeded rows of uniform codes for each length 16, 64, 192, 768, and as many
 *   "narrow" rows (codes in a window of 2^(bits-3) placed uniformly within the range).
 * Returns the kernel's status (ASIM_EUNSUPPORTED where the style has no such kernel). */
asim_status_t asim_nl_measure(const asim_nl_op_t *op, unsigned bits, asim_nl_err_t *e);

/* ---- QUARK additions for the shared unit (sim/quark/, rtl/quark/) ---- */
#define ASIM_NL_QUARK_X_LIM (INT64_C(1) << 24) /* Appro-Exp input clamp, Q.14 */
#define ASIM_NL_QUARK_GELU_K INT64_C(27886)    /* 1.702 in Q.14 (ReSoft-GELU) */
#define ASIM_NL_QUARK_TANH_K INT64_C(32768)    /* 2.0 in Q.14: tanh x = 2 sigmoid(2x) - 1 */
#define ASIM_NL_QUARK_SILU_K INT64_C(16384)    /* 1.0 in Q.14: SiLU x = x sigmoid(x) */
/* The unit's input requantizer: sat(dyadic_apply(code, d), +-ASIM_NL_QUARK_X_LIM), the Q.14
 * value of scale * code when d = asim_nl_dyadic_from(scale * 2^14); |code| < 2^17. */
int64_t asim_nl_quark_to_q14(int64_t code, asim_nl_dyadic_t d);
/* ReSoft sigmoid: Softmax([0, z])_0 in Q.14 with z = rnd(-k * xf >> 14), xf the Q.14 input
 * (|xf| <= 2^24, 0 < k <= 2^15): s = exp(-m) + exp(z - m), m = max(0, z), result
 * exp(-m - ln(s)). asim_nl_gelu_quark is x * this with k = ASIM_NL_QUARK_GELU_K. */
int64_t asim_nl_quark_sigmoid(int64_t xf, int64_t k);
/* Host side: LayerNorm's mean multiplier R_N = rnd(2^46 / n), 1 <= n <= ASIM_NL_MAX_N. */
int64_t asim_nl_quark_mean_recip(uint64_t n);
/* Host side: asim_nl_ln_quark's ln_scale = rnd(ln(scale) * 2^14). */
int64_t asim_nl_quark_ln_offset(double scale);
/* tanh through the GELU path: 2 * sigmoid(2x) - 1, output Q.14 (16 bits signed, scale
 * 2^-14). Same input contract as the other kernels. */
asim_status_t asim_nl_tanh_quark(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                 int32_t *y, asim_nl_fmt_t *out);

#endif
