/*
 * qmm_step.c: register-level model of rtl/qmm/qmm_engine.v (see qmm_step.h).
 *
 * Structure mirrors the RTL: the controller (qmm_ctrl.v: ctrl_comb(), ctrl_update()), the
 * shared pipeline registers of qmm_engine.v (stage_t st[1..9] and act1), and per DPU the
 * registers of qmm_dpu.v, qmm_lane.v and qmm_post.v (dpu_t). Every register is computed from
 * the values of the previous cycle: outputs and combinational signals first, then the stages
 * from the last to the first, so each reads its predecessor before that one is overwritten.
 * Where the RTL splits a sum over registers (the lanes' partial sums in stage 2, the lane
 * sums in stage 3), this model holds the DPU's exact total instead: the ports see the same.
 */
#include "qmm/qmm_step.h"
#include "util/arith.h"

#include <stdlib.h>
#include <string.h>

#include "asim/fixed.h"

/* Command fields, as held by the pending register and the active job. */
typedef struct {
    uint32_t m, n, k;
    unsigned amode, bbits, shift;
    bool asigned, bbin, bsigned;
    uint64_t m0;
} cmd_t;

typedef struct {
    bool pend_v, act_v;
    cmd_t pend, job;
    uint32_t m_left, n_left, k_left;
    unsigned pass;
} ctrl_t;

/* Control fields of a beat in the shared pipeline registers (qmm_engine.v <name><stage>). */
typedef struct {
    bool v, asigned, bbin, psign, glast;
    unsigned amode, nvalid, pshift, cols, shift;
    uint64_t m0;
} stage_t;

/* Registers of one DPU and its post-processing (qmm_dpu.v, qmm_post.v <name><stage>). */
typedef struct {
    uint64_t beta[7];               /* beta1..beta6 (index = stage), raw beta_bits */
    int64_t part2, sum3;            /* exact lane-sum total: in the lanes, in ls3 */
    uint64_t tree4;                 /* the total shifted by its bit plane, raw acc_bits */
    uint64_t acc, dot;              /* raw acc_bits */
    int64_t prod6, sum7, q8;        /* dot * m0; + beta; rounded and shifted: exact */
    uint64_t y9;                    /* raw out_bits */
} dpu_t;

struct asim_qmm_step {
    asim_qmm_params_t p;
    ctrl_t c;
    stage_t st[ASIM_QMM_PIPELINE + 1]; /* st[k]: stage k's registers, 1..9 (st[0] unused) */
    uint8_t *act1;      /* L lanes */
    uint8_t *b1;        /* D x L bytes */
    dpu_t *dpu;         /* D */
    bool *out_keep;
    uint64_t *out_data;
    asim_qmm_step_counts_t counts;
};

static void reset_state(asim_qmm_step_t *s)
{
    const asim_qmm_params_t *p = &s->p;
    memset(&s->c, 0, sizeof s->c);
    memset(s->st, 0, sizeof s->st);
    memset(s->act1, 0, p->lanes);
    memset(s->b1, 0, (size_t)p->dpus * p->lanes);
    memset(s->dpu, 0, sizeof *s->dpu * p->dpus);
    memset(&s->counts, 0, sizeof s->counts);
}

static bool params_ok(const asim_qmm_params_t *p)
{
    return p->dpus >= 1 && p->dpus <= 64 && p->lanes >= 1 && p->lanes <= 16 &&
           p->acc_bits > 9 + asim_clog2(p->lanes) && p->m0_bits >= 2 && p->m0_bits <= 32 &&
           p->acc_bits + p->m0_bits <= 60 && p->beta_bits >= 2 && p->beta_bits <= 60 &&
           p->shift_bits >= 1 && p->shift_bits <= 5 && p->out_bits >= 2 && p->out_bits <= 32 &&
           p->m_bits >= 2 && p->m_bits <= 32 && p->n_bits > asim_clog2(p->dpus + 1) &&
           p->n_bits <= 32 && p->k_bits > asim_clog2(8u * p->lanes + 1) && p->k_bits <= 32;
}

asim_status_t asim_qmm_step_create(const asim_qmm_params_t *p, asim_qmm_step_t **out,
                                   asim_error_t *err)
{
    *out = NULL;
    if (!params_ok(p))
        return asim_error_set(err, ASIM_ERANGE, "QMM step model",
                              "bad parameters (D %u, L %u, ACCW %u, M0W %u, BTW %u, SHW %u, "
                              "OW %u, MW %u, NW %u, KW %u)",
                              p->dpus, p->lanes, p->acc_bits, p->m0_bits, p->beta_bits,
                              p->shift_bits, p->out_bits, p->m_bits, p->n_bits, p->k_bits);
    asim_qmm_step_t *s = calloc(1, sizeof *s);
    if (!s)
        return asim_error_set(err, ASIM_ENOMEM, "QMM step model", "out of memory");
    s->p = *p;
    s->act1 = calloc(p->lanes, 1);
    s->b1 = calloc((size_t)p->dpus * p->lanes, 1);
    s->dpu = calloc(p->dpus, sizeof *s->dpu);
    s->out_keep = calloc(p->dpus, sizeof *s->out_keep);
    s->out_data = calloc(p->dpus, sizeof *s->out_data);
    if (!s->act1 || !s->b1 || !s->dpu || !s->out_keep || !s->out_data) {
        asim_qmm_step_free(s);
        return asim_error_set(err, ASIM_ENOMEM, "QMM step model", "out of memory");
    }
    reset_state(s);
    *out = s;
    return ASIM_OK;
}

void asim_qmm_step_free(asim_qmm_step_t *s)
{
    if (!s)
        return;
    free(s->act1);
    free(s->b1);
    free(s->dpu);
    free(s->out_keep);
    free(s->out_data);
    free(s);
}

const asim_qmm_step_counts_t *asim_qmm_step_counts(const asim_qmm_step_t *s)
{
    return &s->counts;
}

/* Combinational controller signals of one cycle (qmm_ctrl.v wires of the same names). */
typedef struct {
    bool step_last, pass_last, col_last, glast, job_last, in_ready, beat, pend_enter,
        cmd_ready;
    unsigned p, nvalid, cols;
} ctrl_comb_t;

/* Whether `pass` is the job's last pass over B's bit planes (qmm_ctrl.v pass_last). */
static bool last_pass(const cmd_t *job, unsigned pass)
{
    return job->bbin || pass == ((job->bbits - 1) & 15u);
}

static ctrl_comb_t ctrl_comb(const asim_qmm_step_t *s, const asim_qmm_in_t *in)
{
    const ctrl_t *c = &s->c;
    ctrl_comb_t k = {0};
    bool en = in->out_ready;
    k.p = 8u * s->p.lanes >> c->job.amode;
    k.step_last = c->k_left <= k.p;
    k.pass_last = last_pass(&c->job, c->pass);
    k.col_last = c->n_left <= s->p.dpus;
    k.glast = k.step_last && k.pass_last;
    k.job_last = k.glast && k.col_last && c->m_left == 1;
    k.in_ready = en && c->act_v;
    k.beat = k.in_ready && in->in_valid;
    k.pend_enter = en && c->pend_v && (!c->act_v || (k.beat && k.job_last));
    k.cmd_ready = en && (!c->pend_v || k.pend_enter);
    k.nvalid = k.step_last ? c->k_left : k.p;
    k.cols = k.col_last ? c->n_left : s->p.dpus;
    return k;
}

static void ctrl_update(asim_qmm_step_t *s, const asim_qmm_in_t *in, const ctrl_comb_t *k)
{
    const asim_qmm_params_t *p = &s->p;
    ctrl_t *c = &s->c;
    ctrl_t n = *c;
    if (k->pend_enter)
        n.pend_v = false;
    if (in->cmd_valid && k->cmd_ready) {
        n.pend_v = true;
        n.pend = (cmd_t){
            .m = in->cmd_m & (uint32_t)asim_fx_mask(p->m_bits),
            .n = in->cmd_n & (uint32_t)asim_fx_mask(p->n_bits),
            .k = in->cmd_k & (uint32_t)asim_fx_mask(p->k_bits),
            .amode = in->cmd_amode & 3u,
            .bbits = in->cmd_bbits & 15u,
            .shift = in->cmd_shift & (unsigned)asim_fx_mask(p->shift_bits),
            .asigned = in->cmd_asigned,
            .bbin = in->cmd_bbin,
            .bsigned = in->cmd_bsigned,
            .m0 = in->cmd_m0 & asim_fx_mask(p->m0_bits),
        };
    }
    if (k->pend_enter) {
        n.act_v = true;
        n.job = c->pend;
        n.m_left = c->pend.m;
        n.n_left = c->pend.n;
        n.k_left = c->pend.k;
        n.pass = 0;
    } else if (k->beat) {
        if (k->job_last)
            n.act_v = false;
        if (!k->step_last) {
            n.k_left = c->k_left - k->p;
        } else {
            n.k_left = c->job.k;
            if (!k->pass_last) {
                n.pass = (c->pass + 1) & 7u;
            } else {
                n.pass = 0;
                if (!k->col_last) {
                    n.n_left = c->n_left - p->dpus;
                } else {
                    n.n_left = c->job.n;
                    n.m_left = (c->m_left - 1) & (uint32_t)asim_fx_mask(p->m_bits);
                }
            }
        }
    }
    *c = n;
}

/* Sum over the valid elements of DPU d's stage-1 beat of its term: x if its B bit is 1,
 * else -x (binary B) or 0 (a multi-bit plane); qmm_lane.v computes it per lane. */
static int64_t dpu_tree(const asim_qmm_step_t *s, uint32_t d)
{
    const stage_t *st = &s->st[1];
    const uint8_t *b = &s->b1[(size_t)d * s->p.lanes];
    unsigned a_bits = 1u << st->amode;
    int64_t sum = 0;
    for (unsigned e = 0; e < st->nvalid; e++) {
        unsigned bit = e * a_bits;
        uint64_t raw = (uint64_t)(s->act1[bit / 8] >> (bit % 8)) & asim_fx_mask(a_bits);
        int64_t x = a_bits == 1 && st->asigned ? (raw ? 1 : -1)
                                               : asim_fx_value(raw, a_bits, st->asigned);
        bool bb = (b[e / 8] >> (e % 8)) & 1;
        sum += bb ? x : st->bbin ? -x : 0;
    }
    return sum;
}

static void count_activity(asim_qmm_step_t *s, const ctrl_comb_t *k, const asim_qmm_out_t *out)
{
    asim_qmm_step_counts_t *n = &s->counts;
    if (k->beat) {
        n->beats++;
        n->passes += k->step_last;
        n->act_reads += k->nvalid;
        n->b_bit_reads += (uint64_t)k->nvalid * k->cols;
        if (s->c.pass == 0)
            n->macs += (uint64_t)k->nvalid * k->cols;
    }
    if (s->st[4].v && s->st[4].glast)
        n->groups++;
    for (uint32_t d = 0; d < s->p.dpus; d++)
        n->outputs += out->out_keep[d];
}

/* Stage 5 (the double buffer) loads on a group's last beat only. */
static bool stage_loads(const asim_qmm_step_t *s, unsigned k)
{
    return k == 5 ? s->st[4].v && s->st[4].glast : s->st[k - 1].v;
}

/* Stages 9 .. 1 of the shared registers and every DPU, from the previous cycle's values. */
static void pipeline_update(asim_qmm_step_t *s, const asim_qmm_in_t *in, const ctrl_comb_t *k)
{
    const asim_qmm_params_t *p = &s->p;
    const ctrl_t *c = &s->c;
    const stage_t *st = s->st;
    for (uint32_t d = 0; d < p->dpus; d++) {
        dpu_t *u = &s->dpu[d];
        if (st[8].v)
            u->y9 = asim_fx_wrap(asim_fx_sat(u->q8, asim_fx_min(p->out_bits, true),
                                             asim_fx_max(p->out_bits, true)),
                                 p->out_bits);
        if (st[7].v)
            u->q8 = asim_fx_round_shr(u->sum7, st[7].shift);
        if (st[6].v)
            u->sum7 = u->prod6 + asim_fx_value(u->beta[6], p->beta_bits, true);
        if (st[5].v) {
            u->prod6 = asim_fx_value(u->dot, p->acc_bits, true) *
                       asim_fx_value(st[5].m0, p->m0_bits, true);
            u->beta[6] = u->beta[5];
        }
        if (st[4].v) {
            uint64_t next = asim_fx_wrap(
                (int64_t)(st[4].psign ? u->acc - u->tree4 : u->acc + u->tree4), p->acc_bits);
            u->acc = st[4].glast ? 0 : next;
            if (st[4].glast) {
                u->dot = next;
                u->beta[5] = u->beta[4];
            }
        }
        if (st[3].v) {
            u->tree4 = asim_fx_wrap(asim_fx_shl(u->sum3, st[3].pshift), p->acc_bits);
            u->beta[4] = u->beta[3];
        }
        if (st[2].v) {
            u->sum3 = u->part2;
            u->beta[3] = u->beta[2];
        }
        if (st[1].v) {
            u->part2 = dpu_tree(s, d);
            u->beta[2] = u->beta[1];
        }
        if (k->beat)
            u->beta[1] = in->in_beta[d] & asim_fx_mask(p->beta_bits);
    }
    for (unsigned i = ASIM_QMM_PIPELINE; i >= 2; i--) {
        bool load = stage_loads(s, i);
        if (load)
            s->st[i] = s->st[i - 1];
        s->st[i].v = load;
    }
    s->st[1].v = k->beat;
    if (k->beat) {
        s->st[1] = (stage_t){
            .v = true,
            .asigned = c->job.asigned,
            .bbin = c->job.bbin,
            .psign = !c->job.bbin && c->job.bsigned && k->pass_last,
            .glast = k->glast,
            .amode = c->job.amode,
            .nvalid = k->nvalid,
            .pshift = c->pass,
            .cols = k->cols,
            .shift = c->job.shift,
            .m0 = c->job.m0,
        };
        memcpy(s->act1, in->in_act, p->lanes);
        memcpy(s->b1, in->in_b, (size_t)p->dpus * p->lanes);
    }
}

/* Whether any stage holds a beat. */
static bool pipeline_busy(const asim_qmm_step_t *s)
{
    for (unsigned i = 1; i <= ASIM_QMM_PIPELINE; i++)
        if (s->st[i].v)
            return true;
    return false;
}

void asim_qmm_step(asim_qmm_step_t *s, const asim_qmm_in_t *in, asim_qmm_out_t *out)
{
    const asim_qmm_params_t *p = &s->p;
    ctrl_comb_t k = ctrl_comb(s, in);
    out->cmd_ready = k.cmd_ready;
    out->in_ready = k.in_ready;
    const stage_t *last = &s->st[ASIM_QMM_PIPELINE];
    out->out_valid = last->v;
    out->busy = s->c.pend_v || s->c.act_v || pipeline_busy(s);
    out->out_keep = s->out_keep;
    out->out_data = s->out_data;
    for (uint32_t d = 0; d < p->dpus; d++) {
        s->out_keep[d] = last->v && d < last->cols;
        s->out_data[d] = s->out_keep[d] ? s->dpu[d].y9 : 0;
    }
    if (in->rst) {
        reset_state(s);
        return;
    }
    if (s->c.act_v || pipeline_busy(s))
        s->counts.cycles++;
    if (!in->out_ready)
        return;
    count_activity(s, &k, out);
    pipeline_update(s, in, &k);
    ctrl_update(s, in, &k);
}

asim_status_t asim_qmm_step_run_job(const asim_qmm_geom_t *g, const asim_qmm_job_t *j,
                                    asim_qmm_counts_t *out, asim_error_t *err)
{
    const uint64_t lim = UINT64_C(1) << 16;
    bool act_ok = j->act_bits == 1 || j->act_bits == 2 || j->act_bits == 4 || j->act_bits == 8;
    if (j->m == 0 || j->n == 0 || j->k == 0 || j->m >= lim || j->n >= lim || j->k >= lim ||
        !act_ok || j->b_bits < 1 || j->b_bits > 8)
        return asim_error_set(err, ASIM_ERANGE, "QMM step model",
                              "job %llux%llux%llu a%d b%d cannot be stepped",
                              (unsigned long long)j->m, (unsigned long long)j->n,
                              (unsigned long long)j->k, j->act_bits, j->b_bits);
    asim_qmm_params_t p = {.dpus = g->dpus, .lanes = g->lanes, .acc_bits = 32, .m0_bits = 16,
                           .beta_bits = 24, .shift_bits = 5, .out_bits = 8, .m_bits = 16,
                           .n_bits = 16, .k_bits = 16};
    asim_qmm_step_t *s;
    asim_status_t st = asim_qmm_step_create(&p, &s, err);
    if (st != ASIM_OK)
        return st;
    uint8_t *act = calloc(g->lanes, 1), *b = calloc((size_t)g->dpus * g->lanes, 1);
    uint64_t *beta = calloc(g->dpus, sizeof *beta);
    if (!act || !b || !beta) {
        free(act);
        free(b);
        free(beta);
        asim_qmm_step_free(s);
        return asim_error_set(err, ASIM_ENOMEM, "QMM step model", "out of memory");
    }
    unsigned amode = (unsigned)asim_fx_lod((uint64_t)j->act_bits);
    asim_qmm_in_t in = {.out_ready = true, .cmd_valid = true, .cmd_m = (uint32_t)j->m,
                        .cmd_n = (uint32_t)j->n, .cmd_k = (uint32_t)j->k, .cmd_amode = amode,
                        .cmd_bbin = j->b_binary, .cmd_bbits = (unsigned)j->b_bits,
                        .cmd_bsigned = true, .in_valid = true, .in_act = act, .in_b = b,
                        .in_beta = beta};
    asim_qmm_out_t o;
    /* Any job takes at most m * n * k * 8 beats (one element, one column, 8 passes each). */
    uint64_t limit = j->m * j->n * j->k * 8 + 64, cycle = 0;
    for (; cycle < limit; cycle++) {
        bool taken = !in.cmd_valid;
        asim_qmm_step(s, &in, &o);
        if (in.cmd_valid && o.cmd_ready)
            in.cmd_valid = false;
        if (taken && !o.busy)
            break;
    }
    const asim_qmm_step_counts_t *c = &s->counts;
    *out = (asim_qmm_counts_t){
        .cycles = c->cycles,
        .passes = c->groups ? c->passes / c->groups : 0,
        .groups = c->groups,
        .k_steps = c->passes ? c->beats / c->passes : 0,
        .macs = c->macs,
        .act_reads = c->act_reads,
        .b_bit_reads = c->b_bit_reads,
        .outputs = c->outputs,
    };
    free(act);
    free(b);
    free(beta);
    asim_qmm_step_free(s);
    if (cycle == limit)
        return asim_error_set(err, ASIM_ERANGE, "QMM step model",
                              "job %llux%llux%llu did not finish in %llu cycles",
                              (unsigned long long)j->m, (unsigned long long)j->n,
                              (unsigned long long)j->k, (unsigned long long)limit);
    return ASIM_OK;
}
