/*
 * test_functional.c: the functional golden (sim/functional, docs/functional.md). The program
 * run instruction by instruction and the plain whole-tensor reference agree bit for bit on the
 * four small whole models of the cross-check and on the built-in graphs, under both schedules;
 * a program whose tokens, tiles or addresses are wrong disagrees; the values are not
 * degenerate (not all saturated, not all one code), and the seed changes them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "accel/accel.h"
#include "functional/functional.h"
#include "testutil.h"

/* The board of `config` with the --set values, and `model`. */
static asim_sim_t *board(const char *config, const char *model, const char **sets,
                         size_t n_sets, asim_graph_t *g)
{
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    if (asim_config_load(src_path(config), sets, n_sets, &cfg, &err) ||
        asim_model_load(model, g, &err) || asim_sim_create(&cfg, &sim, &err))
        fail_msg("%s", err.msg);
    return sim;
}

/* Runs the whole check; returns whether the values of both orders matched (every error fails
 * the test). c gets the timed order's figures, or the first order that differed. */
static bool check(const char *config, const char *model, const char **sets, size_t n_sets,
                  uint64_t seed, asim_fn_compare_t *c)
{
    asim_graph_t g;
    asim_sim_t *s = board(config, model, sets, n_sets, &g);
    const asim_program_t *p;
    asim_fn_images_t im;
    asim_fn_compare_t both[2];
    asim_error_t err;
    if (asim_fn_check(s, &g, seed, &p, &im, both, &err) != ASIM_OK)
        fail_msg("%s %s: %s", config, model, err.msg);
    *c = both[0].match ? both[1] : both[0];
    print_message("%s %s%s%s: %llu on-chip, %llu DRAM codes, token order %s, timed order %s "
                  "%s\n", config, model, n_sets ? " " : "", n_sets ? sets[n_sets - 1] : "",
                  (unsigned long long)c->chip_values, (unsigned long long)c->dram_values,
                  both[0].match ? "match" : "DIFFER", both[1].match ? "match" : "DIFFER",
                  c->first);
    asim_fn_images_free(&im);
    asim_sim_free(s);
    asim_graph_free(&g);
    return both[0].match && both[1].match;
}

#define VIT2 "vit_tiny:layers=2,dim=32,heads=2,image=64"
#define BERT1 "bert_base_w1a8:layers=1,dim=64,heads=2,seq_len=17"

/* The four whole models of issue 13's cross-check. */
static void test_four_models_agree(void **state)
{
    (void)state;
    asim_fn_compare_t c;
    const char *serial[] = {"schedule=serial"}, *starved[] = {"dram.bandwidth_gbps=0.5"};
    assert_true(check("configs/quark.yaml", VIT2, NULL, 0, 1, &c));
    assert_true(c.chip_values > 60000 && c.dram_values >= 1000);
    assert_true(check("configs/beta.yaml", BERT1, NULL, 0, 1, &c));
    assert_true(check("configs/quark.yaml", VIT2, serial, 1, 1, &c));
    assert_true(check("configs/beta.yaml", BERT1, serial, 1, 1, &c));
    assert_true(check("configs/quark.yaml", VIT2, starved, 1, 1, &c));
}

/* Intermediate tensors through DRAM (smaller buffers: nothing stays on chip, GEMMs fold k),
 * weights pinned on chip, one slot, and other seeds. */
static void test_through_dram_and_seeds(void **state)
{
    (void)state;
    asim_fn_compare_t c;
    const char *small[] = {"buffers.act_kib=4", "buffers.weight_kib=4"};
    assert_true(check("configs/quark.yaml", VIT2, small, 2, 1, &c));
    assert_true(c.dram_values > c.chip_values / 2); /* most outputs went through DRAM */
    const char *pinned[] = {"buffers.weights=pinned", "buffers.weight_kib=2048"};
    assert_true(check("configs/quark.yaml", VIT2, pinned, 2, 1, &c));
    const char *single[] = {"buffers.double_buffer=false", "buffers.act_kib=4",
                            "schedule=serial"};
    assert_true(check("configs/quark.yaml", VIT2, single, 3, 1, &c));
    const char *tiny[] = {"buffers.act_kib=2", "buffers.weight_kib=2"}; /* per-head tiles too */
    for (uint64_t seed = 1; seed < 4; seed++)
        assert_true(check("configs/beta.yaml", BERT1, tiny, 2, seed, &c));
    /* docs/functional.md, finding 1: 4 KiB buffers once refilled QKV's weight slot early */
    assert_true(check("configs/beta.yaml", BERT1, small, 2, 1, &c));
}

/* Every built-in family at a small size on the shipped configurations whose units run all
 * their ops (systolic_32x32.yaml has no unit for vector ops). */
static void test_builtins_agree(void **state)
{
    (void)state;
    asim_fn_compare_t c;
    const char *models[] = {"vit_tiny:layers=1,dim=32,heads=2,image=64",
                            "vit_small:layers=1,dim=64,heads=4,image=64",
                            "bert_base:layers=1,dim=32,heads=2,seq_len=9",
                            "bert_base_w1a1:layers=1,dim=32,heads=2,seq_len=9",
                            "bert_base_w1a8:layers=2,dim=32,heads=2,seq_len=9",
                            "vit_tiny_w1a4:layers=1,dim=32,heads=2,image=64"};
    const char *configs[] = {"configs/quark.yaml", "configs/beta.yaml"};
    for (size_t i = 0; i < sizeof models / sizeof *models; i++)
        for (size_t k = 0; k < 2; k++)
            assert_true(check(configs[k], models[i], NULL, 0, 7, &c));
    /* the Neural-ODE block: convolutions lowered by im2col, relu, weights shared by steps */
    assert_true(check("configs/odeformer.yaml", "odeformer:dim=16,heads=2,image=32,steps=2",
                      NULL, 0, 7, &c));
}

/* The values are not degenerate, and the seed matters. */
static void test_values_are_informative(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_sim_t *s = board("configs/quark.yaml", VIT2, NULL, 0, &g);
    asim_error_t err;
    int32_t **a, **b;
    assert_int_equal(asim_fn_reference(&g, 1, &a, &err), ASIM_OK);
    assert_int_equal(asim_fn_reference(&g, 2, &b, &err), ASIM_OK);
    for (size_t o = 0; o < g.len; o++) {
        uint64_t n = asim_op_outputs(&g.ops[o]), differ = 0, extreme = 0, distinct = 0;
        int32_t top = (1 << (g.ops[o].out_bits - 1)) - 1;
        bool seen[1 << 16] = {0};
        for (uint64_t e = 0; e < n; e++) {
            differ += a[o][e] != b[o][e];
            extreme += a[o][e] == top || a[o][e] == -top - 1;
            int32_t key = a[o][e] + (1 << 15);
            distinct += !seen[key];
            seen[key] = true;
        }
        print_message("%-14s %6llu codes, %5llu distinct, %5.1f%% saturated, %5.1f%% change "
                      "with the seed\n", g.ops[o].name, (unsigned long long)n,
                      (unsigned long long)distinct, 100.0 * (double)extreme / (double)n,
                      100.0 * (double)differ / (double)n);
        assert_true(distinct >= 3);
        assert_true(extreme * 2 < n);
        assert_true(differ * 4 > n);
    }
    asim_fn_reference_free(a, g.len);
    asim_fn_reference_free(b, g.len);
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* A program mutated by f must make the values differ (or stop the run). */
static void expect_caught(const char *config, const char *model, const char **sets,
                          size_t n_sets, void (*f)(asim_program_t *), const char *what)
{
    asim_graph_t g;
    asim_sim_t *s = board(config, model, sets, n_sets, &g);
    asim_program_t p;
    asim_fn_images_t im;
    asim_error_t err;
    int32_t **ref;
    assert_int_equal(asim_compile(s, &g, (asim_schedule_t)s->cfg.schedule, &p, &err), ASIM_OK);
    f(&p);
    assert_int_equal(asim_fn_reference(&g, 1, &ref, &err), ASIM_OK);
    asim_status_t st = asim_fn_execute(&p, &g, 1, NULL, &im, &err);
    asim_fn_compare_t c = {.match = false};
    if (st == ASIM_OK)
        asim_fn_compare(&p, &g, &im, ref, &c);
    print_message("%s: %s\n", what, st != ASIM_OK ? err.msg : c.first);
    assert_true(st != ASIM_OK || !c.match);
    asim_fn_images_free(&im);
    asim_fn_reference_free(ref, g.len);
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* Drops every wait on a channel of cause `cause` (the pushes stay: tokens pile up unused). */
static void drop_waits(asim_program_t *p, asim_cause_t cause)
{
    for (size_t q = 0; q < p->n_queues; q++)
        for (size_t i = 0; i < p->queues[q].len; i++) {
            asim_insn_t *in = &p->queues[q].insns[i];
            unsigned kept = 0;
            for (unsigned w = 0; w < in->n_waits; w++)
                if (p->channels[in->waits[w]].cause != cause)
                    in->waits[kept++] = in->waits[w];
            in->n_waits = (uint8_t)kept;
        }
}

static void drop_data_waits(asim_program_t *p)
{
    drop_waits(p, ASIM_CAUSE_DATA);
}

static void drop_operand_waits(asim_program_t *p)
{
    drop_waits(p, ASIM_CAUSE_OPERAND);
}

static void drop_buffer_waits(asim_program_t *p)
{
    drop_waits(p, ASIM_CAUSE_BUFFER);
}

/* The last op's output goes to the address of the op before it. */
static void wrong_output_address(asim_program_t *p)
{
    p->addrs[p->n_ops - 1].out = p->addrs[p->n_ops - 2].out;
}

/* Every load fetches tile 0 of its op. */
static void loads_fetch_tile_0(asim_program_t *p)
{
    for (size_t i = 0; i < p->queues[ASIM_QUEUE_LOAD].len; i++)
        p->queues[ASIM_QUEUE_LOAD].insns[i].tile = 0;
}

static void test_wrong_programs_are_caught(void **state)
{
    (void)state;
    const char *small[] = {"buffers.act_kib=4", "buffers.weight_kib=4"};
    expect_caught("configs/quark.yaml", VIT2, NULL, 0, drop_data_waits, "no data tokens");
    expect_caught("configs/quark.yaml", VIT2, small, 2, drop_data_waits,
                  "no data tokens, through DRAM");
    expect_caught("configs/quark.yaml", VIT2, NULL, 0, drop_operand_waits,
                  "no operand tokens");
    expect_caught("configs/quark.yaml", VIT2, NULL, 0, drop_buffer_waits,
                  "no buffer tokens: loads refill slots still being read");
    expect_caught("configs/beta.yaml", BERT1, NULL, 0, drop_data_waits, "no data tokens (bert)");
    expect_caught("configs/quark.yaml", VIT2, NULL, 0, wrong_output_address,
                  "output at the wrong address");
    expect_caught("configs/quark.yaml", VIT2, small, 2, loads_fetch_tile_0,
                  "loads of the wrong tile");
}

/* An op no unit runs, or a kind without a functional kernel, is an error naming it. */
static void test_unsupported_is_named(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_sim_t *s = board("configs/quark.yaml", "vit_tiny:layers=1,dim=32,heads=2,image=64",
                          NULL, 0, &g);
    g.ops[2].kind = ASIM_OP_SILU;
    int32_t **ref;
    asim_error_t err;
    assert_int_equal(asim_fn_reference(&g, 1, &ref, &err), ASIM_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "op 'blk0.ln1' (silu): no functional kernel"));
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* Packed codes: every width round-trips, neighbours untouched; 1-bit codes are -1 and +1. */
/* The DRAM bytes a transfer moves (asim_fn_transfer_span), which the RTL twin's DMA is given:
 * patch_embed's first load is its 16 x 192 A slice at 0 (16 rows of 768 bytes) and its
 * 192 x 32 weight slice, rows 0..191 of the weight at 0x3000; head's store of tile 1 is its
 * 250 codes from byte 250 of its output; a compute moves nothing. */
static void test_transfer_spans(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_sim_t *s = board("configs/quark.yaml", VIT2, NULL, 0, &g);
    asim_program_t p;
    asim_error_t err;
    assert_int_equal(asim_compile(s, &g, (asim_schedule_t)s->cfg.schedule, &p, &err), ASIM_OK);
    const asim_insn_t *ld = &p.queues[ASIM_QUEUE_LOAD].insns[0];
    assert_string_equal(g.ops[ld->op].name, "patch_embed");
    assert_int_equal(ld->tile, 0);
    uint8_t *mask = calloc(p.dram_bytes, 1);
    uint64_t lo, hi, touched = 0;
    assert_true(asim_fn_transfer_span(&p, &g, ld, &lo, &hi, mask));
    assert_int_equal(lo, 0);
    assert_int_equal(hi, p.addrs[ld->op].b + 192 * 32 - 1);
    for (uint64_t b = 0; b < p.dram_bytes; b++)
        touched += mask[b];
    assert_int_equal(touched, 16 * 192 + 192 * 32);
    assert_int_equal(touched * 8, ld->bits);
    assert_int_equal(mask[15 * 768 + 191], 1);
    assert_int_equal(mask[15 * 768 + 192], 0);
    const asim_insn_t *st = &p.queues[ASIM_QUEUE_STORE].insns[1];
    assert_string_equal(g.ops[st->op].name, "head");
    assert_int_equal(st->tile, 1);
    assert_true(asim_fn_transfer_span(&p, &g, st, &lo, &hi, NULL));
    assert_int_equal(lo, p.addrs[st->op].out + 250);
    assert_int_equal(hi, p.addrs[st->op].out + 499);
    assert_false(asim_fn_transfer_span(&p, &g, &p.queues[2].insns[0], &lo, &hi, NULL));
    free(mask);
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
}

/* The runs of DRAM bytes a transfer moves (asim_transfer_runs, which the executor prices by
 * the bursts they hold) against the functional executor's own code-by-code walk
 * (asim_fn_transfer_span): for every load and store of small models with strided, transposed,
 * sub-byte and whole-operand transfers, the runs cover exactly the bytes the codes lie in, no
 * two neighbouring runs could have been merged, and the bursts the executor counts without
 * listing the runs (asim_transfer_bursts, which multiplies out repeating rows) equal the
 * bursts of the listed runs at five burst sizes. patch_embed's first load: its A slice is 16 rows of 192 bytes at a
 * 768-byte pitch (16 runs of 3 aligned 64-byte bursts) and its weight slice is whole rows (one
 * run of 96 bursts). */
static void check_runs(const char *config, const char *model)
{
    asim_graph_t g;
    asim_sim_t *s = board(config, model, NULL, 0, &g);
    asim_program_t p;
    asim_error_t err;
    assert_int_equal(asim_compile(s, &g, (asim_schedule_t)s->cfg.schedule, &p, &err), ASIM_OK);
    uint8_t *mask = calloc(p.dram_bytes, 1), *covered = calloc(p.dram_bytes, 1);
    uint64_t transfers = 0, runs_total = 0;
    for (int q = ASIM_QUEUE_LOAD; q <= ASIM_QUEUE_STORE; q++)
        for (size_t i = 0; i < p.queues[q].len; i++) {
            const asim_insn_t *in = &p.queues[q].insns[i];
            uint64_t lo, hi;
            size_t n = asim_transfer_runs(&p, &g, in, NULL, 0);
            if (!asim_fn_transfer_span(&p, &g, in, &lo, &hi, mask)) {
                assert_int_equal(n, 0);
                continue;
            }
            asim_run_t *runs = calloc(n, sizeof *runs);
            assert_int_equal(asim_transfer_runs(&p, &g, in, runs, n), n);
            for (size_t r = 0; r < n; r++) {
                assert_true(lo <= runs[r].lo && runs[r].lo <= runs[r].hi && runs[r].hi <= hi);
                if (r > 0)
                    assert_false(runs[r].lo >= runs[r - 1].lo && runs[r].lo <= runs[r - 1].hi + 1);
                for (uint64_t b = runs[r].lo; b <= runs[r].hi; b++)
                    covered[b] = 1;
            }
            for (uint64_t b = lo; b <= hi; b++) {
                if (mask[b] != covered[b])
                    fail_msg("%s %s: %s %zu (op %s, tile %llu): byte %llu %s", config, model,
                             p.queues[q].name, i, g.ops[in->op].name,
                             (unsigned long long)in->tile, (unsigned long long)b,
                             mask[b] ? "holds a code but is in no run" : "is in a run, no code");
                mask[b] = covered[b] = 0;
            }
            static const uint64_t bursts[] = {1, 16, 64, 256, 4096};
            for (size_t k = 0; k < sizeof bursts / sizeof bursts[0]; k++)
                assert_int_equal(asim_transfer_bursts(&p, &g, in, bursts[k]),
                                 asim_runs_bursts(runs, n, bursts[k]));
            transfers++;
            runs_total += n;
            free(runs);
        }
    print_message("%s %s: %llu transfers, %llu runs\n", config, model,
                  (unsigned long long)transfers, (unsigned long long)runs_total);
    assert_true(runs_total > transfers); /* some transfer is strided */
    free(mask);
    free(covered);
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
}

static void test_transfer_runs(void **state)
{
    (void)state;
    check_runs("configs/quark.yaml", VIT2);
    check_runs("configs/beta.yaml", VIT2);
    check_runs("configs/beta.yaml", BERT1);
    check_runs("configs/systolic_32x32.yaml", "vit_tiny:layers=1,dim=40,heads=2,image=64");
    check_runs("configs/systolic_32x32.yaml", "bert_base:layers=1,dim=64,heads=2,seq_len=17");
    asim_graph_t g;
    asim_sim_t *s = board("configs/quark.yaml", VIT2, NULL, 0, &g);
    asim_program_t p;
    asim_error_t err;
    assert_int_equal(asim_compile(s, &g, (asim_schedule_t)s->cfg.schedule, &p, &err), ASIM_OK);
    asim_run_t runs[64];
    const asim_insn_t *ld = &p.queues[ASIM_QUEUE_LOAD].insns[0];
    assert_int_equal(asim_transfer_runs(&p, &g, ld, runs, 32), 17);
    assert_int_equal(runs[1].lo, 768);
    assert_int_equal(runs[1].hi, 768 + 191);
    assert_int_equal(runs[16].lo, p.addrs[ld->op].b);
    assert_int_equal(runs[16].hi, p.addrs[ld->op].b + 192 * 32 - 1);
    assert_int_equal(asim_runs_bursts(runs, 17, 64), 16 * 3 + 96);
    assert_int_equal(asim_runs_bursts(runs, 1, 128), 2);
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
    /* A decode step's attention reads 17 cached positions (context 16 and the new token) of
     * K^T and of V: per head, 17 rows of 32 one-byte codes at the 64-byte pitch of K's and
     * V's rows, the second head 32 bytes in; one burst each (64-byte bursts), so the cache
     * is not priced as the one row the new token's K or V is. */
    s = board("configs/systolic_32x32.yaml", "llama:layers=1,dim=64,heads=2,phase=decode,"
              "context=16", NULL, 0, &g);
    assert_int_equal(asim_compile(s, &g, (asim_schedule_t)s->cfg.schedule, &p, &err), ASIM_OK);
    unsigned seen = 0;
    for (size_t i = 0; i < p.queues[ASIM_QUEUE_LOAD].len; i++) {
        const asim_insn_t *in = &p.queues[ASIM_QUEUE_LOAD].insns[i];
        const char *name = g.ops[in->op].name;
        if (strcmp(name, "blk0.qk") && strcmp(name, "blk0.av"))
            continue;
        size_t n = asim_transfer_runs(&p, &g, in, runs, 64);
        assert_true(n >= 17 && n <= 18); /* 17 cache rows (and the query's row or rows) */
        const asim_run_t *k = &runs[n - 17];
        uint64_t head = in->tile == 0 ? 0 : 32;
        for (unsigned r = 0; r < 17; r++) {
            assert_int_equal(k[r].lo, p.addrs[g.ops[in->op].inputs[1]].out + 64 * r + head);
            assert_int_equal(k[r].hi - k[r].lo, 31);
        }
        assert_int_equal(asim_runs_bursts(k, 17, 64), 17);
        assert_int_equal(asim_transfer_bursts(&p, &g, in, 64), asim_runs_bursts(runs, n, 64));
        seen++;
    }
    assert_int_equal(seen, 4);
    asim_program_free(&p);
    asim_sim_free(s);
    asim_graph_free(&g);
}

static void test_packing(void **state)
{
    (void)state;
    uint8_t img[64];
    for (unsigned bits = 1; bits <= 32; bits++) {
        memset(img, 0x5a, sizeof img);
        int32_t lo = bits == 1 ? -1 : (int32_t)(-(INT64_C(1) << (bits - 1)));
        int32_t hi = bits == 1 ? 1 : (int32_t)((INT64_C(1) << (bits - 1)) - 1);
        asim_fn_put(img, 4, 1, bits, hi);
        asim_fn_put(img, 4, 2, bits, lo);
        assert_int_equal(asim_fn_get(img, 4, 1, bits), hi);
        assert_int_equal(asim_fn_get(img, 4, 2, bits), lo);
        assert_int_equal(img[0], 0x5a); /* before the tensor */
        assert_int_equal(img[4 + (3 * bits + 7) / 8], 0x5a); /* after code 2 */
    }
    assert_int_equal(asim_fn_seed_code(1, 0, 0, 8), asim_fn_seed_code(1, 0, 0, 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packing),
        cmocka_unit_test(test_transfer_spans),
        cmocka_unit_test(test_transfer_runs),
        cmocka_unit_test(test_four_models_agree),
        cmocka_unit_test(test_through_dram_and_seeds),
        cmocka_unit_test(test_builtins_agree),
        cmocka_unit_test(test_values_are_informative),
        cmocka_unit_test(test_wrong_programs_are_caught),
        cmocka_unit_test(test_unsupported_is_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
