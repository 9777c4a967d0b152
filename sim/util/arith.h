/*
 * arith.h: integer helpers every part of the simulator shares (one definition each).
 */
#ifndef ASIM_UTIL_ARITH_H
#define ASIM_UTIL_ARITH_H

#include <stdint.h>

/* a / b for b >= 1, by a 32-bit division when both fit: on the x86 cores before Ice Lake a
 * 64-bit division takes several times longer, and tile indexing divides on every tile. */
static inline uint64_t asim_div(uint64_t a, uint64_t b)
{
    return (a | b) >> 32 ? a / b : (uint32_t)a / (uint32_t)b;
}

/* a % b for b >= 1, the same way. */
static inline uint64_t asim_mod(uint64_t a, uint64_t b)
{
    return (a | b) >> 32 ? a % b : (uint32_t)a % (uint32_t)b;
}

/* ceil(a / b) for b >= 1 (a + b - 1 must not wrap). */
static inline uint64_t asim_ceil_div(uint64_t a, uint64_t b)
{
    return asim_div(a + b - 1, b);
}

/* The greatest common divisor of a and b (Euclid); gcd(a, 0) = a. */
static inline uint64_t asim_gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
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
