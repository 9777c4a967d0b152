/*
 * nl_placeholder.h: a PLACEHOLDER nonlinear unit, so that configurations can run every op of
 * a model until the shared nonlinear unit (QUARK) and its RTL twin exist. It has no RTL twin
 * and is not cycle-exact against any hardware; reports name it "nl_placeholder".
 *
 * Timing: `lanes` elements per cycle, row by row, with a number of passes over each row per
 * function (softmax 3: max, exp and sum, normalise; layernorm 3: mean, variance, normalise;
 * rmsnorm 2: sum of squares, normalise; every other op 1), plus a fixed pipeline latency once per job:
 *   cycles = count * rows * passes * ceil(cols / lanes) + ASIM_NL_PLACEHOLDER_PIPELINE
 * Actions: one 32-bit multiply and one 32-bit add per element and pass. Resources, per lane:
 * a 32-bit multiply (one DSP) and about 200 LUT and 200 FF of exp/divide/normalise logic, a
 * guess with no RTL behind it.
 */
#ifndef ASIM_NL_PLACEHOLDER_H
#define ASIM_NL_PLACEHOLDER_H

#include "asim/model.h"

#define ASIM_NL_PLACEHOLDER_PIPELINE 8

/* Passes over a row for this op kind (0 for GEMM). */
unsigned asim_nl_placeholder_passes(asim_op_kind_t kind);

#endif
