/* eventq.c: binary min-heap event queue keyed by (cycle, priority, sequence). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "asim/kernel.h"

static bool event_before(const asim_event_t *a, const asim_event_t *b)
{
    if (a->when != b->when)
        return a->when < b->when;
    if (a->prio != b->prio)
        return a->prio < b->prio;
    return a->seq < b->seq;
}

static void heap_swap(asim_event_t *h, size_t i, size_t j)
{
    asim_event_t t = h[i];
    h[i] = h[j];
    h[j] = t;
}

static void heap_sift_up(asim_event_t *h, size_t i)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!event_before(&h[i], &h[parent]))
            break;
        heap_swap(h, i, parent);
        i = parent;
    }
}

static void heap_sift_down(asim_event_t *h, size_t len, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < len && event_before(&h[l], &h[m]))
            m = l;
        if (r < len && event_before(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        heap_swap(h, i, m);
        i = m;
    }
}

void asim_eventq_init(asim_eventq_t *q)
{
    *q = (asim_eventq_t){0};
}

void asim_eventq_free(asim_eventq_t *q)
{
    free(q->heap);
    *q = (asim_eventq_t){0};
}

asim_status_t asim_eventq_schedule(asim_eventq_t *q, asim_cycle_t when, int prio,
                                   asim_event_fn fn, void *ctx, asim_error_t *err)
{
    if (when < q->now)
        return asim_error_set(err, ASIM_EPAST, "kernel",
                              "event at cycle %llu scheduled at cycle %llu (in the past)",
                              (unsigned long long)when, (unsigned long long)q->now);
    if (q->len == q->cap) {
        size_t cap = q->cap ? 2 * q->cap : 64;
        asim_event_t *h = realloc(q->heap, cap * sizeof *h);
        if (!h)
            return asim_error_set(err, ASIM_ENOMEM, "kernel", "cannot grow the event queue");
        q->heap = h;
        q->cap = cap;
    }
    q->heap[q->len] = (asim_event_t){when, prio, q->next_seq++, fn, ctx};
    heap_sift_up(q->heap, q->len++);
    return ASIM_OK;
}

asim_status_t asim_eventq_fail(asim_eventq_t *q, asim_status_t code, const char *where,
                               const char *fmt, ...)
{
    if (q->fault.code != ASIM_OK)
        return code;
    char msg[ASIM_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return asim_error_set(&q->fault, code, where, "%s", msg);
}

asim_status_t asim_eventq_run(asim_eventq_t *q, asim_cycle_t until)
{
    while (q->fault.code == ASIM_OK && q->len > 0 && q->heap[0].when <= until) {
        if (q->max_events && q->executed >= q->max_events)
            return asim_eventq_fail(q, ASIM_ELIMIT, "kernel",
                                    "the run reached its bound of %llu events at cycle %llu",
                                    (unsigned long long)q->max_events,
                                    (unsigned long long)q->now);
        asim_event_t ev = q->heap[0];
        q->heap[0] = q->heap[--q->len];
        heap_sift_down(q->heap, q->len, 0);
        q->now = ev.when;
        q->executed++;
        ev.fn(ev.ctx, ev.when);
    }
    return q->fault.code;
}
