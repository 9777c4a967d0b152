/*
 * board.c: builds the accelerator from the block registry: every instance each block's
 * configuration asks for, each wired to the controller by a job and a done port, in one
 * place; its counters registered; the resources summed and checked against the device.
 * Routing: an op goes to the unit with the highest claim (block.h), ties to the earlier.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "block/registry.h"

void asim_controller_on_compute_done(void *ctx, asim_port_t *port, asim_cycle_t now);
void asim_controller_on_dma_done(void *ctx, asim_port_t *port, asim_cycle_t now);

asim_unit_t *asim_board_route(const asim_sim_t *s, const asim_op_t *op)
{
    asim_unit_t *best = NULL;
    int best_claim = -1;
    for (size_t i = 0; i < s->n_units; i++) {
        int claim = s->units[i]->block->route(s->units[i]->self, op);
        if (claim > best_claim) {
            best = s->units[i];
            best_claim = claim;
        }
    }
    return best;
}

static void wire(asim_sim_t *s, size_t i)
{
    asim_unit_t *u = s->units[i];
    snprintf(s->port_names[i][0], sizeof s->port_names[i][0], "%s.job", u->name);
    snprintf(s->port_names[i][1], sizeof s->port_names[i][1], "%s.done", u->name);
    asim_port_connect(&s->job_ports[i], s->port_names[i][0], &s->q, s, NULL, u,
                      asim_unit_on_job);
    asim_port_connect(&s->done_ports[i], s->port_names[i][1], &s->q, u,
                      asim_unit_on_done_ready, s,
                      u == s->dma ? asim_controller_on_dma_done
                                  : asim_controller_on_compute_done);
    u->job_in = &s->job_ports[i];
    u->done_out = &s->done_ports[i];
    u->q = &s->q;
    s->sram_port_bits = 2 * (uint64_t)s->cfg.buffers.banks * (uint64_t)s->cfg.buffers.port_bits;
    if (u != s->dma)
        u->sram_bits_per_cycle = s->sram_port_bits;
}

/* Every instance of every block the configuration asks for, in registry order. */
static asim_status_t create_units(asim_sim_t *s, asim_error_t *err)
{
    size_t nb, n = 0;
    const asim_block_t *const *blocks = asim_blocks(&nb);
    for (size_t b = 0; b < nb; b++)
        n += blocks[b]->instances(&s->cfg, asim_block_params(&s->cfg, blocks[b]));
    s->units = calloc(n, sizeof *s->units);
    s->job_ports = calloc(n, sizeof *s->job_ports);
    s->done_ports = calloc(n, sizeof *s->done_ports);
    s->port_names = calloc(n, sizeof *s->port_names);
    s->unit_res = calloc(n, sizeof *s->unit_res);
    if (n && (!s->units || !s->job_ports || !s->done_ports || !s->port_names || !s->unit_res))
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
    for (size_t b = 0; b < nb; b++) {
        size_t k = blocks[b]->instances(&s->cfg, asim_block_params(&s->cfg, blocks[b]));
        for (size_t i = 0; i < k; i++) {
            asim_unit_t *u = asim_unit_create(blocks[b], &s->cfg, i);
            if (!u)
                return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
            s->units[s->n_units++] = u;
            if (blocks[b]->moves_data)
                s->dma = u;
        }
    }
    ASIM_ASSERT(s->dma); /* the registry has a DMA block, and it always has an instance */
    for (size_t i = 0; i < s->n_units; i++) {
        wire(s, i);
        asim_status_t st = asim_unit_register_stats(s->units[i], &s->stats, err);
        if (st != ASIM_OK)
            return st;
        s->units[i]->block->resources(s->units[i]->self, &s->unit_res[i]);
    }
    return ASIM_OK;
}

static asim_status_t register_controller_stats(asim_sim_t *s, asim_error_t *err)
{
    struct { const char *path, *unit, *desc; const uint64_t *v; } counters[] = {
        {"controller.unsupported_ops", "ops", "ops with no unit in this configuration",
         &s->unsupported},
        {"controller.wait_operands", "cycles", "cycles compute waited for a tile's load",
         &s->wait_operands},
        {"dma.wait_buffer", "cycles", "cycles a load waited for a free buffer slot",
         &s->wait_buffer},
        {"dma.wait_data", "cycles", "cycles a load waited for the previous op's results",
         &s->wait_data},
    };
    asim_status_t st = ASIM_OK;
    for (size_t i = 0; i < sizeof counters / sizeof counters[0] && st == ASIM_OK; i++)
        st = asim_stats_add(&s->stats, counters[i].path, counters[i].unit, counters[i].desc,
                            counters[i].v, err);
    return st;
}

static void buffer_resources(asim_sim_t *s)
{
    const asim_config_t *c = &s->cfg;
    asim_resources_t a, w;
    bool uram = c->buffers.memory == ASIM_MEMORY_URAM;
    asim_resource_buffer((uint64_t)c->buffers.act_kib, (uint64_t)c->buffers.banks, uram, &a);
    asim_resource_buffer((uint64_t)c->buffers.weight_kib, (uint64_t)c->buffers.banks, uram, &w);
    s->buffer_res = (asim_resources_t){.bram36 = a.bram36 + w.bram36, .uram = a.uram + w.uram};
}

static bool device_has_budget(const asim_device_t *d)
{
    return d->lut > 0 || d->ff > 0 || d->dsp > 0 || d->bram36 > 0 || d->uram > 0;
}

bool asim_board_total(const asim_sim_t *s, asim_resources_t *t)
{
    *t = s->buffer_res;
    for (size_t i = 0; i < s->n_units; i++) {
        t->lut += s->unit_res[i].lut;
        t->ff += s->unit_res[i].ff;
        t->dsp += s->unit_res[i].dsp;
        t->bram36 += s->unit_res[i].bram36;
        t->uram += s->unit_res[i].uram;
    }
    const asim_device_t *d = s->device;
    return !device_has_budget(d) || (t->lut <= d->lut && t->ff <= d->ff && t->dsp <= d->dsp &&
                                     t->bram36 <= d->bram36 && t->uram <= d->uram);
}

/* "LUT 300000 of 274080 (+9.5%), ..." for every resource over the device's capacity. */
static void overflow_text(const asim_resources_t *r, const asim_device_t *d, char *buf, size_t n)
{
    const char *names[] = {"LUT", "FF", "DSP", "BRAM36", "URAM"};
    double used[] = {r->lut, r->ff, r->dsp, r->bram36, r->uram};
    double cap[] = {d->lut, d->ff, d->dsp, d->bram36, d->uram};
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < 5 && off < n; i++)
        if (used[i] > cap[i])
            off += (size_t)snprintf(buf + off, n - off, "%s%s %.0f of %.0f (%s%.1f%%)",
                                    off ? ", " : "", names[i], used[i], cap[i],
                                    cap[i] > 0 ? "+" : "", cap[i] > 0 ?
                                    100.0 * (used[i] - cap[i]) / cap[i] : INFINITY);
}

asim_status_t asim_sim_create(const asim_config_t *cfg, asim_sim_t **out, asim_error_t *err)
{
    *out = NULL;
    asim_sim_t *s = calloc(1, sizeof *s);
    if (!s)
        return asim_error_set(err, ASIM_ENOMEM, "accelsim", "out of memory");
    s->cfg = *cfg;
    asim_status_t st = asim_tech_load_for(&s->cfg, &s->tech, err);
    if (st != ASIM_OK) {
        free(s);
        return st;
    }
    s->device = asim_tech_device(&s->tech, s->cfg.device);
    asim_buffers_of(&s->cfg, &s->buf);
    double bank_kib = (double)(s->cfg.buffers.act_kib + s->cfg.buffers.weight_kib) /
                      (2.0 * (double)s->cfg.buffers.banks);
    asim_energy_prices(&s->tech, bank_kib, &s->prices);
    asim_eventq_init(&s->q);
    s->q.max_events = (uint64_t)s->cfg.limits.max_events;
    asim_stats_init(&s->stats);
    if ((st = create_units(s, err)) != ASIM_OK || (st = register_controller_stats(s, err))) {
        asim_sim_free(s);
        return st;
    }
    buffer_resources(s);
    asim_resources_t total;
    if (s->cfg.resources.enforce && !asim_board_total(s, &total)) {
        char over[256];
        overflow_text(&total, s->device, over, sizeof over);
        st = asim_error_set(err, ASIM_ERANGE, s->cfg.path,
                            "does not fit %s (%s): %s (set resources.enforce=false to report "
                            "anyway)", s->device->name, s->device->part, over);
        asim_sim_free(s);
        return st;
    }
    *out = s;
    return ASIM_OK;
}

void asim_sim_set_dma_timer(asim_sim_t *s, asim_dma_timer_fn fn, void *ctx)
{
    s->dma_timer = fn;
    s->dma_timer_ctx = ctx;
}

void asim_sim_record_timeline(asim_sim_t *s)
{
    s->record = true;
}

void asim_sim_set_fast_forward(asim_sim_t *s, bool on)
{
    s->no_fast_forward = !on;
}

void asim_sim_free(asim_sim_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_units; i++)
        asim_unit_free(s->units[i]);
    free(s->units);
    free(s->job_ports);
    free(s->done_ports);
    free(s->port_names);
    free(s->unit_res);
    asim_eventq_free(&s->q);
    asim_stats_free(&s->stats);
    asim_ff_free(s);
    free(s->ops);
    free(s->qs);
    free(s->tokens);
    for (size_t c = 0; s->pushers && c < s->prog.n_channels; c++)
        free(s->pushers[c]);
    free(s->pushers);
    free(s->pops);
    free(s->unwritten_pushers);
    free(s->first);
    free(s->issued_at);
    free(s->done_at);
    free(s->pred);
    free(s->runs);
    asim_program_free(&s->prog);
    free(s->spans);
    free(s->occupancy);
    free(s);
}
