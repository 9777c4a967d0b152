/* nl_dispatch.c: (impl, func) -> kernel, the EXACT style, and the style names. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nonlinear/nl_internal.h"

static const char *const impl_names[ASIM_NL_IMPL_COUNT] = {"quark", "ibert", "ivit", "exact"};
static const char *const func_names[ASIM_NL_FUNC_COUNT] = {
    "softmax", "gelu", "layernorm", "exp", "ln", "div", "silu", "rmsnorm"};

const char *asim_nl_impl_name(asim_nl_impl_t impl)
{
    return impl < ASIM_NL_IMPL_COUNT ? impl_names[impl] : "?";
}

const char *asim_nl_func_name(asim_nl_func_t func)
{
    return func < ASIM_NL_FUNC_COUNT ? func_names[func] : "?";
}

asim_status_t asim_nl_impl_parse(const char *name, asim_nl_impl_t *impl)
{
    for (int i = 0; name && i < ASIM_NL_IMPL_COUNT; i++)
        if (strcmp(name, impl_names[i]) == 0) {
            *impl = (asim_nl_impl_t)i;
            return ASIM_OK;
        }
    return ASIM_EARG;
}

typedef asim_status_t (*nl_unary_fn)(const int32_t *, size_t, const asim_nl_fmt_t *, int32_t *,
                                     asim_nl_fmt_t *);
typedef asim_status_t (*nl_softmax_fn)(const int32_t *, size_t, const asim_nl_fmt_t *, unsigned,
                                       int32_t *, asim_nl_fmt_t *);

/* Kernels of the integer styles by [impl][func]; NULL where the style has none. */
static const nl_unary_fn unary[ASIM_NL_EXACT][ASIM_NL_FUNC_COUNT] = {
    [ASIM_NL_QUARK] = {NULL, asim_nl_gelu_quark, asim_nl_layernorm_quark, asim_nl_exp_quark,
                       asim_nl_ln_quark, NULL, asim_nl_silu_quark, asim_nl_rmsnorm_quark},
    [ASIM_NL_IBERT] = {NULL, asim_nl_gelu_ibert, asim_nl_layernorm_ibert, asim_nl_exp_ibert,
                       NULL, NULL},
    [ASIM_NL_IVIT] = {NULL, asim_nl_gelu_ivit, asim_nl_layernorm_ivit, asim_nl_exp_ivit, NULL,
                      NULL},
};
static const nl_softmax_fn softmax[ASIM_NL_EXACT] = {
    asim_nl_softmax_quark, asim_nl_softmax_ibert, asim_nl_softmax_ivit};

/* round(v * 2^frac) saturated to [lo, hi]. */
static int32_t quantize(double v, int frac, int64_t lo, int64_t hi)
{
    double q = floor(ldexp(v, frac) + 0.5);
    return (int32_t)(q < (double)lo ? lo : q > (double)hi ? hi : (int64_t)q);
}

/* The double reference of op on the real inputs, rounded to the EXACT output format. */
static asim_status_t run_exact(const asim_nl_op_t *op, const int32_t *x, const int32_t *b,
                               size_t n, const asim_nl_fmt_t *in, const asim_nl_fmt_t *in_b,
                               int32_t *y, asim_nl_fmt_t *out)
{
    for (size_t i = 0; i < n; i++)
        if ((op->func == ASIM_NL_LN && x[i] <= 0) || (op->func == ASIM_NL_DIV && b[i] == 0))
            return ASIM_EARG;
    double *v = malloc(2 * n * sizeof *v);
    if (!v)
        return ASIM_ENOMEM;
    double *r = v + n;
    asim_nl_ref_codes(op->func, x, b, n, in->scale, in_b ? in_b->scale : 1.0, v, r);
    bool prob = op->func == ASIM_NL_SOFTMAX;
    int frac = prob ? (int)op->prob_bits : 16;
    for (size_t i = 0; i < n; i++)
        y[i] = prob ? quantize(r[i], frac, 0, asim_fx_max(op->prob_bits, false))
                    : quantize(r[i], frac, INT32_MIN, INT32_MAX);
    asim_nl_set_fmt(out, prob ? op->prob_bits : 32, !prob, ldexp(1.0, -frac));
    free(v);
    return ASIM_OK;
}

asim_status_t asim_nl_run(const asim_nl_op_t *op, const int32_t *x, const int32_t *b, size_t n,
                          const asim_nl_fmt_t *in, const asim_nl_fmt_t *in_b, int32_t *y,
                          asim_nl_fmt_t *out, asim_error_t *err)
{
    if (!op || op->impl >= ASIM_NL_IMPL_COUNT || op->func >= ASIM_NL_FUNC_COUNT || !y || !out)
        return asim_error_set(err, ASIM_EARG, "nonlinear", "bad operation or missing output");
    const char *impl = asim_nl_impl_name(op->impl), *func = asim_nl_func_name(op->func);
    bool is_div = op->func == ASIM_NL_DIV;
    unsigned max_bits = asim_nl_max_in_bits(op->impl, op->func);
    if (asim_nl_check_input(x, n, in, max_bits) ||
        (is_div && asim_nl_check_input(b, n, in_b, max_bits)) ||
        (op->func == ASIM_NL_SOFTMAX && asim_nl_check_prob_bits(op->impl, op->prob_bits)))
        return asim_error_set(err, ASIM_EARG, "nonlinear",
                              "%s/%s: input outside the contract (1..%u codes of 2..%u bits "
                              "within range, scale in [2^-14, 2^6], softmax width 2..%u)",
                              impl, func, ASIM_NL_MAX_N, max_bits,
                              asim_nl_max_prob_bits(op->impl));
    asim_status_t st;
    if (op->impl == ASIM_NL_EXACT)
        st = run_exact(op, x, b, n, in, in_b, y, out);
    else if (op->func == ASIM_NL_SOFTMAX)
        st = softmax[op->impl](x, n, in, op->prob_bits, y, out);
    else if (is_div && op->impl == ASIM_NL_QUARK)
        st = asim_nl_div_quark(x, b, n, in, in_b, y, out);
    else if (!is_div && unary[op->impl][op->func])
        st = unary[op->impl][op->func](x, n, in, y, out);
    else
        return asim_error_set(err, ASIM_EUNSUPPORTED, "nonlinear",
                              "the %s style has no %s kernel (use quark or exact)", impl, func);
    if (st != ASIM_OK)
        return asim_error_set(err, st, "nonlinear",
                              "%s/%s: value outside the function's domain (exp: x <= 0 for "
                              "ibert/ivit; ln: x > 0; div: b != 0)",
                              impl, func);
    return ASIM_OK;
}
