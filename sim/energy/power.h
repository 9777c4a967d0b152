/*
 * power.h: the XPE-shaped power model (docs/energy.md). Xilinx Power Estimator's terms:
 *
 *   P = P_static(device, Tj) + P_PS (+ DDR controller/PHY) + P_clock + sum_r k_r (a / a0) f N_r
 *
 * A unit's dynamic power while it computes: its LUTs, nets (LUT + FF), flip-flops and carry
 * chains (LOGIC) and its DSP slices (DSP), each coefficient k_r (uW/MHz per element at the
 * default toggle rate a0) x its toggle rate a / a0 x f (MHz) x its count N_r. Its clock tree
 * (CLOCKS) runs every cycle of the run: clock x FF x f, no gating modelled. Buffer accesses are
 * per bit (energy.h). The platform: one clock generator; static power of the PL and the PS,
 * doubling every leakage_doubling C of junction temperature Tj = ambient + theta_ja x chip
 * power (solved by fixed-point iteration, as XPE does); the PS and its DDR controller/PHY.
 * An ASIC table (no `power` section) has static power (the device's static_w and each unit's
 * cell leakage, energy/asic.h) besides its actions.
 */
#ifndef ASIM_ENERGY_POWER_H
#define ASIM_ENERGY_POWER_H

#include "asim/sim.h"
#include "energy/tech.h"

/* A unit's power: while it computes, by kind, and its clock tree and leakage, always. */
typedef struct {
    double active_w[ASIM_EK_COUNT]; /* W while it runs a job */
    double clock_w;                 /* W over the whole run */
    double leakage_w;               /* W over the whole run: an ASIC table's leakage of its cells
                                       on the table's own node (energy/asic.h), else 0 */
} asim_unit_power_t;

/* Power not owned by a unit, W. */
typedef struct {
    double static_pl_w, static_ps_w; /* at tj_c */
    double ps_w;                     /* PS dynamic + DDR controller/PHY */
    double clock_gen_w;              /* clock generator (MMCM) */
    double tj_c;
} asim_platform_power_t;

/* The toggle rate of a block's units, % of cycles (the table's default for an unmeasured block). */
double asim_power_toggle(const asim_tech_t *t, const char *block);
/* The power of resources r at toggle rate toggle_pct (% of cycles) and mhz. */
void asim_power_unit(const asim_tech_t *t, const asim_resources_t *r, double toggle_pct,
                     double mhz, asim_unit_power_t *p);
/* The platform's power on device d when the units draw dynamic_w on average: solves Tj. */
void asim_power_platform(const asim_tech_t *t, const asim_device_t *d, double dynamic_w,
                         asim_platform_power_t *p);
/* Adds the platform's energy over `seconds` to e. */
void asim_power_platform_energy(const asim_platform_power_t *p, double seconds,
                                asim_energy_t *e);

#endif
