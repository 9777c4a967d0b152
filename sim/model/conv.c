/* conv.c: the one im2col lowering of a 2-D convolution (see model.h, asim_conv_lower). */
#include <stdio.h>

#include "asim/checked.h"
#include "asim/model.h"

/* Output length of one spatial axis; false if the window does not fit. */
static bool out_len(uint64_t in, uint64_t pad0, uint64_t pad1, uint64_t filt, uint64_t stride,
                    uint64_t dilation, bool ceil_mode, uint64_t *out)
{
    uint64_t padded = in + pad0 + pad1, span = dilation * (filt - 1) + 1;
    if (padded < span)
        return false;
    *out = (padded - span + (ceil_mode ? stride - 1 : 0)) / stride + 1;
    return true;
}

asim_status_t asim_conv_lower(const asim_conv_t *c, asim_op_t *op, uint64_t *out_h, char *why,
                              size_t n)
{
    const uint64_t caps[] = {c->batch, c->in_h, c->in_w, c->channels, c->filters, c->filt_h,
                             c->filt_w, c->stride_h, c->stride_w, c->dilation_h, c->dilation_w,
                             c->groups};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (caps[i] < 1 || caps[i] > ASIM_MODEL_MAX_DIM) {
            snprintf(why, n, "convolution sizes, strides, dilations and groups must be 1 to %u",
                     ASIM_MODEL_MAX_DIM);
            return ASIM_ERANGE;
        }
    for (int i = 0; i < 4; i++)
        if (c->pads[i] > ASIM_MODEL_MAX_DIM) {
            snprintf(why, n, "convolution padding must be 0 to %u", ASIM_MODEL_MAX_DIM);
            return ASIM_ERANGE;
        }
    if (c->channels % c->groups != 0 || c->filters % c->groups != 0) {
        snprintf(why, n, "channels %llu and filters %llu must be multiples of groups %llu",
                 (unsigned long long)c->channels, (unsigned long long)c->filters,
                 (unsigned long long)c->groups);
        return ASIM_EMODEL;
    }
    uint64_t oh, ow;
    if (!out_len(c->in_h, c->pads[0], c->pads[2], c->filt_h, c->stride_h, c->dilation_h, c->ceil_mode, &oh) ||
        !out_len(c->in_w, c->pads[1], c->pads[3], c->filt_w, c->stride_w, c->dilation_w, c->ceil_mode, &ow)) {
        snprintf(why, n, "the %llu x %llu filter is larger than the %llu x %llu input map",
                 (unsigned long long)c->filt_h, (unsigned long long)c->filt_w,
                 (unsigned long long)c->in_h, (unsigned long long)c->in_w);
        return ASIM_EMODEL;
    }
    uint64_t window = c->filt_h * c->filt_w, m;
    if (!asim_mul3_u64(c->batch, oh, ow, &m) || m > ASIM_MODEL_MAX_DIM) {
        snprintf(why, n, "%llu x %llu output pixels (x batch %llu) exceed %u",
                 (unsigned long long)oh, (unsigned long long)ow, (unsigned long long)c->batch,
                 ASIM_MODEL_MAX_DIM);
        return ASIM_ERANGE;
    }
    op->kind = ASIM_OP_GEMM;
    op->m = m;
    op->n = c->filters / c->groups;
    op->k = window * (c->channels / c->groups);
    op->count = c->groups;
    op->b_is_weight = true;
    /* Overlapping windows read each stored input element window times from a line buffer;
     * non-overlapping ones (a patch embedding) are a plain reshuffle of the input. */
    bool overlap = c->stride_h < c->filt_h || c->stride_w < c->filt_w;
    op->a_reuse = overlap && window > 1 ? (uint32_t)window : 0;
    if (out_h)
        *out_h = oh;
    return ASIM_OK;
}
