/* test_eventq.c: event queue ordering, FIFO ties, past refusal, idle skipping, the work
 * bound and failures reported by events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "asim/kernel.h"

typedef struct {
    int ids[4096];
    asim_cycle_t times[4096];
    int n;
    asim_eventq_t *q;
} log_t;

typedef struct {
    log_t *log;
    int id;
} tag_t;

static void record(void *ctx, asim_cycle_t now)
{
    tag_t *t = ctx;
    t->log->ids[t->log->n] = t->id;
    t->log->times[t->log->n++] = now;
}

static void test_orders_by_cycle(void **state)
{
    (void)state;
    asim_eventq_t q;
    log_t log = {.q = &q};
    tag_t tags[3] = {{&log, 0}, {&log, 1}, {&log, 2}};
    asim_eventq_init(&q);
    assert_int_equal(asim_eventq_schedule(&q, 30, 0, record, &tags[0], NULL), ASIM_OK);
    assert_int_equal(asim_eventq_schedule(&q, 10, 0, record, &tags[1], NULL), ASIM_OK);
    assert_int_equal(asim_eventq_schedule(&q, 20, 0, record, &tags[2], NULL), ASIM_OK);
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    assert_int_equal(log.n, 3);
    assert_int_equal(log.ids[0], 1);
    assert_int_equal(log.ids[1], 2);
    assert_int_equal(log.ids[2], 0);
    assert_int_equal(log.times[2], 30);
    asim_eventq_free(&q);
}

static void test_equal_time_runs_by_priority_then_fifo(void **state)
{
    (void)state;
    asim_eventq_t q;
    log_t log = {.q = &q};
    tag_t tags[6];
    asim_eventq_init(&q);
    /* ids 0..5 at the same cycle; priorities 1,0,1,0,1,0 */
    for (int i = 0; i < 6; i++) {
        tags[i] = (tag_t){&log, i};
        asim_eventq_schedule(&q, 5, i % 2 == 0 ? 1 : 0, record, &tags[i], NULL);
    }
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    const int want[6] = {1, 3, 5, 0, 2, 4};
    for (int i = 0; i < 6; i++)
        assert_int_equal(log.ids[i], want[i]);
    asim_eventq_free(&q);
}

static void test_many_random_events_come_out_sorted_and_stable(void **state)
{
    (void)state;
    asim_eventq_t q;
    static log_t log;
    static tag_t tags[4096];
    log.n = 0;
    asim_eventq_init(&q);
    srand(7);
    for (int i = 0; i < 4096; i++) {
        tags[i] = (tag_t){&log, i};
        asim_eventq_schedule(&q, (asim_cycle_t)(rand() % 64), 0, record, &tags[i], NULL);
    }
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    assert_int_equal(log.n, 4096);
    for (int i = 1; i < 4096; i++) {
        assert_true(log.times[i - 1] <= log.times[i]);
        if (log.times[i - 1] == log.times[i])
            assert_true(log.ids[i - 1] < log.ids[i]); /* FIFO among ties */
    }
    asim_eventq_free(&q);
}

static asim_status_t past_status, same_status;
static asim_error_t past_err;

static void nothing(void *ctx, asim_cycle_t now)
{
    (void)ctx;
    (void)now;
}

static void schedule_in_past(void *ctx, asim_cycle_t now)
{
    asim_eventq_t *q = ctx;
    past_status = asim_eventq_schedule(q, now - 1, 0, nothing, NULL, &past_err);
    same_status = asim_eventq_schedule(q, now, 0, nothing, NULL, NULL);
}

static void test_scheduling_in_the_past_is_refused(void **state)
{
    (void)state;
    asim_eventq_t q;
    asim_eventq_init(&q);
    asim_eventq_schedule(&q, 100, 0, schedule_in_past, &q, NULL);
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    assert_int_equal(past_status, ASIM_EPAST);
    assert_string_equal(past_err.msg,
                        "kernel: event at cycle 99 scheduled at cycle 100 (in the past)");
    assert_int_equal(same_status, ASIM_OK); /* the current cycle is not the past */
    assert_int_equal(q.executed, 2);
    asim_eventq_free(&q);
}

static void test_idle_time_is_skipped(void **state)
{
    (void)state;
    asim_eventq_t q;
    log_t log = {.q = &q};
    tag_t a = {&log, 0}, b = {&log, 1};
    asim_eventq_init(&q);
    asim_eventq_schedule(&q, 3, 0, record, &a, NULL);
    asim_eventq_schedule(&q, 1000000000000ull, 0, record, &b, NULL);
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    /* Two events, two handler calls: nothing ran for the 10^12 idle cycles between them. */
    assert_int_equal(q.executed, 2);
    assert_int_equal(log.n, 2);
    assert_true(q.now == 1000000000000ull);
    asim_eventq_free(&q);
}

static void test_run_until_stops_before_later_events(void **state)
{
    (void)state;
    asim_eventq_t q;
    log_t log = {.q = &q};
    tag_t a = {&log, 0}, b = {&log, 1};
    asim_eventq_init(&q);
    asim_eventq_schedule(&q, 9, 0, record, &a, NULL);
    asim_eventq_schedule(&q, 10, 0, record, &b, NULL);
    asim_eventq_run(&q, 9); /* the event at t-1 runs, the one at t does not */
    assert_int_equal(log.n, 1);
    asim_eventq_run(&q, 10);
    assert_int_equal(log.n, 2);
    asim_eventq_free(&q);
}

/* An event that keeps itself alive forever (a run that never ends by itself). */
static void forever(void *ctx, asim_cycle_t now)
{
    asim_eventq_t *q = ctx;
    asim_eventq_schedule(q, now + 1, 0, forever, q, NULL);
}

static void test_max_events_bounds_a_run(void **state)
{
    (void)state;
    asim_eventq_t q;
    asim_eventq_init(&q);
    q.max_events = 1000;
    asim_eventq_schedule(&q, 0, 0, forever, &q, NULL);
    assert_int_equal(asim_eventq_run(&q, ASIM_CYCLE_MAX), ASIM_ELIMIT);
    assert_int_equal(q.executed, 1000); /* exactly the bound: event 1000 ran, 1001 did not */
    assert_int_equal(q.len, 1);
    assert_string_equal(q.fault.msg, "kernel: the run reached its bound of 1000 events at "
                                     "cycle 999");
    asim_eventq_free(&q);

    asim_eventq_init(&q); /* one event under the bound ends normally */
    q.max_events = 2;
    asim_eventq_schedule(&q, 5, 0, nothing, NULL, NULL);
    asim_eventq_schedule(&q, 6, 0, nothing, NULL, NULL);
    assert_int_equal(asim_eventq_run(&q, ASIM_CYCLE_MAX), ASIM_OK);
    asim_eventq_free(&q);
}

static void fail_once(void *ctx, asim_cycle_t now)
{
    asim_eventq_t *q = ctx;
    asim_eventq_fail(q, ASIM_ERANGE, "unit", "broke at %llu", (unsigned long long)now);
    asim_eventq_fail(q, ASIM_EIO, "unit", "a second failure is not recorded");
}

static void test_a_failing_event_stops_the_run(void **state)
{
    (void)state;
    asim_eventq_t q;
    log_t log = {.q = &q};
    tag_t later = {&log, 1};
    asim_eventq_init(&q);
    asim_eventq_schedule(&q, 7, 0, fail_once, &q, NULL);
    asim_eventq_schedule(&q, 7, 1, record, &later, NULL);
    assert_int_equal(asim_eventq_run(&q, ASIM_CYCLE_MAX), ASIM_ERANGE);
    assert_string_equal(q.fault.msg, "unit: broke at 7");
    assert_int_equal(log.n, 0); /* nothing ran after the failing event */
    assert_int_equal(asim_eventq_run(&q, ASIM_CYCLE_MAX), ASIM_ERANGE); /* and stays stopped */
    asim_eventq_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_by_cycle),
        cmocka_unit_test(test_equal_time_runs_by_priority_then_fifo),
        cmocka_unit_test(test_many_random_events_come_out_sorted_and_stable),
        cmocka_unit_test(test_scheduling_in_the_past_is_refused),
        cmocka_unit_test(test_idle_time_is_skipped),
        cmocka_unit_test(test_run_until_stops_before_later_events),
        cmocka_unit_test(test_max_events_bounds_a_run),
        cmocka_unit_test(test_a_failing_event_stops_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
