/* unit.c: the job life cycle shared by every unit (see unit.h). */
#include <stdio.h>
#include <stdlib.h>

#include "asim/checked.h"
#include "block/unit.h"

asim_unit_t *asim_unit_create(const asim_block_t *b, const asim_config_t *cfg, size_t i)
{
    asim_unit_t *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    u->block = b;
    u->self = b->create(cfg, asim_block_params(cfg, b), i);
    if (!u->self) {
        free(u);
        return NULL;
    }
    u->name = b->instance_name(u->self);
    return u;
}

void asim_unit_free(asim_unit_t *u)
{
    if (!u)
        return;
    u->block->free(u->self);
    free(u);
}

void asim_unit_cost(const asim_unit_t *u, const asim_work_t *w, asim_cost_t *c)
{
    u->block->cost(u->self, w, c);
}

static void unit_try_start(asim_unit_t *u, asim_cycle_t now);

static void unit_finish(void *ctx, asim_cycle_t now)
{
    asim_unit_t *u = ctx;
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
    asim_unit_cost(u, &job->work, &job->cost);
    job->stall_sram = 0;
    if (u->sram_bits_per_cycle) {
        uint64_t need = (job->cost.actions[ASIM_ACT_SRAM_READ_BITS] + u->sram_bits_per_cycle - 1) /
                        u->sram_bits_per_cycle;
        job->stall_sram = need > job->cost.cycles ? need - job->cost.cycles : 0;
        job->cost.cycles += job->stall_sram;
    }
    u->busy = true;
    u->current = job;
    u->jobs++;
    u->busy_cycles += job->cost.cycles;
    u->stall_sram_ports += job->stall_sram;
    u->macs += job->cost.macs;
    for (int a = 0; a < ASIM_ACT_COUNT; a++)
        u->actions[a] += job->cost.actions[a];
    for (size_t c = 0; c < u->block->n_counters; c++)
        u->counters[c] += job->cost.counters[c];
    asim_cycle_t end;
    if (!asim_add_u64(now, job->cost.cycles, &end)) {
        asim_eventq_fail(u->q, ASIM_ERANGE, u->name,
                         "a job of %llu cycles started at cycle %llu would end past the "
                         "64-bit cycle count",
                         (unsigned long long)job->cost.cycles, (unsigned long long)now);
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

static asim_status_t add_stat(asim_stats_t *reg, const asim_unit_t *u, const char *leaf,
                              const char *unit, const char *desc, const uint64_t *v,
                              asim_error_t *err)
{
    char path[96];
    snprintf(path, sizeof path, "%s.%s", u->name, leaf);
    return asim_stats_add(reg, path, unit, desc, v, err);
}

asim_status_t asim_unit_register_stats(asim_unit_t *u, asim_stats_t *reg, asim_error_t *err)
{
    const asim_counter_desc_t common[] = {
        {"busy_cycles", "cycles", "cycles spent running jobs"},
        {"jobs", "jobs", "jobs run"},
        {"stall_sram_ports", "cycles", "cycles jobs ran longer for lack of buffer ports"},
        {"macs", "MAC", "multiply-accumulates"},
        {"sram_read_bits", "bit", "bits read from on-chip buffers"},
        {"sram_write_bits", "bit", "bits written to on-chip buffers"},
    };
    const uint64_t *values[] = {&u->busy_cycles, &u->jobs, &u->stall_sram_ports, &u->macs,
                                &u->actions[ASIM_ACT_SRAM_READ_BITS],
                                &u->actions[ASIM_ACT_SRAM_WRITE_BITS]};
    asim_status_t st = ASIM_OK;
    for (size_t i = 0; i < sizeof common / sizeof common[0] && st == ASIM_OK; i++)
        st = add_stat(reg, u, common[i].leaf, common[i].unit, common[i].desc, values[i], err);
    for (size_t i = 0; i < u->block->n_counters && st == ASIM_OK; i++)
        st = add_stat(reg, u, u->block->counters[i].leaf, u->block->counters[i].unit,
                      u->block->counters[i].desc, &u->counters[i], err);
    return st;
}
