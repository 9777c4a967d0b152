/* test_qmm.c: QMM engine job model (hand-derived cases), modes, and the computation flows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "qmm/qmm.h"
#include "qmm/qmm_flow.h"

static void test_lane_unfolding(void **state)
{
    (void)state;
    asim_qmm_geom_t g = {64, 16};
    assert_int_equal(asim_qmm_elems_per_cycle(&g, 8), 16);
    assert_int_equal(asim_qmm_elems_per_cycle(&g, 4), 32);
    assert_int_equal(asim_qmm_elems_per_cycle(&g, 2), 64);
    assert_int_equal(asim_qmm_elems_per_cycle(&g, 1), 128);
}

static void test_modes(void **state)
{
    (void)state;
    assert_int_equal(asim_qmm_act_mode(1, 1, 8), 1);
    assert_int_equal(asim_qmm_act_mode(3, 1, 8), 4); /* next supported precision */
    assert_int_equal(asim_qmm_act_mode(1, 2, 8), 2);
    assert_int_equal(asim_qmm_act_mode(8, 1, 4), 0); /* too wide */
    assert_int_equal(asim_qmm_act_mode(16, 1, 8), 0);
}

/* BERT-base QKV at 4-bit activations, binary weights, on 64 DPUs x 16 lanes:
 * M=128, N=2304, K=768; groups = 128 * ceil(2304/64) = 128 * 36 = 4608;
 * P(4) = 32, k_steps = 768/32 = 24; one pass; cycles = 4608 * 24 + 9 = 110601. */
static void test_binary_weight_job_by_hand(void **state)
{
    (void)state;
    asim_qmm_geom_t g = {64, 16};
    asim_qmm_job_t j = {128, 2304, 768, 4, 1, true};
    asim_qmm_counts_t c;
    asim_qmm_job(&g, &j, &c);
    assert_int_equal(c.groups, 4608);
    assert_int_equal(c.k_steps, 24);
    assert_int_equal(c.passes, 1);
    assert_int_equal(c.cycles, 110601);
    assert_int_equal(c.macs, 128ull * 2304 * 768);
    assert_int_equal(c.act_reads, 4608ull * 768);
    assert_int_equal(c.b_bit_reads, 128ull * 2304 * 768);
    assert_int_equal(c.outputs, 128ull * 2304);
}

/* Attention Q K^T at 4 bits on both sides, one head: M=N=128, K=64:
 * groups = 128 * 2 = 256; k_steps = ceil(64/32) = 2; 4 passes over K's bit planes:
 * cycles = 256 * 2 * 4 + 9 = 2057. Edge cases: N=65 needs two groups, K=33 two steps. */
static void test_activation_by_activation_and_edges_by_hand(void **state)
{
    (void)state;
    asim_qmm_geom_t g = {64, 16};
    asim_qmm_counts_t c;
    asim_qmm_job(&g, &(asim_qmm_job_t){128, 128, 64, 4, 4, false}, &c);
    assert_int_equal(c.passes, 4);
    assert_int_equal(c.cycles, 2057);
    asim_qmm_job(&g, &(asim_qmm_job_t){1, 65, 33, 4, 1, true}, &c);
    assert_int_equal(c.groups, 2);
    assert_int_equal(c.k_steps, 2);
    assert_int_equal(c.cycles, 2 * 2 + 9);
    asim_qmm_job(&g, &(asim_qmm_job_t){1, 64, 32, 4, 1, true}, &c);
    assert_int_equal(c.cycles, 1 + 9); /* one group, one step: pipeline only beyond it */
}

static void test_cycles_fall_with_activation_precision(void **state)
{
    (void)state;
    asim_qmm_geom_t g = {64, 16};
    asim_cycle_t prev = 0;
    for (int a = 1; a <= 8; a *= 2) {
        asim_qmm_counts_t c;
        asim_qmm_job(&g, &(asim_qmm_job_t){128, 768, 768, a, 1, true}, &c);
        assert_true(c.cycles > prev);
        prev = c.cycles;
    }
}

/* Both flows give the same integers on random data, signed and unsigned activations,
 * shapes with K not a multiple of anything. */
static void test_flows_give_the_same_integers(void **state)
{
    (void)state;
    srand(11);
    for (int trial = 0; trial < 50; trial++) {
        size_t m = 1 + (size_t)(rand() % 7), k = 1 + (size_t)(rand() % 97),
               n = 1 + (size_t)(rand() % 9);
        int bits = 1 << (rand() % 4);
        int32_t *qx = malloc(m * k * sizeof *qx);
        int8_t *b = malloc(k * n);
        int64_t *y1 = malloc(m * n * sizeof *y1), *y2 = malloc(m * n * sizeof *y2);
        for (size_t i = 0; i < m * k; i++)
            qx[i] = rand() % (1 << bits); /* unsigned b-bit codes */
        for (size_t i = 0; i < k * n; i++)
            b[i] = rand() % 2 ? 1 : -1;
        int32_t zq = rand() % 256 - 128;
        asim_qmm_dot_naive(qx, b, zq, m, k, n, y1);
        asim_qmm_dot_rewritten(qx, b, zq, m, k, n, y2);
        for (size_t i = 0; i < m * n; i++)
            assert_int_equal(y1[i], y2[i]);
        free(qx);
        free(b);
        free(y1);
        free(y2);
    }
    /* A known case: qx = [1 2 3], B = [+1 -1 +1]^T, zq = 2:
     * naive (1+2) - (2+2) + (3+2) = 4; rewritten 1 - 2 + 3 + 2 * 1 = 4. */
    int32_t qx[3] = {1, 2, 3};
    int8_t b[3] = {1, -1, 1};
    int64_t y;
    asim_qmm_dot_naive(qx, b, 2, 1, 3, 1, &y);
    assert_int_equal(y, 4);
    asim_qmm_dot_rewritten(qx, b, 2, 1, 3, 1, &y);
    assert_int_equal(y, 4);
}

/* FP operation counts of both flows for M=2, N=3, K=4 on a 1-DPU, 1-lane engine. */
static void test_flow_costs_by_hand(void **state)
{
    (void)state;
    asim_qmm_geom_t g = {1, 1};
    asim_flow_cost_t naive = {0}, rw = {0};
    asim_qmm_flow_add(&g, &(asim_qmm_job_t){2, 3, 4, 8, 1, true}, 1, &naive, &rw);
    /* naive: mults M*K + K*N + M*N*K = 8 + 12 + 24; adds M*K + M*N*K + M*N = 8 + 24 + 6 */
    assert_int_equal(naive.fp_mults, 44);
    assert_int_equal(naive.fp_adds, 38);
    assert_int_equal(naive.cycles, 2 * 3 * 4 + ASIM_QMM_PIPELINE);
    /* rewritten: M*N + N of each */
    assert_int_equal(rw.fp_mults, 9);
    assert_int_equal(rw.fp_adds, 9);
    /* one 8-bit lane takes P(8) = 1 element per cycle: k_steps = 4; groups 2 * 3 = 6 */
    assert_int_equal(rw.cycles, 6 * 4 + ASIM_QMM_PIPELINE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lane_unfolding),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_binary_weight_job_by_hand),
        cmocka_unit_test(test_activation_by_activation_and_edges_by_hand),
        cmocka_unit_test(test_cycles_fall_with_activation_precision),
        cmocka_unit_test(test_flows_give_the_same_integers),
        cmocka_unit_test(test_flow_costs_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
