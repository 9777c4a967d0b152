#!/usr/bin/env python3
"""Checks a CSV report (docs/report.md) against the JSON report of the same run.

usage: check_csv.py REPORT.csv REPORT.json

Every row has every column; row kinds are layer, unit, then one total; layer rows match the
JSON layers; layer cycles, MACs, traffic and energies add up to the total row, which matches
the JSON totals; unit rows add up to the total resources (within their rounding); bandwidths are bits over time.
"""
import csv
import json
import math
import sys

rows = list(csv.reader(open(sys.argv[1], newline="")))
rep = json.load(open(sys.argv[2]))
header, body = rows[0], rows[1:]
bad = [i for i, r in enumerate(body) if len(r) != len(header)]
assert not bad, f"rows {bad[:5]} do not have {len(header)} columns"
recs = [dict(zip(header, r)) for r in body]
kinds = [r["row"] for r in recs]
n_layers = len(rep["layers"])
assert kinds == ["layer"] * n_layers + ["unit"] * (len(kinds) - n_layers - 1) + ["total"], kinds
layers = [r for r in recs if r["row"] == "layer"]
units = [r for r in recs if r["row"] == "unit"]
total = recs[-1]
mhz = rep["config"]["clock_mhz"]


def close(a, b, what):
    assert math.isclose(float(a), float(b), rel_tol=1e-7, abs_tol=1e-12), f"{what}: {a} != {b}"


for r, j in zip(layers, rep["layers"]):
    assert r["name"] == j["name"] and r["status"] == j["status"], (r["name"], j["name"])
    for col, key in (("start_cycle", "start_cycle"), ("end_cycle", "end_cycle"),
                     ("cycles", "cycles"), ("busy_cycles", "busy_cycles"),
                     ("macs", "macs"), ("sram_read_bits", "sram_read_bits"),
                     ("sram_write_bits", "sram_write_bits")):
        assert int(r[col]) == j.get(key, 0), f"{r['name']}.{col}: {r[col]} != {j.get(key, 0)}"
    close(r["energy_mj"], j["energy_mj"], r["name"] + ".energy_mj")
    cyc = int(r["cycles"])
    want = int(r["dram_bits"]) * mhz / (8e3 * cyc) if cyc else 0
    close(r["dram_gbps"], want, r["name"] + ".dram_gbps")
for col in ("cycles", "macs", "sram_read_bits", "sram_write_bits", "dram_bits"):
    assert sum(int(r[col]) for r in layers) == int(total[col]), col
KINDS = list(rep["energy_breakdown_mj"])
for col in ["energy_mj"] + [f"energy_{k}_mj" for k in KINDS]:
    close(sum(float(r[col]) for r in layers), total[col], "sum of layer " + col)
platform = sum(rep["energy_by_unit_mj"]["platform"].values())
close(sum(float(r["energy_mj"]) for r in units) + platform, total["energy_mj"],
      "units' energy + platform")
assert int(total["cycles"]) == rep["total_cycles"] and int(total["macs"]) == rep["macs"]
close(total["energy_mj"], rep["energy_mj"], "total energy")
for kind in KINDS:
    close(total[f"energy_{kind}_mj"], rep["energy_breakdown_mj"][kind], kind)
for col, key in (("lut", "lut"), ("ff", "ff"), ("dsp", "dsp"), ("bram", "bram"), ("uram", "uram")):
    assert int(total[col]) == rep["resources"][key], col
    # Each figure is printed rounded to a whole cell: the sum may be off by half a cell each.
    got = sum(float(r[col]) for r in units)
    assert abs(got - float(total[col])) <= 0.5 * len(units), f"units' {col}: {got} != {total[col]}"
for r, u in zip(units, rep["resources"]["units"]):
    assert r["name"] == u["name"] and int(r["busy_cycles"]) == u["busy_cycles"], (r["name"], u)
assert total["fits"] == ("1" if rep["resources"]["fits"] else "0")
print(f"ok: {len(header)} columns; {len(layers)} layers, {len(units)} units and the total agree "
      f"with the JSON report")
