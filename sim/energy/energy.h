/*
 * energy.h: the per-action part of the energy pass. After the run, action counts (block/block.h
 * lists the actions) x the technology table's price of each action. Blocks never compute
 * picojoules. The rest of the energy (static power, the processing system, and on an FPGA the
 * per-resource dynamic power of logic, DSP and clock trees) is energy/power.h.
 *
 * Prices (pJ per count): multiplier bit products mult_8x8 / 64; adder bits add_32 / 32;
 * 32-bit multiplies mult_32; FP32 multiplies and adds fp32_mult, fp32_add; buffer bits
 * sram_read_bit / sram_write_bit x (bank KiB / sram_ref_size)^sram_size_exponent; DRAM bits
 * dram_bit. Kinds: arithmetic is LOGIC on an ASIC table only (an FPGA table's arithmetic is
 * priced per resource, energy/power.h; its arithmetic prices serve block sections such as the
 * QMM flow comparison), buffer bits MEMORY, DRAM bits DRAM.
 */
#ifndef ASIM_ENERGY_ENERGY_H
#define ASIM_ENERGY_ENERGY_H

#include <stdbool.h>

#include "asim/sim.h"
#include "block/block.h"
#include "energy/tech.h"

typedef struct {
    double pj[ASIM_ACT_COUNT];    /* pJ per count */
    bool compute_by_action;       /* arithmetic actions count toward LOGIC (ASIC tables) */
} asim_prices_t;

/* The prices of tech, with buffer banks of bank_kib KiB. */
void asim_energy_prices(const asim_tech_t *tech, double bank_kib, asim_prices_t *p);
/* Adds the priced actions to e's LOGIC (ASIC), MEMORY and DRAM kinds. */
void asim_energy_of(const asim_prices_t *p, const uint64_t actions[ASIM_ACT_COUNT],
                    asim_energy_t *e);
/* A pricer for report sections (block.h): ctx is an asim_prices_t. */
double asim_energy_price(const void *prices, asim_action_t a, uint64_t count);

#endif
