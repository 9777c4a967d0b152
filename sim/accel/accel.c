/*
 * accel.c: the accelerator: builds the units the configuration asks for and the DMA
 * channel, wires their ports to the controller in one place, and runs a graph as a
 * pipeline of tiles through the event kernel (see sim.h, accel/plan.h, docs/memory.md).
 *
 * Which unit runs an op: vector ops go to the nonlinear unit; GEMMs with a binary (1-bit) B
 * go to the QMM engine when there is one, other GEMMs to the systolic array when there is
 * one, else to the QMM engine (bit-serial over B's bits). An op whose kind has no unit is
 * recorded as unsupported when its turn comes and takes no time; the report says so.
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
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asim/sim.h"
#include "units/dma.h"
#include "units/nl_placeholder.h"
#include "units/nl_quark.h"
#include "units/qmm_unit.h"
#include "units/systolic_unit.h"

/* Unit slots. The nonlinear slots hold the placeholder or the shared QUARK unit (NL), or the
 * three separate QUARK units (NL, NL2, NL3: softmax; GELU + tanh; LayerNorm + add). */
enum { UNIT_ARRAY, UNIT_QMM, UNIT_NL, UNIT_NL2, UNIT_NL3, UNIT_DMA, UNIT_COUNT };
#define RING 4 /* ring of tiles loaded ahead of their compute: > the 2 slots of double buffers */

typedef struct {
    asim_plan_t plan;
    asim_unit_t *unit;          /* NULL: unsupported */
    uint64_t first;             /* global index of its first tile */
    uint64_t computed, stores_left;
} op_state_t;

typedef struct {
    asim_tile_t tile;
    size_t op;
    bool loaded;
    asim_cycle_t loaded_at;
} slot_t;

typedef struct {
    uint64_t bits;
    size_t op;
} store_t;

struct asim_sim {
    asim_config_t cfg;
    asim_tech_t tech;
    const asim_device_t *device;
    asim_mem_params_t mp;
    double sram_scale;                       /* SRAM energy of our bank size vs the table's */
    asim_eventq_t q;
    asim_stats_t stats;
    asim_unit_t *units[UNIT_COUNT];          /* NULL when the configuration has none */
    unsigned kinds[UNIT_COUNT];              /* op kinds a nonlinear unit serves (1u << kind) */
    asim_port_t job_port[UNIT_COUNT], done_port[UNIT_COUNT];
    char port_name[UNIT_COUNT][2][40];
    asim_resources_t unit_res[UNIT_COUNT], buffer_res;
    double unit_pj[UNIT_COUNT];              /* compute + buffer energy per unit */
    /* the run */
    const asim_graph_t *graph;
    asim_layer_t *layers;
    op_state_t *ops;
    uint64_t n_tiles;
    slot_t ring[RING];
    uint64_t load_next, compute_next;        /* global tile counters */
    size_t load_op, compute_op, ops_done;
    store_t *stores;
    size_t n_stores, stores_head, stores_cap;
    asim_job_t compute_job, dma_job;
    bool compute_busy, dma_busy, dma_blocked, dma_blocked_by_slot;
    asim_cycle_t compute_idle_since, dma_blocked_since;
    bool oom;
    /* counters */
    uint64_t unsupported, wait_operands, wait_buffer, wait_data;
    /* timeline */
    bool record;
    asim_span_t *spans;
    size_t n_spans, spans_cap;
    bool ran;
};

static void controller_issue(asim_sim_t *s, asim_cycle_t now);

static asim_unit_t *unit_for(const asim_sim_t *s, const asim_op_t *op)
{
    if (op->kind != ASIM_OP_GEMM) {
        for (int i = UNIT_NL; i <= UNIT_NL3; i++)
            if (s->units[i] && (s->kinds[i] & (1u << op->kind)))
                return s->units[i];
        return s->units[UNIT_NL]; /* its can_run says why it cannot */
    }
    if (s->units[UNIT_QMM] && (op->b_bits == 1 || !s->units[UNIT_ARRAY]))
        return s->units[UNIT_QMM];
    return s->units[UNIT_ARRAY];
}

static int unit_index(const asim_sim_t *s, const asim_unit_t *u)
{
    for (int i = 0; i < UNIT_COUNT; i++)
        if (s->units[i] == u)
            return i;
    ASIM_ASSERT(0);
    return 0;
}

static double sram_pj(const asim_sim_t *s, uint64_t read_bits, uint64_t write_bits)
{
    return s->sram_scale * ((double)read_bits * s->tech.sram_read_pj_bit +
                            (double)write_bits * s->tech.sram_write_pj_bit);
}

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

static void layer_end(asim_sim_t *s, size_t op, asim_cycle_t now)
{
    if (now > s->layers[op].end)
        s->layers[op].end = now;
}

/* ---- events from the units ---- */

static void on_dma_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    size_t op = job->dma_store ? (size_t)job->tag : s->ring[job->tag % RING].op;
    asim_layer_t *l = &s->layers[op];
    double sram = sram_pj(s, job->act.sram_read_bits, job->act.sram_write_bits);
    l->energy.dram_pj += job->compute_pj;
    l->energy.sram_pj += sram;
    l->dram_bits += job->dma_bits;
    s->unit_pj[UNIT_DMA] += job->compute_pj + sram;
    record_span(s, "dma", op, job->start, now, job->dma_store ? "store" : "load");
    if (job->dma_store) {
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

static void on_compute_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    slot_t *sl = &s->ring[job->tag % RING];
    size_t op = sl->op;
    asim_layer_t *l = &s->layers[op];
    op_state_t *o = &s->ops[op];
    double sram = sram_pj(s, job->act.sram_read_bits, job->act.sram_write_bits);
    l->act.macs += job->act.macs;
    l->act.sram_read_bits += job->act.sram_read_bits;
    l->act.sram_write_bits += job->act.sram_write_bits;
    l->energy.compute_pj += job->compute_pj;
    l->energy.sram_pj += sram;
    l->busy += job->cycles;
    l->utilization += job->utilization * (double)job->cycles; /* weighted; divided at the end */
    memcpy(l->mode, job->mode, sizeof l->mode);
    s->unit_pj[unit_index(s, o->unit)] += job->compute_pj + sram;
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
        s->dma_job = (asim_job_t){.dma_bits = st.bits, .dma_store = true, .tag = st.op};
        s->dma_busy = true;
        send(s->units[UNIT_DMA], &s->dma_job);
        return true;
    }
    if (s->load_next >= s->n_tiles)
        return false;
    size_t op = s->load_op;
    slot_t *sl = &s->ring[s->load_next % RING];
    asim_tile_t tile;
    asim_plan_tile(&s->ops[op].plan, s->graph, op, s->load_next - s->ops[op].first, &tile);
    bool slot_free = s->load_next - s->compute_next + (s->compute_busy ? 1 : 0) < s->mp.slots;
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
        s->dma_job = (asim_job_t){.dma_bits = bits, .tag = s->load_next};
        s->dma_busy = true;
        send(s->units[UNIT_DMA], &s->dma_job);
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
    s->compute_job = (asim_job_t){.index = sl->op, .op = &sl->tile.shape, .tag = s->compute_next};
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

/* ---- building ---- */

static void wire(asim_sim_t *s, int i, asim_port_fn on_done)
{
    asim_unit_t *u = s->units[i];
    snprintf(s->port_name[i][0], sizeof s->port_name[i][0], "%s.job", u->name);
    snprintf(s->port_name[i][1], sizeof s->port_name[i][1], "%s.done", u->name);
    asim_port_connect(&s->job_port[i], s->port_name[i][0], &s->q, s, NULL, u, asim_unit_on_job);
    asim_port_connect(&s->done_port[i], s->port_name[i][1], &s->q, u, asim_unit_on_done_ready,
                      s, on_done);
    u->job_in = &s->job_port[i];
    u->done_out = &s->done_port[i];
    u->q = &s->q;
    u->tech = &s->tech;
}

static void unit_resources(asim_sim_t *s)
{
    const asim_config_t *c = &s->cfg;
    if (s->units[UNIT_ARRAY]) {
        asim_systolic_geom_t geom = asim_systolic_geom_of(c);
        asim_resource_systolic(&geom, (int)c->array.act_bits, (int)c->array.weight_bits,
                               (int)c->array.acc_bits, &s->unit_res[UNIT_ARRAY]);
    }
    if (s->units[UNIT_QMM]) {
        asim_qmm_geom_t geom = asim_qmm_geom_of(c);
        asim_resource_qmm(&geom, (int)c->qmm.acc_bits, &s->unit_res[UNIT_QMM]);
    }
    for (int i = UNIT_NL; i <= UNIT_NL3; i++) {
        if (!s->units[i])
            continue;
        if (c->nonlinear.unit == ASIM_NL_PLACEHOLDER)
            asim_resource_nl_placeholder((uint64_t)c->nonlinear.lanes, &s->unit_res[i]);
        else
            asim_resource_nl_quark((uint64_t)c->nonlinear.lanes, (int)c->nonlinear.in_bits,
                                   asim_nlq_modes_for_kinds(s->kinds[i]), &s->unit_res[i]);
    }
    asim_resources_t a, w;
    bool uram = c->buffers.memory == ASIM_MEMORY_URAM;
    asim_resource_buffer((uint64_t)c->buffers.act_kib, (uint64_t)c->buffers.banks, uram, &a);
    asim_resource_buffer((uint64_t)c->buffers.weight_kib, (uint64_t)c->buffers.banks, uram, &w);
    s->buffer_res = (asim_resources_t){.bram36 = a.bram36 + w.bram36, .uram = a.uram + w.uram};
}

static void total_resources(const asim_sim_t *s, asim_resources_t *t)
{
    *t = s->buffer_res;
    for (int i = 0; i < UNIT_COUNT; i++) {
        t->lut += s->unit_res[i].lut;
        t->ff += s->unit_res[i].ff;
        t->dsp += s->unit_res[i].dsp;
        t->bram36 += s->unit_res[i].bram36;
        t->uram += s->unit_res[i].uram;
    }
}

static bool device_has_budget(const asim_device_t *d)
{
    return d->lut > 0 || d->ff > 0 || d->dsp > 0 || d->bram36 > 0 || d->uram > 0;
}

static bool within(const asim_resources_t *r, const asim_device_t *d)
{
    return !device_has_budget(d) || (r->lut <= d->lut && r->ff <= d->ff && r->dsp <= d->dsp &&
                                     r->bram36 <= d->bram36 && r->uram <= d->uram);
}

/* "LUT 300000 of 274080 (+9.5%), ..." for every resource over the device's capacity. */
static void overflow_text(const asim_resources_t *r, const asim_device_t *d, char *buf, size_t n)
{
    const char *names[] = {"LUT", "FF", "DSP", "BRAM36", "URAM"};
    double used[] = {r->lut, r->ff, r->dsp, r->bram36, r->uram};
    double cap[] = {d->lut, d->ff, d->dsp, d->bram36, d->uram};
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < 5 && off < n; i++)
        if (used[i] > cap[i])
            off += (size_t)snprintf(buf + off, n - off, "%s%s %.0f of %.0f (%s%.1f%%)",
                                    off ? ", " : "", names[i], used[i], cap[i],
                                    cap[i] > 0 ? "+" : "", cap[i] > 0 ?
                                    100.0 * (used[i] - cap[i]) / cap[i] : INFINITY);
}

/* The unit for slot i, or NULL if the configuration has none there (*oom on failure). */
static asim_unit_t *make_unit(asim_sim_t *s, int i, bool *oom)
{
    const asim_config_t *c = &s->cfg;
    asim_unit_t *u = NULL;
    bool quark = c->nonlinear.unit == ASIM_NL_UNIT_QUARK;
    *oom = false;
    int nl = i - UNIT_NL;
    switch (i) {
    case UNIT_ARRAY: u = c->array.enabled ? asim_systolic_unit_create(c) : NULL; break;
    case UNIT_QMM: u = c->qmm.enabled ? asim_qmm_unit_create(c) : NULL; break;
    case UNIT_DMA: u = asim_dma_create(&s->mp); break;
    default:
        if (c->nonlinear.unit == ASIM_NL_PLACEHOLDER && nl == 0) {
            s->kinds[i] = ~0u & ~(1u << ASIM_OP_GEMM);
            u = asim_nl_placeholder_create(c);
        } else if (quark && c->nonlinear.shared && nl == 0) {
            s->kinds[i] = ASIM_NLQ_KINDS_SHARED;
            u = asim_nl_quark_create(c, s->kinds[i], "nl_shared");
        } else if (quark && !c->nonlinear.shared) {
            s->kinds[i] = asim_nlq_separate_kinds[nl];
            u = asim_nl_quark_create(c, s->kinds[i], asim_nlq_separate_names[nl]);
        } else {
            return NULL;
        }
        break;
    }
    bool wanted = i == UNIT_DMA || (i == UNIT_ARRAY && c->array.enabled) ||
                  (i == UNIT_QMM && c->qmm.enabled) || (i >= UNIT_NL && i <= UNIT_NL3);
    *oom = wanted && !u;
    return u;
}

/* Builds, wires and registers every unit the configuration asks for. */
static asim_status_t create_units(asim_sim_t *s, asim_error_t *err)
{
    asim_status_t st;
    if (s->cfg.nonlinear.unit == ASIM_NL_UNIT_QUARK &&
        (st = asim_nl_quark_check(&s->cfg, err)) != ASIM_OK)
        return st;
    for (int i = 0; i < UNIT_COUNT; i++) {
        bool oom;
        s->units[i] = make_unit(s, i, &oom);
        if (oom)
            return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
        if (!s->units[i])
            continue;
        wire(s, i, i == UNIT_DMA ? on_dma_done : on_compute_done);
        if (i != UNIT_DMA)
            s->units[i]->sram_bits_per_cycle =
                2 * (uint64_t)s->cfg.buffers.banks * (uint64_t)s->cfg.buffers.port_bits;
        if ((st = s->units[i]->ops->stats(s->units[i], &s->stats, err)))
            return st;
    }
    return ASIM_OK;
}

asim_status_t asim_sim_create(const asim_config_t *cfg, asim_sim_t **out, asim_error_t *err)
{
    *out = NULL;
    asim_sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
    s->cfg = *cfg;
    asim_status_t st = asim_tech_load_for(&s->cfg, &s->tech, err);
    if (st != ASIM_OK) {
        free(s);
        return st;
    }
    s->device = asim_tech_device(&s->tech, s->cfg.device);
    asim_mem_params_of(&s->cfg, &s->mp);
    double bank_kib = (double)(s->cfg.buffers.act_kib + s->cfg.buffers.weight_kib) /
                      (2.0 * (double)s->cfg.buffers.banks);
    s->sram_scale = pow(bank_kib / s->tech.sram_ref_kib, s->tech.sram_size_exp);
    asim_eventq_init(&s->q);
    asim_stats_init(&s->stats);
    if ((st = create_units(s, err)) != ASIM_OK) {
        asim_sim_free(s);
        return st;
    }
    struct { const char *path, *unit, *desc; const uint64_t *v; } counters[] = {
        {"controller.unsupported_ops", "ops", "ops with no unit in this configuration",
         &s->unsupported},
        {"controller.wait_operands", "cycles", "cycles compute waited for a tile's load",
         &s->wait_operands},
        {"dma.wait_buffer", "cycles", "cycles a load waited for a free buffer slot",
         &s->wait_buffer},
        {"dma.wait_data", "cycles", "cycles a load waited for the previous op's results",
         &s->wait_data},
    };
    for (size_t i = 0; i < sizeof counters / sizeof counters[0] && st == ASIM_OK; i++)
        st = asim_stats_add(&s->stats, counters[i].path, counters[i].unit, counters[i].desc,
                            counters[i].v, err);
    if (st != ASIM_OK) {
        asim_sim_free(s);
        return st;
    }
    unit_resources(s);
    asim_resources_t total;
    total_resources(s, &total);
    if (s->cfg.resources.enforce && !within(&total, s->device)) {
        char over[256];
        overflow_text(&total, s->device, over, sizeof over);
        st = asim_error_set(err, ASIM_ERANGE, s->cfg.path,
                            "does not fit %s (%s): %s (set resources.enforce=false to report "
                            "anyway)", s->device->name, s->device->part, over);
        asim_sim_free(s);
        return st;
    }
    *out = s;
    return ASIM_OK;
}

void asim_sim_record_timeline(asim_sim_t *s)
{
    s->record = true;
}

void asim_sim_free(asim_sim_t *s)
{
    if (!s)
        return;
    for (int i = 0; i < UNIT_COUNT; i++)
        if (s->units[i])
            s->units[i]->ops->free(s->units[i]);
    asim_eventq_free(&s->q);
    asim_stats_free(&s->stats);
    free(s->ops);
    free(s->stores);
    free(s->spans);
    free(s);
}

/* ---- running ---- */

/* Refuses, before anything runs, an op its unit cannot run, and weights that cannot be pinned. */
static asim_status_t check_mapping(const asim_sim_t *s, const asim_graph_t *g, asim_error_t *err)
{
    for (size_t i = 0; i < g->len; i++) {
        const asim_unit_t *u = unit_for(s, &g->ops[i]);
        char why[160];
        if (u && !u->ops->can_run(u, &g->ops[i], why, sizeof why))
            return asim_error_set(err, ASIM_EUNSUPPORTED, s->cfg.path,
                                  "model '%s', op '%s': %s", g->name, g->ops[i].name, why);
    }
    uint64_t wbits = asim_graph_weight_bits(g);
    if (s->mp.pinned && wbits > s->mp.weight_bits)
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
        o->unit = unit_for(s, &g->ops[i]);
        o->first = first;
        if (!o->unit)
            continue;
        asim_plan_op(&s->mp, o->unit, g, i, &o->plan);
        first += o->plan.n_tiles;
        o->stores_left = o->plan.n_stores;
    }
    s->n_tiles = first;
}

static void account(asim_sim_t *s, asim_report_t *rep)
{
    double static_w = s->device->static_w, hz = s->cfg.clock_mhz * 1e6;
    asim_qmm_geom_t qgeom = asim_qmm_geom_of(&s->cfg);
    asim_cycle_t prev_end = 0;
    for (size_t i = 0; i < rep->n_layers; i++) {
        asim_layer_t *l = &rep->layers[i];
        const op_state_t *o = &s->ops[i];
        l->op = &s->graph->ops[i];
        l->supported = o->unit != NULL;
        if (l->supported) {
            l->unit = o->unit->name;
            l->tiles = o->plan.n_tiles;
            l->tm = o->plan.tm, l->tn = o->plan.tn, l->tk = o->plan.tk;
            l->utilization = l->busy ? l->utilization / (double)l->busy : 0.0;
        } else {
            l->unit = "-";
            snprintf(l->note, sizeof l->note, "no %s unit in this configuration",
                     asim_op_kind_name(l->op->kind));
        }
        asim_cycle_t end = l->end > prev_end ? l->end : prev_end;
        l->cycles = end - prev_end;
        prev_end = end;
        l->energy.static_pj = static_w * (double)l->cycles / hz * 1e12;
        l->energy_pj = l->energy.compute_pj + l->energy.sram_pj + l->energy.dram_pj +
                       l->energy.static_pj;
        rep->energy.compute_pj += l->energy.compute_pj;
        rep->energy.sram_pj += l->energy.sram_pj;
        rep->energy.dram_pj += l->energy.dram_pj;
        rep->energy.static_pj += l->energy.static_pj;
        rep->macs += l->act.macs;
        rep->n_unsupported += !l->supported;
        asim_qmm_job_t j;
        if (l->supported && o->unit == s->units[UNIT_QMM] &&
            asim_qmm_job_of(&s->cfg, l->op, &j)) {
            asim_qmm_flow_add(&qgeom, &j, l->op->count, &s->tech, &rep->flow_naive,
                              &rep->flow_rewritten);
            rep->has_flow = true;
        }
    }
    rep->total_cycles = prev_end;
    double pj = rep->energy.compute_pj + rep->energy.sram_pj + rep->energy.dram_pj +
                rep->energy.static_pj;
    double seconds = asim_cycles_to_s(rep->total_cycles, s->cfg.clock_mhz);
    rep->latency_ms = asim_cycles_to_ms(rep->total_cycles, s->cfg.clock_mhz);
    rep->energy_mj = pj * 1e-9;
    rep->static_w = static_w;
    rep->power_w = seconds > 0 ? pj * 1e-12 / seconds : 0.0;
    rep->gops = seconds > 0 ? 2.0 * (double)rep->macs / seconds * 1e-9 : 0.0;
    rep->gops_per_w = rep->power_w > 0 ? rep->gops / rep->power_w : 0.0;

    const char *nl_basis = s->cfg.nonlinear.unit == ASIM_NL_PLACEHOLDER ? "placeholder guess"
                                                                         : "calibrated (Yosys)";
    const char *const basis[UNIT_COUNT] = {"calibrated (Yosys)", "calibrated (Yosys)", nl_basis,
                                           nl_basis, nl_basis, "none (no logic modelled)"};
    for (int i = 0; i < UNIT_COUNT; i++) {
        if (!s->units[i])
            continue;
        asim_unit_resources_t *ur = &rep->unit_resources[rep->n_units++];
        *ur = (asim_unit_resources_t){s->units[i]->name, s->unit_res[i], basis[i],
                                      s->unit_pj[i]};
    }
    rep->unit_resources[rep->n_units++] = (asim_unit_resources_t){
        "buffers", s->buffer_res, "block count of the configured capacities", 0.0};
    total_resources(s, &rep->resources);
    rep->fits = within(&rep->resources, s->device);
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
    rep->tech = &s->tech;
    rep->device = s->device;
    rep->graph = g;
    rep->n_layers = g->len;
    rep->stats = &s->stats;
    rep->spans = s->spans;
    rep->n_spans = s->n_spans;
    account(s, rep);
    return ASIM_OK;
}

void asim_report_free(asim_report_t *rep)
{
    free(rep->layers);
    memset(rep, 0, sizeof *rep);
}
