/*
 * quark_resource.c: resources of the QUARK nonlinear unit (rtl/quark/quark_unit.v),
 * fitted to Yosys synth_xilinx -family xcup runs (tools/calibrate_quark.sh ->
 * traces/calibration/quark_yosys.csv; coefficients from tools/fit_quark_resource.py).
 *
 * Per calibrated mode set, each resource is c0 + c1 N + c2 N (IW - 8): a per-unit part (row
 * constants, control, the mean multiplier, the row Appro-LN units) and a per-lane part
 * (requantizer, squares, Appro-Exp / Appro-LN lanes, output formatting) whose dependence on the
 * input width sits in the lane front. LUT includes the SRL16s Yosys packs shift registers
 * into. No BRAM: the unit holds row constants only (the row stays in the activation buffer).
 * Error at every calibration point: tests/unit/test_nl_quark_resource.c, docs/nonlinear.md.
 */
#include "quark/quark.h"

typedef struct {
    unsigned modes;
    double lut[3], ff[3], dsp[3]; /* c0, c1 (per lane), c2 (per lane and input bit over 8) */
} quark_fit_t;

/* Smallest first, so a mask contained in a separate unit's takes that unit's fit. */
static const quark_fit_t fits[] = {
    {1, {1221.2916, 2077.3075, 2.8183}, {217.3778, 129.4344, 0.4846}, {2.0000, 8.0000, 0.0000}},
    {130, {222.6856, 1576.1422, -1.8731}, {79.3066, 160.3690, -0.0028}, {-0.0000, 14.0000, 0.0000}},
    {68, {1346.3799, 1470.6951, -1.7356}, {298.3583, 132.3550, 0.4957}, {10.0000, 12.0000, 0.0000}},
    {255, {1675.8582, 4007.7037, 7.4834}, {351.4214, 165.4230, 0.9833}, {10.0000, 24.0000, 0.0000}},
};

static double eval(const double c[3], double n, double iw)
{
    double v = c[0] + c[1] * n + c[2] * n * (iw - 8.0);
    return v > 0.0 ? v : 0.0;
}

void asim_quark_resources(uint64_t lanes, int in_bits, unsigned modes, asim_resources_t *out)
{
    const quark_fit_t *f = &fits[0];
    modes &= ASIM_QUARK_ALL_MODES;
    for (size_t i = 0; i < sizeof fits / sizeof fits[0]; i++) {
        f = &fits[i];
        if ((modes & ~f->modes) == 0)
            break;
    }
    double n = (double)lanes, iw = (double)in_bits;
    *out = (asim_resources_t){.lut = eval(f->lut, n, iw), .ff = eval(f->ff, n, iw),
                              .dsp = eval(f->dsp, n, iw)};
}
