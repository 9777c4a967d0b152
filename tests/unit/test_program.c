/*
 * test_program.c: the accelerator program. The serial schedule keeps the old controller's
 * cycles (the golden reports pin them); the pipelined one is faster where units can overlap
 * and never slower on the shipped configurations; a program survives its file unchanged;
 * bad program files and programs that cannot finish are errors naming what is wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "accel/accel.h"
#include "testutil.h"

static asim_cycle_t cycles(const char *config, const char *model, const char *schedule)
{
    const char *sets[] = {schedule};
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = test_run(config, model, sets, 1, &rep, &g);
    asim_cycle_t c = rep.total_cycles;
    test_run_free(sim, &rep, &g);
    return c;
}

static void test_pipelined_overlaps(void **state)
{
    (void)state;
    const char *configs[] = {"configs/quark.yaml", "configs/beta.yaml",
                             "configs/systolic_32x32.yaml"};
    for (size_t i = 0; i < 3; i++) {
        asim_cycle_t serial = cycles(configs[i], "vit_tiny", "schedule=serial");
        asim_cycle_t piped = cycles(configs[i], "vit_tiny", "schedule=pipelined");
        print_message("%s vit_tiny: serial %llu, pipelined %llu cycles\n", configs[i],
                      (unsigned long long)serial, (unsigned long long)piped);
        assert_true(piped <= serial);
    }
    /* quark.yaml: GEMMs on the array, every vector op on the QUARK unit: they overlap */
    assert_true(cycles("configs/quark.yaml", "vit_tiny", "schedule=pipelined") * 10 <
                cycles("configs/quark.yaml", "vit_tiny", "schedule=serial") * 8);
}

static uint64_t stat_of(const char *schedule, const char *path)
{
    const char *sets[] = {schedule, "buffers.banks=2", "buffers.port_bits=64"};
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = test_run("configs/quark.yaml", "vit_tiny", sets, 3, &rep, &g);
    const asim_stat_t *st = asim_stats_find(rep.stats, path);
    assert_non_null(st);
    uint64_t v = *st->value;
    test_run_free(sim, &rep, &g);
    return v;
}

/* Units that run at once share the buffers' ports: with narrow ports, the pipelined program
 * stalls the array on them more than the serial one, where the array reads alone. */
static void test_units_share_buffer_ports(void **state)
{
    (void)state;
    uint64_t serial = stat_of("schedule=serial", "array.stall_sram_ports");
    uint64_t piped = stat_of("schedule=pipelined", "array.stall_sram_ports");
    print_message("array port stalls: serial %llu, pipelined %llu\n",
                  (unsigned long long)serial, (unsigned long long)piped);
    assert_true(serial > 0);
    assert_true(piped > serial);
}

typedef struct {
    uint64_t calls, bits;
    asim_cycle_t cycles, now;
} slow_memory_t;

static asim_cycle_t slow_memory(void *ctx, asim_cycle_t now, bool store, uint64_t bits,
                                const asim_run_t *runs, size_t n_runs)
{
    slow_memory_t *m = ctx;
    (void)store;
    assert_true(now >= m->now); /* transfers come in the order they start */
    assert_true(n_runs > 0); /* with its runs of bytes, which hold its bits */
    uint64_t bytes = 0;
    for (size_t r = 0; r < n_runs; r++)
        bytes += runs[r].hi - runs[r].lo + 1;
    assert_true(8 * bytes >= bits);
    m->now = now;
    m->calls++;
    m->bits += bits;
    return m->cycles;
}

/* A platform's memory times the DMA transfers: every transfer asks it, and a slow one makes
 * the run longer; one faster than the DRAM model changes nothing. */
static void test_dma_timer(void **state)
{
    (void)state;
    asim_cycle_t total[3];
    for (int i = 0; i < 3; i++) {
        asim_config_t cfg;
        asim_graph_t g;
        asim_sim_t *sim;
        asim_report_t rep;
        asim_error_t err;
        slow_memory_t mem = {0, 0, i == 0 ? 0 : i == 1 ? 1 : 20000, 0};
        if (asim_config_load(src_path("configs/quark.yaml"), NULL, 0, &cfg, &err) ||
            asim_model_load("vit_tiny:layers=2", &g, &err) || asim_sim_create(&cfg, &sim, &err))
            fail_msg("%s", err.msg);
        if (i)
            asim_sim_set_dma_timer(sim, slow_memory, &mem);
        assert_int_equal(asim_sim_run(sim, &g, &rep, &err), ASIM_OK);
        total[i] = rep.total_cycles;
        if (i) {
            assert_int_equal(mem.calls, *asim_stats_find(rep.stats, "dma.jobs")->value);
            assert_int_equal(mem.bits, *asim_stats_find(rep.stats, "dma.load_bits")->value +
                                           *asim_stats_find(rep.stats, "dma.store_bits")->value);
        }
        asim_report_free(&rep);
        asim_sim_free(sim);
        asim_graph_free(&g);
    }
    assert_int_equal(total[1], total[0]); /* a 1-cycle memory: the DRAM model is slower */
    assert_true(total[2] > total[0]);
}

/* The buffers' occupancy: every tile loaded is computed by the end, and at most `slots`
 * tiles are held at once, so it never exceeds the buffers' capacity. */
static void test_buffer_occupancy(void **state)
{
    (void)state;
    const char *schedules[] = {"schedule=serial", "schedule=pipelined"};
    for (int i = 0; i < 2; i++) {
        asim_config_t cfg;
        asim_graph_t g;
        asim_sim_t *sim;
        asim_report_t rep;
        asim_error_t err;
        if (asim_config_load(src_path("configs/quark.yaml"), &schedules[i], 1, &cfg, &err) ||
            asim_model_load("vit_tiny:layers=2", &g, &err) || asim_sim_create(&cfg, &sim, &err))
            fail_msg("%s", err.msg);
        asim_sim_record_timeline(sim);
        assert_int_equal(asim_sim_run(sim, &g, &rep, &err), ASIM_OK);
        assert_true(rep.n_occupancy > 10);
        uint64_t peak = 0, cap = (uint64_t)(cfg.buffers.act_kib + cfg.buffers.weight_kib) * 8192;
        for (size_t k = 0; k < rep.n_occupancy; k++) {
            peak = rep.occupancy[k].bits > peak ? rep.occupancy[k].bits : peak;
            assert_true(k == 0 || rep.occupancy[k].at > rep.occupancy[k - 1].at);
        }
        print_message("%s: peak occupancy %llu of %llu bits\n", schedules[i],
                      (unsigned long long)peak, (unsigned long long)cap);
        assert_true(peak > 0 && peak <= cap);
        assert_int_equal(rep.occupancy[rep.n_occupancy - 1].bits, 0);
        asim_report_free(&rep);
        asim_sim_free(sim);
        asim_graph_free(&g);
    }
}

/* Builds the simulator and graph of a run, without running. */
static asim_sim_t *setup(const char *config, const char *schedule, asim_graph_t *g)
{
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    const char *sets[] = {schedule};
    if (asim_config_load(src_path(config), sets, 1, &cfg, &err) ||
        asim_model_load("vit_tiny:layers=2", g, &err) || asim_sim_create(&cfg, &sim, &err))
        fail_msg("%s", err.msg);
    return sim;
}

static void test_file_round_trip(void **state)
{
    (void)state;
    const char *path = tmp_file(".prog", "");
    asim_graph_t g;
    asim_error_t err;
    asim_sim_t *a = setup("configs/quark.yaml", "schedule=pipelined", &g);
    assert_int_equal(asim_sim_compile(a, &g, path, &err), ASIM_OK);
    asim_program_t back;
    asim_program_info_t info;
    assert_int_equal(asim_program_read(path, &back, &info, &err), ASIM_OK);
    assert_int_equal(back.n_queues, a->prog.n_queues);
    assert_int_equal(back.n_channels, a->prog.n_channels);
    assert_int_equal(asim_program_len(&back), asim_program_len(&a->prog));
    for (size_t q = 0; q < back.n_queues; q++)
        for (size_t i = 0; i < back.queues[q].len; i++) {
            const asim_insn_t *x = &back.queues[q].insns[i], *y = &a->prog.queues[q].insns[i];
            assert_true(x->kind == y->kind && x->op == y->op && x->tile == y->tile &&
                        x->bits == y->bits && x->n_waits == y->n_waits &&
                        x->n_pushes == y->n_pushes && x->slot == y->slot);
            assert_memory_equal(x->waits, y->waits, x->n_waits * sizeof x->waits[0]);
            assert_memory_equal(x->pushes, y->pushes, x->n_pushes * sizeof x->pushes[0]);
        }
    assert_string_equal(info.names[3], g.ops[3].name);
    assert_int_equal(back.dram_bytes, a->prog.dram_bytes);
    assert_memory_equal(back.addrs, a->prog.addrs, back.n_ops * sizeof *back.addrs);
    asim_program_free(&back);
    free(info.names);
    /* the file runs to the same cycles as compiling in place */
    asim_report_t r1, r2;
    asim_graph_t gb, gc, gd;
    asim_sim_t *b = setup("configs/quark.yaml", "schedule=pipelined", &gb);
    asim_sim_t *c = setup("configs/quark.yaml", "schedule=pipelined", &gc);
    assert_int_equal(asim_sim_run_program(b, &gb, path, &r1, &err), ASIM_OK);
    assert_int_equal(asim_sim_run(c, &gc, &r2, &err), ASIM_OK);
    assert_int_equal(r1.total_cycles, r2.total_cycles);
    asim_report_free(&r1);
    asim_report_free(&r2);
    /* another configuration refuses it */
    asim_sim_t *d = setup("configs/quark.yaml", "schedule=serial", &gd);
    assert_int_equal(asim_sim_run_program(d, &gd, path, &r1, &err), ASIM_EPROGRAM);
    assert_non_null(strstr(err.msg, "compiled for another configuration"));
    asim_sim_free(a);
    asim_sim_free(b);
    asim_sim_free(c);
    asim_sim_free(d);
    asim_graph_free(&g);
    asim_graph_free(&gb);
    asim_graph_free(&gc);
    asim_graph_free(&gd);
}

/* Rewrites byte `at` of a file. */
static void poke(const char *path, long at, unsigned char v)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, at, SEEK_SET);
    fputc(v, f);
    fclose(f);
}

static void expect_read_error(const char *path, asim_status_t code, const char *needle)
{
    asim_program_t p;
    asim_program_info_t info;
    asim_error_t err = {0};
    assert_int_equal(asim_program_read(path, &p, &info, &err), code);
    if (!strstr(err.msg, needle))
        fail_msg("expected '%s' in: %s", needle, err.msg);
}

static void test_bad_files(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    asim_sim_t *s = setup("configs/quark.yaml", "schedule=pipelined", &g);
    const char *path = tmp_file(".prog", "");
    assert_int_equal(asim_sim_compile(s, &g, path, &err), ASIM_OK);
    expect_read_error(tmp_file(".prog", "ASIMPRG"), ASIM_EPROGRAM, "no ASIMPRG header");
    expect_read_error(tmp_file(".prog", "hello, world, this is not a program at all......"),
                      ASIM_EPROGRAM, "no ASIMPRG header");
    expect_read_error("/nonexistent.prog", ASIM_EIO, "cannot open");
    expect_read_error("/dev/null", ASIM_EPROGRAM, "not a regular file");
    poke(path, 8, 9); /* format version 9 */
    expect_read_error(path, ASIM_EPROGRAM, "program format version 9");
    poke(path, 8, ASIM_PROGRAM_VERSION);
    poke(path, 200, 0xff); /* a flipped byte */
    expect_read_error(path, ASIM_EPROGRAM, "checksum mismatch");
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* Producer and readers agree where every tensor lives: a producer keeps its output on chip
 * (no store) exactly when each reader reads it on chip (no load), at every activation-buffer
 * size, down to the ones where a producer's output fits but a reader's view of it does not
 * (vit_tiny's patch_embed writes 16 rows that pos_embed reads as 17, with the class token). */
static void test_residency_agrees(void **state)
{
    (void)state;
    static const char *const configs[] = {"configs/quark.yaml", "configs/beta.yaml"};
    static const char *const models[] = {"vit_tiny:layers=2,dim=32,heads=2,image=64",
                                         "bert_base_w1a8:layers=1,dim=64,heads=2,seq_len=17",
                                         "llama:layers=1,dim=64,heads=4,kv_heads=2,ffn=128,vocab=64,"
                                         "context=16,phase=prefill"};
    static const char *const sizes[] = {"buffers.act_kib=1", "buffers.act_kib=2",
                                        "buffers.act_kib=4", "buffers.act_kib=16",
                                        "buffers.act_kib=256"};
    size_t checked = 0;
    for (size_t c = 0; c < 2; c++)
        for (size_t m = 0; m < 3; m++)
            for (size_t k = 0; k < 5; k++) {
                asim_config_t cfg;
                asim_graph_t g;
                asim_sim_t *s = NULL;
                asim_error_t err;
                asim_program_t p;
                if (asim_config_load(src_path(configs[c]), &sizes[k], 1, &cfg, &err) ||
                    asim_model_load(models[m], &g, &err) || asim_sim_create(&cfg, &s, &err) ||
                    asim_compile(s, &g, ASIM_SCHEDULE_PIPELINED, &p, &err))
                    fail_msg("%s", err.msg);
                for (size_t o = 0; o < g.len; o++)
                    for (unsigned j = 0; j < g.ops[o].n_inputs && p.op_queue[o] >= 0; j++) {
                        uint32_t in = g.ops[o].inputs[j];
                        if (in == ASIM_INPUT_MODEL || p.op_queue[in] < 0)
                            continue;
                        bool b = g.ops[o].kind == ASIM_OP_GEMM && j == 1;
                        bool reads = b ? p.plans[o].b_resident : p.plans[o].a_resident;
                        if (reads != p.plans[in].out_resident)
                            fail_msg("%s, %s, %s: '%s' %s '%s' %s", configs[c], models[m],
                                     sizes[k], g.ops[in].name,
                                     p.plans[in].out_resident ? "keeps" : "stores",
                                     g.ops[o].name, reads ? "reads it on chip" : "loads it");
                        checked++;
                    }
                asim_program_free(&p);
                asim_sim_free(s);
                asim_graph_free(&g);
            }
    assert_true(checked > 100);
}

/* Every tensor has its own aligned DRAM range: outputs and owned weights never overlap; an
 * op reads A from its producer's output (the first op: the model input at 0); a shared
 * weight is its owner's; loads take the slots in turn. */
static void test_tensor_addresses(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    asim_sim_t *s = setup("configs/quark.yaml", "schedule=pipelined", &g);
    asim_program_t p;
    assert_int_equal(asim_compile(s, &g, ASIM_SCHEDULE_PIPELINED, &p, &err), ASIM_OK);
    uint64_t end = 0; /* owned tensors come in address order */
    for (size_t o = 0; o < g.len; o++) {
        const asim_op_t *op = &g.ops[o];
        asim_tensor_layout_t l;
        if (asim_op_owns_b(op)) {
            assert_true(p.addrs[o].b >= end && p.addrs[o].b % ASIM_DRAM_ALIGN == 0);
            asim_tensor_layout(op, ASIM_TENSOR_B, &l);
            end = p.addrs[o].b + asim_tensor_bytes(&l);
        }
        assert_true(p.addrs[o].out >= end && p.addrs[o].out % ASIM_DRAM_ALIGN == 0);
        asim_tensor_layout(op, ASIM_TENSOR_OUT, &l);
        assert_true(asim_tensor_bytes(&l) * 8 >= l.rows * l.cols * l.bits);
        end = p.addrs[o].out + asim_tensor_bytes(&l);
        uint32_t in = op->inputs[0];
        assert_int_equal(p.addrs[o].a, in == ASIM_INPUT_MODEL ? 0 : p.addrs[in].out);
        if (op->kind == ASIM_OP_GEMM && !op->b_is_weight)
            assert_int_equal(p.addrs[o].b, p.addrs[op->inputs[1]].out);
    }
    assert_int_equal(p.dram_bytes, end);
    assert_true(p.addrs[0].a == 0 && p.addrs[0].b > 0); /* the input comes first */
    const asim_queue_t *ld = &p.queues[ASIM_QUEUE_LOAD];
    for (size_t i = 0; i < ld->len; i++)
        assert_int_equal(ld->insns[i].slot, i % s->buf.slots);
    /* an address outside the image, or a slot past the last, is refused */
    p.addrs[2].out = p.dram_bytes;
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_EPROGRAM);
    assert_non_null(strstr(err.msg, "outside the DRAM image"));
    p.addrs[2].out = 0;
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_OK);
    p.queues[ASIM_QUEUE_LOAD].insns[0].slot = ASIM_MAX_SLOTS;
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_EPROGRAM);
    assert_non_null(strstr(err.msg, "names no buffer slot"));
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* A program whose tokens balance but can never all arrive: the first compute waits for a
 * token that only the last store pushes, and the last store follows that compute. */
static void test_deadlock_is_reported(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err = {0};
    asim_sim_t *s = setup("configs/quark.yaml", "schedule=pipelined", &g);
    asim_program_t p;
    assert_int_equal(asim_compile(s, &g, ASIM_SCHEDULE_PIPELINED, &p, &err), ASIM_OK);
    asim_channel_t *ch = realloc(p.channels, (p.n_channels + 1) * sizeof *ch);
    assert_non_null(ch);
    p.channels = ch;
    uint16_t c = (uint16_t)p.n_channels++;
    p.channels[c] = (asim_channel_t){ASIM_QUEUE_STORE, 2, ASIM_CAUSE_DATA};
    asim_insn_t *first = &p.queues[2].insns[0];
    asim_insn_t *last = &p.queues[ASIM_QUEUE_STORE].insns[p.queues[ASIM_QUEUE_STORE].len - 1];
    first->waits[first->n_waits++] = c;
    last->pushes[last->n_pushes++] = c;
    asim_report_t rep;
    assert_int_equal(asim_execute(s, &g, &p, &rep, &err), ASIM_EDEADLOCK);
    print_message("%s\n", err.msg);
    assert_non_null(strstr(err.msg, "deadlock: queue 'load'"));
    assert_non_null(strstr(err.msg, "queue 'store' at instruction 0 (op 'head') waits on "
                                    "array->store (result)"));
    assert_non_null(strstr(err.msg, "queue 'array' at instruction 0 (op 'patch_embed') waits on"
                                    " store->array (data)"));
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* A hand-written program may end with a load whose data no compute reads: the run's total
 * still counts until that load completes. */
static void test_trailing_load_counts(void **state)
{
    (void)state;
    asim_graph_t g, g2;
    asim_error_t err = {0};
    asim_report_t rep, rep2;
    asim_sim_t *s = setup("configs/quark.yaml", "schedule=pipelined", &g);
    assert_int_equal(asim_sim_run(s, &g, &rep, &err), ASIM_OK);
    asim_sim_t *s2 = setup("configs/quark.yaml", "schedule=pipelined", &g2);
    asim_program_t p;
    assert_int_equal(asim_compile(s2, &g2, ASIM_SCHEDULE_PIPELINED, &p, &err), ASIM_OK);
    asim_queue_t *ld = &p.queues[ASIM_QUEUE_LOAD];
    asim_insn_t *insns = realloc(ld->insns, (ld->len + 1) * sizeof *insns);
    assert_non_null(insns);
    ld->insns = insns;
    /* the first load again, after the last instruction of every other queue (a channel
     * from each to the load queue) */
    asim_insn_t extra = ld->insns[0];
    extra.n_waits = extra.n_pushes = 0;
    for (uint16_t q = ASIM_QUEUE_STORE; q < p.n_queues; q++) {
        asim_queue_t *from = &p.queues[q];
        if (!from->len)
            continue;
        asim_channel_t *ch = realloc(p.channels, (p.n_channels + 1) * sizeof *ch);
        assert_non_null(ch);
        p.channels = ch;
        uint16_t c = (uint16_t)p.n_channels++;
        p.channels[c] = (asim_channel_t){q, ASIM_QUEUE_LOAD, ASIM_CAUSE_DATA};
        asim_insn_t *last = &from->insns[from->len - 1];
        last->pushes[last->n_pushes++] = c;
        extra.waits[extra.n_waits++] = c;
    }
    extra.slot = (uint8_t)(ld->len % s2->buf.slots);
    ld->insns[ld->len++] = extra;
    ld->cap = ld->len;
    assert_int_equal(asim_execute(s2, &g2, &p, &rep2, &err), ASIM_OK);
    print_message("compiled %llu cycles, with a trailing load %llu\n",
                  (unsigned long long)rep.total_cycles, (unsigned long long)rep2.total_cycles);
    assert_true(rep2.total_cycles > rep.total_cycles);
    asim_report_free(&rep);
    asim_report_free(&rep2);
    asim_sim_free(s);
    asim_sim_free(s2);
    asim_graph_free(&g);
    asim_graph_free(&g2);
}

/* Two identical arrays (array.count=2): `model` runs on each of them, recorded. */
static asim_sim_t *two_arrays(const char *model, const char *schedule, asim_graph_t *g,
                              asim_report_t *rep)
{
    const char *sets[] = {"array.count=2", "array.rows=16", "array.cols=16", schedule};
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    if (asim_config_load(src_path("configs/quark.yaml"), sets, 4, &cfg, &err) ||
        asim_model_load(model, g, &err) || asim_sim_create(&cfg, &sim, &err))
        fail_msg("%s", err.msg);
    asim_sim_record_timeline(sim);
    if (asim_sim_run(sim, g, rep, &err))
        fail_msg("%s", err.msg);
    return sim;
}

/* Cycles during which op la computes on unit a and op lb on unit b at once. */
static asim_cycle_t overlap(const asim_report_t *rep, size_t la, const char *a, size_t lb,
                            const char *b)
{
    asim_cycle_t both = 0;
    for (size_t i = 0; i < rep->n_spans; i++)
        for (size_t j = 0; j < rep->n_spans; j++) {
            const asim_span_t *x = &rep->spans[i], *y = &rep->spans[j];
            if (x->layer != la || y->layer != lb || strcmp(x->what, "compute") ||
                strcmp(y->what, "compute") || strcmp(x->unit, a) || strcmp(y->unit, b))
                continue;
            asim_cycle_t from = x->start > y->start ? x->start : y->start;
            asim_cycle_t to = x->end < y->end ? x->end : y->end;
            both += to > from ? to - from : 0;
        }
    return both;
}

static size_t layer_named(const asim_graph_t *g, const char *name)
{
    for (size_t i = 0; i < g->len; i++)
        if (!strcmp(g->ops[i].name, name))
            return i;
    fail_msg("no op '%s'", name);
    return 0;
}

/* Cycles op la computes on unit a. */
static asim_cycle_t computing(const asim_report_t *rep, size_t la, const char *a)
{
    asim_cycle_t busy = 0;
    for (size_t i = 0; i < rep->n_spans; i++) {
        const asim_span_t *x = &rep->spans[i];
        if (x->layer == la && !strcmp(x->what, "compute") && !strcmp(x->unit, a))
            busy += x->end - x->start;
    }
    return busy;
}

/* With two identical arrays the pipelined program spreads independent heads of QK^T and AV
 * over both, runs QK^T heads on both at once, and takes fewer cycles than on one; the serial
 * one keeps everything on the first array, cycle for cycle as with one. (AV heads need not
 * overlap: each waits for its softmax rows on the one shared QUARK unit, and at 16x16 a
 * head's softmax takes longer than its AV.) */
static void test_heads_on_two_arrays(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_report_t rep;
    asim_sim_t *sim = two_arrays("vit_tiny:layers=1", "schedule=pipelined", &g, &rep);
    size_t qk = layer_named(&g, "blk0.qk"), av = layer_named(&g, "blk0.av");
    asim_cycle_t qk_both = overlap(&rep, qk, "array", qk, "array1");
    asim_cycle_t av0 = computing(&rep, av, "array"), av1 = computing(&rep, av, "array1");
    print_message("two arrays: blk0.qk on both at once for %llu cycles; blk0.av %llu cycles "
                  "on array, %llu on array1\n", (unsigned long long)qk_both,
                  (unsigned long long)av0, (unsigned long long)av1);
    assert_true(qk_both > 0 && av0 > 0 && av1 > 0);
    size_t qkv = layer_named(&g, "blk0.qkv");
    assert_int_equal(overlap(&rep, qkv, "array", qkv, "array1"), 0);
    asim_cycle_t piped2 = rep.total_cycles;
    test_run_free(sim, &rep, &g);
    const char *one[] = {"array.rows=16", "array.cols=16", "schedule=pipelined"};
    sim = test_run("configs/quark.yaml", "vit_tiny:layers=1", one, 3, &rep, &g);
    asim_cycle_t piped1 = rep.total_cycles;
    test_run_free(sim, &rep, &g);
    print_message("pipelined: %llu cycles on two arrays, %llu on one\n",
                  (unsigned long long)piped2, (unsigned long long)piped1);
    assert_true(piped2 < piped1);

    sim = two_arrays("vit_tiny:layers=1", "schedule=serial", &g, &rep);
    for (size_t i = 0; i < rep.n_spans; i++)
        assert_string_not_equal(rep.spans[i].unit, "array1");
    asim_cycle_t serial2 = rep.total_cycles;
    test_run_free(sim, &rep, &g);
    one[2] = "schedule=serial";
    sim = test_run("configs/quark.yaml", "vit_tiny:layers=1", one, 3, &rep, &g);
    assert_int_equal(serial2, rep.total_cycles);
    test_run_free(sim, &rep, &g);
}

/* Two independent branches (GEMMs that both read the model's input) run on the two arrays at
 * once under the pipelined schedule, one after the other on the first array under serial. */
static void test_branches_on_two_arrays(void **state)
{
    (void)state;
    const char *model = tmp_file(".yaml",
                                 "name: branches\n"
                                 "ops:\n"
                                 "  - {name: left, op: gemm, m: 256, n: 256, k: 256}\n"
                                 "  - {name: right, op: gemm, m: 256, n: 256, k: 256, "
                                 "inputs: [input]}\n"
                                 "  - {name: sum, op: add, rows: 256, cols: 256, "
                                 "inputs: [left, right]}\n");
    asim_graph_t g;
    asim_report_t rep;
    asim_sim_t *sim = two_arrays(model, "schedule=pipelined", &g, &rep);
    asim_cycle_t both = overlap(&rep, 0, "array", 1, "array1");
    print_message("branches: 'left' on array and 'right' on array1 at once for %llu cycles\n",
                  (unsigned long long)both);
    assert_true(both > 0);
    test_run_free(sim, &rep, &g);
    sim = two_arrays(model, "schedule=serial", &g, &rep);
    for (size_t i = 0; i < rep.n_spans; i++)
        assert_string_not_equal(rep.spans[i].unit, "array1");
    test_run_free(sim, &rep, &g);
}

/* A program file whose compute runs an op on another kind of unit than the op's is refused. */
/* Compiles quark.yaml's pipelined program to a file, lets edit change it (the file is written
 * again, with a valid checksum), runs the file on a fresh simulator and requires it refused
 * with a message holding `needle` and, unless NULL, `also`. */
static void expect_edited_program_refused(void (*edit)(asim_program_t *, const asim_graph_t *, int),
                                          int variant, const char *needle, const char *also)
{
    asim_graph_t g, g2;
    asim_error_t err = {0};
    asim_sim_t *s = setup("configs/quark.yaml", "schedule=pipelined", &g);
    const char *path = tmp_file(".prog", "");
    assert_int_equal(asim_sim_compile(s, &g, path, &err), ASIM_OK);
    asim_program_t p;
    asim_program_info_t info;
    assert_int_equal(asim_program_read(path, &p, &info, &err), ASIM_OK);
    edit(&p, &g, variant);
    assert_int_equal(asim_program_write(path, &p, &g, info.config_fp, &err), ASIM_OK);
    asim_program_free(&p);
    free(info.names);
    asim_sim_t *s2 = setup("configs/quark.yaml", "schedule=pipelined", &g2);
    asim_report_t rep;
    assert_int_equal(asim_sim_run_program(s2, &g2, path, &rep, &err), ASIM_EPROGRAM);
    print_message("%s\n", err.msg);
    if (!strstr(err.msg, needle) || (also && !strstr(err.msg, also)))
        fail_msg("'%s' does not hold '%s' and '%s'", err.msg, needle, also ? also : "");
    asim_sim_free(s);
    asim_sim_free(s2);
    asim_graph_free(&g);
    asim_graph_free(&g2);
}

/* The array's first compute names a softmax tile. */
static void compute_softmax_on_array(asim_program_t *p, const asim_graph_t *g, int variant)
{
    (void)variant;
    asim_insn_t *in = &p->queues[2].insns[0];
    in->op = (uint32_t)layer_named(g, "blk0.softmax");
    in->tile = 0;
}

static void test_compute_on_wrong_unit_is_refused(void **state)
{
    (void)state;
    expect_edited_program_refused(compute_softmax_on_array, 0,
                                  "queue 'array' instruction 0 computes op 'blk0.softmax' of "
                                  "unit 'quark' on another kind of unit", NULL);
}

/* QKV's plan gets a tile size of 0 (variant 0) or one tile more than its sizes give (1). */
static void bad_qkv_tiling(asim_program_t *p, const asim_graph_t *g, int variant)
{
    asim_plan_t *pl = &p->plans[layer_named(g, "blk0.qkv")];
    if (variant == 0)
        pl->tk = 0;
    else
        pl->n_tiles++;
}

/* A program file whose checksum holds but whose tiling does not fit its op (a tile size of 0,
 * or a tile count that the sizes do not give) is refused before it runs. */
static void test_bad_tiling_is_refused(void **state)
{
    (void)state;
    for (int variant = 0; variant < 2; variant++)
        expect_edited_program_refused(bad_qkv_tiling, variant, "op 'blk0.qkv': its tiles",
                                      "do not fit the op");
}

/* The checker refuses a program that does not balance, or takes two tokens of one channel. */
static void test_unbalanced_is_refused(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err = {0};
    asim_sim_t *s = setup("configs/quark.yaml", "schedule=serial", &g);
    asim_program_t p;
    assert_int_equal(asim_compile(s, &g, ASIM_SCHEDULE_SERIAL, &p, &err), ASIM_OK);
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_OK);
    asim_insn_t *in = &p.queues[2].insns[1];
    assert_true(in->n_waits > 0);
    in->n_waits--; /* one pop fewer */
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_EPROGRAM);
    assert_non_null(strstr(err.msg, "more pushes than pops"));
    in->n_waits++;
    in->waits[in->n_waits] = in->waits[in->n_waits - 1]; /* one token per channel */
    in->n_waits++;
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_EPROGRAM);
    assert_non_null(strstr(err.msg, "waits on a channel twice"));
    in->n_waits--;
    in->op = 100000;
    assert_int_equal(asim_program_check(&p, "p", &err), ASIM_EPROGRAM);
    assert_non_null(strstr(err.msg, "names no tile"));
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipelined_overlaps),
        cmocka_unit_test(test_units_share_buffer_ports),
        cmocka_unit_test(test_dma_timer),
        cmocka_unit_test(test_buffer_occupancy),
        cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_tensor_addresses),
        cmocka_unit_test(test_deadlock_is_reported),
        cmocka_unit_test(test_unbalanced_is_refused),
        cmocka_unit_test(test_bad_tiling_is_refused),
        cmocka_unit_test(test_trailing_load_counts),
        cmocka_unit_test(test_heads_on_two_arrays),
        cmocka_unit_test(test_branches_on_two_arrays),
        cmocka_unit_test(test_compute_on_wrong_unit_is_refused),
        cmocka_unit_test(test_residency_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
