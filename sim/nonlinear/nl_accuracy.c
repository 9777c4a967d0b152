/* nl_accuracy.c: error of a kernel against the double reference over a whole input range. */
#include <math.h>
#include <stdlib.h>

#include "nonlinear/nl_internal.h"

#define ROWS 200

static const size_t softmax_lengths[] = {1, 2, 16, 64, 197};
static const size_t layernorm_lengths[] = {16, 64, 192, 768};

/* splitmix64: a fixed, seeded sequence, the same on every platform. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi]. */
static int32_t uniform(uint64_t *s, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(next_u64(s) % (uint64_t)(hi - lo + 1));
}

static void add_err(asim_nl_err_t *e, double err)
{
    err = fabs(err);
    if (err > e->max_abs)
        e->max_abs = err;
    e->mean_abs += err;
    e->count++;
}

/* Runs op on the row and accumulates its error against the reference into e. */
static asim_status_t measure_row(const asim_nl_op_t *op, const int32_t *x, const int32_t *b,
                                 size_t n, const asim_nl_fmt_t *in, asim_nl_err_t *e,
                                 int32_t *y, double *v, double *r)
{
    asim_nl_fmt_t out;
    asim_error_t err;
    asim_status_t st = asim_nl_run(op, x, b, n, in, in, y, &out, &err);
    if (st != ASIM_OK)
        return st;
    asim_nl_ref_codes(op->func, x, b, n, in->scale, in->scale, v, r);
    for (size_t i = 0; i < n; i++)
        add_err(e, op->func == ASIM_NL_DIV ? (out.scale * y[i] - r[i]) / r[i]
                                           : out.scale * y[i] - r[i]);
    return ASIM_OK;
}

/* Fills x[0..n) with uniform codes of the full range, or of a random narrow window. */
static void random_row(unsigned bits, bool narrow, uint64_t *seed, int32_t *x, size_t n)
{
    int32_t lo = (int32_t)asim_fx_min(bits, true), hi = (int32_t)asim_fx_max(bits, true);
    if (narrow) {
        int32_t w = 1 << (bits - 3);
        lo = uniform(seed, lo, hi - w + 1);
        hi = lo + w - 1;
    }
    for (size_t i = 0; i < n; i++)
        x[i] = uniform(seed, lo, hi);
}

asim_status_t asim_nl_measure(const asim_nl_op_t *op, unsigned bits, asim_nl_err_t *e)
{
    if (!op || !e || bits < 4 || bits > 16)
        return ASIM_EARG;
    *e = (asim_nl_err_t){0};
    asim_nl_fmt_t in = {bits, true, ldexp(1.0, 4 - (int)bits)};
    size_t codes = (size_t)1 << bits, cap = codes > 768 ? codes : 768;
    int32_t *x = malloc(2 * cap * sizeof *x), *y = malloc(cap * sizeof *y);
    double *v = malloc(2 * cap * sizeof *v);
    asim_status_t st = x && y && v ? ASIM_OK : ASIM_ENOMEM;
    int32_t *b = x + cap;
    int32_t lo = (int32_t)asim_fx_min(bits, true), hi = (int32_t)asim_fx_max(bits, true);
    uint64_t seed = UINT64_C(0x5EED) + bits;
    size_t n = 0;
    bool norm = op->func == ASIM_NL_LAYERNORM || op->func == ASIM_NL_RMSNORM;
    if (st == ASIM_OK && (op->func == ASIM_NL_SOFTMAX || norm)) {
        bool sm = op->func == ASIM_NL_SOFTMAX;
        const size_t *len = sm ? softmax_lengths : layernorm_lengths;
        size_t n_len = sm ? 5 : 4;
        for (int narrow = 0; narrow <= (sm ? 0 : 1) && st == ASIM_OK; narrow++)
            for (size_t l = 0; l < n_len && st == ASIM_OK; l++)
                for (int row = 0; row < ROWS && st == ASIM_OK; row++) {
                    random_row(bits, narrow, &seed, x, len[l]);
                    st = measure_row(op, x, NULL, len[l], &in, e, y, v, v + cap);
                }
    } else if (st == ASIM_OK && op->func == ASIM_NL_DIV) {
        for (int32_t a = lo; a <= hi && st == ASIM_OK; a++) {
            if (a == 0)
                continue; /* a / b = 0: no relative error */
            n = 0;
            for (int32_t d = lo; d <= hi; d++)
                if (d != 0) {
                    x[n] = a;
                    b[n++] = d;
                }
            st = measure_row(op, x, b, n, &in, e, y, v, v + cap);
        }
    } else if (st == ASIM_OK) {
        int32_t from = op->func == ASIM_NL_LN ? 1 : lo, to = op->func == ASIM_NL_EXP ? 0 : hi;
        for (int32_t c = from; c <= to; c++)
            x[n++] = c;
        st = measure_row(op, x, NULL, n, &in, e, y, v, v + cap);
    }
    if (e->count)
        e->mean_abs /= (double)e->count;
    free(x);
    free(y);
    free(v);
    return st;
}
