"""systolic_fit.py: the systolic array's resource model for tools/fit.py (fitlib). The
features are the structure of rtl/systolic (docs/systolic.md, "Resources");
systolic_resource.c evaluates the same ones with the coefficients this fit writes to
traces/calibration/systolic_fit.csv: keep the two in step.

    FF  = ff[0] PEs pe_ff + ff[1] skew_ff + ff[2]
    LUT = lut[0] PEs acc + lut[1] PEs (a + b + cb + rb) + lut[2] PEs soft_mul + lut[3] PEs
          + lut[4] (R a + C b) + lut[5]
    DSP = PEs when a + b > dsp_soft_max_sum, else 0
Least squares on the relative error.
"""
from fitlib import FitError, clog2, least_squares, predict

COLUMNS = ("rows", "cols", "a_bits", "b_bits", "acc_bits")
MEASURED = ("lut", "ff", "dsp")
FORMAT = "%.6g"


def structure(p):
    """Register and logic counts read off the RTL (the same as systolic_resource.c)."""
    r, c, aw, bw, acc = (p[k] for k in COLUMNS)
    cb = clog2(c + 1)                    # column count 0..C
    rb = clog2(r) if r > 1 else 1        # row index 0..R-1
    wb = 6 + cb + aw                     # west bundle
    nb = 2 + rb + bw                     # north bundle
    pe_ff = wb + nb + 2 * bw + acc + 2 * (2 + acc) + 2 * (aw + bw + 4)  # + product stages
    skew_ff = r * (r + 1) // 2 * wb + c * (c + 1) // 2 * nb
    return dict(pes=r * c, cb=cb, rb=rb, pe_ff=pe_ff, skew_ff=skew_ff, lanes=r * aw + c * bw)


def ff_features(p):
    s = structure(p)
    return [s["pes"] * s["pe_ff"], s["skew_ff"], 1.0]


def lut_features(p, dsp_soft_max_sum):
    s = structure(p)
    aw, bw, pes = p["a_bits"], p["b_bits"], s["pes"]
    soft_mul = 0 if aw + bw > dsp_soft_max_sum else (aw + 1) * (bw + 1)
    return [pes * p["acc_bits"], pes * (aw + bw + s["cb"] + s["rb"]), pes * soft_mul, pes,
            s["lanes"], 1.0]


def dsp_soft_max_sum(points):
    """Yosys 0.23 synth_xilinx maps the PE's multiplier to a DSP48E2 when the operand widths
    add up to more than this (2 x 8 and 4 x 8 go to a DSP, 4 x 4 does not): the largest
    a + b the data shows without a DSP."""
    with_dsp = sorted({p["a_bits"] + p["b_bits"] for p in points if p["dsp"] > 0})
    without = sorted({p["a_bits"] + p["b_bits"] for p in points if p["dsp"] == 0})
    limit = max(without) if without else 0
    if with_dsp and min(with_dsp) <= limit:
        raise FitError("DSP mapping is not a threshold on a_bits + b_bits: with a DSP %s, "
                       "without %s" % (with_dsp, without))
    return limit


def fit(points):
    limit = dsp_soft_max_sum(points)
    ff = least_squares([ff_features(p) for p in points], [p["ff"] for p in points])
    lut = least_squares([lut_features(p, limit) for p in points], [p["lut"] for p in points])
    return ([("ff[%d]" % i, v) for i, v in enumerate(ff)] +
            [("lut[%d]" % i, v) for i, v in enumerate(lut)] + [("dsp_soft_max_sum", limit)])


def coefficients(coef, name, n):
    return [coef["%s[%d]" % (name, i)] for i in range(n)]


def model(coef, p):
    limit = coef["dsp_soft_max_sum"]
    dsp = p["rows"] * p["cols"] if p["a_bits"] + p["b_bits"] > limit else 0
    return {"ff": predict(coefficients(coef, "ff", 3), ff_features(p)),
            "lut": predict(coefficients(coef, "lut", 6), lut_features(p, limit)), "dsp": dsp}
