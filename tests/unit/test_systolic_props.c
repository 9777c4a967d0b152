/*
 * test_systolic_props.c: the job model (closed form, systolic/systolic.c) equals the step model
 * (register level, systolic/systolic_step.c) on thousands of random GEMMs, corners included:
 * cycles, tiles and every activity count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "systolic/systolic.h"
#include "systolic/systolic_step.h"
#include "test_rng.h"

/* A dimension folded on `len` PEs: corners (1, exact multiples, one over, one under) or any. */
static uint64_t pick_dim(uint32_t len)
{
    uint64_t corners[] = {1, len, len + 1u, 2u * len, 2u * len + 1, len > 1 ? len - 1u : 1};
    if (rng_below(3))
        return corners[rng_below(sizeof corners / sizeof corners[0])];
    return 1 + rng_below(3u * len);
}

static void assert_counts_equal(const asim_systolic_counts_t *job,
                                const asim_systolic_counts_t *step, const char *what)
{
    if (job->cycles != step->cycles || job->tiles != step->tiles || job->macs != step->macs ||
        job->a_reads != step->a_reads || job->b_reads != step->b_reads ||
        job->c_writes != step->c_writes || job->psum_reads != step->psum_reads) {
        print_error("%s\n  job : cycles %llu tiles %llu macs %llu a %llu b %llu c %llu psum %llu\n"
                    "  step: cycles %llu tiles %llu macs %llu a %llu b %llu c %llu psum %llu\n",
                    what, (unsigned long long)job->cycles, (unsigned long long)job->tiles,
                    (unsigned long long)job->macs, (unsigned long long)job->a_reads,
                    (unsigned long long)job->b_reads, (unsigned long long)job->c_writes,
                    (unsigned long long)job->psum_reads, (unsigned long long)step->cycles,
                    (unsigned long long)step->tiles, (unsigned long long)step->macs,
                    (unsigned long long)step->a_reads, (unsigned long long)step->b_reads,
                    (unsigned long long)step->c_writes, (unsigned long long)step->psum_reads);
        fail();
    }
}

static void check_job(const asim_systolic_geom_t *g, const asim_gemm_shape_t *s)
{
    asim_systolic_counts_t job, step;
    asim_error_t err;
    asim_systolic_job(g, s, &job);
    assert_int_equal(asim_systolic_step_run_job(g, s, &step, &err), ASIM_OK);
    char what[160];
    snprintf(what, sizeof what, "%ux%u %s overlap=%d GEMM m=%llu n=%llu k=%llu", g->rows,
             g->cols, asim_dataflow_name(g->dataflow), g->tile_overlap,
             (unsigned long long)s->m, (unsigned long long)s->n, (unsigned long long)s->k);
    assert_counts_equal(&job, &step, what);
}

/* 10000 random jobs on arrays from 1x1 to 8x8 (square and not), all dataflows, both overlap
 * settings. */
static void test_job_equals_step_random(void **state)
{
    (void)state;
    unsigned jobs = 0;
    for (; jobs < 10000; jobs++) {
        asim_systolic_geom_t g = {.rows = 1 + (uint32_t)rng_below(8),
                                  .cols = 1 + (uint32_t)rng_below(8),
                                  .dataflow = (asim_dataflow_t)rng_below(3),
                                  .tile_overlap = rng_below(2)};
        uint64_t rows_dim = pick_dim(g.rows), cols_dim = pick_dim(g.cols);
        uint64_t t = pick_dim(g.rows);
        asim_gemm_shape_t s;
        switch (g.dataflow) {
        case ASIM_DATAFLOW_OS: s = (asim_gemm_shape_t){rows_dim, cols_dim, t}; break;
        case ASIM_DATAFLOW_WS: s = (asim_gemm_shape_t){t, cols_dim, rows_dim}; break;
        default:               s = (asim_gemm_shape_t){cols_dim, t, rows_dim}; break;
        }
        check_job(&g, &s);
    }
    print_message("job model == step model on %u random jobs\n", jobs);
}

/* Larger arrays and the corner where T is much longer than the array. */
static void test_job_equals_step_large(void **state)
{
    (void)state;
    const uint32_t sizes[][2] = {{16, 16}, {4, 16}, {16, 4}, {32, 32}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int df = 0; df < 3; df++)
            for (int ovl = 0; ovl < 2; ovl++) {
                asim_systolic_geom_t g = {sizes[i][0], sizes[i][1], (asim_dataflow_t)df, ovl};
                check_job(&g, &(asim_gemm_shape_t){33, 40, 100});
                check_job(&g, &(asim_gemm_shape_t){1, 1, 1});
            }
}

/* One tile: L = 2R + C + T, checked at the boundary against one cycle less and more. */
static void test_single_tile_latency(void **state)
{
    (void)state;
    asim_systolic_geom_t g = {4, 8, ASIM_DATAFLOW_OS, false};
    asim_systolic_counts_t step;
    asim_error_t err;
    assert_int_equal(asim_systolic_step_run_job(&g, &(asim_gemm_shape_t){4, 8, 5}, &step, &err),
                     ASIM_OK);
    assert_int_equal(step.cycles, 2 * 4 + 8 + 5);
    assert_true(step.cycles != 2 * 4 + 8 + 5 - 1 && step.cycles != 2 * 4 + 8 + 5 + 1);
    assert_int_equal(asim_systolic_tile_cycles(&g, 5), step.cycles);
}

static void test_bad_input(void **state)
{
    (void)state;
    asim_systolic_step_t *s;
    asim_error_t err;
    asim_systolic_params_t p = {.rows = 4, .cols = 4, .a_bits = 1, .b_bits = 8,
                                .acc_bits = 32, .len_bits = 16};
    assert_int_equal(asim_systolic_step_create(&p, &s, &err), ASIM_ERANGE);
    assert_null(s);
    p.a_bits = 8;
    assert_int_equal(asim_systolic_step_create(&p, &s, &err), ASIM_OK);
    asim_systolic_step_free(s);
    asim_systolic_counts_t c;
    asim_systolic_geom_t g = {4, 4, ASIM_DATAFLOW_WS, false};
    assert_int_equal(asim_systolic_step_run_job(&g, &(asim_gemm_shape_t){0, 4, 4}, &c, &err),
                     ASIM_ERANGE);
}

int main(void)
{
    *test_rng_seed() = 0x5157u;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_equals_step_random),
        cmocka_unit_test(test_job_equals_step_large),
        cmocka_unit_test(test_single_tile_latency),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
