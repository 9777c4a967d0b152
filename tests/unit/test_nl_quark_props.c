/*
 * test_nl_quark_props.c: the QUARK unit's job model (closed form, quark/quark.c) equals its
 * step model (register level, quark/quark_step.c) on thousands of random jobs, corners
 * included (cycles and every activity count); the step model's outputs equal the bit-exact
 * kernels (asim_nl_run, impl quark) on random rows of every mode; the unit ops table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "asim/fixed.h"
#include "nonlinear/nl_kernels.h"
#include "block/unit.h"
#include "quark/quark.h"
#include "quark/quark_step.h"
#include "test_rng.h"

/* A row length around the beat size `per`: corners (1, per - 1, per, per + 1, 2 per, ...) or
 * any length up to 5 beats, now and then a long row. */
static uint64_t pick_len(unsigned per)
{
    uint64_t corners[] = {1, per > 1 ? per - 1u : 1, per, per + 1u, 2u * per, 2u * per + 1};
    unsigned r = (unsigned)rng_below(10);
    if (r < 4)
        return corners[rng_below(sizeof corners / sizeof corners[0])];
    if (r == 9)
        return 1 + rng_below(2000);
    return 1 + rng_below(5u * per);
}

static void check_job(const asim_quark_params_t *p, asim_quark_mode_t mode, uint64_t len,
                      uint64_t rows)
{
    asim_quark_counts_t job, step;
    asim_error_t err;
    asim_quark_job(p->lanes, p->modes, mode, len, rows, &job);
    assert_int_equal(asim_quark_step_run_job(p, mode, len, rows, &step, &err), ASIM_OK);
    if (memcmp(&job, &step, sizeof job) != 0) {
        print_error("N=%u modes=0x%x %s len=%llu rows=%llu\n"
                    "  job : cycles %llu rows %llu beats %llu in %llu out %llu exp %llu ln %llu "
                    "mul %llu lanes %llu\n"
                    "  step: cycles %llu rows %llu beats %llu in %llu out %llu exp %llu ln %llu "
                    "mul %llu lanes %llu\n",
                    p->lanes, p->modes, asim_quark_mode_name(mode), (unsigned long long)len,
                    (unsigned long long)rows, (unsigned long long)job.cycles,
                    (unsigned long long)job.rows, (unsigned long long)job.beats,
                    (unsigned long long)job.in_elems, (unsigned long long)job.out_elems,
                    (unsigned long long)job.exp_ops, (unsigned long long)job.ln_ops,
                    (unsigned long long)job.mul_ops, (unsigned long long)job.lane_uses,
                    (unsigned long long)step.cycles, (unsigned long long)step.rows,
                    (unsigned long long)step.beats, (unsigned long long)step.in_elems,
                    (unsigned long long)step.out_elems, (unsigned long long)step.exp_ops,
                    (unsigned long long)step.ln_ops, (unsigned long long)step.mul_ops,
                    (unsigned long long)step.lane_uses);
        fail();
    }
}

/* 5000 random jobs: N = 2..16 even, every mode, shared and single-mode units (a job in a mode
 * the unit lacks runs as one pass of zeros), 1..4 rows. */
static void test_job_equals_step_random(void **state)
{
    (void)state;
    const unsigned mode_masks[] = {ASIM_QUARK_ALL_MODES,
                                   asim_quark_modes_for_kinds(asim_quark_separate_kinds[0]),
                                   asim_quark_modes_for_kinds(asim_quark_separate_kinds[1]),
                                   asim_quark_modes_for_kinds(asim_quark_separate_kinds[2])};
    unsigned jobs = 0;
    for (; jobs < 5000; jobs++) {
        asim_quark_params_t p = {.lanes = 2 * (1 + (unsigned)rng_below(8)), .in_bits = 8,
                               .modes = mode_masks[rng_below(4)]};
        if (rng_below(4) == 0)
            p.modes = ASIM_QUARK_ALL_MODES;
        asim_quark_mode_t mode = (asim_quark_mode_t)rng_below(ASIM_QUARK_MODE_COUNT);
        unsigned per = asim_quark_is_pair(mode) && ((p.modes >> mode) & 1u) ? p.lanes / 2 : p.lanes;
        check_job(&p, mode, pick_len(per), 1 + rng_below(4));
    }
    print_message("%u random jobs: job model == step model\n", jobs);
}

/* Every mode at the extremes of the lane count and the row length. */
static void test_job_equals_step_corners(void **state)
{
    (void)state;
    const unsigned lanes[] = {2, 4, 64};
    const uint64_t lens[] = {1, 2, 31, 32, 33, 64, 65, 197, 768, ASIM_QUARK_MAX_LEN};
    for (size_t l = 0; l < sizeof lanes / sizeof lanes[0]; l++)
        for (int m = 0; m < ASIM_QUARK_MODE_COUNT; m++)
            for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
                asim_quark_params_t p = {lanes[l], 16, ASIM_QUARK_ALL_MODES};
                check_job(&p, (asim_quark_mode_t)m, lens[k], lens[k] > 1000 ? 1 : 3);
            }
}

/* The documented timing: one command cycle, passes x beats, the gaps (T = clog2(16) = 4: softmax
 * T and T + 18, LayerNorm T + 5 and T + 5, RMSNorm T + 5), 43 cycles of latency. */
static void test_timing_closed_form(void **state)
{
    (void)state;
    asim_quark_counts_t c;
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_SOFTMAX, 197, 1, &c);
    assert_int_equal(c.cycles, 1 + 3 * 13 + 4 + 22 + 43);
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_LAYERNORM, 192, 2, &c);
    assert_int_equal(c.cycles, 2 * (1 + 3 * 12 + 9 + 9) + 43);
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_GELU, 768, 1, &c);
    assert_int_equal(c.cycles, 1 + 96 + 43);
    asim_quark_job(16, 1u << ASIM_QUARK_SOFTMAX, ASIM_QUARK_GELU, 768, 1, &c);
    assert_int_equal(c.cycles, 1 + 48 + 43); /* not enabled: N per beat, results 0 */
    assert_int_equal(c.exp_ops, 0);
    /* RMSNorm: squares pass, T + 5 cycles for ln sigma, normalise pass */
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_RMSNORM, 192, 2, &c);
    assert_int_equal(c.cycles, 2 * (1 + 2 * 12 + 9) + 43);
    assert_int_equal(c.ln_ops, 2 * (192 + 2));
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_SILU, 768, 1, &c);
    assert_int_equal(c.cycles, 1 + 96 + 43);
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_MUL, 768, 1, &c);
    assert_int_equal(c.cycles, 1 + 96 + 43);
    assert_int_equal(c.in_elems, 2 * 768);
    assert_int_equal(c.mul_ops, 768);
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_RELU, 768, 1, &c);
    assert_int_equal(c.cycles, 1 + 48 + 43);
}

/* ---- values: step model == kernels ---- */

typedef struct {
    asim_quark_step_t *s;
    asim_quark_in_t in;
    uint64_t x[ASIM_QUARK_MAX_LANES];
    asim_quark_out_t out;
} drive_t;

static void edge(drive_t *d)
{
    asim_quark_step(d->s, &d->in, &d->out);
}

/* Runs one row through the model (beats in pass order, random output stalls) and collects
 * its outputs as signed 32-bit codes. */
static void run_row(drive_t *d, const asim_quark_params_t *p, asim_quark_mode_t mode,
                    const int32_t *x, const int32_t *b, size_t n, uint64_t cmd_k,
                    asim_nl_dyadic_t dy, unsigned pb, int32_t *y)
{
    bool pair = asim_quark_is_pair(mode);
    unsigned per = pair ? p->lanes / 2 : p->lanes, passes = asim_quark_passes(mode, p->modes);
    size_t beats = (n + per - 1) / per, beat = 0, got = 0;
    bool cmd_done = false;
    d->in.cmd_mode = mode;
    d->in.cmd_len = (uint32_t)n;
    d->in.cmd_m = (uint32_t)dy.m;
    d->in.cmd_e = dy.e;
    d->in.cmd_pb = pb;
    d->in.cmd_k = cmd_k;
    for (unsigned guard = 0; got < n; guard++) {
        assert_true(guard < 100000);
        d->in.out_ready = rng_below(5) != 0;
        d->in.cmd_valid = !cmd_done;
        d->in.x_valid = cmd_done && beat < passes * beats && rng_below(4) != 0;
        size_t e0 = (beat % beats) * per;
        for (unsigned i = 0; i < p->lanes; i++) {
            size_t e = e0 + (pair ? i % per : i);
            int64_t v = (int64_t)rng_next(); /* junk past the row's end */
            if (e < n)
                v = pair && i >= per ? (b ? b[e] : 0) : x[e];
            d->x[i] = asim_fx_wrap(v, p->in_bits);
        }
        edge(d);
        if (d->in.cmd_valid && d->out.cmd_ready)
            cmd_done = true;
        else if (d->in.x_valid && d->out.x_ready)
            beat++;
        if (d->in.out_ready && d->out.y_valid) {
            for (unsigned i = 0; i < d->out.y_count; i++)
                y[got++] = (int32_t)asim_fx_value(d->out.y_data[i], 32, true);
            assert_int_equal(d->out.y_last, got == n);
        }
    }
}

static void test_values_equal_kernels(void **state)
{
    (void)state;
    asim_quark_params_t p = {.lanes = 8, .in_bits = 8, .modes = ASIM_QUARK_ALL_MODES};
    drive_t d = {.in = {.x_data = NULL}};
    asim_error_t err;
    assert_int_equal(asim_quark_step_create(&p, &d.s, &err), ASIM_OK);
    d.in.x_data = d.x;
    d.in.rst = true;
    d.in.out_ready = true;
    edge(&d);
    d.in.rst = false;
    unsigned rows = 0;
    for (unsigned r = 0; r < 50 * ASIM_QUARK_MODE_COUNT; r++, rows++) {
        asim_quark_mode_t mode = (asim_quark_mode_t)(r % ASIM_QUARK_MODE_COUNT);
        size_t n = 1 + rng_below(40);
        int32_t x[64], b[64], want[64], got[64];
        bool positive = mode == ASIM_QUARK_LN;
        for (size_t i = 0; i < n; i++) {
            x[i] = (int32_t)(rng_below(256) - 128);
            b[i] = (int32_t)(rng_below(255) - 127);
            if (positive && x[i] <= 0)
                x[i] = 1 + (int32_t)rng_below(127);
            if (b[i] == 0)
                b[i] = 1;
        }
        asim_nl_fmt_t in = {8, true, ldexp(1.0, -(int)rng_below(6))}, out;
        asim_nl_dyadic_t dy;
        assert_int_equal(asim_nl_dyadic_from(ldexp(in.scale, ASIM_NL_QF), &dy), ASIM_OK);
        assert_int_equal(asim_quark_row_kernel(mode, x, b, n, &in, 8, want, &out), ASIM_OK);
        run_row(&d, &p, mode, x, b, n, asim_quark_cmd_k(mode, n, in.scale), dy, 8, got);
        for (size_t i = 0; i < n; i++)
            if (got[i] != want[i]) {
                print_error("%s n=%zu element %zu: unit %d, kernel %d\n",
                            asim_quark_mode_name(mode), n, i, got[i], want[i]);
                fail();
            }
    }
    asim_quark_step_free(d.s);
    print_message("%u rows: step model outputs == kernels\n", rows);
}

/* The block: can_run by kind, length and width; a pure cost from the closed form. */
static void test_unit_ops(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_error_t err = {0};
    asim_config_defaults(&cfg);
    const char *sets[] = {"nonlinear.unit=quark", "nonlinear.lanes=16", "nonlinear.in_bits=8",
                          "nonlinear.shared=false"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(asim_config_set(&cfg, sets[i], &err), ASIM_OK);
    const void *params = asim_block_params(&cfg, &asim_quark_block);
    assert_int_equal(asim_quark_block.instances(&cfg, params), 3);
    asim_unit_t *u = asim_unit_create(&asim_quark_block, &cfg, 0);
    assert_non_null(u);
    assert_string_equal(u->name, "quark_softmax");
    char why[128];
    asim_op_t op = {.kind = ASIM_OP_SOFTMAX, .rows = 197, .cols = 197, .count = 3,
                    .a_bits = 8, .out_bits = 8};
    assert_true(u->block->can_run(u->self, &op, why, sizeof why));
    op.kind = ASIM_OP_GELU;
    assert_false(u->block->can_run(u->self, &op, why, sizeof why));
    op.kind = ASIM_OP_SOFTMAX;
    op.a_bits = 16;
    assert_false(u->block->can_run(u->self, &op, why, sizeof why));
    op.a_bits = 8;
    asim_cost_t cost, again;
    asim_unit_cost(u, &(asim_work_t){.op = &op}, &cost);
    asim_unit_cost(u, &(asim_work_t){.op = &op}, &again);
    asim_quark_counts_t c;
    asim_quark_job(16, asim_quark_modes_for_kinds(asim_quark_separate_kinds[0]), ASIM_QUARK_SOFTMAX,
                 197, 3 * 197, &c);
    assert_int_equal(cost.cycles, c.cycles);
    assert_int_equal(again.cycles, c.cycles);
    assert_int_equal(cost.actions[ASIM_ACT_SRAM_READ_BITS], 3 * 197 * 197 * 3 * 8);
    assert_int_equal(cost.counters[2], c.ln_ops);
    /* 3 passes x 197 elements on 16 lanes in 1 + 3 x 13 + 2 cycles per row */
    assert_true(fabs(cost.utilization - 591.0 * 591 / (16.0 * (double)c.cycles)) < 1e-12);
    assert_true(cost.actions[ASIM_ACT_MULT_BITS] > 0);
    /* pure: asking for costs counts nothing */
    assert_int_equal(u->jobs, 0);
    assert_int_equal(u->counters[0], 0);
    asim_unit_free(u);
    assert_int_equal(asim_config_set(&cfg, "nonlinear.lanes=7", &err), ASIM_OK);
    assert_int_equal(asim_quark_block.check(&cfg, params, &err), ASIM_ERANGE);
}

/* Which unit serves the LLM kinds, and RoPE as two MUL rows then one ADD row. */
static void test_unit_llm_kinds(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_error_t err = {0};
    asim_config_defaults(&cfg);
    const char *sets[] = {"nonlinear.unit=quark", "nonlinear.lanes=16", "nonlinear.in_bits=8",
                          "nonlinear.shared=false"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(asim_config_set(&cfg, sets[i], &err), ASIM_OK);
    const struct {
        asim_op_kind_t kind;
        int unit; /* separate unit that runs it */
    } serves[] = {{ASIM_OP_SILU, 1}, {ASIM_OP_RELU, 1}, {ASIM_OP_RMSNORM, 2},
                  {ASIM_OP_MUL, 2},  {ASIM_OP_ROPE, 2}};
    char why[128];
    for (size_t k = 0; k < sizeof serves / sizeof serves[0]; k++)
        for (int i = 0; i < ASIM_QUARK_SEPARATE_UNITS; i++) {
            asim_unit_t *u = asim_unit_create(&asim_quark_block, &cfg, (size_t)i);
            assert_non_null(u);
            asim_op_t op = {.kind = serves[k].kind, .rows = 4, .cols = 64, .count = 1,
                            .a_bits = 8, .out_bits = 8};
            assert_int_equal(u->block->can_run(u->self, &op, why, sizeof why), i == serves[k].unit);
            asim_unit_free(u);
        }
    assert_int_equal(asim_config_set(&cfg, "nonlinear.shared=true", &err), ASIM_OK);
    asim_unit_t *u = asim_unit_create(&asim_quark_block, &cfg, 0);
    assert_non_null(u);
    asim_op_t op = {.kind = ASIM_OP_ROPE, .rows = 5, .cols = 64, .count = 2, .a_bits = 8,
                    .out_bits = 8};
    assert_true(u->block->can_run(u->self, &op, why, sizeof why));
    asim_cost_t cost;
    asim_unit_cost(u, &(asim_work_t){.op = &op}, &cost);
    asim_quark_counts_t mul, add;
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_MUL, 64, 2 * 10, &mul);
    asim_quark_job(16, ASIM_QUARK_ALL_MODES, ASIM_QUARK_ADD, 64, 10, &add);
    assert_int_equal(cost.cycles, mul.cycles + add.cycles);
    assert_int_equal(cost.cycles, 20 * (1 + 8) + 43 + 10 * (1 + 8) + 43);
    /* x, rotate(x) and the two products as operand A; cos, sin and the products as B */
    assert_int_equal(cost.read_a_bits, 3 * 10 * 64 * 8);
    assert_int_equal(cost.read_b_bits, 3 * 10 * 64 * 8);
    assert_int_equal(cost.actions[ASIM_ACT_SRAM_WRITE_BITS], 3 * 10 * 64 * 8);
    asim_unit_free(u);
}

int main(void)
{
    *test_rng_seed() = 0x9a4c;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_job_equals_step_random),
        cmocka_unit_test(test_job_equals_step_corners),
        cmocka_unit_test(test_timing_closed_form),
        cmocka_unit_test(test_values_equal_kernels),
        cmocka_unit_test(test_unit_ops),
        cmocka_unit_test(test_unit_llm_kinds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
