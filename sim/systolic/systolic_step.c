/*
 * systolic_step.c: register-level model of rtl/systolic/systolic_array.v (see systolic_step.h).
 *
 * Structure mirrors the RTL module by module: the controller (sys_ctrl.v) turns commands and
 * stream beats into one west bundle per row lane and one north bundle per column lane; skew
 * lines (sys_skew.v) delay row lane i by i + 1 registers and column lane j by j + 1; the PE
 * grid (sys_pe.v) does the rest. Every register is computed from the values of the previous
 * cycle: combinational signals first, then all next values, then the commit.
 */
#include "systolic/systolic_step.h"

#include <stdlib.h>
#include <string.h>

#include "asim/fixed.h"

/* West bundle: one streamed beat travelling east along a row (sys_pe.v W_* fields). */
typedef struct {
    bool v, first, last, sel, acc, ruse;
    uint32_t cols;  /* used columns left, counting this one: the PE's column is used if > 0 */
    uint64_t a;
} wbundle_t;

/* North bundle: an os operand or a ws/is load beat travelling south along a column. */
typedef struct {
    bool ld, buf;
    uint32_t hops;  /* load beats: rows still to pass; captured where it reaches 0 */
    uint64_t b;
} nbundle_t;

/* Vertical result link: os drain chain or ws/is partial-sum chain. */
typedef struct {
    bool val, acc;
    uint64_t sum;
} vbundle_t;

/* One PE pipeline register between the multiply and the accumulate (sys_pe.v m, p). */
typedef struct {
    bool v, first, last, acc, ruse, cuse;  /* the beat's flags; cuse: its column is used */
    uint64_t prod;                         /* the product, wrapped to acc_bits */
} stage_t;

typedef struct {
    wbundle_t w;        /* registered west input, passed east */
    stage_t pipe[ASIM_SYSTOLIC_PE_STAGES]; /* [0]: just multiplied; the last feeds the MAC */
    nbundle_t n;        /* registered north input, passed south */
    uint64_t wbuf[2];   /* double-buffered stationary operand (ws/is) */
    uint64_t acc;       /* os accumulator */
    vbundle_t res;      /* os result held from the last MAC to the column capture */
    vbundle_t out;      /* vertical link register, passed south */
} pe_t;

/* Command fields, as held by the pending register and the two stages. */
typedef struct {
    bool stat, acc, ovl, buf;
    uint32_t len, rows, cols;
} tile_t;

typedef struct {
    bool pend_v, ld_v, ld_done, st_v, mode, buf_ptr;
    tile_t pend, ld, st;
    uint32_t ld_cnt, st_cnt;
    uint32_t since;     /* cycles since the last beat of the last streamed tile, saturating */
} ctrl_t;

struct asim_systolic_step {
    asim_systolic_params_t p;
    ctrl_t c;
    pe_t *pe;           /* R x C, row-major */
    wbundle_t *rowline; /* lane i: i + 1 registers from rowoff[i] */
    nbundle_t *colline; /* lane j: j + 1 registers from coloff[j] */
    uint32_t *rowoff, *coloff;
    wbundle_t *wnext;   /* per lane: the bundle entering the skew line this cycle */
    nbundle_t *nnext;
    bool *cap;          /* per column: os capture this cycle */
    bool *capline;      /* per column: the capture's delay line (ASIM_SYSTOLIC_PE_STAGES) */
    pe_t *penext;       /* next PE state, committed after all are computed */
    bool *out_valid, *out_acc;
    uint64_t *out_data;
    asim_systolic_counts_t counts;
};

/* Cycles from a tile's last beat to its last output: R + C + 2 (ws/is), 2R + C + 2 (os),
 * the 2 being the PE pipeline. */
static uint32_t drain_cycles(const asim_systolic_params_t *p, bool stat)
{
    return (stat ? 0 : p->rows) + p->rows + p->cols + ASIM_SYSTOLIC_PE_STAGES;
}

/* Saturation value of the `since` counter: one more than the longest drain. */
static uint32_t since_max(const asim_systolic_params_t *p)
{
    return 2 * p->rows + p->cols + ASIM_SYSTOLIC_PE_STAGES + 1;
}

static void reset_state(asim_systolic_step_t *s)
{
    const asim_systolic_params_t *p = &s->p;
    memset(&s->c, 0, sizeof s->c);
    s->c.since = since_max(p);
    memset(s->pe, 0, sizeof *s->pe * p->rows * p->cols);
    memset(s->rowline, 0, sizeof *s->rowline * s->rowoff[p->rows]);
    memset(s->colline, 0, sizeof *s->colline * s->coloff[p->cols]);
    memset(s->capline, 0, sizeof *s->capline * p->cols * ASIM_SYSTOLIC_PE_STAGES);
    memset(&s->counts, 0, sizeof s->counts);
}

asim_status_t asim_systolic_step_create(const asim_systolic_params_t *p,
                                        asim_systolic_step_t **out, asim_error_t *err)
{
    *out = NULL;
    if (p->rows < 1 || p->cols < 1 || p->a_bits < 2 || p->a_bits > 16 || p->b_bits < 2 ||
        p->b_bits > 16 || p->acc_bits < 2 || p->acc_bits > 64 || p->len_bits < 1 ||
        p->len_bits > 32)
        return asim_error_set(err, ASIM_ERANGE, "systolic step model",
                              "bad parameters (R %u, C %u, AW %u, BW %u, ACCW %u, TW %u)",
                              p->rows, p->cols, p->a_bits, p->b_bits, p->acc_bits, p->len_bits);
    asim_systolic_step_t *s = calloc(1, sizeof *s);
    if (!s)
        return asim_error_set(err, ASIM_ENOMEM, "systolic step model", "out of memory");
    s->p = *p;
    size_t r = p->rows, c = p->cols;
    s->pe = calloc(r * c, sizeof *s->pe);
    s->penext = calloc(r * c, sizeof *s->penext);
    s->rowoff = calloc(r + 1, sizeof *s->rowoff);
    s->coloff = calloc(c + 1, sizeof *s->coloff);
    s->rowline = calloc(r * (r + 1) / 2, sizeof *s->rowline);
    s->colline = calloc(c * (c + 1) / 2, sizeof *s->colline);
    s->wnext = calloc(r, sizeof *s->wnext);
    s->nnext = calloc(c, sizeof *s->nnext);
    s->cap = calloc(c, sizeof *s->cap);
    s->capline = calloc(c * ASIM_SYSTOLIC_PE_STAGES, sizeof *s->capline);
    s->out_valid = calloc(c, sizeof *s->out_valid);
    s->out_acc = calloc(c, sizeof *s->out_acc);
    s->out_data = calloc(c, sizeof *s->out_data);
    if (!s->pe || !s->penext || !s->rowoff || !s->coloff || !s->rowline || !s->colline ||
        !s->wnext || !s->nnext || !s->cap || !s->capline || !s->out_valid || !s->out_acc ||
        !s->out_data) {
        asim_systolic_step_free(s);
        return asim_error_set(err, ASIM_ENOMEM, "systolic step model", "out of memory");
    }
    for (uint32_t i = 0; i < p->rows; i++)
        s->rowoff[i + 1] = s->rowoff[i] + i + 1;
    for (uint32_t j = 0; j < p->cols; j++)
        s->coloff[j + 1] = s->coloff[j] + j + 1;
    reset_state(s);
    *out = s;
    return ASIM_OK;
}

void asim_systolic_step_free(asim_systolic_step_t *s)
{
    if (!s)
        return;
    free(s->pe);
    free(s->penext);
    free(s->rowoff);
    free(s->coloff);
    free(s->rowline);
    free(s->colline);
    free(s->wnext);
    free(s->nnext);
    free(s->cap);
    free(s->capline);
    free(s->out_valid);
    free(s->out_acc);
    free(s->out_data);
    free(s);
}

static void bind_outputs(asim_systolic_step_t *s, asim_systolic_out_t *out)
{
    out->out_valid = s->out_valid;
    out->out_acc = s->out_acc;
    out->out_data = s->out_data;
}

const asim_systolic_counts_t *asim_systolic_step_counts(const asim_systolic_step_t *s)
{
    return &s->counts;
}

/* Combinational controller signals of one cycle (sys_ctrl.v wires of the same names). */
typedef struct {
    bool st_beat, st_last, ld_beat, ld_last, move, enter_ld, enter_st, pend_enter;
} ctrl_comb_t;

static ctrl_comb_t ctrl_comb(const asim_systolic_step_t *s, const asim_systolic_in_t *in)
{
    const ctrl_t *c = &s->c;
    const asim_systolic_params_t *p = &s->p;
    ctrl_comb_t k = {0};
    bool en = in->out_ready;
    k.st_beat = en && c->st_v && in->a_valid && (c->st.stat || in->b_valid);
    k.st_last = k.st_beat && c->st_cnt == c->st.len - 1;
    k.ld_beat = en && c->ld_v && !c->ld_done && in->b_valid;
    k.ld_last = k.ld_beat && c->ld_cnt == p->rows - 1;
    bool st_free = !c->st_v || k.st_last;
    k.move = c->ld_v && (c->ld_done || k.ld_last) && st_free;
    bool overlap = c->pend.ovl && c->pend.stat == c->mode;
    bool empty = !c->ld_v && !c->st_v && c->since >= drain_cycles(p, c->mode);
    uint32_t since_now = k.st_last ? 0 : c->since;
    if (c->pend_v && c->pend.stat)
        k.enter_ld = overlap ? (!c->ld_v || k.move) : empty;
    if (c->pend_v && !c->pend.stat)
        k.enter_st = overlap ? st_free && (uint64_t)since_now + c->pend.len >= p->rows : empty;
    k.enter_ld = k.enter_ld && en;
    k.enter_st = k.enter_st && en;
    k.pend_enter = k.enter_ld || k.enter_st;
    return k;
}

/* The bundles the controller drives into the skew lines this cycle (zero when idle). */
static void ctrl_bundles(asim_systolic_step_t *s, const asim_systolic_in_t *in,
                         const ctrl_comb_t *k)
{
    const ctrl_t *c = &s->c;
    const asim_systolic_params_t *p = &s->p;
    for (uint32_t i = 0; i < p->rows; i++) {
        wbundle_t w = {0};
        if (k->st_beat) {
            w.v = true;
            w.first = c->st_cnt == 0;
            w.last = c->st_cnt == c->st.len - 1;
            w.sel = c->st.buf;
            w.acc = c->st.acc;
            w.ruse = i < c->st.rows;
            w.cols = c->st.cols;
            w.a = w.ruse ? in->a_data[i] & asim_fx_mask(p->a_bits) : 0;
        }
        s->wnext[i] = w;
    }
    for (uint32_t j = 0; j < p->cols; j++) {
        nbundle_t n = {0};
        uint64_t b = in->b_data[j] & asim_fx_mask(p->b_bits);
        if (k->st_beat && !c->st.stat) {
            n.b = j < c->st.cols ? b : 0;
        } else if (k->ld_beat) {
            n.ld = true;
            n.buf = c->ld.buf;
            n.hops = c->ld_cnt;
            n.b = j < c->ld.cols && c->ld_cnt < c->ld.rows ? b : 0;
        }
        s->nnext[j] = n;
    }
}

static void count_port_activity(asim_systolic_step_t *s, const asim_systolic_in_t *in,
                                const ctrl_comb_t *k, const asim_systolic_out_t *out)
{
    const ctrl_t *c = &s->c;
    asim_systolic_counts_t *n = &s->counts;
    if (out->busy)
        n->cycles++;
    if (k->pend_enter)
        n->tiles++;
    if (k->st_beat) {
        n->a_reads += c->st.rows;
        if (!c->st.stat)
            n->b_reads += c->st.cols;
    }
    if (k->ld_beat && c->ld_cnt < c->ld.rows)
        n->b_reads += c->ld.cols;
    if (in->out_ready)
        for (uint32_t j = 0; j < s->p.cols; j++) {
            n->c_writes += out->out_valid[j];
            n->psum_reads += out->out_valid[j] && out->out_acc[j];
        }
}

static void ctrl_update(asim_systolic_step_t *s, const asim_systolic_in_t *in,
                        const ctrl_comb_t *k, bool cmd_take)
{
    ctrl_t *c = &s->c;
    const asim_systolic_params_t *p = &s->p;
    ctrl_t n = *c;
    if (k->pend_enter)
        n.pend_v = false;
    if (cmd_take) {
        n.pend_v = true;
        n.pend = (tile_t){.stat = in->cmd_stat, .acc = in->cmd_acc, .ovl = in->cmd_ovl,
                          .len = in->cmd_len & (uint32_t)asim_fx_mask(p->len_bits),
                          .rows = in->cmd_rows, .cols = in->cmd_cols};
    }
    if (k->enter_ld) {
        n.ld_v = true;
        n.ld_cnt = 0;
        n.ld_done = false;
        n.ld = c->pend;
        n.ld.buf = c->buf_ptr;
        n.buf_ptr = !c->buf_ptr;
    } else if (k->move) {
        n.ld_v = false;
    } else if (k->ld_beat) {
        n.ld_cnt = c->ld_cnt + 1;
        n.ld_done = k->ld_last;
    }
    if (k->move) {
        n.st_v = true;
        n.st_cnt = 0;
        n.st = c->ld;
    } else if (k->enter_st) {
        n.st_v = true;
        n.st_cnt = 0;
        n.st = c->pend;
        n.st.buf = false;
    } else if (k->st_last) {
        n.st_v = false;
    } else if (k->st_beat) {
        n.st_cnt = c->st_cnt + 1;
    }
    if (k->pend_enter)
        n.mode = c->pend.stat;
    if (k->st_last)
        n.since = 1;
    else if (c->since != since_max(p))
        n.since = c->since + 1;
    *c = n;
}

/* Next state of PE (i, j) from the previous cycle's registers of itself and its neighbours. */
static void pe_next(asim_systolic_step_t *s, uint32_t i, uint32_t j, bool stat)
{
    const asim_systolic_params_t *p = &s->p;
    const pe_t *q = &s->pe[i * p->cols + j];
    pe_t *n = &s->penext[i * p->cols + j];
    const wbundle_t *w = j ? &s->pe[i * p->cols + j - 1].w : &s->rowline[s->rowoff[i] + i];
    const nbundle_t *nb = i ? &s->pe[(i - 1) * p->cols + j].n : &s->colline[s->coloff[j] + j];
    static const vbundle_t vzero = {0};
    const vbundle_t *vin = i ? &s->pe[(i - 1) * p->cols + j].out : &vzero;
    unsigned accw = p->acc_bits;
    bool cuse = w->cols != 0;

    *n = *q;
    n->w = *w;
    n->w.cols = cuse ? w->cols - 1 : 0;
    n->n = *nb;
    n->n.ld = nb->ld && nb->hops != 0;
    n->n.hops = nb->hops ? nb->hops - 1 : 0;
    if (nb->ld && nb->hops == 0)
        n->wbuf[nb->buf] = nb->b;

    uint64_t bop = stat ? q->wbuf[w->sel] : nb->b;
    int64_t prod = asim_fx_value(w->a, p->a_bits, p->a_signed) *
                   asim_fx_value(bop, p->b_bits, p->b_signed);
    memmove(&n->pipe[1], &q->pipe[0], sizeof q->pipe - sizeof q->pipe[0]);
    n->pipe[0] = (stage_t){.v = w->v, .first = w->first, .last = w->last, .acc = w->acc,
                           .ruse = w->ruse, .cuse = cuse, .prod = asim_fx_wrap(prod, accw)};

    /* The accumulate takes the beat that left the pipeline's last register. */
    const stage_t *m = &q->pipe[ASIM_SYSTOLIC_PE_STAGES - 1];
    uint64_t sum = asim_fx_wrap((int64_t)(q->acc + m->prod), accw);
    if (!stat && m->v) {
        n->acc = m->first ? m->prod : sum;
        if (m->last)
            n->res = (vbundle_t){.val = m->ruse && m->cuse, .acc = m->acc,
                                 .sum = m->first ? m->prod : sum};
    }
    if (stat)
        n->out = (vbundle_t){.val = m->v && m->cuse, .acc = m->acc,
                             .sum = asim_fx_wrap((int64_t)(vin->sum + m->prod), accw)};
    else
        n->out = s->cap[j] ? q->res : *vin;
    if (w->v && w->ruse && cuse)
        s->counts.macs++;
}

void asim_systolic_step(asim_systolic_step_t *s, const asim_systolic_in_t *in,
                        asim_systolic_out_t *out)
{
    const asim_systolic_params_t *p = &s->p;
    ctrl_t *c = &s->c;
    uint32_t R = p->rows, C = p->cols;
    bool en = in->out_ready;

    ctrl_comb_t k = ctrl_comb(s, in);
    out->cmd_ready = en && (!c->pend_v || k.pend_enter);
    out->a_ready = en && c->st_v && (c->st.stat || in->b_valid);
    out->b_ready = en && ((c->ld_v && !c->ld_done) || (c->st_v && !c->st.stat && in->a_valid));
    out->busy = c->ld_v || c->st_v || c->since <= drain_cycles(p, c->mode);
    bind_outputs(s, out);
    for (uint32_t j = 0; j < C; j++) {
        const pe_t *b = &s->pe[(R - 1) * C + j];
        out->out_valid[j] = b->out.val;
        out->out_acc[j] = b->out.acc;
        out->out_data[j] = b->out.sum;
    }
    if (in->rst) {
        reset_state(s);
        return;
    }
    if (!en)
        return;

    count_port_activity(s, in, &k, out);
    ctrl_bundles(s, in, &k);
    for (uint32_t j = 0; j < C; j++) {
        /* The capture waits for the last beat to pass the PE pipeline (systolic_array.v). */
        const wbundle_t *bw = &s->pe[(R - 1) * C + j].w;
        bool *line = &s->capline[j * ASIM_SYSTOLIC_PE_STAGES];
        s->cap[j] = line[ASIM_SYSTOLIC_PE_STAGES - 1];
        memmove(line + 1, line, sizeof *line * (ASIM_SYSTOLIC_PE_STAGES - 1));
        line[0] = !c->mode && bw->v && bw->last;
    }
    for (uint32_t i = 0; i < R; i++)
        for (uint32_t j = 0; j < C; j++)
            pe_next(s, i, j, c->mode);
    memcpy(s->pe, s->penext, sizeof *s->pe * R * C);
    for (uint32_t i = 0; i < R; i++) {
        wbundle_t *line = &s->rowline[s->rowoff[i]];
        memmove(line + 1, line, sizeof *line * i);
        line[0] = s->wnext[i];
    }
    for (uint32_t j = 0; j < C; j++) {
        nbundle_t *line = &s->colline[s->coloff[j]];
        memmove(line + 1, line, sizeof *line * j);
        line[0] = s->nnext[j];
    }
    ctrl_update(s, in, &k, in->cmd_valid && out->cmd_ready);
}

/* Tiles of a GEMM in asim_systolic_job's fold order, fed to a fresh model as fast as it takes
 * them; runs until the model is idle and returns its counts. */
asim_status_t asim_systolic_step_run_job(const asim_systolic_geom_t *g,
                                         const asim_gemm_shape_t *shape,
                                         asim_systolic_counts_t *out, asim_error_t *err)
{
    uint64_t rows_dim, cols_dim, t;
    asim_systolic_map(g->dataflow, shape, &rows_dim, &cols_dim, &t);
    if (t == 0 || t > UINT32_MAX || rows_dim == 0 || cols_dim == 0)
        return asim_error_set(err, ASIM_ERANGE, "systolic step model",
                              "GEMM %llux%llux%llu cannot be stepped",
                              (unsigned long long)shape->m, (unsigned long long)shape->n,
                              (unsigned long long)shape->k);
    asim_systolic_params_t p = {.rows = g->rows, .cols = g->cols, .a_bits = 8, .b_bits = 8,
                                .a_signed = true, .b_signed = true, .acc_bits = 32,
                                .len_bits = 32};
    asim_systolic_step_t *s;
    asim_status_t st = asim_systolic_step_create(&p, &s, err);
    if (st != ASIM_OK)
        return st;
    uint64_t *a = calloc(g->rows, sizeof *a), *b = calloc(g->cols, sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        asim_systolic_step_free(s);
        return asim_error_set(err, ASIM_ENOMEM, "systolic step model", "out of memory");
    }
    uint64_t fr = (rows_dim + g->rows - 1) / g->rows, fc = (cols_dim + g->cols - 1) / g->cols;
    uint64_t next = 0, tiles = fr * fc;
    asim_systolic_in_t in = {.out_ready = true, .a_valid = true, .b_valid = true,
                             .a_data = a, .b_data = b, .cmd_len = (uint32_t)t,
                             .cmd_stat = g->dataflow != ASIM_DATAFLOW_OS,
                             .cmd_ovl = g->tile_overlap};
    asim_systolic_out_t o;
    for (;;) {
        in.cmd_valid = next < tiles;
        if (in.cmd_valid) {
            uint64_t r = next / fc, c = next % fc;
            in.cmd_rows = (uint32_t)(r + 1 < fr ? g->rows : rows_dim - r * g->rows);
            in.cmd_cols = (uint32_t)(c + 1 < fc ? g->cols : cols_dim - c * g->cols);
            in.cmd_acc = in.cmd_stat && r > 0;
        }
        bool all_started = s->counts.tiles == tiles;
        asim_systolic_step(s, &in, &o);
        next += in.cmd_valid && o.cmd_ready;
        if (all_started && !o.busy)
            break;
    }
    *out = s->counts;
    if (g->dataflow == ASIM_DATAFLOW_IS) {
        /* is streams B through the west port and loads A through the north port. */
        out->a_reads = s->counts.b_reads;
        out->b_reads = s->counts.a_reads;
    }
    free(a);
    free(b);
    asim_systolic_step_free(s);
    return ASIM_OK;
}
