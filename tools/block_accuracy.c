/*
 * block_accuracy.c: end-to-end accuracy of the nonlinear styles inside one full transformer
 * block (docs/nonlinear-accuracy.md, "Whole blocks"). Usage: block_accuracy [SEED]
 *
 * For vit_tiny (197 tokens, dim 192, 3 heads, MLP 768; pre-LN: ln1, qkv, q k^T / sqrt(dh),
 * softmax, a v, proj, + residual, ln2, fc1, gelu, fc2, + residual) and bert_base (128 tokens,
 * dim 768, 12 heads, MLP 3072; post-LN: the same with ln1 after the first residual add and
 * ln2 after the second), the blocks of sim/model/builtin.c, one encoder block runs with
 * seeded random weights N(0, 1/fan_in), LayerNorm gains 1 + N(0, 0.1^2) and biases
 * N(0, 0.1^2), and inputs N(0, 1); a numerical-error study, not task accuracy:
 *   - reference: everything in double;
 *   - integer: every GEMM on 8-bit codes (symmetric, per tensor, weights and activations) with
 *     exact integer accumulation, dequantized after; each nonlinear op's input at the
 *     operating point (op_point_t: requantized to 8, 6 or 4 bits, or 16 bits, or the INT32
 *     accumulator itself) run through asim_nl_run in the style under test (quark, ibert,
 *     ivit, or exact = the double function rounded to the output format); softmax
 *     probabilities stay codes into the a v GEMM; LayerNorm's affine and the residual adds in
 *     double.
 * Reported per (model, style, operating point): SQNR = 10 log10(sum ref^2 / sum (out - ref)^2) in dB and
 * the cosine similarity of the block output against the reference. The "exact" rows isolate
 * the error of the 8-bit GEMMs and the input requantization; the gap to them is the style's.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nonlinear/nl_kernels.h"

typedef struct {
    const char *name;
    size_t t, d, heads, mlp;
    bool post_ln; /* LayerNorm after each residual add (BERT) instead of before each branch */
} block_shape_t;

typedef struct {
    double *wq, *wk, *wv, *wo, *w1, *w2; /* [in x out] row-major */
    double *g1, *b1, *g2, *b2;           /* LayerNorm affine */
} weights_t;

static uint64_t rng_state;

static double uniform(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

static double randn(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static double *alloc(size_t n)
{
    double *p = calloc(n, sizeof *p);
    if (!p) {
        fprintf(stderr, "block_accuracy: out of memory\n");
        exit(1);
    }
    return p;
}

static double *random_matrix(size_t n, double sd, double mean)
{
    double *p = alloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = mean + sd * randn();
    return p;
}

/* Symmetric per-tensor codes of `bits` bits: scale = max|x| / (2^(bits-1) - 1), clamped to
 * the kernels' [2^-14, 2^6]; returns the scale. */
static double quantize(const double *x, size_t n, unsigned bits, int32_t *q)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(x[i]));
    double top = ldexp(1.0, (int)bits - 1) - 1.0;
    double s = fmin(fmax(m / top, ldexp(1.0, -14)), ldexp(1.0, 6));
    for (size_t i = 0; i < n; i++)
        q[i] = (int32_t)fmax(-top - 1.0, fmin(top, floor(x[i] / s + 0.5)));
    return s;
}

/* c[m x n] = a[m x k] * b[k x n]; in the integer mode both operands as 8-bit codes (a may be
 * given as codes already: a_codes with scale a_scale), exact int64 sums, then dequantized.
 * Returns the scale of the integer accumulator (c = sum * scale exactly), 0 in double mode. */
static double gemm(bool integer, const double *a, const int32_t *a_codes, double a_scale,
                   const double *b, size_t m, size_t k, size_t n, double *c)
{
    if (!integer) {
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                double s = 0.0;
                for (size_t l = 0; l < k; l++)
                    s += a[i * k + l] * b[l * n + j];
                c[i * n + j] = s;
            }
        return 0.0;
    }
    int32_t *qa = malloc(m * k * sizeof *qa), *qb = malloc(k * n * sizeof *qb);
    int32_t *bt = malloc(k * n * sizeof *bt);
    if (!qa || !qb || !bt) {
        fprintf(stderr, "block_accuracy: out of memory\n");
        exit(1);
    }
    double sa = a_codes ? a_scale : quantize(a, m * k, 8, qa);
    if (a_codes)
        memcpy(qa, a_codes, m * k * sizeof *qa);
    double sb = quantize(b, k * n, 8, qb);
    for (size_t l = 0; l < k; l++)
        for (size_t j = 0; j < n; j++)
            bt[j * k + l] = qb[l * n + j];
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            int64_t s = 0;
            const int32_t *x = qa + i * k, *y = bt + j * k;
            for (size_t l = 0; l < k; l++)
                s += (int64_t)x[l] * y[l];
            c[i * n + j] = (double)s * sa * sb;
        }
    free(qa);
    free(qb);
    free(bt);
    return sa * sb;
}

/* The accumulator codes behind x (x = code * acc_scale, as gemm left them), shifted right
 * (rounding) only as far as the kernels' scale floor 2^-14 requires; the width is the
 * narrowest that holds them (<= 32). Returns the scale of the codes. */
static double accumulator_codes(const double *x, size_t n, double acc_scale, int32_t *q,
                                unsigned *bits)
{
    unsigned shift = 0;
    while (ldexp(acc_scale, (int)shift) < ldexp(1.0, -14))
        shift++;
    double s = ldexp(acc_scale, (int)shift), m = 0.0;
    for (size_t i = 0; i < n; i++) {
        q[i] = (int32_t)floor(x[i] / s + 0.5);
        m = fmax(m, fabs((double)q[i]));
    }
    *bits = 2;
    while (ldexp(1.0, (int)*bits - 1) - 1.0 < m)
        (*bits)++;
    return s;
}

/* Where each nonlinear op takes its input and what softmax emits: in_bits > 0 requantizes
 * the op's input to that many bits (symmetric per tensor), ACC feeds the GEMM's integer
 * accumulator itself (accumulator_codes). */
#define ACC 0u
typedef struct {
    const char *name;
    unsigned ln_bits, softmax_bits, gelu_bits; /* input width, or ACC */
    unsigned prob_bits;                        /* softmax output width */
} op_point_t;

/* One nonlinear op on `rows` rows of `cols`: double reference (impl < 0) or the integer
 * kernel of impl on `bits`-bit inputs (ACC: the accumulator at acc_scale), dequantized into
 * y. Softmax also returns its codes and their scale (for the a v GEMM). */
static void nonlinear(int impl, asim_nl_func_t func, unsigned bits, unsigned prob_bits,
                      double acc_scale, const double *x, size_t rows, size_t cols, double *y,
                      int32_t *codes_out, double *codes_scale)
{
    size_t n = rows * cols;
    if (impl < 0) {
        for (size_t r = 0; r < rows; r++) {
            if (func == ASIM_NL_GELU)
                for (size_t i = 0; i < cols; i++)
                    y[r * cols + i] = asim_nl_ref_gelu(x[r * cols + i]);
            else if (func == ASIM_NL_SOFTMAX)
                asim_nl_ref_softmax(x + r * cols, cols, y + r * cols);
            else
                asim_nl_ref_layernorm(x + r * cols, cols, y + r * cols);
        }
        return;
    }
    int32_t *q = malloc(n * sizeof *q), *o = malloc(n * sizeof *o);
    if (!q || !o) {
        fprintf(stderr, "block_accuracy: out of memory\n");
        exit(1);
    }
    asim_nl_fmt_t in = {bits, true, 0.0}, out = {0};
    in.scale = bits == ACC ? accumulator_codes(x, n, acc_scale, q, &in.bits)
                           : quantize(x, n, bits, q);
    asim_nl_op_t op = {(asim_nl_impl_t)impl, func, prob_bits};
    for (size_t r = 0; r < rows; r++) {
        asim_error_t err;
        if (asim_nl_run(&op, q + r * cols, NULL, cols, &in, NULL, o + r * cols, &out, &err)) {
            fprintf(stderr, "block_accuracy: %s\n", err.msg);
            exit(1);
        }
    }
    for (size_t i = 0; i < n; i++)
        y[i] = out.scale * o[i];
    if (codes_out) {
        memcpy(codes_out, o, n * sizeof *o);
        *codes_scale = out.scale;
    }
    free(q);
    free(o);
}

static void layernorm_affine(int impl, unsigned bits, const double *x, const block_shape_t *s,
                             const double *g, const double *b, double *y)
{
    nonlinear(impl, ASIM_NL_LAYERNORM, bits, 0, 0.0, x, s->t, s->d, y, NULL, NULL);
    for (size_t r = 0; r < s->t; r++)
        for (size_t i = 0; i < s->d; i++)
            y[r * s->d + i] = y[r * s->d + i] * g[i] + b[i];
}

/* The block on x (t x d) into out; impl < 0: all double; else integer GEMMs and impl's
 * nonlinear kernels at the operating point p. */
static void run_block(const block_shape_t *s, const weights_t *w, int impl, const op_point_t *p,
                      const double *x, double *out)
{
    size_t t = s->t, d = s->d, h = s->heads, dh = d / h, f = s->mlp;
    bool integer = impl >= 0;
    double *ln = alloc(t * d), *q = alloc(t * d), *k = alloc(t * d), *v = alloc(t * d);
    double *att = alloc(t * d), *x1 = alloc(t * d), *hid = alloc(t * f), *act = alloc(t * f);
    double *qh = alloc(t * dh), *kt = alloc(dh * t), *vh = alloc(t * dh), *sc = alloc(t * t);
    double *pr = alloc(t * t), *oh = alloc(t * dh);
    int32_t *pc = malloc(t * t * sizeof *pc);
    if (!pc)
        exit(1);
    const double *a_in = x, *m_in = x1;
    if (!s->post_ln) {
        layernorm_affine(impl, p->ln_bits, x, s, w->g1, w->b1, ln);
        a_in = ln;
    }
    gemm(integer, a_in, NULL, 0, w->wq, t, d, d, q);
    gemm(integer, a_in, NULL, 0, w->wk, t, d, d, k);
    gemm(integer, a_in, NULL, 0, w->wv, t, d, d, v);
    for (size_t hd = 0; hd < h; hd++) {
        for (size_t i = 0; i < t; i++)
            for (size_t j = 0; j < dh; j++) {
                qh[i * dh + j] = q[i * d + hd * dh + j];
                kt[j * t + i] = k[i * d + hd * dh + j];
                vh[i * dh + j] = v[i * d + hd * dh + j];
            }
        double acc = gemm(integer, qh, NULL, 0, kt, t, dh, t, sc) / sqrt((double)dh);
        for (size_t i = 0; i < t * t; i++)
            sc[i] /= sqrt((double)dh);
        double ps = 0.0;
        nonlinear(impl, ASIM_NL_SOFTMAX, p->softmax_bits, p->prob_bits, acc, sc, t, t, pr,
                  integer ? pc : NULL, &ps);
        gemm(integer, pr, integer ? pc : NULL, ps, vh, t, t, dh, oh);
        for (size_t i = 0; i < t; i++)
            for (size_t j = 0; j < dh; j++)
                att[i * d + hd * dh + j] = oh[i * dh + j];
    }
    gemm(integer, att, NULL, 0, w->wo, t, d, d, x1);
    for (size_t i = 0; i < t * d; i++)
        x1[i] += x[i];
    if (s->post_ln) {
        layernorm_affine(impl, p->ln_bits, x1, s, w->g1, w->b1, ln);
        memcpy(x1, ln, t * d * sizeof *x1);
    } else {
        layernorm_affine(impl, p->ln_bits, x1, s, w->g2, w->b2, ln);
        m_in = ln;
    }
    double acc = gemm(integer, m_in, NULL, 0, w->w1, t, d, f, hid);
    nonlinear(impl, ASIM_NL_GELU, p->gelu_bits, 0, acc, hid, t, f, act, NULL, NULL);
    gemm(integer, act, NULL, 0, w->w2, t, f, d, out);
    for (size_t i = 0; i < t * d; i++)
        out[i] += x1[i];
    if (s->post_ln) {
        layernorm_affine(impl, p->ln_bits, out, s, w->g2, w->b2, ln);
        memcpy(out, ln, t * d * sizeof *out);
    }
    double *bufs[] = {ln, q, k, v, att, x1, hid, act, qh, kt, vh, sc, pr, oh};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        free(bufs[i]);
    free(pc);
}

/* SQNR (dB) and cosine of out against ref. */
static void compare(const double *ref, const double *out, size_t n, double *sqnr, double *cos)
{
    double sig = 0.0, noise = 0.0, dot = 0.0, oo = 0.0;
    for (size_t j = 0; j < n; j++) {
        sig += ref[j] * ref[j];
        noise += (out[j] - ref[j]) * (out[j] - ref[j]);
        dot += ref[j] * out[j];
        oo += out[j] * out[j];
    }
    *sqnr = 10.0 * log10(sig / noise);
    *cos = dot / sqrt(sig * oo);
}

static const block_shape_t shapes[] = {{"vit_tiny", 197, 192, 3, 768, false},
                                       {"bert_base", 128, 768, 12, 3072, true}};
static const int impls[] = {ASIM_NL_EXACT, ASIM_NL_QUARK, ASIM_NL_IBERT, ASIM_NL_IVIT};
/* Our uniform widths: every nonlinear input at 8, 6, 4 bits, 8-bit probabilities. */
static const op_point_t uniform_widths[] = {{"8b", 8, 8, 8, 8}, {"6b", 6, 6, 6, 8}, {"4b", 4, 4, 4, 8}};
/* Each style's reference operating point, indexed like impls (QUARK's paper runs W8A8). */
static const op_point_t reference[] = {
    {"-", 0, 0, 0, 0},
    {"all inputs 8 bits, 8-bit probabilities", 8, 8, 8, 8},
    {"LayerNorm from 16 bits, softmax and GELU from the INT32 accumulators, 8-bit probabilities",
     16, ACC, ACC, 8},
    {"LayerNorm from 16 bits, softmax and GELU from 8 bits, 17-bit probabilities", 16, 8, 8, 17},
};

/* Seeded weights and input of shape s. */
static void make_block(const block_shape_t *s, weights_t *w, double **x)
{
    size_t d = s->d, f = s->mlp;
    double sd = 1.0 / sqrt((double)d);
    *w = (weights_t){
        random_matrix(d * d, sd, 0), random_matrix(d * d, sd, 0), random_matrix(d * d, sd, 0),
        random_matrix(d * d, sd, 0), random_matrix(d * f, sd, 0),
        random_matrix(f * d, 1.0 / sqrt((double)f), 0), random_matrix(d, 0.1, 1.0),
        random_matrix(d, 0.1, 0.0), random_matrix(d, 0.1, 1.0), random_matrix(d, 0.1, 0.0),
    };
    *x = random_matrix(s->t * d, 1.0, 0.0);
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    size_t n_shapes = sizeof shapes / sizeof shapes[0], n_impls = sizeof impls / sizeof impls[0];
    double *sq = alloc(n_shapes * n_impls * 5), *cs = alloc(n_shapes * n_impls * 5);
    for (size_t m = 0; m < n_shapes; m++) {
        const block_shape_t *s = &shapes[m];
        rng_state = seed * 0x9e3779b97f4a7c15u + m;
        weights_t w;
        double *x;
        make_block(s, &w, &x);
        size_t n = s->t * s->d;
        double *ref = alloc(n), *out = alloc(n);
        run_block(s, &w, -1, &uniform_widths[0], x, ref);
        for (size_t i = 0; i < n_impls; i++) {
            double *q = sq + (m * n_impls + i) * 5, *c = cs + (m * n_impls + i) * 5;
            for (size_t b = 0; b < 3; b++) {
                run_block(s, &w, impls[i], &uniform_widths[b], x, out);
                compare(ref, out, n, &q[b], &c[b]);
            }
            if (impls[i] == ASIM_NL_EXACT)
                continue;
            run_block(s, &w, impls[i], &reference[i], x, out); /* the style at its point */
            compare(ref, out, n, &q[3], &c[3]);
            run_block(s, &w, ASIM_NL_EXACT, &reference[i], x, out); /* exact at that point */
            compare(ref, out, n, &q[4], &c[4]);
        }
        double *bufs[] = {w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.g1, w.b1, w.g2, w.b2, x, ref, out};
        for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
            free(bufs[i]);
    }
    printf("Our uniform widths (every nonlinear input requantized to 8, 6 or 4 bits):\n\n"
           "| model | style | SQNR 8b (dB) | cos 8b | SQNR 6b (dB) | cos 6b | SQNR 4b (dB) | cos 4b |\n"
           "|---|---|---|---|---|---|---|---|\n");
    for (size_t m = 0; m < n_shapes; m++)
        for (size_t i = 0; i < n_impls; i++) {
            const double *q = sq + (m * n_impls + i) * 5, *c = cs + (m * n_impls + i) * 5;
            printf("| %s | %s |", shapes[m].name, asim_nl_impl_name((asim_nl_impl_t)impls[i]));
            for (size_t b = 0; b < 3; b++)
                printf(" %.2f | %.5f |", q[b], c[b]);
            printf("\n");
        }
    printf("\nEach style at its reference operating point, and exact functions at the same point:\n\n"
           "| model | style | operating point | SQNR (dB) | cos | exact SQNR (dB) | exact cos |\n"
           "|---|---|---|---|---|---|---|\n");
    for (size_t m = 0; m < n_shapes; m++)
        for (size_t i = 1; i < n_impls; i++) {
            const double *q = sq + (m * n_impls + i) * 5, *c = cs + (m * n_impls + i) * 5;
            printf("| %s | %s | %s | %.2f | %.5f | %.2f | %.5f |\n", shapes[m].name,
                   asim_nl_impl_name((asim_nl_impl_t)impls[i]), reference[i].name, q[3], c[3],
                   q[4], c[4]);
        }
    free(sq);
    free(cs);
    return 0;
}
