#!/usr/bin/env python3
"""fold_cycles.py ACCELSIM CONFIG: our systolic cycles against SCALE-Sim v2's per-fold formula.

Runs a GEMM list (a SCALE-Sim topology written here) through ACCELSIM with buffers so large
that no op is split into buffer tiles (checked: every op reports tiles = 1), for every
dataflow, both tile_overlap settings and three array shapes, and checks each op's
busy_cycles against the relation of docs/systolic.md ("SCALE-Sim v2"):

    SCALE-Sim v2, per fold:  os  L_ss = T + R + C - 2        (T = K, folds ceil(M/R) ceil(N/C))
                             ws  L_ss = 2R + C + T - 2       (T = M, folds ceil(K/R) ceil(N/C))
                             is  L_ss = 2R + C + T - 2       (T = N, folds ceil(K/R) ceil(M/C))
    ours, per tile:          L = L_ss + D, D = R + 4 (os: drain through the array, plus the
                             input and output registers and the PE's 2 pipeline registers)
                             or 4 (ws/is: those four registers)
    tile_overlap = false:    cycles = folds * L              (SCALE-Sim: folds * L_ss)
    tile_overlap = true:     cycles = (folds - 1) * max(T, R) + L

The formula is restated here from SCALE-Sim's source, not taken from our model.
"""
import json
import subprocess
import sys
import tempfile

GEMMS = [("sq", 64, 64, 64), ("edge", 100, 37, 200), ("one", 1, 1, 1), ("odd", 33, 17, 9),
         ("wide", 7, 300, 50), ("deep", 20, 20, 513)]
ARRAYS = [(8, 16), (16, 8), (32, 32)]


def ceil_div(a, b):
    return -(-a // b)


def scalesim_fold(df, r, c, m, n, k):
    """(folds, T, L_ss) of SCALE-Sim v2 for C[m x n] = A[m x k] B[k x n]."""
    if df == "os":
        return ceil_div(m, r) * ceil_div(n, c), k, k + r + c - 2
    t = m if df == "ws" else n
    other = n if df == "ws" else m
    return ceil_div(k, r) * ceil_div(other, c), t, 2 * r + c + t - 2


def expected(df, overlap, r, c, m, n, k):
    folds, t, l_ss = scalesim_fold(df, r, c, m, n, k)
    l_ours = l_ss + (r + 4 if df == "os" else 4)
    return (folds - 1) * max(t, r) + l_ours if overlap else folds * l_ours


def main():
    accelsim, config = sys.argv[1], sys.argv[2]
    failures = 0
    with tempfile.NamedTemporaryFile("w", suffix=".csv") as topo:
        topo.write("Layer,M,N,K,\n")
        for name, m, n, k in GEMMS:
            topo.write(f"{name},{m},{n},{k},\n")
        topo.flush()
        for r, c in ARRAYS:
            for df in ("os", "ws", "is"):
                for overlap in (False, True):
                    sets = [f"array.rows={r}", f"array.cols={c}", f"array.dataflow={df}",
                            f"array.tile_overlap={'true' if overlap else 'false'}",
                            "buffers.act_kib=4096", "buffers.weight_kib=4096",
                            "buffers.double_buffer=false", "resources.enforce=false"]
                    cmd = [accelsim, "--config", config, "--model", topo.name, "--format", "json"]
                    for s in sets:
                        cmd += ["--set", s]
                    report = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                                       text=True).stdout)
                    shapes = {g[0]: g[1:] for g in GEMMS}
                    for layer in report["layers"]:
                        m, n, k = shapes[layer["name"]]
                        want = expected(df, overlap, r, c, m, n, k)
                        where = f"{r}x{c} {df} overlap={overlap} {layer['name']} {m}x{n}x{k}"
                        if layer["tiles"] != 1:
                            print(f"FAIL {where}: split into {layer['tiles']} buffer tiles")
                            failures += 1
                        elif layer["busy_cycles"] != want:
                            print(f"FAIL {where}: busy_cycles {layer['busy_cycles']}, "
                                  f"SCALE-Sim relation says {want}")
                            failures += 1
    checked = len(ARRAYS) * 6 * len(GEMMS)
    print(f"{checked - failures} of {checked} ops match SCALE-Sim v2's fold formula + D")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
