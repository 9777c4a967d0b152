#!/usr/bin/env python3
"""fit.py: fits a block's resource formulas to its Yosys calibration and writes the
coefficients the build compiles into the simulator (docs/testing.md, "Calibration").

    tools/fit.py BLOCK [--data YOSYS.csv] [--out FIT.csv]
        fits sim/BLOCK/BLOCK_fit.py to YOSYS.csv (default traces/calibration/BLOCK_yosys.csv,
        written by tools/calibrate.sh), prints the model's error at every point and the worst
        of each resource, and writes FIT.csv (default traces/calibration/BLOCK_fit.csv).
    tools/fit.py BLOCK --check [--data YOSYS.csv] [--out FIT.csv]
        fails unless FIT.csv holds what the fit gives (within its printed precision), so a
        recalibration without a refit, or a hand edit, cannot go unnoticed.
    tools/fit.py BLOCK --held-out [--data YOSYS.csv]
        out-of-sample errors, leave-one-out: for each point, fits the model to all the other
        points and prints that point's error with those coefficients (as written); then the
        worst and the mean absolute error of each resource. A point without which the model
        is not determined (the only point of a feature) is listed as such. Writes nothing.

A block's model module defines COLUMNS (the CSV's parameter columns), MEASURED (the columns
it reads besides them), FORMAT (the printf format of its real coefficients), fit(points) ->
[(name, value)] (integer values are written exactly), model(coef, point) -> {"lut", "ff",
"dsp"}: the resources the C model computes from the coefficients as written (name -> value),
and optionally measured(point) -> {"lut", "ff", "dsp"} (default: those columns). Errors are
reported with the written coefficients, so they are the C model's errors.
"""
import argparse
import importlib.util
import os
import sys

import fitlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = ("lut", "ff", "dsp")


def load_model(block):
    path = os.path.join(ROOT, "sim", block, block + "_fit.py")
    if not os.path.isfile(path):
        have = sorted(b for b in os.listdir(os.path.join(ROOT, "sim"))
                      if os.path.isfile(os.path.join(ROOT, "sim", b, b + "_fit.py")))
        raise fitlib.FitError("no fit model sim/%s/%s_fit.py; blocks with one: %s"
                              % (block, block, " ".join(have)))
    spec = importlib.util.spec_from_file_location(block + "_fit", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measured_columns(p):
    return {k: p[k] for k in KINDS}


def errors(model, coefficients, p):
    """The point's measured resources and the relative error of the model at it, with the
    coefficients as written: {kind: (measured, error)}."""
    written = {n: float(fitlib.format_value(v, model.FORMAT)) for n, v in coefficients}
    got = model.model(written, p)
    want = getattr(model, "measured", measured_columns)(p)
    return {k: (want[k], fitlib.relative_error(got[k], want[k])) for k in KINDS}


def report(model, points, errors_at, prefix=""):
    """Prints each point's measured resources and error (errors_at(p) -> errors(), or None:
    not determined), then the worst and the mean absolute error of each resource."""
    worst = {k: (0.0, None) for k in KINDS}
    total = {k: 0.0 for k in KINDS}
    n = 0
    print(prefix + ",".join(model.COLUMNS) + "," + ",".join("%s,%s_err%%" % (k, k) for k in KINDS))
    for p in points:
        key = prefix + ",".join(str(p[c]) for c in model.COLUMNS)
        e = errors_at(p)
        if e is None:
            print(key + ",not determined without this point")
            continue
        n += 1
        for k in KINDS:
            total[k] += abs(e[k][1])
            if abs(e[k][1]) >= abs(worst[k][0]):
                worst[k] = (e[k][1], p)
        print(key + "," + ",".join("%d,%+.2f" % (e[k][0], 100 * e[k][1]) for k in KINDS))
    for k in KINDS:
        err, p = worst[k]
        at = ",".join("%s=%d" % (c, p[c]) for c in model.COLUMNS) if p else "-"
        print("%sworst %s error %+.2f %% at %s; mean |error| %.2f %% over %d points"
              % (prefix, k, 100 * err, at, 100 * total[k] / max(n, 1), n))


def held_out_errors(model, points):
    """errors_at for report(): the point's errors under a fit to every other point."""
    def at(p):
        rest = [q for q in points if q is not p]
        try:
            return errors(model, model.fit(rest), p)
        except fitlib.FitError:
            return None
    return at


def main():
    ap = argparse.ArgumentParser(description="Fit a block's resource formulas.")
    ap.add_argument("block")
    ap.add_argument("--data", help="Yosys calibration CSV")
    ap.add_argument("--out", help="coefficient CSV")
    ap.add_argument("--check", action="store_true",
                    help="fail unless the coefficient CSV holds what the fit gives")
    ap.add_argument("--held-out", action="store_true",
                    help="leave-one-out errors: each point under a fit to the others")
    args = ap.parse_args()
    calibration = os.path.join(ROOT, "traces", "calibration")
    data = args.data or os.path.join(calibration, args.block + "_yosys.csv")
    out = args.out or os.path.join(calibration, args.block + "_fit.csv")
    try:
        model = load_model(args.block)
        points = fitlib.read_points(data, model.COLUMNS + model.MEASURED)
        if args.held_out:
            report(model, points, held_out_errors(model, points), "held-out ")
            return 0
        coefficients = model.fit(points)
        report(model, points, lambda p: errors(model, coefficients, p))
        if args.check:
            problems = fitlib.check_coefficients(out, coefficients, model.FORMAT)
            if problems:
                raise fitlib.FitError("\n".join(problems) + "\nstale coefficients: rerun "
                                      "tools/fit.py %s and commit %s" % (args.block, out))
            print("%s: %d coefficients match the fit" % (out, len(coefficients)))
        else:
            fitlib.write_coefficients(out, coefficients, model.FORMAT)
            print("wrote %d coefficients to %s" % (len(coefficients), out))
    except fitlib.FitError as e:
        print("fit.py: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
