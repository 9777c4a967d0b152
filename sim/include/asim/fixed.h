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

/*
 * Signed fixed-point helpers (nonlinear kernels, sim/nonlinear/). Values are int64_t in
 * two's complement; a "shift" never runs on a negative count or one >= 64: the count is
 * clamped to 0..63 here and every caller documents when the clamp can act. A right shift of
 * a signed value is arithmetic (floor), as Verilog's >>> on a signed operand; a left shift
 * is a multiplication by 2^s (the caller guarantees |v| * 2^s < 2^63), as Verilog's <<<.
 */

/* floor(v / 2^s), s clamped to 63 (Verilog: v >>> s). */
static inline int64_t asim_fx_asr(int64_t v, unsigned s)
{
    if (s > 63)
        s = 63;
    return v < 0 ? ~(~v >> s) : v >> s;
}

/* v * 2^s; the caller keeps |v| * 2^s < 2^63 (Verilog: v <<< s). */
static inline int64_t asim_fx_shl(int64_t v, unsigned s)
{
    return v * (INT64_C(1) << (s > 62 ? 62 : s));
}

/* round(v / 2^s), ties toward +infinity: floor((v + 2^(s-1)) / 2^s); s = 0 returns v,
 * s clamped to 62; the caller keeps |v| < 2^62 (Verilog: (v + (1 <<< (s-1))) >>> s). */
static inline int64_t asim_fx_round_shr(int64_t v, unsigned s)
{
    if (s == 0)
        return v;
    if (s > 62)
        s = 62;
    return asim_fx_asr(v + (INT64_C(1) << (s - 1)), s);
}

/* v clamped to [lo, hi] (lo <= hi): saturation. */
static inline int64_t asim_fx_sat(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Position of the leading one of v, 0..63 (floor(log2 v)); -1 for v == 0 (a leading-one
 * detector). */
static inline int asim_fx_lod(uint64_t v)
{
    int p = -1;
    while (v) {
        v >>= 1;
        p++;
    }
    return p;
}

/* floor(a / b) for b > 0 (C's / truncates toward zero; this floors, as the RTL divider). */
static inline int64_t asim_fx_div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* The QMM engine's rounding stage (rtl/qmm/qmm_post.v, stage 5): sat(round(sum / 2^shift))
 * into a signed out_bits field, rounding to nearest with ties toward +infinity
 * (asim_fx_round_shr); the caller keeps |sum| < 2^61 and shift <= 62. */
static inline int64_t asim_fx_requant_round(int64_t sum, unsigned shift, unsigned out_bits)
{
    return asim_fx_sat(asim_fx_round_shr(sum, shift), asim_fx_min(out_bits, true),
                       asim_fx_max(out_bits, true));
}

/* The QMM engine's requantizer, y = sat(round((dot * m0 + beta) / 2^shift)): the multiply-add
 * of stages 6 and 7 and the rounding and saturation of stages 8 and 9; the caller keeps |dot * m0 + beta| < 2^61. */
static inline int64_t asim_fx_requant(int64_t dot, int64_t m0, int64_t beta, unsigned shift,
                                      unsigned out_bits)
{
    return asim_fx_requant_round(dot * m0 + beta, shift, out_bits);
}

#endif
