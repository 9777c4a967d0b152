/* test_llm.c: decoder families (gpt2, llama), the KV cache, causal masking, config.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asim/model.h"
#include "asim/sim.h"
#include "report/report.h"
#include "testutil.h"

static const asim_op_t *find(const asim_graph_t *g, const char *name)
{
    long i = asim_graph_find(g, name);
    if (i < 0)
        fail_msg("no op '%s' in %s", name, g->name);
    return &g->ops[i];
}

static void load(const char *spec, asim_graph_t *g)
{
    asim_error_t err;
    if (asim_model_load(spec, g, &err) != ASIM_OK)
        fail_msg("%s: %s", spec, err.msg);
}

/* MACs of a decoder written out from its definition, not from the op list: per layer the
 * Q/O projections (d x d), K/V projections (d x kv_dim), QK^T and PV over s positions for
 * every head, the MLP (GPT-2: 2 matrices, LLaMA: 3), and the LM head on one token. */
static uint64_t decoder_macs(bool llama, uint64_t layers, uint64_t d, uint64_t h, uint64_t kvh,
                             uint64_t f, uint64_t vocab, uint64_t t, uint64_t s)
{
    uint64_t dh = d / h, kvd = kvh * dh;
    uint64_t per_layer = t * (2 * d * d + 2 * d * kvd) + 2 * h * t * s * dh +
                         (llama ? 3 : 2) * t * d * f;
    return layers * per_layer + vocab * d;
}

static void test_decoder_macs_follow_the_definition(void **state)
{
    (void)state;
    struct {
        const char *spec;
        bool llama;
        uint64_t layers, d, h, kvh, f, vocab, t, s;
    } cases[] = {
        {"gpt2", false, 12, 768, 12, 12, 3072, 50257, 1024, 1024},
        {"gpt2:phase=decode,context=100", false, 12, 768, 12, 12, 3072, 50257, 1, 101},
        {"llama:layers=2,phase=prefill,context=64", true, 2, 4096, 32, 32, 11008, 32000, 64, 64},
        {"llama:layers=1,dim=4096,heads=32,kv_heads=8,ffn=11008,phase=decode,context=2048", true,
         1, 4096, 32, 8, 11008, 32000, 1, 2049},
        {"llama:layers=3,dim=512,heads=8,kv_heads=1,ffn=1000,vocab=77,context=33", true, 3, 512,
         8, 1, 1000, 77, 33, 33},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        asim_graph_t g;
        load(cases[i].spec, &g);
        uint64_t want = decoder_macs(cases[i].llama, cases[i].layers, cases[i].d, cases[i].h,
                                     cases[i].kvh, cases[i].f, cases[i].vocab, cases[i].t,
                                     cases[i].s);
        if (total_macs(&g) != want)
            fail_msg("%s: %llu MACs, want %llu", cases[i].spec,
                     (unsigned long long)total_macs(&g), (unsigned long long)want);
        asim_graph_free(&g);
    }
}

/* Grouped-query attention: the heads that share a KV head are one instance; K and V go to the
 * cache, the attention reads them back; only prefill masks. */
static void test_llama_block_structure(void **state)
{
    (void)state;
    asim_graph_t g;
    load("llama:layers=1,dim=4096,heads=32,kv_heads=8,ffn=11008,phase=decode,context=2048", &g);
    const asim_op_t *qk = find(&g, "blk0.qk"), *av = find(&g, "blk0.av");
    const asim_op_t *sm = find(&g, "blk0.softmax");
    assert_int_equal(qk->count, 8);
    assert_int_equal(qk->group, 4);
    assert_int_equal(qk->m, 4);
    assert_int_equal(qk->n, 2049);
    assert_int_equal(qk->k, 128);
    assert_true(qk->b_cache && av->b_cache && !qk->b_is_weight);
    assert_false(sm->causal);
    assert_true(find(&g, "blk0.rope_k")->out_cache);
    assert_true(find(&g, "blk0.v")->out_cache);
    assert_false(find(&g, "blk0.k")->out_cache); /* LLaMA caches K after RoPE */
    assert_int_equal(find(&g, "blk0.silu")->kind, ASIM_OP_SILU);
    assert_int_equal(find(&g, "blk0.ln1")->kind, ASIM_OP_RMSNORM);
    const asim_op_t *mul = find(&g, "blk0.mul");
    assert_int_equal(mul->n_inputs, 2);
    assert_string_equal(g.ops[mul->inputs[0]].name, "blk0.silu");
    assert_string_equal(g.ops[mul->inputs[1]].name, "blk0.up");
    assert_string_equal(g.ops[qk->inputs[1]].name, "blk0.rope_k");
    asim_graph_free(&g);
    load("gpt2:layers=1,context=16", &g);
    assert_true(find(&g, "blk0.softmax")->causal);
    assert_true(find(&g, "blk0.k")->out_cache);
    assert_int_equal(find(&g, "blk0.ln1")->kind, ASIM_OP_LAYERNORM);
    assert_int_equal(find(&g, "blk0.qk")->count, 12);
    asim_graph_free(&g);
}

/* SCALE-Sim's GPT-2 block (traces/topologies/gpt2_block.csv: dim 1600, 25 heads, 1024
 * tokens, its feed-forward 3072 wide, one head of attention) against the built-in block: the
 * fused QKV is q + k + v, and each head's attention products are the CSV's. */
static void test_gpt2_matches_the_scalesim_block(void **state)
{
    (void)state;
    asim_graph_t csv, g;
    load(src_path("traces/topologies/gpt2_block.csv"), &csv);
    load("gpt2:layers=1,dim=1600,heads=25,ffn=3072,context=1024", &g);
    const asim_op_t *q = find(&g, "blk0.q"), *k = find(&g, "blk0.k"), *v = find(&g, "blk0.v");
    assert_int_equal(asim_op_macs(q) + asim_op_macs(k) + asim_op_macs(v),
                     asim_op_macs(find(&csv, "Linear1")));
    assert_int_equal(asim_op_macs(find(&g, "blk0.o")), asim_op_macs(find(&csv, "Linear2")));
    assert_int_equal(asim_op_macs(find(&g, "blk0.fc1")), asim_op_macs(find(&csv, "PW-FF-L1")));
    assert_int_equal(asim_op_macs(find(&g, "blk0.fc2")), asim_op_macs(find(&csv, "PW-FF-L2")));
    const asim_op_t *qk = find(&g, "blk0.qk"), *av = find(&g, "blk0.av");
    const asim_op_t *cqk = find(&csv, "QKT"), *cav = find(&csv, "QKTV");
    assert_true(qk->m == cqk->m && qk->n == cqk->n && qk->k == cqk->k && qk->count == 25);
    assert_true(av->m == cav->m && av->n == cav->n && av->k == cav->k && av->count == 25);
    asim_graph_free(&csv);
    asim_graph_free(&g);
}

/* Decode reads every cached K and V row once and appends one row of each per layer: the
 * report's KV-cache traffic is exactly that, and the run is bound by DRAM. */
static void test_decode_kv_cache_traffic(void **state)
{
    (void)state;
    const uint64_t layers = 2, kvd = 2 * 64, ctx = 300, bits = 8;
    const char *sets[] = {"nonlinear.unit=placeholder"};
    asim_graph_t g;
    asim_report_t rep;
    asim_sim_t *sim = test_run("configs/beta.yaml",
                               "llama:layers=2,dim=512,heads=8,kv_heads=2,ffn=1024,vocab=1000,"
                               "phase=decode,context=300", sets, 1, &rep, &g);
    uint64_t rd = 0, wr = 0, dram = 0, load_busy = 0;
    for (size_t i = 0; i < rep.n_layers; i++) {
        rd += rep.layers[i].dram_kv_read_bits;
        wr += rep.layers[i].dram_kv_write_bits;
        dram += rep.layers[i].dram_bits;
    }
    assert_int_equal(rep.n_unsupported, 0);
    assert_int_equal(rd, layers * 2 * (ctx + 1) * kvd * bits);
    assert_int_equal(wr, layers * 2 * kvd * bits);
    assert_true(rd + wr < dram);
    for (size_t i = 0; i < rep.n_path_parts; i++)
        if (strcmp(rep.critical_path[i].queue, "load") == 0)
            load_busy = rep.critical_path[i].cycles;
    if (load_busy * 2 < rep.total_cycles)
        fail_msg("decode should be DRAM-bound: loads %llu of %llu cycles on the critical path",
                 (unsigned long long)load_busy, (unsigned long long)rep.total_cycles);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    asim_report_write(f, &rep, ASIM_FORMAT_JSON);
    fclose(f);
    char want[160];
    snprintf(want, sizeof want, "\"kv_cache\": {\"read_bits\": %llu, \"write_bits\": %llu",
             (unsigned long long)rd, (unsigned long long)wr);
    assert_non_null(strstr(buf, want));
    free(buf);
    test_run_free(sim, &rep, &g);
}

/* A model without a KV cache has no KV-cache line or field. */
static void test_encoders_have_no_kv_cache(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_report_t rep;
    asim_sim_t *sim = test_run("configs/systolic_32x32.yaml", "vit_tiny:layers=1", NULL, 0,
                               &rep, &g);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    asim_report_write(f, &rep, ASIM_FORMAT_JSON);
    asim_report_write(f, &rep, ASIM_FORMAT_TEXT);
    fclose(f);
    assert_null(strstr(buf, "kv_cache"));
    assert_null(strstr(buf, "KV cache"));
    free(buf);
    test_run_free(sim, &rep, &g);
}

static void assert_same_graph(const char *a_spec, const char *b_spec)
{
    asim_graph_t a, b;
    load(a_spec, &a);
    load(b_spec, &b);
    assert_int_equal(a.len, b.len);
    for (size_t i = 0; i < a.len; i++) {
        asim_op_t x = a.ops[i], y = b.ops[i];
        if (strcmp(x.name, y.name) || x.kind != y.kind || x.m != y.m || x.n != y.n ||
            x.k != y.k || x.rows != y.rows || x.cols != y.cols || x.count != y.count ||
            x.group != y.group || x.b_cache != y.b_cache || x.out_cache != y.out_cache ||
            x.causal != y.causal || x.a_bits != y.a_bits || x.b_bits != y.b_bits)
            fail_msg("%s and %s differ at op %zu (%s, %s)", a_spec, b_spec, i, x.name, y.name);
    }
    asim_graph_free(&a);
    asim_graph_free(&b);
}

/* The example config.json files are the published models, so each gives its built-in. */
static void test_hf_configs_give_the_builtins(void **state)
{
    (void)state;
    assert_same_graph(src_path("models/hf/bert-base-uncased/config.json"), "bert_base");
    assert_same_graph(src_path("models/hf/vit-base-patch16-224/config.json"), "vit_base");
    assert_same_graph(src_path("models/hf/gpt2/config.json"), "gpt2");
    assert_same_graph(src_path("models/hf/llama-2-7b/config.json:phase=decode,layers=2"),
                      "llama:phase=decode,layers=2");
    /* TinyLlama: grouped-query (4 KV heads of 32), context capped at its 2048 positions */
    assert_same_graph(src_path("models/hf/tinyllama-1.1b/config.json:phase=decode"),
                      "llama:layers=22,dim=2048,heads=32,kv_heads=4,ffn=5632,vocab=32000,"
                      "context=2048,phase=decode");
}

static void expect_hf_error(const char *text, const char *params, asim_status_t code,
                            const char *needle)
{
    asim_graph_t g;
    asim_error_t err = {0};
    asim_status_t st = asim_model_parse_hf("cfg.json", text, strlen(text), params, &g, &err);
    if (st == ASIM_OK)
        asim_graph_free(&g);
    if (st != code || !strstr(err.msg, needle) || strncmp(err.msg, "cfg.json", 8) != 0)
        fail_msg("%s: got %s '%s', want %s containing '%s'", text, asim_status_name(st),
                 err.msg, asim_status_name(code), needle);
}

#define LLAMA_FIELDS "\"hidden_size\": 256, \"num_attention_heads\": 8, " \
                     "\"num_hidden_layers\": 2, \"intermediate_size\": 512"

static void test_bad_hf_configs(void **state)
{
    (void)state;
    expect_hf_error("", "", ASIM_ESYNTAX, "cfg.json:1:1: malformed JSON");
    expect_hf_error("{\"model_type\": \"llama\",\n  \"hidden_size\": 40,,\n}", "", ASIM_ESYNTAX,
                    "cfg.json:2:22: malformed JSON");
    expect_hf_error("[1, 2]", "", ASIM_EMODEL, "expected a JSON object");
    expect_hf_error("{}", "", ASIM_EMISSING, "missing field 'model_type'");
    expect_hf_error("{\"model_type\": 7}", "", ASIM_ETYPE, "'model_type': expected a string");
    expect_hf_error("{\"model_type\": \"t5\"}", "", ASIM_EMODEL,
                    "model_type 't5' is not supported (bert, vit, gpt2, llama)");
    expect_hf_error("{\"model_type\": \"llama\", \"hidden_size\": 4096}", "", ASIM_EMISSING,
                    "missing field 'num_hidden_layers'");
    expect_hf_error("{\"model_type\": \"llama\", " LLAMA_FIELDS ", \"vocab_size\": \"big\"}",
                    "", ASIM_ETYPE, "field 'vocab_size': expected an integer, found a string");
    expect_hf_error("{\"model_type\": \"llama\", " LLAMA_FIELDS ", \"vocab_size\": 2.5}", "",
                    ASIM_ETYPE, "field 'vocab_size' = 2.5 is not an integer");
    expect_hf_error("{\"model_type\": \"llama\", " LLAMA_FIELDS ", \"vocab_size\": 1e300}", "",
                    ASIM_ETYPE, "is not an integer");
    expect_hf_error("{\"model_type\": \"gpt2\", \"n_embd\": 1e15, \"n_head\": 1, \"n_layer\": 1}",
                    "", ASIM_ERANGE, "n_embd = 1000000000000000 is out of range: gpt2 dim");
    expect_hf_error("{\"model_type\": \"llama\", " LLAMA_FIELDS ", \"num_key_value_heads\": 3}",
                    "", ASIM_ERANGE, "heads 8 is not a multiple of kv_heads 3");
    expect_hf_error("{\"model_type\": \"llama\", " LLAMA_FIELDS
                    ", \"max_position_embeddings\": 100}", "context=101", ASIM_ERANGE,
                    "context = 101 is over max_position_embeddings = 100");
    /* every size in range, but one op past the work cap: refused before anything is built */
    expect_hf_error("{\"model_type\": \"llama\", \"hidden_size\": 65536, \"num_attention_heads\": "
                    "1, \"num_hidden_layers\": 1, \"intermediate_size\": 262144}",
                    "context=1048576", ASIM_ERANGE, "2^50");
}

/* The context cap lowers the default and the fallbacks fill what a config leaves out. */
static void test_hf_defaults_and_fallbacks(void **state)
{
    (void)state;
    const char *text = "{\"model_type\": \"llama\", " LLAMA_FIELDS
                       ", \"max_position_embeddings\": 100}";
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_parse_hf("cfg.json", text, strlen(text), "", &g, &err),
                     ASIM_OK);
    const asim_op_t *qk = find(&g, "blk0.qk");
    assert_int_equal(qk->n, 100);     /* 2048 lowered to 100 */
    assert_int_equal(qk->count, 8);   /* kv_heads = heads */
    asim_graph_free(&g);
    text = "{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_head\": 4, \"n_layer\": 1, "
           "\"n_inner\": null}";
    assert_int_equal(asim_model_parse_hf("cfg.json", text, strlen(text), "", &g, &err),
                     ASIM_OK);
    assert_int_equal(find(&g, "blk0.fc1")->n, 256); /* n_inner null: 4 x n_embd */
    asim_graph_free(&g);
    /* a cap past the parameter's range binds nothing; one below it is out of range */
    text = "{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_head\": 4, \"n_layer\": 1, "
           "\"n_positions\": 1e12}";
    assert_int_equal(asim_model_parse_hf("cfg.json", text, strlen(text), "", &g, &err),
                     ASIM_OK);
    assert_int_equal(find(&g, "blk0.qk")->n, 1024);
    asim_graph_free(&g);
    expect_hf_error("{\"model_type\": \"gpt2\", \"n_embd\": 64, \"n_head\": 4, \"n_layer\": 1, "
                    "\"n_positions\": 0}", "", ASIM_ERANGE,
                    "n_positions = 0 is out of range: gpt2 context must be 1 to 1048576");
}

static void test_bad_decoder_specs(void **state)
{
    (void)state;
    expect_model_error("llama:phase=chat", ASIM_ERANGE, "phase = 'chat' must be one of");
    expect_model_error(src_path("models/hf/gpt2/config.json:phase=chat"), ASIM_ERANGE,
                       "--model: gpt2: phase = 'chat' must be one of prefill, decode");
    expect_model_error("llama:kv_heads=5", ASIM_ERANGE, "heads 32 is not a multiple of kv_heads 5");
    expect_model_error("llama:context=0", ASIM_ERANGE, "context = '0' must be an integer");
    expect_model_error("gpt2:mlp=10", ASIM_EKEY, "gpt2 has no parameter 'mlp'");
    expect_model_error("vit_tiny:kv_heads=1", ASIM_EKEY, "vit_tiny has no parameter 'kv_heads'");
    expect_model_error("llama:dim=65536,heads=1,kv_heads=1,ffn=262144,context=1048576", ASIM_ERANGE,
                       "2^50");
    expect_model_error("models/x.txt", ASIM_EARG,
                       "must end in .yaml, .yml, .csv, .json or .onnx");
    expect_model_error("/nonexistent/config.json:phase=decode", ASIM_EIO,
                       "/nonexistent/config.json: cannot open");
}

/* The YAML model format sets the same attributes, and refuses them where they mean nothing. */
static void test_yaml_kv_cache_fields(void **state)
{
    (void)state;
    const char *good = "name: m\nops:\n"
                       "  - {name: v, op: gemm, m: 1, n: 64, k: 64, out: cache}\n"
                       "  - {name: s, op: softmax, rows: 4, cols: 9, count: 2, group: 4, "
                       "causal: true, inputs: input}\n"
                       "  - {name: av, op: gemm, m: 4, n: 32, k: 9, count: 2, group: 4, b: cache, "
                       "inputs: [s, v]}\n";
    asim_graph_t g;
    asim_error_t err;
    if (asim_model_parse_yaml("m.yaml", good, strlen(good), &g, &err) != ASIM_OK)
        fail_msg("%s", err.msg);
    assert_true(g.ops[0].out_cache && g.ops[1].causal && g.ops[2].b_cache);
    assert_false(g.ops[2].b_is_weight);
    assert_int_equal(g.ops[2].group, 4);
    asim_graph_free(&g);
    struct {
        const char *text, *needle;
    } bad[] = {
        {"name: m\nops:\n  - {name: g, op: gelu, rows: 4, cols: 4, causal: true}\n",
         "only a softmax is causal"},
        {"name: m\nops:\n  - {name: g, op: gemm, m: 4, n: 4, k: 4, causal: true}\n",
         "unknown field 'causal' in a gemm op"},
        {"name: m\nops:\n  - {name: s, op: softmax, rows: 4, cols: 4, causal: maybe}\n",
         "causal: expected true or false"},
        {"name: m\nops:\n  - {name: s, op: softmax, rows: 6, cols: 4, group: 4}\n",
         "group 4 must divide its rows (6)"},
        {"name: m\nops:\n  - {name: g, op: gemm, m: 4, n: 4, k: 4, b: kv}\n",
         "'cache' (an activation read from the KV cache)"},
        {"name: m\nops:\n  - {name: g, op: gemm, m: 4, n: 4, k: 4, out: dram}\n",
         "out: expected 'cache'"},
        {"name: m\nops:\n  - {name: g, op: conv, m: 4, n: 4, k: 4}\n",
         "unknown op 'conv' (gemm, softmax, gelu, layernorm, add, tanh, relu, rmsnorm, silu, "
         "mul, rope)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        asim_status_t st = asim_model_parse_yaml("m.yaml", bad[i].text, strlen(bad[i].text), &g,
                                                 &err);
        if (st == ASIM_OK || !strstr(err.msg, bad[i].needle) || strncmp(err.msg, "m.yaml:", 7))
            fail_msg("%s: got '%s', want '%s'", bad[i].text, st ? err.msg : "ok", bad[i].needle);
    }
}

/* Every shipped configuration runs a small decoder in both phases (a refusal would have to
 * name the model); the bare systolic design leaves the vector ops out. */
static void test_every_config_runs_the_decoders_it_can(void **state)
{
    (void)state;
    const char *configs[] = {"configs/systolic_32x32.yaml", "configs/beta.yaml",
                             "configs/odeformer.yaml", "configs/quark.yaml"};
    const char *models[] = {"gpt2:layers=1,dim=256,heads=4,ffn=512,vocab=1000,context=64",
                            "gpt2:layers=1,dim=256,heads=4,ffn=512,vocab=1000,context=64,"
                            "phase=decode",
                            "llama:layers=1,dim=256,heads=8,kv_heads=2,ffn=512,vocab=1000,"
                            "context=64",
                            "llama:layers=1,dim=256,heads=8,kv_heads=2,ffn=512,vocab=1000,"
                            "context=64,phase=decode"};
    int ran = 0;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++)
        for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
            asim_config_t cfg;
            asim_graph_t g;
            asim_sim_t *sim = NULL;
            asim_report_t rep;
            asim_error_t err;
            assert_int_equal(asim_config_load(src_path(configs[c]), NULL, 0, &cfg, &err),
                             ASIM_OK);
            load(models[m], &g);
            assert_int_equal(asim_sim_create(&cfg, &sim, &err), ASIM_OK);
            asim_status_t st = asim_sim_run(sim, &g, &rep, &err);
            if (st == ASIM_OK) {
                ran++;
                assert_int_equal(rep.macs, total_macs(&g)); /* vector ops have no MACs */
                assert_true(rep.total_cycles > 0);
                asim_report_free(&rep);
            } else {
                assert_int_equal(st, ASIM_EUNSUPPORTED);
                assert_non_null(strstr(err.msg, "model '"));
            }
            asim_sim_free(sim);
            asim_graph_free(&g);
        }
    print_message("%d of %zu decoder runs ran\n", ran, 4 * sizeof models / sizeof models[0]);
    /* every configuration runs all four: QUARK (beta, odeformer, quark) has the rmsnorm,
     * silu and mul modes and runs rope as mul and add rows; the systolic design runs the
     * GEMMs and leaves the vector ops out */
    assert_int_equal(ran, 4 * (int)(sizeof models / sizeof models[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decoder_macs_follow_the_definition),
        cmocka_unit_test(test_llama_block_structure),
        cmocka_unit_test(test_gpt2_matches_the_scalesim_block),
        cmocka_unit_test(test_decode_kv_cache_traffic),
        cmocka_unit_test(test_encoders_have_no_kv_cache),
        cmocka_unit_test(test_hf_configs_give_the_builtins),
        cmocka_unit_test(test_bad_hf_configs),
        cmocka_unit_test(test_hf_defaults_and_fallbacks),
        cmocka_unit_test(test_bad_decoder_specs),
        cmocka_unit_test(test_yaml_kv_cache_fields),
        cmocka_unit_test(test_every_config_runs_the_decoders_it_can),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
