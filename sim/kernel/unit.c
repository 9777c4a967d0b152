/*
 * unit.c: the job life cycle shared by every unit: take a job from the `job` port when
 * idle, hold it for the cycles its job model gives, then offer it on the `done` port,
 * waiting there while the port is full (backpressure).
 */
#include <stdio.h>

#include "asim/checked.h"
#include "asim/unit.h"

static void unit_try_start(asim_unit_t *u, asim_cycle_t now);

static void unit_finish(void *ctx, asim_cycle_t now)
{
    asim_unit_t *u = ctx;
    (void)now;
    if (asim_port_send(u->done_out, u->current, NULL) == ASIM_EBUSY)
        return; /* asim_unit_on_done_ready retries */
    u->busy = false;
    u->current = NULL;
    unit_try_start(u, now);
}

static void unit_try_start(asim_unit_t *u, asim_cycle_t now)
{
    if (u->busy || !u->job_in->valid)
        return;
    asim_job_t *job = asim_port_take(u->job_in);
    job->start = now;
    u->ops->job(u, job);
    if (u->sram_bits_per_cycle) {
        uint64_t need = (job->act.sram_read_bits + u->sram_bits_per_cycle - 1) /
                        u->sram_bits_per_cycle;
        job->stall_sram = need > job->cycles ? need - job->cycles : 0;
        job->cycles += job->stall_sram;
        u->stall_sram_ports += job->stall_sram;
    }
    u->busy = true;
    u->current = job;
    u->jobs++;
    u->busy_cycles += job->cycles;
    u->total.macs += job->act.macs;
    u->total.sram_read_bits += job->act.sram_read_bits;
    u->total.sram_write_bits += job->act.sram_write_bits;
    asim_cycle_t end;
    if (!asim_add_u64(now, job->cycles, &end)) {
        asim_eventq_fail(u->q, ASIM_ERANGE, u->name,
                         "a job of %llu cycles started at cycle %llu would end past the "
                         "64-bit cycle count",
                         (unsigned long long)job->cycles, (unsigned long long)now);
        return;
    }
    if (asim_eventq_schedule(u->q, end, ASIM_PRIO_UNIT, unit_finish, u, &u->q->fault) !=
        ASIM_OK)
        return; /* out of memory: recorded in the queue's fault, which stops the run */
}

void asim_unit_on_job(void *unit, asim_port_t *port, asim_cycle_t now)
{
    (void)port;
    unit_try_start(unit, now);
}

void asim_unit_on_done_ready(void *unit, asim_port_t *port, asim_cycle_t now)
{
    asim_unit_t *u = unit;
    (void)port;
    if (u->busy && u->current)
        unit_finish(u, now);
}

asim_status_t asim_unit_register_common(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    struct { const char *leaf, *unit, *desc; const uint64_t *v; } items[] = {
        {"busy_cycles", "cycles", "cycles spent running jobs", &u->busy_cycles},
        {"jobs", "jobs", "jobs run", &u->jobs},
        {"stall_sram_ports", "cycles", "cycles jobs ran longer for lack of buffer ports",
         &u->stall_sram_ports},
        {"macs", "MAC", "multiply-accumulates", &u->total.macs},
        {"sram_read_bits", "bit", "bits read from on-chip buffers", &u->total.sram_read_bits},
        {"sram_write_bits", "bit", "bits written to on-chip buffers",
         &u->total.sram_write_bits},
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        char path[96];
        snprintf(path, sizeof path, "%s.%s", u->name, items[i].leaf);
        asim_status_t st = asim_stats_add(reg, path, items[i].unit, items[i].desc, items[i].v, err);
        if (st != ASIM_OK)
            return st;
    }
    return ASIM_OK;
}
