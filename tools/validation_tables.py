#!/usr/bin/env python3
"""validation_tables.py ACCELSIM [TABLE...] | --check DOC ACCELSIM: the generated tables of
docs/validation.md.

Each table is a Markdown table computed from `ACCELSIM ... --format json` runs of the shipped
configurations (run from the project's root). Tables: schedules (serial against pipelined),
sharing (shared against separate nonlinear units, pipelined), beta (BETA's binary BERT
runs), beta_power (their power by kind) and quark_runs (vit_tiny on QUARK's unit, shared or
separate, against the placeholder). Without TABLE names, all of them, each after a line
`<!-- table NAME -->`. --check DOC fails, naming the table, when a table that follows such a
line in DOC differs from what ACCELSIM gives (the ctest docs.validation_md_current).
"""
import functools
import json
import subprocess
import sys

SCHEDULE_RUNS = [
    ("beta.yaml", ["vit_tiny", "vit_small", "vit_base", "bert_base", "bert_base_w1a1",
                   "bert_base_w1a2", "bert_base_w1a4", "bert_base_w1a8", "vit_tiny_w1a1",
                   "vit_tiny_w1a4", "odeformer"]),
    ("quark.yaml", ["vit_tiny", "vit_small", "vit_base", "bert_base", "bert_base_w1a1",
                    "bert_base_w1a2", "bert_base_w1a4", "bert_base_w1a8", "vit_tiny_w1a1",
                    "vit_tiny_w1a4", "odeformer"]),
    ("systolic_32x32.yaml", ["vit_tiny", "vit_small", "vit_base", "bert_base",
                             "bert_base_w1a1", "bert_base_w1a2", "bert_base_w1a4",
                             "bert_base_w1a8", "vit_tiny_w1a1", "vit_tiny_w1a4", "odeformer"]),
    ("odeformer.yaml", ["vit_tiny_w1a1", "vit_tiny_w1a4", "odeformer"]),
]
SHARING_RUNS = [("quark.yaml", "vit_tiny"), ("quark.yaml", "bert_base"),
                ("beta.yaml", "vit_tiny"), ("beta.yaml", "bert_base_w1a1")]
BETA_MODELS = ["bert_base_w1a%d" % a for a in (1, 2, 4, 8)]
POWER_KINDS = [("static_pl", "static_ps"), ("clocks",), ("logic",), ("dsp",), ("memory",),
               ("ps",), ("dram",)]


@functools.lru_cache(maxsize=None)  # the beta and beta_power tables read the same runs
def run(accelsim, config, model, *sets):
    args = [accelsim, "--config", "configs/" + config, "--model", model, "--format", "json"]
    for s in sets:
        args += ["--set", s]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def schedules(accelsim):
    rows = ["| configuration | model | serial cycles | pipelined cycles | pipelined / serial |",
            "|---|---|---|---|---|"]
    for config, models in SCHEDULE_RUNS:
        for model in models:
            s = run(accelsim, config, model, "schedule=serial")["total_cycles"]
            p = run(accelsim, config, model, "schedule=pipelined")["total_cycles"]
            rows.append("| `%s` | %s | %d | %d | %.3f |" % (config, model, s, p, p / s))
    return rows


def sharing(accelsim):
    rows = ["| configuration | model | shared (cycles) | separate | critical path (shared) |",
            "|---|---|---|---|---|"]
    for config, model in SHARING_RUNS:
        shared = run(accelsim, config, model, "schedule=pipelined")
        separate = run(accelsim, config, model, "schedule=pipelined", "nonlinear.shared=false")
        total = shared["total_cycles"]
        path = ", ".join("%s %.1f%%" % (q, 100.0 * c / total)
                         for q, c in shared["critical_path_cycles"].items()
                         if c and 100.0 * c / total >= 0.05)
        rows.append("| `%s` | %s | {:,} | {:,} | %s |".format(total, separate["total_cycles"])
                    % (config, model, path))
    return rows


def beta(accelsim):
    rows = ["| model | cycles | latency ms | GOPS | chip GOPS/W | chip W | LUT | DSP |",
            "|---|---|---|---|---|---|---|---|"]
    gops, eff = [], []
    for model in BETA_MODELS:
        r = run(accelsim, "beta.yaml", model)
        gops.append(r["gops"])
        eff.append(r["gops_per_w_chip"])
        rows.append("| %s | {:,} | %.2f | %.0f | %.0f | %.2f | {:,} | %.0f |".format(
            r["total_cycles"], int(r["resources"]["lut"])) % (
            model, r["latency_ms"], r["gops"], r["gops_per_w_chip"], r["power_chip_w"],
            r["resources"]["dsp"]))
    rows.append("| **average** | | | **%.0f** | **%.0f** | | | |" % (
        sum(gops) / len(gops), sum(eff) / len(eff)))
    return rows


def beta_power(accelsim):
    rows = ["| model | GOPS | PL W | chip W | PL GOPS/W | chip GOPS/W | static PL+PS | clocks "
            "| logic | DSP | BRAM | PS+DDR | DRAM (off chip) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    cols = {k: [] for k in ("gops", "power_pl_w", "power_chip_w", "gops_per_w_pl",
                            "gops_per_w_chip")}
    for model in BETA_MODELS:
        r = run(accelsim, "beta.yaml", model)
        for k in cols:
            cols[k].append(r[k])
        e = r["energy_breakdown_mj"]
        watts = [sum(e[k] for k in kinds) / r["latency_ms"] for kinds in POWER_KINDS]
        rows.append("| %s | %.0f | %.2f | %.2f | %.0f | %.0f | " % (
            model, r["gops"], r["power_pl_w"], r["power_chip_w"], r["gops_per_w_pl"],
            r["gops_per_w_chip"]) + " | ".join("%.3f" % w for w in watts) + " |")
    mean = {k: sum(v) / len(v) for k, v in cols.items()}
    rows.append("| **mean** | %.0f | %.2f | %.2f | **%.0f** | **%.0f** | | | | | | | |" % (
        mean["gops"], mean["power_pl_w"], mean["power_chip_w"], mean["gops_per_w_pl"],
        mean["gops_per_w_chip"]))
    return rows


QUARK_RUNS = [
    ("`configs/quark.yaml` (shared), serial", "quark.yaml", ["schedule=serial"]),
    ("same, separate units, serial", "quark.yaml", ["schedule=serial", "nonlinear.shared=false"]),
    ("`configs/quark.yaml` (shared), pipelined", "quark.yaml", ["schedule=pipelined"]),
    ("same, separate units, pipelined", "quark.yaml",
     ["schedule=pipelined", "nonlinear.shared=false"]),
    ("`configs/beta.yaml` with the placeholder unit, serial", "beta.yaml",
     ["schedule=serial", "nonlinear.unit=placeholder"]),
    ("`configs/beta.yaml` (QUARK, shared, N = 16), serial", "beta.yaml", ["schedule=serial"]),
    ("`configs/beta.yaml` (QUARK, shared, N = 16), pipelined", "beta.yaml",
     ["schedule=pipelined"]),
]


def quark_runs(accelsim):
    rows = ["| run (vit_tiny) | cycles | latency ms | energy mJ | LUT | FF | DSP |",
            "|---|---|---|---|---|---|---|"]
    for label, config, sets in QUARK_RUNS:
        r = run(accelsim, config, "vit_tiny", *sets)
        res = r["resources"]
        rows.append("| %s | {:,} | %.2f | %.2f | {:,} | {:,} | {:,} |".format(
            r["total_cycles"], int(res["lut"]), int(res["ff"]), int(res["dsp"])) % (
            label, r["latency_ms"], r["energy_mj"]))
    return rows


TABLES = {"schedules": schedules, "sharing": sharing, "beta": beta, "beta_power": beta_power,
          "quark_runs": quark_runs}


def doc_tables(path):
    """The Markdown table after each `<!-- table NAME -->` line of the doc, by NAME."""
    tables, name = {}, None
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("<!-- table "):
                name = line[len("<!-- table "):-len(" -->")]
                tables[name] = []
            elif name is not None and line.startswith("|"):
                tables[name].append(line)
            else:
                name = None
    return tables


def check(doc, accelsim):
    tables = doc_tables(doc)
    stale = [n for n in TABLES if tables.get(n) != TABLES[n](accelsim)]
    if stale:
        sys.exit("%s: table(s) %s out of date: regenerate with tools/validation_tables.py %s"
                 % (doc, ", ".join(stale), accelsim))


def main(argv):
    if len(argv) == 4 and argv[1] == "--check":
        return check(argv[2], argv[3])
    if len(argv) < 2 or any(t not in TABLES for t in argv[2:]):
        sys.exit("usage: validation_tables.py ACCELSIM [%s...]" % "|".join(TABLES))
    for name in argv[2:] or list(TABLES):
        print("<!-- table %s -->" % name)
        print("\n".join(TABLES[name](argv[1])))


if __name__ == "__main__":
    main(sys.argv)
