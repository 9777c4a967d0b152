/*
 * systolic_resource.c: resources of the systolic array, FIRST-ORDER.
 *
 * Per PE: one DSP48E2 for the multiplier when both operands are wider than 4 bits (Yosys
 * maps narrower products to LUTs), about one LUT per accumulator bit (the adder that Yosys
 * 0.23 leaves in fabric on xcup), and registers for both operands, their valid bits and the
 * accumulator. Anchored on the Yosys run in reference/toolchain.md (8-bit 4x4 array: 529
 * LUT, 744 FF, 16 DSP). To be replaced by the fit to the calibration grid
 * (tools/calibrate_systolic.sh).
 */
#include "resource/resource.h"

void asim_resource_systolic(const asim_systolic_geom_t *g, int a_bits, int b_bits,
                            int acc_bits, asim_resources_t *out)
{
    double pes = (double)g->rows * g->cols;
    bool dsp = a_bits > 4 && b_bits > 4;
    double mult_luts = dsp ? 0.0 : 0.5 * a_bits * b_bits;
    *out = (asim_resources_t){
        .lut = pes * (acc_bits + mult_luts),
        .ff = pes * (a_bits + b_bits + acc_bits + 2),
        .dsp = dsp ? pes : 0.0,
        .bram36 = 0.0,
    };
}
