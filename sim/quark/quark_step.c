/*
 * nl_quark_step.c: the QUARK unit's step model (see nl_quark_step.h). The design's pipeline
 * (docs/nonlinear.md, "Rows, passes and timing") in its own terms: what each stage computes
 * and how many register stages it takes; the values between two computing stages just wait.
 * Depths are enabled edges after the edge that takes a beat (depth 0):
 *   AT_F1  (1)   x - max (softmax) and y = x 2^14 - mean: the row constants rmax and rmean are
 *                read here; the input requantizer (REQ_STAGES) and the GELU multiplier
 *                (GELU_STAGES) follow
 *   AT_S1  (11)  the lane operands; softmax subtracts ln(sum) and the normalisations take
 *                ln(sigma): rln is read here
 *   AT_S2  (20)  stage A: Appro-Exp (EXP_A) or Appro-LN (LN_A), EXP_STAGES, and the LN offset;
 *                the exp+sum pass feeds its EXP_A results into the row accumulator instead
 *   AT_S3  (39)  stage B: GELU pair sum, Appro-LN (LN_B), the exp argument, Appro-Exp (EXP_B),
 *                the sign
 *   AT_Y   (42)  stage C: output formatting (softmax width, x * sigma, 2s - 1), then y
 * Row constants: the max and mean passes' trees (T = clog2(N) levels) update rmax / rsum T + 1
 * edges after the beat, the mean multiplier writes rmean MEAN_STAGES later; the squares of the
 * var pass reach racc T + 7 edges after the beat, EXP_A sums of the exp+sum pass T + 20;
 * ln(racc) (LN_STAGES, then rln) is written LN_STAGES + 1 edges after racc's last update.
 * A pass waits until the constant it needs is written by the time its first beat reads it.
 */
#include <stdlib.h>
#include <string.h>

#include "asim/fixed.h"
#include "nonlinear/nl_kernels.h"
#include "quark/quark_step.h"

#define QF ASIM_NL_QF
#define MAXN ASIM_QUARK_MAX_LANES
#define MODE_NONE ASIM_QUARK_MODE_COUNT /* a mode outside MODES */

/* The design's stage counts (docs/nonlinear.md). */
enum {
    EXP_STAGES = 8,  /* Appro-Exp */
    LN_STAGES = 8,   /* Appro-LN */
    REQ_STAGES = 6,  /* input requantizer: 2 DSP stages, sum, rounding shift (2), saturation */
    GELU_STAGES = 3, /* GELU/tanh/SiLU multiplier: DSP M and P, then z, -z and z > 0 */
    SQ_STAGES = 5,   /* var pass: |y|, square (DSP M, P), its sum, rounding */
    MEAN_STAGES = 5, /* mean multiplier: DSP M, P, two adder stages, rmean */
    AT_F1 = 1,
    AT_S1 = AT_F1 + REQ_STAGES + GELU_STAGES + 1,
    AT_S2 = AT_S1 + EXP_STAGES + 1,
    AT_S3 = AT_S2 + 1 + LN_STAGES + 1 + EXP_STAGES + 1,
    AT_Y = AT_S3 + 3,
    RING = 64, /* > AT_Y and > every row-constant delay */
};

enum { K_MAX, K_MEAN, K_VAR, K_SUM, K_OUT }; /* what a pass does with its beats */

typedef struct {
    bool valid, first, lastp, lastrow;
    unsigned kind, mode, cnt, pb;
    uint32_t m;                  /* the row's command fields, taken with the beat */
    unsigned e;
    int64_t cmd_k;
    int64_t k;                   /* row constant carried with the beat from AT_S1 */
    int64_t x[MAXN];             /* input codes, lanes past the row's end zeroed */
    int64_t q14[MAXN], y[MAXN];  /* AT_F1: requantized input; x 2^14 - mean */
    int64_t a[MAXN];             /* lane values */
    int64_t b[MAXN / 2], xp[MAXN / 2]; /* pair modes: -m and the input code of pair j */
    bool neg[MAXN], zero[MAXN];
} beat_t;

/* Row-register writes due at one edge. */
typedef struct {
    bool max, sum, acc, mean, ln;
    bool first_max, first_sum, first_acc, last_sum, last_acc, acc_var;
    int64_t bmax, bsum, rmean, rln;
    uint64_t bacc;
} due_t;

struct asim_quark_step {
    asim_quark_params_t p;
    unsigned t; /* T = clog2(N) */
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
    /* the beat taken at edge E is beats[E % RING] until depth AT_Y */
    uint64_t now; /* enabled edges since creation */
    beat_t beats[RING];
    unsigned in_flight; /* output-bound beats at depths 0 .. AT_Y - 1 */
    due_t due[RING];
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

/* Passes over a row (see quark.h), restated here so that the property test compares two
 * implementations of the timing. */
static unsigned row_passes(unsigned mode)
{
    if (mode == ASIM_QUARK_SOFTMAX || mode == ASIM_QUARK_LAYERNORM)
        return 3;
    return mode == ASIM_QUARK_RMSNORM ? 2 : 1;
}

/* Edges from a beat to the write of the row constant its pass produces. */
static unsigned rmax_at(const asim_quark_step_t *s) { return s->t + 1; }
static unsigned rmean_at(const asim_quark_step_t *s) { return s->t + 1 + MEAN_STAGES; }
static unsigned racc_var_at(const asim_quark_step_t *s) { return AT_F1 + SQ_STAGES + s->t + 1; }
static unsigned racc_sum_at(const asim_quark_step_t *s) { return AT_S1 + EXP_STAGES + s->t + 1; }

/* Idle cycles after pass `pass`: the next pass's first beat, taken gap + 1 edges after the
 * last beat, reads the constant at its depth, which must not come before its write. */
static unsigned pass_gap(const asim_quark_step_t *s, unsigned mode, unsigned pass)
{
    if (mode == ASIM_QUARK_SOFTMAX)
        return pass == 0 ? rmax_at(s) - AT_F1 : racc_sum_at(s) + LN_STAGES + 1 - AT_S1;
    if (mode == ASIM_QUARK_LAYERNORM && pass == 0)
        return rmean_at(s) - AT_F1;
    return racc_var_at(s) + LN_STAGES + 1 - AT_S1;
}

/* LayerNorm and RMSNorm share the normalisation datapath. */
static bool norm_mode(unsigned mode)
{
    return mode == ASIM_QUARK_LAYERNORM || mode == ASIM_QUARK_RMSNORM;
}

/* The mean the variance and normalise passes subtract: RMSNorm's is 0. */
static int64_t row_mean(const asim_quark_step_t *s, unsigned mode)
{
    return mode == ASIM_QUARK_RMSNORM ? 0 : s->rmean;
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
    while ((1u << s->t) < p->lanes)
        s->t++;
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
    for (unsigned i = 0; i < RING; i++) {
        s->beats[i].valid = false;
        s->due[i] = (due_t){0};
    }
    s->in_flight = 0;
    s->y_valid = s->y_last = false;
    s->y_count = 0;
    memset(s->y_data, 0, sizeof s->y_data);
}

static due_t *due_at(asim_quark_step_t *s, unsigned edges)
{
    return &s->due[(s->now + edges) % RING];
}

/* Beat bt's pass sum (var: of the variance pass) reaches the row accumulator `edges` from now. */
static void due_acc(asim_quark_step_t *s, unsigned edges, const beat_t *bt, bool var,
                    uint64_t sum)
{
    due_t *du = due_at(s, edges);
    ASIM_ASSERT(!du->acc);
    du->acc = true;
    du->acc_var = var;
    du->first_acc = bt->first;
    du->last_acc = bt->lastp;
    du->bacc = sum;
}

/* ---- depth 0: the beat taken this edge ---- */

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

/* The max and mean passes' trees: rmax / rsum updated rmax_at() edges after the beat. */
static void front_reduce(asim_quark_step_t *s, const beat_t *bt)
{
    due_t *d = due_at(s, rmax_at(s));
    if (bt->kind == K_MAX) {
        int64_t bmax = asim_fx_min(s->p.in_bits, true);
        for (unsigned i = 0; i < bt->cnt; i++)
            bmax = bt->x[i] > bmax ? bt->x[i] : bmax;
        d->max = true;
        d->first_max = bt->first;
        d->bmax = bmax;
    } else {
        int64_t sum = 0;
        for (unsigned i = 0; i < bt->cnt; i++)
            sum += bt->x[i];
        d->sum = true;
        d->first_sum = bt->first;
        d->last_sum = bt->lastp;
        d->bsum = sum;
    }
}

/* ---- AT_F1: x - max and y = x 2^14 - mean; the var pass's squares ---- */
static void front_f1(asim_quark_step_t *s, beat_t *bt)
{
    unsigned n = s->p.lanes;
    asim_nl_dyadic_t d = {bt->m, bt->e};
    for (unsigned i = 0; i < n; i++) {
        int64_t c = bt->mode == ASIM_QUARK_SOFTMAX ? bt->x[i] - s->rmax : bt->x[i];
        bt->q14[i] = asim_nl_quark_to_q14(c, d);
        bt->y[i] = asim_fx_shl(bt->x[i], QF) - row_mean(s, bt->mode);
    }
    if (bt->kind != K_VAR)
        return;
    uint64_t sq = 0;
    for (unsigned i = 0; i < bt->cnt; i++)
        sq += (uint64_t)asim_fx_round_shr(bt->y[i] * bt->y[i], QF);
    s->counts.mul_ops += bt->cnt;
    due_acc(s, racc_var_at(s) - AT_F1, bt, true, sq);
    bt->valid = false; /* the var pass's beats end in the accumulator */
}

/* ---- AT_S1: the lane operands of an exp+sum or output beat ---- */
static void front_operands(asim_quark_step_t *s, beat_t *o)
{
    unsigned n = s->p.lanes, half = n / 2, mode = o->mode, cnt = o->cnt;
    const int64_t *x = o->x;
    memset(o->a, 0, sizeof o->a);
    memset(o->neg, 0, sizeof o->neg);
    memset(o->zero, 0, sizeof o->zero);
    o->k = 0;
    if (o->kind == K_SUM) {
        for (unsigned i = 0; i < n; i++)
            o->a[i] = o->q14[i];
        s->counts.mul_ops += cnt;
        return;
    }
    switch (mode) {
    case ASIM_QUARK_SOFTMAX:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = o->q14[i] - s->rln;
        s->counts.mul_ops += cnt;
        break;
    case ASIM_QUARK_GELU:
    case ASIM_QUARK_TANH:
    case ASIM_QUARK_SILU: {
        int64_t kk = mode == ASIM_QUARK_GELU   ? ASIM_NL_QUARK_GELU_K
                     : mode == ASIM_QUARK_SILU ? ASIM_NL_QUARK_SILU_K
                                             : ASIM_NL_QUARK_TANH_K;
        for (unsigned j = 0; j < half; j++) {
            int64_t z = asim_fx_round_shr(-kk * o->q14[j], QF);
            int64_t m = z > 0 ? z : 0;
            o->a[2 * j] = -m;
            o->a[2 * j + 1] = z - m;
            o->b[j] = -m;
            o->xp[j] = x[j];
        }
        s->counts.mul_ops += 2 * (uint64_t)cnt;
        break;
    }
    case ASIM_QUARK_EXP:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = o->q14[i];
        s->counts.mul_ops += cnt;
        break;
    case ASIM_QUARK_LN:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = x[i] > 0 ? x[i] : 0;
        o->k = o->cmd_k;
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
            o->xp[j] = x[j];
        }
        break;
    case ASIM_QUARK_RELU:
        for (unsigned i = 0; i < n; i++)
            o->a[i] = x[i] > 0 ? asim_fx_shl(x[i], QF) : 0;
        break;
    case ASIM_QUARK_LAYERNORM:
    case ASIM_QUARK_RMSNORM:
        for (unsigned i = 0; i < n; i++) {
            int64_t y = o->y[i];
            o->a[i] = y < 0 ? -y : y;
            o->neg[i] = y < 0;
            o->zero[i] = y == 0;
        }
        o->k = s->rln;
        break;
    default: break;
    }
}

/* ---- AT_S2: stage A (or, for the exp+sum pass, into the row accumulator) ---- */
static void stage_a(asim_quark_step_t *s, beat_t *i)
{
    unsigned n = s->p.lanes;
    if (i->kind == K_SUM) {
        uint64_t sum = 0;
        for (unsigned l = 0; l < i->cnt; l++)
            sum += (uint64_t)asim_nl_quark_exp(i->a[l]);
        s->counts.exp_ops += i->cnt;
        due_acc(s, racc_sum_at(s) - AT_S2, i, false, sum);
        i->valid = false;
        return;
    }
    for (unsigned l = 0; l < n; l++) {
        switch (i->mode) {
        case ASIM_QUARK_SOFTMAX:
        case ASIM_QUARK_EXP:
        case ASIM_QUARK_GELU:
        case ASIM_QUARK_TANH:
        case ASIM_QUARK_SILU: i->a[l] = asim_nl_quark_exp(i->a[l]); break;
        case ASIM_QUARK_LN: i->a[l] = asim_nl_quark_ln((uint64_t)i->a[l], 0) + i->k; break;
        case ASIM_QUARK_DIV: i->a[l] = asim_nl_quark_ln((uint64_t)i->a[l], 0); break;
        case ASIM_QUARK_LAYERNORM:
        case ASIM_QUARK_RMSNORM:
            i->a[l] = asim_nl_quark_ln((uint64_t)i->a[l], QF) - i->k;
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

/* ---- AT_S3: stage B ---- */
static void stage_b(asim_quark_step_t *s, beat_t *i)
{
    unsigned n = s->p.lanes, half = n / 2;
    int64_t a[MAXN];
    memcpy(a, i->a, sizeof a);
    uint64_t c = i->cnt;
    switch (i->mode) {
    case ASIM_QUARK_GELU:
    case ASIM_QUARK_TANH:
    case ASIM_QUARK_SILU:
        for (unsigned j = 0; j < half; j++) {
            int64_t sum = a[2 * j] + a[2 * j + 1];
            i->a[j] = asim_nl_quark_exp(i->b[j] - asim_nl_quark_ln((uint64_t)sum, QF));
            i->a[j + half] = 0;
        }
        s->counts.exp_ops += c;
        s->counts.ln_ops += c;
        break;
    case ASIM_QUARK_DIV:
        for (unsigned j = 0; j < half; j++) {
            int64_t q = i->zero[j] ? 0 : asim_nl_quark_exp(a[j] - a[j + half]);
            i->a[j] = i->neg[j] ? -q : q;
            i->a[j + half] = 0;
        }
        s->counts.exp_ops += c;
        break;
    case ASIM_QUARK_LAYERNORM:
    case ASIM_QUARK_RMSNORM:
        for (unsigned l = 0; l < n; l++) {
            int64_t mag = i->zero[l] ? 0 : asim_nl_quark_exp(a[l]);
            i->a[l] = i->neg[l] ? -mag : mag;
        }
        s->counts.exp_ops += c;
        break;
    default: break;
    }
}

/* ---- AT_Y: stage C into the output register (an invalid beat: zeros) ---- */
static void stage_c(asim_quark_step_t *s, const beat_t *i)
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
            case ASIM_QUARK_MUL: v = i->xp[l] * i->a[l]; break;
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

/* ---- row registers: the writes due at this edge (read the registers before it) ---- */
static void row_constants(asim_quark_step_t *s)
{
    due_t *d = due_at(s, 0);
    if (d->max)
        s->rmax = d->first_max || d->bmax > s->rmax ? d->bmax : s->rmax;
    if (d->sum) {
        s->rsum = (d->first_sum ? 0 : s->rsum) + d->bsum;
        if (d->last_sum) { /* the mean multiplier reads rsum and R_N (cmd_k) next */
            due_t *m = due_at(s, MEAN_STAGES);
            m->mean = true;
            m->rmean = asim_fx_round_shr(s->rsum * s->k, 32);
            s->counts.mul_ops++;
        }
    }
    if (d->mean)
        s->rmean = d->rmean;
    if (d->acc) {
        s->racc = (d->first_acc ? 0 : s->racc) + d->bacc;
        if (d->last_acc) { /* ln(racc) and ln(len), LN_STAGES, then rln */
            due_t *r = due_at(s, LN_STAGES + 1);
            r->ln = true;
            if (d->acc_var) {
                r->rln = asim_fx_asr(asim_nl_quark_ln(s->racc, QF) - asim_nl_quark_ln(s->len, 0), 1);
                s->counts.ln_ops += 2;
            } else {
                r->rln = asim_nl_quark_ln(s->racc, QF);
                s->counts.ln_ops++;
            }
        }
    }
    if (d->ln)
        s->rln = d->rln;
    *d = (due_t){0};
}

/* The beat that reaches `depth` at this edge, or NULL. */
static beat_t *beat_at(asim_quark_step_t *s, unsigned depth)
{
    beat_t *b = &s->beats[(s->now - depth) % RING];
    return s->now >= depth && b->valid ? b : NULL;
}

void asim_quark_step(asim_quark_step_t *s, const asim_quark_in_t *in, asim_quark_out_t *out)
{
    unsigned n = s->p.lanes;
    bool en = in->out_ready;
    out->cmd_ready = en && !s->busy;
    out->x_ready = en && s->busy && s->wait == 0;
    out->busy = s->busy || s->in_flight > 0 || s->y_valid;
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

    /* Each stage reads the row registers before this edge; their writes come last. */
    beat_t *b;
    static const beat_t none = {.valid = false};
    if ((b = beat_at(s, AT_Y)) != NULL) {
        stage_c(s, b);
        s->in_flight--;
    } else {
        stage_c(s, &none);
    }
    if ((b = beat_at(s, AT_S3)) != NULL)
        stage_b(s, b);
    if ((b = beat_at(s, AT_S2)) != NULL)
        stage_a(s, b);
    if ((b = beat_at(s, AT_S1)) != NULL)
        front_operands(s, b);
    if ((b = beat_at(s, AT_F1)) != NULL)
        front_f1(s, b);
    row_constants(s);

    beat_t *nb = &s->beats[s->now % RING];
    nb->valid = false;
    if (in->x_valid && out->x_ready) {
        unsigned mode = s->mode, kind = pass_kind(mode, s->pass);
        bool pair = pair_mode(mode);
        uint32_t per = pair ? n / 2 : n;
        unsigned cnt = s->rem < per ? s->rem : per;
        bool lastp = s->rem <= per;
        bool lastpass = s->pass + 1 == row_passes(mode);
        nb->valid = true;
        nb->first = s->first;
        nb->lastp = lastp;
        nb->lastrow = lastp && lastpass;
        nb->kind = kind;
        nb->mode = mode;
        nb->cnt = cnt;
        nb->pb = s->pb;
        nb->m = s->m;
        nb->e = s->e;
        nb->cmd_k = s->k;
        front_lanes(s, in->x_data, cnt, pair, nb->x);
        s->counts.beats++;
        s->counts.in_elems += (uint64_t)cnt * (pair && asim_quark_is_binary(mode) ? 2 : 1);
        s->counts.lane_uses += (uint64_t)cnt * (pair ? 2 : 1);
        if (kind == K_MAX || kind == K_MEAN) {
            front_reduce(s, nb);
            nb->valid = false;
        } else if (kind == K_OUT) {
            s->in_flight++;
        }
        if (lastp && lastpass) {
            s->busy = false;
            s->counts.rows++;
        } else if (lastp) {
            s->wait = pass_gap(s, mode, s->pass);
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
    s->now++;
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
