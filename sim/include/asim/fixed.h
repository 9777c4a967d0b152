/*
 * fixed.h: bit-exact integer arithmetic shared by the C step models and their RTL twins.
 *
 * Values cross ports as raw bit patterns: an n-bit field is a uint64_t whose bits above n are
 * zero (1 <= n <= 64). An operand field is read as two's complement when signed and as a plain
 * binary number when unsigned. Accumulators are n-bit two's complement registers that WRAP
 * (modulo 2^n): no saturation, no rounding. The RTL does the same: it extends each operand by
 * one bit (sign or zero), multiplies in the accumulator's width and lets the adder overflow,
 * which is exactly asim_fx_wrap(a * b) and asim_fx_wrap(acc + a * b) below.
 */
#ifndef ASIM_FIXED_H
#define ASIM_FIXED_H

#include <stdbool.h>
#include <stdint.h>

/* All-ones mask of the low `bits` bits (1..64). */
static inline uint64_t asim_fx_mask(unsigned bits)
{
    return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* Value of an n-bit field: two's complement if is_signed, else unsigned. */
static inline int64_t asim_fx_value(uint64_t raw, unsigned bits, bool is_signed)
{
    raw &= asim_fx_mask(bits);
    if (is_signed && bits < 64 && (raw >> (bits - 1)) & 1)
        return (int64_t)(raw | ~asim_fx_mask(bits));
    return (int64_t)raw;
}

/* Raw n-bit two's complement pattern of v, i.e. v modulo 2^bits. */
static inline uint64_t asim_fx_wrap(int64_t v, unsigned bits)
{
    return (uint64_t)v & asim_fx_mask(bits);
}

/* Smallest and largest value of an n-bit field. */
static inline int64_t asim_fx_min(unsigned bits, bool is_signed)
{
    return is_signed ? -(INT64_C(1) << (bits - 1)) : 0;
}
static inline int64_t asim_fx_max(unsigned bits, bool is_signed)
{
    return is_signed ? (INT64_C(1) << (bits - 1)) - 1 : (int64_t)asim_fx_mask(bits);
}

#endif
