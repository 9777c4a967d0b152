/*
 * systolic_resource.c: FPGA resources of rtl/systolic (xcup, Yosys 0.23 synth_xilinx).
 *
 * Formulas in the structure of the RTL, with coefficients (systolic_fit.h) fitted by
 * tools/fit.py systolic to traces/calibration/systolic_yosys.csv (written by
 * tools/calibrate.sh systolic); tests/unit/test_systolic_resource.c checks every point of the
 * CSV within 10 % and docs/systolic.md lists the errors. The features below must stay the
 * same as the fit model's (systolic_fit.py).
 *
 *   FF  = f0 * PEs * pe_ff + f1 * skew_ff + f2, where pe_ff is the PE's register bits
 *         (west, north and vertical links, two weight buffers, accumulator, result, and the
 *         two pipeline stages of the product, a + b bits and 4 beat flags each) and
 *         skew_ff the bits of the row and column skew lines;
 *   LUT = l0 * PEs * acc + l1 * PEs * (a + b + cb + rb) + l2 * PEs * soft_mul + l3 * PEs
 *         + l4 * (R * a + C * b) + l5, where soft_mul = (a + 1)(b + 1) when the multiplier
 *         stays in LUTs;
 *   DSP = PEs when Yosys maps the multiplier to a DSP48E2 (a_bits + b_bits above
 *         dsp_soft_max_sum: 4 x 4 stays in LUTs, 2 x 8 takes a DSP), else 0. BRAM: none.
 * Worst error over the 43 calibration points: LUT -9.6 % (4x8, 4-bit, the soft multiplier),
 * FF -0.5 %, DSP 0 %.
 */
#include "systolic/systolic.h"
#include "systolic/systolic_fit.h"
#include "util/arith.h"

void asim_systolic_resources(const asim_systolic_geom_t *g, int a_bits, int b_bits,
                            int acc_bits, asim_resources_t *out)
{
    double r = g->rows, c = g->cols, pes = r * c;
    double cb = asim_clog2(g->cols + 1), rb = g->rows > 1 ? asim_clog2(g->rows) : 1;
    double wb = 6 + cb + a_bits, nb = 2 + rb + b_bits;
    double pe_ff = wb + nb + 2.0 * b_bits + acc_bits + 2.0 * (2 + acc_bits) +
                   2.0 * (a_bits + b_bits + 4); /* the two product stages */
    double skew_ff = r * (r + 1) / 2 * wb + c * (c + 1) / 2 * nb;
    const double *ff_coef = asim_systolic_fit.ff, *lut_coef = asim_systolic_fit.lut;
    bool dsp = a_bits + b_bits > asim_systolic_fit.dsp_soft_max_sum;
    double soft_mul = dsp ? 0.0 : (a_bits + 1.0) * (b_bits + 1.0);
    *out = (asim_resources_t){0};
    out->ff = ff_coef[0] * pes * pe_ff + ff_coef[1] * skew_ff + ff_coef[2];
    out->lut = lut_coef[0] * pes * acc_bits + lut_coef[1] * pes * (a_bits + b_bits + cb + rb) +
               lut_coef[2] * pes * soft_mul + lut_coef[3] * pes +
               lut_coef[4] * (r * a_bits + c * b_bits) + lut_coef[5];
    out->dsp = dsp ? pes : 0.0;
}
