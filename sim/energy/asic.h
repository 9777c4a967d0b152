/*
 * asic.h: ASIC area and leakage of the units with an RTL twin (docs/energy.md, "ASIC area and
 * leakage"). A unit's cells are its RTL's Yosys generic-gate counts (tools/asic_cells.sh,
 * traces/calibration/<block>_asic.csv, compiled in by cmake/CalibrationData.cmake) at the row
 * nearest to the configured point (fmax/fmax.h's distance), scaled by the configured parallel
 * elements over the row's when the row is not the point. On each node of an ASIC table:
 *
 *   area (mm^2)    = sum_g count_g x area_g (um^2) / utilization x 1e-6
 *   leakage (mW)   = sum_g count_g x leakage_g (nW) x 1e-6
 *
 * Leakage depends on the cells only, never on activity. Pure functions; no I/O.
 */
#ifndef ASIM_ENERGY_ASIC_H
#define ASIM_ENERGY_ASIC_H

#include "asim/config.h"
#include "asim/sim.h"
#include "energy/tech.h"

/* The area and leakage of `counts` generic gates on node n at the given utilization. */
void asim_asic_price(const asim_asic_node_t *n, double utilization,
                     const double counts[ASIM_CELL_COUNT], asim_asic_area_t *out);
/* The generic-gate counts of the unit of `block` (a descriptor name) under cfg into counts,
 * and how they were found into basis; false (counts untouched) if the block has no counts. */
bool asim_asic_counts(const asim_config_t *cfg, const char *block, double counts[ASIM_CELL_COUNT],
                      char *basis, size_t basis_len);
/* Fills u's asic[] on every node of t (nothing when t has no nodes or the block no counts). */
void asim_asic_unit(const asim_tech_t *t, const asim_config_t *cfg, const char *block,
                    asim_unit_resources_t *u);

#endif
