/*
 * account.c: the report of a finished run. Layers partition the run (each ends when its last
 * tile is stored, at the latest when the one before ended); the energy pass prices each
 * layer's and each unit's action counts (energy/energy.h) and adds static power over the
 * layer's cycles; resources come from each unit's block and the buffers; every block with a
 * section of its own adds it.
 */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"

static double energy_sum(const asim_energy_t *e)
{
    return e->compute_pj + e->sram_pj + e->dram_pj + e->static_pj;
}

static void account_layers(asim_sim_t *s, asim_report_t *rep)
{
    double static_w = s->device->static_w, hz = s->cfg.clock_mhz * 1e6;
    asim_cycle_t prev_end = 0;
    for (size_t i = 0; i < rep->n_layers; i++) {
        asim_layer_t *l = &rep->layers[i];
        const op_state_t *o = &s->ops[i];
        const asim_plan_t *plan = &s->prog.plans[i];
        l->op = &s->graph->ops[i];
        l->supported = s->prog.op_queue[i] >= 0;
        if (l->supported) {
            l->unit = s->units[s->prog.queues[s->prog.op_queue[i]].unit]->name;
            l->tiles = plan->n_tiles;
            l->tm = plan->tm, l->tn = plan->tn, l->tk = plan->tk;
            l->utilization = l->busy ? l->utilization / (double)l->busy : 0.0;
        } else {
            l->unit = "-";
            snprintf(l->note, sizeof l->note, "no %s unit in this configuration",
                     asim_op_kind_name(l->op->kind));
        }
        asim_cycle_t end = l->end > prev_end ? l->end : prev_end;
        l->cycles = end - prev_end;
        prev_end = end;
        asim_energy_of(&s->prices, o->actions, &l->energy);
        l->energy.static_pj = static_w * (double)l->cycles / hz * 1e12;
        l->energy_pj = energy_sum(&l->energy);
        rep->energy.compute_pj += l->energy.compute_pj;
        rep->energy.sram_pj += l->energy.sram_pj;
        rep->energy.dram_pj += l->energy.dram_pj;
        rep->energy.static_pj += l->energy.static_pj;
        rep->macs += l->act.macs;
        rep->n_unsupported += !l->supported;
    }
    rep->total_cycles = prev_end;
    double pj = energy_sum(&rep->energy);
    double seconds = asim_cycles_to_s(rep->total_cycles, s->cfg.clock_mhz);
    rep->latency_ms = asim_cycles_to_ms(rep->total_cycles, s->cfg.clock_mhz);
    rep->energy_mj = pj * 1e-9;
    rep->static_w = static_w;
    rep->power_w = seconds > 0 ? pj * 1e-12 / seconds : 0.0;
    rep->gops = seconds > 0 ? 2.0 * (double)rep->macs / seconds * 1e-9 : 0.0;
    rep->gops_per_w = rep->power_w > 0 ? rep->gops / rep->power_w : 0.0;
}

static void account_units(asim_sim_t *s, asim_report_t *rep)
{
    for (size_t i = 0; i < s->n_units; i++) {
        const asim_unit_t *u = s->units[i];
        asim_unit_resources_t *ur = &rep->unit_resources[rep->n_units++];
        asim_energy_t e = {0};
        asim_energy_of(&s->prices, u->actions, &e);
        *ur = (asim_unit_resources_t){u->name, s->unit_res[i], u->block->basis, energy_sum(&e),
                                      "", u->busy_cycles};
        if (u->block->describe)
            u->block->describe(u->self, ur->summary, sizeof ur->summary);
    }
    rep->unit_resources[rep->n_units++] = (asim_unit_resources_t){
        "buffers", s->buffer_res, "block count of the configured capacities", 0.0, "", 0};
    rep->fits = asim_board_total(s, &rep->resources);
}

static void account_sections(asim_sim_t *s, asim_report_t *rep)
{
    asim_pricer_t price = {asim_energy_price, &s->prices};
    for (size_t i = 0; i < s->n_units; i++) {
        const asim_unit_t *u = s->units[i];
        asim_report_section_t sec = {0};
        if (u->block->section)
            u->block->section(u->self, rep, &price, &sec);
        if (sec.n_groups)
            rep->sections[rep->n_sections++] = sec;
    }
}

asim_status_t asim_account(asim_sim_t *s, asim_report_t *rep, asim_error_t *err)
{
    rep->unit_resources = calloc(s->n_units + 1, sizeof *rep->unit_resources);
    rep->sections = calloc(s->n_units, sizeof *rep->sections);
    if (!rep->unit_resources || (s->n_units && !rep->sections)) {
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory for the report");
    }
    account_layers(s, rep);
    account_units(s, rep);
    account_sections(s, rep);
    return ASIM_OK;
}

void asim_report_free(asim_report_t *rep)
{
    free(rep->layers);
    free(rep->unit_resources);
    free(rep->sections);
    free(rep->critical_path);
    memset(rep, 0, sizeof *rep);
}
