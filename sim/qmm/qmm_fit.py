"""qmm_fit.py: the QMM engine's resource model for tools/fit.py (fitlib). The features are
the structure of rtl/qmm (docs/qmm.md, "Resources"); qmm_resource.c evaluates the same ones
with the coefficients this fit writes to traces/calibration/qmm_fit.csv: keep the two in step.

    DSP one DSP48E2 per DPU for the requantizer multiply, two when ACCW > 27 (no coefficient);
    LUT = lut[0] D L + lut[1] D L clog2(2 L) + lut[2] D ACCW + lut[3] D + lut[4] L + lut[5]:
          the lanes (unfolding, gate/negate, lane sums), the per-DPU lane tree, the
          accumulator and the requantizer (both follow ACCW), per-DPU fixed logic, the shared
          per-lane valid counts, the controller;
    FF  = the same features with the ff[] coefficients: the pipeline registers per lane and
          per stage, the accumulator and double buffer, the shared registers.
Both fits minimise the worst relative error (Lawson). Printed to 5 significant digits:
the committed reports (traces/golden) were made with these values.
"""
from fitlib import clog2, minimax, predict

COLUMNS = ("dpus", "lanes", "acc_bits")
MEASURED = ("lut", "ff", "dsp")
FORMAT = "%.5g"

def dsp_count(d, acc):
    """DSP48E2 of the requantizer multiplies (ACCW x 16): Yosys splits operands wider than
    the 27-bit port (26 magnitude bits) into a second DSP."""
    return d * (1 if acc <= 27 else 2)


def lut_features(p):
    d, l, acc = (p[k] for k in COLUMNS)
    return [d * l, d * l * clog2(2 * l), d * acc, d, l, 1.0]


def fit(points):
    """LUT and FF coefficients (minimax on relative error, the same features): the FF count was
    an exact register count of the RTL until the engine's 9-stage pipeline, whose per-lane and
    per-stage registers Yosys partly merges or moves into DSPs; fitted, it is within 0.4 %."""
    out = []
    for kind in ("lut", "ff"):
        c = minimax([lut_features(p) for p in points], [p[kind] for p in points])
        out += [("%s[%d]" % (kind, i), v) for i, v in enumerate(c)]
    return out


def model(coef, p):
    d, acc = p["dpus"], p["acc_bits"]
    return {k: predict([coef["%s[%d]" % (k, i)] for i in range(6)], lut_features(p))
            for k in ("lut", "ff")} | {"dsp": dsp_count(d, acc)}
