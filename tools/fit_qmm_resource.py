#!/usr/bin/env python3
"""fit_qmm_resource.py: fit the QMM engine's resource formulas to the Yosys calibration CSV.

    tools/fit_qmm_resource.py [traces/calibration/qmm_yosys.csv]

Prints the coefficients for sim/qmm/qmm_resource.c, then the relative error of the
fitted model at every point (LUT, FF, DSP) and the worst one. Pure Python. The fit minimises
the WORST relative error (the test's criterion is a bound per point): Lawson's iteration,
weighted least squares on the relative error whose weights grow with each point's error,
each solve by Cholesky on the normal equations. The features are the structure of rtl/qmm
(docs/qmm.md, "Resources"); qmm_resource.c evaluates the same ones, keep the two in step.
"""
import csv
import math
import os
import sys

# RTL defaults the calibration grid keeps fixed (tools/calibrate_qmm.sh).
M0W, BTW, SHW, OW, DIMW = 16, 32, 5, 8, 16


def clog2(x):
    return math.ceil(math.log2(x)) if x > 1 else 0


def ff_count(d, l, acc):
    """Registers of rtl/qmm at these parameters, counted off the RTL."""
    trw = 9 + clog2(l)
    sw = max(acc + M0W, BTW) + 1
    per_dpu = 8 * l + 3 * BTW + trw + 2 * acc + sw + OW
    shared = 5 + 8 * l + clog2(8 * l + 1) + 2 + 6 + 6 + 5 * clog2(d + 1) + 3 * M0W + 4 * SHW
    ctrl = 4 + 3 * DIMW + 6 + M0W + SHW + 2 + 5 * DIMW + 11 + M0W + SHW
    return d * per_dpu + shared + ctrl


def dsp_per_post(acc):
    """DSP48E2 per requantizer multiply (ACCW x 16): Yosys splits operands wider than the
    27-bit port (26 magnitude bits) into a second DSP."""
    return 1 if acc <= 27 else 2


def features(kind, d, l, acc):
    if kind == "ff":
        return [ff_count(d, l, acc)]
    if kind == "dsp":
        return [d * dsp_per_post(acc)]
    # LUT: lanes (unfolding, gate/negate, lane sums), the per-DPU lane tree, the accumulator
    # and the requantizer (both scale with ACCW), per-DPU fixed logic, the shared per-lane
    # valid counts, the controller.
    return [d * l, d * l * clog2(2 * l), d * acc, d, l, 1.0]


def weighted_fit(f, t, w):
    """Least squares minimising sum(w * ((x . f) / t - 1)^2)."""
    n = len(f[0])
    a = [[sum(wi * fi[i] * fi[j] / ti ** 2 for fi, ti, wi in zip(f, t, w)) for j in range(n)]
         for i in range(n)]
    b = [sum(wi * fi[i] / ti for fi, ti, wi in zip(f, t, w)) for i in range(n)]
    low = [[0.0] * n for _ in range(n)]  # Cholesky: a = low low^T
    for i in range(n):
        for j in range(i + 1):
            s = a[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            low[i][j] = math.sqrt(s) if i == j else s / low[j][j]
    y = [0.0] * n
    for i in range(n):
        y[i] = (b[i] - sum(low[i][k] * y[k] for k in range(i))) / low[i][i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (y[i] - sum(low[k][i] * x[k] for k in range(i + 1, n))) / low[i][i]
    return x


def fit(rows, kind, col, rounds=200):
    """Lawson's minimax iteration: reweight by the relative error after each solve."""
    f = [features(kind, *r[:3]) for r in rows]
    t = [r[col] for r in rows]
    w = [1.0] * len(rows)
    for _ in range(rounds):
        x = weighted_fit(f, t, w)
        err = [abs(sum(c * v for c, v in zip(x, fi)) / ti - 1.0) for fi, ti in zip(f, t)]
        total = sum(wi * e for wi, e in zip(w, err))
        if total == 0.0:
            break
        w = [wi * e * len(w) / total for wi, e in zip(w, err)]
    return x


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "traces", "calibration", "qmm_yosys.csv")
    with open(path) as fh:
        rows = [[int(r[k]) for k in ("dpus", "lanes", "acc_bits", "lut", "ff", "dsp")]
                for r in csv.DictReader(fh)]
    coef = {}
    for kind, col in (("lut", 3), ("ff", 4), ("dsp", 5)):
        coef[kind] = fit(rows, kind, col)
        print(f"{kind}: " + ", ".join(f"{c:.4f}" for c in coef[kind]))
    worst = {}
    print("dpus lanes acc   lut (err%)      ff (err%)       dsp (err%)")
    for r in rows:
        line = f"{r[0]:4} {r[1]:5} {r[2]:3}"
        for kind, col in (("lut", 3), ("ff", 4), ("dsp", 5)):
            model = sum(c * v for c, v in zip(coef[kind], features(kind, *r[:3])))
            err = 100.0 * (model - r[col]) / r[col]
            if abs(err) > abs(worst.get(kind, (0.0,))[0]):
                worst[kind] = (err, r[:3])
            line += f"  {r[col]:6} ({err:+5.1f})"
        print(line)
    for kind in ("lut", "ff", "dsp"):
        err, at = worst.get(kind, (0.0, None))
        print(f"worst {kind}: {err:+.2f}% at D,L,ACCW = {at}")


if __name__ == "__main__":
    main()
