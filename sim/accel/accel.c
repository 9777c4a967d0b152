/*
 * accel.c: the accelerator: builds the units, wires their ports to the controller in one
 * place, and runs a graph through the event kernel (see sim.h).
 *
 * Controller: ops run in graph order, each after the previous one finishes (no overlap
 * between ops yet). An op whose kind has no unit in this configuration is recorded as
 * unsupported at the current cycle and takes no time; the report says so.
 */
#include <stdlib.h>
#include <string.h>

#include "asim/sim.h"
#include "units/systolic_unit.h"

struct asim_sim {
    asim_config_t cfg;
    asim_tech_t tech;
    const asim_device_t *device;
    asim_eventq_t q;
    asim_stats_t stats;
    asim_unit_t *array;
    asim_port_t array_job, array_done;
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
    s->next = job->index + 1;
    controller_issue(s, now);
}

static void controller_start(void *ctx, asim_cycle_t now)
{
    controller_issue(ctx, now);
}

/* The unit that runs ops of this kind in this configuration, or NULL. */
static asim_unit_t *unit_for(const asim_sim_t *s, const asim_op_t *op)
{
    return op->kind == ASIM_OP_GEMM ? s->array : NULL;
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
    s->array = asim_systolic_unit_create(&s->cfg);
    if (!s->array) {
        asim_sim_free(s);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
    }
    /* All wiring, in one place. */
    asim_port_connect(&s->array_job, "array.job", &s->q, s, NULL, s->array, asim_unit_on_job);
    asim_port_connect(&s->array_done, "array.done", &s->q, s->array, asim_unit_on_done_ready, s,
                      controller_on_done);
    s->array->job_in = &s->array_job;
    s->array->done_out = &s->array_done;
    s->array->q = &s->q;

    if ((st = s->array->ops->stats(s->array, &s->stats, err)) ||
        (st = asim_stats_add(&s->stats, "controller.unsupported_ops", "ops",
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
    if (s->array)
        s->array->ops->free(s->array);
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

double asim_mac_energy_pj(const asim_tech_t *tech, int a_bits, int b_bits, int acc_bits)
{
    return tech->mult_8x8_pj * (a_bits * b_bits) / 64.0 + tech->add_32_pj * acc_bits / 32.0;
}

static void account(asim_sim_t *s, asim_report_t *rep)
{
    double static_w = s->device->static_w, hz = s->cfg.clock_mhz * 1e6;
    for (size_t i = 0; i < rep->n_layers; i++) {
        asim_layer_t *l = &rep->layers[i];
        double compute = (double)l->act.macs * asim_mac_energy_pj(&s->tech, l->op->a_bits,
                                                                  l->op->b_bits,
                                                                  (int)s->cfg.array.acc_bits);
        double sram = (double)l->act.sram_read_bits * s->tech.sram_read_pj_bit +
                      (double)l->act.sram_write_bits * s->tech.sram_write_pj_bit;
        double stat = static_w * (double)l->cycles / hz * 1e12;
        l->energy_pj = compute + sram + stat;
        rep->energy.compute_pj += compute;
        rep->energy.sram_pj += sram;
        rep->energy.static_pj += stat;
        rep->macs += l->act.macs;
        rep->n_unsupported += !l->supported;
    }
    double pj = rep->energy.compute_pj + rep->energy.sram_pj + rep->energy.static_pj;
    double seconds = asim_cycles_to_s(rep->total_cycles, s->cfg.clock_mhz);
    rep->latency_ms = asim_cycles_to_ms(rep->total_cycles, s->cfg.clock_mhz);
    rep->energy_mj = pj * 1e-9;
    rep->power_w = seconds > 0 ? pj * 1e-12 / seconds : 0.0;
    rep->gops = seconds > 0 ? 2.0 * (double)rep->macs / seconds * 1e-9 : 0.0;
    rep->gops_per_w = rep->power_w > 0 ? rep->gops / rep->power_w : 0.0;
    asim_systolic_geom_t geom = asim_systolic_geom_of(&s->cfg);
    asim_resource_systolic(&geom, (int)s->cfg.array.act_bits, (int)s->cfg.array.weight_bits,
                           (int)s->cfg.array.acc_bits, &rep->resources);
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
