#!/usr/bin/env python3
"""test_fitlib.py: tools/fitlib.py, what every block's resource fit rests on: the solvers
recover known coefficients, minimax lowers the worst error below least squares', the
coefficient check holds values to their printed precision, and bad CSVs are named."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fitlib  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def expect_error(fn, text):
    try:
        fn()
    except fitlib.FitError as e:
        assert text in str(e), "%r does not say %r" % (str(e), text)
        return
    raise AssertionError("no FitError (want %r)" % text)


def test_clog2():
    assert [fitlib.clog2(x) for x in (1, 2, 3, 4, 5, 8, 9, 1024, 1025)] == \
        [0, 1, 2, 2, 3, 3, 4, 10, 11]


def test_least_squares_recovers_exact_coefficients():
    truth = [3.5, -2.0, 100.0]
    f = [[x, x * y, 1.0] for x in range(1, 6) for y in range(1, 4)]
    t = [fitlib.predict(truth, r) for r in f]
    got = fitlib.least_squares(f, t)
    assert all(abs(a - b) < 1e-9 * max(1, abs(b)) for a, b in zip(got, truth)), got


def test_least_squares_weights_relative_error():
    # One feature, targets 1 and 100: the relative fit x minimises (x - 1)^2 + (x / 100 - 1)^2,
    # x = 1.01 / 1.0001 ~ 1.01; the absolute fit would be 50.5.
    x = fitlib.least_squares([[1.0], [1.0]], [1.0, 100.0])[0]
    assert abs(x - 1.01 / 1.0001) < 1e-12, x


def test_minimax_lowers_the_worst_error():
    f = [[1.0, float(n)] for n in range(1, 11)]
    t = [10.0 + 3.0 * n + (25.0 if n == 5 else 0.0) for n in range(1, 11)]
    worst = lambda x: max(abs(fitlib.relative_error(fitlib.predict(x, r), y))
                          for r, y in zip(f, t))
    assert worst(fitlib.minimax(f, t)) < 0.9 * worst(fitlib.least_squares(f, t))


def test_singular_fit_is_an_error():
    expect_error(lambda: fitlib.least_squares([[1.0, 2.0], [2.0, 4.0]], [1.0, 2.0]),
                 "singular fit")


def test_format_value():
    assert fitlib.format_value(8, "%.4f") == "8"
    assert fitlib.format_value(-0.00001, "%.4f") == "0.0000"
    assert fitlib.format_value(112.47923, "%.5g") == "112.48"


def coefficient_file(rows):
    fh = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False)
    fh.write("name,value\n" + "".join("%s,%s\n" % r for r in rows))
    fh.close()
    return fh.name


def test_check_holds_the_printed_precision():
    fit = [("a[0]", 112.4792), ("n", 8)]
    same = coefficient_file([("a[0]", "112.48"), ("n", "8")])
    last_digit = coefficient_file([("a[0]", "112.47"), ("n", "8")])
    two_digits = coefficient_file([("a[0]", "112.46"), ("n", "8")])
    int_off = coefficient_file([("a[0]", "112.48"), ("n", "9")])
    try:
        assert fitlib.check_coefficients(same, fit, "%.5g") == []
        assert fitlib.check_coefficients(last_digit, fit, "%.5g") == []
        problems = fitlib.check_coefficients(two_digits, fit, "%.5g")
        assert len(problems) == 1 and "a[0] is 112.46, the fit gives 112.48" in problems[0]
        problems = fitlib.check_coefficients(int_off, fit, "%.5g")
        assert len(problems) == 1 and "n is 9, the fit gives 8" in problems[0]
    finally:
        for p in (same, last_digit, two_digits, int_off):
            os.unlink(p)


def test_check_names_missing_and_extra_rows():
    path = coefficient_file([("a[0]", "1.5"), ("b", "2")])
    try:
        problems = fitlib.check_coefficients(path, [("a[0]", 1.5), ("c", 3.0)], "%.2g")
        assert any("no c (the fit gives 3)" in p for p in problems), problems
        assert any("b is not a coefficient of the fit" in p for p in problems), problems
    finally:
        os.unlink(path)


def test_bad_coefficient_file():
    expect_error(lambda: fitlib.read_coefficients(os.path.join(DATA, "fit_bad_header.csv")),
                 "fit_bad_header.csv:1: header is not name,value")
    expect_error(lambda: fitlib.read_coefficients(os.path.join(DATA, "fit_three_fields.csv")),
                 "fit_three_fields.csv:2: not a name,value row")
    expect_error(lambda: fitlib.read_coefficients(os.path.join(DATA, "nonexistent.csv")),
                 "nonexistent.csv: cannot open")


def test_bad_calibration_csv():
    cols = ("dpus", "lanes", "acc_bits", "lut")
    expect_error(lambda: fitlib.read_points(os.path.join(DATA, "qmm_yosys_no_lut.csv"), cols),
                 "qmm_yosys_no_lut.csv:1: header lacks column lut")
    expect_error(lambda: fitlib.read_points(os.path.join(DATA, "qmm_yosys_not_int.csv"), cols),
                 "qmm_yosys_not_int.csv:4: column acc_bits is '2x', not an integer")
    rows = fitlib.read_points(os.path.join(DATA, "qmm_yosys_no_lut.csv"), ("dpus", "lanes"))
    assert [r["lanes"] for r in rows] == [1, 2, 4, 8]


def main():
    tests = [(n, f) for n, f in sorted(globals().items()) if n.startswith("test_")]
    for name, fn in tests:
        fn()
        print("ok %s" % name)
    print("%d tests passed" % len(tests))


if __name__ == "__main__":
    main()
