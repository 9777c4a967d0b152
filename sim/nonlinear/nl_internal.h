/*
 * nl_internal.h: helpers shared by the nonlinear kernels (sim/nonlinear/ only).
 */
#ifndef ASIM_NL_INTERNAL_H
#define ASIM_NL_INTERNAL_H

#include "asim/fixed.h"
#include "nonlinear/nl_kernels.h"

/* ASIM_OK if (x, n, in) meets the input contract of nl_kernels.h with codes of at most
 * max_bits (asim_nl_max_in_bits), else ASIM_EARG. */
asim_status_t asim_nl_check_input(const int32_t *x, size_t n, const asim_nl_fmt_t *in,
                                  unsigned max_bits);
/* ASIM_OK if 2 <= prob_bits <= asim_nl_max_prob_bits(impl). */
asim_status_t asim_nl_check_prob_bits(asim_nl_impl_t impl, unsigned prob_bits);
/* Largest code of the row (n >= 1): the max-comparator tree. */
int32_t asim_nl_row_max(const int32_t *x, size_t n);
/* rnd(sum x_i / n), ties up: floor((2 sum + n) / 2n) (I-BERT / I-ViT mean). */
int64_t asim_nl_mean_round(const int32_t *x, size_t n);
/* y_i = sat32(floor((x_i - mean) * factor / 2)): the I-BERT / I-ViT LayerNorm output. */
void asim_nl_apply_factor(const int32_t *x, size_t n, int64_t mean, int64_t factor, int32_t *y);
/* Fills *out. */
void asim_nl_set_fmt(asim_nl_fmt_t *out, unsigned bits, bool is_signed, double scale);

#endif
