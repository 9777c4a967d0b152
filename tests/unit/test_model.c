/* test_model.c: built-in models, the YAML model format, SCALE-Sim CSVs, and their errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asim/model.h"
#include "testutil.h"

static const asim_op_t *find(const asim_graph_t *g, const char *name)
{
    for (size_t i = 0; i < g->len; i++)
        if (strcmp(g->ops[i].name, name) == 0)
            return &g->ops[i];
    return NULL;
}

static void test_vit_tiny_shapes(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_load("vit_tiny", &g, &err), ASIM_OK);
    assert_int_equal(g.len, 2 + 12 * 12 + 2);
    /* DeiT-Tiny: 1.25 GMAC, summed by hand from the layer shapes in docs/models.md. */
    assert_int_equal(total_macs(&g), 1253683200ull);
    const asim_op_t *qk = find(&g, "blk11.qk");
    assert_non_null(qk);
    assert_int_equal(qk->m, 197);
    assert_int_equal(qk->n, 197);
    assert_int_equal(qk->k, 64);
    assert_int_equal(qk->count, 3);
    assert_false(qk->b_is_weight);
    assert_int_equal(find(&g, "blk0.gelu")->cols, 768);
    assert_int_equal(find(&g, "head")->n, 1000);
    asim_graph_free(&g);
}

/* Index of the op called name, or g->len. */
static size_t position(const asim_graph_t *g, const char *name)
{
    size_t i = 0;
    while (i < g->len && strcmp(g->ops[i].name, name) != 0)
        i++;
    return i;
}

/* BERT is post-LN (LayerNorm after each residual add), ViT pre-LN (before each branch). */
static void test_layernorm_placement(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_load("bert_base:layers=2", &g, &err), ASIM_OK);
    assert_int_equal(position(&g, "blk0.ln1"), position(&g, "blk0.add1") + 1);
    assert_int_equal(position(&g, "blk0.fc1"), position(&g, "blk0.ln1") + 1);
    assert_int_equal(position(&g, "blk0.ln2"), position(&g, "blk0.add2") + 1);
    assert_int_equal(position(&g, "blk1.qkv"), position(&g, "blk0.ln2") + 1);
    /* Post-LN data flow: the MLP's residual is ln1's output, the attention's the block input. */
    const asim_op_t *add2 = find(&g, "blk0.add2"), *add1 = find(&g, "blk0.add1");
    assert_int_equal(add2->inputs[1], position(&g, "blk0.ln1"));
    assert_int_equal(add1->inputs[1], position(&g, "embed_ln"));
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("vit_tiny:layers=2", &g, &err), ASIM_OK);
    assert_int_equal(position(&g, "blk0.qkv"), position(&g, "blk0.ln1") + 1);
    assert_int_equal(position(&g, "blk0.ln2"), position(&g, "blk0.add1") + 1);
    assert_int_equal(position(&g, "blk1.ln1"), position(&g, "blk0.add2") + 1);
    assert_int_equal(find(&g, "blk0.add2")->inputs[1], position(&g, "blk0.add1"));
    asim_graph_free(&g);
}

/* Binary ViTs keep the patch embedding and head at edge_bits (8 by default); edge_bits=0
 * binarizes them like the block GEMMs; non-binary models are unaffected. */
static void test_binary_vit_edges(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_load("vit_tiny_w1a2", &g, &err), ASIM_OK);
    assert_int_equal(find(&g, "patch_embed")->a_bits, 8);
    assert_int_equal(find(&g, "patch_embed")->b_bits, 8);
    assert_int_equal(find(&g, "head")->b_bits, 8);
    assert_int_equal(find(&g, "blk0.qkv")->a_bits, 2);
    assert_int_equal(find(&g, "blk0.qkv")->b_bits, 1);
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("vit_tiny_w1a2:edge_bits=0", &g, &err), ASIM_OK);
    assert_int_equal(find(&g, "patch_embed")->a_bits, 2);
    assert_int_equal(find(&g, "head")->b_bits, 1);
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("vit_tiny:w_bits=4,edge_bits=6", &g, &err), ASIM_OK);
    assert_int_equal(find(&g, "head")->b_bits, 6);
    assert_int_equal(find(&g, "blk3.fc1")->b_bits, 4);
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("vit_tiny:w_bits=4", &g, &err), ASIM_OK);
    assert_int_equal(find(&g, "head")->b_bits, 4);
    asim_graph_free(&g);
}

static void test_bert_base_sequence_length_is_a_parameter(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_load("bert_base:seq_len=512", &g, &err), ASIM_OK);
    assert_string_equal(g.name, "bert_base:seq_len=512");
    assert_int_equal(find(&g, "blk0.qk")->m, 512);
    assert_int_equal(find(&g, "blk0.softmax")->cols, 512);
    assert_int_equal(find(&g, "blk0.qk")->count, 12);
    assert_non_null(find(&g, "pooler_tanh"));
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("bert_base", &g, &err), ASIM_OK);
    assert_int_equal(find(&g, "blk0.fc1")->m, 128); /* default */
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("vit_small", &g, &err), ASIM_OK);
    assert_int_equal(find(&g, "blk0.qkv")->n, 3 * 384);
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("vit_base:layers=2,a_bits=4", &g, &err), ASIM_OK);
    assert_int_equal(g.len, 2 + 2 * 12 + 2);
    assert_int_equal(find(&g, "blk1.fc2")->a_bits, 4);
    asim_graph_free(&g);
}

static void test_bad_builtin_specs(void **state)
{
    (void)state;
    expect_model_error("vit_huge", ASIM_EMODEL, "unknown model 'vit_huge'");
    expect_model_error("bert_base:seq=5", ASIM_EKEY, "bert_base has no parameter 'seq'");
    expect_model_error("bert_base_w1a1:edge_bits=8", ASIM_EKEY, "has no parameter 'edge_bits'");
    expect_model_error("vit_tiny_w1a1:edge_bits=33", ASIM_ERANGE, "must be an integer from 0");
    expect_model_error("bert_base:seq_len=0", ASIM_ERANGE, "seq_len = '0' must be an integer");
    expect_model_error("bert_base:seq_len=abc", ASIM_ERANGE, "must be an integer");
    expect_model_error("vit_tiny:seq_len=5", ASIM_EKEY, "no parameter 'seq_len'");
    expect_model_error("vit_tiny:heads=5", ASIM_ERANGE, "not a multiple of heads");
    expect_model_error("bert_base:seq_len=1048576,dim=65536,heads=1", ASIM_ERANGE, "2^50");
    expect_model_error("models/x.txt", ASIM_EARG,
                       "must end in .yaml, .yml, .csv, .json or .onnx");
    expect_model_error("/nonexistent.yaml", ASIM_EIO, "cannot open");
}

static void test_yaml_vit_tiny_matches_builtin(void **state)
{
    (void)state;
    asim_graph_t a, b;
    asim_error_t err;
    assert_int_equal(asim_model_load("vit_tiny", &a, &err), ASIM_OK);
    if (asim_model_load(src_path("models/vit_tiny.yaml"), &b, &err) != ASIM_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(a.name, b.name);
    assert_int_equal(a.len, b.len);
    for (size_t i = 0; i < a.len; i++) {
        const asim_op_t *x = &a.ops[i], *y = &b.ops[i];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->m, y->m);
        assert_int_equal(x->n, y->n);
        assert_int_equal(x->k, y->k);
        assert_int_equal(x->rows, y->rows);
        assert_int_equal(x->cols, y->cols);
        assert_int_equal(x->count, y->count);
        assert_int_equal(x->a_bits, y->a_bits);
        assert_int_equal(x->out_bits, y->out_bits);
        if (x->kind == ASIM_OP_GEMM) {
            assert_int_equal(x->b_bits, y->b_bits);
            assert_int_equal(x->b_is_weight, y->b_is_weight);
        }
        assert_int_equal(x->n_inputs, y->n_inputs);
        for (unsigned k = 0; k < x->n_inputs; k++)
            assert_int_equal(x->inputs[k], y->inputs[k]);
    }
    asim_graph_free(&a);
    asim_graph_free(&b);
}

static void expect_yaml_error(const char *text, asim_status_t code, const char *needle)
{
    const char *path = tmp_file(".yaml", text);
    asim_graph_t g;
    asim_error_t err = {0};
    asim_status_t st = asim_model_load(path, &g, &err);
    if (st != code || !strstr(err.msg, needle) || !strstr(err.msg, path))
        fail_msg("got %s '%s', want %s containing '%s'", asim_status_name(st), err.msg,
                 asim_status_name(code), needle);
}

static void test_bad_yaml_models(void **state)
{
    (void)state;
    expect_yaml_error("", ASIM_EMODEL, "file is empty");
    expect_yaml_error("name: m\n", ASIM_EMISSING, "missing field 'ops'");
    expect_yaml_error("name: m\nops: []\n", ASIM_EMODEL, "no ops");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: conv, m: 1}\n", ASIM_EMODEL,
                      ":3:19: unknown op 'conv'");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: gemm, m: 1, n: 2}\n", ASIM_EMISSING,
                      "missing field 'k'");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: gemm, m: 1, n: 2, k: 0}\n", ASIM_ERANGE,
                      "k = 0 is out of range");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: gemm, m: 1, n: 2, k: 3, w: 1}\n",
                      ASIM_EKEY, "unknown field 'w' in a gemm op");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: add, rows: 1, cols: 2, k: 3}\n",
                      ASIM_EKEY, "unknown field 'k' in a vector op");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: gemm, m: 1, n: 2, k: 3, b: both}\n",
                      ASIM_ETYPE, "expected 'weight', 'shared'");
    expect_yaml_error("name: m\nops:\n  - 5\n", ASIM_ETYPE, "an op must be a mapping");
    expect_yaml_error("name: m\nops:\n  - repeat: 100000\n    name: b\n    ops:\n"
                      "      - repeat: 100000\n        name: c\n        ops:\n"
                      "          - {name: a, op: add, rows: 1, cols: 1}\n",
                      ASIM_ERANGE, "6:9: repeat: the model expands to more than 100000 ops");
    /* Empty bodies count too: 10^10 empty expansions used to loop for minutes. */
    expect_yaml_error("name: m\nops:\n  - repeat: 100000\n    name: b\n    ops:\n"
                      "      - repeat: 100000\n        name: c\n        ops: []\n",
                      ASIM_ERANGE, "6:9: repeat: the model expands to more than 100000 ops");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: add, rows: 1, cols: 1}\n"
                      "  - repeat: 100000\n    name: b\n    ops: []\n",
                      ASIM_ERANGE, "4:5: repeat: the model expands to more than 100000 ops");
    expect_yaml_error("name: m\nops:\n  - {name: a, op: gemm, m: 16777216, n: 16777216, "
                      "k: 16777216}\n", ASIM_ERANGE, "2^50");
}

static void test_scalesim_csv(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_load(src_path("traces/topologies/gpt2_block.csv"), &g, &err),
                     ASIM_OK);
    assert_int_equal(g.len, 6);
    assert_string_equal(g.name, "gpt2_block");
    assert_string_equal(g.ops[2].name, "Linear1");
    assert_int_equal(g.ops[2].m, 1024);
    assert_int_equal(g.ops[2].n, 4800);
    assert_int_equal(g.ops[2].k, 1600);
    asim_graph_free(&g);
    /* No trailing comma, CRLF, spaces and blank lines are accepted too. */
    const char *loose = tmp_file(".csv", "Layer, M, N, K\r\n\r\n l1 , 2, 3, 4\r\n");
    assert_int_equal(asim_model_load(loose, &g, &err), ASIM_OK);
    assert_int_equal(g.len, 1);
    assert_string_equal(g.ops[0].name, "l1");
    assert_int_equal(g.ops[0].k, 4);
    asim_graph_free(&g);
}

static void expect_csv_error(const char *text, const char *needle)
{
    const char *path = tmp_file(".csv", text);
    asim_graph_t g;
    asim_error_t err = {0};
    if (asim_model_load(path, &g, &err) == ASIM_OK || !strstr(err.msg, needle) ||
        !strstr(err.msg, path))
        fail_msg("'%s' does not contain '%s'", err.msg, needle);
}

static void test_bad_csvs(void **state)
{
    (void)state;
    expect_csv_error("", "no layers");
    expect_csv_error("Layer,M,N,K,\n", "no layers");
    expect_csv_error("name,a,b,c,\nl1,1,2,3,\n", ":1: expected the SCALE-Sim GEMM header");
    expect_csv_error("Layer,M,N,K,\nl1,1,2,\n", ":2: expected 4 fields");
    expect_csv_error("Layer,M,N,K,\nl1,1,2,3,\n\nl2,1,x,3,\n", ":4: N = 'x' must be an integer");
    expect_csv_error("Layer,M,N,K,\nl1,1,2,-3,\n", "K = '-3'");
    expect_csv_error("Layer,M,N,K,\nl1,1,2,3,4,5,6,7,8,9\n", "expected 4 fields");
    expect_csv_error("Layer,M,N,K,\nl1,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n",
                     "too many fields");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vit_tiny_shapes),
        cmocka_unit_test(test_bert_base_sequence_length_is_a_parameter),
        cmocka_unit_test(test_layernorm_placement),
        cmocka_unit_test(test_binary_vit_edges),
        cmocka_unit_test(test_bad_builtin_specs),
        cmocka_unit_test(test_yaml_vit_tiny_matches_builtin),
        cmocka_unit_test(test_bad_yaml_models),
        cmocka_unit_test(test_scalesim_csv),
        cmocka_unit_test(test_bad_csvs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
