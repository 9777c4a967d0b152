/*
 * account.c: the report of a finished run. Layers partition the run (each ends when its last
 * tile is stored, at the latest when the one before ended); the energy pass prices each
 * layer's and each unit's action counts (energy/energy.h), adds each unit's per-resource power
 * over its busy cycles and the clock trees and platform (static, PS) over the layer's cycles
 * (energy/power.h); resources come from each unit's block and the buffers, Fmax estimates
 * from synthesis of its RTL (fmax/fmax.h); every block with a section of its own adds it.
 */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "energy/asic.h"
#include "energy/power.h"
#include "fmax/fmax.h"

/* Energy of a job stream: its actions, and its unit's active power over `busy` cycles. */
static void work_energy(const asim_sim_t *s, const uint64_t actions[ASIM_ACT_COUNT],
                        const asim_unit_power_t *up, asim_cycle_t busy, asim_energy_t *e)
{
    double seconds = asim_cycles_to_s(busy, s->cfg.clock_mhz);
    asim_energy_of(&s->prices, actions, e);
    if (up)
        for (int k = 0; k < ASIM_EK_COUNT; k++)
            e->pj[k] += up->active_w[k] * seconds * 1e12;
}

static void finish_layer(asim_sim_t *s, asim_layer_t *l, size_t i)
{
    l->op = &s->graph->ops[i];
    l->supported = s->prog.op_queue[i] >= 0;
    if (l->supported) {
        const asim_plan_t *plan = &s->prog.plans[i];
        l->unit = s->units[s->prog.queues[s->prog.op_queue[i]].unit]->name;
        l->tiles = plan->n_tiles;
        l->tm = plan->tm, l->tn = plan->tn, l->tk = plan->tk;
        l->utilization = l->busy ? l->utilization / (double)l->busy : 0.0;
    } else {
        l->unit = "-";
        snprintf(l->note, sizeof l->note, "no %s unit in this configuration",
                 asim_op_kind_name(l->op->kind));
    }
}

/* Each layer's energy: its actions, its unit's active power over its busy cycles, every clock
 * tree and every unit's leakage over its cycles; then the platform (static, PS, clock generator) over its cycles once
 * the mean dynamic power, and so the junction temperature, is known. */
static void account_layers(asim_sim_t *s, asim_report_t *rep, const asim_unit_power_t *up)
{
    double clock_w = 0.0, leakage_w = 0.0, dynamic_pj = 0.0;
    for (size_t u = 0; u < s->n_units; u++) {
        clock_w += up[u].clock_w;
        leakage_w += up[u].leakage_w;
    }
    asim_cycle_t prev_end = 0;
    for (size_t i = 0; i < rep->n_layers; i++) {
        asim_layer_t *l = &rep->layers[i];
        finish_layer(s, l, i);
        asim_cycle_t end = l->end > prev_end ? l->end : prev_end;
        l->cycles = end - prev_end;
        prev_end = end;
        int q = s->prog.op_queue[i];
        work_energy(s, s->ops[i].actions, q >= 0 ? &up[s->prog.queues[q].unit] : NULL, l->busy,
                    &l->energy);
        double seconds = asim_cycles_to_s(l->cycles, s->cfg.clock_mhz);
        l->energy.pj[ASIM_EK_CLOCKS] += clock_w * seconds * 1e12;
        l->energy.pj[ASIM_EK_STATIC_PL] += leakage_w * seconds * 1e12;
        dynamic_pj += asim_energy_total(&l->energy, ASIM_EK_CHIP_END); /* DRAM is off chip */
        rep->macs += l->act.macs;
        rep->n_unsupported += !l->supported;
    }
    rep->total_cycles = prev_end;
    double seconds = asim_cycles_to_s(rep->total_cycles, s->cfg.clock_mhz);
    asim_platform_power_t plat;
    asim_power_platform(&s->tech, s->device, seconds > 0 ? dynamic_pj * 1e-12 / seconds : 0.0,
                        &plat);
    for (size_t i = 0; i < rep->n_layers; i++) {
        asim_layer_t *l = &rep->layers[i];
        asim_power_platform_energy(&plat, asim_cycles_to_s(l->cycles, s->cfg.clock_mhz),
                                   &l->energy);
        l->energy_pj = asim_energy_total(&l->energy, ASIM_EK_COUNT);
        for (int k = 0; k < ASIM_EK_COUNT; k++)
            rep->energy.pj[k] += l->energy.pj[k];
    }
    asim_power_platform_energy(&plat, seconds, &rep->platform);
    rep->static_w = plat.static_pl_w + plat.static_ps_w;
    rep->tj_c = plat.tj_c;
    rep->latency_ms = asim_cycles_to_ms(rep->total_cycles, s->cfg.clock_mhz);
    double pj = asim_energy_total(&rep->energy, ASIM_EK_COUNT);
    rep->energy_mj = pj * 1e-9;
    rep->power_w = seconds > 0 ? pj * 1e-12 / seconds : 0.0;
    rep->pl_w = seconds > 0 ? asim_energy_total(&rep->energy, ASIM_EK_PL_END) * 1e-12 / seconds
                            : 0.0;
    rep->chip_w = seconds > 0 ? asim_energy_total(&rep->energy, ASIM_EK_CHIP_END) * 1e-12 /
                                    seconds : 0.0;
    rep->gops = seconds > 0 ? 2.0 * (double)rep->macs / seconds * 1e-9 : 0.0;
    rep->gops_per_w = rep->power_w > 0 ? rep->gops / rep->power_w : 0.0;
    rep->gops_per_w_pl = rep->pl_w > 0 ? rep->gops / rep->pl_w : 0.0;
    rep->gops_per_w_chip = rep->chip_w > 0 ? rep->gops / rep->chip_w : 0.0;
}

/* The unit's block's Fmax estimate, if it has one. */
static void unit_fmax(const asim_unit_t *u, const asim_fmax_t *e, size_t n,
                      asim_unit_resources_t *ur)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(e[i].block, u->block->name)) {
            ur->fmax_mhz = e[i].fmax_mhz;
            ur->fmax_exact = e[i].exact;
        }
}

static void account_units(asim_sim_t *s, asim_report_t *rep, const asim_unit_power_t *up)
{
    double seconds = asim_cycles_to_s(rep->total_cycles, s->cfg.clock_mhz);
    rep->n_asic = s->tech.n_nodes;
    for (size_t k = 0; k < rep->n_asic; k++)
        rep->asic[k] = (asim_asic_area_t){.node = s->tech.nodes[k].key};
    asim_fmax_t fmax[ASIM_FMAX_BLOCKS];
    size_t n_fmax = asim_fmax_estimate(&s->cfg, fmax);
    for (size_t i = 0; i < s->n_units; i++) {
        const asim_unit_t *u = s->units[i];
        asim_unit_resources_t *ur = &rep->unit_resources[rep->n_units++];
        *ur = (asim_unit_resources_t){.name = u->name, .res = s->unit_res[i],
                                      .basis = u->block->basis, .busy = u->busy_cycles};
        work_energy(s, u->actions, &up[i], u->busy_cycles, &ur->energy);
        ur->energy.pj[ASIM_EK_CLOCKS] += up[i].clock_w * seconds * 1e12;
        ur->energy.pj[ASIM_EK_STATIC_PL] += up[i].leakage_w * seconds * 1e12;
        asim_asic_unit(&s->tech, &s->cfg, u->block->name, ur);
        for (size_t k = 0; k < ur->n_asic; k++) {
            rep->asic[k].area_mm2 += ur->asic[k].area_mm2;
            rep->asic[k].leakage_mw += ur->asic[k].leakage_mw;
        }
        ur->energy_pj = asim_energy_total(&ur->energy, ASIM_EK_COUNT);
        unit_fmax(u, fmax, n_fmax, ur);
        if (u->block->describe)
            u->block->describe(u->self, ur->summary, sizeof ur->summary);
    }
    rep->unit_resources[rep->n_units++] = (asim_unit_resources_t){
        .name = "buffers", .res = s->buffer_res,
        .basis = "block count of the configured capacities"};
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
    asim_unit_power_t *up = calloc(s->n_units + 1, sizeof *up);
    if (!up) {
        asim_report_free(rep);
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory for the report");
    }
    for (size_t i = 0; i < s->n_units; i++) {
        asim_power_unit(&s->tech, &s->unit_res[i],
                        asim_power_toggle(&s->tech, s->units[i]->block->name), s->cfg.clock_mhz,
                        &up[i]);
        asim_unit_resources_t asic = {0};
        asim_asic_unit(&s->tech, &s->cfg, s->units[i]->block->name, &asic);
        up[i].leakage_w = asic.n_asic ? asic.asic[0].leakage_mw * 1e-3 : 0.0;
    }
    account_layers(s, rep, up);
    account_units(s, rep, up);
    free(up);
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
