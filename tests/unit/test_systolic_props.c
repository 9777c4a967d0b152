/*
 * test_systolic_props.c: the job model (closed form, systolic/systolic.c) equals the step model
 * (register level, systolic/systolic_step.c) on thousands of random GEMMs, corners included:
 * cycles, tiles and every activity count. The step model is driven here, through its ports,
 * with this file's own mapping of a GEMM onto tiles (not asim_systolic_map), once with ideal
 * streams and once with random stalls on every input stream and backpressure on out_ready.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

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

/* Tiles of C[m x n] = A[m x k] B[k x n] as docs/systolic.md maps them, restated here: os puts
 * M on the rows, N on the columns and streams K; ws puts K on the rows, N on the columns and
 * streams M; is puts K on the rows, M on the columns and streams N. */
static void tiles_of(asim_dataflow_t df, const asim_gemm_shape_t *s, uint64_t *rows_dim,
                     uint64_t *cols_dim, uint64_t *len)
{
    *rows_dim = df == ASIM_DATAFLOW_OS ? s->m : s->k;
    *cols_dim = df == ASIM_DATAFLOW_IS ? s->m : s->n;
    *len = df == ASIM_DATAFLOW_OS ? s->k : df == ASIM_DATAFLOW_WS ? s->m : s->n;
}

/* Percent chance, each cycle, that a stream's valid (cmd, a, b) or out_ready is low. */
typedef struct {
    unsigned cmd, a, b, out;
} stalls_t;

static bool low(unsigned percent)
{
    return rng_below(100) < percent;
}

/*
 * Runs one GEMM on a fresh step model through its ports: every tile's command in fold order
 * (rows fold outer, columns inner; ws/is folds after the first row fold accumulate), the
 * streams valid unless a stall draws them low. Returns the model's counts (a/b named after
 * the GEMM operands: is streams B west), the cycle of the first beat taken on either stream
 * and that of the last output (-1 if none).
 */
static void drive(const asim_systolic_geom_t *g, const asim_gemm_shape_t *s,
                  const stalls_t *st, asim_systolic_counts_t *out, int64_t *first_beat,
                  int64_t *last_output)
{
    uint64_t rows_dim, cols_dim, len;
    tiles_of(g->dataflow, s, &rows_dim, &cols_dim, &len);
    asim_systolic_params_t p = {.rows = g->rows, .cols = g->cols, .a_bits = 8, .b_bits = 8,
                                .a_signed = true, .b_signed = true, .acc_bits = 32,
                                .len_bits = 32};
    asim_systolic_step_t *m;
    asim_error_t err;
    assert_int_equal(asim_systolic_step_create(&p, &m, &err), ASIM_OK);
    uint64_t *a = calloc(g->rows, sizeof *a), *b = calloc(g->cols, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    uint64_t fr = (rows_dim + g->rows - 1) / g->rows, fc = (cols_dim + g->cols - 1) / g->cols;
    uint64_t issued = 0, tiles = fr * fc, limit = 100 * (tiles * (2 * g->rows + g->cols + len) + 10);
    asim_systolic_in_t in = {.a_data = a, .b_data = b, .cmd_len = (uint32_t)len,
                             .cmd_stat = g->dataflow != ASIM_DATAFLOW_OS,
                             .cmd_ovl = g->tile_overlap};
    asim_systolic_out_t o;
    *first_beat = *last_output = -1;
    for (uint64_t cycle = 0;; cycle++) {
        if (cycle > limit)
            fail_msg("%ux%u GEMM %llux%llux%llu: not done after %llu cycles", g->rows, g->cols,
                     (unsigned long long)s->m, (unsigned long long)s->n,
                     (unsigned long long)s->k, (unsigned long long)limit);
        in.cmd_valid = issued < tiles && !low(st->cmd);
        if (issued < tiles) {
            uint64_t r = issued / fc, c = issued % fc;
            in.cmd_rows = (uint32_t)(r + 1 < fr ? g->rows : rows_dim - r * g->rows);
            in.cmd_cols = (uint32_t)(c + 1 < fc ? g->cols : cols_dim - c * g->cols);
            in.cmd_acc = in.cmd_stat && r > 0;
        }
        in.a_valid = !low(st->a);
        in.b_valid = !low(st->b);
        in.out_ready = !low(st->out);
        /* Done when every tile has started before this edge and the array is empty (busy does
         * not cover a command taken but not yet started). */
        bool all_started = asim_systolic_step_counts(m)->tiles == tiles;
        asim_systolic_step(m, &in, &o);
        issued += in.cmd_valid && o.cmd_ready;
        if (*first_beat < 0 && ((in.a_valid && o.a_ready) || (in.b_valid && o.b_ready)))
            *first_beat = (int64_t)cycle;
        for (uint32_t j = 0; j < g->cols; j++)
            if (o.out_valid[j] && in.out_ready)
                *last_output = (int64_t)cycle;
        if (all_started && !o.busy)
            break;
    }
    *out = *asim_systolic_step_counts(m);
    if (g->dataflow == ASIM_DATAFLOW_IS) {
        out->a_reads = asim_systolic_step_counts(m)->b_reads;
        out->b_reads = asim_systolic_step_counts(m)->a_reads;
    }
    free(a);
    free(b);
    asim_systolic_step_free(m);
}

static void describe(char *what, size_t n, const asim_systolic_geom_t *g,
                     const asim_gemm_shape_t *s, const char *streams)
{
    snprintf(what, n, "%ux%u %s overlap=%d GEMM m=%llu n=%llu k=%llu, %s", g->rows, g->cols,
             asim_dataflow_name(g->dataflow), g->tile_overlap, (unsigned long long)s->m,
             (unsigned long long)s->n, (unsigned long long)s->k, streams);
}

/* Ideal streams: the step model's counts equal the job model's, cycles included. */
static void check_job(const asim_systolic_geom_t *g, const asim_gemm_shape_t *s)
{
    asim_systolic_counts_t job, step;
    int64_t first, last;
    asim_systolic_job(g, s, &job);
    drive(g, s, &(stalls_t){0, 0, 0, 0}, &step, &first, &last);
    char what[200];
    describe(what, sizeof what, g, s, "ideal streams");
    assert_counts_equal(&job, &step, what);
}

/* Stalled streams and backpressure: the same work (tiles, MACs, reads, writes) in at least as
 * many cycles. */
static void check_job_stalled(const asim_systolic_geom_t *g, const asim_gemm_shape_t *s,
                              const stalls_t *st)
{
    asim_systolic_counts_t job, step;
    int64_t first, last;
    asim_systolic_job(g, s, &job);
    drive(g, s, st, &step, &first, &last);
    char what[200];
    describe(what, sizeof what, g, s, "stalled streams");
    assert_true(step.cycles >= job.cycles);
    step.cycles = job.cycles;
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

/* 2000 random jobs with every input stream stalled and out_ready low at random rates (each
 * from 0 to 50%). */
static void test_job_with_stalls_random(void **state)
{
    (void)state;
    for (unsigned jobs = 0; jobs < 2000; jobs++) {
        asim_systolic_geom_t g = {.rows = 1 + (uint32_t)rng_below(8),
                                  .cols = 1 + (uint32_t)rng_below(8),
                                  .dataflow = (asim_dataflow_t)rng_below(3),
                                  .tile_overlap = rng_below(2)};
        asim_gemm_shape_t s = {pick_dim(g.rows), pick_dim(g.cols), pick_dim(g.rows)};
        stalls_t st = {(unsigned)rng_below(51), (unsigned)rng_below(51),
                       (unsigned)rng_below(51), (unsigned)rng_below(51)};
        check_job_stalled(&g, &s, &st);
    }
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

/* One tile in each dataflow: L = 2R + C + 2 + T busy cycles (the 2: the PE's two pipeline
 * registers between multiply and accumulate, rtl/systolic/sys_pe.v), and its last output
 * leaves exactly L - 1 cycles after its first beat (the first beat's cycle counts as 0). */
static void test_single_tile_latency(void **state)
{
    (void)state;
    static const asim_systolic_geom_t geoms[] = {{4, 8, ASIM_DATAFLOW_OS, false},
                                                 {4, 8, ASIM_DATAFLOW_WS, false},
                                                 {3, 5, ASIM_DATAFLOW_IS, false}};
    for (size_t i = 0; i < sizeof geoms / sizeof geoms[0]; i++) {
        const asim_systolic_geom_t *g = &geoms[i];
        asim_systolic_counts_t step;
        int64_t first, last, len = 5, l = 2 * g->rows + g->cols + 2 + len;
        /* One full tile streaming len = 5 beats in each dataflow. */
        asim_gemm_shape_t s = g->dataflow == ASIM_DATAFLOW_OS ? (asim_gemm_shape_t){4, 8, 5}
                              : g->dataflow == ASIM_DATAFLOW_WS ? (asim_gemm_shape_t){5, 8, 4}
                                                                : (asim_gemm_shape_t){5, 5, 3};
        drive(g, &s, &(stalls_t){0, 0, 0, 0}, &step, &first, &last);
        assert_int_equal(step.tiles, 1);
        assert_int_equal(step.cycles, l);
        assert_int_equal(last - first, l - 1); /* last output in cycle L - 1, not L - 2 or L */
        assert_int_equal(asim_systolic_tile_cycles(g, 5), step.cycles);
    }
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
        cmocka_unit_test(test_job_with_stalls_random),
        cmocka_unit_test(test_job_equals_step_large),
        cmocka_unit_test(test_single_tile_latency),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
