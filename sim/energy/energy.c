/* energy.c: the energy pass (see energy.h). */
#include <math.h>

#include "energy/energy.h"

static const char *const kind_names[] = {
#define ASIM_EK_NAME(id, name, desc) name,
    ASIM_ENERGY_KINDS(ASIM_EK_NAME)
#undef ASIM_EK_NAME
};

const char *asim_energy_kind_name(asim_energy_kind_t k)
{
    return kind_names[k];
}

double asim_energy_total(const asim_energy_t *e, asim_energy_kind_t end)
{
    double pj = 0.0;
    for (int k = 0; k < (int)end; k++)
        pj += e->pj[k];
    return pj;
}

void asim_energy_prices(const asim_tech_t *tech, double bank_kib, asim_prices_t *p)
{
    double sram_scale = pow(bank_kib / tech->sram_ref_kib, tech->sram_size_exp);
    *p = (asim_prices_t){.pj = {
        [ASIM_ACT_MULT_BITS] = tech->mult_8x8_pj / 64.0,
        [ASIM_ACT_ADD_BITS] = tech->add_32_pj / 32.0,
        [ASIM_ACT_MULT_32] = tech->mult_32_pj,
        [ASIM_ACT_FP32_MULT] = tech->fp32_mult_pj,
        [ASIM_ACT_FP32_ADD] = tech->fp32_add_pj,
        [ASIM_ACT_SRAM_READ_BITS] = sram_scale * tech->sram_read_pj_bit,
        [ASIM_ACT_SRAM_WRITE_BITS] = sram_scale * tech->sram_write_pj_bit,
        [ASIM_ACT_DRAM_BITS] = tech->dram_pj_bit,
    }, .compute_by_action = !tech->has_fpga};
}

double asim_energy_price(const void *prices, asim_action_t a, uint64_t count)
{
    return (double)count * ((const asim_prices_t *)prices)->pj[a];
}

void asim_energy_of(const asim_prices_t *p, const uint64_t actions[ASIM_ACT_COUNT],
                    asim_energy_t *e)
{
    if (p->compute_by_action)
        for (int a = ASIM_ACT_MULT_BITS; a <= ASIM_ACT_FP32_ADD; a++)
            e->pj[ASIM_EK_LOGIC] += asim_energy_price(p, (asim_action_t)a, actions[a]);
    e->pj[ASIM_EK_MEMORY] +=
        asim_energy_price(p, ASIM_ACT_SRAM_READ_BITS, actions[ASIM_ACT_SRAM_READ_BITS]) +
        asim_energy_price(p, ASIM_ACT_SRAM_WRITE_BITS, actions[ASIM_ACT_SRAM_WRITE_BITS]);
    e->pj[ASIM_EK_DRAM] +=
        asim_energy_price(p, ASIM_ACT_DRAM_BITS, actions[ASIM_ACT_DRAM_BITS]);
}
