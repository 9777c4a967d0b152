#!/usr/bin/env python3
"""Checks an accelsim VCD against the VCD format and against the Chrome trace of the same run.

usage: check_vcd.py RUN.vcd TRACE.json

- Header: a $timescale, the period comment, and every $var with a unique identifier; the
  signals cycle and layer, and per track <t>_busy, <t>_layer, <t>_layer_index.
- Body: timesteps strictly increase, starting at #0 with $dumpvars; no signal is written
  twice in one timestep (no zero-width glitch); strings hold only printable non-space ASCII.
- Time: every timestep that writes cycle is at cycle x period; with clk, the clock rises at
  every cycle and falls half a period later.
- Content: each track's busy intervals (in cycles) are the union of that track's slices in
  the Chrome trace, and <t>_layer names the slice's layer, escaped the VCD way (bytes
  outside '!'..'~' and '\\' as \\xHH), while it runs.
"""
import json
import re
import sys

text = open(sys.argv[1], encoding="ascii").read()
trace = json.load(open(sys.argv[2]))
errors = []


def fail(msg):
    errors.append(msg)


def vcd_escape(s):
    return "".join(chr(b) if 0x21 <= b <= 0x7e and b != 0x5c else "\\x%02x" % b
                   for b in s.encode("utf-8"))


header, _, body = text.partition("$enddefinitions $end")
m = re.search(r"\$timescale (\S+ \S+) \$end", header)
p = re.search(r"one cycle is (\d+) x (\S+ \S+)", header)
if not m or not p or p.group(2) != m.group(1):
    sys.exit("no $timescale or no period comment in its unit")
period = int(p.group(1))
var = {}
for vtype, width, ident, name in re.findall(r"\$var (\S+) (\d+) (\S+) (\S+) \$end", header):
    if ident in var:
        fail(f"identifier {ident} declared twice")
    var[ident] = (vtype, int(width), name)
by_name = {v[2]: k for k, v in var.items()}
for need in ("cycle", "layer"):
    if need not in by_name:
        fail(f"no signal {need}")
tracks = sorted(n[:-5] for n in by_name if n.endswith("_busy"))
for t in tracks:
    for suffix in ("_layer", "_layer_index"):
        if t + suffix not in by_name:
            fail(f"no signal {t}{suffix}")

steps = []  # (time, {id: value})
tokens = body.split()
i = 0
while i < len(tokens):
    tok = tokens[i]
    if tok.startswith("#"):
        steps.append((int(tok[1:]), {}))
    elif tok in ("$dumpvars", "$end"):
        pass
    elif tok[0] in "bs":
        ident = tokens[i + 1]
        i += 1
        if tok[0] == "s" and not all(0x21 <= ord(c) <= 0x7e for c in tok[1:]):
            fail(f"string value {tok!r} has a control character or space")
        value = tok[1:] if tok[0] == "s" else int(tok[1:], 2)
        if ident in steps[-1][1]:
            fail(f"#{steps[-1][0]}: {var[ident][2]} written twice in one timestep")
        steps[-1][1][ident] = value
    elif tok[0] in "01xz":
        ident = tok[1:]
        if ident in steps[-1][1]:
            fail(f"#{steps[-1][0]}: {var[ident][2]} written twice in one timestep")
        steps[-1][1][ident] = tok[0]
    else:
        fail(f"unexpected token {tok!r}")
    i += 1
if not steps or steps[0][0] != 0 or not body.lstrip().startswith("#0\n$dumpvars"):
    fail("the body does not start with #0 $dumpvars")
for (a, _), (b, _) in zip(steps, steps[1:]):
    if b <= a:
        fail(f"timestep #{b} after #{a}")
        break

cyc, clk = by_name.get("cycle"), by_name.get("clk")
busy = {t: [] for t in tracks}
names_at = {t: {} for t in tracks}
cycle = 0
for time, vals in steps:
    if cyc in vals:
        cycle = vals[cyc]
        if time != cycle * period:
            fail(f"#{time} writes cycle {cycle}, which is at #{cycle * period}")
            break
        if clk and vals.get(clk) != "1":
            fail(f"#{time}: clk does not rise at cycle {cycle}")
    elif clk and (vals.get(clk) != "0" or time != cycle * period + period // 2):
        fail(f"#{time}: a timestep without cycle must be clk's fall at #{cycle * period + period // 2}")
    for t in tracks:
        b = vals.get(by_name[t + "_busy"])
        if b is not None:
            busy[t].append((cycle, b == "1"))
        name = vals.get(by_name[t + "_layer"])
        if name is not None:
            names_at[t][cycle] = name

names = {e["tid"]: e["args"]["name"] for e in trace["traceEvents"]
         if e.get("ph") == "M" and e.get("name") == "thread_name"}
spans = {}
for e in trace["traceEvents"]:
    if e.get("ph") == "B" and names.get(e["tid"]) in busy:
        spans.setdefault(names[e["tid"]], []).append(
            (e["args"]["start_cycle"], e["args"]["end_cycle"], e["args"]["layer"]))
for t in tracks:
    merged = []
    for s, e, _ in sorted(spans.get(t, [])):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        elif e > s:
            merged.append([s, e])
    edges = [(s, True) for s, _ in merged] + [(e, False) for _, e in merged]
    edges.sort()
    got = [(c, v) for c, v in busy[t] if not (c == 0 and not v)]
    if got != edges:
        fail(f"{t}_busy changes {got[:4]}... differ from the trace's spans {edges[:4]}...")
    for s, e, layer in spans.get(t, []):
        if e > s and names_at[t].get(s, None) not in (None, vcd_escape(layer)):
            fail(f"{t}_layer at cycle {s} is {names_at[t][s]!r}, the trace says {layer!r}")
            break
if errors:
    print("\n".join(errors[:20]))
    sys.exit(1)
print(f"ok: {len(steps)} timesteps, {len(var)} signals, period {period} x {m.group(1)}; "
      f"busy intervals of {len(tracks)} tracks match the trace")
