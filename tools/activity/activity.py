#!/usr/bin/env python3
"""activity.py: switching activity of the blocks' RTL, measured (tools/activity/README.md).

Verilates each block's RTL (rtl/<block>/) with tracing and one bench of this folder, runs
every (mode, data set) point for CYCLES steady-state cycles, counts the bit flips between
consecutive cycles' samples of every net in the VCD, and writes
traces/calibration/<block>_activity.csv:

  block,elaboration,mode,data,cycles,seed,signal_bits,toggles,toggle_pct

toggle_pct = 100 x toggles / (signal_bits x cycles): Vivado's toggle rate (UG907: % of cycles
with a transition), averaged over every net bit of every instance Verilator traces (registers
and wires; a net seen under several names, e.g. a port and the wire it connects, counts once;
clk and rst left out).

usage: activity.py [BLOCK...] [--build-dir DIR]        regenerate (default: every block)
       activity.py --check BLOCK MODE DATA [--build-dir DIR]
                                                       rerun one point, compare with the CSV
"""
import csv
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tools", "activity")
CYCLES, SEED = 2000, 1
DATA = ("random", "realistic")
# block -> [(elaboration label, top, verilator -G parameters, -D defines, bench, modes)]
BLOCKS = {
    "qmm": [("D=4 L=2 ACCW=24", "qmm_engine", ["D=4", "L=2", "ACCW=24"], ["QMM_D=4"],
             "drive_qmm.cpp", ["1", "2", "4", "8"])],
    "systolic": [
        ("R=4 C=4 AW=BW=%d" % b, "systolic_array",
         ["R=4", "C=4", "AW=%d" % b, "BW=%d" % b, "ACCW=24"],
         ["SYS_R=4", "SYS_C=4", "SYS_BITS=%d" % b], "drive_systolic.cpp", ["os", "ws"])
        for b in (8, 4)],
    "quark": [("N=8 IW=8", "quark_unit", ["N=8", "IW=8"], ["QUARK_N=8", "QUARK_IW=8"],
               "drive_quark.cpp", ["softmax", "gelu", "layernorm", "add"])],
}
FIELDS = ["block", "elaboration", "mode", "data", "cycles", "seed", "signal_bits", "toggles",
          "toggle_pct"]


def die(msg):
    print("tools/activity/activity.py: " + msg, file=sys.stderr)
    sys.exit(2)


def build(block, elab, build_dir):
    label, top, params, defines, bench, _ = elab
    mdir = os.path.join(build_dir, block + "_" + label.replace(" ", "_").replace("=", ""))
    exe = os.path.join(mdir, "bench")
    rtl = sorted(os.path.join(ROOT, "rtl", block, f) for f in os.listdir(
        os.path.join(ROOT, "rtl", block)) if f.endswith(".v"))
    cmd = ["verilator", "--cc", "--exe", "--build", "-O2", "-j", "2", "--trace",
           "-Wno-fatal", "-Wno-lint", "-Wno-style", "--top-module", top, "-Mdir", mdir,
           "-o", "bench", "-CFLAGS", " ".join(["-O1", "-I" + HERE] + ["-D" + d for d in defines])]
    cmd += ["-G" + p for p in params] + rtl + [os.path.join(HERE, bench)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(exe):
        die("%s: Verilator build failed:\n%s" % (block, (r.stdout + r.stderr)[-2000:]))
    return exe


def toggles(path):
    """(net bits, bit flips between consecutive samples) of a VCD, clk and rst left out."""
    width, skip, value = {}, set(), {}
    count = 0
    with open(path) as f:
        for line in f:
            if line.lstrip().startswith("$var"):
                part = line.split()
                code, name = part[3], part[4]
                width[code] = int(part[2])
                if name in ("clk", "rst"):
                    skip.add(code)
                continue
            c = line[:1]
            if c in "01xz":
                code, new = line[1:].strip(), 1 if c == "1" else 0
            elif c == "b":
                bits, code = line[1:].split()
                new = int(bits.replace("x", "0").replace("z", "0"), 2)
            else:
                continue
            old = value.get(code)
            if old is not None and code not in skip:
                count += bin(old ^ new).count("1")
            value[code] = new
    return sum(w for c, w in width.items() if c not in skip), count


def measure(block, elab, exe, mode, data, build_dir):
    cov = os.path.join(build_dir, "%s_%s_%s.vcd" % (block, mode, data))
    r = subprocess.run([exe, mode, data, str(CYCLES), str(SEED), cov], capture_output=True,
                       text=True)
    if r.returncode != 0:
        die("%s %s %s: bench failed: %s" % (block, mode, data, r.stderr.strip()))
    bits, count = toggles(cov)
    if bits == 0:
        die("%s: %s has no signals" % (block, cov))
    os.remove(cov)
    return {"block": block, "elaboration": elab[0], "mode": mode, "data": data,
            "cycles": CYCLES, "seed": SEED, "signal_bits": bits, "toggles": count,
            "toggle_pct": "%.4f" % (100.0 * count / (bits * CYCLES))}


def csv_path(block):
    return os.path.join(ROOT, "traces", "calibration", block + "_activity.csv")


def regenerate(block, build_dir):
    rows = []
    for elab in BLOCKS[block]:
        exe = build(block, elab, build_dir)
        for mode in elab[5]:
            for data in DATA:
                rows.append(measure(block, elab, exe, mode, data, build_dir))
    with open(csv_path(block), "w", newline="") as f:
        w = csv.DictWriter(f, FIELDS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print("wrote %s (%d points)" % (os.path.relpath(csv_path(block), ROOT), len(rows)))


def check(block, mode, data, build_dir):
    try:
        with open(csv_path(block), newline="") as f:
            stored = [r for r in csv.DictReader(f) if r["mode"] == mode and r["data"] == data]
    except OSError as e:
        die("%s: %s" % (csv_path(block), e.strerror))
    if not stored:
        die("no row %s,%s in %s" % (mode, data, csv_path(block)))
    elab = next(e for e in BLOCKS[block] if e[0] == stored[0]["elaboration"])
    row = measure(block, elab, build(block, elab, build_dir), mode, data, build_dir)
    got = {k: str(v) for k, v in row.items()}
    if any(got[k] != stored[0][k] for k in FIELDS):
        print("%s is stale: %s %s measures %s toggles over %s bits, the CSV says %s over %s; "
              "regenerate with tools/activity/activity.py %s" % (
                  csv_path(block), mode, data, got["toggles"], got["signal_bits"],
                  stored[0]["toggles"], stored[0]["signal_bits"], block))
        sys.exit(1)
    print("%s %s %s: %s%% as stored" % (block, mode, data, got["toggle_pct"]))


def main(argv):
    build_dir = os.path.join(ROOT, "build", "activity")
    if "--build-dir" in argv:
        i = argv.index("--build-dir")
        if i + 1 >= len(argv):
            die("--build-dir needs a folder")
        build_dir = argv[i + 1]
        del argv[i:i + 2]
    os.makedirs(build_dir, exist_ok=True)
    if argv and argv[0] == "--check":
        if len(argv) != 4 or argv[1] not in BLOCKS:
            die("--check takes BLOCK MODE DATA (blocks: %s)" % ", ".join(BLOCKS))
        check(argv[1], argv[2], argv[3], build_dir)
        return
    for block in argv:
        if block not in BLOCKS:
            die("unknown block '%s' (blocks: %s)" % (block, ", ".join(BLOCKS)))
    for block in argv or list(BLOCKS):
        regenerate(block, build_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
