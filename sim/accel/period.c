/*
 * period.c: the executor's fast-forward over repeated blocks (see accel.h; docs/design.md,
 * "Repeated blocks").
 *
 * When ops [first, first + n k) are n blocks of k ops that repeat one another
 * (asim_program_period) and each queue's instructions of block b + 1 are block b's with op + k
 * (blocks p0..p1), the run is a function of the executor's state: if the state at the cut of
 * block b + 1 (the end of the issue pass in which the cut queue issued its first instruction
 * of that block) equals the state at the cut of block b once made relative to its block (queue
 * heads and instruction ids by the block's first instruction, times by now, ops by k, event
 * sequence numbers by the next one; accumulating counters are left out), every later block
 * repeats the last one, shifted by the same cycles and counters, as long as the instructions it
 * reads repeat too. The executor then jumps m blocks ahead at once: heads, times, counters,
 * the event queue and every per-instruction stamp and per-op result of the skipped blocks are
 * the last block's, shifted, and the rest (the last blocks and the ops after them) runs as
 * usual. The snapshot holds everything the future reads; anything it cannot place (a time
 * stamped at cycle 0, a fixed op's time after a repeated one's, a trace being recorded, a
 * platform memory timing transfers by address) turns the fast-forward off, never approximates.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "dram/dram.h"
#include "util/memory.h"

typedef struct {
    uint64_t *v;
    size_t n, cap;
} vec_t;

struct asim_ff {
    asim_period_t per;
    size_t p0, p1;               /* blocks p0..p1 repeat their predecessor's instructions */
    size_t *start;               /* per queue q, block b (0..n): start[q * (n + 1) + b] */
    size_t *len;                 /* per queue: instructions per block in p0..p1 */
    int cut_q;                   /* the queue whose block starts are the cuts */
    size_t next;                 /* the next block whose cut is awaited */
    size_t max_op0;              /* every op touched at cycle 0 is at most this */
    uint64_t **acc_at;           /* accumulating counters, left out of the snapshot */
    size_t n_acc, events_at;     /* events_at: the index of the event count among them */
    vec_t sig, prev_sig;         /* this cut's snapshot and the last one's */
    uint64_t *acc, *prev_acc;    /* the counters at this cut and at the last one */
    bool have_prev;
    size_t prev_block, prev_lo;
    asim_cycle_t prev_now;
    bool oom;
    size_t vb0, vb1;             /* blocks not written yet (p->lazy), else 0, 0 */
    size_t span;                 /* the graph's blocks in one of per's (1, or 2) */
    /* the jump: per queue its head and first instruction not done at the cut, the blocks
     * jumped and their cycles; every stamp of the blocks jumped is one of the block before
     * the cut's, shifted (fill_stamps, asim_ff_stamp) */
    size_t *jump_head, *jump_pending, jumped;
    asim_cycle_t jump_dt;
};

static void put(asim_ff_t *ff, vec_t *v, uint64_t x)
{
    uint64_t *p = asim_grow(v->v, v->n, &v->cap, sizeof *p, 4096);
    if (!p) {
        ff->oom = true;
        return;
    }
    v->v = p;
    v->v[v->n++] = x;
}

static void put_bytes(asim_ff_t *ff, vec_t *v, const void *p, size_t n)
{
    uint64_t w[64];
    for (size_t off = 0; off < n; off += sizeof w) {
        size_t m = n - off < sizeof w ? n - off : sizeof w;
        memset(w, 0, sizeof w);
        memcpy(w, (const char *)p + off, m);
        for (size_t i = 0; i < (m + 7) / 8; i++)
            put(ff, v, w[i]);
    }
}

/* Block of op o, or -1 outside the repeated blocks. */
static long block_of(const asim_ff_t *ff, size_t o)
{
    if (o < ff->per.first || o >= ff->per.first + ff->per.n * ff->per.k)
        return -1;
    return (long)((o - ff->per.first) / ff->per.k);
}

static size_t start_of(const asim_ff_t *ff, size_t q, size_t b)
{
    return ff->start[q * (ff->per.n + 1) + b];
}

/* Queue of global instruction id. */
static size_t queue_of(const asim_sim_t *s, size_t id)
{
    size_t q = s->prog.n_queues - 1;
    while (q > 0 && (s->first[q] > id || s->prog.queues[q].len == 0))
        q--;
    return q;
}

/* Instruction id `blocks` blocks on (an instruction outside the repeated blocks stays). */
static int64_t shift_id(const asim_sim_t *s, int64_t id, size_t blocks)
{
    if (id < 0)
        return id;
    size_t q = queue_of(s, (size_t)id), i = (size_t)id - s->first[q];
    if (!asim_program_unwritten(&s->prog, q, i) &&
        block_of(s->ff, s->prog.queues[q].insns[i].op) < 0)
        return id;
    return id + (int64_t)(blocks * s->ff->len[q]);
}

/* Instruction b repeats instruction a of the block before. */
static bool insn_repeats(const asim_insn_t *a, const asim_insn_t *b, size_t k)
{
    return a->kind == b->kind && a->n_waits == b->n_waits && a->n_pushes == b->n_pushes &&
           a->slot == b->slot && b->op == a->op + k && a->tile == b->tile && a->bits == b->bits &&
           !memcmp(a->waits, b->waits, a->n_waits * sizeof a->waits[0]) &&
           !memcmp(a->pushes, b->pushes, a->n_pushes * sizeof a->pushes[0]);
}

/* Each queue's block starts; false when a queue does not run its ops in graph order. */
static bool find_starts(const asim_sim_t *s, asim_ff_t *ff)
{
    const asim_period_t *per = &ff->per;
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        const asim_queue_t *qu = &s->prog.queues[q];
        size_t *st = &ff->start[q * (per->n + 1)], b = 0;
        const asim_program_lazy_t *lz = s->prog.lazy;
        for (size_t i = 0; i < qu->len; i++) {
            if (lz && i == lz->v0[q] && lz->v0[q] < lz->v1[q]) { /* copies of one block */
                for (; b < ff->vb1; b++)
                    st[b] = i + (b - ff->vb0) * lz->len[q];
                i = lz->v1[q];
                if (i == qu->len)
                    break;
            }
            size_t before = lz && i == lz->v1[q] && i > lz->v0[q] ? lz->v0[q] - 1 : i - 1;
            if (i && qu->insns[i].op < qu->insns[before].op)
                return false;
            for (; b <= per->n && qu->insns[i].op >= per->first + b * per->k; b++)
                st[b] = i;
        }
        for (; b <= per->n; b++)
            st[b] = qu->len;
    }
    return true;
}

/* Whether every queue's block b + 1 is its block b shifted (and block b + 2 as long); blocks
 * not written yet are copies of one block, and so are their neighbours. */
static bool pair_repeats(const asim_sim_t *s, const asim_ff_t *ff, size_t b)
{
    if (b + 2 >= ff->vb0 && b < ff->vb1)
        return true;
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        const asim_insn_t *in = s->prog.queues[q].insns;
        size_t a0 = start_of(ff, q, b), a1 = start_of(ff, q, b + 1), a2 = start_of(ff, q, b + 2);
        if (a1 - a0 != a2 - a1)
            return false;
        for (size_t i = a0; i < a1; i++)
            if (!insn_repeats(&in[i], &in[i + (a1 - a0)], ff->per.k))
                return false;
    }
    return true;
}

/* The counters a block adds to instead of setting. */
static bool list_counters(asim_sim_t *s, asim_ff_t *ff)
{
    size_t cap = 64 + s->prog.n_queues * (ASIM_CAUSE_COUNT + 1) + s->prog.n_channels +
                 s->n_units * (8 + ASIM_ACT_COUNT + ASIM_BLOCK_MAX_COUNTERS) + s->graph->len;
    ff->acc_at = malloc(cap * sizeof *ff->acc_at);
    if (!ff->acc_at)
        return false;
    size_t n = 0;
    for (size_t q = 0; q < s->prog.n_queues; q++)
        for (int c = 0; c <= ASIM_CAUSE_COUNT; c++)
            ff->acc_at[n++] = &s->qs[q].wait[c];
    ff->acc_at[n++] = &s->wait_operands;
    ff->acc_at[n++] = &s->wait_buffer;
    ff->acc_at[n++] = &s->wait_data;
    ff->events_at = n;
    ff->acc_at[n++] = &s->q.executed;
    ff->acc_at[n++] = &s->q.next_seq;
    for (size_t u = 0; u < s->n_units; u++) {
        asim_unit_t *un = s->units[u];
        uint64_t *f[] = {&un->busy_cycles, &un->jobs, &un->stall_sram_ports, &un->macs,
                         &s->job_ports[u].transfers, &s->job_ports[u].refusals,
                         &s->done_ports[u].transfers, &s->done_ports[u].refusals};
        for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
            ff->acc_at[n++] = f[i];
        for (int a = 0; a < ASIM_ACT_COUNT; a++)
            ff->acc_at[n++] = &un->actions[a];
        for (size_t c = 0; c < un->block->n_counters; c++)
            ff->acc_at[n++] = &un->counters[c];
    }
    _Static_assert(sizeof(size_t) == sizeof(uint64_t), "pops are counted as uint64_t");
    for (size_t c = 0; c < s->prog.n_channels; c++)
        ff->acc_at[n++] = (uint64_t *)&s->pops[c];
    for (size_t o = 0; o < s->graph->len; o++)
        if (block_of(ff, o) < 0)
            ff->acc_at[n++] = &s->layers[o].wait_operands;
    ff->n_acc = n;
    ff->acc = malloc(n * sizeof *ff->acc);
    ff->prev_acc = malloc(n * sizeof *ff->prev_acc);
    return ff->acc && ff->prev_acc;
}

/* Finds the block starts and the longest run of blocks p0..p1 each repeating the one before;
 * its length (0: none). */
static size_t repeating_blocks(const asim_sim_t *s, asim_ff_t *ff)
{
    size_t best = 0, run = 0;
    if (!find_starts(s, ff))
        return 0;
    for (size_t b = 0; b + 2 <= ff->per.n; b++) {
        run = pair_repeats(s, ff, b) ? run + 1 : 0;
        if (run > best) {
            best = run;
            ff->p0 = b + 1 - run;
            ff->p1 = b + 1;
        }
    }
    return best;
}

/* The blocks a lazy program has not written, in the run's blocks; false when they are not
 * whole blocks of them (the caller then writes them out). */
static bool lazy_blocks(asim_sim_t *s, asim_ff_t *ff)
{
    const asim_program_lazy_t *lz = s->prog.lazy;
    if (!lz)
        return true;
    long b = block_of(ff, lz->first_op);
    if (b < 0 || lz->first_op != ff->per.first + (size_t)b * ff->per.k ||
        lz->op_shift != ff->per.k || (size_t)b + lz->j1 > ff->per.n)
        return false;
    ff->vb0 = (size_t)b + lz->j0;
    ff->vb1 = (size_t)b + lz->j1;
    return true;
}

bool asim_ff_begin(asim_sim_t *s)
{
    s->ff = NULL;
    asim_period_t per;
    if (s->no_fast_forward || s->record || s->dma_timer ||
        !asim_program_period(&s->prog, s->graph, asim_dram_burst_bytes(&s->cfg), &per) ||
        per.n < 4)
        return true;
    asim_ff_t *ff = calloc(1, sizeof *ff);
    if (!ff)
        return false;
    s->ff = ff;
    ff->per = per;
    ff->span = 1;
    ff->start = malloc(s->prog.n_queues * (per.n + 1) * sizeof *ff->start);
    ff->len = calloc(s->prog.n_queues, sizeof *ff->len);
    if (!ff->start || !ff->len || !list_counters(s, ff))
        return false;
    if (!lazy_blocks(s, ff) && !asim_materialize_run(s))
        return false; /* its unwritten copies are not whole blocks of the run's: written */
    size_t best = repeating_blocks(s, ff);
    if (best < 3 && per.n >= 8) { /* an odd number of loads a block: the slots alternate */
        ff->vb0 = ff->vb1 = 0;
        if (!asim_materialize_run(s))
            return false;
        ff->per.k *= 2;
        ff->per.n /= 2;
        ff->span = 2;
        best = repeating_blocks(s, ff);
    }
    ff->cut_q = -1;
    for (size_t q = 0; best >= 3 && q < s->prog.n_queues; q++) {
        ff->len[q] = start_of(ff, q, ff->p0 + 1) - start_of(ff, q, ff->p0);
        if (ff->len[q] && ff->cut_q < 0)
            ff->cut_q = (int)q;
    }
    if (ff->cut_q < 0) {
        asim_ff_free(s);
        return true;
    }
    for (size_t q = 0; ff->vb1 > ff->vb0 && q < s->prog.n_queues; q++)
        if (s->prog.lazy->len[q] != ff->len[q]) { /* copies of another block length */
            ff->vb0 = ff->vb1 = 0;
            if (!asim_materialize_run(s))
                return false;
        }
    ff->jump_head = calloc(2 * s->prog.n_queues, sizeof *ff->jump_head);
    if (!ff->jump_head)
        return false;
    ff->jump_pending = ff->jump_head + s->prog.n_queues;
    ff->next = ff->p0;
    return true;
}

void asim_ff_free(asim_sim_t *s)
{
    asim_ff_t *ff = s->ff;
    if (!ff)
        return;
    free(ff->start);
    free(ff->len);
    free(ff->acc_at);
    free(ff->acc);
    free(ff->prev_acc);
    free(ff->sig.v);
    free(ff->prev_sig.v);
    free(ff->jump_head);
    free(ff);
    s->ff = NULL;
}

/* ---- the snapshot ---- */

typedef struct {
    asim_sim_t *s;
    size_t block;                /* the cut's block */
    asim_cycle_t now;
    long lo, hi;                 /* blocks with work left / touched so far */
    asim_cycle_t max_fixed, min_repeated; /* done times of referenced instructions */
    bool any_repeated, valid;
} cut_t;

/* Whether queue q's last issued instruction is still running. */
static bool in_flight_q(const asim_sim_t *s, size_t q)
{
    bool dma = q == ASIM_QUEUE_LOAD || q == ASIM_QUEUE_STORE;
    return dma ? s->dma_busy && s->dma_queue == (int)q : s->qs[q].busy;
}

/* Time t relative to now (0: not set). */
static uint64_t rel(const cut_t *c, asim_cycle_t t)
{
    return t ? t - c->now : UINT64_MAX;
}

/* A referenced instruction: by its block's start if it is in the repeated blocks (with its
 * done time relative to now), else by its id (with its done time as is). */
static void put_ref(cut_t *c, int64_t id, bool done)
{
    asim_sim_t *s = c->s;
    asim_ff_t *ff = s->ff;
    if (id < 0) {
        put(ff, &ff->sig, UINT64_MAX);
        return;
    }
    size_t q = queue_of(s, (size_t)id), i = (size_t)id - s->first[q];
    size_t op = s->prog.queues[q].insns[i].op;
    asim_cycle_t t = s->done_at[id];
    if (block_of(ff, op) < 0) {
        put(ff, &ff->sig, 0);
        put(ff, &ff->sig, (uint64_t)id);
        if (done) {
            put(ff, &ff->sig, t);
            c->max_fixed = t > c->max_fixed ? t : c->max_fixed;
        }
        return;
    }
    if (op <= ff->max_op0)
        c->valid = false; /* a done time of 0 would not shift */
    put(ff, &ff->sig, 1);
    put(ff, &ff->sig, q);
    put(ff, &ff->sig, i - start_of(ff, q, c->block));
    if (done) {
        put(ff, &ff->sig, t - c->now);
        if (!c->any_repeated || t < c->min_repeated)
            c->min_repeated = t;
        c->any_repeated = true;
    }
}


/* A running compute's tile: its shape (not its name or inputs: they time nothing) and bits. */
static void put_tile(asim_ff_t *ff, const asim_tile_t *t)
{
    const asim_op_t *o = &t->shape;
    uint64_t f[] = {o->kind, o->m, o->n, o->k, o->rows, o->cols, o->count,
                    (uint64_t)o->a_bits, (uint64_t)o->b_bits, (uint64_t)o->out_bits,
                    o->b_is_weight, o->b_shared, o->a_reuse, o->b_cache, o->out_cache,
                    o->group, o->causal, o->n_inputs, t->load_act_bits, t->load_weight_bits,
                    t->store_bits};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        put(ff, &ff->sig, f[i]);
}

static void put_queues(cut_t *c)
{
    asim_sim_t *s = c->s;
    asim_ff_t *ff = s->ff;
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        const queue_state_t *qs = &s->qs[q];
        bool flying = in_flight_q(s, q);
        put(ff, &ff->sig, qs->head - start_of(ff, q, c->block));
        put(ff, &ff->sig, (uint64_t)qs->busy << 1 | flying);
        put(ff, &ff->sig, (uint64_t)qs->reason);
        put(ff, &ff->sig, qs->since - c->now);
        if (qs->head > 0)
            put_ref(c, (int64_t)(s->first[q] + qs->head - 1), !flying);
        if (!flying)
            continue;
        const asim_job_t *j = &qs->job;
        put(ff, &ff->sig, rel(c, j->start)); /* 0: sent, not started yet */
        put(ff, &ff->sig, j->work.bits);
        put(ff, &ff->sig, (uint64_t)j->work.store << 1 | j->work.describe);
        put(ff, &ff->sig, j->work.at_least);
        put(ff, &ff->sig, (uint64_t)(uintptr_t)j->work.op);
        put(ff, &ff->sig, j->stall_sram);
        put(ff, &ff->sig, j->tag);
        put_bytes(ff, &ff->sig, &j->cost, sizeof j->cost);
        if (q >= 2)
            put_tile(ff, &qs->tile);
    }
    put(ff, &ff->sig, (uint64_t)s->dma_busy << 8 | (uint64_t)s->dma_queue);
    put_ref(c, s->last_dma, !s->dma_busy);
    for (size_t ch = 0; ch < s->prog.n_channels; ch++) {
        put(ff, &ff->sig, s->tokens[ch]);
        for (uint32_t t = 0; t < s->tokens[ch]; t++)
            put_ref(c, s->pushers[ch][s->pops[ch] + t], true);
    }
    put(ff, &ff->sig, s->buffer_bits);
}

static void put_units(cut_t *c)
{
    asim_sim_t *s = c->s;
    asim_ff_t *ff = s->ff;
    for (size_t u = 0; u < s->n_units; u++) {
        const asim_unit_t *un = s->units[u];
        put(ff, &ff->sig, un->busy);
        put(ff, &ff->sig, (uint64_t)(uintptr_t)un->current);
        put(ff, &ff->sig, un->sram_bits_per_cycle);
        const asim_port_t *ports[] = {&s->job_ports[u], &s->done_ports[u]};
        for (int k = 0; k < 2; k++) {
            put(ff, &ff->sig, (uint64_t)(uintptr_t)ports[k]->payload);
            put(ff, &ff->sig, (uint64_t)ports[k]->valid << 1 | ports[k]->producer_waiting);
        }
    }
}

static int event_cmp(const void *a, const void *b)
{
    const asim_event_t *x = a, *y = b;
    if (x->when != y->when)
        return x->when < y->when ? -1 : 1;
    if (x->prio != y->prio)
        return x->prio < y->prio ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void put_events(cut_t *c)
{
    asim_sim_t *s = c->s;
    asim_ff_t *ff = s->ff;
    size_t n = s->q.len;
    asim_event_t *ev = malloc((n ? n : 1) * sizeof *ev);
    if (!ev) {
        ff->oom = true;
        return;
    }
    memcpy(ev, s->q.heap, n * sizeof *ev);
    qsort(ev, n, sizeof *ev, event_cmp);
    put(ff, &ff->sig, n);
    for (size_t i = 0; i < n; i++) {
        put(ff, &ff->sig, ev[i].when - c->now);
        put(ff, &ff->sig, (uint64_t)(int64_t)ev[i].prio);
        put(ff, &ff->sig, s->q.next_seq - ev[i].seq);
        put(ff, &ff->sig, (uint64_t)(uintptr_t)ev[i].fn);
        put(ff, &ff->sig, (uint64_t)(uintptr_t)ev[i].ctx);
    }
    free(ev);
}

/* An op's results so far, its times relative to now (repeated ops) or as they are (fixed
 * ops, whose wait_operands is a counter). */
static void put_op(cut_t *c, size_t o, bool repeated)
{
    asim_sim_t *s = c->s;
    asim_layer_t l = s->layers[o];
    op_state_t st = s->ops[o];
    if (repeated) {
        l.start = rel(c, l.start);
        l.end = rel(c, l.end);
        st.last_compute_end = rel(c, st.last_compute_end);
    } else {
        l.wait_operands = 0;
    }
    put_bytes(s->ff, &s->ff->sig, &l, sizeof l);
    put_bytes(s->ff, &s->ff->sig, &st, sizeof st);
}

/* The window of blocks with work left (lo) up to the last one touched (hi); false when a
 * queue that runs the blocks is outside them. */
static bool find_window(cut_t *c)
{
    asim_sim_t *s = c->s;
    asim_ff_t *ff = s->ff;
    c->lo = LONG_MAX;
    c->hi = -1;
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        const asim_queue_t *qu = &s->prog.queues[q];
        size_t head = s->qs[q].head, pending = head - in_flight_q(s, q);
        if (!ff->len[q]) {
            if (in_flight_q(s, q) || (head < qu->len && block_of(ff, qu->insns[head].op) >= 0))
                return false;
            continue;
        }
        if (head >= qu->len)
            return false;
        long h = block_of(ff, qu->insns[head].op), p = block_of(ff, qu->insns[pending].op);
        if (h < 0 || p < 0)
            return false;
        c->hi = h > c->hi ? h : c->hi;
        c->lo = p < c->lo ? p : c->lo;
    }
    return ff->per.first + (size_t)c->lo * ff->per.k > ff->max_op0;
}

static void snapshot(cut_t *c)
{
    asim_sim_t *s = c->s;
    asim_ff_t *ff = s->ff;
    ff->sig.n = 0;
    c->valid = find_window(c);
    if (!c->valid)
        return;
    put(ff, &ff->sig, (uint64_t)(c->lo - (long)c->block));
    put(ff, &ff->sig, (uint64_t)(c->hi - (long)c->block));
    put_queues(c);
    put_units(c);
    put_events(c);
    for (long b = c->lo; b <= c->hi; b++)
        for (size_t j = 0; j < ff->per.k; j++)
            put_op(c, ff->per.first + (size_t)b * ff->per.k + j, true);
    for (size_t o = 0; o < s->graph->len; o++)
        if (block_of(ff, o) < 0)
            put_op(c, o, false);
    if (c->any_repeated && c->max_fixed >= c->min_repeated)
        c->valid = false; /* a fixed time must stay before every shifted one */
    for (size_t i = 0; i < ff->n_acc; i++)
        ff->acc[i] = *ff->acc_at[i];
}

/* ---- the jump ---- */

/* Where the stamps of instruction i of queue q come from once the run jumped: the
 * instruction j blocks before it in the block before the cut, j >= 1 (from: the first
 * instruction issued, or done, after the cut). */
static size_t source(const asim_ff_t *ff, size_t q, size_t from, size_t i, size_t *j)
{
    *j = (i - from) / ff->len[q] + 1;
    return i - *j * ff->len[q];
}

/* Stamps of queue q's instructions from `from` on, for m blocks (issue cycle and predecessor,
 * or completion cycle), each from the one a block before the cut's, shifted by dt (not for
 * instructions not written yet: asim_ff_stamp gives theirs). */
static void fill_range(asim_sim_t *s, size_t q, size_t from, size_t m, asim_cycle_t dt,
                       bool done)
{
    size_t L = s->ff->len[q], f = s->first[q], j;
    for (size_t i = from; i < from + m * L; i++) {
        if (asim_program_unwritten(&s->prog, q, i)) {
            i = s->prog.lazy->v1[q] - 1;
            continue;
        }
        size_t src = source(s->ff, q, from, i, &j);
        if (done) {
            s->done_at[f + i] = s->done_at[f + src] + j * dt;
            continue;
        }
        s->issued_at[f + i] = s->issued_at[f + src] + j * dt;
        s->pred[f + i] = (int32_t)shift_id(s, s->pred[f + src], j);
    }
}

/* Per-instruction stamps of the m blocks jumped over. */
static void fill_stamps(asim_sim_t *s, size_t m, asim_cycle_t dt)
{
    asim_ff_t *ff = s->ff;
    ff->jumped = m;
    ff->jump_dt = dt;
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        ff->jump_head[q] = s->qs[q].head;
        ff->jump_pending[q] = s->qs[q].head - in_flight_q(s, q);
        if (ff->len[q]) {
            fill_range(s, q, ff->jump_head[q], m, dt, false);
            fill_range(s, q, ff->jump_pending[q], m, dt, true);
        }
    }
}

bool asim_ff_done_before_next(const asim_sim_t *s, size_t q, size_t i)
{
    const asim_ff_t *ff = s->ff;
    return ff && ff->jumped && ff->jump_dt > 0 && asim_program_unwritten(&s->prog, q, i) &&
           asim_program_unwritten(&s->prog, q, i + ff->len[q]);
}

void asim_ff_stamp(const asim_sim_t *s, size_t id, asim_cycle_t *issued, asim_cycle_t *done,
                   int64_t *pred)
{
    const asim_ff_t *ff = s->ff;
    size_t q = queue_of(s, id), i = id - s->first[q], f = s->first[q], j;
    if (!ff || !ff->jumped || !asim_program_unwritten(&s->prog, q, i)) {
        *issued = s->issued_at[id];
        *done = s->done_at[id];
        if (pred)
            *pred = s->pred[id];
        return;
    }
    size_t src = source(ff, q, ff->jump_head[q], i, &j);
    *issued = s->issued_at[f + src] + j * ff->jump_dt;
    if (pred)
        *pred = shift_id(s, s->pred[f + src], j);
    src = source(ff, q, ff->jump_pending[q], i, &j);
    *done = s->done_at[f + src] + j * ff->jump_dt;
}

/* Op o's results, m blocks on, their times shifted by dt (0 stays: not set). */
static void copy_op(asim_sim_t *s, size_t from, size_t to, asim_cycle_t dt)
{
    asim_layer_t l = s->layers[from];
    op_state_t st = s->ops[from];
    l.start += l.start ? dt : 0;
    l.end += l.end ? dt : 0;
    st.last_compute_end += st.last_compute_end ? dt : 0;
    s->layers[to] = l;
    s->ops[to] = st;
}

/* Blocks lo..hi move m blocks on; blocks lo..lo+m-1, finished meanwhile, end as block lo-1
 * ended, shifted by a block each. */
static void move_ops(asim_sim_t *s, long lo, long hi, size_t m, asim_cycle_t dt)
{
    const asim_period_t *per = &s->ff->per;
    for (long b = hi; b >= lo; b--)
        for (size_t j = 0; j < per->k; j++) {
            size_t o = per->first + (size_t)b * per->k + j;
            copy_op(s, o, o + m * per->k, m * dt);
        }
    for (size_t i = 1; i <= m; i++)
        for (size_t j = 0; j < per->k; j++) {
            size_t o = per->first + (size_t)(lo - 1) * per->k + j;
            copy_op(s, o, o + i * per->k, i * dt);
        }
}

static void jump(asim_sim_t *s, const cut_t *c, size_t m)
{
    asim_ff_t *ff = s->ff;
    asim_cycle_t dt = c->now - ff->prev_now;
    uint64_t dseq = 0;
    for (size_t i = 0; i < ff->n_acc; i++) {
        uint64_t d = ff->acc[i] - ff->prev_acc[i];
        if (ff->acc_at[i] == &s->q.next_seq)
            dseq = d;
        *ff->acc_at[i] += m * d;
    }
    fill_stamps(s, m, dt);
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        queue_state_t *qs = &s->qs[q];
        qs->head += m * ff->len[q];
        qs->since += m * dt;
        if (!in_flight_q(s, q))
            continue;
        qs->job.start += qs->job.start ? m * dt : 0;
        const asim_insn_t *in = &s->prog.queues[q].insns[qs->head - 1];
        if (q >= 2)
            asim_plan_tile(&s->prog.plans[in->op], s->graph, in->op, in->tile, &qs->tile);
        else
            s->dma_insn = in;
    }
    s->last_dma = shift_id(s, s->last_dma, m);
    for (size_t i = 0; i < s->q.len; i++) {
        s->q.heap[i].when += m * dt;
        s->q.heap[i].seq += m * dseq;
    }
    s->q.now += m * dt;
    move_ops(s, c->lo, c->hi, m, dt);
}

/* Blocks that can be skipped from this cut: every instruction they read repeats, and the
 * run's event bound is not reached on the way. */
static size_t blocks_to_skip(const asim_sim_t *s, const cut_t *c)
{
    const asim_ff_t *ff = s->ff;
    if (ff->prev_lo < ff->p0 || (size_t)c->hi >= ff->p1)
        return 0;
    size_t m = ff->p1 - (size_t)c->hi;
    uint64_t events = s->q.executed - ff->prev_acc[ff->events_at];
    if (s->q.max_events && events) {
        uint64_t room = s->q.max_events > s->q.executed ? s->q.max_events - s->q.executed : 0;
        if (room / events < m)
            m = (size_t)(room / events);
    }
    return m;
}

/* Whether a queue's head comes near instructions not written yet (an issue pass moves a head
 * by a few instructions at most: one, and a slot turn per buffer slot). */
static bool near_unwritten(const asim_sim_t *s)
{
    const asim_program_lazy_t *lz = s->prog.lazy;
    for (size_t q = 0; q < s->prog.n_queues; q++)
        if (lz->v0[q] < lz->v1[q] && s->qs[q].head + 16 >= lz->v0[q] &&
            s->qs[q].head < lz->v1[q])
            return true;
    return false;
}

/* Writes out the program's unwritten blocks and their pushers; false when out of memory. */
static bool write_out(asim_sim_t *s)
{
    s->ff->vb0 = s->ff->vb1 = 0;
    if (!asim_materialize_run(s)) {
        s->oom = true;
        return false;
    }
    return true;
}

void asim_ff_cut(asim_sim_t *s, asim_cycle_t now)
{
    asim_ff_t *ff = s->ff;
    if (now == 0) /* what issues at cycle 0 (and so completes or starts its op then) */
        for (size_t q = 0; q < s->prog.n_queues; q++) {
            const asim_queue_t *qu = &s->prog.queues[q];
            size_t head = s->qs[q].head;
            if (head && qu->insns[head - 1].op > ff->max_op0)
                ff->max_op0 = qu->insns[head - 1].op;
        }
    if (ff->vb1 > ff->vb0 && near_unwritten(s) && !write_out(s))
        return;
    size_t cq = (size_t)ff->cut_q, head = s->qs[cq].head;
    if (ff->next > ff->p1 || head <= start_of(ff, cq, ff->next))
        return;
    size_t b = ff->next;
    while (b + 1 <= ff->p1 && head > start_of(ff, cq, b + 1))
        b++;
    ff->next = b + 1;
    cut_t c = {.s = s, .block = b, .now = now};
    snapshot(&c);
    if (ff->oom) {
        s->oom = true;
        return;
    }
    if (!c.valid) {
        ff->have_prev = false;
        return;
    }
    if (ff->have_prev && ff->prev_block + 1 == b && ff->sig.n == ff->prev_sig.n &&
        !memcmp(ff->sig.v, ff->prev_sig.v, ff->sig.n * sizeof *ff->sig.v)) {
        size_t m = blocks_to_skip(s, &c);
        if (m && ff->vb1 > ff->vb0 && ((size_t)c.hi >= ff->vb0 || (size_t)c.lo + m < ff->vb1) &&
            !write_out(s)) /* the jump would start or land among blocks not written */
            return;
        if (m) {
            jump(s, &c, m);
            s->ff_blocks = m * ff->span;
            s->ff_unwritten = ff->vb1 - ff->vb0;
            ff->next = ff->p1 + 1; /* once */
            return;
        }
    }
    vec_t t = ff->prev_sig;
    ff->prev_sig = ff->sig;
    ff->sig = t;
    uint64_t *a = ff->prev_acc;
    ff->prev_acc = ff->acc;
    ff->acc = a;
    ff->have_prev = true;
    ff->prev_block = b;
    ff->prev_lo = (size_t)c.lo;
    ff->prev_now = now;
}
