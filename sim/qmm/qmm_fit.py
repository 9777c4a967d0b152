"""qmm_fit.py: the QMM engine's resource model for tools/fit.py (fitlib). The features are
the structure of rtl/qmm (docs/qmm.md, "Resources"); qmm_resource.c evaluates the same ones
with the coefficients this fit writes to traces/calibration/qmm_fit.csv: keep the two in step.

    FF  the registers counted off the RTL (no coefficient);
    DSP one DSP48E2 per DPU for the requantizer multiply, two when ACCW > 27 (no coefficient);
    LUT = lut[0] D L + lut[1] D L clog2(2 L) + lut[2] D ACCW + lut[3] D + lut[4] L + lut[5]:
          the lanes (unfolding, gate/negate, lane sums), the per-DPU lane tree, the
          accumulator and the requantizer (both follow ACCW), per-DPU fixed logic, the shared
          per-lane valid counts, the controller.
The LUT fit minimises the worst relative error (Lawson). Printed to 5 significant digits:
the committed reports (traces/golden) were made with these values.
"""
from fitlib import clog2, minimax, predict

COLUMNS = ("dpus", "lanes", "acc_bits")
MEASURED = ("lut", "ff", "dsp")
FORMAT = "%.5g"

# RTL defaults the calibration keeps fixed (rtl/qmm/calibration.sh).
M0W, BTW, SHW, OW, DIMW = 16, 32, 5, 8, 16


def ff_count(d, l, acc):
    """Registers of rtl/qmm at these parameters (the same as qmm_resource.c qmm_ff())."""
    trw = 9 + clog2(l)
    sw = max(acc + M0W, BTW) + 1
    per_dpu = 8 * l + 3 * BTW + trw + 2 * acc + sw + OW
    shared = 5 + 8 * l + clog2(8 * l + 1) + 2 + 6 + 6 + 5 * clog2(d + 1) + 3 * M0W + 4 * SHW
    ctrl = 4 + 3 * DIMW + 6 + M0W + SHW + 2 + 5 * DIMW + 11 + M0W + SHW
    return d * per_dpu + shared + ctrl


def dsp_count(d, acc):
    """DSP48E2 of the requantizer multiplies (ACCW x 16): Yosys splits operands wider than
    the 27-bit port (26 magnitude bits) into a second DSP."""
    return d * (1 if acc <= 27 else 2)


def lut_features(p):
    d, l, acc = (p[k] for k in COLUMNS)
    return [d * l, d * l * clog2(2 * l), d * acc, d, l, 1.0]


def fit(points):
    lut = minimax([lut_features(p) for p in points], [p["lut"] for p in points])
    return [("lut[%d]" % i, v) for i, v in enumerate(lut)]


def model(coef, p):
    d, l, acc = (p[k] for k in COLUMNS)
    return {"lut": predict([coef["lut[%d]" % i] for i in range(6)], lut_features(p)),
            "ff": ff_count(d, l, acc), "dsp": dsp_count(d, acc)}
