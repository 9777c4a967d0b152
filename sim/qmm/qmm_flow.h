/*
 * qmm_flow.h: BETA's computation-flow abstraction, as a cost model and as integer kernels.
 *
 * A quantized linear layer Y = X W^T + bias with X = a*Qx + z (activation scale a, zero
 * point z; BiT's unsigned quantizer) and W = m*B (binary B, per-layer scale m) can run
 *   naive:     dequantize X and W to full precision, then a full-precision inner product:
 *              FP ops = 2*M*K (X) + K*N (W) + 2*M*N*K (MACs) + M*N (bias);
 *              cycles on one FP MAC per 8-bit lane: M * ceil(N/D) * ceil(K/L) + pipeline;
 *   rewritten: Y = a*m*(Qx B^T) + (z*m*colsum(B) + bias), with colsum(B) and the bracket
 *              precomputed per output column (N FP multiply-adds, once per layer), so the
 *              engine stays integer and each output costs one FP multiply and one FP add:
 *              FP ops = 2*M*N + 2*N; cycles from the QMM job model.
 * In the integer domain (z = zq * a), both flows compute the same integers:
 *   sum_k (Qx[m,k] + zq) * B[k,n] == sum_k Qx[m,k] * B[k,n] + zq * colsum(B)[n]
 * (tests/unit/test_qmm_flow.c checks this on random data).
 */
#ifndef ASIM_QMM_QMM_FLOW_H
#define ASIM_QMM_QMM_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "qmm/qmm.h"

typedef struct {
    uint64_t fp_mults, fp_adds;   /* full-precision operations */
    asim_cycle_t cycles;
} asim_flow_cost_t;

/* Costs of one job (all count instances) in both flows; adds into naive and rewritten. */
void asim_qmm_flow_add(const asim_qmm_geom_t *g, const asim_qmm_job_t *j, uint64_t count,
                       asim_flow_cost_t *naive, asim_flow_cost_t *rewritten);
/* Naive integer flow: y[m*n_cols + n] = sum_k (qx[m*k_len + k] + zq) * b[k*n_cols + n],
 * with b in {-1, +1}. */
void asim_qmm_dot_naive(const int32_t *qx, const int8_t *b, int32_t zq, size_t m_rows,
                        size_t k_len, size_t n_cols, int64_t *y);
/* Rewritten flow: integer core plus the precomputed zq * colsum(B) term. */
void asim_qmm_dot_rewritten(const int32_t *qx, const int8_t *b, int32_t zq, size_t m_rows,
                            size_t k_len, size_t n_cols, int64_t *y);

#endif
