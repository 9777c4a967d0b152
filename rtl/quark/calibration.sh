# rtl/quark/calibration.sh: what tools/calibrate.sh synthesizes for the QUARK nonlinear unit
# (sourced; the variables are described in tools/calibrate.sh). Hierarchical synthesis maps
# each Appro-Exp / Appro-LN width once (docs/nonlinear.md, "Resources").
# shellcheck shell=sh disable=SC2034 # variables for tools/calibrate.sh, which sources this file
CAL_TOP=quark_unit
CAL_RTL="quark_unit.v quark_exp.v quark_ln.v"
CAL_READ="read_verilog -sv"
# MODES: decimal mask of the enabled modes.
CAL_PARAMS="N IW MODES"
CAL_COLUMNS="lanes,in_bits,modes"
CAL_CELLS="lut,ff,dsp,carry4,muxf,srl"

# Most informative first (rows stream into OUT.csv.part as they finish): the shared unit
# (4095, all 12 modes) and the three separate units (softmax 1; GELU + tanh + SiLU + ReLU
# 1410; LayerNorm + add + RMSNorm + mul 2628) at N = 2 and 4 with 8-bit inputs, then at
# N = 2 with 16-bit inputs, then N = 8.
cal_grid() {
    for n in 2 4; do
        for m in 4095 1 1410 2628; do echo "$n 8 $m"; done
    done
    for m in 4095 1 1410 2628; do echo "2 16 $m"; done
    for m in 4095 1 1410 2628; do echo "8 8 $m"; done
}
