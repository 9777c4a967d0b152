/*
 * checked.h: overflow-checked arithmetic on the 64-bit sizes, counts, cycles and bit totals
 * that inputs make grow. Each returns true and stores the exact result, or returns false
 * (and stores the wrapped result, which the caller must not use) when it does not fit.
 * An overflow is an input problem: the caller turns false into an error naming the input.
 */
#ifndef ASIM_CHECKED_H
#define ASIM_CHECKED_H

#include <stdbool.h>
#include <stdint.h>

static inline bool asim_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

static inline bool asim_mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* a * b * c, checked at each step. */
static inline bool asim_mul3_u64(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    return asim_mul_u64(a, b, out) && asim_mul_u64(*out, c, out);
}

#endif
