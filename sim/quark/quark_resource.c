/*
 * quark_resource.c: resources of the QUARK nonlinear unit (rtl/quark/quark_unit.v),
 * fitted to Yosys synth_xilinx -family xcup runs (tools/calibrate.sh quark ->
 * traces/calibration/quark_yosys.csv; coefficients, quark_fit.h, from tools/fit.py quark,
 * whose model quark_fit.py has the same features).
 *
 * Per calibrated mode set, each resource is c0 + c1 N + c2 N (IW - 8): a per-unit part (row
 * constants, control, the mean multiplier, the row Appro-LN units) and a per-lane part
 * (requantizer, squares, Appro-Exp / Appro-LN lanes, output formatting) whose dependence on the
 * input width sits in the lane front. LUT includes the SRL16s Yosys packs shift registers
 * into. No BRAM: the unit holds row constants only (the row stays in the activation buffer).
 * Error at every calibration point: tests/unit/test_nl_quark_resource.c, docs/nonlinear.md.
 */
#include "quark/quark.h"
#include "quark/quark_fit.h"

static double eval(const double c[3], double n, double iw)
{
    double v = c[0] + c[1] * n + c[2] * n * (iw - 8.0);
    return v > 0.0 ? v : 0.0;
}

void asim_quark_resources(uint64_t lanes, int in_bits, unsigned modes, asim_resources_t *out)
{
    const asim_quark_fit_set_t *sets = asim_quark_fit.set, *f = &sets[0];
    size_t n_sets = sizeof asim_quark_fit.set / sizeof sets[0];
    modes &= ASIM_QUARK_ALL_MODES;
    for (size_t i = 0; i < n_sets; i++) {
        f = &sets[i];
        if ((modes & ~f->modes) == 0)
            break;
    }
    double n = (double)lanes, iw = (double)in_bits;
    *out = (asim_resources_t){.lut = eval(f->lut, n, iw), .ff = eval(f->ff, n, iw),
                              .dsp = eval(f->dsp, n, iw)};
}
