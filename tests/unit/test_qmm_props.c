/*
 * test_qmm_props.c: the QMM job model (closed form, qmm/qmm.c) equals the step model
 * (register level, qmm/qmm_step.c) on thousands of random jobs, corners included: cycles
 * and every activity count of asim_qmm_counts_t. Random stalls on the command and input
 * streams and backpressure on out_ready leave the work unchanged and add cycles only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "asim/fixed.h"
#include "qmm/qmm.h"
#include "qmm/qmm_step.h"
#include "test_rng.h"

/* A dimension folded `len` at a time: corners (1, exact multiples, one over, one under) or
 * any value up to 3 * len. */
static uint64_t pick_dim(uint64_t len)
{
    uint64_t corners[] = {1, len, len + 1, 2 * len, 2 * len + 1, len > 1 ? len - 1 : 1};
    if (rng_below(3))
        return corners[rng_below(sizeof corners / sizeof corners[0])];
    return 1 + rng_below(3 * len);
}

static void check_job(const asim_qmm_geom_t *g, const asim_qmm_job_t *j)
{
    asim_qmm_counts_t job, step;
    asim_error_t err;
    asim_qmm_job(g, j, &job);
    assert_int_equal(asim_qmm_step_run_job(g, j, &step, &err), ASIM_OK);
    if (job.cycles != step.cycles || job.passes != step.passes || job.groups != step.groups ||
        job.k_steps != step.k_steps || job.macs != step.macs ||
        job.act_reads != step.act_reads || job.b_bit_reads != step.b_bit_reads ||
        job.outputs != step.outputs) {
        print_error("D %u L %u job m=%llu n=%llu k=%llu a%d b%d%s\n"
                    "  job : cycles %llu passes %llu groups %llu k_steps %llu macs %llu "
                    "act %llu b %llu out %llu\n"
                    "  step: cycles %llu passes %llu groups %llu k_steps %llu macs %llu "
                    "act %llu b %llu out %llu\n",
                    g->dpus, g->lanes, (unsigned long long)j->m, (unsigned long long)j->n,
                    (unsigned long long)j->k, j->act_bits, j->b_bits,
                    j->b_binary ? " binary" : "", (unsigned long long)job.cycles,
                    (unsigned long long)job.passes, (unsigned long long)job.groups,
                    (unsigned long long)job.k_steps, (unsigned long long)job.macs,
                    (unsigned long long)job.act_reads, (unsigned long long)job.b_bit_reads,
                    (unsigned long long)job.outputs, (unsigned long long)step.cycles,
                    (unsigned long long)step.passes, (unsigned long long)step.groups,
                    (unsigned long long)step.k_steps, (unsigned long long)step.macs,
                    (unsigned long long)step.act_reads, (unsigned long long)step.b_bit_reads,
                    (unsigned long long)step.outputs);
        fail();
    }
}

/* Percent chance, each cycle, that cmd_valid, in_valid or out_ready is low. */
typedef struct {
    unsigned cmd, in, out;
} stalls_t;

static bool low(unsigned percent)
{
    return rng_below(100) < percent;
}

/* Runs job j on a fresh step model through its ports with the given stalls; returns its raw
 * counts, the cycle of the first input beat taken and that of the last output taken. */
static void drive(const asim_qmm_geom_t *g, const asim_qmm_job_t *j, const stalls_t *st,
                  asim_qmm_step_counts_t *out, int64_t *first_beat, int64_t *last_output)
{
    asim_qmm_params_t p = {.dpus = g->dpus, .lanes = g->lanes, .acc_bits = 32, .m0_bits = 16,
                           .beta_bits = 24, .shift_bits = 5, .out_bits = 8, .m_bits = 16,
                           .n_bits = 16, .k_bits = 16};
    asim_qmm_step_t *m;
    asim_error_t err;
    assert_int_equal(asim_qmm_step_create(&p, &m, &err), ASIM_OK);
    uint8_t *act = calloc(g->lanes, 1), *b = calloc((size_t)g->dpus * g->lanes, 1);
    uint64_t *beta = calloc(g->dpus, sizeof *beta);
    assert_true(act && b && beta);
    asim_qmm_in_t in = {.cmd_m = (uint32_t)j->m, .cmd_n = (uint32_t)j->n,
                        .cmd_k = (uint32_t)j->k,
                        .cmd_amode = (unsigned)asim_fx_lod((uint64_t)j->act_bits),
                        .cmd_bbin = j->b_binary, .cmd_bbits = (unsigned)j->b_bits,
                        .cmd_bsigned = true, .in_act = act, .in_b = b, .in_beta = beta};
    asim_qmm_out_t o;
    bool taken = false;
    uint64_t limit = 100 * (j->m * j->n * j->k * 8 + 64);
    *first_beat = *last_output = -1;
    for (uint64_t cycle = 0;; cycle++) {
        if (cycle > limit)
            fail_msg("job %llux%llux%llu not done after %llu cycles", (unsigned long long)j->m,
                     (unsigned long long)j->n, (unsigned long long)j->k,
                     (unsigned long long)limit);
        in.cmd_valid = !taken && !low(st->cmd);
        in.in_valid = !low(st->in);
        in.out_ready = !low(st->out);
        bool was_taken = taken;
        asim_qmm_step(m, &in, &o);
        taken |= in.cmd_valid && o.cmd_ready;
        if (*first_beat < 0 && in.in_valid && o.in_ready)
            *first_beat = (int64_t)cycle;
        if (o.out_valid && in.out_ready)
            *last_output = (int64_t)cycle;
        if (was_taken && !o.busy)
            break;
    }
    *out = *asim_qmm_step_counts(m);
    free(act);
    free(b);
    free(beta);
    asim_qmm_step_free(m);
}

/* Stalled streams: the job model's work, in raw counters, in at least its cycles. */
static void check_job_stalled(const asim_qmm_geom_t *g, const asim_qmm_job_t *j,
                              const stalls_t *st)
{
    asim_qmm_counts_t job;
    asim_qmm_step_counts_t c;
    int64_t first, last;
    asim_qmm_job(g, j, &job);
    drive(g, j, st, &c, &first, &last);
    if (c.cycles < job.cycles || c.groups != job.groups ||
        c.passes != job.passes * job.groups || c.beats != job.k_steps * c.passes ||
        c.macs != job.macs || c.act_reads != job.act_reads || c.b_bit_reads != job.b_bit_reads ||
        c.outputs != job.outputs)
        fail_msg("D %u L %u job m=%llu n=%llu k=%llu a%d b%d, stalls %u/%u/%u%%: step cycles "
                 "%llu (job %llu), groups %llu passes %llu beats %llu outputs %llu",
                 g->dpus, g->lanes, (unsigned long long)j->m, (unsigned long long)j->n,
                 (unsigned long long)j->k, j->act_bits, j->b_bits, st->cmd, st->in, st->out,
                 (unsigned long long)c.cycles, (unsigned long long)job.cycles,
                 (unsigned long long)c.groups, (unsigned long long)c.passes,
                 (unsigned long long)c.beats, (unsigned long long)c.outputs);
}

static asim_qmm_job_t random_job(const asim_qmm_geom_t *g)
{
    int act_bits = 1 << rng_below(4);
    bool binary = rng_below(2);
    asim_qmm_job_t j = {
        .m = 1 + rng_below(4),
        .n = pick_dim(g->dpus),
        .k = pick_dim(asim_qmm_elems_per_cycle(g, act_bits)),
        .act_bits = act_bits,
        .b_bits = binary ? 1 : 1 + (int)rng_below(8),
        .b_binary = binary,
    };
    return j;
}

/* 5000 random jobs on engines from 1x1 to 16x8 (powers of two and not), every precision,
 * binary and 1..8-bit B. */
static void test_job_equals_step_random(void **state)
{
    (void)state;
    unsigned jobs = 0;
    for (; jobs < 5000; jobs++) {
        asim_qmm_geom_t g = {1 + (uint32_t)rng_below(16), 1 + (uint32_t)rng_below(8)};
        asim_qmm_job_t j = random_job(&g);
        check_job(&g, &j);
    }
    print_message("job model == step model on %u random jobs\n", jobs);
}

/* 2000 random jobs with cmd_valid and in_valid low and out_ready low at random rates (each
 * 0 to 50%). */
static void test_job_with_stalls_random(void **state)
{
    (void)state;
    for (unsigned jobs = 0; jobs < 2000; jobs++) {
        asim_qmm_geom_t g = {1 + (uint32_t)rng_below(16), 1 + (uint32_t)rng_below(8)};
        asim_qmm_job_t j = random_job(&g);
        stalls_t st = {(unsigned)rng_below(51), (unsigned)rng_below(51), (unsigned)rng_below(51)};
        check_job_stalled(&g, &j, &st);
    }
}

/* The corners one at a time: K = 1, M = N = K = 1, K one over P(A), N one over D. */
static void test_job_equals_step_corners(void **state)
{
    (void)state;
    const asim_qmm_geom_t geoms[] = {{1, 1}, {2, 1}, {4, 2}, {8, 4}, {16, 2}, {3, 3}};
    for (size_t i = 0; i < sizeof geoms / sizeof geoms[0]; i++) {
        const asim_qmm_geom_t *g = &geoms[i];
        for (int a = 1; a <= 8; a *= 2)
            for (int b = 0; b <= 8; b++) {
                uint64_t p = asim_qmm_elems_per_cycle(g, a);
                bool bin = b == 0;
                int bits = bin ? 1 : b;
                check_job(g, &(asim_qmm_job_t){1, 1, 1, a, bits, bin});
                check_job(g, &(asim_qmm_job_t){2, g->dpus + 1, p + 1, a, bits, bin});
                check_job(g, &(asim_qmm_job_t){3, 2 * g->dpus, 2 * p, a, bits, bin});
            }
    }
}

/* One group of one step: its output leaves 9 cycles after its beat (the RTL's 9 registers,
 * docs/qmm.md), 1 + 9 = 10 busy cycles; two groups back to back add exactly one cycle. */
static void test_single_beat_latency(void **state)
{
    (void)state;
    asim_qmm_geom_t g = {4, 2};
    asim_qmm_step_counts_t c;
    int64_t first, last;
    drive(&g, &(asim_qmm_job_t){1, 4, 16, 1, 1, true}, &(stalls_t){0, 0, 0}, &c, &first, &last);
    assert_int_equal(c.beats, 1);
    assert_int_equal(c.cycles, 10);
    assert_int_equal(last - first, 9);
    drive(&g, &(asim_qmm_job_t){1, 5, 16, 1, 1, true}, &(stalls_t){0, 0, 0}, &c, &first, &last);
    assert_int_equal(c.beats, 2);
    assert_int_equal(c.cycles, 11);
    assert_int_equal(last - first, 10);
}

static void test_bad_input(void **state)
{
    (void)state;
    asim_qmm_step_t *s;
    asim_error_t err;
    asim_qmm_params_t p = {.dpus = 4, .lanes = 2, .acc_bits = 10, .m0_bits = 16,
                           .beta_bits = 32, .shift_bits = 5, .out_bits = 8, .m_bits = 16,
                           .n_bits = 16, .k_bits = 16};
    assert_int_equal(asim_qmm_step_create(&p, &s, &err), ASIM_ERANGE); /* ACCW <= 9 + 1 */
    assert_null(s);
    p.acc_bits = 11;
    assert_int_equal(asim_qmm_step_create(&p, &s, &err), ASIM_OK);
    asim_qmm_step_free(s);
    asim_qmm_geom_t g = {4, 2};
    asim_qmm_counts_t c;
    assert_int_equal(asim_qmm_step_run_job(&g, &(asim_qmm_job_t){0, 4, 4, 8, 1, true}, &c, &err),
                     ASIM_ERANGE);
    assert_int_equal(asim_qmm_step_run_job(&g, &(asim_qmm_job_t){1, 4, 4, 3, 1, true}, &c, &err),
                     ASIM_ERANGE);
}

int main(void)
{
    *test_rng_seed() = 0x9a11u;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_equals_step_random),
        cmocka_unit_test(test_job_with_stalls_random),
        cmocka_unit_test(test_job_equals_step_corners),
        cmocka_unit_test(test_single_beat_latency),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
