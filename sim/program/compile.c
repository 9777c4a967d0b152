/*
 * compile.c: graph + board -> program (see program.h, docs/program.md).
 *
 * Every op is planned into tiles (accel/plan.h) on the unit the board routes it to. Tiles are
 * emitted in graph order: a load (if the tile moves data, or always under the serial schedule,
 * where every tile takes a slot turn; a load waits for the compute that frees its slot and for
 * the last compute that read the slot part it refills), a compute on the unit's queue, and a store if the tile's
 * results go to DRAM. Under the pipelined schedule, when the board has several identical units
 * that can run an op (same block, same claim: array.count), the op's instances (heads) go
 * round-robin over their queues, and an op of one instance to the least loaded, so
 * independent heads and branches run at once. Each instruction first
 * lists what it needs as (queue, instruction, cause); when its tile is done, tile_tokens()
 * turns the needs into token channels, keeping only the needs that an earlier instruction of
 * the same queue has not already covered, and canonical_order() numbers the channels at the
 * end as if that were done queue by queue. Repeated blocks (asim_program_period) are copied
 * once the compiler's state at a block's start repeats (emit_tiles; docs/design.md,
 * "Repeated blocks"), and a lazy compile leaves the middle copies unwritten.
 */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "asim/checked.h"
#include "program/program.h"
#include "util/arith.h"
#include "util/memory.h"

typedef struct {
    uint16_t queue;
    uint32_t index;
    uint8_t cause;
} need_t;

typedef struct {
    need_t need[ASIM_INSN_MAX_DEPS];
    uint8_t n;
} needs_t;

/* An instruction of the tile being emitted, with its needs: its tokens are made when the tile
 * is done, since every need of a tile's instructions is known by then. */
typedef struct {
    uint16_t queue;
    uint32_t index;
    needs_t needs;
} pending_t;

/* Where a channel was first waited on: its consumer queue, instruction and need number. */
typedef struct {
    uint16_t to;
    uint32_t index;
    uint8_t k;
} first_use_t;

#define MAX_QUEUES 64

/* What emitting an op carries over from the ops before it. */
typedef struct {
    uint64_t n_loads;             /* loads so far */
    need_t load_ex[ASIM_MAX_SLOTS]; /* per slot: the compute of its last load (the slot rule) */
    /* the part rule: per slot, per part (0 activations, 1 weights), the last compute that
     * read what the slot's part holds; a load refilling the part waits for it */
    need_t reader[ASIM_MAX_SLOTS][2];
    bool read[ASIM_MAX_SLOTS][2];
    uint16_t prev_q;              /* the last compute (the serial order) */
    int64_t prev_ex, last_st;     /* and the last store (-1: none) */
} emit_state_t;

typedef struct {
    asim_push_t *pushes;          /* pushed by a block, logged to copy it on later blocks */
    size_t n, cap;
} push_log_t;

typedef struct {
    int32_t *ld, *ex, *st;        /* per tile: its load, compute and store (-1: none) */
    uint16_t *q;                  /* per tile: its compute queue */
} op_pos_t;

typedef struct {
    const asim_sim_t *s;
    const asim_graph_t *g;
    asim_program_t *p;
    op_pos_t *pos;
    uint64_t *work;               /* per queue: MACs and vector elements placed on it */
    bool oom;
    pending_t pending[3];         /* the tile's load, compute and store */
    unsigned n_pending;
    /* per consumer queue, producer queue and cause: the latest producer instruction an
     * earlier instruction of the consumer queue waited for (-1: none) */
    int64_t (*covered)[MAX_QUEUES][ASIM_CAUSE_COUNT];
    int32_t (*chan_of)[MAX_QUEUES][ASIM_CAUSE_COUNT]; /* per from, to, cause: channel or -1 */
    first_use_t *first_use;       /* per channel */
    bool pushes_unordered;        /* some pushes are not in consumer queue order */
    emit_state_t e;
    bool plain;                   /* plan every block (no copies of repeated blocks) */
    bool lazy;                    /* leave the middle copies unwritten (p->lazy) */
    bool logging, log_oom;        /* pushes go to log too */
    push_log_t log;
} compiler_t;

static const char *const cause_names[] = {
#define ASIM_CAUSE_NAME(id, name, desc) name,
    ASIM_CAUSES(ASIM_CAUSE_NAME)
#undef ASIM_CAUSE_NAME
};
static const char *const cause_descs[] = {
#define ASIM_CAUSE_DESC(id, name, desc) desc,
    ASIM_CAUSES(ASIM_CAUSE_DESC)
#undef ASIM_CAUSE_DESC
};

const char *asim_cause_name(asim_cause_t c)
{
    return cause_names[c];
}

const char *asim_cause_desc(asim_cause_t c)
{
    return cause_descs[c];
}

size_t asim_program_len(const asim_program_t *p)
{
    size_t n = 0;
    for (size_t q = 0; q < p->n_queues; q++)
        n += p->queues[q].len;
    return n;
}

static void lazy_free(asim_program_t *p)
{
    if (!p->lazy)
        return;
    free(p->lazy->at);
    free(p->lazy->pushes);
    free(p->lazy);
    p->lazy = NULL;
}

void asim_program_free(asim_program_t *p)
{
    lazy_free(p);
    for (size_t q = 0; q < p->n_queues; q++)
        free(p->queues[q].insns);
    free(p->queues);
    free(p->channels);
    free(p->plans);
    free(p->op_queue);
    free(p->addrs);
    memset(p, 0, sizeof *p);
}

bool asim_op_owns_b(const asim_op_t *op)
{
    if (op->kind == ASIM_OP_GEMM)
        return op->b_is_weight && !op->b_shared;
    return asim_op_kind_binary(op->kind) && op->n_inputs < 2;
}

void asim_tensor_layout(const asim_op_t *op, asim_tensor_role_t role, asim_tensor_layout_t *l)
{
    bool gemm = op->kind == ASIM_OP_GEMM;
    uint64_t rows = gemm ? op->m : op->rows, count = op->count;
    switch (role) {
    case ASIM_TENSOR_OUT:
        *l = (asim_tensor_layout_t){rows, (gemm ? op->n : op->cols) * count,
                                    (unsigned)op->out_bits};
        break;
    case ASIM_TENSOR_B:
        if (gemm)
            *l = (asim_tensor_layout_t){count * op->k, op->n, (unsigned)op->b_bits};
        else
            *l = (asim_tensor_layout_t){rows, op->cols * count, (unsigned)op->a_bits};
        break;
    case ASIM_TENSOR_A:
        *l = (asim_tensor_layout_t){rows, (gemm ? op->k : op->cols) * count,
                                    (unsigned)op->a_bits};
        break;
    }
}

uint64_t asim_tensor_bytes(const asim_tensor_layout_t *l)
{
    uint64_t bytes = asim_ceil_div(l->rows * l->cols * l->bits, 8);
    return asim_ceil_div(bytes, ASIM_DRAM_ALIGN) * ASIM_DRAM_ALIGN;
}

/* The op whose weight a `b: shared` GEMM o reuses: the nearest earlier GEMM owning a k x n
 * weight (asim_graph_check_shared guarantees one exists). */
static size_t weight_owner(const asim_graph_t *g, size_t o)
{
    const asim_op_t *op = &g->ops[o];
    for (size_t i = o; i-- > 0;)
        if (asim_op_owns_b(&g->ops[i]) && g->ops[i].kind == ASIM_OP_GEMM &&
            g->ops[i].k == op->k && g->ops[i].n == op->n)
            return i;
    ASIM_ASSERT(0);
    return o;
}

long asim_graph_input_reader(const asim_graph_t *g)
{
    for (size_t o = 0; o < g->len; o++)
        for (unsigned k = 0; k < g->ops[o].n_inputs; k++)
            if (g->ops[o].inputs[k] == ASIM_INPUT_MODEL)
                return (long)o;
    return -1;
}

/* DRAM addresses: the model input at 0, then per op in graph order its own B (weight or
 * parameter) and its output, each aligned to ASIM_DRAM_ALIGN. */
static void assign_addresses(const asim_graph_t *g, asim_program_t *p)
{
    uint64_t at = 0;
    asim_tensor_layout_t l;
    long reader = asim_graph_input_reader(g);
    if (reader >= 0) {
        asim_tensor_layout(&g->ops[reader], ASIM_TENSOR_A, &l);
        at = asim_tensor_bytes(&l);
    }
    for (size_t o = 0; o < g->len; o++) {
        const asim_op_t *op = &g->ops[o];
        asim_op_addr_t *a = &p->addrs[o];
        a->b = ASIM_NO_ADDR;
        if (asim_op_owns_b(op)) {
            a->b = at;
            asim_tensor_layout(op, ASIM_TENSOR_B, &l);
            at += asim_tensor_bytes(&l);
        }
        a->out = at;
        asim_tensor_layout(op, ASIM_TENSOR_OUT, &l);
        at += asim_tensor_bytes(&l);
    }
    for (size_t o = 0; o < g->len; o++) {
        const asim_op_t *op = &g->ops[o];
        asim_op_addr_t *a = &p->addrs[o];
        uint32_t in0 = op->n_inputs ? op->inputs[0] : ASIM_INPUT_MODEL;
        a->a = in0 == ASIM_INPUT_MODEL ? 0 : p->addrs[in0].out;
        if (op->kind == ASIM_OP_GEMM && op->b_shared)
            a->b = p->addrs[weight_owner(g, o)].b;
        else if (!asim_op_owns_b(op) && op->n_inputs > 1)
            a->b = op->inputs[1] == ASIM_INPUT_MODEL ? 0 : p->addrs[op->inputs[1]].out;
    }
    p->dram_bytes = at;
}

static void tile_tokens(compiler_t *c);
static void push(compiler_t *c, uint16_t q, uint32_t index, uint16_t ch);

/* Reserves every queue's instructions before any is emitted (a compute per tile on its
 * queue, a load and a store per tile at most), so that emitting does not copy a queue as it
 * grows: a large program's queues are then written once, and reserved memory that is never
 * written costs no page. */
static bool reserve_queues(compiler_t *c)
{
    asim_program_t *p = c->p;
    size_t *want = calloc(p->n_queues, sizeof *want);
    if (!want)
        return false;
    for (size_t o = 0; o < c->g->len; o++)
        for (uint64_t t = 0; p->op_queue[o] >= 0 && t < p->plans[o].n_tiles; t++) {
            want[c->pos[o].q[t]]++;
            want[ASIM_QUEUE_LOAD]++;
            want[ASIM_QUEUE_STORE]++;
        }
    bool ok = true;
    for (size_t q = 0; ok && q < p->n_queues; q++) {
        asim_queue_t *qu = &p->queues[q];
        if (want[q] <= qu->cap)
            continue;
        asim_insn_t *insns = realloc(qu->insns, want[q] * sizeof *insns);
        ok = insns != NULL;
        if (ok) {
            qu->insns = insns;
            qu->cap = want[q];
            if (q != ASIM_QUEUE_STORE && !c->lazy) /* filled (stores: one per output tile,
                                                      fewer; lazy: the middle stays empty) */
                asim_prefault(insns, want[q] * sizeof *insns);
        }
    }
    free(want);
    return ok;
}

/* Appends an instruction to queue q; its index, or -1 when out of memory. A queue never
 * reaches 2^31 instructions: their 96 GiB would run out of memory first. */
static int32_t emit(compiler_t *c, uint16_t q, asim_insn_kind_t kind, size_t op, uint64_t tile,
                    uint64_t bits)
{
    asim_queue_t *qu = &c->p->queues[q];
    if (qu->len == qu->cap) {
        size_t cap = qu->cap ? 2 * qu->cap : 256;
        asim_insn_t *insns = realloc(qu->insns, cap * sizeof *insns);
        if (!insns) {
            c->oom = true;
            return -1;
        }
        qu->insns = insns;
        qu->cap = cap;
    }
    qu->insns[qu->len] = (asim_insn_t){.kind = (uint8_t)kind, .op = (uint32_t)op, .tile = tile,
                                       .bits = bits};
    ASIM_ASSERT(c->n_pending < sizeof c->pending / sizeof c->pending[0] && qu->len < INT32_MAX);
    c->pending[c->n_pending++] = (pending_t){q, (uint32_t)qu->len, {.n = 0}};
    return (int32_t)qu->len++;
}

static void need(compiler_t *c, uint16_t q, int64_t index, uint16_t from, int64_t from_index,
                 asim_cause_t cause)
{
    if (index < 0 || from_index < 0 || from == q)
        return; /* nothing to wait for, or the queue's own order already says it */
    needs_t *n = NULL;
    for (unsigned i = 0; i < c->n_pending; i++)
        if (c->pending[i].queue == q && c->pending[i].index == (uint32_t)index)
            n = &c->pending[i].needs;
    ASIM_ASSERT(n && n->n < ASIM_INSN_MAX_DEPS); /* needs are only on the tile's instructions */
    n->need[n->n++] = (need_t){from, (uint32_t)from_index, (uint8_t)cause};
}

/* The producer tile that completes the rows a consumer tile reads: the last tile of the
 * producer's row band holding the consumer's last row, for the matching instance (all heads
 * when the consumer reads them packed side by side); the producer's last tile when the
 * instances do not correspond, or for an activation B (a whole K^T or V). */
static uint64_t covering_tile(const asim_op_t *prod, const asim_plan_t *pp, const asim_op_t *cons,
                              const asim_plan_t *cp, uint64_t t, bool whole)
{
    const uint64_t *pf = pp->folds, *cf = cp->folds;
    bool pg = prod->kind == ASIM_OP_GEMM, cg = cons->kind == ASIM_OP_GEMM;
    uint64_t p_rows = pg ? prod->m : prod->rows;
    uint64_t inst, last_row;
    if (cg) {
        uint64_t per = cf[0] * cf[1] * cf[2];
        inst = asim_div(t, per);
        uint64_t mi = asim_div(t - inst * per, cf[1] * cf[2]);
        last_row = asim_min_u64(cons->m, (mi + 1) * cp->tm) - 1;
    } else {
        uint64_t last = asim_min_u64(cons->count * cons->rows, (t + 1) * cp->tm) - 1;
        inst = asim_div(last, cons->rows);
        last_row = last - inst * cons->rows;
    }
    uint64_t p_inst;
    if (prod->count == cons->count)
        p_inst = inst;
    else if (prod->count == 1)
        p_inst = 0;
    else if (cons->count == 1)
        p_inst = prod->count - 1;
    else
        whole = true;
    if (whole)
        return pp->n_tiles - 1;
    /* Grouped heads (model.h) stack rows token by token: go through the token's last row. */
    uint64_t pg_rows = asim_op_group(prod), cg_rows = asim_op_group(cons);
    if (pg_rows != cg_rows)
        last_row = asim_div(last_row, cg_rows) * pg_rows + pg_rows - 1;
    uint64_t row = asim_min_u64(last_row, p_rows - 1);
    if (!pg)
        return asim_div(p_inst * prod->rows + row, pp->tm);
    return ((p_inst * pf[0] + asim_div(row, pp->tm)) * pf[1] + pf[1] - 1) * pf[2] + pf[2] - 1;
}

/* Pipelined: tile t of op o waits for the producers of what it reads. */
static void data_needs(compiler_t *c, size_t o, uint64_t t)
{
    const asim_program_t *p = c->p;
    const asim_op_t *op = &c->g->ops[o];
    const op_pos_t *me = &c->pos[o];
    uint16_t q = me->q[t];
    for (unsigned k = 0; k < op->n_inputs; k++) {
        uint32_t in = op->inputs[k];
        if (in == ASIM_INPUT_MODEL || p->op_queue[in] < 0)
            continue;
        bool b_operand = op->kind == ASIM_OP_GEMM && k == 1;
        bool resident = b_operand ? p->plans[o].b_resident : p->plans[o].a_resident;
        uint64_t pt = covering_tile(&c->g->ops[in], &p->plans[in], op, &p->plans[o], t,
                                    b_operand);
        const op_pos_t *src = &c->pos[in];
        uint16_t pq = src->q[pt];
        if (!resident && me->ld[t] >= 0 && src->st[pt] >= 0)
            need(c, ASIM_QUEUE_LOAD, me->ld[t], ASIM_QUEUE_STORE, src->st[pt], ASIM_CAUSE_DATA);
        else if (!resident && me->ld[t] >= 0)
            need(c, ASIM_QUEUE_LOAD, me->ld[t], pq, src->ex[pt], ASIM_CAUSE_DATA);
        else
            need(c, q, me->ex[t], pq, src->ex[pt], ASIM_CAUSE_DATA);
    }
}

/* Emits the tiles of op o, with the needs of both schedules. */
static void emit_op(compiler_t *c, size_t o)
{
    const asim_sim_t *s = c->s;
    asim_program_t *p = c->p;
    emit_state_t *e = &c->e;
    bool serial = p->schedule == ASIM_SCHEDULE_SERIAL;
    if (p->op_queue[o] < 0)
        return;
    const asim_plan_t *plan = &p->plans[o];
    op_pos_t *me = &c->pos[o];
    int op_slot[2] = {-1, -1}; /* per part: the slot of this op's latest load of it */
    uint16_t before_q = e->prev_q;
    int64_t before_ex = e->prev_ex, before_st = e->last_st;
    for (uint64_t t = 0; t < plan->n_tiles && !c->oom; t++) {
        asim_tile_t tile;
        asim_plan_tile_traffic(plan, &c->g->ops[o], t, &tile);
        uint64_t bits = tile.load_act_bits + tile.load_weight_bits;
        uint16_t q = me->q[t];
        unsigned slot = (unsigned)(e->n_loads % s->buf.slots);
        me->ld[t] = me->st[t] = -1;
        if (serial || bits > 0) {
            me->ld[t] = emit(c, ASIM_QUEUE_LOAD, ASIM_INSN_LOAD, o, t, bits);
            if (me->ld[t] >= 0)
                p->queues[ASIM_QUEUE_LOAD].insns[me->ld[t]].slot = (uint8_t)slot;
            if (e->n_loads >= s->buf.slots) /* the compute that frees the slot */
                need(c, ASIM_QUEUE_LOAD, me->ld[t], e->load_ex[slot].queue,
                     e->load_ex[slot].index, ASIM_CAUSE_BUFFER);
            uint64_t part_bits[2] = {tile.load_act_bits, tile.load_weight_bits};
            for (int k = 0; k < 2 && me->ld[t] >= 0; k++) {
                if (!part_bits[k])
                    continue;
                if (e->read[slot][k])
                    need(c, ASIM_QUEUE_LOAD, me->ld[t], e->reader[slot][k].queue,
                         e->reader[slot][k].index, ASIM_CAUSE_BUFFER);
                e->read[slot][k] = false;
                op_slot[k] = (int)slot;
            }
            if (serial && tile.load_act_bits > 0) { /* every earlier op computed, stored */
                need(c, ASIM_QUEUE_LOAD, me->ld[t], before_q, before_ex, ASIM_CAUSE_DATA);
                need(c, ASIM_QUEUE_LOAD, me->ld[t], ASIM_QUEUE_STORE, before_st,
                     ASIM_CAUSE_DATA);
            }
        }
        me->ex[t] = emit(c, q, ASIM_INSN_COMPUTE, o, t, 0);
        need(c, q, me->ex[t], ASIM_QUEUE_LOAD, me->ld[t], ASIM_CAUSE_OPERAND);
        for (int k = 0; k < 2 && me->ex[t] >= 0; k++)
            if (op_slot[k] >= 0) { /* it reads the part its op last loaded */
                e->reader[op_slot[k]][k] = (need_t){q, (uint32_t)me->ex[t], 0};
                e->read[op_slot[k]][k] = true;
            }
        if (serial)
            need(c, q, me->ex[t], e->prev_q, e->prev_ex, ASIM_CAUSE_ORDER);
        if (me->ld[t] >= 0) { /* the last `slots` loads' computes, by slot */
            e->load_ex[slot] = (need_t){q, (uint32_t)me->ex[t], 0};
            e->n_loads++;
        }
        if (tile.store_bits) {
            me->st[t] = emit(c, ASIM_QUEUE_STORE, ASIM_INSN_STORE, o, t, tile.store_bits);
            need(c, ASIM_QUEUE_STORE, me->st[t], q, me->ex[t], ASIM_CAUSE_RESULT);
            e->last_st = me->st[t];
        }
        if (!serial)
            data_needs(c, o, t);
        tile_tokens(c);
        e->prev_q = q;
        e->prev_ex = me->ex[t];
    }
}

/* ---- repeated blocks (asim_program_period): the compiler's state at a block's start, made
 * relative to the block (instruction indices by the block's first instruction of their
 * queue), decides everything the block emits; once it repeats, every later block emits the
 * last one's instructions and tokens shifted, which are copied instead of planned again. ---- */

/* An instruction index i of queue q in a block's state: -1, or below floor[q] (the first
 * instruction of the oldest block its ops read from: it stays where it is, and every
 * instruction a later need names from the blocks is above it), or relative to the block's
 * start at[q]. Two words. */
static size_t put_index(uint64_t *v, const size_t *at, const size_t *floor, uint16_t q,
                        int64_t i)
{
    v[0] = i < 0 ? 0 : (size_t)i < floor[q] ? 1 : 2;
    v[1] = i < 0 ? 0 : (size_t)i < floor[q] ? (uint64_t)i : (uint64_t)i - at[q];
    return 2;
}

/* The state the rest of the compile reads, relative to the block that starts at `at` (per
 * queue, its length) with its producers from `floor` on (put_index): covered needs,
 * channels, the slot and part rules, the serial order, and where the ops from from_op on
 * (the later blocks' producers) put their tiles. */
static size_t block_state(const compiler_t *c, const size_t *at, const size_t *floor,
                          size_t from_op, size_t block_first, uint64_t *v)
{
    const asim_program_t *p = c->p;
    const emit_state_t *e = &c->e;
    size_t n = 0, nq = p->n_queues, slots = c->s->buf.slots;
    for (size_t to = 0; to < nq; to++)
        for (size_t from = 0; from < nq; from++)
            for (int cause = 0; cause < ASIM_CAUSE_COUNT; cause++)
                n += put_index(v + n, at, floor, (uint16_t)from, c->covered[to][from][cause]);
    v[n++] = p->n_channels;
    v[n++] = c->pushes_unordered;
    v[n++] = e->n_loads % slots;
    v[n++] = e->n_loads >= slots;
    for (unsigned sl = 0; sl < slots; sl++) {
        bool full = e->n_loads >= slots; /* the slot rule names load_ex from then on */
        v[n++] = full ? e->load_ex[sl].queue : 0;
        n += put_index(v + n, at, floor, e->load_ex[sl].queue,
                       full ? (int64_t)e->load_ex[sl].index : -1);
        for (int part = 0; part < 2; part++) { /* a reader counts only while read */
            bool read = e->read[sl][part];
            v[n++] = read ? e->reader[sl][part].queue : 0;
            n += put_index(v + n, at, floor, e->reader[sl][part].queue,
                           read ? (int64_t)e->reader[sl][part].index : -1);
        }
    }
    v[n++] = e->prev_q;
    n += put_index(v + n, at, floor, e->prev_q, e->prev_ex);
    n += put_index(v + n, at, floor, ASIM_QUEUE_STORE, e->last_st);
    for (size_t o = from_op; o < block_first; o++) {
        const op_pos_t *me = &c->pos[o];
        for (uint64_t t = 0; p->op_queue[o] >= 0 && t < p->plans[o].n_tiles; t++) {
            n += put_index(v + n, at, floor, ASIM_QUEUE_LOAD, me->ld[t]);
            n += put_index(v + n, at, floor, me->q[t], me->ex[t]);
            n += put_index(v + n, at, floor, ASIM_QUEUE_STORE, me->st[t]);
        }
    }
    return n;
}

/* Index i of queue q, `units` spans of len[q] on (-1 stays). */
static int64_t shift_index(const size_t *len, uint16_t q, int64_t i, size_t units)
{
    return i < 0 ? i : i + (int64_t)(units * len[q]);
}

/* The same for an index of the state, which stays when below floor[q] (put_index). */
static int64_t shift_state(const size_t *len, const size_t *floor, uint16_t q, int64_t i,
                           size_t units)
{
    return i >= 0 && (size_t)i < floor[q] ? i : shift_index(len, q, i, units);
}

/* Copies the span of ops [from, from + ops) (queue q's instructions from at[q], len[q] of
 * them, tokens pushed on them from log) r times after itself, then moves the compiler's
 * state r spans on (its indices below floor stay, put_index). */
static void replay_span(compiler_t *c, size_t from, size_t ops, size_t r, const size_t *at,
                        const size_t *len, const size_t *floor)
{
    asim_program_t *p = c->p;
    emit_state_t *e = &c->e;
    const asim_program_lazy_t *lz = p->lazy;
    for (size_t j = 1; j <= r; j++) {
        bool unwritten = lz && j >= lz->j0 && j < lz->j1;
        for (size_t q = 0; q < p->n_queues; q++) {
            asim_queue_t *qu = &p->queues[q];
            ASIM_ASSERT(qu->len == at[q] + j * len[q] && qu->len + len[q] <= qu->cap);
            if (unwritten) {
                qu->len += len[q];
                continue;
            }
            if (lz) /* a lazy program's queues are not prefaulted ahead */
                asim_prefault(&qu->insns[qu->len], len[q] * sizeof *qu->insns);
            for (size_t i = at[q]; i < at[q] + len[q]; i++) {
                asim_insn_t in = qu->insns[i];
                in.op += (uint32_t)(j * ops);
                in.n_pushes = 0;
                qu->insns[qu->len++] = in;
            }
        }
        for (size_t i = 0; i < c->log.n; i++) {
            const asim_push_t *pu = &c->log.pushes[i];
            int64_t to = shift_index(len, pu->queue, pu->index, j);
            if (!asim_program_unwritten(p, pu->queue, (size_t)to))
                push(c, pu->queue, (uint32_t)to, pu->channel);
        }
        for (size_t o = from; o < from + ops && !unwritten; o++) {
            const op_pos_t *src = &c->pos[o];
            op_pos_t *dst = &c->pos[o + j * ops];
            for (uint64_t t = 0; p->op_queue[o] >= 0 && t < p->plans[o].n_tiles; t++) {
                dst->ld[t] = (int32_t)shift_index(len, ASIM_QUEUE_LOAD, src->ld[t], j);
                dst->ex[t] = (int32_t)shift_index(len, src->q[t], src->ex[t], j);
                dst->st[t] = (int32_t)shift_index(len, ASIM_QUEUE_STORE, src->st[t], j);
            }
        }
    }
    for (size_t to = 0; to < p->n_queues; to++)
        for (size_t q = 0; q < p->n_queues; q++)
            for (int cause = 0; cause < ASIM_CAUSE_COUNT; cause++) {
                int64_t *cov = &c->covered[to][q][cause];
                *cov = shift_state(len, floor, (uint16_t)q, *cov, r);
            }
    e->n_loads += r * len[ASIM_QUEUE_LOAD];
    for (unsigned sl = 0; sl < ASIM_MAX_SLOTS; sl++) {
        need_t *n = &e->load_ex[sl];
        n->index = (uint32_t)shift_state(len, floor, n->queue, n->index, r);
        for (int part = 0; part < 2; part++) {
            n = &e->reader[sl][part];
            n->index = (uint32_t)shift_state(len, floor, n->queue, n->index, r);
        }
    }
    e->prev_ex = shift_state(len, floor, e->prev_q, e->prev_ex, r);
    e->last_st = shift_state(len, floor, ASIM_QUEUE_STORE, e->last_st, r);
}

/* Whether the logged pushes all go to instructions from floor on (a repeating span pushes
 * on nothing older: its state would not have repeated). */
static bool log_in_blocks(const compiler_t *c, const size_t *floor)
{
    for (size_t i = 0; i < c->log.n; i++)
        if (c->log.pushes[i].index < floor[c->log.pushes[i].queue])
            return false;
    return true;
}

/* How many blocks back a block's ops read from (at least 1); 0 when an op after the blocks
 * reads further back than that from their end (its needs would name older instructions). */
static size_t producer_blocks(const asim_graph_t *g, const asim_period_t *per)
{
    size_t far = 1, end = per->first + per->n * per->k;
    for (size_t o = per->first + per->k; o < end; o++)
        for (unsigned j = 0; j < g->ops[o].n_inputs; j++) {
            uint32_t in = g->ops[o].inputs[j];
            long from = in == ASIM_INPUT_MODEL || in < per->first
                            ? -1 : (long)((in - per->first) / per->k);
            size_t back = (size_t)((long)((o - per->first) / per->k) - from);
            far = back > far ? back : far;
        }
    for (size_t o = end; o < g->len; o++)
        for (unsigned j = 0; j < g->ops[o].n_inputs; j++) {
            uint32_t in = g->ops[o].inputs[j];
            if (in != ASIM_INPUT_MODEL && in < end - far * per->k)
                return 0;
        }
    return far;
}

/* Whether every op of the blocks places its tiles on the queues its predecessor did. */
static bool placement_repeats(const compiler_t *c, const asim_period_t *per)
{
    for (size_t o = per->first; o + per->k < per->first + per->n * per->k; o++)
        if (c->p->op_queue[o] >= 0 &&
            memcmp(c->pos[o].q, c->pos[o + per->k].q,
                   c->p->plans[o].n_tiles * sizeof *c->pos[o].q))
            return false;
    return true;
}

/* Copies of a block the run reads before it can jump over the rest, and after (besides the
 * blocks the ops after them read from). */
#define WRITTEN_AHEAD 2
#define WRITTEN_BEHIND 2

/* Marks copies of the block of ops from first_op at `at` (len instructions per queue) unwritten (p->lazy): all of
 * the r copies but the first WRITTEN_AHEAD and the last back + WRITTEN_BEHIND. False when out
 * of memory. */
static bool leave_unwritten(compiler_t *c, size_t first_op, size_t r, size_t back,
                            const size_t *at, const size_t *len, uint32_t op_shift)
{
    asim_program_t *p = c->p;
    size_t nq = p->n_queues, j0 = 1 + WRITTEN_AHEAD;
    if (r + 1 < j0 + back + WRITTEN_BEHIND + 1)
        return true;
    asim_program_lazy_t *lz = calloc(1, sizeof *lz);
    size_t *a = lz ? malloc(4 * nq * sizeof *a) : NULL;
    asim_push_t *pushes = malloc((c->log.n ? c->log.n : 1) * sizeof *pushes);
    if (!lz || !a || !pushes) {
        free(lz);
        free(a);
        free(pushes);
        return false;
    }
    *lz = (asim_program_lazy_t){.at = a, .len = a + nq, .v0 = a + 2 * nq, .v1 = a + 3 * nq,
                                .j0 = j0, .j1 = r + 1 - back - WRITTEN_BEHIND,
                                .first_op = first_op,
                                .op_shift = op_shift, .pushes = pushes, .n_pushes = c->log.n};
    memcpy(pushes, c->log.pushes, c->log.n * sizeof *pushes);
    for (size_t q = 0; q < nq; q++) {
        lz->at[q] = at[q];
        lz->len[q] = len[q];
        lz->v0[q] = at[q] + lz->j0 * len[q];
        lz->v1[q] = at[q] + lz->j1 * len[q];
    }
    p->lazy = lz;
    return true;
}

bool asim_program_materialize(asim_program_t *p)
{
    asim_program_lazy_t *lz = p->lazy;
    if (!lz)
        return true;
    for (size_t q = 0; q < p->n_queues; q++) {
        asim_insn_t *in = p->queues[q].insns;
        for (size_t i = lz->v0[q]; i < lz->v1[q]; i++) {
            size_t j = (i - lz->at[q]) / lz->len[q];
            in[i] = in[i - j * lz->len[q]];
            in[i].op += (uint32_t)j * lz->op_shift;
            in[i].n_pushes = 0;
        }
    }
    for (size_t j = lz->j0; j <= lz->j1; j++) /* copy j pushes on itself and on copy j - 1 */
        for (size_t k = 0; k < lz->n_pushes; k++) {
            const asim_push_t *pu = &lz->pushes[k];
            size_t i = pu->index + j * lz->len[pu->queue];
            if (!asim_program_unwritten(p, pu->queue, i))
                continue;
            asim_insn_t *in = &p->queues[pu->queue].insns[i];
            ASIM_ASSERT(in->n_pushes < ASIM_INSN_MAX_DEPS);
            in->pushes[in->n_pushes++] = pu->channel;
        }
    for (size_t q = 0; lz->sort_pushes && q < p->n_queues; q++)
        for (size_t i = lz->v0[q]; i < lz->v1[q]; i++) {
            asim_insn_t *in = &p->queues[q].insns[i];
            for (unsigned k = 1; k < in->n_pushes; k++) { /* stable, as canonical_order */
                uint16_t ch = in->pushes[k];
                unsigned m = k;
                for (; m > 0 && p->channels[in->pushes[m - 1]].to > p->channels[ch].to; m--)
                    in->pushes[m] = in->pushes[m - 1];
                in->pushes[m] = ch;
            }
        }
    lazy_free(p);
    return true;
}

#define MAX_SPAN 2                /* blocks a repeating span may take (slots alternate) */

/* Emits every tile of every supported op. Over repeated blocks (unless c->plain), the state
 * at each block's start is compared with the one 1 or 2 blocks before; once equal, the span
 * between is emitted once more, logging its pushes, and copied over the remaining blocks. */
static void emit_tiles(compiler_t *c)
{
    asim_program_t *p = c->p;
    size_t nq = p->n_queues;
    asim_period_t per = {0};
    bool blocks = !c->plain && asim_program_period(p, c->g, 1, &per) && per.n >= 4 &&
                  placement_repeats(c, &per);
    size_t back = blocks ? producer_blocks(c->g, &per) : 0, cap = 0;
    blocks = blocks && back > 0;
    for (size_t o = per.first; blocks && o < per.first + per.k; o++)
        cap += 3 * back * (p->op_queue[o] >= 0 ? p->plans[o].n_tiles : 0);
    cap = 2 * cap + 2 * nq * nq * ASIM_CAUSE_COUNT + 16 + 9 * ASIM_MAX_SLOTS;
    size_t *starts = blocks ? calloc((per.n + 1) * nq, sizeof *starts) : NULL;
    size_t *at = calloc(2 * nq, sizeof *at), *len = at + nq;
    uint64_t *state[MAX_SPAN + 1] = {NULL};
    size_t n_state[MAX_SPAN + 1] = {0};
    for (int i = 0; blocks && i <= MAX_SPAN; i++)
        state[i] = malloc(cap * sizeof *state[i]);
    blocks = blocks && starts && state[0] && state[1] && state[2];
    c->oom = c->oom || !at;
    for (size_t o = 0; o < c->g->len && !c->oom; o++) {
        size_t b = blocks ? (o - per.first) / per.k : 0;
        if (blocks && o >= per.first && o < per.first + per.n * per.k &&
            (o - per.first) % per.k == 0) {
            for (size_t q = 0; q < nq; q++) {
                starts[b * nq + q] = p->queues[q].len;
                /* the block will take about what the last one took (the first: its share of
                 * what was reserved) */
                size_t guess = b ? starts[b * nq + q] - starts[(b - 1) * nq + q]
                                 : p->queues[q].cap / per.n;
                if (c->lazy)
                    asim_prefault(&p->queues[q].insns[p->queues[q].len],
                                  asim_min_u64(guess, p->queues[q].cap - p->queues[q].len) *
                                      sizeof *p->queues[q].insns);
            }
            if (b >= back) {
                const size_t *floor = &starts[(b - back) * nq];
                uint64_t *v = state[b % (MAX_SPAN + 1)];
                n_state[b % (MAX_SPAN + 1)] = block_state(c, &starts[b * nq], floor,
                                                          o - back * per.k, o, v);
                for (size_t span = 1; span <= MAX_SPAN && b >= back + span; span++) {
                    size_t w = (b - span) % (MAX_SPAN + 1); /* block b - span's state */
                    if (b + span >= per.n || n_state[w] != n_state[b % (MAX_SPAN + 1)] ||
                        memcmp(state[w], v, n_state[w] * sizeof *v))
                        continue;
                    /* the span from block b emits the span before's, shifted: once more,
                     * logged, then copied over the whole spans left */
                    c->log.n = 0;
                    c->logging = true;
                    for (size_t i = o; i < o + span * per.k && !c->oom; i++)
                        emit_op(c, i);
                    c->logging = false;
                    size_t r = (per.n - b - span) / span;
                    for (size_t q = 0; q < nq; q++) {
                        at[q] = starts[b * nq + q];
                        len[q] = p->queues[q].len - at[q];
                        starts[(b + span) * nq + q] = p->queues[q].len;
                    }
                    floor = &starts[(b + span - back) * nq];
                    c->oom = c->oom || c->log_oom;
                    if (!log_in_blocks(c, &starts[(b - back) * nq]))
                        r = 0;
                    if (c->lazy && span == 1 && !c->oom)
                        c->oom = !leave_unwritten(c, o, r, back, at, len, (uint32_t)per.k);
                    if (!c->oom)
                        replay_span(c, o, span * per.k, r, at, len, floor);
                    p->copied_blocks = r * span;
                    o += (1 + r) * span * per.k - 1;
                    blocks = false;
                    break;
                }
                if (!blocks)
                    continue;
            }
        }
        emit_op(c, o);
    }
    for (int i = 0; i <= MAX_SPAN; i++)
        free(state[i]);
    free(starts);
    free(at);
}

/* The channel (from, to, cause), made on first use, by need k of instruction index of queue
 * to; -1 when out of memory. */
static int channel(compiler_t *c, uint16_t from, uint16_t to, uint8_t cause, uint32_t index,
                   unsigned k)
{
    asim_program_t *p = c->p;
    int32_t *id = &c->chan_of[from][to][cause];
    if (*id >= 0)
        return *id;
    ASIM_ASSERT(p->n_channels < UINT16_MAX);
    asim_channel_t *ch = realloc(p->channels, (p->n_channels + 1) * sizeof *ch);
    if (!ch)
        return -1;
    p->channels = ch;
    first_use_t *fu = realloc(c->first_use, (p->n_channels + 1) * sizeof *fu);
    if (!fu)
        return -1;
    c->first_use = fu;
    p->channels[p->n_channels] = (asim_channel_t){from, to, cause};
    c->first_use[p->n_channels] = (first_use_t){to, index, (uint8_t)k};
    *id = (int32_t)p->n_channels;
    return (int)p->n_channels++;
}

/* True if need k of n is implied by another of the same instruction: one on the same queue
 * and cause for a later instruction (queues run in order), or the same one listed earlier. */
static bool superseded(const needs_t *n, unsigned k)
{
    const need_t *d = &n->need[k];
    for (unsigned j = 0; j < n->n; j++) {
        const need_t *e = &n->need[j];
        if (j != k && e->queue == d->queue && e->cause == d->cause &&
            (e->index > d->index || (e->index == d->index && j < k)))
            return true;
    }
    return false;
}

/* Instruction index of queue q pushes a token on channel ch (logged while c->logging). */
static void push(compiler_t *c, uint16_t q, uint32_t index, uint16_t ch)
{
    asim_program_t *p = c->p;
    asim_insn_t *from = &p->queues[q].insns[index];
    ASIM_ASSERT(from->n_pushes < ASIM_INSN_MAX_DEPS);
    if (from->n_pushes && p->channels[from->pushes[from->n_pushes - 1]].to > p->channels[ch].to)
        c->pushes_unordered = true;
    from->pushes[from->n_pushes++] = ch;
    if (!c->logging)
        return;
    push_log_t *l = &c->log;
    asim_push_t *pu = asim_grow(l->pushes, l->n, &l->cap, sizeof *pu, 4096);
    if (!pu) {
        c->log_oom = true;
        return;
    }
    l->pushes = pu;
    l->pushes[l->n++] = (asim_push_t){q, ch, index};
}

/* Needs -> tokens, for the instructions of the tile just emitted: a consumer waits on a
 * channel only for a producer instruction later than every one an earlier instruction of its
 * queue already waited for there (and once per channel); that producer instruction pushes the
 * token. */
static void tile_tokens(compiler_t *c)
{
    asim_program_t *p = c->p;
    for (unsigned i = 0; i < c->n_pending && !c->oom; i++) {
        const pending_t *pe = &c->pending[i];
        const needs_t *n = &pe->needs;
        asim_insn_t *insn = &p->queues[pe->queue].insns[pe->index];
        for (unsigned k = 0; k < n->n; k++) {
            const need_t *d = &n->need[k];
            int64_t *covered = &c->covered[pe->queue][d->queue][d->cause];
            if ((int64_t)d->index <= *covered || superseded(n, k))
                continue;
            *covered = d->index;
            int ch = channel(c, d->queue, pe->queue, d->cause, pe->index, k);
            if (ch < 0) {
                c->oom = true;
                return;
            }
            ASIM_ASSERT(insn->n_waits < ASIM_INSN_MAX_DEPS);
            insn->waits[insn->n_waits++] = (uint16_t)ch;
            push(c, d->queue, d->index, (uint16_t)ch);
        }
    }
    c->n_pending = 0;
}

static bool first_use_before(const first_use_t *a, const first_use_t *b)
{
    if (a->to != b->to)
        return a->to < b->to;
    return a->index != b->index ? a->index < b->index : a->k < b->k;
}

/* The program's one form, as if tokens were made queue by queue: channels numbered in the
 * order of their first use by (consumer queue, instruction, need), and each instruction's
 * pushes in the order of their consumer queues (stable). Tiles are emitted across queues, so
 * both orders are restored here. False when out of memory. */
static bool canonical_order(compiler_t *c)
{
    asim_program_t *p = c->p;
    size_t n = p->n_channels;
    if (!n)
        return true;
    uint16_t *order = malloc(n * sizeof *order), *new_id = malloc(n * sizeof *new_id);
    asim_channel_t *chans = malloc(n * sizeof *chans);
    if (!order || !new_id || !chans) {
        free(order);
        free(new_id);
        free(chans);
        return false;
    }
    for (size_t i = 0; i < n; i++) { /* insertion sort: channels are few */
        size_t j = i;
        for (; j > 0 && first_use_before(&c->first_use[i], &c->first_use[order[j - 1]]); j--)
            order[j] = order[j - 1];
        order[j] = (uint16_t)i;
    }
    bool renumber = false;
    for (size_t r = 0; r < n; r++) {
        new_id[order[r]] = (uint16_t)r;
        chans[r] = p->channels[order[r]];
        renumber = renumber || order[r] != r;
    }
    free(p->channels);
    p->channels = chans;
    asim_program_lazy_t *lz = p->lazy;
    for (size_t k = 0; lz && renumber && k < lz->n_pushes; k++)
        lz->pushes[k].channel = new_id[lz->pushes[k].channel];
    if (lz)
        lz->sort_pushes = c->pushes_unordered;
    for (size_t q = 0; (renumber || c->pushes_unordered) && q < p->n_queues; q++)
        for (size_t i = 0; i < p->queues[q].len; i++) {
            if (asim_program_unwritten(p, q, i))
                i = lz->v1[q];
            if (i == p->queues[q].len)
                break;
            asim_insn_t *in = &p->queues[q].insns[i];
            for (unsigned k = 0; renumber && k < in->n_waits; k++)
                in->waits[k] = new_id[in->waits[k]];
            for (unsigned k = 0; k < in->n_pushes; k++) {
                uint16_t ch = renumber ? new_id[in->pushes[k]] : in->pushes[k];
                unsigned j = k;
                for (; j > 0 && chans[in->pushes[j - 1]].to > chans[ch].to; j--)
                    in->pushes[j] = in->pushes[j - 1];
                in->pushes[j] = ch;
            }
        }
    free(order);
    free(new_id);
    return true;
}

/* Queues: load, store, then one per unit that computes (board order). */
static bool make_queues(const asim_sim_t *s, asim_program_t *p)
{
    p->queues = calloc(s->n_units + 2, sizeof *p->queues);
    if (!p->queues)
        return false;
    snprintf(p->queues[0].name, sizeof p->queues[0].name, "load");
    snprintf(p->queues[1].name, sizeof p->queues[1].name, "store");
    p->n_queues = 2;
    for (size_t u = 0; u < s->n_units; u++) {
        asim_queue_t *q = &p->queues[p->n_queues];
        if (s->units[u] == s->dma) {
            p->queues[0].unit = p->queues[1].unit = (uint16_t)u;
            continue;
        }
        snprintf(q->name, sizeof q->name, "%s", s->units[u]->name);
        q->unit = (uint16_t)u;
        p->n_queues++;
    }
    return true;
}

static int32_t queue_of_unit(const asim_program_t *p, const asim_unit_t *const *units,
                             const asim_unit_t *u)
{
    for (size_t q = 2; q < p->n_queues; q++)
        if (units[p->queues[q].unit] == u)
            return (int32_t)q;
    ASIM_ASSERT(0);
    return -1;
}

/* Instance (head) of tile t of op, of `per` tiles per GEMM instance: a GEMM's tiles run
 * instance by instance; a vector op's row groups run over every instance's rows, and a group
 * counts for its first row's. */
static uint64_t tile_instance(const asim_plan_t *plan, const asim_op_t *op, uint64_t per,
                              uint64_t t)
{
    if (op->kind == ASIM_OP_GEMM)
        return asim_div(t, per);
    return asim_div(t * plan->tm, op->rows);
}

/* Each tile's compute queue: the routed unit's, or under the pipelined schedule one of the
 * queues of every unit identical to it for this op (same block and claim, able to run it):
 * instance i on the i-th of them modulo their number, and an op of one instance on the one
 * with the least work placed so far (the first of those), so independent branches spread. */
static void place_tiles(compiler_t *c, const asim_op_t *op, const asim_unit_t *routed,
                        const asim_plan_t *plan, bool pipelined, uint16_t *q)
{
    const asim_sim_t *s = c->s;
    const asim_program_t *p = c->p;
    uint16_t peers[64];
    size_t n = 0;
    int claim = routed->block->route(routed->self, op);
    char why[160];
    for (size_t k = 2; k < p->n_queues; k++) {
        const asim_unit_t *u = s->units[p->queues[k].unit];
        if (u == routed || (pipelined && u->block == routed->block &&
                            u->block->route(u->self, op) == claim &&
                            u->block->can_run(u->self, op, why, sizeof why))) {
            ASIM_ASSERT(n < sizeof peers / sizeof peers[0]);
            peers[n++] = (uint16_t)k;
        }
    }
    uint64_t work = op->kind == ASIM_OP_GEMM ? asim_op_macs(op) : asim_op_outputs(op);
    size_t least = 0;
    for (size_t k = 1; k < n; k++)
        if (c->work[peers[k]] < c->work[peers[least]])
            least = k;
    uint64_t per = plan->folds[0] * plan->folds[1] * plan->folds[2];
    for (uint64_t t = 0; t < plan->n_tiles; t++)
        q[t] = peers[op->count == 1 ? least : tile_instance(plan, op, per, t) % n];
    for (uint64_t i = 0; i < op->count; i++) {
        uint16_t at = peers[op->count == 1 ? least : i % n];
        c->work[at] += work / op->count;
    }
}

static asim_status_t compile(const asim_sim_t *s, const asim_graph_t *g, asim_schedule_t sched,
                             bool lazy, asim_program_t *p, asim_error_t *err);

asim_status_t asim_compile(const asim_sim_t *s, const asim_graph_t *g, asim_schedule_t sched,
                           asim_program_t *p, asim_error_t *err)
{
    return compile(s, g, sched, false, p, err);
}

asim_status_t asim_compile_lazy(const asim_sim_t *s, const asim_graph_t *g,
                                asim_schedule_t sched, asim_program_t *p, asim_error_t *err)
{
    return compile(s, g, sched, true, p, err);
}

static asim_status_t compile(const asim_sim_t *s, const asim_graph_t *g, asim_schedule_t sched,
                             bool lazy, asim_program_t *p, asim_error_t *err)
{
    memset(p, 0, sizeof *p);
    p->version = ASIM_PROGRAM_VERSION;
    p->schedule = sched;
    p->n_ops = g->len;
    p->plans = calloc(g->len ? g->len : 1, sizeof *p->plans);
    p->op_queue = calloc(g->len ? g->len : 1, sizeof *p->op_queue);
    p->addrs = calloc(g->len ? g->len : 1, sizeof *p->addrs);
    compiler_t c = {.s = s, .g = g, .p = p, .pos = calloc(g->len ? g->len : 1, sizeof(op_pos_t)),
                    .e = {.prev_ex = -1, .last_st = -1}, .plain = s->no_fast_forward,
                    .lazy = lazy};
    asim_residency_t *res = malloc((g->len ? g->len : 1) * sizeof *res);
    uint64_t tiles = 0, bound = (uint64_t)s->cfg.limits.max_events;
    const char *over = NULL; /* the op whose tiles passed the work bound */
    bool ok = p->plans && p->op_queue && p->addrs && c.pos && res &&
              asim_plan_residency(&s->buf, g, res) && make_queues(s, p);
    if (ok) {
        assign_addresses(g, p);
        c.work = calloc(p->n_queues, sizeof *c.work);
        c.covered = malloc(p->n_queues * sizeof *c.covered);
        c.chan_of = malloc(p->n_queues * sizeof *c.chan_of);
    }
    ok = ok && c.work && c.covered && c.chan_of;
    if (ok) {
        ASIM_ASSERT(p->n_queues <= MAX_QUEUES);
        memset(c.covered, 0xff, p->n_queues * sizeof *c.covered); /* all -1 */
        memset(c.chan_of, 0xff, p->n_queues * sizeof *c.chan_of);
    }
    for (size_t o = 0; ok && o < g->len; o++) {
        const asim_unit_t *u = asim_board_route(s, &g->ops[o]);
        p->op_queue[o] = u ? queue_of_unit(p, (const asim_unit_t *const *)s->units, u) : -1;
        if (!u)
            continue;
        asim_plan_op(&s->buf, u, s->dma, g, o, &res[o], &p->plans[o]);
        uint64_t n = p->plans[o].n_tiles;
        /* Each tile is at least one event, so more tiles than the work bound would be refused
         * by the run anyway: refuse them here, before their instructions are allocated. */
        if (bound && (!asim_add_u64(tiles, n, &tiles) || tiles > bound)) {
            over = g->ops[o].name;
            ok = false;
            break;
        }
        c.pos[o].ld = malloc(n * sizeof(int32_t));
        c.pos[o].ex = malloc(n * sizeof(int32_t));
        c.pos[o].st = malloc(n * sizeof(int32_t));
        c.pos[o].q = malloc(n * sizeof(uint16_t));
        ok = c.pos[o].ld && c.pos[o].ex && c.pos[o].st && c.pos[o].q;
        if (ok)
            place_tiles(&c, &g->ops[o], u, &p->plans[o], sched == ASIM_SCHEDULE_PIPELINED,
                        c.pos[o].q);
    }
    ok = ok && reserve_queues(&c);
    if (ok) {
        emit_tiles(&c);
        ok = !c.oom && canonical_order(&c);
    }
    free(res);
    free(c.covered);
    free(c.chan_of);
    free(c.first_use);
    free(c.log.pushes);
    free(c.work);
    for (size_t o = 0; c.pos && o < g->len; o++) {
        free(c.pos[o].ld);
        free(c.pos[o].ex);
        free(c.pos[o].st);
        free(c.pos[o].q);
    }
    free(c.pos);
    if (!ok) {
        asim_program_free(p);
        if (over)
            return asim_error_set(err, ASIM_ELIMIT, s->cfg.path,
                                  "model '%s', op '%s': more than %llu tiles so far, each at "
                                  "least one event, over the run's bound (limits.max_events; "
                                  "raise it with --set limits.max_events=N, 0 for none)",
                                  g->name, over, (unsigned long long)bound);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory compiling '%s'",
                              g->name);
    }
    return ASIM_OK;
}
