/*
 * block_accuracy.c: end-to-end accuracy of the nonlinear styles inside one full transformer
 * block (docs/nonlinear-accuracy.md, "Whole blocks"). Usage: block_accuracy [SEED]
 *
 * For vit_tiny (197 tokens, dim 192, 3 heads, MLP 768) and bert_base (128 tokens, dim 768,
 * 12 heads, MLP 3072), one pre-LN encoder block (ln1, qkv, q k^T / sqrt(dh), softmax, a v,
 * proj, + residual, ln2, fc1, gelu, fc2, + residual; the block of sim/model/builtin.c) runs
 * with seeded random weights N(0, 1/fan_in), LayerNorm gains 1 + N(0, 0.1^2) and biases
 * N(0, 0.1^2), and inputs N(0, 1):
 *   - reference: everything in double;
 *   - integer: every GEMM on 8-bit codes (symmetric, per tensor, weights and activations) with
 *     exact integer accumulation, dequantized after; each nonlinear op's input requantized to
 *     `bits` (8, 6, 4; symmetric per tensor) and run through asim_nl_run in the style under
 *     test (quark, ibert, ivit, or exact = the double function rounded to the output format);
 *     softmax probabilities stay 8-bit codes into the a v GEMM; LayerNorm's affine and the
 *     residual adds in double.
 * Reported per (model, style, bits): SQNR = 10 log10(sum ref^2 / sum (out - ref)^2) in dB and
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
 * given as codes already: a_codes with scale a_scale), exact int64 sums, then dequantized. */
static void gemm(bool integer, const double *a, const int32_t *a_codes, double a_scale,
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
        return;
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
}

/* One nonlinear op on `rows` rows of `cols`: double reference (impl < 0) or the integer
 * kernel of impl on `bits`-bit inputs, dequantized into y. Softmax also returns its codes and
 * their scale (for the a v GEMM). */
static void nonlinear(int impl, asim_nl_func_t func, unsigned bits, const double *x, size_t rows,
                      size_t cols, double *y, int32_t *codes_out, double *codes_scale)
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
    asim_nl_fmt_t in = {bits, true, quantize(x, n, bits, q)}, out = {0};
    asim_nl_op_t op = {(asim_nl_impl_t)impl, func, 8};
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
    nonlinear(impl, ASIM_NL_LAYERNORM, bits, x, s->t, s->d, y, NULL, NULL);
    for (size_t r = 0; r < s->t; r++)
        for (size_t i = 0; i < s->d; i++)
            y[r * s->d + i] = y[r * s->d + i] * g[i] + b[i];
}

/* The block on x (t x d) into out; impl < 0: all double; else integer GEMMs and impl's
 * nonlinear kernels at `bits`. */
static void run_block(const block_shape_t *s, const weights_t *w, int impl, unsigned bits,
                      const double *x, double *out)
{
    size_t t = s->t, d = s->d, h = s->heads, dh = d / h, f = s->mlp;
    bool integer = impl >= 0;
    double *ln = alloc(t * d), *q = alloc(t * d), *k = alloc(t * d), *v = alloc(t * d);
    double *att = alloc(t * d), *x1 = alloc(t * d), *hid = alloc(t * f), *act = alloc(t * f);
    double *qh = alloc(t * dh), *kt = alloc(dh * t), *vh = alloc(t * dh), *sc = alloc(t * t);
    double *p = alloc(t * t), *oh = alloc(t * dh);
    int32_t *pc = malloc(t * t * sizeof *pc);
    if (!pc)
        exit(1);
    layernorm_affine(impl, bits, x, s, w->g1, w->b1, ln);
    gemm(integer, ln, NULL, 0, w->wq, t, d, d, q);
    gemm(integer, ln, NULL, 0, w->wk, t, d, d, k);
    gemm(integer, ln, NULL, 0, w->wv, t, d, d, v);
    for (size_t hd = 0; hd < h; hd++) {
        for (size_t i = 0; i < t; i++)
            for (size_t j = 0; j < dh; j++) {
                qh[i * dh + j] = q[i * d + hd * dh + j];
                kt[j * t + i] = k[i * d + hd * dh + j];
                vh[i * dh + j] = v[i * d + hd * dh + j];
            }
        gemm(integer, qh, NULL, 0, kt, t, dh, t, sc);
        for (size_t i = 0; i < t * t; i++)
            sc[i] /= sqrt((double)dh);
        double ps = 0.0;
        nonlinear(impl, ASIM_NL_SOFTMAX, bits, sc, t, t, p, integer ? pc : NULL, &ps);
        gemm(integer, p, integer ? pc : NULL, ps, vh, t, t, dh, oh);
        for (size_t i = 0; i < t; i++)
            for (size_t j = 0; j < dh; j++)
                att[i * d + hd * dh + j] = oh[i * dh + j];
    }
    gemm(integer, att, NULL, 0, w->wo, t, d, d, x1);
    for (size_t i = 0; i < t * d; i++)
        x1[i] += x[i];
    layernorm_affine(impl, bits, x1, s, w->g2, w->b2, ln);
    gemm(integer, ln, NULL, 0, w->w1, t, d, f, hid);
    nonlinear(impl, ASIM_NL_GELU, bits, hid, t, f, act, NULL, NULL);
    gemm(integer, act, NULL, 0, w->w2, t, f, d, out);
    for (size_t i = 0; i < t * d; i++)
        out[i] += x1[i];
    double *bufs[] = {ln, q, k, v, att, x1, hid, act, qh, kt, vh, sc, p, oh};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        free(bufs[i]);
    free(pc);
}

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    const block_shape_t shapes[] = {{"vit_tiny", 197, 192, 3, 768}, {"bert_base", 128, 768, 12, 3072}};
    const int impls[] = {ASIM_NL_EXACT, ASIM_NL_QUARK, ASIM_NL_IBERT, ASIM_NL_IVIT};
    const unsigned widths[] = {8, 6, 4};
    printf("| model | style | SQNR 8b (dB) | cos 8b | SQNR 6b (dB) | cos 6b | SQNR 4b (dB) | cos 4b |\n"
           "|---|---|---|---|---|---|---|---|\n");
    for (size_t m = 0; m < sizeof shapes / sizeof shapes[0]; m++) {
        const block_shape_t *s = &shapes[m];
        rng_state = seed * 0x9e3779b97f4a7c15u + m;
        size_t d = s->d, f = s->mlp, n = s->t * d;
        weights_t w = {
            random_matrix(d * d, 1.0 / sqrt((double)d), 0), random_matrix(d * d, 1.0 / sqrt((double)d), 0),
            random_matrix(d * d, 1.0 / sqrt((double)d), 0), random_matrix(d * d, 1.0 / sqrt((double)d), 0),
            random_matrix(d * f, 1.0 / sqrt((double)d), 0), random_matrix(f * d, 1.0 / sqrt((double)f), 0),
            random_matrix(d, 0.1, 1.0), random_matrix(d, 0.1, 0.0),
            random_matrix(d, 0.1, 1.0), random_matrix(d, 0.1, 0.0),
        };
        double *x = random_matrix(n, 1.0, 0.0), *ref = alloc(n), *out = alloc(n);
        run_block(s, &w, -1, 0, x, ref);
        for (size_t i = 0; i < sizeof impls / sizeof impls[0]; i++) {
            printf("| %s | %s |", s->name, asim_nl_impl_name((asim_nl_impl_t)impls[i]));
            for (size_t b = 0; b < sizeof widths / sizeof widths[0]; b++) {
                run_block(s, &w, impls[i], widths[b], x, out);
                double sig = 0.0, noise = 0.0, dot = 0.0, oo = 0.0;
                for (size_t j = 0; j < n; j++) {
                    sig += ref[j] * ref[j];
                    noise += (out[j] - ref[j]) * (out[j] - ref[j]);
                    dot += ref[j] * out[j];
                    oo += out[j] * out[j];
                }
                printf(" %.2f | %.5f |", 10.0 * log10(sig / noise), dot / sqrt(sig * oo));
            }
            printf("\n");
            fflush(stdout);
        }
        double *bufs[] = {w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.g1, w.b1, w.g2, w.b2, x, ref, out};
        for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
            free(bufs[i]);
    }
    return 0;
}
