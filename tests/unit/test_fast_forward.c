/* test_fast_forward.c: repeated blocks are copied by the compiler and jumped over by the
 * executor with the same results to the bit: the same program file, and the same JSON and
 * text reports (cycles, every layer, waits by cause, utilisation, critical path, energy,
 * traffic) and the same per-instruction issue and completion cycles (which the functional
 * check orders by) as a run that plans and simulates every block (asim_sim_set_fast_forward). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "accel/accel.h"
#include "asim/model.h"
#include "report/report.h"
#include "testutil.h"

typedef struct {
    const char *config, *model, *schedule;
    bool jumps;                   /* the executor must jump over blocks (else it may) */
    const char *set;              /* one more --set, or NULL */
} case_t;

#define LLAMA "llama:layers=8,dim=256,heads=4,ffn=512,vocab=1000"
#define GPT2 "gpt2:layers=7,dim=256,heads=4,vocab=1000,context=128"
#define LLAMA16 "llama:layers=16,dim=256,heads=4,ffn=512,vocab=1000,phase=prefill,context=64"

static const case_t cases[] = {
    {"configs/quark.yaml", LLAMA ",phase=prefill,context=128", "pipelined", false, NULL},
    {"configs/beta.yaml", LLAMA ",phase=prefill,context=128", "pipelined", true, NULL},
    {"configs/beta.yaml", LLAMA ",phase=prefill,context=128", "serial", false, NULL},
    {"configs/systolic_32x32.yaml", LLAMA ",phase=prefill,context=128", "serial", true, NULL},
    {"configs/quark.yaml", LLAMA ",phase=decode,context=128", "pipelined", true, NULL},
    {"configs/beta.yaml", LLAMA ",phase=decode,context=128", "serial", false, NULL},
    {"configs/systolic_32x32.yaml", LLAMA ",phase=decode,context=128", "pipelined", true, NULL},
    {"configs/quark.yaml", GPT2, "pipelined", true, NULL},
    {"configs/beta.yaml", GPT2, "serial", false, NULL},
    {"configs/systolic_32x32.yaml", GPT2, "serial", true, NULL},
    {"configs/quark.yaml", LLAMA16, "pipelined", true, NULL},
    {"configs/beta.yaml", LLAMA16, "pipelined", true, NULL},
    {"configs/systolic_32x32.yaml", LLAMA16, "serial", true, NULL},
    {"configs/quark.yaml", "vit_tiny", "pipelined", true, NULL},
    {"configs/quark.yaml", "vit_tiny", "serial", true, NULL},
    {"configs/beta.yaml", "vit_tiny", "pipelined", true, NULL},
    {"configs/beta.yaml", "vit_tiny", "serial", true, NULL},
    {"configs/systolic_32x32.yaml", "vit_tiny", "pipelined", true, NULL},
    {"configs/quark.yaml", "bert_base:seq_len=128", "pipelined", true, NULL},
    {"configs/beta.yaml", "bert_base:seq_len=128", "serial", true, NULL},
    {"configs/systolic_32x32.yaml", "bert_base:seq_len=128", "serial", true, NULL},
    /* bursts that do not divide a block's bytes: the executor's blocks are not the compiler's,
     * so the compiler's unwritten copies are written out before the run */
    {"configs/quark.yaml", "vit_tiny", "pipelined", false, "dram.burst_bytes=48"},
    {"configs/beta.yaml", LLAMA16, "pipelined", false, "dram.burst_bytes=48"},
};

typedef struct {
    char *json, *text, *program;
    size_t json_len, text_len, program_len;
    uint64_t jumped, copied, unwritten;
    asim_cycle_t *issued_at, *done_at; /* per instruction (the functional check reads them) */
    int32_t *pred;
    size_t n_insns;
} outcome_t;

static void *copy_of(const void *p, size_t n)
{
    void *q = malloc(n ? n : 1);
    assert_non_null(q);
    memcpy(q, p, n);
    return q;
}

/* fast: copy and jump over repeated blocks; keep: write and stamp every instruction (as the
 * functional check asks), else the middle blocks stay unwritten. */
static asim_sim_t *setup(const case_t *c, bool fast, bool keep, asim_graph_t *g)
{
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    char set[64];
    snprintf(set, sizeof set, "schedule=%s", c->schedule);
    const char *sets[] = {set, c->set};
    if (asim_config_load(src_path(c->config), sets, c->set ? 2 : 1, &cfg, &err) ||
        asim_model_load(c->model, g, &err) || asim_sim_create(&cfg, &sim, &err))
        fail_msg("%s %s: %s", c->config, c->model, err.msg);
    asim_sim_set_fast_forward(sim, fast);
    sim->keep_program = keep;
    return sim;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, *len, f), *len);
    fclose(f);
    return buf;
}

static void run_case(const case_t *c, bool fast, bool keep, outcome_t *out)
{
    asim_graph_t g;
    asim_error_t err;
    asim_report_t rep;
    asim_sim_t *sim = setup(c, fast, keep, &g);
    if (asim_sim_run(sim, &g, &rep, &err) != ASIM_OK)
        fail_msg("%s %s: %s", c->config, c->model, err.msg);
    FILE *f = open_memstream(&out->json, &out->json_len);
    asim_report_write(f, &rep, ASIM_FORMAT_JSON);
    fclose(f);
    f = open_memstream(&out->text, &out->text_len);
    asim_report_write(f, &rep, ASIM_FORMAT_TEXT);
    fclose(f);
    out->jumped = sim->ff_blocks;
    out->unwritten = sim->ff_unwritten;
    out->copied = sim->prog.copied_blocks;
    out->n_insns = asim_program_len(&sim->prog);
    out->issued_at = copy_of(sim->issued_at, out->n_insns * sizeof *sim->issued_at);
    out->done_at = copy_of(sim->done_at, out->n_insns * sizeof *sim->done_at);
    out->pred = copy_of(sim->pred, out->n_insns * sizeof *sim->pred);
    asim_report_free(&rep);
    asim_sim_free(sim);
    asim_graph_free(&g);
    sim = setup(c, fast, keep, &g);
    const char *path = tmp_file(fast ? ".fast.prog" : ".plain.prog", "");
    if (asim_sim_compile(sim, &g, path, &err) != ASIM_OK)
        fail_msg("%s %s: %s", c->config, c->model, err.msg);
    out->program = slurp(path, &out->program_len);
    asim_sim_free(sim);
    asim_graph_free(&g);
}

static void outcome_free(outcome_t *o)
{
    free(o->json);
    free(o->text);
    free(o->program);
    free(o->issued_at);
    free(o->done_at);
    free(o->pred);
}

static void test_fast_forward_is_exact(void **state)
{
    (void)state;
    uint64_t unwritten = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const case_t *c = &cases[i];
        outcome_t fast, kept, plain;
        run_case(c, true, false, &fast);
        run_case(c, true, true, &kept);
        run_case(c, false, true, &plain);
        print_message("%s %s %s: jumped %llu blocks (%llu never written), copied %llu\n",
                      c->config, c->model, c->schedule, (unsigned long long)fast.jumped,
                      (unsigned long long)fast.unwritten, (unsigned long long)fast.copied);
        assert_int_equal(kept.unwritten, 0);
        unwritten += fast.unwritten;
        assert_int_equal(plain.jumped, 0);
        assert_int_equal(plain.copied, 0);
        assert_true(fast.copied > 0); /* every case has blocks the compiler copies */
        if (c->jumps)
            assert_true(fast.jumped > 0);
        assert_int_equal(fast.json_len, plain.json_len);
        assert_memory_equal(fast.json, plain.json, plain.json_len);
        assert_int_equal(fast.text_len, plain.text_len);
        assert_memory_equal(fast.text, plain.text, plain.text_len);
        assert_int_equal(fast.program_len, plain.program_len);
        assert_memory_equal(fast.program, plain.program, plain.program_len);
        assert_int_equal(kept.json_len, plain.json_len);
        assert_memory_equal(kept.json, plain.json, plain.json_len);
        assert_int_equal(kept.jumped, fast.jumped);
        assert_int_equal(kept.n_insns, plain.n_insns);
        assert_memory_equal(kept.issued_at, plain.issued_at, plain.n_insns * sizeof(asim_cycle_t));
        assert_memory_equal(kept.done_at, plain.done_at, plain.n_insns * sizeof(asim_cycle_t));
        assert_memory_equal(kept.pred, plain.pred, plain.n_insns * sizeof(int32_t));
        outcome_free(&fast);
        outcome_free(&kept);
        outcome_free(&plain);
    }
    assert_true(unwritten > 0); /* some runs jump over blocks never written */
}

/* A lazy program written out (as a run does when it reaches the unwritten copies) is the
 * program a full compile writes, instruction for instruction. */
static void test_unwritten_blocks_write_out_whole(void **state)
{
    (void)state;
    const case_t cases2[] = {
        {"configs/quark.yaml", "vit_tiny", "pipelined", true, NULL},
        {"configs/beta.yaml", LLAMA16, "pipelined", true, NULL},
        {"configs/systolic_32x32.yaml", "bert_base:seq_len=128", "serial", true, NULL},
    };
    for (size_t n = 0; n < sizeof cases2 / sizeof cases2[0]; n++) {
        asim_graph_t g;
        asim_error_t err;
        asim_program_t full, lazy;
        asim_sim_t *sim = setup(&cases2[n], true, false, &g);
        assert_int_equal(asim_compile(sim, &g, (asim_schedule_t)sim->cfg.schedule, &full, &err),
                         ASIM_OK);
        assert_int_equal(
            asim_compile_lazy(sim, &g, (asim_schedule_t)sim->cfg.schedule, &lazy, &err),
            ASIM_OK);
        assert_non_null(lazy.lazy); /* copies were left unwritten */
        assert_null(full.lazy);
        assert_true(asim_program_materialize(&lazy));
        assert_null(lazy.lazy);
        assert_int_equal(lazy.n_queues, full.n_queues);
        assert_int_equal(lazy.n_channels, full.n_channels);
        for (size_t ch = 0; ch < full.n_channels; ch++)
            assert_true(lazy.channels[ch].from == full.channels[ch].from &&
                        lazy.channels[ch].to == full.channels[ch].to &&
                        lazy.channels[ch].cause == full.channels[ch].cause);
        for (size_t q = 0; q < full.n_queues; q++) {
            assert_int_equal(lazy.queues[q].len, full.queues[q].len);
            for (size_t i = 0; i < full.queues[q].len; i++) {
                const asim_insn_t *x = &lazy.queues[q].insns[i], *y = &full.queues[q].insns[i];
                assert_true(x->kind == y->kind && x->op == y->op && x->tile == y->tile &&
                            x->bits == y->bits && x->slot == y->slot &&
                            x->n_waits == y->n_waits && x->n_pushes == y->n_pushes);
                assert_memory_equal(x->waits, y->waits, y->n_waits * sizeof y->waits[0]);
                assert_memory_equal(x->pushes, y->pushes, y->n_pushes * sizeof y->pushes[0]);
            }
        }
        asim_program_free(&full);
        asim_program_free(&lazy);
        asim_sim_free(sim);
        asim_graph_free(&g);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_forward_is_exact),
        cmocka_unit_test(test_unwritten_blocks_write_out_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
