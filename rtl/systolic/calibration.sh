# rtl/systolic/calibration.sh: what tools/calibrate.sh synthesizes for the systolic array
# (sourced; the variables are described in tools/calibrate.sh). Hierarchical synthesis maps
# the PE once (docs/systolic.md, "Resources").
# shellcheck shell=sh disable=SC2034 # variables for tools/calibrate.sh, which sources this file
CAL_TOP=systolic_array
CAL_RTL="systolic_array.v sys_ctrl.v sys_pe.v sys_skew.v"
CAL_READ="read_verilog -sv"
# Signed operands, TW = 16 (the RTL's default).
CAL_PARAMS="R C AW BW ACCW"
CAL_COLUMNS="rows,cols,a_bits,b_bits,acc_bits"
CAL_CELLS="lut,ff,dsp,carry4,muxf"

# Every size x every width (acc = a + b + 16), plus points that separate a_bits, b_bits and
# acc_bits for the fit.
cal_grid() {
    for size in "2 2" "4 4" "8 8" "16 16" "4 8" "8 16" "32 32"; do
        for w in 2 3 4 8 16; do
            echo "$size $w $w $((2 * w + 16))"
        done
    done
    echo "8 8 8 4 28"; echo "8 8 4 8 28"; echo "8 8 16 8 40"; echo "8 8 2 8 26"
    echo "8 8 8 8 16"; echo "8 8 8 8 48"; echo "4 4 4 4 12"; echo "4 4 4 4 32"
}
