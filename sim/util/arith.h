/*
 * arith.h: integer helpers every part of the simulator shares (one definition each).
 */
#ifndef ASIM_UTIL_ARITH_H
#define ASIM_UTIL_ARITH_H

#include <stdint.h>

/* ceil(a / b) for b >= 1. */
static inline uint64_t asim_ceil_div(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* ceil(log2(x)): the bits that index x things; 0 for x <= 1. */
static inline unsigned asim_clog2(uint64_t x)
{
    unsigned b = 0;
    while (b < 64 && (UINT64_C(1) << b) < x)
        b++;
    return b;
}

static inline uint64_t asim_min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

#endif
