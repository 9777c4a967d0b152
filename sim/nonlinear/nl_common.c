/* nl_common.c: input checks, dyadic constants and the row maximum, shared by all styles. */
#include <math.h>

#include "nonlinear/nl_internal.h"

unsigned asim_nl_max_in_bits(asim_nl_impl_t impl, asim_nl_func_t func)
{
    bool acc = impl == ASIM_NL_EXACT ||
               (impl == ASIM_NL_IBERT && (func == ASIM_NL_SOFTMAX || func == ASIM_NL_GELU));
    return acc ? ASIM_NL_ACC_BITS : ASIM_NL_IN_BITS;
}

unsigned asim_nl_max_prob_bits(asim_nl_impl_t impl)
{
    return impl == ASIM_NL_IVIT || impl == ASIM_NL_EXACT ? ASIM_NL_IVIT_PROB_BITS : 16;
}

asim_status_t asim_nl_check_input(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                  unsigned max_bits)
{
    if (!x || !in || n == 0 || n > ASIM_NL_MAX_N || !in->is_signed || in->bits < 2 ||
        in->bits > max_bits || !isfinite(in->scale) || in->scale < ldexp(1.0, -14) ||
        in->scale > ldexp(1.0, 6))
        return ASIM_EARG;
    int32_t lo = (int32_t)asim_fx_min(in->bits, true), hi = (int32_t)asim_fx_max(in->bits, true);
    for (size_t i = 0; i < n; i++)
        if (x[i] < lo || x[i] > hi)
            return ASIM_EARG;
    return ASIM_OK;
}

asim_status_t asim_nl_check_prob_bits(asim_nl_impl_t impl, unsigned prob_bits)
{
    return prob_bits >= 2 && prob_bits <= asim_nl_max_prob_bits(impl) ? ASIM_OK : ASIM_EARG;
}

int32_t asim_nl_row_max(const int32_t *x, size_t n)
{
    int32_t m = x[0];
    for (size_t i = 1; i < n; i++)
        if (x[i] > m)
            m = x[i];
    return m;
}

int64_t asim_nl_mean_round(const int32_t *x, size_t n)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    return asim_fx_div_floor(2 * sum + (int64_t)n, 2 * (int64_t)n);
}

void asim_nl_apply_factor(const int32_t *x, size_t n, int64_t mean, int64_t factor, int32_t *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = (int32_t)asim_fx_sat(asim_fx_asr(((int64_t)x[i] - mean) * factor, 1), INT32_MIN,
                                    INT32_MAX);
}

void asim_nl_set_fmt(asim_nl_fmt_t *out, unsigned bits, bool is_signed, double scale)
{
    out->bits = bits;
    out->is_signed = is_signed;
    out->scale = scale;
}

asim_status_t asim_nl_dyadic_from(double r, asim_nl_dyadic_t *d)
{
    if (!(r >= ldexp(1.0, -31) && r < ldexp(1.0, 30)))
        return ASIM_EARG;
    int ex;
    double mant = frexp(r, &ex); /* r = mant * 2^ex, 0.5 <= mant < 1 */
    int64_t m = (int64_t)floor(mant * 2147483648.0 + 0.5);
    if (m == (INT64_C(1) << 31)) { /* mant rounded up to 1.0 */
        m >>= 1;
        ex++;
    }
    d->m = m;
    d->e = (unsigned)(31 - ex); /* 1 .. 62 for the accepted range of r */
    return ASIM_OK;
}

int64_t asim_nl_dyadic_apply(int64_t v, asim_nl_dyadic_t d)
{
    return asim_fx_round_shr(v * d.m, d.e);
}
