/* ref_gemm.h: plain reference GEMM, the independent oracle for cosim results. */
#ifndef COSIM_REF_GEMM_H
#define COSIM_REF_GEMM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* c[m x n] = a[m x k] * b[k x n], row-major, exact in 64 bits (|a|, |b| < 2^16, k < 2^31). */
void cosim_ref_gemm(size_t m, size_t n, size_t k, const int64_t *a, const int64_t *b,
                    int64_t *c);

#ifdef __cplusplus
}
#endif

#endif
