/*
 * accel.c: the accelerator: builds the units the configuration asks for, wires their ports
 * to the controller in one place, and runs a graph through the event kernel (see sim.h).
 *
 * Which unit runs an op: vector ops go to the nonlinear unit; GEMMs with a binary (1-bit) B
 * go to the QMM engine when there is one, other GEMMs to the systolic array when there is
 * one, else to the QMM engine (bit-serial over B's bits). Ops run in graph order, each
 * after the previous one finishes. An op whose kind has no unit is recorded as unsupported
 * at the current cycle and takes no time; the report says so.
 */
#include <stdlib.h>
#include <string.h>

#include "asim/sim.h"
#include "units/nl_placeholder.h"
#include "units/qmm_unit.h"
#include "units/systolic_unit.h"

enum { UNIT_ARRAY, UNIT_QMM, UNIT_NL, UNIT_COUNT };

struct asim_sim {
    asim_config_t cfg;
    asim_tech_t tech;
    const asim_device_t *device;
    asim_eventq_t q;
    asim_stats_t stats;
    asim_unit_t *units[UNIT_COUNT];          /* NULL when the configuration has none */
    asim_port_t job_port[UNIT_COUNT], done_port[UNIT_COUNT];
    char port_name[UNIT_COUNT][2][40];
    /* controller state of the current run */
    const asim_graph_t *graph;
    asim_job_t *jobs;
    asim_layer_t *layers;
    size_t next;
    uint64_t unsupported;  /* counter */
    bool ran;
};

static void controller_issue(asim_sim_t *s, asim_cycle_t now);

static void controller_on_done(void *ctx, asim_port_t *port, asim_cycle_t now)
{
    asim_sim_t *s = ctx;
    asim_job_t *job = asim_port_take(port);
    asim_layer_t *l = &s->layers[job->index];
    l->start = job->start;
    l->cycles = job->cycles;
    l->utilization = job->utilization;
    l->act = job->act;
    l->energy_pj = job->compute_pj; /* SRAM and static energy are added by account() */
    memcpy(l->mode, job->mode, sizeof l->mode);
    s->next = job->index + 1;
    controller_issue(s, now);
}

static void controller_start(void *ctx, asim_cycle_t now)
{
    controller_issue(ctx, now);
}

/* The unit that runs op in this configuration, or NULL. */
static asim_unit_t *unit_for(const asim_sim_t *s, const asim_op_t *op)
{
    if (op->kind != ASIM_OP_GEMM)
        return s->units[UNIT_NL];
    if (s->units[UNIT_QMM] && (op->b_bits == 1 || !s->units[UNIT_ARRAY]))
        return s->units[UNIT_QMM];
    return s->units[UNIT_ARRAY];
}

static void controller_issue(asim_sim_t *s, asim_cycle_t now)
{
    for (; s->next < s->graph->len; s->next++) {
        const asim_op_t *op = &s->graph->ops[s->next];
        asim_layer_t *l = &s->layers[s->next];
        asim_unit_t *u = unit_for(s, op);
        l->op = op;
        l->start = now;
        if (!u) {
            l->unit = "-";
            snprintf(l->note, sizeof l->note, "no %s unit in this configuration",
                     asim_op_kind_name(op->kind));
            s->unsupported++;
            continue;
        }
        l->unit = u->name;
        l->supported = true;
        asim_job_t *job = &s->jobs[s->next];
        *job = (asim_job_t){.index = s->next, .op = op};
        asim_status_t st = asim_port_send(u->job_in, job, NULL);
        ASIM_ASSERT(st == ASIM_OK); /* one op in flight: the port is always free here */
        return;
    }
}

/* Wires unit i's job and done ports to the controller; all wiring happens here. */
static void wire(asim_sim_t *s, int i)
{
    asim_unit_t *u = s->units[i];
    snprintf(s->port_name[i][0], sizeof s->port_name[i][0], "%s.job", u->name);
    snprintf(s->port_name[i][1], sizeof s->port_name[i][1], "%s.done", u->name);
    asim_port_connect(&s->job_port[i], s->port_name[i][0], &s->q, s, NULL, u, asim_unit_on_job);
    asim_port_connect(&s->done_port[i], s->port_name[i][1], &s->q, u, asim_unit_on_done_ready,
                      s, controller_on_done);
    u->job_in = &s->job_port[i];
    u->done_out = &s->done_port[i];
    u->q = &s->q;
    u->tech = &s->tech;
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
    asim_eventq_init(&s->q);
    asim_stats_init(&s->stats);
    bool wanted[UNIT_COUNT] = {cfg->array.enabled, cfg->qmm.enabled,
                               cfg->nonlinear.unit == ASIM_NL_PLACEHOLDER};
    for (int i = 0; i < UNIT_COUNT; i++) {
        if (!wanted[i])
            continue;
        s->units[i] = i == UNIT_ARRAY ? asim_systolic_unit_create(&s->cfg)
                      : i == UNIT_QMM ? asim_qmm_unit_create(&s->cfg)
                                      : asim_nl_placeholder_create(&s->cfg);
        if (!s->units[i]) {
            asim_sim_free(s);
            return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
        }
        wire(s, i);
        if ((st = s->units[i]->ops->stats(s->units[i], &s->stats, err))) {
            asim_sim_free(s);
            return st;
        }
    }
    if ((st = asim_stats_add(&s->stats, "controller.unsupported_ops", "ops",
                             "ops with no unit in this configuration", &s->unsupported, err))) {
        asim_sim_free(s);
        return st;
    }
    *out = s;
    return ASIM_OK;
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
    free(s->jobs);
    free(s);
}

/* Refuses, before anything runs, an op that its unit cannot run. */
static asim_status_t check_mapping(const asim_sim_t *s, const asim_graph_t *g, asim_error_t *err)
{
    for (size_t i = 0; i < g->len; i++) {
        const asim_unit_t *u = unit_for(s, &g->ops[i]);
        char why[160];
        if (u && !u->ops->can_run(u, &g->ops[i], why, sizeof why))
            return asim_error_set(err, ASIM_EUNSUPPORTED, s->cfg.path,
                                  "model '%s', op '%s': %s", g->name, g->ops[i].name, why);
    }
    return ASIM_OK;
}

static void unit_resources(const asim_sim_t *s, asim_report_t *rep)
{
    for (int i = 0; i < UNIT_COUNT; i++) {
        if (!s->units[i])
            continue;
        asim_unit_resources_t *ur = &rep->unit_resources[rep->n_units++];
        ur->name = s->units[i]->name;
        if (i == UNIT_ARRAY) {
            asim_systolic_geom_t geom = asim_systolic_geom_of(&s->cfg);
            asim_resource_systolic(&geom, (int)s->cfg.array.act_bits,
                                   (int)s->cfg.array.weight_bits, (int)s->cfg.array.acc_bits,
                                   &ur->res);
            ur->basis = "calibrated (Yosys)";
        } else if (i == UNIT_QMM) {
            asim_qmm_geom_t geom = asim_qmm_geom_of(&s->cfg);
            asim_resource_qmm(&geom, (int)s->cfg.qmm.acc_bits, &ur->res);
            ur->basis = "first-order";
        } else {
            asim_resource_nl_placeholder((uint64_t)s->cfg.nonlinear.lanes, &ur->res);
            ur->basis = "placeholder guess";
        }
        rep->resources.lut += ur->res.lut;
        rep->resources.ff += ur->res.ff;
        rep->resources.dsp += ur->res.dsp;
        rep->resources.bram36 += ur->res.bram36;
    }
}

static void account(asim_sim_t *s, asim_report_t *rep)
{
    double static_w = s->device->static_w, hz = s->cfg.clock_mhz * 1e6;
    asim_qmm_geom_t qgeom = asim_qmm_geom_of(&s->cfg);
    for (size_t i = 0; i < rep->n_layers; i++) {
        asim_layer_t *l = &rep->layers[i];
        double compute = l->energy_pj;
        double sram = (double)l->act.sram_read_bits * s->tech.sram_read_pj_bit +
                      (double)l->act.sram_write_bits * s->tech.sram_write_pj_bit;
        double stat = static_w * (double)l->cycles / hz * 1e12;
        l->energy_pj = compute + sram + stat;
        rep->energy.compute_pj += compute;
        rep->energy.sram_pj += sram;
        rep->energy.static_pj += stat;
        rep->macs += l->act.macs;
        rep->n_unsupported += !l->supported;
        asim_qmm_job_t j;
        if (l->supported && s->units[UNIT_QMM] && strcmp(l->unit, "qmm") == 0 &&
            asim_qmm_job_of(&s->cfg, l->op, &j)) {
            asim_qmm_flow_add(&qgeom, &j, l->op->count, &s->tech, &rep->flow_naive,
                              &rep->flow_rewritten);
            rep->has_flow = true;
        }
    }
    double pj = rep->energy.compute_pj + rep->energy.sram_pj + rep->energy.static_pj;
    double seconds = asim_cycles_to_s(rep->total_cycles, s->cfg.clock_mhz);
    rep->latency_ms = asim_cycles_to_ms(rep->total_cycles, s->cfg.clock_mhz);
    rep->energy_mj = pj * 1e-9;
    rep->power_w = seconds > 0 ? pj * 1e-12 / seconds : 0.0;
    rep->gops = seconds > 0 ? 2.0 * (double)rep->macs / seconds * 1e-9 : 0.0;
    rep->gops_per_w = rep->power_w > 0 ? rep->gops / rep->power_w : 0.0;
    unit_resources(s, rep);
    const asim_device_t *d = s->device;
    bool budget = d->lut > 0 || d->ff > 0 || d->dsp > 0 || d->bram36 > 0;
    rep->fits = !budget || (rep->resources.lut <= d->lut && rep->resources.ff <= d->ff &&
                            rep->resources.dsp <= d->dsp && rep->resources.bram36 <= d->bram36);
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
    s->jobs = calloc(g->len, sizeof *s->jobs);
    rep->layers = calloc(g->len, sizeof *rep->layers);
    if (!s->jobs || !rep->layers) {
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory for %zu ops", g->len);
    }
    s->layers = rep->layers;
    if ((st = asim_eventq_schedule(&s->q, 0, ASIM_PRIO_CONTROL, controller_start, s, err))) {
        asim_report_free(rep);
        return st;
    }
    asim_eventq_run(&s->q, ASIM_CYCLE_MAX);

    rep->cfg = &s->cfg;
    rep->tech = &s->tech;
    rep->device = s->device;
    rep->graph = g;
    rep->n_layers = g->len;
    rep->total_cycles = s->q.now;
    rep->stats = &s->stats;
    account(s, rep);
    return ASIM_OK;
}

void asim_report_free(asim_report_t *rep)
{
    free(rep->layers);
    memset(rep, 0, sizeof *rep);
}
