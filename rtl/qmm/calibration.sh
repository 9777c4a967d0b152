# rtl/qmm/calibration.sh: what tools/calibrate.sh synthesizes for the QMM engine (sourced;
# the variables are described in tools/calibrate.sh). Hierarchical synthesis maps the lane,
# the DPU and the requantizer once each (docs/qmm.md, "Resources").
# shellcheck shell=sh disable=SC2034 # variables for tools/calibrate.sh, which sources this file
CAL_TOP=qmm_engine
CAL_RTL="qmm_engine.v qmm_ctrl.v qmm_dpu.v qmm_lane.v qmm_post.v"
CAL_READ="read_verilog"
# M0W 16, BTW 32, SHW 5, OW 8, MW = NW = KW = 16: the RTL's defaults.
CAL_PARAMS="D L ACCW"
CAL_COLUMNS="dpus,lanes,acc_bits"
CAL_CELLS="lut,ff,dsp,carry4,muxf"

# D x L at a 24-bit accumulator, plus accumulator widths at two sizes.
cal_grid() {
    for d in 1 2 4 8 16 32 64; do
        for l in 1 2 4 8 16; do
            echo "$d $l 24"
        done
    done
    for acc in 16 20 32 40 44; do
        echo "4 2 $acc"; echo "16 4 $acc"
    done
    for acc in 26 27 28; do     # where the requantizer multiply needs a second DSP
        echo "4 2 $acc"
    done
}
