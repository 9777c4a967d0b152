/*
 * kernel.h: the discrete-event kernel: one event queue, valid/ready ports, a stats registry.
 *
 * Event queue: a binary min-heap keyed by (cycle, priority, sequence). Events at the same
 * cycle run in ascending priority, and events with equal cycle and priority run in the
 * order they were scheduled (FIFO), so every run replays bit for bit. Scheduling before
 * the current time is refused with ASIM_EPAST. Time jumps from one event to the next: idle
 * cycles cost nothing. A run stops early, with a status, when an event reports a failure
 * (asim_eventq_fail: the callbacks return nothing) or when max_events events have run (the
 * work bound of a run: a few input bytes can ask for hours of simulation).
 *
 * Ports: a port is a one-slot channel from one producer to one consumer with valid/ready
 * handshake. A send succeeds only when the slot is empty (ready); otherwise it returns
 * ASIM_EBUSY and the producer is woken (its on_ready callback) at the cycle the consumer
 * takes the payload. The consumer is woken (on_valid) at the cycle a payload arrives.
 * Callbacks run as events at priority ASIM_PRIO_PORT, never re-entrantly from send/take.
 *
 * Stats: counters are plain uint64_t fields owned by units; the registry records where
 * they are, with a dotted path, a unit and a description, so reports can walk them.
 */
#ifndef ASIM_KERNEL_H
#define ASIM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asim/error.h"
#include "asim/time.h"

/* ---- event queue ---- */

typedef void (*asim_event_fn)(void *ctx, asim_cycle_t now);

typedef struct {
    asim_cycle_t when; /* cycle at which the event fires */
    int prio;          /* lower runs first within a cycle */
    uint64_t seq;      /* scheduling order; breaks ties FIFO */
    asim_event_fn fn;
    void *ctx;
} asim_event_t;

typedef struct {
    asim_event_t *heap; /* binary min-heap of pending events */
    size_t len, cap;
    uint64_t next_seq;
    asim_cycle_t now;   /* time of the event being (or last) run */
    uint64_t executed;  /* events run so far */
    uint64_t max_events; /* work bound: asim_eventq_run stops at this many events; 0 = none */
    asim_error_t fault; /* first failure an event reported; fault.code is ASIM_OK if none */
} asim_eventq_t;

enum { ASIM_PRIO_PORT = 0, ASIM_PRIO_UNIT = 10, ASIM_PRIO_CONTROL = 20 };

void asim_eventq_init(asim_eventq_t *q);
void asim_eventq_free(asim_eventq_t *q);
/* Schedules fn(ctx, when) at `when`; ASIM_EPAST if when < now, ASIM_ENOMEM on allocation. */
asim_status_t asim_eventq_schedule(asim_eventq_t *q, asim_cycle_t when, int prio,
                                   asim_event_fn fn, void *ctx, asim_error_t *err);
/* Runs events in order until the queue is empty or the next event is after `until`
 * (ASIM_OK), an event reports a failure (its code; the message is in q->fault), or
 * q->max_events events have run in all (ASIM_ELIMIT, with q->fault saying so; the rest
 * stays queued). */
asim_status_t asim_eventq_run(asim_eventq_t *q, asim_cycle_t until);
/* Called by an event: records a failure (the first one counts) and stops the run after
 * this event. Returns the failure's code. */
asim_status_t asim_eventq_fail(asim_eventq_t *q, asim_status_t code, const char *where,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static inline bool asim_eventq_empty(const asim_eventq_t *q) { return q->len == 0; }

/* ---- ports ---- */

typedef struct asim_port asim_port_t;
typedef void (*asim_port_fn)(void *ctx, asim_port_t *port, asim_cycle_t now);

struct asim_port {
    const char *name;       /* matches the RTL signal prefix, e.g. "array.job" */
    asim_eventq_t *q;
    void *payload;          /* valid when `valid` */
    bool valid;
    bool producer_waiting;  /* a send was refused; wake the producer on take */
    asim_port_fn on_valid;  /* consumer side */
    void *consumer;
    asim_port_fn on_ready;  /* producer side */
    void *producer;
    uint64_t transfers;     /* payloads accepted */
    uint64_t refusals;      /* sends refused because the slot was full */
};

/* Wires a port between a producer and a consumer; done once, in one place. */
void asim_port_connect(asim_port_t *p, const char *name, asim_eventq_t *q, void *producer,
                       asim_port_fn on_ready, void *consumer, asim_port_fn on_valid);
/* Offers a payload at q->now; ASIM_EBUSY if the slot is full (backpressure). */
asim_status_t asim_port_send(asim_port_t *p, void *payload, asim_error_t *err);
/* Takes the payload (NULL if none) and frees the slot at q->now. */
void *asim_port_take(asim_port_t *p);

/* ---- stats registry ---- */

typedef struct {
    char path[96];      /* dotted, e.g. "array.macs" */
    const char *unit;   /* "cycles", "MAC", "bit", ... */
    const char *desc;
    const uint64_t *value;
} asim_stat_t;

typedef struct {
    asim_stat_t *items;
    size_t len, cap;
} asim_stats_t;

void asim_stats_init(asim_stats_t *s);
void asim_stats_free(asim_stats_t *s);
asim_status_t asim_stats_add(asim_stats_t *s, const char *path, const char *unit,
                             const char *desc, const uint64_t *value, asim_error_t *err);
/* The registered stat with this path, or NULL. */
const asim_stat_t *asim_stats_find(const asim_stats_t *s, const char *path);

#endif
