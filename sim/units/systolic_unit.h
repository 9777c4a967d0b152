/*
 * systolic_unit.h: the systolic array as an accelerator unit (job model inside the kernel).
 * Runs GEMM ops whose operands fit the PE widths; `count` instances run back to back.
 */
#ifndef ASIM_UNITS_SYSTOLIC_UNIT_H
#define ASIM_UNITS_SYSTOLIC_UNIT_H

#include "asim/config.h"
#include "asim/unit.h"

/* The array geometry that cfg->array describes. */
asim_systolic_geom_t asim_systolic_geom_of(const asim_config_t *cfg);
/* Energy of one PE MAC at these widths, pJ (first-order: multiplier ~ a*b, adder ~ acc). */
double asim_systolic_mac_pj(const asim_tech_t *tech, int a_bits, int b_bits, int acc_bits);
/* A new array unit named "array" for cfg->array, or NULL when out of memory. */
asim_unit_t *asim_systolic_unit_create(const asim_config_t *cfg);

#endif
