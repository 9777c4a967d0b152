#!/usr/bin/env python3
"""yosys_cells.py STAT.json KEY [--srl]: the cell counts the calibration CSVs hold, from a
Yosys `stat -json -tech xilinx` file (flat synthesis): prints
KEY,lut,ff,dsp,carry4,muxf[,srl]. LUT counts LUT1..LUT6 and INV (the LC estimate is not a
LUT count); FF counts FDRE/FDSE/FDCE/FDPE; --srl adds the shift-register LUTs."""
import json
import sys

cells = json.load(open(sys.argv[1]))["design"]["num_cells_by_type"]


def total(names):
    return sum(cells.get(n, 0) for n in names)


row = [sys.argv[2],
       total(["LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "INV"]),
       total(["FDRE", "FDSE", "FDCE", "FDPE"]),
       total(["DSP48E2"]),
       total(["CARRY4"]),
       total(["MUXF7", "MUXF8", "MUXF9"])]
if "--srl" in sys.argv[3:]:
    row.append(total(["SRL16E", "SRLC32E"]))
print(",".join(str(v) for v in row))
