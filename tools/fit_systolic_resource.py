#!/usr/bin/env python3
"""fit_systolic_resource.py: fit the systolic resource formulas to the Yosys calibration CSV.

    tools/fit_systolic_resource.py [traces/calibration/systolic_yosys.csv]

Prints the coefficients for sim/systolic/systolic_resource.c and the relative error of the
fitted model at every point (LUT, FF, DSP) and the worst one. Pure Python (no numpy):
least squares on RELATIVE error (each row divided by its measured value), solved by the
normal equations. The features are the structure of rtl/systolic (docs/systolic.md,
"Resources"); systolic_resource.c evaluates the same features, keep the two in step.
"""
import csv
import math
import os
import sys


def clog2(x):
    return max(0, math.ceil(math.log2(x))) if x > 1 else 0


def structure(r, c, aw, bw, acc):
    """Register and logic counts read off the RTL (same formulas as systolic_resource.c)."""
    cb = clog2(c + 1)                    # column count 0..C
    rb = clog2(r) if r > 1 else 1        # row index 0..R-1
    wb = 6 + cb + aw                     # west bundle
    nb = 2 + rb + bw                     # north bundle
    pe_ff = wb + nb + 2 * bw + acc + 2 * (2 + acc)
    skew_ff = r * (r + 1) // 2 * wb + c * (c + 1) // 2 * nb
    dsp = 1 if dsp_multiplier(aw, bw) else 0
    return dict(pes=r * c, cb=cb, rb=rb, pe_ff=pe_ff, skew_ff=skew_ff, dsp=dsp,
                lanes=r * aw + c * bw)


def dsp_multiplier(aw, bw):
    """Yosys 0.23 synth_xilinx maps the PE's multiplier to a DSP48E2 when the operand widths
    add up to more than DSP_SOFT_MAX_SUM (2 x 8 and 4 x 8 go to a DSP, 4 x 4 does not);
    smaller products stay in LUTs."""
    return aw + bw > DSP_SOFT_MAX_SUM


DSP_SOFT_MAX_SUM = 8  # set from the data in main(): the largest a + b seen without a DSP


def features(kind, r, c, aw, bw, acc):
    s = structure(r, c, aw, bw, acc)
    p = s["pes"]
    if kind == "ff":
        return [p * s["pe_ff"], s["skew_ff"], 1.0]
    if kind == "lut":
        soft_mul = 0 if s["dsp"] else (aw + 1) * (bw + 1)
        return [p * acc, p * (aw + bw + s["cb"] + s["rb"]), p * soft_mul, p, s["lanes"], 1.0]
    return [p * s["dsp"]]


def solve(rows, targets):
    """Least squares minimising sum(((x . f) / t - 1)^2)."""
    n = len(rows[0])
    ata = [[0.0] * n for _ in range(n)]
    atb = [0.0] * n
    for f, t in zip(rows, targets):
        g = [v / t for v in f]
        for i in range(n):
            atb[i] += g[i]
            for j in range(n):
                ata[i][j] += g[i] * g[j]
    for i in range(n):  # Gaussian elimination with partial pivoting
        piv = max(range(i, n), key=lambda k: abs(ata[k][i]))
        ata[i], ata[piv] = ata[piv], ata[i]
        atb[i], atb[piv] = atb[piv], atb[i]
        for k in range(i + 1, n):
            m = ata[k][i] / ata[i][i]
            for j in range(i, n):
                ata[k][j] -= m * ata[i][j]
            atb[k] -= m * atb[i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (atb[i] - sum(ata[i][j] * x[j] for j in range(i + 1, n))) / ata[i][i]
    return x


def main():
    global DSP_SOFT_MAX_SUM
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "traces", "calibration", "systolic_yosys.csv")
    data = [{k: int(v) for k, v in row.items()} for row in csv.DictReader(open(path))]
    with_dsp = [d["a_bits"] + d["b_bits"] for d in data if d["dsp"] > 0]
    without = [d["a_bits"] + d["b_bits"] for d in data if d["dsp"] == 0]
    DSP_SOFT_MAX_SUM = max(without) if without else 0
    if with_dsp and min(with_dsp) <= DSP_SOFT_MAX_SUM:
        sys.exit("DSP mapping is not a threshold on a + b: %s / %s" % (with_dsp, without))
    print("DSP when a_bits + b_bits > %d" % DSP_SOFT_MAX_SUM)
    key = lambda d: (d["rows"], d["cols"], d["a_bits"], d["b_bits"], d["acc_bits"])
    coef = {}
    for kind in ("lut", "ff"):
        rows = [features(kind, *key(d)) for d in data]
        coef[kind] = solve(rows, [d[kind] for d in data])
        print("%s coefficients: {%s}" % (kind, ", ".join("%.6g" % v for v in coef[kind])))
    worst = {}
    print("rows,cols,a_bits,b_bits,acc_bits,lut_err%,ff_err%,dsp_err%")
    for d in data:
        errs = []
        for kind in ("lut", "ff", "dsp"):
            f = features(kind, *key(d))
            model = sum(a * b for a, b in zip(coef.get(kind, [1.0]), f))
            e = 0.0 if d[kind] == model else (model - d[kind]) / max(d[kind], 1) * 100
            errs.append(e)
            if abs(e) >= abs(worst.get(kind, (0, None))[0]):
                worst[kind] = (e, key(d))
        print("%d,%d,%d,%d,%d,%+.2f,%+.2f,%+.2f" % (*key(d), *errs))
    for kind, (e, k) in worst.items():
        print("worst %s error %+.2f%% at %s" % (kind, e, k))


if __name__ == "__main__":
    main()
