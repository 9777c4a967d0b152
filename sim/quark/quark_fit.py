"""quark_fit.py: the QUARK unit's resource model for tools/fit.py (fitlib). The features are
the structure of rtl/quark/quark_unit.v (docs/nonlinear.md, "Resources"); quark_resource.c
evaluates the same ones with the coefficients this fit writes to
traces/calibration/quark_fit.csv: keep the two in step.

For each calibrated mode set set[i].modes (softmax 1; GELU + tanh + SiLU + ReLU 1410;
LayerNorm + add + RMSNorm + mul 2628; shared 4095; smallest first, as quark_resource.c looks
masks up in this order) and each
resource (LUT with the SRLs Yosys packs shift registers into, FF, DSP):
    r = c[0] + c[1] N + c[2] N (IW - 8)
a per-unit part (row constants, control, the mean multiplier, the row Appro-LN units) and a
per-lane part (requantizer, squares, Appro-Exp / Appro-LN lanes) whose input-width dependence
lives in the lane front (the 16-bit points calibrate c[2]); negative results count as 0.
Least squares on the relative error.
"""
from fitlib import FitError, least_squares, predict

COLUMNS = ("lanes", "in_bits", "modes")
MEASURED = ("lut", "ff", "dsp", "srl")
FORMAT = "%.4f"
SETS = (1, 1410, 2628, 4095)
KINDS = ("lut", "ff", "dsp")


def features(p):
    return [1.0, p["lanes"], p["lanes"] * (p["in_bits"] - 8)]


def measured(p):
    return {"lut": p["lut"] + p["srl"], "ff": p["ff"], "dsp": p["dsp"]}


def fit(points):
    out = []
    for i, modes in enumerate(SETS):
        sub = [p for p in points if p["modes"] == modes]
        if not sub:
            raise FitError("no calibration point with modes %d" % modes)
        out.append(("set[%d].modes" % i, modes))
        for k in KINDS:
            c = least_squares([features(p) for p in sub], [measured(p)[k] for p in sub])
            out += [("set[%d].%s[%d]" % (i, k, j), v) for j, v in enumerate(c)]
    return out


def model(coef, p):
    for i in range(len(SETS)):
        if p["modes"] & ~int(coef["set[%d].modes" % i]) == 0:
            break
    return {k: max(0.0, predict([coef["set[%d].%s[%d]" % (i, k, j)] for j in range(3)],
                                features(p))) for k in KINDS}
