/*
 * execute.c: runs a program (program/program.h) on the board through the event kernel.
 *
 * Each queue issues its instructions in order. The head issues when its unit is free (the
 * load and store queues share the one DMA channel, stores first) and every channel it waits
 * on holds a token; it takes the tokens at issue and pushes its own at completion. A load of
 * 0 bits (the serial schedule's slot turn of a tile that moves nothing) needs the channel free
 * but completes as it issues. Whenever
 * something completes, every queue is tried again, in a fixed order (store, load, then the
 * compute queues), so runs replay bit for bit.
 *
 * Waits. Between two events each queue's head is in one state: running, done, waiting for its
 * unit (the DMA channel busy with the other queue), or waiting for tokens. A wait on tokens is
 * counted under the cause of the first empty channel in the order order, buffer, data,
 * result, operand: a compute counts an operand wait only when its load is all it lacks.
 *
 * Buffer ports. The buffers' banks give every cycle 2 x banks x port_bits bits of reads; a
 * compute job that starts while n others run gets 1/(n+1) of them for its whole run (the
 * unit stretches it and counts a port stall when its reads need more).
 *
 * Deadlock. When no event is left and a queue has not finished, the program cannot finish
 * (tokens that can never arrive): the run fails naming each stuck queue, its instruction and
 * the channels it waits on, instead of hanging.
 *
 * Repeated blocks. At the end of each issue pass period.c may jump over blocks whose run
 * repeats the last one (asim_ff_cut), with the same results; a run's program may leave those
 * blocks unwritten (asim_compile_lazy), so per-instruction passes skip them.
 */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "util/memory.h"

static void issue_all(asim_sim_t *s, asim_cycle_t now);

static void record_span(asim_sim_t *s, const char *unit, size_t layer, asim_cycle_t start,
                        asim_cycle_t end, const char *what)
{
    if (!s->record || s->oom)
        return;
    asim_span_t *p = asim_grow(s->spans, s->n_spans, &s->spans_cap, sizeof *p, 1024);
    if (!p) {
        s->oom = true;
        return;
    }
    s->spans = p;
    s->spans[s->n_spans++] = (asim_span_t){unit, layer, start, end, what};
}

/* Buffer occupancy changes by `bits` (a load in, a compute done) at `now`. */
static void occupy(asim_sim_t *s, asim_cycle_t now, uint64_t in, uint64_t out)
{
    s->buffer_bits = s->buffer_bits + in - out;
    if (!s->record || s->oom)
        return;
    if (s->n_occupancy && s->occupancy[s->n_occupancy - 1].at == now) {
        s->occupancy[s->n_occupancy - 1].bits = s->buffer_bits;
        return;
    }
    asim_sample_t *p = asim_grow(s->occupancy, s->n_occupancy, &s->occupancy_cap, sizeof *p,
                                 1024);
    if (!p) {
        s->oom = true;
        return;
    }
    s->occupancy = p;
    s->occupancy[s->n_occupancy++] = (asim_sample_t){now, s->buffer_bits};
}

static void add_actions(op_state_t *o, const asim_cost_t *c)
{
    for (int a = 0; a < ASIM_ACT_COUNT; a++)
        o->actions[a] += c->actions[a];
}

static void layer_end(asim_sim_t *s, size_t op, asim_cycle_t now)
{
    if (now > s->layers[op].end)
        s->layers[op].end = now;
}

/* Global id of instruction i of queue q. */
static size_t gid(const asim_sim_t *s, int q, size_t i)
{
    return s->first[q] + i;
}

static void push_tokens(asim_sim_t *s, const asim_insn_t *insn)
{
    for (unsigned k = 0; k < insn->n_pushes; k++)
        s->tokens[insn->pushes[k]]++;
}

static const asim_insn_t *in_flight(const asim_sim_t *s, int q)
{
    return &s->prog.queues[q].insns[s->qs[q].head - 1];
}

/* ---- completions, from the units' done ports ---- */

void asim_controller_on_dma_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    int q = s->dma_queue;
    const asim_insn_t *insn = in_flight(s, q);
    size_t op = insn->op;
    add_actions(&s->ops[op], &job->cost);
    asim_layer_t *l = &s->layers[op];
    l->dram_bits += job->work.bits;
    const asim_op_t *gop = &s->graph->ops[op];
    if (job->work.store) {
        l->dram_store_bits += job->work.bits;
        if (gop->out_cache)
            l->dram_kv_write_bits += job->work.bits;
    } else {
        asim_tile_t tile;
        asim_plan_tile_traffic(&s->prog.plans[op], gop, insn->tile, &tile);
        l->dram_load_a_bits += tile.load_act_bits;
        l->dram_load_b_bits += tile.load_weight_bits;
        if (gop->b_cache)
            l->dram_kv_read_bits += tile.load_weight_bits;
        occupy(s, now, job->work.bits, 0);
    }
    if (job->work.bits)
        record_span(s, s->dma->name, op, job->start, now, job->work.store ? "store" : "load");
    layer_end(s, op, now); /* a load no compute reads still ends in the run's time */
    s->done_at[gid(s, q, s->qs[q].head - 1)] = now;
    push_tokens(s, insn);
    s->dma_busy = false;
    issue_all(s, now);
}

void asim_controller_on_compute_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    int q = (int)job->tag;
    queue_state_t *qs = &s->qs[q];
    const asim_insn_t *insn = in_flight(s, q);
    size_t op = insn->op;
    asim_layer_t *l = &s->layers[op];
    op_state_t *o = &s->ops[op];
    const asim_cost_t *c = &job->cost;
    add_actions(o, c);
    l->act.macs += c->macs;
    l->act.sram_read_bits += c->actions[ASIM_ACT_SRAM_READ_BITS];
    l->act.sram_write_bits += c->actions[ASIM_ACT_SRAM_WRITE_BITS];
    l->sram_read_a_bits += c->read_a_bits;
    l->sram_read_b_bits += c->read_b_bits;
    l->busy += c->cycles;
    l->utilization += c->utilization * (double)c->cycles; /* weighted; divided at the end */
    if (job->work.describe)
        memcpy(l->mode, c->mode, sizeof l->mode);
    record_span(s, s->prog.queues[q].name, op, job->start, now, "compute");
    o->computed++;
    o->last_compute_end = now;
    occupy(s, now, 0, qs->tile.load_act_bits + qs->tile.load_weight_bits); /* set at issue */
    layer_end(s, op, now);
    s->done_at[gid(s, q, qs->head - 1)] = now;
    push_tokens(s, insn);
    qs->busy = false;
    issue_all(s, now);
}

/* ---- issuing ---- */

/* Rank of each cause when several channels are empty: order, buffer, data, result, operand. */
static const int cause_rank[ASIM_CAUSE_COUNT] = {
    [ASIM_CAUSE_ORDER] = 0, [ASIM_CAUSE_BUFFER] = 1, [ASIM_CAUSE_DATA] = 2,
    [ASIM_CAUSE_RESULT] = 3, [ASIM_CAUSE_OPERAND] = 4};

/* Why the head of q cannot issue now (WAIT_NONE: it can, or the queue is done or running). */
static int blocked(const asim_sim_t *s, int q)
{
    const queue_state_t *qs = &s->qs[q];
    const asim_queue_t *qu = &s->prog.queues[q];
    bool dma = q == ASIM_QUEUE_LOAD || q == ASIM_QUEUE_STORE;
    if (qs->head >= qu->len || (!dma && qs->busy) || (dma && s->dma_busy && s->dma_queue == q))
        return WAIT_NONE;
    const asim_insn_t *insn = &qu->insns[qs->head];
    int reason = WAIT_NONE;
    for (unsigned k = 0; k < insn->n_waits; k++) {
        int cause = s->prog.channels[insn->waits[k]].cause;
        if (s->tokens[insn->waits[k]] == 0 &&
            (reason == WAIT_NONE || cause_rank[cause] < cause_rank[reason]))
            reason = cause;
    }
    if (reason != WAIT_NONE)
        return reason;
    return dma && s->dma_busy ? WAIT_UNIT : WAIT_NONE;
}

static void send(asim_unit_t *u, asim_job_t *job)
{
    asim_status_t st = asim_port_send(u->job_in, job, NULL);
    ASIM_ASSERT(st == ASIM_OK); /* the executor only sends to an idle unit */
}

/* The bursts the DMA's transfer in flight moves (asim_work_t.bursts). */
static uint64_t transfer_bursts(const void *ctx, uint64_t burst_bytes)
{
    const asim_sim_t *s = ctx;
    return asim_transfer_bursts(&s->prog, s->graph, s->dma_insn, burst_bytes);
}

/* Issues the head of q if it can; true if it did a slot turn (a load of 0 bits, done at once:
 * its tokens may let another instruction issue). Sets the queue's wait reason. */
static bool issue(asim_sim_t *s, int q, asim_cycle_t now)
{
    queue_state_t *qs = &s->qs[q];
    if ((qs->reason = blocked(s, q)) != WAIT_NONE)
        return false;
    const asim_queue_t *qu = &s->prog.queues[q];
    bool dma = q == ASIM_QUEUE_LOAD || q == ASIM_QUEUE_STORE;
    if (qs->head >= qu->len || (!dma && qs->busy) || (dma && s->dma_busy))
        return false;
    size_t id = gid(s, q, qs->head);
    const asim_insn_t *insn = &qu->insns[qs->head++];
    /* what it waited on last: its queue's previous instruction, the pushers of its tokens,
     * and, on the DMA channel, the transfer before it */
    int64_t pred = qs->head > 1 ? (int64_t)id - 1 : -1;
    if (dma && s->last_dma >= 0 &&
        (pred < 0 || s->done_at[s->last_dma] > s->done_at[pred]))
        pred = s->last_dma;
    for (unsigned k = 0; k < insn->n_waits; k++) {
        uint16_t c = insn->waits[k];
        s->tokens[c]--;
        int64_t from = s->pushers[c][s->pops[c]++];
        if (pred < 0 || s->done_at[from] > s->done_at[pred])
            pred = from;
    }
    s->pred[id] = (int32_t)pred;
    s->issued_at[id] = now;
    if (dma && insn->bits == 0) { /* a slot turn: nothing to move, done at once */
        s->done_at[id] = now;
        push_tokens(s, insn);
        return true;
    }
    qs->reason = WAIT_NONE; /* running */
    if (dma) {
        s->last_dma = (int64_t)id;
        s->dma_busy = true;
        s->dma_queue = q;
        bool store = insn->kind == ASIM_INSN_STORE;
        s->dma_insn = insn;
        qs->job = (asim_job_t){.work = {.bits = insn->bits, .store = store,
                                        .bursts = transfer_bursts, .bursts_ctx = s}};
        if (s->dma_timer) {
            size_t n = asim_transfer_runs(&s->prog, s->graph, insn, s->runs, s->runs_cap);
            if (n > s->runs_cap) {
                asim_run_t *runs = realloc(s->runs, n * sizeof *runs);
                if (!runs) {
                    s->oom = true;
                    return false;
                }
                s->runs = runs;
                s->runs_cap = n;
                asim_transfer_runs(&s->prog, s->graph, insn, s->runs, n);
            }
            qs->job.work.at_least = s->dma_timer(s->dma_timer_ctx, now, store, insn->bits,
                                                 s->runs, n);
        }
        send(s->dma, &qs->job);
        return false;
    }
    asim_layer_t *l = &s->layers[insn->op];
    if (s->ops[insn->op].computed == 0 && l->busy == 0)
        l->start = now;
    asim_plan_tile(&s->prog.plans[insn->op], s->graph, insn->op, insn->tile, &qs->tile);
    /* the buffers' ports are shared: a job gets an equal share with the jobs running beside it */
    unsigned running = 0;
    for (size_t k = 2; k < s->prog.n_queues; k++)
        running += s->qs[k].busy;
    s->units[qu->unit]->sram_bits_per_cycle = s->sram_port_bits / (1 + running);
    qs->busy = true;
    qs->job = (asim_job_t){.work = {.op = &qs->tile.shape, .describe = insn->tile == 0},
                           .tag = (uint64_t)q};
    send(s->units[qu->unit], &qs->job);
    return false;
}

/* Counts the time each head waited since the last event, under its reason then. */
static void count_waits(asim_sim_t *s, asim_cycle_t now)
{
    for (size_t q = 0; q < s->prog.n_queues; q++) {
        queue_state_t *qs = &s->qs[q];
        asim_cycle_t waited = now - qs->since;
        if (qs->reason < ASIM_CAUSE_COUNT || qs->reason == WAIT_UNIT) {
            qs->wait[qs->reason == WAIT_UNIT ? ASIM_CAUSE_COUNT : qs->reason] += waited;
            if (qs->reason == ASIM_CAUSE_OPERAND && q >= 2) {
                s->layers[s->prog.queues[q].insns[qs->head].op].wait_operands += waited;
                s->wait_operands += waited;
            }
            if (q == ASIM_QUEUE_LOAD && qs->reason == ASIM_CAUSE_BUFFER)
                s->wait_buffer += waited;
            if (q == ASIM_QUEUE_LOAD && qs->reason == ASIM_CAUSE_DATA)
                s->wait_data += waited;
        }
        qs->since = now;
    }
}

/* Issues every head that can issue, stores first (a store is the end of a tile's life), until
 * a pass makes no slot turn. Only a slot turn can let an instruction of a pass issue in the
 * next: every other issue only takes tokens or the DMA channel, and pushes at completion, so
 * a queue's reason set in the last pass still holds at its end. */
static void issue_all(asim_sim_t *s, asim_cycle_t now)
{
    count_waits(s, now);
    bool again;
    do {
        again = issue(s, ASIM_QUEUE_STORE, now);
        again = issue(s, ASIM_QUEUE_LOAD, now) || again;
        for (size_t q = 2; q < s->prog.n_queues; q++)
            again = issue(s, (int)q, now) || again;
    } while (again && !s->oom);
    if (s->ff)
        asim_ff_cut(s, now);
}

static void executor_start(void *ctx, asim_cycle_t now)
{
    issue_all(ctx, now);
}

/* ---- running ---- */

asim_status_t asim_check_mapping(const asim_sim_t *s, const asim_graph_t *g, asim_error_t *err)
{
    for (size_t i = 0; i < g->len; i++) {
        const asim_unit_t *u = asim_board_route(s, &g->ops[i]);
        char why[160];
        if (u && !u->block->can_run(u->self, &g->ops[i], why, sizeof why))
            return asim_error_set(err, ASIM_EUNSUPPORTED, s->cfg.path,
                                  "model '%s', op '%s': %s", g->name, g->ops[i].name, why);
    }
    uint64_t wbits = asim_graph_weight_bits(g);
    char amount[48];
    if (wbits == UINT64_MAX)
        snprintf(amount, sizeof amount, "2^64 bits or more");
    else
        snprintf(amount, sizeof amount, "%.1f KiB", (double)wbits / 8192.0);
    if (s->buf.pinned && wbits > s->buf.weight_bits)
        return asim_error_set(err, ASIM_EUNSUPPORTED, s->cfg.path,
                              "model '%s' has %s of weights, but buffers.weights is "
                              "pinned and buffers.weight_kib is %lld",
                              g->name, amount, (long long)s->cfg.buffers.weight_kib);
    return ASIM_OK;
}

/* The stuck queues of a program that cannot finish, into err. */
static asim_status_t deadlock(const asim_sim_t *s, asim_error_t *err)
{
    char what[512] = "";
    size_t used = 0;
    for (size_t q = 0; q < s->prog.n_queues && used < sizeof what; q++) {
        const queue_state_t *qs = &s->qs[q];
        const asim_queue_t *qu = &s->prog.queues[q];
        if (qs->head >= qu->len)
            continue;
        const asim_insn_t *insn = &qu->insns[qs->head];
        used += (size_t)snprintf(what + used, sizeof what - used, "%squeue '%s' at instruction "
                                 "%zu (op '%s') waits on", used ? "; " : "", qu->name, qs->head,
                                 s->graph->ops[insn->op].name);
        for (unsigned k = 0; k < insn->n_waits && used < sizeof what; k++) {
            const asim_channel_t *ch = &s->prog.channels[insn->waits[k]];
            if (s->tokens[insn->waits[k]] == 0)
                used += (size_t)snprintf(what + used, sizeof what - used, " %s->%s (%s)",
                                         s->prog.queues[ch->from].name, qu->name,
                                         asim_cause_name((asim_cause_t)ch->cause));
        }
    }
    return asim_error_set(err, ASIM_EDEADLOCK, "program", "deadlock: %s", what);
}

/* The error of a run the event queue stopped: the work bound (naming the op the first
 * unfinished queue was at) or a failure an event reported. */
static asim_status_t stopped(const asim_sim_t *s, asim_status_t st, asim_error_t *err)
{
    if (st != ASIM_ELIMIT)
        return asim_error_set(err, st, s->cfg.path, "model '%s': %s", s->graph->name,
                              s->q.fault.msg);
    const char *op = "?";
    for (size_t q = 0; q < s->prog.n_queues; q++)
        if (s->qs[q].head < s->prog.queues[q].len) {
            op = s->graph->ops[s->prog.queues[q].insns[s->qs[q].head].op].name;
            break;
        }
    return asim_error_set(err, st, s->cfg.path,
                          "model '%s', op '%s': the run reached its bound of %lld events at "
                          "cycle %llu (limits.max_events; raise it with --set "
                          "limits.max_events=N, 0 for none)",
                          s->graph->name, op, (long long)s->cfg.limits.max_events,
                          (unsigned long long)s->q.now);
}

/* Registers the waits of every queue by cause (after the program exists). */
static asim_status_t register_waits(asim_sim_t *s, asim_error_t *err)
{
    asim_status_t st = ASIM_OK;
    for (size_t q = 0; q < s->prog.n_queues && st == ASIM_OK; q++)
        for (int c = 0; c <= ASIM_CAUSE_COUNT && st == ASIM_OK; c++) {
            char path[96];
            snprintf(path, sizeof path, "queue.%s.wait_%s", s->prog.queues[q].name,
                     c < ASIM_CAUSE_COUNT ? asim_cause_name((asim_cause_t)c) : "unit");
            st = asim_stats_add(&s->stats, path, "cycles",
                                c < ASIM_CAUSE_COUNT ? asim_cause_desc((asim_cause_t)c)
                                                     : "the DMA channel busy with the other "
                                                       "queue", &s->qs[q].wait[c], err);
        }
    return st;
}

/* Unsupported ops take no time: each is placed where the computes before it ended. */
static void place_unsupported(asim_sim_t *s)
{
    asim_cycle_t at = 0;
    for (size_t i = 0; i < s->graph->len; i++) {
        if (s->prog.op_queue[i] >= 0) {
            at = s->ops[i].last_compute_end;
            continue;
        }
        s->layers[i].start = s->layers[i].end = at;
        s->unsupported++;
    }
}

/* The end of the run of written instructions of queue q from i on (p->lazy). */
static size_t written_to(const asim_program_t *p, size_t q, size_t i)
{
    const asim_program_lazy_t *lz = p->lazy;
    return lz && i < lz->v0[q] ? lz->v0[q] : p->queues[q].len;
}

/* Where the next written instruction of queue q after i is (past an unwritten range). */
static size_t next_written(const asim_program_t *p, size_t q, size_t i)
{
    return asim_program_unwritten(p, q, i) ? p->lazy->v1[q] : i;
}

/* Per-instruction timing, and each channel's pushers in the order their tokens are taken
 * (a lazy program's unwritten instructions: counted, their slots left for
 * asim_materialize_run). */
static bool timing_alloc(asim_sim_t *s)
{
    const asim_program_t *p = &s->prog;
    const asim_program_lazy_t *lz = p->lazy;
    size_t n = asim_program_len(p) + 1, *counts;
    if (n > INT32_MAX) /* 2^31 instructions would take 96 GiB: out of memory in any case */
        return false;
    s->first = calloc(p->n_queues, sizeof *s->first);
    s->issued_at = calloc(n, sizeof *s->issued_at);
    s->done_at = calloc(n, sizeof *s->done_at);
    s->pred = calloc(n, sizeof *s->pred);
    s->pushers = calloc(p->n_channels + 1, sizeof *s->pushers);
    s->pops = calloc(p->n_channels + 1, sizeof *s->pops);
    s->unwritten_pushers = calloc(p->n_channels + 1, sizeof *s->unwritten_pushers);
    counts = calloc(p->n_channels + 1, sizeof *counts);
    bool ok = s->first && s->issued_at && s->done_at && s->pred && s->pushers && s->pops &&
              s->unwritten_pushers && counts;
    for (size_t q = 1; ok && q < p->n_queues; q++)
        s->first[q] = s->first[q - 1] + p->queues[q - 1].len;
    for (size_t q = 0; ok && q < p->n_queues; q++) /* every written instruction is stamped */
        for (size_t i = 0; i < p->queues[q].len; i = next_written(p, q, written_to(p, q, i))) {
            size_t a = s->first[q] + i, b = s->first[q] + written_to(p, q, i);
            asim_prefault(s->issued_at + a, (b - a) * sizeof *s->issued_at);
            asim_prefault(s->done_at + a, (b - a) * sizeof *s->done_at);
            asim_prefault(s->pred + a, (b - a) * sizeof *s->pred);
        }
    for (int pass = 0; ok && pass < 2; pass++) {
        for (size_t q = 0; q < p->n_queues; q++)
            for (size_t i = 0; i < p->queues[q].len; i++) {
                if (asim_program_unwritten(p, q, i)) { /* copies of the span at lz->at[q] */
                    const asim_insn_t *span = &p->queues[q].insns[lz->at[q]];
                    for (size_t t = 0; t < lz->len[q]; t++)
                        for (unsigned k = 0; k < span[t].n_pushes; k++)
                            s->unwritten_pushers[span[t].pushes[k]] = counts[span[t].pushes[k]];
                    for (size_t t = 0; t < lz->len[q]; t++)
                        for (unsigned k = 0; k < span[t].n_pushes; k++)
                            counts[span[t].pushes[k]] += lz->j1 - lz->j0;
                    i = lz->v1[q] - 1;
                    continue;
                }
                const asim_insn_t *in = &p->queues[q].insns[i];
                for (unsigned k = 0; k < in->n_pushes; k++) {
                    uint16_t c = in->pushes[k];
                    if (pass)
                        s->pushers[c][counts[c]] = (uint32_t)(s->first[q] + i);
                    counts[c]++;
                }
            }
        for (size_t c = 0; !pass && c < p->n_channels; c++) {
            s->pushers[c] = malloc((counts[c] ? counts[c] : 1) * sizeof **s->pushers);
            ok = ok && s->pushers[c] != NULL;
        }
        if (!ok)
            break;
        memset(counts, 0, (p->n_channels + 1) * sizeof *counts);
    }
    free(counts);
    s->last_dma = -1;
    return ok;
}

bool asim_materialize_run(asim_sim_t *s)
{
    asim_program_t *p = &s->prog;
    const asim_program_lazy_t *lz = p->lazy;
    if (!lz)
        return true;
    size_t nq = p->n_queues, *range = malloc(2 * nq * sizeof *range);
    if (!range)
        return false;
    memcpy(range, lz->v0, nq * sizeof *range);
    memcpy(range + nq, lz->v1, nq * sizeof *range);
    if (!asim_program_materialize(p)) {
        free(range);
        return false;
    }
    for (size_t q = 0; q < nq; q++)
        for (size_t i = range[q]; i < range[nq + q]; i++)
            for (unsigned k = 0; k < p->queues[q].insns[i].n_pushes; k++) {
                uint16_t c = p->queues[q].insns[i].pushes[k];
                s->pushers[c][s->unwritten_pushers[c]++] = (uint32_t)(s->first[q] + i);
            }
    free(range);
    return true;
}

/* The critical path: from the last completion back along what each instruction waited on
 * last; each queue's share is the running time of its instructions on the path. */
static asim_status_t critical_path(asim_sim_t *s, asim_report_t *rep, asim_error_t *err)
{
    const asim_program_t *p = &s->prog;
    rep->critical_path = calloc(p->n_queues, sizeof *rep->critical_path);
    if (!rep->critical_path)
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
    rep->n_path_parts = p->n_queues;
    for (size_t q = 0; q < p->n_queues; q++)
        rep->critical_path[q].queue = p->queues[q].name;
    int64_t at = -1, pred;
    asim_cycle_t best = 0, issued, done;
    for (size_t q = 0; q < p->n_queues; q++) /* the last completion (the latest id of ties) */
        for (size_t i = 0; i < p->queues[q].len; i++) {
            size_t id = s->first[q] + i;
            if (asim_ff_done_before_next(s, q, i))
                continue;
            if (asim_program_unwritten(p, q, i))
                asim_ff_stamp(s, id, &issued, &done, NULL);
            else
                done = s->done_at[id];
            if (at < 0 || done >= best) {
                at = (int64_t)id;
                best = done;
            }
        }
    for (; at >= 0; at = pred) {
        size_t q = 0;
        while (q + 1 < p->n_queues && s->first[q + 1] <= (size_t)at)
            q++;
        asim_ff_stamp(s, (size_t)at, &issued, &done, &pred);
        rep->critical_path[q].cycles += done - issued;
    }
    return ASIM_OK;
}

/* Runs s->prog for g and fills rep. */
static asim_status_t execute(asim_sim_t *s, const asim_graph_t *g, asim_report_t *rep,
                             asim_error_t *err)
{
    asim_status_t st;
    s->ops = calloc(g->len ? g->len : 1, sizeof *s->ops);
    s->qs = calloc(s->prog.n_queues, sizeof *s->qs);
    s->tokens = calloc(s->prog.n_channels ? s->prog.n_channels : 1, sizeof *s->tokens);
    rep->layers = calloc(g->len ? g->len : 1, sizeof *rep->layers);
    s->layers = rep->layers;
    if (!s->ops || !s->qs || !s->tokens || !rep->layers || !timing_alloc(s) ||
        !asim_ff_begin(s) || (!s->ff && !asim_materialize_run(s))) {
        asim_ff_free(s);
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory for %zu ops", g->len);
    }
    for (size_t q = 0; q < s->prog.n_queues; q++)
        s->qs[q].reason = WAIT_NONE;
    if ((st = register_waits(s, err)) ||
        (st = asim_eventq_schedule(&s->q, 0, ASIM_PRIO_CONTROL, executor_start, s, err))) {
        asim_report_free(rep);
        return st;
    }
    st = asim_eventq_run(&s->q, ASIM_CYCLE_MAX);
    if (st != ASIM_OK) {
        asim_report_free(rep);
        return stopped(s, st, err);
    }
    if (s->oom) {
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory during the run");
    }
    for (size_t q = 0; q < s->prog.n_queues; q++)
        if (s->qs[q].head < s->prog.queues[q].len || s->qs[q].busy) {
            asim_report_free(rep);
            return deadlock(s, err);
        }
    for (size_t c = 0; c < s->prog.n_channels; c++)
        ASIM_ASSERT(s->tokens[c] == 0); /* a checked program balances */
    place_unsupported(s);
    rep->cfg = &s->cfg;
    rep->device = s->device;
    rep->graph = g;
    rep->n_layers = g->len;
    rep->stats = &s->stats;
    rep->spans = s->spans;
    rep->n_spans = s->n_spans;
    rep->occupancy = s->occupancy;
    rep->n_occupancy = s->n_occupancy;
    rep->schedule = s->prog.schedule == ASIM_SCHEDULE_SERIAL ? "serial" : "pipelined";
    st = critical_path(s, rep, err);
    asim_ff_free(s);
    if (st != ASIM_OK) {
        asim_report_free(rep);
        return st;
    }
    return asim_account(s, rep, err);
}

/* Checks the mapping and claims the simulator for its one run. */
static asim_status_t begin(asim_sim_t *s, const asim_graph_t *g, asim_report_t *rep,
                           asim_error_t *err)
{
    ASIM_ASSERT(!s->ran); /* one run per simulator */
    if (rep)
        memset(rep, 0, sizeof *rep);
    asim_status_t st = asim_check_mapping(s, g, err);
    if (st != ASIM_OK)
        return st;
    s->ran = true;
    s->graph = g;
    return ASIM_OK;
}

asim_status_t asim_execute(asim_sim_t *s, const asim_graph_t *g, asim_program_t *prog,
                           asim_report_t *rep, asim_error_t *err)
{
    asim_status_t st = begin(s, g, rep, err);
    s->prog = *prog;
    memset(prog, 0, sizeof *prog);
    if (st == ASIM_OK)
        st = asim_program_check(&s->prog, "program", err);
    return st == ASIM_OK ? execute(s, g, rep, err) : st;
}

asim_status_t asim_sim_run(asim_sim_t *s, const asim_graph_t *g, asim_report_t *rep,
                           asim_error_t *err)
{
    asim_status_t st = begin(s, g, rep, err);
    /* blocks the run may jump over are left unwritten, unless all are read */
    bool lazy = !s->no_fast_forward && !s->keep_program && !s->record && !s->dma_timer;
    if (st == ASIM_OK)
        st = (lazy ? asim_compile_lazy : asim_compile)(s, g, (asim_schedule_t)s->cfg.schedule,
                                                       &s->prog, err);
    return st == ASIM_OK ? execute(s, g, rep, err) : st;
}

/* A fingerprint of the effective configuration (every key's value, not its file's path). */
static uint64_t config_fingerprint(const asim_config_t *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return 0;
    asim_config_t c = *cfg;
    c.path[0] = '\0';
    asim_config_write_yaml(f, &c);
    fclose(f);
    uint64_t h = asim_fnv1a(text, len, ASIM_FNV_OFFSET);
    free(text);
    return h;
}

asim_status_t asim_sim_compile(asim_sim_t *s, const asim_graph_t *g, const char *path,
                               asim_error_t *err)
{
    asim_status_t st = begin(s, g, NULL, err);
    if (st == ASIM_OK)
        st = asim_compile(s, g, (asim_schedule_t)s->cfg.schedule, &s->prog, err);
    if (st == ASIM_OK)
        st = asim_program_write(path, &s->prog, g, config_fingerprint(&s->cfg), err);
    return st;
}

/* Every compute of a program file runs on a unit of its op's unit's kind (the compiler spreads
 * an op only over identical units); the error names the first that does not. */
static asim_status_t check_compute_units(const asim_sim_t *s, const char *path, asim_error_t *err)
{
    for (size_t q = 2; q < s->prog.n_queues; q++) {
        const asim_queue_t *qu = &s->prog.queues[q];
        const asim_unit_t *u = s->units[qu->unit];
        for (size_t i = 0; i < qu->len; i++) {
            const asim_insn_t *in = &qu->insns[i];
            const asim_unit_t *home = s->units[s->prog.queues[s->prog.op_queue[in->op]].unit];
            if (u->block != home->block)
                return asim_error_set(err, ASIM_EPROGRAM, path, "queue '%s' instruction %zu "
                                      "computes op '%s' of unit '%s' on another kind of unit",
                                      qu->name, i, s->graph->ops[in->op].name, home->name);
        }
    }
    return ASIM_OK;
}

asim_status_t asim_sim_run_program(asim_sim_t *s, const asim_graph_t *g, const char *path,
                                   asim_report_t *rep, asim_error_t *err)
{
    asim_program_info_t info;
    asim_status_t st = begin(s, g, rep, err);
    if (st == ASIM_OK)
        st = asim_program_read(path, &s->prog, &info, err);
    if (st != ASIM_OK)
        return st;
    if (info.config_fp != config_fingerprint(&s->cfg))
        st = asim_error_set(err, ASIM_EPROGRAM, path, "compiled for another configuration "
                            "than %s (with these --set values): compile it again", s->cfg.path);
    else if (info.graph_fp != asim_graph_fingerprint(g) || s->prog.n_ops != g->len)
        st = asim_error_set(err, ASIM_EPROGRAM, path, "compiled for another model than '%s'",
                            g->name);
    for (size_t q = 0; st == ASIM_OK && q < s->prog.n_queues; q++) {
        const asim_queue_t *qu = &s->prog.queues[q];
        if (qu->unit >= s->n_units ||
            (q >= 2 && strcmp(qu->name, s->units[qu->unit]->name) != 0))
            st = asim_error_set(err, ASIM_EPROGRAM, path, "queue '%s' names a unit this "
                                "configuration does not have", qu->name);
    }
    if (st == ASIM_OK)
        st = check_compute_units(s, path, err);
    for (size_t o = 0; st == ASIM_OK && o < g->len; o++) {
        asim_plan_t *pl = &s->prog.plans[o];
        if (s->prog.op_queue[o] < 0) /* unsupported ops have no tiles */
            continue;
        if (!asim_plan_fits_op(pl, &g->ops[o]))
            st = asim_error_set(err, ASIM_EPROGRAM, path, "op '%s': its tiles (%llu x %llu x "
                                "%llu, %llu tiles, %llu stores) do not fit the op",
                                g->ops[o].name, (unsigned long long)pl->tm,
                                (unsigned long long)pl->tn, (unsigned long long)pl->tk,
                                (unsigned long long)pl->n_tiles,
                                (unsigned long long)pl->n_stores);
        else
            asim_plan_index(pl, &g->ops[o]);
    }
    free(info.names);
    return st == ASIM_OK ? execute(s, g, rep, err) : st;
}

asim_status_t asim_program_dump_file(const char *path, FILE *out, asim_error_t *err)
{
    asim_program_t p;
    asim_program_info_t info;
    asim_status_t st = asim_program_read(path, &p, &info, err);
    if (st != ASIM_OK)
        return st;
    asim_program_dump(out, &p, (const char (*)[64])info.names);
    asim_program_free(&p);
    free(info.names);
    return ASIM_OK;
}
