"""fitlib.py: what every block's resource fit shares (tools/fit.py runs a block's model,
sim/BLOCK/BLOCK_fit.py, which defines only the block's features; docs/testing.md,
"Calibration").

- read_points: the Yosys calibration CSV (tools/calibrate.sh) as rows of integers;
- least_squares / minimax: linear fits on the RELATIVE error (each row divided by its
  measured value, or 1 when that is 0), by the normal equations and Gaussian elimination;
- clog2: the ceil(log2) the RTL's widths and the C models use;
- write_coefficients / check_coefficients: the coefficient CSV (name,value rows) the build
  turns into C (cmake/AsimFitSource.cmake), and the check that it is what the fit gives.

Pure Python (no numpy): the fits are a few hundred rows of up to six features.
"""
import csv
import re


class FitError(Exception):
    """Bad input or a stale coefficient file; the message names the file and the place."""


def clog2(x):
    """ceil(log2(x)) for an integer x >= 1 (0 for 1)."""
    return (int(x) - 1).bit_length() if x > 1 else 0


def read_points(path, columns):
    """The rows of a calibration CSV as dicts of the named integer columns."""
    try:
        fh = open(path, newline="")
    except OSError as e:
        raise FitError("%s: cannot open: %s" % (path, e.strerror))
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise FitError("%s:1: header lacks column %s (header: %s)"
                           % (path, ", ".join(missing), ",".join(reader.fieldnames or [])))
        rows = []
        for row in reader:
            point = {}
            for c in columns:
                v = row[c]
                if v is None or not re.fullmatch(r"-?[0-9]+", v.strip()):
                    raise FitError("%s:%d: column %s is %r, not an integer"
                                   % (path, reader.line_num, c, v))
                point[c] = int(v)
            rows.append(point)
    if not rows:
        raise FitError("%s: no data rows" % path)
    return rows


def solve(a, b):
    """x with a x = b (a square), Gaussian elimination with partial pivoting."""
    n = len(b)
    a = [list(r) for r in a]
    b = list(b)
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(a[r][i]))
        if a[p][i] == 0.0:
            raise FitError("singular fit: feature %d is not determined by the data" % i)
        a[i], a[p], b[i], b[p] = a[p], a[i], b[p], b[i]
        for r in range(i + 1, n):
            f = a[r][i] / a[i][i]
            for c in range(i, n):
                a[r][c] -= f * a[i][c]
            b[r] -= f * b[i]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (b[i] - sum(a[i][c] * x[c] for c in range(i + 1, n))) / a[i][i]
    return x


def least_squares(features, targets, weights=None):
    """Coefficients x minimising sum(w * ((x . f) / s - t / s)^2) with s = max(t, 1): the
    relative error, weighted (all weights 1 by default)."""
    n = len(features[0])
    weights = weights or [1.0] * len(features)
    ata = [[0.0] * n for _ in range(n)]
    atb = [0.0] * n
    for f, t, w in zip(features, targets, weights):
        s = max(t, 1.0)
        g = [v / s for v in f]
        for i in range(n):
            atb[i] += w * g[i] * t / s
            for j in range(n):
                ata[i][j] += w * g[i] * g[j]
    return solve(ata, atb)


def predict(coef, f):
    return sum(c * v for c, v in zip(coef, f))


def relative_error(model, measured):
    """(model - measured) / measured; 0 when both are 0 (as tests/unit/resource_fit.h)."""
    if measured:
        return (model - measured) / measured
    return 0.0 if model == 0 else float("inf")


def minimax(features, targets, rounds=200):
    """Coefficients minimising the WORST relative error (a tolerance per point is what the
    tests require): Lawson's iteration, least squares whose weights grow with each point's
    error."""
    w = [1.0] * len(features)
    for _ in range(rounds):
        x = least_squares(features, targets, w)
        err = [abs(relative_error(predict(x, f), t)) for f, t in zip(features, targets)]
        total = sum(wi * e for wi, e in zip(w, err))
        if total == 0.0:
            break
        w = [wi * e * len(w) / total for wi, e in zip(w, err)]
    return x


def format_value(value, fmt):
    """A coefficient as the CSV holds it: integers exactly, reals with the model's format."""
    if isinstance(value, int):
        return str(value)
    text = fmt % value
    return text[1:] if re.fullmatch(r"-0(\.0*)?", text) else text


def write_coefficients(path, coefficients, fmt):
    """Writes the name,value CSV."""
    with open(path, "w") as fh:
        fh.write("name,value\n")
        for name, value in coefficients:
            fh.write("%s,%s\n" % (name, format_value(value, fmt)))


def read_coefficients(path):
    """The name -> value text of a coefficient CSV."""
    try:
        fh = open(path, newline="")
    except OSError as e:
        raise FitError("%s: cannot open: %s" % (path, e.strerror))
    with fh:
        lines = fh.read().splitlines()
    if not lines or lines[0] != "name,value":
        raise FitError("%s:1: header is not name,value" % path)
    values = {}
    for i, ln in enumerate(lines[1:], 2):
        parts = ln.split(",")
        if len(parts) != 2:
            raise FitError("%s:%d: not a name,value row: %r" % (path, i, ln))
        values[parts[0]] = parts[1]
    return values


def last_digit(text):
    """The value of one unit in the last printed digit of a number's text."""
    m = re.fullmatch(r"-?[0-9]*(?:\.([0-9]*))?(?:[eE]([-+]?[0-9]+))?", text)
    if not m:
        return 0.0
    return 10.0 ** ((int(m.group(2)) if m.group(2) else 0) - len(m.group(1) or ""))


def check_coefficients(path, coefficients, fmt):
    """The differences between the committed coefficient CSV and the fit's coefficients, as
    messages: each value must match within one unit of the last digit the model's format
    prints (integers exactly), and the names must be the same."""
    committed = read_coefficients(path)
    problems = []
    for name, value in coefficients:
        fresh = format_value(value, fmt)
        if name not in committed:
            problems.append("%s: no %s (the fit gives %s)" % (path, name, fresh))
            continue
        old = committed.pop(name)
        if old == fresh:
            continue
        tolerance = 0.0 if isinstance(value, int) else last_digit(fresh) * (1 + 1e-9)
        try:
            close = abs(float(old) - value) <= tolerance
        except ValueError:
            close = False
        if not close:
            problems.append("%s: %s is %s, the fit gives %s" % (path, name, old, fresh))
    problems += ["%s: %s is not a coefficient of the fit" % (path, n) for n in committed]
    return problems
