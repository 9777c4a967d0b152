/* image.c: seeded contents, packed codes in an image, and the comparison (functional.h). */
#include <stdio.h>
#include <stdlib.h>

#include "asim/fixed.h"
#include "functional/functional.h"

int32_t asim_fn_seed_code(uint64_t seed, uint32_t tensor, uint64_t index, unsigned bits)
{
    uint64_t z = seed ^ ((uint64_t)tensor << 40) ^ index;
    z += UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    z ^= z >> 31;
    if (bits == 1)
        return (z & 1) ? 1 : -1;
    return (int32_t)asim_fx_value(z & asim_fx_mask(bits), bits, true);
}

int32_t asim_fn_get(const uint8_t *img, uint64_t addr, uint64_t i, unsigned bits)
{
    uint64_t bit = i * bits, raw = 0;
    for (unsigned b = 0; b < bits; b++, bit++)
        raw |= (uint64_t)((img[addr + bit / 8] >> (bit % 8)) & 1u) << b;
    if (bits == 1)
        return raw ? 1 : -1;
    return (int32_t)asim_fx_value(raw, bits, true);
}

void asim_fn_put(uint8_t *img, uint64_t addr, uint64_t i, unsigned bits, int32_t code)
{
    uint64_t raw = bits == 1 ? (uint64_t)(code > 0) : asim_fx_wrap(code, bits);
    uint64_t bit = i * bits;
    for (unsigned b = 0; b < bits; b++, bit++) {
        uint8_t *byte = &img[addr + bit / 8];
        uint8_t mask = (uint8_t)(1u << (bit % 8));
        *byte = (uint8_t)(((raw >> b) & 1u) ? (*byte | mask) : (*byte & ~mask));
    }
}

void asim_fn_images_free(asim_fn_images_t *im)
{
    free(im->dram);
    free(im->chip);
    im->dram = im->chip = NULL;
    im->bytes = 0;
}

/* Compares op o's output in image img with the reference; false (and c->first) at the first
 * difference. */
static bool same_output(const asim_graph_t *g, size_t o, const uint8_t *img, uint64_t addr,
                        const int32_t *ref, const char *where, asim_fn_compare_t *c,
                        uint64_t *count)
{
    asim_tensor_layout_t l;
    asim_tensor_layout(&g->ops[o], ASIM_TENSOR_OUT, &l);
    for (uint64_t i = 0; i < l.rows * l.cols; i++) {
        int32_t got = asim_fn_get(img, addr, i, l.bits);
        if (got != ref[i]) {
            snprintf(c->first, sizeof c->first, "op '%s' %s row %llu col %llu: reference %d, "
                     "program %d", g->ops[o].name, where, (unsigned long long)(i / l.cols),
                     (unsigned long long)(i % l.cols), ref[i], got);
            return false;
        }
        (*count)++;
    }
    return true;
}

void asim_fn_compare(const asim_program_t *p, const asim_graph_t *g, const asim_fn_images_t *im,
                     int32_t *const *ref, asim_fn_compare_t *c)
{
    *c = (asim_fn_compare_t){.match = true};
    for (size_t o = 0; o < g->len && c->match; o++) {
        c->match = same_output(g, o, im->chip, p->addrs[o].out, ref[o], "on chip", c,
                               &c->chip_values);
        if (c->match && p->plans[o].n_stores)
            c->match = same_output(g, o, im->dram, p->addrs[o].out, ref[o], "in DRAM", c,
                                   &c->dram_values);
    }
}
