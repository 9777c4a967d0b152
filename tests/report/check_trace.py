#!/usr/bin/env python3
"""Checks an accelsim Chrome trace against the trace-event format and its own contract.

usage: check_trace.py TRACE.json REPORT.json

- Every event has the fields its phase needs (B: name, ts, pid, tid, args; E: ts, pid, tid;
  C: numeric args; M: process_name, thread_name, thread_sort_index).
- On every track, read the way a viewer reads it (events sorted by time, stably, then a
  stack of open slices), each E closes an open B and no slice ends before it starts: with
  times as exact decimals, rounded to ns (Perfetto) and truncated to ns (older Perfetto).
- Each slice's begin and end are its cycles converted on their own (round(cycle * 1000 /
  MHz) ns), computed here independently of the writer.
- The layer track has one slice per layer of the report, in order, with its name; the
  windows end where the run ends; counters exist for DRAM and buffer bandwidth.
"""
import json
import sys
from decimal import Decimal

trace = json.load(open(sys.argv[1]), parse_float=Decimal)
report = json.load(open(sys.argv[2]))
mhz = Decimal(str(report["config"]["clock_mhz"]))
errors = []
NUMBER = (int, Decimal)


def fail(msg):
    errors.append(msg)


def ns_of_cycle(c):
    return int((Decimal(c) * 1000 / mhz).to_integral_value(rounding="ROUND_HALF_EVEN"))


events = trace.get("traceEvents")
if not isinstance(events, list):
    sys.exit("traceEvents is not a list")
names, per_tid, counters = {}, {}, set()
for i, e in enumerate(events):
    ph = e.get("ph")
    if not isinstance(e.get("pid"), int):
        fail(f"event {i}: needs an integer pid")
    if ph == "M":
        if e.get("name") not in ("process_name", "thread_name", "thread_sort_index"):
            fail(f"event {i}: unknown metadata {e.get('name')}")
        elif e["name"] == "thread_name":
            names[e["tid"]] = e["args"]["name"]
    elif ph in ("B", "E"):
        if not isinstance(e.get("ts"), NUMBER) or e["ts"] < 0 or not isinstance(e.get("tid"), int):
            fail(f"event {i}: {ph} needs ts >= 0 and an integer tid")
            continue
        if ph == "B" and (not isinstance(e.get("name"), str) or not isinstance(e.get("args"), dict)):
            fail(f"event {i}: B needs a name and args")
            continue
        per_tid.setdefault(e["tid"], []).append((i, e))
    elif ph == "C":
        if not isinstance(e.get("name"), str) or not e.get("args") or \
                not all(isinstance(v, NUMBER) for v in e["args"].values()):
            fail(f"event {i}: C needs a name and numeric args")
        counters.add(e["name"])
    else:
        fail(f"event {i}: unexpected phase {ph!r}")

conversions = {
    "exact": lambda v: Decimal(v) * 1000,
    "rounded": lambda v: round(float(v) * 1000.0),
    "truncated": lambda v: int(float(v) * 1000.0),
}
slices = {}
for tid, evs in per_tid.items():
    track = names.get(tid, tid)
    for how, conv in conversions.items():
        order = sorted(evs, key=lambda ie: conv(ie[1]["ts"]))  # stable: file order at ties
        stack, done = [], []
        for i, e in order:
            t = conv(e["ts"])
            if e["ph"] == "B":
                stack.append((t, e))
                continue
            if not stack:
                fail(f"track {track} ({how}): event {i} ends no open slice")
                break
            t0, b = stack.pop()
            if stack:
                fail(f"track {track} ({how}): {b['name']} nests inside {stack[-1][1]['name']}"
                     " (slices of one track follow one another)")
                break
            done.append((t0, t, b))
        if stack:
            fail(f"track {track} ({how}): {len(stack)} slices never end")
        if how == "exact":
            slices[tid] = done
    for t0, t1, b in slices.get(tid, []):
        a = b["args"]
        start = a.get("window_start_cycle", a.get("start_cycle"))
        if t0 != ns_of_cycle(start) or t1 != ns_of_cycle(a["end_cycle"]):
            fail(f"track {track}: {b['name']} [{t0}, {t1}] ns is not cycles "
                 f"[{start}, {a['end_cycle']}] at {mhz} MHz")
            break

layer_tid = [t for t, n in names.items() if n == "layers"]
if len(layer_tid) != 1:
    fail("no single 'layers' track")
else:
    got = [b["name"] for _, _, b in slices.get(layer_tid[0], [])]
    want = [l["name"] for l in report["layers"]]
    if got != want:
        fail(f"layer track names {got[:3]}... differ from the report's {want[:3]}...")
    ends = [b["args"]["end_cycle"] for _, _, b in slices.get(layer_tid[0], [])]
    if ends and ends[-1] != report["total_cycles"]:
        fail(f"layer windows end at {ends[-1]}, the run at {report['total_cycles']}")
for c in ("DRAM GB/s (layer average)", "buffer GB/s (layer average)"):
    if c not in counters:
        fail(f"no counter track {c!r}")
if errors:
    print("\n".join(errors[:20]))
    sys.exit(1)
print(f"ok: {sum(len(s) for s in slices.values())} slices on {len(slices)} tracks follow one "
      f"another exactly under 3 time conversions; {len(counters)} counters")
