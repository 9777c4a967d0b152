/*
 * test_graph.c: models are graphs. The built-ins name their real dependencies (per-head
 * attention reads the QKV projection, residual adds read the block's input), YAML `inputs`
 * default to the op before, and bad graphs are errors naming the op: cycles, inputs that name
 * no op, inputs listed after their reader, and shapes that disagree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "testutil.h"

static const asim_op_t *op_named(const asim_graph_t *g, const char *name)
{
    long i = asim_graph_find(g, name);
    assert_true(i >= 0);
    return &g->ops[i];
}

static const char *input_name(const asim_graph_t *g, const asim_op_t *op, unsigned k)
{
    assert_true(k < op->n_inputs);
    return op->inputs[k] == ASIM_INPUT_MODEL ? "input" : g->ops[op->inputs[k]].name;
}

static void test_builtin_dependencies(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    assert_int_equal(asim_model_load("vit_tiny", &g, &err), ASIM_OK);
    assert_string_equal(input_name(&g, op_named(&g, "patch_embed"), 0), "input");
    assert_string_equal(input_name(&g, op_named(&g, "blk0.qk"), 0), "blk0.qkv");
    assert_string_equal(input_name(&g, op_named(&g, "blk0.qk"), 1), "blk0.qkv");
    assert_string_equal(input_name(&g, op_named(&g, "blk0.av"), 0), "blk0.softmax");
    assert_string_equal(input_name(&g, op_named(&g, "blk0.av"), 1), "blk0.qkv");
    assert_string_equal(input_name(&g, op_named(&g, "blk0.add1"), 1), "pos_embed");
    assert_string_equal(input_name(&g, op_named(&g, "blk3.add1"), 1), "blk2.add2");
    assert_string_equal(input_name(&g, op_named(&g, "blk3.add2"), 1), "blk3.add1");
    assert_string_equal(input_name(&g, op_named(&g, "blk3.softmax"), 0), "blk3.qk");
    asim_graph_free(&g);
    assert_int_equal(asim_model_load("odeformer", &g, &err), ASIM_OK);
    assert_string_equal(input_name(&g, op_named(&g, "ode1.step1.euler_add"), 1),
                        "ode1.step0.euler_add");
    asim_graph_free(&g);
    /* SCALE-Sim layers are independent */
    assert_int_equal(asim_model_load(src_path("traces/topologies/gpt2_block.csv"), &g, &err),
                     ASIM_OK);
    for (size_t i = 0; i < g.len; i++)
        assert_string_equal(input_name(&g, &g.ops[i], 0), "input");
    asim_graph_free(&g);
}

static const char *yaml_model(const char *ops)
{
    static char text[2048];
    snprintf(text, sizeof text, "name: t\nops:\n%s", ops);
    return tmp_file(".yaml", text);
}

static void expect_graph_error(const char *ops, const char *needle)
{
    asim_graph_t g;
    asim_error_t err = {0};
    assert_int_not_equal(asim_model_load(yaml_model(ops), &g, &err), ASIM_OK);
    if (!strstr(err.msg, needle))
        fail_msg("expected '%s' in: %s", needle, err.msg);
}

static void test_yaml_inputs(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err;
    const char *ops =
        "  - {name: a, op: gemm, m: 4, n: 8, k: 8}\n"
        "  - repeat: 2\n"
        "    name: blk\n"
        "    ops:\n"
        "      - {name: ln, op: layernorm, rows: 4, cols: 8}\n"
        "      - {name: fc, op: gemm, m: 4, n: 8, k: 8}\n"
        "      - {name: add, op: add, rows: 4, cols: 8, inputs: [fc, blk]}\n"
        "  - {name: out, op: gemm, m: 4, n: 8, k: 8, inputs: [a]}\n";
    if (asim_model_load(yaml_model(ops), &g, &err) != ASIM_OK)
        fail_msg("%s", err.msg);
    assert_string_equal(input_name(&g, op_named(&g, "blk0.ln"), 0), "a"); /* the op before */
    assert_string_equal(input_name(&g, op_named(&g, "blk1.add"), 0), "blk1.fc");
    assert_string_equal(input_name(&g, op_named(&g, "blk1.add"), 1), "blk0.add");
    assert_string_equal(input_name(&g, op_named(&g, "blk0.add"), 1), "a");
    assert_string_equal(input_name(&g, op_named(&g, "out"), 0), "a");
    asim_graph_free(&g);
}

static void test_bad_graphs(void **state)
{
    (void)state;
    expect_graph_error("  - {name: a, op: gemm, m: 4, n: 8, k: 8}\n"
                       "  - {name: b, op: gelu, rows: 4, cols: 8, inputs: [nope]}\n",
                       "op 'b': unknown input 'nope'");
    /* a later op, or the op itself, is not listed before it (this is how a cycle is refused) */
    expect_graph_error("  - {name: a, op: gemm, m: 4, n: 8, k: 8, inputs: [b]}\n"
                       "  - {name: b, op: gelu, rows: 4, cols: 8}\n",
                       "op 'a': unknown input 'b'");
    expect_graph_error("  - {name: a, op: gelu, rows: 4, cols: 8, inputs: [a]}\n",
                       "op 'a': unknown input 'a'");
    expect_graph_error("  - {name: a, op: gemm, m: 4, n: 8, k: 8}\n"
                       "  - {name: b, op: gemm, m: 4, n: 8, k: 12}\n",
                       "op 'b' reads rows of 12 elements from 'a', whose rows hold 8");
    expect_graph_error("  - {name: a, op: gemm, m: 4, n: 8, k: 8}\n"
                       "  - {name: b, op: gelu, rows: 4, cols: 8, inputs: [a, a, a]}\n",
                       "inputs: expected one or two op names");
}

/* Graphs built in code get the same checks: a cycle is named as such. */
static void test_cycle_in_code(void **state)
{
    (void)state;
    asim_graph_t g;
    asim_error_t err = {0};
    asim_graph_init(&g, "c");
    asim_op_t a = {.name = "a", .kind = ASIM_OP_GELU, .rows = 4, .cols = 8, .count = 1,
                   .a_bits = 8, .out_bits = 8, .inputs = {1}, .n_inputs = 1};
    asim_op_t b = a;
    snprintf(b.name, sizeof b.name, "b");
    b.inputs[0] = 0;
    assert_int_equal(asim_graph_add(&g, &a, &err), ASIM_OK);
    assert_int_equal(asim_graph_add(&g, &b, &err), ASIM_OK);
    assert_int_equal(asim_graph_check(&g, "c", &err), ASIM_EMODEL);
    assert_non_null(strstr(err.msg, "op 'a': cycle a -> b -> a"));
    g.ops[0].inputs[0] = 7;
    assert_int_equal(asim_graph_check(&g, "c", &err), ASIM_EMODEL);
    assert_non_null(strstr(err.msg, "op 'a': unknown input"));
    asim_graph_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_dependencies),
        cmocka_unit_test(test_yaml_inputs),
        cmocka_unit_test(test_bad_graphs),
        cmocka_unit_test(test_cycle_in_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
