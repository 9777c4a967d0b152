/*
 * nl_placeholder.h: a PLACEHOLDER nonlinear unit, so that configurations can run every op of
 * a model until the shared nonlinear unit (QUARK) and its RTL twin exist. It has no RTL twin
 * and is not cycle-exact against any hardware; reports name it "nl_placeholder".
 *
 * Timing: `lanes` elements per cycle, row by row, with a number of passes over each row per
 * function (softmax 3: max, exp and sum, normalise; layernorm 3: mean, variance, normalise;
 * gelu, tanh, add 1), plus a fixed pipeline latency once per job:
 *   cycles = count * rows * passes * ceil(cols / lanes) + ASIM_NL_PLACEHOLDER_PIPELINE
 * Energy: one 32-bit multiply and one 32-bit add per element and pass.
 */
#ifndef ASIM_UNITS_NL_PLACEHOLDER_H
#define ASIM_UNITS_NL_PLACEHOLDER_H

#include "asim/config.h"
#include "asim/unit.h"

#define ASIM_NL_PLACEHOLDER_PIPELINE 8

/* Passes over a row for this op kind (0 for GEMM). */
unsigned asim_nl_placeholder_passes(asim_op_kind_t kind);
/* A new placeholder unit named "nl_placeholder", or NULL when out of memory. */
asim_unit_t *asim_nl_placeholder_create(const asim_config_t *cfg);

#endif
