/* nl_ref.c: exact double-precision references of the nonlinear functions. */
#include <math.h>
#include <stdbool.h>

#include "nonlinear/nl_kernels.h"

/* Softmax with the row max subtracted first (no overflow for any finite row). */
void asim_nl_ref_softmax(const double *x, size_t n, double *y)
{
    double m = x[0], s = 0.0;
    for (size_t i = 1; i < n; i++)
        m = fmax(m, x[i]);
    for (size_t i = 0; i < n; i++) {
        y[i] = exp(x[i] - m);
        s += y[i];
    }
    for (size_t i = 0; i < n; i++)
        y[i] /= s;
}

double asim_nl_ref_gelu(double x)
{
    return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
}

/* (x - mean) / sqrt(var), var the population variance (two-pass); a row of equal values
 * gives zeros (tested directly: its computed mean can be an ulp off, giving var > 0). */
void asim_nl_ref_layernorm(const double *x, size_t n, double *y)
{
    double mean = 0.0, var = 0.0;
    bool equal = true;
    for (size_t i = 0; i < n; i++) {
        mean += x[i];
        equal = equal && x[i] == x[0];
    }
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += (x[i] - mean) * (x[i] - mean);
    var /= (double)n;
    for (size_t i = 0; i < n; i++)
        y[i] = equal ? 0.0 : (x[i] - mean) / sqrt(var);
}

double asim_nl_ref_silu(double x)
{
    return x / (1.0 + exp(-x));
}

/* x / sqrt(mean(x^2)); an all-zero row gives zeros. */
void asim_nl_ref_rmsnorm(const double *x, size_t n, double *y)
{
    double ms = 0.0;
    for (size_t i = 0; i < n; i++)
        ms += x[i] * x[i];
    ms /= (double)n;
    for (size_t i = 0; i < n; i++)
        y[i] = ms == 0.0 ? 0.0 : x[i] / sqrt(ms);
}

double asim_nl_ref_exp(double x)
{
    return exp(x);
}

double asim_nl_ref_ln(double x)
{
    return log(x);
}

double asim_nl_ref_div(double a, double b)
{
    return a / b;
}

void asim_nl_ref_codes(asim_nl_func_t func, const int32_t *x, const int32_t *b, size_t n,
                       double scale, double scale_b, double *v, double *r)
{
    for (size_t i = 0; i < n; i++)
        v[i] = scale * x[i];
    switch (func) {
    case ASIM_NL_SOFTMAX: asim_nl_ref_softmax(v, n, r); break;
    case ASIM_NL_LAYERNORM: asim_nl_ref_layernorm(v, n, r); break;
    case ASIM_NL_GELU: for (size_t i = 0; i < n; i++) r[i] = asim_nl_ref_gelu(v[i]); break;
    case ASIM_NL_EXP: for (size_t i = 0; i < n; i++) r[i] = asim_nl_ref_exp(v[i]); break;
    case ASIM_NL_LN: for (size_t i = 0; i < n; i++) r[i] = asim_nl_ref_ln(v[i]); break;
    case ASIM_NL_SILU: for (size_t i = 0; i < n; i++) r[i] = asim_nl_ref_silu(v[i]); break;
    case ASIM_NL_RMSNORM: asim_nl_ref_rmsnorm(v, n, r); break;
    default:
        for (size_t i = 0; i < n; i++)
            r[i] = asim_nl_ref_div(v[i], scale_b * b[i]);
        break;
    }
}
