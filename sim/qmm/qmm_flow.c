/* qmm_flow.c: naive and rewritten computation flows of a QMM (see qmm_flow.h). */
#include "util/arith.h"
#include "qmm/qmm_flow.h"

void asim_qmm_flow_add(const asim_qmm_geom_t *g, const asim_qmm_job_t *j, uint64_t count,
                       asim_flow_cost_t *naive, asim_flow_cost_t *rewritten)
{
    uint64_t m = j->m, n = j->n, k = j->k;
    uint64_t nm = count * (m * k + k * n + m * n * k), na = count * (m * k + m * n * k + m * n);
    naive->fp_mults += nm;
    naive->fp_adds += na;
    naive->cycles += count * (m * asim_ceil_div(n, g->dpus) * asim_ceil_div(k, g->lanes) +
                              ASIM_QMM_PIPELINE);

    asim_qmm_counts_t c;
    asim_qmm_job(g, j, &c);
    uint64_t rm = count * (m * n + n), ra = count * (m * n + n);
    rewritten->fp_mults += rm;
    rewritten->fp_adds += ra;
    rewritten->cycles += count * c.cycles;
}

void asim_qmm_dot_naive(const int32_t *qx, const int8_t *b, int32_t zq, size_t m_rows,
                        size_t k_len, size_t n_cols, int64_t *y)
{
    for (size_t m = 0; m < m_rows; m++)
        for (size_t n = 0; n < n_cols; n++) {
            int64_t acc = 0;
            for (size_t k = 0; k < k_len; k++)
                acc += ((int64_t)qx[m * k_len + k] + zq) * b[k * n_cols + n];
            y[m * n_cols + n] = acc;
        }
}

void asim_qmm_dot_rewritten(const int32_t *qx, const int8_t *b, int32_t zq, size_t m_rows,
                            size_t k_len, size_t n_cols, int64_t *y)
{
    for (size_t n = 0; n < n_cols; n++) {
        int64_t colsum = 0; /* precomputed once per column, as the hardware does offline */
        for (size_t k = 0; k < k_len; k++)
            colsum += b[k * n_cols + n];
        for (size_t m = 0; m < m_rows; m++) {
            int64_t core = 0;
            for (size_t k = 0; k < k_len; k++)
                core += (int64_t)qx[m * k_len + k] * b[k * n_cols + n];
            y[m * n_cols + n] = core + (int64_t)zq * colsum;
        }
    }
}
