/*
 * energy.h: the energy pass. After the run, energy = action counts x the technology table's
 * price of each action (block/block.h lists the actions), plus static power x time
 * (accel/account.c). Blocks never compute picojoules.
 *
 * Prices (pJ per count): multiplier bit products mult_8x8 / 64; adder bits add_32 / 32;
 * 32-bit multiplies mult_32; FP32 multiplies and adds fp32_mult, fp32_add; buffer bits
 * sram_read_bit / sram_write_bit x (bank KiB / sram_ref_size)^sram_size_exponent; DRAM bits
 * dram_bit. Parts: compute (arithmetic), sram (buffer bits), dram (DRAM bits).
 */
#ifndef ASIM_ENERGY_ENERGY_H
#define ASIM_ENERGY_ENERGY_H

#include "asim/sim.h"
#include "block/block.h"
#include "energy/tech.h"

typedef struct {
    double pj[ASIM_ACT_COUNT];    /* pJ per count */
} asim_prices_t;

/* The prices of tech, with buffer banks of bank_kib KiB. */
void asim_energy_prices(const asim_tech_t *tech, double bank_kib, asim_prices_t *p);
/* Priced actions, split into compute, sram and dram (static_pj is left as it is). */
void asim_energy_of(const asim_prices_t *p, const uint64_t actions[ASIM_ACT_COUNT],
                    asim_energy_t *e);
/* A pricer for report sections (block.h): ctx is an asim_prices_t. */
double asim_energy_price(const void *prices, asim_action_t a, uint64_t count);

#endif
