/*
 * nl_quark_step.c: the QUARK unit's step model (see nl_quark_step.h). Each block below is one
 * register stage of rtl/quark/quark_unit.v, in the RTL's names:
 *   front (at the beat):  lane masking, the row reductions of the max / mean / variance
 *                         passes, the input requantizer and the per-mode lane operands -> s1
 *   stage A (s1 -> s2):   per lane Appro-Exp (EXP_A) or Appro-LN (LN_A); the exp+sum pass
 *                         adds its EXP_A results into the row accumulator instead
 *   stage B (s2 -> s3):   per pair Appro-LN (LN_B) of GELU's pair sum, per lane Appro-Exp
 *                         (EXP_B): GELU/tanh sigmoid, divide, LayerNorm magnitude
 *   stage C (s3 -> y):    output formatting (softmax width, GELU x * sigma, tanh 2s - 1)
 *   row constants (fin):  the cycle after a pass ends, mean / ln(sum) / ln(sigma)
 */
#include <stdlib.h>
#include <string.h>

#include "asim/fixed.h"
#include "nonlinear/nl_kernels.h"
#include "quark/quark_step.h"

#define QF ASIM_NL_QF
#define MAXN ASIM_QUARK_MAX_LANES
#define MODE_NONE ASIM_QUARK_MODE_COUNT /* a mode outside MODES */

enum { K_MAX, K_MEAN, K_VAR, K_SUM, K_OUT };     /* what a pass does with its beats */
enum { FIN_NONE, FIN_MEAN, FIN_VAR, FIN_SUM };   /* row constant due at the next edge */

typedef struct {
    bool valid, first, lastp, lastrow;
    unsigned kind, mode, cnt, pb;
    int64_t k;                   /* row constant carried with the beat */
    int64_t a[MAXN];             /* lane values */
    int64_t b[MAXN / 2], x[MAXN / 2]; /* pair modes: -m and the input code of pair j */
    bool neg[MAXN], zero[MAXN];
} stage_t;

struct asim_quark_step {
    asim_quark_params_t p;
    /* command / pass control */
    bool busy;
    unsigned mode, pb, pass, wait;
    uint32_t len, rem, m;
    unsigned e;
    int64_t k;
    bool first;
    /* row registers */
    int64_t rmax, rsum, rmean, rln;
    uint64_t racc;
    unsigned fin;
    stage_t s1, s2, s3;
    /* output register */
    bool y_valid, y_last;
    unsigned y_count;
    uint64_t y_data[MAXN];
    uint64_t y_shown[MAXN]; /* y_data as the outputs of the current cycle show it */
    asim_quark_counts_t counts;
};

static unsigned eff_mode(const asim_quark_step_t *s, unsigned mode)
{
    return mode < ASIM_QUARK_MODE_COUNT && ((s->p.modes >> mode) & 1u) ? mode : MODE_NONE;
}

static bool pair_mode(unsigned mode)
{
    return mode != MODE_NONE && asim_quark_is_pair((asim_quark_mode_t)mode);
}

static unsigned pass_kind(unsigned mode, unsigned pass)
{
    static const unsigned softmax[3] = {K_MAX, K_SUM, K_OUT}, lnorm[3] = {K_MEAN, K_VAR, K_OUT},
                          rms[2] = {K_VAR, K_OUT};
    if (mode == ASIM_QUARK_SOFTMAX)
        return softmax[pass];
    if (mode == ASIM_QUARK_LAYERNORM)
        return lnorm[pass];
    if (mode == ASIM_QUARK_RMSNORM)
        return rms[pass];
    return K_OUT;
}

/* Passes over a row and the idle cycles after pass `pass` (see quark.h), restated here so
 * that the property test compares two implementations of the timing. */
static unsigned row_passes(unsigned mode)
{
    if (mode == ASIM_QUARK_SOFTMAX || mode == ASIM_QUARK_LAYERNORM)
        return 3;
    return mode == ASIM_QUARK_RMSNORM ? 2 : 1;
}

static unsigned pass_gap(unsigned mode, unsigned pass)
{
    return mode == ASIM_QUARK_SOFTMAX ? (pass == 0 ? 0 : 2) : 1;
}

/* LayerNorm and RMSNorm share the normalisation datapath. */
static bool norm_mode(unsigned mode)
{
    return mode == ASIM_QUARK_LAYERNORM || mode == ASIM_QUARK_RMSNORM;
}

/* The mean the variance and normalise passes subtract: RMSNorm's is 0. */
static int64_t row_mean(const asim_quark_step_t *s)
{
    return s->mode == ASIM_QUARK_RMSNORM ? 0 : s->rmean;
}

asim_status_t asim_quark_step_create(const asim_quark_params_t *p, asim_quark_step_t **out,
                                   asim_error_t *err)
{
    if (p->lanes < 2 || p->lanes > MAXN || p->lanes % 2 || p->in_bits < 2 || p->in_bits > 16)
        return asim_error_set(err, ASIM_ERANGE, "nl_quark",
                              "lanes must be even in 2..%d and in_bits in 2..16 (got %u, %u)",
                              MAXN, p->lanes, p->in_bits);
    asim_quark_step_t *s = calloc(1, sizeof *s);
    if (!s)
        return asim_error_set(err, ASIM_ENOMEM, "nl_quark", "out of memory");
    s->p = *p;
    s->p.modes &= ASIM_QUARK_ALL_MODES;
    *out = s;
    return ASIM_OK;
}

void asim_quark_step_free(asim_quark_step_t *s)
{
    free(s);
}

const asim_quark_counts_t *asim_quark_step_counts(const asim_quark_step_t *s)
{
    return &s->counts;
}

static void reset(asim_quark_step_t *s)
{
    s->busy = false;
    s->wait = 0;
    s->fin = FIN_NONE;
    s->s1.valid = s->s2.valid = s->s3.valid = false;
    s->y_valid = s->y_last = false;
    s->y_count = 0;
    memset(s->y_data, 0, sizeof s->y_data);
}

/* ---- front: the beat taken this edge ---- */

/* The beat's lanes as signed codes, lanes past the row's end zeroed. */
static void front_lanes(const asim_quark_step_t *s, const uint64_t *raw, unsigned cnt, bool pair,
                        int64_t *x)
{
    unsigned n = s->p.lanes, half = n / 2;
    for (unsigned i = 0; i < n; i++) {
        unsigned elem = pair ? i % half : i;
        x[i] = elem < cnt ? asim_fx_value(raw[i], s->p.in_bits, true) : 0;
    }
}

/* Row reductions of the max, mean and variance passes (registers updated at the beat). */
static void front_reduce(asim_quark_step_t *s, unsigned kind, const int64_t *x, unsigned cnt)
{
    if (kind == K_MAX) {
        int64_t bmax = asim_fx_min(s->p.in_bits, true);
        for (unsigned i = 0; i < cnt; i++)
            bmax = x[i] > bmax ? x[i] : bmax;
        s->rmax = s->first || bmax > s->rmax ? bmax : s->rmax;
    } else if (kind == K_MEAN) {
        int64_t sum = 0;
        for (unsigned i = 0; i < cnt; i++)
            sum += x[i];
        s->rsum = (s->first ? 0 : s->rsum) + sum;
    } else {
        uint64_t sq = 0;
        for (unsigned i = 0; i < cnt; i++) {
            int64_t y = asim_fx_shl(x[i], QF) - row_mean(s);
            sq += (uint64_t)asim_fx_round_shr(y * y, QF);
        }
        s->racc = (s->first ? 0 : s->racc) + sq;
        s->counts.mul_ops += cnt;
    }
}

/* The lane operands of an exp+sum or output beat (-> s1). */
static void front_operands(asim_quark_step_t *s, stage_t *o, const int64_t *x)
{
    unsigned n = s->p.lanes, half = n / 2, mode = o->mode, cnt = o->cnt;
    asim_nl_dyadic_t d = {s->m, s->e};
    memset(o->a, 0, sizeof o->a);
    memset(o->neg, 0, sizeof o->neg);
    memset(o->zero, 0, sizeof o->zero);
    o->k = 0;
    if (o->kind == K_SUM) {
        for (unsigned i = 0; i < n; i++)
            o->a[i] = asim_nl_quark_to_q14(x[i] - s->rmax, d);
        s->counts.mul_ops += cnt;
        return;
    }
    switch (mode) {
    case ASIM_QUARK_SOFTMAX:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = asim_nl_quark_to_q14(x[i] - s->rmax, d) - s->rln;
        s->counts.mul_ops += cnt;
        break;
    case ASIM_QUARK_GELU:
    case ASIM_QUARK_TANH:
    case ASIM_QUARK_SILU: {
        int64_t kk = mode == ASIM_QUARK_GELU   ? ASIM_NL_QUARK_GELU_K
                     : mode == ASIM_QUARK_SILU ? ASIM_NL_QUARK_SILU_K
                                             : ASIM_NL_QUARK_TANH_K;
        for (unsigned j = 0; j < half; j++) {
            int64_t z = asim_fx_round_shr(-kk * asim_nl_quark_to_q14(x[j], d), QF);
            int64_t m = z > 0 ? z : 0;
            o->a[2 * j] = -m;
            o->a[2 * j + 1] = z - m;
            o->b[j] = -m;
            o->x[j] = x[j];
        }
        s->counts.mul_ops += 2 * (uint64_t)cnt;
        break;
    }
    case ASIM_QUARK_EXP:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = asim_nl_quark_to_q14(x[i], d);
        s->counts.mul_ops += cnt;
        break;
    case ASIM_QUARK_LN:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = x[i] > 0 ? x[i] : 0;
        o->k = s->k;
        break;
    case ASIM_QUARK_DIV:
        for (unsigned j = 0; j < half; j++) {
            o->a[j] = x[j] < 0 ? -x[j] : x[j];
            o->a[j + half] = x[j + half] < 0 ? -x[j + half] : x[j + half];
            o->neg[j] = (x[j] < 0) != (x[j + half] < 0);
            o->zero[j] = x[j] == 0;
        }
        break;
    case ASIM_QUARK_ADD:
        for (unsigned j = 0; j < half; j++)
            o->a[j] = x[j] + x[j + half];
        break;
    case ASIM_QUARK_MUL: /* the product is stage C's x * a */
        for (unsigned j = 0; j < half; j++) {
            o->a[j] = x[j + half];
            o->x[j] = x[j];
        }
        break;
    case ASIM_QUARK_RELU:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = x[i] > 0 ? asim_fx_shl(x[i], QF) : 0;
        break;
    case ASIM_QUARK_LAYERNORM:
    case ASIM_QUARK_RMSNORM:
        for (unsigned i = 0; i < n; i++) {
            int64_t y = asim_fx_shl(x[i], QF) - row_mean(s);
            o->a[i] = y < 0 ? -y : y;
            o->neg[i] = y < 0;
            o->zero[i] = y == 0;
        }
        o->k = s->rln;
        break;
    default: break;
    }
}

/* ---- stage A: s1 -> s2 (or into the row accumulator) ---- */
static void stage_a(asim_quark_step_t *s, const stage_t *i, stage_t *o, uint64_t *racc,
                    unsigned *fin)
{
    unsigned n = s->p.lanes;
    o->valid = false;
    if (!i->valid)
        return;
    if (i->kind == K_SUM) {
        uint64_t sum = 0;
        for (unsigned l = 0; l < i->cnt; l++)
            sum += (uint64_t)asim_nl_quark_exp(i->a[l]);
        *racc = (i->first ? 0 : s->racc) + sum;
        s->counts.exp_ops += i->cnt;
        if (i->lastp)
            *fin = FIN_SUM;
        return;
    }
    *o = *i;
    for (unsigned l = 0; l < n; l++) {
        switch (i->mode) {
        case ASIM_QUARK_SOFTMAX:
        case ASIM_QUARK_EXP:
        case ASIM_QUARK_GELU:
        case ASIM_QUARK_TANH:
        case ASIM_QUARK_SILU: o->a[l] = asim_nl_quark_exp(i->a[l]); break;
        case ASIM_QUARK_LN: o->a[l] = asim_nl_quark_ln((uint64_t)i->a[l], 0) + i->k; break;
        case ASIM_QUARK_DIV: o->a[l] = asim_nl_quark_ln((uint64_t)i->a[l], 0); break;
        case ASIM_QUARK_LAYERNORM:
        case ASIM_QUARK_RMSNORM:
            o->a[l] = asim_nl_quark_ln((uint64_t)i->a[l], QF) - i->k;
            break;
        default: break;
        }
    }
    uint64_t c = i->cnt;
    if (i->mode == ASIM_QUARK_SOFTMAX || i->mode == ASIM_QUARK_EXP)
        s->counts.exp_ops += c;
    else if (i->mode == ASIM_QUARK_GELU || i->mode == ASIM_QUARK_TANH || i->mode == ASIM_QUARK_SILU)
        s->counts.exp_ops += 2 * c;
    else if (i->mode == ASIM_QUARK_LN || norm_mode(i->mode))
        s->counts.ln_ops += c;
    else if (i->mode == ASIM_QUARK_DIV)
        s->counts.ln_ops += 2 * c;
}

/* ---- stage B: s2 -> s3 ---- */
static void stage_b(asim_quark_step_t *s, const stage_t *i, stage_t *o)
{
    unsigned n = s->p.lanes, half = n / 2;
    *o = *i;
    if (!i->valid)
        return;
    uint64_t c = i->cnt;
    switch (i->mode) {
    case ASIM_QUARK_GELU:
    case ASIM_QUARK_TANH:
    case ASIM_QUARK_SILU:
        for (unsigned j = 0; j < half; j++) {
            int64_t sum = i->a[2 * j] + i->a[2 * j + 1];
            o->a[j] = asim_nl_quark_exp(i->b[j] - asim_nl_quark_ln((uint64_t)sum, QF));
            o->a[j + half] = 0;
        }
        s->counts.exp_ops += c;
        s->counts.ln_ops += c;
        break;
    case ASIM_QUARK_DIV:
        for (unsigned j = 0; j < half; j++) {
            int64_t q = i->zero[j] ? 0 : asim_nl_quark_exp(i->a[j] - i->a[j + half]);
            o->a[j] = i->neg[j] ? -q : q;
            o->a[j + half] = 0;
        }
        s->counts.exp_ops += c;
        break;
    case ASIM_QUARK_LAYERNORM:
    case ASIM_QUARK_RMSNORM:
        for (unsigned l = 0; l < n; l++) {
            int64_t mag = i->zero[l] ? 0 : asim_nl_quark_exp(i->a[l]);
            o->a[l] = i->neg[l] ? -mag : mag;
        }
        s->counts.exp_ops += c;
        break;
    default: break;
    }
}

/* ---- stage C: s3 -> output register ---- */
static void stage_c(asim_quark_step_t *s, const stage_t *i)
{
    unsigned n = s->p.lanes;
    s->y_valid = i->valid;
    s->y_last = i->valid && i->lastrow;
    s->y_count = i->valid ? i->cnt : 0;
    for (unsigned l = 0; l < n; l++) {
        int64_t v = 0;
        if (i->valid && l < i->cnt) {
            switch (i->mode) {
            case ASIM_QUARK_SOFTMAX: {
                int64_t p = i->pb <= QF ? asim_fx_round_shr(i->a[l], QF - i->pb)
                                        : asim_fx_shl(i->a[l], i->pb - QF);
                v = asim_fx_sat(p, 0, (int64_t)asim_fx_mask(i->pb));
                break;
            }
            case ASIM_QUARK_GELU:
            case ASIM_QUARK_SILU:
            case ASIM_QUARK_MUL: v = i->x[l] * i->a[l]; break;
            case ASIM_QUARK_TANH: v = 2 * i->a[l] - (INT64_C(1) << QF); break;
            case MODE_NONE: v = 0; break;
            default: v = i->a[l]; break;
            }
        }
        s->y_data[l] = asim_fx_wrap(v, ASIM_QUARK_OUT_BITS);
    }
    if (i->valid) {
        s->counts.out_elems += i->cnt;
        if (i->mode == ASIM_QUARK_GELU || i->mode == ASIM_QUARK_SILU || i->mode == ASIM_QUARK_MUL)
            s->counts.mul_ops += i->cnt;
    }
}

/* ---- row constants, the edge after their pass ends ---- */
static void row_constants(asim_quark_step_t *s, int64_t *rmean, int64_t *rln)
{
    if (s->fin == FIN_MEAN) {
        *rmean = asim_fx_round_shr(s->rsum * s->k, 32);
        s->counts.mul_ops++;
    } else if (s->fin == FIN_VAR) {
        *rln = asim_fx_asr(asim_nl_quark_ln(s->racc, QF) - asim_nl_quark_ln(s->len, 0), 1);
        s->counts.ln_ops += 2;
    } else if (s->fin == FIN_SUM) {
        *rln = asim_nl_quark_ln(s->racc, QF);
        s->counts.ln_ops++;
    }
}

void asim_quark_step(asim_quark_step_t *s, const asim_quark_in_t *in, asim_quark_out_t *out)
{
    unsigned n = s->p.lanes;
    bool en = in->out_ready;
    out->cmd_ready = en && !s->busy;
    out->x_ready = en && s->busy && s->wait == 0;
    out->busy = s->busy || s->s1.valid || s->s2.valid || s->s3.valid || s->y_valid ||
                s->fin != FIN_NONE;
    out->y_valid = s->y_valid;
    out->y_last = s->y_last;
    out->y_count = s->y_count;
    memcpy(s->y_shown, s->y_data, n * sizeof s->y_data[0]);
    out->y_data = s->y_shown;
    if (in->rst) {
        reset(s);
        return;
    }
    if (!en)
        return;
    if (out->busy)
        s->counts.cycles++;

    /* Everything below reads the registers before this edge and writes the next values. */
    stage_c(s, &s->s3);
    stage_t s3n, s2n = {0}, s1n = {0}; /* fields of an invalid stage stay defined */
    stage_b(s, &s->s2, &s3n);
    uint64_t racc = s->racc;
    unsigned fin = FIN_NONE;
    stage_a(s, &s->s1, &s2n, &racc, &fin);
    int64_t rmean = s->rmean, rln = s->rln;
    row_constants(s, &rmean, &rln);

    s1n.valid = false;
    if (in->x_valid && out->x_ready) {
        unsigned mode = s->mode, kind = pass_kind(mode, s->pass);
        bool pair = pair_mode(mode);
        uint32_t per = pair ? n / 2 : n;
        unsigned cnt = s->rem < per ? s->rem : per;
        bool lastp = s->rem <= per;
        bool lastpass = s->pass + 1 == row_passes(mode);
        int64_t x[MAXN];
        front_lanes(s, in->x_data, cnt, pair, x);
        s->counts.beats++;
        s->counts.in_elems += (uint64_t)cnt * (pair && asim_quark_is_binary(mode) ? 2 : 1);
        s->counts.lane_uses += (uint64_t)cnt * (pair ? 2 : 1);
        if (kind == K_MAX || kind == K_MEAN || kind == K_VAR) {
            front_reduce(s, kind, x, cnt);
            racc = kind == K_VAR ? s->racc : racc;
            if (lastp && kind != K_MAX)
                fin = kind == K_MEAN ? FIN_MEAN : FIN_VAR;
        } else {
            s1n = (stage_t){.valid = true, .first = s->first, .lastp = lastp,
                            .lastrow = lastp && lastpass, .kind = kind, .mode = mode,
                            .cnt = cnt, .pb = s->pb};
            front_operands(s, &s1n, x);
        }
        if (lastp && lastpass) {
            s->busy = false;
            s->counts.rows++;
        } else if (lastp) {
            s->wait = pass_gap(mode, s->pass);
            s->pass++;
            s->rem = s->len;
            s->first = true;
        } else {
            s->rem -= per;
            s->first = false;
        }
    } else if (s->busy && s->wait) {
        s->wait--;
    }
    if (in->cmd_valid && out->cmd_ready) {
        s->busy = true;
        s->mode = eff_mode(s, in->cmd_mode & (unsigned)asim_fx_mask(ASIM_QUARK_MODE_BITS));
        s->len = s->rem = in->cmd_len & (uint32_t)asim_fx_mask(ASIM_QUARK_LEN_BITS);
        s->m = in->cmd_m & 0x7fffffffu;
        s->e = in->cmd_e & 63u;
        s->pb = in->cmd_pb & 31u;
        s->k = asim_fx_value(in->cmd_k, ASIM_QUARK_K_BITS, s->mode == ASIM_QUARK_LN);
        s->pass = 0;
        s->first = true;
        s->wait = 0;
    }
    s->racc = racc;
    s->rmean = rmean;
    s->rln = rln;
    s->fin = fin;
    s->s1 = s1n;
    s->s2 = s2n;
    s->s3 = s3n;
}

asim_status_t asim_quark_step_run_job(const asim_quark_params_t *p, asim_quark_mode_t mode,
                                    uint64_t len, uint64_t rows, asim_quark_counts_t *out,
                                    asim_error_t *err)
{
    asim_quark_step_t *s;
    asim_status_t st = asim_quark_step_create(p, &s, err);
    if (st != ASIM_OK)
        return st;
    uint64_t zeros[MAXN] = {0};
    asim_quark_in_t in = {.out_ready = true, .rst = true, .x_data = zeros};
    asim_quark_out_t o;
    asim_quark_step(s, &in, &o);
    in.rst = false;
    in.x_valid = true;
    in.cmd_mode = mode;
    in.cmd_len = (uint32_t)len;
    in.cmd_m = 1u << 30;
    in.cmd_e = 30;
    in.cmd_pb = 8;
    in.cmd_k = (uint64_t)asim_nl_quark_mean_recip(len);
    uint64_t issued = 0, done = 0, cycles = 0;
    while (done < rows) {
        in.cmd_valid = issued < rows;
        asim_quark_step(s, &in, &o);
        cycles++;
        if (in.cmd_valid && o.cmd_ready)
            issued++;
        if (o.y_valid && o.y_last)
            done++;
    }
    *out = s->counts;
    out->cycles = cycles;
    asim_quark_step_free(s);
    return ASIM_OK;
}

uint64_t asim_quark_cmd_k(asim_quark_mode_t mode, uint64_t len, double scale)
{
    if (mode == ASIM_QUARK_LN)
        return asim_fx_wrap(asim_nl_quark_ln_offset(scale), ASIM_QUARK_K_BITS);
    return mode == ASIM_QUARK_LAYERNORM ? (uint64_t)asim_nl_quark_mean_recip(len) : 0;
}

asim_status_t asim_quark_row_kernel(asim_quark_mode_t mode, const int32_t *x, const int32_t *b,
                                    size_t n, const asim_nl_fmt_t *in, unsigned prob_bits,
                                    int32_t *y, asim_nl_fmt_t *out)
{
    static const int func[ASIM_QUARK_MODE_COUNT] = {
        [ASIM_QUARK_SOFTMAX] = ASIM_NL_SOFTMAX, [ASIM_QUARK_GELU] = ASIM_NL_GELU,
        [ASIM_QUARK_LAYERNORM] = ASIM_NL_LAYERNORM, [ASIM_QUARK_EXP] = ASIM_NL_EXP,
        [ASIM_QUARK_LN] = ASIM_NL_LN, [ASIM_QUARK_DIV] = ASIM_NL_DIV,
        [ASIM_QUARK_SILU] = ASIM_NL_SILU, [ASIM_QUARK_RMSNORM] = ASIM_NL_RMSNORM,
        [ASIM_QUARK_ADD] = -1, [ASIM_QUARK_TANH] = -1, [ASIM_QUARK_RELU] = -1,
        [ASIM_QUARK_MUL] = -1};
    if (mode >= ASIM_QUARK_MODE_COUNT)
        return ASIM_EARG;
    if (mode == ASIM_QUARK_TANH)
        return asim_nl_tanh_quark(x, n, in, y, out);
    if (mode == ASIM_QUARK_RELU)
        return asim_nl_relu_quark(x, n, in, y, out);
    if (mode == ASIM_QUARK_ADD || mode == ASIM_QUARK_MUL) {
        /* exact: the sum at the input scale, the product at its square */
        bool add = mode == ASIM_QUARK_ADD;
        for (size_t i = 0; i < n; i++)
            y[i] = add ? x[i] + b[i] : x[i] * b[i];
        *out = (asim_nl_fmt_t){add ? in->bits + 1 : 2 * in->bits, true,
                               add ? in->scale : in->scale * in->scale};
        return ASIM_OK;
    }
    asim_nl_op_t op = {ASIM_NL_QUARK, (asim_nl_func_t)func[mode], prob_bits};
    asim_error_t err;
    return asim_nl_run(&op, x, b, n, in, in, y, out, &err);
}
