/* dram.c: the DRAM and its DMA channel (see dram.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dram/dram.h"
#include "util/arith.h"

typedef struct {
    double bandwidth_gbps;    /* GB/s */
    double latency_ns;        /* ns */
    int64_t burst_bytes;
} dram_params_t;

#define FIELD(f) offsetof(dram_params_t, f), sizeof(((dram_params_t *)0)->f)

static const asim_cfg_key_t keys[] = {
    {"dram.bandwidth_gbps", ASIM_CFG_FLOAT, FIELD(bandwidth_gbps), 0.01, 10000, NULL,
     "17.0", "GB/s", "Peak DRAM bandwidth (default: ZCU102 PS DDR4, 64-bit at 2133 MT/s)."},
    {"dram.latency_ns", ASIM_CFG_FLOAT, FIELD(latency_ns), 0, 100000, NULL, "100", "ns",
     "Latency of one DMA transfer before its first byte."},
    {"dram.burst_bytes", ASIM_CFG_INT, FIELD(burst_bytes), 1, 65536, NULL, "64", "byte",
     "A transfer moves the aligned bursts that hold its rows (DDR4 BL8 x 64 bits = 64 bytes)."},
};

typedef struct {
    double cycles_per_byte;   /* streaming cost at the accelerator clock */
    double latency_cycles;    /* per transfer */
    uint64_t burst_bytes;
} dram_t;

enum { COUNTER_LOAD_BITS, COUNTER_STORE_BITS };
static const asim_counter_desc_t counters[] = {
    [COUNTER_LOAD_BITS] = {"load_bits", "bit", "bits loaded from DRAM"},
    [COUNTER_STORE_BITS] = {"store_bits", "bit", "bits stored to DRAM"},
};

static size_t dram_instances(const asim_config_t *cfg, const void *params)
{
    (void)cfg;
    (void)params;
    return 1;
}

static void *dram_create(const asim_config_t *cfg, const void *params, size_t i)
{
    const dram_params_t *p = params;
    (void)i;
    dram_t *d = malloc(sizeof *d);
    if (!d)
        return NULL;
    double cycles_per_ns = cfg->clock_mhz / 1000.0; /* GB/s = bytes per ns */
    *d = (dram_t){cycles_per_ns / p->bandwidth_gbps, p->latency_ns * cycles_per_ns,
                  (uint64_t)p->burst_bytes};
    return d;
}

static const char *dram_name(const void *self)
{
    (void)self;
    return "dma";
}

static int dram_route(const void *self, const asim_op_t *op)
{
    (void)self;
    (void)op;
    return -1;
}

static bool dram_can_run(const void *self, const asim_op_t *op, char *why, size_t n)
{
    (void)self;
    (void)op;
    snprintf(why, n, "the DMA channel runs transfers, not ops");
    return false;
}

uint64_t asim_runs_bursts(const asim_run_t *runs, size_t n, uint64_t burst_bytes)
{
    uint64_t bursts = 0;
    for (size_t i = 0; i < n; i++)
        bursts += runs[i].hi / burst_bytes - runs[i].lo / burst_bytes + 1;
    return bursts;
}

/* The timing query: the bursts that hold the transfer's runs (or, without runs, its bytes
 * rounded up to whole bursts), plus the latency (or longer, when the work says the platform's
 * memory needs longer). */
static void dram_cost(const void *self, const asim_work_t *w, asim_cost_t *out)
{
    const dram_t *d = self;
    *out = (asim_cost_t){.utilization = 1.0};
    uint64_t bytes = 0;
    if (w->bits > 0) {
        uint64_t bursts = w->bursts ? w->bursts(w->bursts_ctx, d->burst_bytes)
                                    : asim_ceil_div(asim_ceil_div(w->bits, 8), d->burst_bytes);
        bytes = bursts * d->burst_bytes;
        out->cycles = (asim_cycle_t)ceil(d->latency_cycles + (double)bytes * d->cycles_per_byte);
    }
    if (w->at_least > out->cycles)
        out->cycles = w->at_least;
    out->actions[ASIM_ACT_DRAM_BITS] = 8 * bytes; /* the DRAM moves whole bursts */
    out->actions[w->store ? ASIM_ACT_SRAM_READ_BITS : ASIM_ACT_SRAM_WRITE_BITS] = w->bits;
    out->counters[w->store ? COUNTER_STORE_BITS : COUNTER_LOAD_BITS] = w->bits;
}

uint64_t asim_dram_burst_bytes(const asim_config_t *cfg)
{
    const dram_params_t *p = asim_block_params(cfg, &asim_dram_block);
    return (uint64_t)p->burst_bytes;
}

static void dram_resources(const void *self, asim_resources_t *r)
{
    (void)self;
    *r = (asim_resources_t){0};
}

const asim_block_t asim_dram_block = {
    .name = "dram",
    .keys = keys,
    .n_keys = sizeof keys / sizeof keys[0],
    .params_size = sizeof(dram_params_t),
    .moves_data = true,
    .instances = dram_instances,
    .create = dram_create,
    .free = free,
    .instance_name = dram_name,
    .route = dram_route,
    .can_run = dram_can_run,
    .cost = dram_cost,
    .counters = counters,
    .n_counters = sizeof counters / sizeof counters[0],
    .resources = dram_resources,
    .basis = "none (no logic modelled)",
};
