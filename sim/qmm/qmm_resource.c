/*
 * qmm_resource.c: resources of the QMM engine, CALIBRATED against Yosys 0.23 synth_xilinx
 * (-family xcup, hierarchical) runs of its RTL twin rtl/qmm (tools/calibrate.sh qmm writes
 * traces/calibration/qmm_yosys.csv, tools/fit.py qmm fits the LUT and FF coefficients, qmm_fit.h;
 * docs/qmm.md gives the error table). The features must stay the same as the fit model's
 * (qmm_fit.py).
 *
 * QMM, at the RTL's default requantizer widths (M0W 16, BTW 32, SHW 5, OW 8) and 16-bit
 * command fields:
 *   FF  fitted with the LUT's features (within 0.4 % at every calibration point): the 9-stage
 *       pipeline's registers per lane and stage, accumulator and double buffer, requantizer;
 *       the shared pipeline registers; the controller.
 *   DSP one DSP48E2 per DPU for the requantizer multiply (ACCW x 16), two when ACCW > 27.
 *   LUT fitted (minimax on relative error): per lane of each DPU (unfolding, gate/negate,
 *       lane sums), per lane and tree level, per accumulator bit (accumulator adder and the
 *       requantizer's widths follow ACCW), per DPU, per shared lane, and the controller.
 */
#include "qmm/qmm.h"
#include "qmm/qmm_fit.h"
#include "util/arith.h"

/* The fitted features (qmm_fit.py lut_features()) with coefficients c. */
static double qmm_fitted(const double c[6], double d, double l, double acc, uint64_t lanes)
{
    return c[0] * d * l + c[1] * d * l * (double)asim_clog2(2u * lanes) + c[2] * d * acc +
           c[3] * d + c[4] * l + c[5];
}

void asim_qmm_resources(const asim_qmm_geom_t *g, int acc_bits, asim_resources_t *out)
{
    double d = g->dpus, l = g->lanes, acc = acc_bits;
    *out = (asim_resources_t){
        .lut = qmm_fitted(asim_qmm_fit.lut, d, l, acc, g->lanes),
        .ff = qmm_fitted(asim_qmm_fit.ff, d, l, acc, g->lanes),
        .dsp = d * (acc_bits <= 27 ? 1.0 : 2.0),
        .bram36 = 0.0,
    };
}
