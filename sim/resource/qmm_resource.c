/*
 * qmm_resource.c: resources of the QMM engine and of the placeholder nonlinear unit,
 * FIRST-ORDER until calibrated against Yosys runs of their RTL twins.
 *
 * QMM, per DPU: an adder tree over L*8 activation bits with per-element conditional
 * negate/gate (about 2 LUT per activation bit), an accumulator and its double buffer (acc
 * LUT, 2 acc FF), input registers (L*8 FF), and one DSP for the post-processing multiply.
 * Placeholder nonlinear unit, per lane: a 32-bit multiply (one DSP) and about 200 LUT and
 * 200 FF of exp/divide/normalise logic, a guess with no RTL behind it.
 */
#include "resource/resource.h"

void asim_resource_qmm(const asim_qmm_geom_t *g, int acc_bits, asim_resources_t *out)
{
    double d = g->dpus, bits = 8.0 * g->lanes;
    *out = (asim_resources_t){
        .lut = d * (2.0 * bits + acc_bits),
        .ff = d * (bits + 2.0 * acc_bits),
        .dsp = d,
        .bram36 = 0.0,
    };
}

void asim_resource_nl_placeholder(uint64_t lanes, asim_resources_t *out)
{
    double l = (double)lanes;
    *out = (asim_resources_t){.lut = 200.0 * l, .ff = 200.0 * l, .dsp = l, .bram36 = 0.0};
}
