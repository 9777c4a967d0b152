/*
 * qmm_unit.h: the QMM engine as an accelerator unit (job model inside the kernel).
 * Runs GEMMs whose activation precision the lanes can unfold to and whose B operand is
 * binary or at most qmm.max_b_bits wide (bit-serial passes). Compute energy, first-order:
 * one (A+1)-bit adder-tree add per element and pass, one accumulator add per DPU step and
 * pass, one 32-bit multiply-add per output for the computation-flow post-processing.
 */
#ifndef ASIM_UNITS_QMM_UNIT_H
#define ASIM_UNITS_QMM_UNIT_H

#include "asim/config.h"
#include "asim/unit.h"
#include "units/qmm.h"

asim_qmm_geom_t asim_qmm_geom_of(const asim_config_t *cfg);
/* The job an op becomes on this engine (precision mode chosen); false if it cannot run. */
bool asim_qmm_job_of(const asim_config_t *cfg, const asim_op_t *op, asim_qmm_job_t *job);
/* A new QMM unit named "qmm", or NULL when out of memory. */
asim_unit_t *asim_qmm_unit_create(const asim_config_t *cfg);

#endif
