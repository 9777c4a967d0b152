/*
 * controller.c: runs a graph on the board as a pipeline of tiles through the event kernel
 * (see sim.h, accel/plan.h, docs/memory.md).
 *
 * Which unit runs an op: the board's routing (the highest claim of any unit). An op no unit
 * claims is recorded as unsupported when its turn comes and takes no time; the report says so.
 *
 * Tile pipeline. Tiles are numbered across the whole graph in op order; each op consumes
 * the previous one's output, so tiles compute one at a time, in order. Tile t
 *   loads    when a buffer slot is free (at most `slots` tiles loaded and not yet computed)
 *            and, if it loads activations, when every earlier op is computed and stored;
 *   computes when it is loaded and the previous tile is computed;
 *   stores   after it computes, if it has results bound for DRAM.
 * The DMA channel serves stores before loads (a store is the end of a tile's life). Loads
 * that need no activations (weights) run ahead into the next op: the only overlap between
 * ops, and the overlap of DMA with compute within an op.
 */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"

static void controller_issue(asim_sim_t *s, asim_cycle_t now);

static void record_span(asim_sim_t *s, const char *unit, size_t layer, asim_cycle_t start,
                        asim_cycle_t end, const char *what)
{
    if (!s->record || s->oom)
        return;
    if (s->n_spans == s->spans_cap) {
        size_t cap = s->spans_cap ? 2 * s->spans_cap : 1024;
        asim_span_t *p = realloc(s->spans, cap * sizeof *p);
        if (!p) {
            s->oom = true;
            return;
        }
        s->spans = p;
        s->spans_cap = cap;
    }
    s->spans[s->n_spans++] = (asim_span_t){unit, layer, start, end, what};
}

static void push_store(asim_sim_t *s, uint64_t bits, size_t op)
{
    if (s->n_stores == s->stores_cap) {
        size_t cap = s->stores_cap ? 2 * s->stores_cap : 16;
        store_t *p = malloc(cap * sizeof *p);
        if (!p) {
            s->oom = true;
            return;
        }
        for (size_t i = 0; i < s->n_stores; i++)
            p[i] = s->stores[(s->stores_head + i) % s->stores_cap];
        free(s->stores);
        s->stores = p;
        s->stores_cap = cap;
        s->stores_head = 0;
    }
    s->stores[(s->stores_head + s->n_stores++) % s->stores_cap] = (store_t){bits, op};
}

static store_t pop_store(asim_sim_t *s)
{
    store_t st = s->stores[s->stores_head];
    s->stores_head = (s->stores_head + 1) % s->stores_cap;
    s->n_stores--;
    return st;
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

/* ---- events from the units ---- */

void asim_controller_on_dma_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    bool store = job->work.store;
    size_t op = store ? (size_t)job->tag : s->ring[job->tag % RING].op;
    add_actions(&s->ops[op], &job->cost);
    s->layers[op].dram_bits += job->work.bits;
    record_span(s, s->dma->name, op, job->start, now, store ? "store" : "load");
    if (store) {
        s->ops[op].stores_left--;
        layer_end(s, op, now);
    } else {
        slot_t *sl = &s->ring[job->tag % RING];
        sl->loaded = true;
        sl->loaded_at = now;
    }
    s->dma_busy = false;
    controller_issue(s, now);
}

void asim_controller_on_compute_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    slot_t *sl = &s->ring[job->tag % RING];
    size_t op = sl->op;
    asim_layer_t *l = &s->layers[op];
    op_state_t *o = &s->ops[op];
    const asim_cost_t *c = &job->cost;
    add_actions(o, c);
    l->act.macs += c->macs;
    l->act.sram_read_bits += c->actions[ASIM_ACT_SRAM_READ_BITS];
    l->act.sram_write_bits += c->actions[ASIM_ACT_SRAM_WRITE_BITS];
    l->busy += c->cycles;
    l->utilization += c->utilization * (double)c->cycles; /* weighted; divided at the end */
    memcpy(l->mode, c->mode, sizeof l->mode);
    record_span(s, o->unit->name, op, job->start, now, "compute");
    o->computed++;
    if (sl->tile.store_bits)
        push_store(s, sl->tile.store_bits, op);
    layer_end(s, op, now);
    sl->loaded = false;
    s->compute_busy = false;
    s->compute_idle_since = now;
    controller_issue(s, now);
}

static void controller_start(void *ctx, asim_cycle_t now)
{
    controller_issue(ctx, now);
}

/* ---- the controller ---- */

static uint64_t op_tiles(const asim_sim_t *s, size_t i)
{
    return s->ops[i].unit ? s->ops[i].plan.n_tiles : 0;
}

static bool op_done(const asim_sim_t *s, size_t i)
{
    const op_state_t *o = &s->ops[i];
    return o->unit ? o->computed == o->plan.n_tiles && o->stores_left == 0 : s->compute_op > i;
}

/* Marks unsupported ops once everything before them has computed; advances the pointers. */
static void advance(asim_sim_t *s, asim_cycle_t now)
{
    const asim_graph_t *g = s->graph;
    while (s->compute_op < g->len &&
           s->compute_next >= s->ops[s->compute_op].first + op_tiles(s, s->compute_op)) {
        if (!s->ops[s->compute_op].unit) {
            if (s->compute_busy)
                break; /* its turn comes when the tile before it has computed */
            asim_layer_t *l = &s->layers[s->compute_op];
            l->start = l->end = now;
            s->unsupported++;
        }
        s->compute_op++;
    }
    while (s->load_op < g->len &&
           s->load_next >= s->ops[s->load_op].first + op_tiles(s, s->load_op))
        s->load_op++;
    while (s->ops_done < g->len && op_done(s, s->ops_done))
        s->ops_done++;
}

static void send(asim_unit_t *u, asim_job_t *job)
{
    asim_status_t st = asim_port_send(u->job_in, job, NULL);
    ASIM_ASSERT(st == ASIM_OK); /* the controller only sends to an idle unit */
}

/* Starts the next DMA transfer if the channel is free; true if something happened. */
static bool issue_dma(asim_sim_t *s, asim_cycle_t now)
{
    if (s->dma_busy)
        return false;
    if (s->n_stores > 0) {
        store_t st = pop_store(s);
        s->dma_job = (asim_job_t){.work = {.bits = st.bits, .store = true}, .tag = st.op};
        s->dma_busy = true;
        send(s->dma, &s->dma_job);
        return true;
    }
    if (s->load_next >= s->n_tiles)
        return false;
    size_t op = s->load_op;
    slot_t *sl = &s->ring[s->load_next % RING];
    asim_tile_t tile;
    asim_plan_tile(&s->ops[op].plan, s->graph, op, s->load_next - s->ops[op].first, &tile);
    bool slot_free = s->load_next - s->compute_next + (s->compute_busy ? 1 : 0) < s->buf.slots;
    bool data_ready = tile.load_act_bits == 0 || s->ops_done >= op;
    if (!slot_free || !data_ready) {
        if (!s->dma_blocked) {
            s->dma_blocked = true;
            s->dma_blocked_since = now;
            s->dma_blocked_by_slot = !slot_free;
        }
        return false;
    }
    if (s->dma_blocked) {
        *(s->dma_blocked_by_slot ? &s->wait_buffer : &s->wait_data) += now - s->dma_blocked_since;
        s->dma_blocked = false;
    }
    *sl = (slot_t){.tile = tile, .op = op};
    uint64_t bits = tile.load_act_bits + tile.load_weight_bits;
    if (bits == 0) {
        sl->loaded = true;
        sl->loaded_at = now;
    } else {
        s->dma_job = (asim_job_t){.work = {.bits = bits}, .tag = s->load_next};
        s->dma_busy = true;
        send(s->dma, &s->dma_job);
    }
    s->load_next++;
    return true;
}

/* Starts the next tile's compute if it is loaded and the compute side is free. */
static bool issue_compute(asim_sim_t *s, asim_cycle_t now)
{
    if (s->compute_busy || s->compute_next >= s->load_next)
        return false;
    slot_t *sl = &s->ring[s->compute_next % RING];
    if (!sl->loaded)
        return false;
    op_state_t *o = &s->ops[sl->op];
    asim_layer_t *l = &s->layers[sl->op];
    if (o->computed == 0)
        l->start = now;
    if (sl->loaded_at > s->compute_idle_since) {
        asim_cycle_t waited = sl->loaded_at - s->compute_idle_since;
        l->wait_operands += waited;
        s->wait_operands += waited;
    }
    s->compute_job = (asim_job_t){.work = {.op = &sl->tile.shape}, .tag = s->compute_next};
    s->compute_busy = true;
    s->compute_next++;
    send(o->unit, &s->compute_job);
    return true;
}

static void controller_issue(asim_sim_t *s, asim_cycle_t now)
{
    bool progress;
    do {
        advance(s, now);
        progress = issue_dma(s, now);
        progress = issue_compute(s, now) || progress;
    } while (progress && !s->oom);
    advance(s, now);
}


/* Refuses, before anything runs, an op its unit cannot run, and weights that cannot be pinned. */
static asim_status_t check_mapping(const asim_sim_t *s, const asim_graph_t *g, asim_error_t *err)
{
    for (size_t i = 0; i < g->len; i++) {
        const asim_unit_t *u = asim_board_route(s, &g->ops[i]);
        char why[160];
        if (u && !u->block->can_run(u->self, &g->ops[i], why, sizeof why))
            return asim_error_set(err, ASIM_EUNSUPPORTED, s->cfg.path,
                                  "model '%s', op '%s': %s", g->name, g->ops[i].name, why);
    }
    uint64_t wbits = asim_graph_weight_bits(g);
    if (s->buf.pinned && wbits > s->buf.weight_bits)
        return asim_error_set(err, ASIM_EUNSUPPORTED, s->cfg.path,
                              "model '%s' has %.1f KiB of weights, but buffers.weights is "
                              "pinned and buffers.weight_kib is %lld",
                              g->name, (double)wbits / 8192.0,
                              (long long)s->cfg.buffers.weight_kib);
    return ASIM_OK;
}

/* Plans every op; plans repeat across identical blocks, so equal ops reuse a plan. */
static void plan_all(asim_sim_t *s, const asim_graph_t *g)
{
    uint64_t first = 0;
    for (size_t i = 0; i < g->len; i++) {
        op_state_t *o = &s->ops[i];
        o->unit = asim_board_route(s, &g->ops[i]);
        o->first = first;
        if (!o->unit)
            continue;
        asim_plan_op(&s->buf, o->unit, s->dma, g, i, &o->plan);
        first += o->plan.n_tiles;
        o->stores_left = o->plan.n_stores;
    }
    s->n_tiles = first;
}

asim_status_t asim_sim_run(asim_sim_t *s, const asim_graph_t *g, asim_report_t *rep,
                           asim_error_t *err)
{
    ASIM_ASSERT(!s->ran); /* one run per simulator */
    memset(rep, 0, sizeof *rep);
    asim_status_t st = check_mapping(s, g, err);
    if (st != ASIM_OK)
        return st;
    s->ran = true;
    s->graph = g;
    s->ops = calloc(g->len, sizeof *s->ops);
    rep->layers = calloc(g->len, sizeof *rep->layers);
    if (!s->ops || !rep->layers) {
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory for %zu ops", g->len);
    }
    s->layers = rep->layers;
    plan_all(s, g);
    if ((st = asim_eventq_schedule(&s->q, 0, ASIM_PRIO_CONTROL, controller_start, s, err))) {
        asim_report_free(rep);
        return st;
    }
    asim_eventq_run(&s->q, ASIM_CYCLE_MAX);
    if (s->oom) {
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory during the run");
    }
    ASIM_ASSERT(s->ops_done == g->len); /* every op ran or was marked unsupported */

    rep->cfg = &s->cfg;
    rep->device = s->device;
    rep->graph = g;
    rep->n_layers = g->len;
    rep->stats = &s->stats;
    rep->spans = s->spans;
    rep->n_spans = s->n_spans;
    return asim_account(s, rep, err);
}

