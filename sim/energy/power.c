/* power.c: the XPE-shaped power model (see power.h). */
#include <math.h>
#include <string.h>

#include "energy/power.h"

double asim_power_toggle(const asim_tech_t *t, const char *block)
{
    for (size_t i = 0; i < t->n_activity; i++)
        if (!strcmp(t->activity[i].block, block))
            return t->activity[i].toggle_pct;
    return t->has_fpga ? t->fpga.default_toggle : 0.0;
}

void asim_power_unit(const asim_tech_t *t, const asim_resources_t *r, double toggle_pct,
                     double mhz, asim_unit_power_t *p)
{
    memset(p, 0, sizeof *p);
    if (!t->has_fpga)
        return;
    const asim_fpga_power_t *c = &t->fpga;
    double per_element = toggle_pct / c->default_toggle * mhz * 1e-6; /* uW/MHz -> W */
    double logic = c->lut * r->lut + c->net * (r->lut + r->ff) + c->ff * r->ff +
                   c->carry * c->carry_per_lut * r->lut;
    p->active_w[ASIM_EK_LOGIC] = logic * per_element;
    p->active_w[ASIM_EK_DSP] = c->dsp * r->dsp * per_element;
    p->clock_w = c->clock * r->ff * mhz * 1e-6;
}

static double static_at(const asim_device_t *d, double doubling_c, double tj_c)
{
    double scale = doubling_c > 0 ? exp2((tj_c - d->static_tj_c) / doubling_c) : 1.0;
    return (d->static_w + d->static_ps_w) * scale;
}

void asim_power_platform(const asim_tech_t *t, const asim_device_t *d, double dynamic_w,
                         asim_platform_power_t *p)
{
    memset(p, 0, sizeof *p);
    double doubling = t->has_fpga ? t->fpga.leakage_doubling_c : 0.0;
    p->ps_w = d->ps_w + d->ps_ddr_w;
    p->clock_gen_w = t->has_fpga ? t->fpga.mmcm_w : 0.0;
    p->tj_c = d->static_tj_c;
    if (t->has_fpga && d->theta_ja > 0) {
        /* Tj = Ta + theta (P_dyn + P_static(Tj)); a contraction while theta x dP/dTj < 1. */
        double fixed = dynamic_w + p->ps_w + p->clock_gen_w;
        p->tj_c = t->fpga.ambient_c;
        for (int i = 0; i < 100; i++)
            p->tj_c = t->fpga.ambient_c +
                      d->theta_ja * (fixed + static_at(d, doubling, p->tj_c));
    }
    double all = static_at(d, doubling, p->tj_c), base = d->static_w + d->static_ps_w;
    p->static_pl_w = base > 0 ? all * d->static_w / base : 0.0;
    p->static_ps_w = all - p->static_pl_w;
}

void asim_power_platform_energy(const asim_platform_power_t *p, double seconds,
                                asim_energy_t *e)
{
    e->pj[ASIM_EK_STATIC_PL] += p->static_pl_w * seconds * 1e12;
    e->pj[ASIM_EK_STATIC_PS] += p->static_ps_w * seconds * 1e12;
    e->pj[ASIM_EK_PS] += p->ps_w * seconds * 1e12;
    e->pj[ASIM_EK_CLOCKS] += p->clock_gen_w * seconds * 1e12;
}
