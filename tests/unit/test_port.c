/* test_port.c: valid/ready ports: delivery, backpressure, producer wake-up; stats registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asim/kernel.h"

typedef struct {
    asim_port_t port;
    int delivered[8], n_delivered;
    asim_cycle_t delivered_at[8];
    int ready_wakeups;
    asim_cycle_t ready_at;
    bool consumer_busy;
} bench_t;

static void on_valid(void *ctx, asim_port_t *p, asim_cycle_t now)
{
    bench_t *b = ctx;
    if (b->consumer_busy)
        return; /* leave the payload in the slot: backpressure */
    int *v = asim_port_take(p);
    b->delivered_at[b->n_delivered] = now;
    b->delivered[b->n_delivered++] = *v;
}

static void on_ready(void *ctx, asim_port_t *p, asim_cycle_t now)
{
    (void)p;
    bench_t *b = ctx;
    b->ready_wakeups++;
    b->ready_at = now;
}

static void test_send_is_delivered_at_the_same_cycle(void **state)
{
    (void)state;
    asim_eventq_t q;
    bench_t b = {0};
    int v = 42;
    asim_eventq_init(&q);
    q.now = 7;
    asim_port_connect(&b.port, "t.port", &q, &b, on_ready, &b, on_valid);
    assert_int_equal(asim_port_send(&b.port, &v, NULL), ASIM_OK);
    assert_int_equal(b.n_delivered, 0); /* delivery is an event, never a nested call */
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    assert_int_equal(b.n_delivered, 1);
    assert_int_equal(b.delivered[0], 42);
    assert_int_equal(b.delivered_at[0], 7);
    assert_int_equal(b.port.transfers, 1);
    asim_eventq_free(&q);
}

static void unblock(void *ctx, asim_cycle_t now)
{
    bench_t *b = ctx;
    b->consumer_busy = false;
    on_valid(b, &b->port, now);
}

static void test_full_slot_refuses_and_wakes_producer_on_take(void **state)
{
    (void)state;
    asim_eventq_t q;
    bench_t b = {.consumer_busy = true};
    int v1 = 1, v2 = 2;
    asim_error_t err;
    asim_eventq_init(&q);
    asim_port_connect(&b.port, "t.port", &q, &b, on_ready, &b, on_valid);
    assert_int_equal(asim_port_send(&b.port, &v1, NULL), ASIM_OK);
    assert_int_equal(asim_port_send(&b.port, &v2, &err), ASIM_EBUSY);
    assert_string_equal(err.msg, "t.port: slot full");
    assert_int_equal(b.port.refusals, 1);
    asim_eventq_schedule(&q, 50, 0, unblock, &b, NULL);
    asim_eventq_run(&q, 49);
    assert_int_equal(b.n_delivered, 0); /* held back until the consumer is ready */
    assert_int_equal(b.ready_wakeups, 0);
    asim_eventq_run(&q, ASIM_CYCLE_MAX);
    assert_int_equal(b.n_delivered, 1);
    assert_int_equal(b.delivered_at[0], 50);
    assert_int_equal(b.ready_wakeups, 1); /* the refused producer is told, at the take */
    assert_int_equal(b.ready_at, 50);
    assert_int_equal(asim_port_send(&b.port, &v2, NULL), ASIM_OK);
    asim_eventq_free(&q);
}

static void test_stats_registry(void **state)
{
    (void)state;
    asim_stats_t s;
    uint64_t a = 3, b = 4;
    asim_error_t err;
    asim_stats_init(&s);
    assert_int_equal(asim_stats_add(&s, "u.a", "cycles", "a", &a, NULL), ASIM_OK);
    assert_int_equal(asim_stats_add(&s, "u.b", "MAC", "b", &b, NULL), ASIM_OK);
    assert_int_equal(asim_stats_add(&s, "u.a", "cycles", "again", &b, &err), ASIM_EARG);
    assert_string_equal(err.msg, "stats: stat 'u.a' registered twice");
    a = 9; /* the registry points at the live counter */
    assert_int_equal(*asim_stats_find(&s, "u.a")->value, 9);
    assert_null(asim_stats_find(&s, "u.c"));
    assert_int_equal(s.len, 2);
    asim_stats_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_send_is_delivered_at_the_same_cycle),
        cmocka_unit_test(test_full_slot_refuses_and_wakes_producer_on_take),
        cmocka_unit_test(test_stats_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
