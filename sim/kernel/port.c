/* port.c: one-slot valid/ready channels between units (see kernel.h). */
#include "asim/kernel.h"

void asim_port_connect(asim_port_t *p, const char *name, asim_eventq_t *q, void *producer,
                       asim_port_fn on_ready, void *consumer, asim_port_fn on_valid)
{
    *p = (asim_port_t){.name = name, .q = q, .producer = producer, .on_ready = on_ready,
                       .consumer = consumer, .on_valid = on_valid};
}

static void port_wake_consumer(void *ctx, asim_cycle_t now)
{
    asim_port_t *p = ctx;
    if (p->on_valid)
        p->on_valid(p->consumer, p, now);
}

static void port_wake_producer(void *ctx, asim_cycle_t now)
{
    asim_port_t *p = ctx;
    if (p->on_ready)
        p->on_ready(p->producer, p, now);
}

asim_status_t asim_port_send(asim_port_t *p, void *payload, asim_error_t *err)
{
    if (p->valid) {
        p->refusals++;
        p->producer_waiting = true;
        return asim_error_set(err, ASIM_EBUSY, p->name, "slot full");
    }
    p->payload = payload;
    p->valid = true;
    p->transfers++;
    return asim_eventq_schedule(p->q, p->q->now, ASIM_PRIO_PORT, port_wake_consumer, p, err);
}

void *asim_port_take(asim_port_t *p)
{
    if (!p->valid)
        return NULL;
    void *payload = p->payload;
    p->payload = NULL;
    p->valid = false;
    if (p->producer_waiting) {
        p->producer_waiting = false;
        /* now >= q->now always holds, so this cannot fail. */
        asim_status_t st =
            asim_eventq_schedule(p->q, p->q->now, ASIM_PRIO_PORT, port_wake_producer, p, NULL);
        ASIM_ASSERT(st == ASIM_OK);
    }
    return payload;
}
