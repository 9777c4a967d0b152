#!/usr/bin/env python3
"""yosys_cells.py STAT.txt KEY COLUMNS: the cell counts a calibration CSV holds, from the text
report of Yosys `stat -tech xilinx` (tools/calibrate.sh): prints KEY followed by one count per
comma-separated COLUMNS name. The counts are the totals of the design hierarchy (the section
after "=== design hierarchy ===", or the one module's when there is no hierarchy); the text
report is read because Yosys 0.23's hierarchical `stat -json` is not always valid JSON.

lut counts LUT1..LUT6 and INV (the LC estimate is not a LUT count), ff FDRE/FDSE/FDCE/FDPE,
dsp DSP48E2, carry4 CARRY4, muxf MUXF7..9, srl the shift-register LUTs SRL16E/SRLC32E; and,
nand, or, nor, xor, xnor, not, dff Yosys's generic gates $_AND_ ... $_DFF_P_. When every column
is a generic gate, a generic cell ($_...) that no column counts is an error, so that no gate is
silently left out of the ASIC area."""
import sys

CELLS = {
    "lut": ["LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "INV"],
    "ff": ["FDRE", "FDSE", "FDCE", "FDPE"],
    "dsp": ["DSP48E2"],
    "carry4": ["CARRY4"],
    "muxf": ["MUXF7", "MUXF8", "MUXF9"],
    "srl": ["SRL16E", "SRLC32E"],
    # Yosys's generic gates (tools/asic_cells.sh)
    "and": ["$_AND_"],
    "nand": ["$_NAND_"],
    "or": ["$_OR_"],
    "nor": ["$_NOR_"],
    "xor": ["$_XOR_"],
    "xnor": ["$_XNOR_"],
    "not": ["$_NOT_"],
    "dff": ["$_DFF_P_"],
}


def totals(lines):
    """Cell type -> count in the hierarchy totals (or the only module's section)."""
    start = next((i for i, ln in enumerate(lines) if "=== design hierarchy ===" in ln), None)
    if start is None:
        sections = [i for i, ln in enumerate(lines) if ln.strip().startswith("===")]
        if len(sections) != 1:
            return None
        start = sections[0]
    counts = {}
    for ln in lines[start + 1:]:
        parts = ln.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = counts.get(parts[0], 0) + int(parts[1])
    return counts


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: yosys_cells.py STAT.txt KEY COLUMNS")
    path, key, columns = sys.argv[1:]
    unknown = [c for c in columns.split(",") if c not in CELLS]
    if unknown:
        sys.exit("yosys_cells.py: unknown column %s (known: %s)"
                 % (", ".join(unknown), ", ".join(CELLS)))
    with open(path) as fh:
        counts = totals(fh.read().splitlines())
    if counts is None:
        sys.exit("yosys_cells.py: %s: no design hierarchy and not exactly one module" % path)
    generic = {n for c in CELLS for n in CELLS[c] if n.startswith("$_")}
    wanted = {n for c in columns.split(",") for n in CELLS[c]}
    if wanted <= generic:
        missed = sorted(n for n in counts if n.startswith("$_") and n not in wanted)
        if missed:
            sys.exit("yosys_cells.py: %s: cells no column counts: %s" % (path, ", ".join(missed)))
    row = [key] + [str(sum(counts.get(n, 0) for n in CELLS[c])) for c in columns.split(",")]
    print(",".join(row))


if __name__ == "__main__":
    main()
