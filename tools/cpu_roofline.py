#!/usr/bin/env python3
"""cpu_roofline.py: a Cortex-A53 roofline for the ops of an accelsim run, the CPU baseline of
Okubo et al. (docs/validation.md, "Power (FPGA model)"; sources in docs/references.md,
"CPU baseline").

usage: accelsim --config configs/odeformer.yaml --model odeformer --format json |
           tools/cpu_roofline.py [--markdown]

Each op of the run costs the A53 max(compute, memory): compute = its operations / the A53's
peak, in two scenarios: all four cores with NEON int8 for 8-bit operands (the best a CPU
could do), and one core in FP32 (a float framework's single-threaded run); memory = its
operand and result bytes / the PS DDR bandwidth (every operand streamed once from DRAM: the
A53's 1 MB L2 cannot hold a layer's weights and feature maps, an optimistic reuse model
otherwise). A roofline is an upper bound on the CPU's speed, so the accelerator's speedup
over it is a lower bound on the speedup over real A53 code. Energy: the A53 run draws the
same PS power as the accelerated run (the technology table's PS with its DDR controller, as
accelsim reports it) plus the device's static power, and no PL dynamic power; the
accelerated run draws what accelsim reports for the chip. DRAM devices are left out of both.
"""
import json
import sys

# The A53 of the ZCU104's XCZU7EV (docs/references.md, "CPU baseline").
CORES = 4
CLOCK_GHZ = 1.2            # "up to ~1.2-1.3 GHz" (papers.md [K]); the -2 part's APU
NEON_BITS_PER_CYCLE = 64   # NEON issues 64-bit halves: a 128-bit op occupies 2 cycles
INT8_MAC_PER_CYCLE = NEON_BITS_PER_CYCLE // 16     # SMLAL widens 8x8 -> 16: 4 MACs/cycle
FP32_FMA_PER_CYCLE = NEON_BITS_PER_CYCLE // 32     # FMLA: 2 FMAs/cycle
VECTOR_OPS_PER_ELEMENT = 4  # an add / ReLU / softmax element: load, op(s), store (int8 lanes)
DDR_GBPS = 19.2            # PS DDR4-2400 x 64 bit, peak


def op_cost(layer, cores, fp32):
    """(seconds compute, seconds memory) of one op on `cores` A53 cores; fp32: every operand
    in FP32 (as a float framework runs it), else NEON int8 for 8-bit operands."""
    int8 = not fp32 and max(layer.get("a_bits", 8), layer.get("b_bits", 8)) <= 8
    elem_bytes = 1 if int8 else 4
    count = layer.get("count", 1)
    if layer["op"] == "gemm":
        m, n, k = layer["m"], layer["n"], layer["k"]
        macs = m * n * k * count
        per_cycle = INT8_MAC_PER_CYCLE if int8 else FP32_FMA_PER_CYCLE
        compute = macs / (per_cycle * cores * CLOCK_GHZ * 1e9)
        nbytes = (m * k + k * n + m * n) * elem_bytes * count
    else:
        elems = layer.get("rows", layer.get("m", 1)) * layer.get("cols", layer.get("n", 1)) * count
        lanes = NEON_BITS_PER_CYCLE // (8 * elem_bytes)
        compute = elems * VECTOR_OPS_PER_ELEMENT / (lanes * cores * CLOCK_GHZ * 1e9)
        nbytes = 3 * elems * elem_bytes
    return compute, nbytes / (DDR_GBPS * 1e9)


def main(argv):
    try:
        rep = json.load(sys.stdin)
        layers = rep["layers"]
    except (ValueError, KeyError) as e:
        print("tools/cpu_roofline.py: stdin is not an accelsim JSON report (%s)" % e,
              file=sys.stderr)
        sys.exit(2)
    static_w = rep["static_w"]
    ps_w = rep["energy_breakdown_mj"]["ps"] / rep["latency_ms"]
    acc_s = rep["latency_ms"] * 1e-3
    acc_j = (rep["energy_mj"] - rep["energy_breakdown_mj"]["dram"]) * 1e-3
    rows = [("accelerator latency, chip energy", "%.1f ms, %.1f mJ at %.2f W" % (
        acc_s * 1e3, acc_j * 1e3, acc_j / acc_s))]
    for name, cores, fp32 in (("4 cores, NEON int8", CORES, False),
                              ("1 core, NEON FP32", 1, True)):
        cpu_s = 0.0
        bound = 0
        for layer in layers:
            c, mem = op_cost(layer, cores, fp32)
            cpu_s += max(c, mem)
            bound += c >= mem
        cpu_j = (ps_w + static_w) * cpu_s
        rows += [
            ("A53 (%s): latency" % name, "%.1f ms (%d of %d ops compute-bound)" % (
                cpu_s * 1e3, bound, len(layers))),
            ("A53 (%s): energy" % name, "%.1f mJ at %.2f W (PS %.2f + static %.2f)" % (
                cpu_j * 1e3, ps_w + static_w, ps_w, static_w)),
            ("speedup over A53 (%s)" % name, "%.2fx" % (cpu_s / acc_s)),
            ("energy-efficiency gain over A53 (%s)" % name, "%.2fx" % (cpu_j / acc_j)),
        ]
    if "--markdown" in argv:
        print("| quantity | ours |\n|---|---|")
        for k, v in rows:
            print("| %s | %s |" % (k, v))
    else:
        for k, v in rows:
            print("%-52s %s" % (k, v))


if __name__ == "__main__":
    main(sys.argv[1:])
