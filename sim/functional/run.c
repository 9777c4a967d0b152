/*
 * run.c: the functional executor (functional.h): a compiled program, instruction by
 * instruction, on images at the program's DRAM addresses: DRAM, the on-chip outputs (what
 * computes wrote) and, per buffer slot, its activation and weight parts (what the last load
 * into that slot brought: a load replaces the part it fills). Reads convert each operand to
 * the width its op reads at, computes requantize to the op's output width
 * (docs/functional.md).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accel/plan.h"
#include "asim/fixed.h"
#include "functional/functional.h"
#include "nonlinear/nl_kernels.h"
#include "util/arith.h"

#define POISON 0xa5 /* every byte no one wrote: reading it gives wrong values, not zeros */

typedef struct {
    const asim_program_t *p;
    const asim_graph_t *g;
    asim_fn_images_t *im;
    uint8_t *slot[ASIM_MAX_SLOTS][2]; /* per slot: activation part, weight part */
    int **tile_slot;          /* per op, per tile: the slot of each part (2 t + part) its
                                 compute reads, or -1 (none loaded) */
    size_t bytes;
    int64_t **psum;           /* per GEMM op: count x m x n partial sums */
    asim_error_t *err;
    bool span;                /* only note the DRAM bytes transfers touch (span_lo, span_hi) */
    uint64_t span_lo, span_hi;
    uint8_t *span_mask;       /* span mode: 1 at every byte touched (or NULL) */
} fx_t;

/* An operand of an op as it reads it: its view onto a stored tensor, and the widths. */
typedef struct {
    asim_view_t v;
    int frac;                 /* fraction bits of the stored codes */
    bool on_chip;             /* read from the on-chip image, else from a buffer slot */
    const uint8_t *staged;    /* the slot part holding the tile's operand (set per tile) */
    unsigned to_bits;         /* the width the op reads it at */
    int to_frac;
} operand_t;

static int frac_act(unsigned bits)
{
    return bits == 1 ? 0 : (int)bits - 4;
}

/* sat(round(v / 2^s)) at `bits` (s < 0 multiplies); bits = 1 keeps the sign. */
static int32_t requant(int64_t v, int s, unsigned bits)
{
    int64_t r = s >= 0 ? asim_fx_round_shr(v, (unsigned)s) : asim_fx_shl(v, (unsigned)-s);
    if (bits == 1)
        return r >= 0 ? 1 : -1;
    return (int32_t)asim_fx_sat(r, asim_fx_min(bits, true), asim_fx_max(bits, true));
}

static void operand_of(const fx_t *fx, size_t o, unsigned j, operand_t *s)
{
    const asim_op_t *op = &fx->g->ops[o];
    const asim_plan_t *pl = &fx->p->plans[o];
    bool gemm = op->kind == ASIM_OP_GEMM;
    memset(s, 0, sizeof *s);
    asim_operand_view(fx->p, fx->g, o, j, &s->v);
    s->to_bits = (unsigned)(gemm && j == 1 ? op->b_bits : op->a_bits);
    s->to_frac = frac_act(s->to_bits);
    s->on_chip = gemm && j == 1 ? pl->b_resident : pl->a_resident;
    if (s->v.weight)
        s->frac = s->to_frac = op->b_bits == 1 ? 0 : op->b_bits - 1;
    else
        s->frac = frac_act(s->v.l.bits);
}

/* View element (i, r, c) of an operand, converted to the width its op reads it at. */
static int32_t read_operand(const fx_t *fx, const operand_t *s, uint64_t i, uint64_t r,
                            uint64_t c)
{
    const uint8_t *img = s->on_chip ? fx->im->chip : s->staged;
    int32_t code = asim_fn_get(img, s->v.addr, asim_view_index(&s->v, i, r, c), s->v.l.bits);
    return requant(code, s->frac - s->to_frac, s->to_bits);
}

/* Notes the DRAM bytes of code i of a packed tensor at addr (span mode). */
static void touch(fx_t *fx, uint64_t addr, uint64_t i, unsigned bits)
{
    uint64_t lo = addr + i * bits / 8, hi = addr + (i * bits + bits - 1) / 8;
    fx->span_lo = lo < fx->span_lo ? lo : fx->span_lo;
    fx->span_hi = hi > fx->span_hi ? hi : fx->span_hi;
    for (uint64_t b = lo; fx->span_mask && b <= hi; b++)
        fx->span_mask[b] = 1;
}

/* A load: the view rows [r0, r1) x cols [c0, c1) of instance i, DRAM -> buffer slot part. */
static void load_view(fx_t *fx, const operand_t *s, uint8_t *dst, uint64_t i, uint64_t r0,
                      uint64_t r1, uint64_t c0, uint64_t c1)
{
    for (uint64_t r = r0; r < r1; r++)
        for (uint64_t c = c0; c < c1; c++) {
            uint64_t at = asim_view_index(&s->v, i, r, c);
            if (fx->span)
                touch(fx, s->v.addr, at, s->v.l.bits);
            else
                asim_fn_put(dst, s->v.addr, at, s->v.l.bits,
                            asim_fn_get(fx->im->dram, s->v.addr, at, s->v.l.bits));
        }
}

/* The phases of a load: its refill wipes what the slot part held (from its issue on, in
 * the timed order), then its data lands (at its completion). */
enum { LOAD_WIPE = 1, LOAD_COPY = 2 };

/* Slot `slot`'s part `part`, wiped first if the phases say so; NULL when only wiping. */
static uint8_t *fill(fx_t *fx, unsigned slot, unsigned part, int phases)
{
    if (phases & LOAD_WIPE)
        memset(fx->slot[slot][part], POISON, fx->bytes);
    return phases & LOAD_COPY ? fx->slot[slot][part] : NULL;
}

/* Points operand s of tile t of op o at the slot part its compute reads. */
static void stage_for(const fx_t *fx, size_t o, uint64_t t, operand_t *s)
{
    int slot = fx->tile_slot[o][2 * t + s->v.part];
    s->staged = fx->slot[slot < 0 ? 0 : slot][s->v.part];
}

static void run_load(fx_t *fx, size_t o, uint64_t t, unsigned slot, int phases)
{
    const asim_op_t *op = &fx->g->ops[o];
    const asim_plan_t *pl = &fx->p->plans[o];
    asim_tile_t tile;
    asim_tile_at_t at;
    asim_plan_tile_traffic(pl, op, t, &tile);
    asim_plan_locate(pl, op, t, &at);
    operand_t a, b;
    operand_of(fx, o, 0, &a);
    if (op->kind != ASIM_OP_GEMM) {
        uint8_t *dst = tile.load_act_bits ? fill(fx, slot, 0, phases) : NULL;
        for (uint64_t row = at.m0; row < at.m0 + at.tm && dst; row++) {
            uint64_t i = row / op->rows, r = row % op->rows;
            load_view(fx, &a, dst, i, r, r + 1, 0, op->cols);
            if (asim_op_kind_binary(op->kind)) {
                operand_of(fx, o, 1, &b);
                load_view(fx, &b, dst, i, r, r + 1, 0, op->cols);
            }
        }
        return;
    }
    bool whole_a = pl->tm >= op->m && pl->tk >= op->k, whole_b = pl->tk >= op->k &&
                                                                 pl->tn >= op->n;
    uint8_t *dst = tile.load_act_bits ? fill(fx, slot, 0, phases) : NULL;
    if (dst) {
        if (whole_a)
            load_view(fx, &a, dst, at.inst, 0, op->m, 0, op->k);
        else
            load_view(fx, &a, dst, at.inst, at.m0, at.m0 + at.tm, at.k0, at.k0 + at.tk);
    }
    dst = tile.load_weight_bits ? fill(fx, slot, 1, phases) : NULL;
    if (dst) {
        operand_of(fx, o, 1, &b);
        if (whole_b)
            load_view(fx, &b, dst, at.inst, 0, op->k, 0, op->n);
        else
            load_view(fx, &b, dst, at.inst, at.k0, at.k0 + at.tk, at.n0, at.n0 + at.tn);
    }
}

static asim_status_t unsupported(const fx_t *fx, const asim_op_t *op, const char *why)
{
    return asim_error_set(fx->err, ASIM_EUNSUPPORTED, "functional", "op '%s' (%s): %s",
                          op->name, asim_op_kind_name(op->kind), why);
}

static asim_status_t run_gemm(fx_t *fx, size_t o, uint64_t t, const asim_tile_at_t *at)
{
    const asim_op_t *op = &fx->g->ops[o];
    if (!fx->psum[o]) {
        fx->psum[o] = calloc(op->count * op->m * op->n, sizeof **fx->psum);
        if (!fx->psum[o])
            return asim_error_set(fx->err, ASIM_ENOMEM, "functional", "out of memory");
    }
    operand_t a, b;
    operand_of(fx, o, 0, &a);
    operand_of(fx, o, 1, &b);
    stage_for(fx, o, t, &a);
    stage_for(fx, o, t, &b);
    int shift = a.to_frac + b.to_frac + (int)(asim_clog2(op->k) / 2) - frac_act((unsigned)op->out_bits);
    for (uint64_t r = at->m0; r < at->m0 + at->tm; r++)
        for (uint64_t c = at->n0; c < at->n0 + at->tn; c++) {
            int64_t *acc = &fx->psum[o][(at->inst * op->m + r) * op->n + c];
            if (at->k0 == 0)
                *acc = 0;
            for (uint64_t k = at->k0; k < at->k0 + at->tk; k++)
                *acc += (int64_t)read_operand(fx, &a, at->inst, r, k) *
                        read_operand(fx, &b, at->inst, k, c);
            if (at->last_k)
                asim_fn_put(fx->im->chip, fx->p->addrs[o].out, asim_out_index(op, at->inst, r, c),
                            (unsigned)op->out_bits, requant(*acc, shift, (unsigned)op->out_bits));
        }
    return ASIM_OK;
}

/* One row of a vector op: x (and y for add, mul) at a_bits in, out at out_bits. */
static asim_status_t vector_row(const fx_t *fx, const asim_op_t *op, const int32_t *x,
                                const int32_t *y, size_t n, int32_t *tmp, int32_t *out)
{
    int fa = frac_act((unsigned)op->a_bits), fo = frac_act((unsigned)op->out_bits);
    unsigned ob = (unsigned)op->out_bits;
    if (op->kind == ASIM_OP_ADD || op->kind == ASIM_OP_MUL) {
        for (size_t c = 0; c < n; c++)
            out[c] = op->kind == ASIM_OP_ADD ? requant((int64_t)x[c] + y[c], fa - fo, ob)
                                             : requant((int64_t)x[c] * y[c], 2 * fa - fo, ob);
        return ASIM_OK;
    }
    asim_nl_fmt_t in = {(unsigned)op->a_bits, true, ldexp(1.0, -fa)}, of;
    asim_status_t st;
    switch (op->kind) {
    case ASIM_OP_SOFTMAX: st = asim_nl_softmax_quark(x, n, &in, ASIM_NL_QF, tmp, &of); break;
    case ASIM_OP_GELU: st = asim_nl_gelu_quark(x, n, &in, tmp, &of); break;
    case ASIM_OP_RELU: st = asim_nl_relu_quark(x, n, &in, tmp, &of); break;
    case ASIM_OP_TANH: st = asim_nl_tanh_quark(x, n, &in, tmp, &of); break;
    case ASIM_OP_LAYERNORM: st = asim_nl_layernorm_quark(x, n, &in, tmp, &of); break;
    default: return unsupported(fx, op, "no functional kernel for this kind yet");
    }
    if (st != ASIM_OK)
        return unsupported(fx, op, "the QUARK kernel refuses its input (widths 2 to 16 bits)");
    int fy = -ilogb(of.scale);
    for (size_t c = 0; c < n; c++)
        out[c] = requant(tmp[c], fy - fo, ob);
    return ASIM_OK;
}

static asim_status_t run_vector(fx_t *fx, size_t o, uint64_t t, const asim_tile_at_t *at)
{
    const asim_op_t *op = &fx->g->ops[o];
    size_t n = op->cols;
    int32_t *row = malloc(4 * n * sizeof *row);
    if (!row)
        return asim_error_set(fx->err, ASIM_ENOMEM, "functional", "out of memory");
    operand_t a, b;
    operand_of(fx, o, 0, &a);
    stage_for(fx, o, t, &a);
    bool two = asim_op_kind_binary(op->kind);
    if (two) {
        operand_of(fx, o, 1, &b);
        stage_for(fx, o, t, &b);
    }
    asim_status_t st = ASIM_OK;
    for (uint64_t g = at->m0; g < at->m0 + at->tm && st == ASIM_OK; g++) {
        uint64_t i = g / op->rows, r = g % op->rows;
        for (size_t c = 0; c < n; c++) {
            row[c] = read_operand(fx, &a, i, r, c);
            row[n + c] = two ? read_operand(fx, &b, i, r, c) : 0;
        }
        st = vector_row(fx, op, row, row + n, n, row + 2 * n, row + 3 * n);
        for (size_t c = 0; c < n && st == ASIM_OK; c++)
            asim_fn_put(fx->im->chip, fx->p->addrs[o].out, asim_out_index(op, i, r, c),
                        (unsigned)op->out_bits, row[3 * n + c]);
    }
    free(row);
    return st;
}

/* A store: the tile's output rows and columns, on chip -> DRAM. */
static void run_store(fx_t *fx, size_t o, uint64_t t)
{
    const asim_op_t *op = &fx->g->ops[o];
    asim_tile_at_t at;
    asim_plan_locate(&fx->p->plans[o], op, t, &at);
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t addr = fx->p->addrs[o].out;
    unsigned bits = (unsigned)op->out_bits;
    for (uint64_t g = at.m0; g < at.m0 + at.tm; g++) {
        uint64_t i = gemm ? at.inst : g / op->rows, r = gemm ? g : g % op->rows;
        uint64_t c0 = gemm ? at.n0 : 0, c1 = gemm ? at.n0 + at.tn : op->cols;
        for (uint64_t c = c0; c < c1; c++) {
            uint64_t idx = asim_out_index(op, i, r, c);
            if (fx->span)
                touch(fx, addr, idx, bits);
            else
                asim_fn_put(fx->im->dram, addr, idx, bits,
                            asim_fn_get(fx->im->chip, addr, idx, bits));
        }
    }
}

/* Runs the phases `phases` of instruction in (a compute or a store has one phase). */
static asim_status_t run_insn(fx_t *fx, const asim_insn_t *in, int phases)
{
    if (in->kind == ASIM_INSN_LOAD) {
        run_load(fx, in->op, in->tile, in->slot, phases);
        return ASIM_OK;
    }
    if (in->kind == ASIM_INSN_STORE) {
        run_store(fx, in->op, in->tile);
        return ASIM_OK;
    }
    asim_tile_at_t at;
    asim_plan_locate(&fx->p->plans[in->op], &fx->g->ops[in->op], in->tile, &at);
    return fx->g->ops[in->op].kind == ASIM_OP_GEMM ? run_gemm(fx, in->op, in->tile, &at)
                                                    : run_vector(fx, in->op, in->tile, &at);
}

/* Which slot each tile's compute reads each part from: its own load's slot when that load
 * moved the part, else the slot of the op's latest earlier load that did (a whole operand
 * loaded once per instance). */
static bool map_slots(fx_t *fx)
{
    const asim_program_t *p = fx->p;
    fx->tile_slot = calloc(p->n_ops ? p->n_ops : 1, sizeof *fx->tile_slot);
    if (!fx->tile_slot)
        return false;
    for (size_t o = 0; o < p->n_ops; o++) {
        fx->tile_slot[o] = malloc((2 * p->plans[o].n_tiles + 2) * sizeof **fx->tile_slot);
        if (!fx->tile_slot[o])
            return false;
        for (uint64_t k = 0; k < 2 * p->plans[o].n_tiles + 2; k++)
            fx->tile_slot[o][k] = -2; /* no load of this tile */
    }
    const asim_queue_t *ld = &p->queues[ASIM_QUEUE_LOAD];
    for (size_t i = 0; i < ld->len; i++) {
        const asim_insn_t *in = &ld->insns[i];
        asim_tile_t tile;
        asim_plan_tile_traffic(&p->plans[in->op], &fx->g->ops[in->op], in->tile, &tile);
        bool moves[2] = {tile.load_act_bits > 0, tile.load_weight_bits > 0};
        for (unsigned part = 0; part < 2; part++)
            fx->tile_slot[in->op][2 * in->tile + part] = moves[part] ? in->slot : -3;
    }
    for (size_t o = 0; o < p->n_ops; o++)
        for (unsigned part = 0; part < 2; part++) {
            int cur = -1;
            for (uint64_t t = 0; t < p->plans[o].n_tiles; t++) {
                int *s = &fx->tile_slot[o][2 * t + part];
                cur = *s >= 0 ? *s : cur;
                *s = cur;
            }
        }
    return true;
}

void asim_fn_seed_image(const asim_program_t *p, const asim_graph_t *g, uint64_t seed,
                        uint8_t *img)
{
    asim_tensor_layout_t l;
    long reader = asim_graph_input_reader(g);
    for (long o = -1; o < (long)g->len; o++) {
        uint64_t addr;
        uint32_t id;
        if (o < 0) {
            if (reader < 0)
                continue;
            asim_tensor_layout(&g->ops[reader], ASIM_TENSOR_A, &l);
            addr = 0, id = ASIM_FN_TENSOR_INPUT;
        } else {
            if (!asim_op_owns_b(&g->ops[o]))
                continue;
            asim_tensor_layout(&g->ops[o], ASIM_TENSOR_B, &l);
            addr = p->addrs[o].b, id = ASIM_FN_TENSOR_B(o);
        }
        for (uint64_t i = 0; i < l.rows * l.cols; i++)
            asim_fn_put(img, addr, i, l.bits, asim_fn_seed_code(seed, id, i, l.bits));
    }
}

bool asim_fn_transfer_span(const asim_program_t *p, const asim_graph_t *g, const asim_insn_t *in,
                           uint64_t *lo, uint64_t *hi, uint8_t *mask)
{
    static uint8_t unused_slot;
    fx_t fx = {.p = p, .g = g, .span = true, .span_lo = UINT64_MAX, .span_hi = 0,
               .span_mask = mask};
    for (unsigned k = 0; k < ASIM_MAX_SLOTS; k++)
        fx.slot[k][0] = fx.slot[k][1] = &unused_slot;
    if (in->kind == ASIM_INSN_LOAD)
        run_load(&fx, in->op, in->tile, in->slot, LOAD_COPY);
    else if (in->kind == ASIM_INSN_STORE)
        run_store(&fx, in->op, in->tile);
    *lo = fx.span_lo;
    *hi = fx.span_hi;
    return fx.span_lo <= fx.span_hi;
}

/* Runs every queue as far as its tokens let it (stores, loads, then the compute queues),
 * until nothing can issue. */
static asim_status_t run_queues(fx_t *fx)
{
    const asim_program_t *p = fx->p;
    int64_t *tok = calloc(p->n_channels ? p->n_channels : 1, sizeof *tok);
    size_t *head = calloc(p->n_queues, sizeof *head);
    asim_status_t st = tok && head ? ASIM_OK
                                   : asim_error_set(fx->err, ASIM_ENOMEM, "functional",
                                                    "out of memory");
    for (bool progress = true; progress && st == ASIM_OK;) {
        progress = false;
        for (size_t k = 0; k < p->n_queues && st == ASIM_OK; k++) {
            size_t q = k == 0 ? ASIM_QUEUE_STORE : k == 1 ? ASIM_QUEUE_LOAD : k;
            const asim_queue_t *qu = &p->queues[q];
            while (head[q] < qu->len && st == ASIM_OK) {
                const asim_insn_t *in = &qu->insns[head[q]];
                bool ready = true;
                for (unsigned w = 0; w < in->n_waits; w++)
                    ready = ready && tok[in->waits[w]] > 0;
                if (!ready)
                    break;
                for (unsigned w = 0; w < in->n_waits; w++)
                    tok[in->waits[w]]--;
                st = run_insn(fx, in, LOAD_WIPE | LOAD_COPY);
                for (unsigned w = 0; w < in->n_pushes; w++)
                    tok[in->pushes[w]]++;
                head[q]++;
                progress = true;
            }
        }
    }
    for (size_t q = 0; q < p->n_queues && st == ASIM_OK; q++)
        if (head[q] < p->queues[q].len)
            st = asim_error_set(fx->err, ASIM_EDEADLOCK, "functional", "queue '%s' stops at "
                                "instruction %zu: its tokens never arrive", p->queues[q].name,
                                head[q]);
    free(tok);
    free(head);
    return st;
}

typedef struct {
    uint64_t cycle;
    uint8_t issue;            /* 0: a completion, 1: an issue (completions go first) */
    uint16_t q;
    uint32_t i;
} event_t;

static int event_order(const void *x, const void *y)
{
    const event_t *a = x, *b = y;
    if (a->cycle != b->cycle)
        return a->cycle < b->cycle ? -1 : 1;
    if (a->issue != b->issue)
        return a->issue - b->issue;
    if (a->q != b->q)
        return a->q < b->q ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* The timed order: every instruction's phases at the cycles the timing model gave it: a load
 * wipes its slot parts at its issue and fills them at its completion, a compute reads and
 * writes at its completion, a store copies at its completion. Completions of a cycle come
 * before its issues (tokens pushed at t are usable at t). */
static asim_status_t run_timed(fx_t *fx, const asim_fn_stamps_t *st)
{
    const asim_program_t *p = fx->p;
    size_t n = asim_program_len(p), k = 0;
    event_t *ev = malloc(2 * (n ? n : 1) * sizeof *ev);
    if (!ev)
        return asim_error_set(fx->err, ASIM_ENOMEM, "functional", "out of memory");
    for (size_t q = 0; q < p->n_queues; q++)
        for (size_t i = 0; i < p->queues[q].len; i++) {
            size_t id = st->first[q] + i;
            ev[k++] = (event_t){st->done_at[id], 0, (uint16_t)q, (uint32_t)i};
            if (q == ASIM_QUEUE_LOAD)
                ev[k++] = (event_t){st->issued_at[id], 1, (uint16_t)q, (uint32_t)i};
        }
    qsort(ev, k, sizeof *ev, event_order);
    asim_status_t s = ASIM_OK;
    for (size_t e = 0; e < k && s == ASIM_OK; e++)
        s = run_insn(fx, &p->queues[ev[e].q].insns[ev[e].i],
                     ev[e].issue ? LOAD_WIPE : ev[e].q == ASIM_QUEUE_LOAD ? LOAD_COPY : 0);
    free(ev);
    return s;
}

asim_status_t asim_fn_execute(const asim_program_t *p, const asim_graph_t *g, uint64_t seed,
                              const asim_fn_stamps_t *stamps, asim_fn_images_t *im,
                              asim_error_t *err)
{
    fx_t fx = {.p = p, .g = g, .im = im, .err = err};
    memset(im, 0, sizeof *im);
    for (size_t o = 0; o < g->len; o++)
        if (p->op_queue[o] < 0)
            return unsupported(&fx, &g->ops[o], "no unit of this configuration runs it");
    size_t bytes = p->dram_bytes ? (size_t)p->dram_bytes : 1;
    im->bytes = p->dram_bytes;
    im->dram = malloc(bytes);
    im->chip = malloc(bytes);
    fx.bytes = bytes;
    bool slots = true;
    for (unsigned k = 0; k < ASIM_MAX_SLOTS; k++)
        for (unsigned part = 0; part < 2; part++) {
            fx.slot[k][part] = malloc(bytes);
            slots = slots && fx.slot[k][part];
        }
    fx.psum = calloc(g->len ? g->len : 1, sizeof *fx.psum);
    asim_status_t st = ASIM_OK;
    if (!im->dram || !im->chip || !slots || !fx.psum || !map_slots(&fx)) {
        st = asim_error_set(err, ASIM_ENOMEM, "functional", "out of memory for a %llu-byte "
                            "DRAM image", (unsigned long long)p->dram_bytes);
    } else {
        memset(im->dram, POISON, bytes);
        memset(im->chip, POISON, bytes);
        for (unsigned k = 0; k < ASIM_MAX_SLOTS; k++)
            for (unsigned part = 0; part < 2; part++)
                memset(fx.slot[k][part], POISON, bytes);
        /* pinned weights and parameters are on chip before the run, as in DRAM */
        asim_fn_seed_image(p, g, seed, im->dram);
        asim_fn_seed_image(p, g, seed, im->chip);
        st = stamps ? run_timed(&fx, stamps) : run_queues(&fx);
    }
    for (size_t o = 0; fx.psum && o < g->len; o++)
        free(fx.psum[o]);
    free(fx.psum);
    for (unsigned k = 0; k < ASIM_MAX_SLOTS; k++)
        for (unsigned part = 0; part < 2; part++)
            free(fx.slot[k][part]);
    for (size_t o = 0; fx.tile_slot && o < g->len; o++)
        free(fx.tile_slot[o]);
    free(fx.tile_slot);
    if (st != ASIM_OK)
        asim_fn_images_free(im);
    return st;
}
