/* ref_gemm.c: see ref_gemm.h. Deliberately the textbook triple loop. */
#include "ref_gemm.h"

void cosim_ref_gemm(size_t m, size_t n, size_t k, const int64_t *a, const int64_t *b,
                    int64_t *c)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            int64_t sum = 0;
            for (size_t l = 0; l < k; l++)
                sum += a[i * k + l] * b[l * n + j];
            c[i * n + j] = sum;
        }
}
