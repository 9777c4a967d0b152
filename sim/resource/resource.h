/*
 * resource.h: FPGA resource estimates (LUT, FF, DSP, BRAM36) per unit.
 *
 * Estimates are formulas in the unit's parameters. Their coefficients are fitted to Yosys
 * synth_xilinx runs of the rtl/ twins (tools/calibrate_systolic.sh writes the data,
 * docs/systolic.md gives the fit and its error).
 */
#ifndef ASIM_RESOURCE_H
#define ASIM_RESOURCE_H

#include "units/qmm.h"
#include "units/systolic.h"

typedef struct {
    double lut, ff, dsp, bram36, uram;
} asim_resources_t;

/* Resources of an R x C systolic array with a_bits x b_bits operands, acc_bits accumulators. */
void asim_resource_systolic(const asim_systolic_geom_t *g, int a_bits, int b_bits,
                            int acc_bits, asim_resources_t *out);

/* Resources of a QMM engine with g->dpus DPUs of g->lanes 8-bit lanes. */
void asim_resource_qmm(const asim_qmm_geom_t *g, int acc_bits, asim_resources_t *out);
/* Resources of the placeholder nonlinear unit with `lanes` lanes (a guess, no RTL). */
void asim_resource_nl_placeholder(uint64_t lanes, asim_resources_t *out);

/* On-chip memory of a buffer of `kib` KiB in `banks` banks of BRAM36 or URAM blocks. */
void asim_resource_buffer(uint64_t kib, uint64_t banks, bool uram, asim_resources_t *out);

/* Resources of a QUARK nonlinear unit (rtl/nonlinear/nlq_unit.v) with `lanes` lanes,
 * `in_bits`-bit inputs and the RTL mode mask `modes` (asim_nlq_modes_for_kinds), fitted to
 * tools/calibrate_nonlinear.sh; masks other than the four calibrated ones (shared 255,
 * softmax 1, GELU + tanh 130, LayerNorm + add 68) take the smallest calibrated unit that
 * contains them (docs/nonlinear.md, "Resources"). */
void asim_resource_nl_quark(uint64_t lanes, int in_bits, unsigned modes, asim_resources_t *out);
/* The three separate units (softmax, GELU + tanh, LayerNorm + add) together. */
void asim_resource_nl_quark_separate(uint64_t lanes, int in_bits, asim_resources_t *out);

#endif
