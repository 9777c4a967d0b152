/*
 * qmm_resource.c: resources of the QMM engine, CALIBRATED against Yosys 0.23 synth_xilinx
 * (-family xcup, hierarchical) runs of its RTL twin rtl/qmm (tools/calibrate.sh qmm writes
 * traces/calibration/qmm_yosys.csv, tools/fit.py qmm fits the LUT coefficients, qmm_fit.h;
 * docs/qmm.md gives the error table). The features must stay the same as the fit model's
 * (qmm_fit.py).
 *
 * QMM, at the RTL's default requantizer widths (M0W 16, BTW 32, SHW 5, OW 8) and 16-bit
 * command fields:
 *   FF  the registers counted off the RTL (exact at every calibration point): per DPU the B
 *       and column-constant registers, the lane-sum tree, accumulator and double buffer, the
 *       requantizer's sum and output; the shared pipeline registers; the controller.
 *   DSP one DSP48E2 per DPU for the requantizer multiply (ACCW x 16), two when ACCW > 27.
 *   LUT fitted (minimax on relative error): per lane of each DPU (unfolding, gate/negate,
 *       lane sums), per lane and tree level, per accumulator bit (accumulator adder and the
 *       requantizer's widths follow ACCW), per DPU, per shared lane, and the controller.
 */
#include "qmm/qmm.h"
#include "qmm/qmm_fit.h"
#include "util/arith.h"

/* Registers of rtl/qmm (qmm_fit.py ff_count()). */
static double qmm_ff(uint64_t d, uint64_t l, double acc)
{
    const double m0w = 16, btw = 32, shw = 5, ow = 8, dimw = 16;
    double trw = 9 + (double)asim_clog2(l), sw = (acc + m0w > btw ? acc + m0w : btw) + 1;
    double per_dpu = 8.0 * l + 3 * btw + trw + 2 * acc + sw + ow;
    double shared = 5 + 8.0 * l + (double)asim_clog2(8 * l + 1) + 14 + 5 * (double)asim_clog2(d + 1) + 3 * m0w + 4 * shw;
    double ctrl = 23 + 8 * dimw + 2 * (m0w + shw);
    return (double)d * per_dpu + shared + ctrl;
}

void asim_qmm_resources(const asim_qmm_geom_t *g, int acc_bits, asim_resources_t *out)
{
    double d = g->dpus, l = g->lanes, acc = acc_bits;
    const double *c = asim_qmm_fit.lut;
    *out = (asim_resources_t){
        .lut = c[0] * d * l + c[1] * d * l * (double)asim_clog2(2u * g->lanes) + c[2] * d * acc +
               c[3] * d + c[4] * l + c[5],
        .ff = qmm_ff(g->dpus, g->lanes, acc),
        .dsp = d * (acc_bits <= 27 ? 1.0 : 2.0),
        .bram36 = 0.0,
    };
}
