#!/usr/bin/env python3
"""fit_quark_resource.py: fit the QUARK unit's resource formulas to the Yosys CSV.

    tools/fit_quark_resource.py [traces/calibration/quark_yosys.csv]

For each calibrated mode set (1 softmax, 130 GELU + tanh, 68 LayerNorm + add, 255 shared) and
each resource (LUT with SRLs, FF, DSP), fits r = c0 + c1 N + c2 N (IW - 8): a per-unit part
(row constants, control, mean multiplier, row Appro-LN units) and a per-lane part (Appro-Exp
/ Appro-LN lanes, requantizers, squares) whose input-width dependence lives in the lane front
(the 8 -> 16-bit points calibrate c2). Weighted least squares on the
relative error (rows scaled by 1 / measured), Gaussian elimination on the normal equations.
Prints the C table for sim/quark/quark_resource.c, then the error at every point.
"""
import csv
import os
import sys

SETS = [1, 130, 68, 255]  # smallest first: nonlinear_resource.c looks masks up in this order
KINDS = [("lut", lambda r: r["lut"] + r["srl"]), ("ff", lambda r: r["ff"]),
         ("dsp", lambda r: r["dsp"])]


def features(n, iw):
    return [1.0, n, n * (iw - 8)]


def solve(a, b):
    m = len(b)
    for i in range(m):
        p = max(range(i, m), key=lambda r: abs(a[r][i]))
        a[i], a[p], b[i], b[p] = a[p], a[i], b[p], b[i]
        for r in range(i + 1, m):
            f = a[r][i] / a[i][i]
            for c in range(i, m):
                a[r][c] -= f * a[i][c]
            b[r] -= f * b[i]
    x = [0.0] * m
    for i in reversed(range(m)):
        x[i] = (b[i] - sum(a[i][c] * x[c] for c in range(i + 1, m))) / a[i][i]
    return x


def fit(rows, get):
    nf = 3
    ata = [[0.0] * nf for _ in range(nf)]
    atb = [0.0] * nf
    for r in rows:
        y = get(r)
        w = 1.0 / max(y, 1.0)
        f = [v * w for v in features(r["lanes"], r["in_bits"])]
        for i in range(nf):
            atb[i] += f[i] * y * w
            for j in range(nf):
                ata[i][j] += f[i] * f[j]
    return solve(ata, atb)


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        root, "traces/calibration/quark_yosys.csv")
    with open(path) as f:
        rows = [{k: int(v) for k, v in r.items()} for r in csv.DictReader(f)]
    print("static const quark_fit_t fits[] = {")
    worst = (0.0, "")
    for s in SETS:
        sub = [r for r in rows if r["modes"] == s]
        coef = {k: fit(sub, g) for k, g in KINDS}
        cells = ", ".join("{%s}" % ", ".join("%.4f" % c for c in coef[k]) for k, _ in KINDS)
        print("    {%d, %s}," % (s, cells))
        for r in sub:
            for k, g in KINDS:
                model = sum(c * v for c, v in zip(coef[k], features(r["lanes"], r["in_bits"])))
                err = (model - g(r)) / g(r) if g(r) else 0.0
                if abs(err) > abs(worst[0]):
                    worst = (err, "%s modes %d N %d IW %d" % (k, s, r["lanes"], r["in_bits"]))
                print("    /* modes %3d N %d IW %2d %s: yosys %d model %.0f (%+.2f %%) */"
                      % (s, r["lanes"], r["in_bits"], k, g(r), model, 100 * err),
                      file=sys.stderr)
    print("};")
    print("worst %+.2f %% at %s" % (100 * worst[0], worst[1]), file=sys.stderr)


if __name__ == "__main__":
    main()
