/*
 * test_onnx.c: the ONNX/QONNX importer against the built-in models and against MACs counted
 * here from the exported models' parameters (tools/onnx_export.py), the conv lowering shared
 * with SCALE-Sim's convolution topologies, and the importer's errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asim/model.h"
#include "testutil.h"

static void load(const char *rel, asim_graph_t *g)
{
    asim_error_t err;
    asim_status_t st = asim_model_load(src_path(rel), g, &err);
    if (st != ASIM_OK)
        fail_msg("%s: %s", rel, err.msg);
}

static void load_builtin(const char *spec, asim_graph_t *g)
{
    asim_error_t err;
    asim_status_t st = asim_model_load(spec, g, &err);
    if (st != ASIM_OK)
        fail_msg("%s: %s", spec, err.msg);
}

/* Ops of kind k in g, and their elements (all instances). */
static size_t count_kind(const asim_graph_t *g, asim_op_kind_t k, uint64_t *elements)
{
    size_t n = 0;
    uint64_t e = 0;
    for (size_t i = 0; i < g->len; i++)
        if (g->ops[i].kind == k) {
            n++;
            e += asim_op_outputs(&g->ops[i]);
        }
    if (elements)
        *elements = e;
    return n;
}

/* The GEMMs of a and b agree in order, shape, count and weight/activation B. */
static void assert_same_gemms(const asim_graph_t *a, const asim_graph_t *b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a->len && a->ops[i].kind != ASIM_OP_GEMM)
            i++;
        while (j < b->len && b->ops[j].kind != ASIM_OP_GEMM)
            j++;
        if (i == a->len || j == b->len)
            break;
        const asim_op_t *x = &a->ops[i++], *y = &b->ops[j++];
        if (x->m != y->m || x->n != y->n || x->k != y->k || x->count != y->count ||
            x->b_is_weight != y->b_is_weight)
            fail_msg("GEMM '%s' %llux%llux%llu (x%llu) != '%s' %llux%llux%llu (x%llu)", x->name,
                     (unsigned long long)x->m, (unsigned long long)x->n,
                     (unsigned long long)x->k, (unsigned long long)x->count, y->name,
                     (unsigned long long)y->m, (unsigned long long)y->n,
                     (unsigned long long)y->k, (unsigned long long)y->count);
    }
    assert_int_equal(i, a->len);
    assert_int_equal(j, b->len);
    assert_int_equal(total_macs(a), total_macs(b));
}

/* Same kinds, in order, with the same shapes: op for op. */
static void assert_same_ops(const asim_graph_t *a, const asim_graph_t *b)
{
    assert_int_equal(a->len, b->len);
    for (size_t i = 0; i < a->len; i++) {
        const asim_op_t *x = &a->ops[i], *y = &b->ops[i];
        if (x->kind != y->kind || asim_op_outputs(x) != asim_op_outputs(y) ||
            asim_op_macs(x) != asim_op_macs(y) || x->a_bits != y->a_bits)
            fail_msg("op %zu: '%s' %s != '%s' %s", i, x->name, asim_op_kind_name(x->kind),
                     y->name, asim_op_kind_name(y->kind));
    }
}

/* The same MACs and, per vector kind, the same elements (layouts may differ: fused or
 * separate QKV, heads in count or in rows). */
static void assert_same_work(const asim_graph_t *a, const asim_graph_t *b)
{
    assert_int_equal(total_macs(a), total_macs(b));
    for (int k = 0; k < ASIM_OP_KIND_COUNT; k++) {
        uint64_t e1, e2;
        count_kind(a, (asim_op_kind_t)k, &e1);
        count_kind(b, (asim_op_kind_t)k, &e2);
        if (e1 != e2)
            fail_msg("%s: %llu elements in '%s', %llu in '%s'",
                     asim_op_kind_name((asim_op_kind_t)k), (unsigned long long)e1, a->name,
                     (unsigned long long)e2, b->name);
    }
}

/* The imported DeiT-Tiny is the built-in vit_tiny op for op: patch embedding (Conv), the
 * position add, 12 pre-LN blocks with GELU, final LayerNorm, head. */
static void test_vit_tiny_matches_builtin(void **state)
{
    (void)state;
    asim_graph_t onnx, builtin;
    load("models/onnx/vit_tiny_op17.onnx:batch=1", &onnx);
    load_builtin("vit_tiny", &builtin);
    assert_same_ops(&onnx, &builtin);
    assert_same_gemms(&onnx, &builtin);
    assert_int_equal(total_macs(&onnx), 1253683200ull);
    asim_graph_free(&onnx);
    asim_graph_free(&builtin);
}

/* BERT-base at 128 tokens: the same GEMMs and MACs; the same elements per vector kind (the
 * built-in lists the two embedding adds as one op of count 2, the export as two adds). */
static void test_bert_base_matches_builtin(void **state)
{
    (void)state;
    asim_graph_t onnx, builtin;
    load("models/onnx/bert_base_op17.onnx:batch=1,seq=128", &onnx);
    load_builtin("bert_base", &builtin);
    assert_same_gemms(&onnx, &builtin);
    assert_same_work(&onnx, &builtin);
    asim_graph_free(&onnx);
    asim_graph_free(&builtin);
}

/* The small exports at opset 14 (LayerNorm written out as ReduceMean/Sub/Pow/Sqrt/Div) and
 * 17 (LayerNormalization) import to the same ops, which are the built-ins' at those sizes. */
static void test_small_models_both_opsets(void **state)
{
    (void)state;
    static const struct {
        const char *op14, *op17, *builtin;
        bool op_for_op;
    } cases[] = {
        {"models/onnx/vit_test_op14.onnx:batch=1", "models/onnx/vit_test_op17.onnx:batch=1",
         "vit_tiny:layers=2,dim=32,heads=2,mlp=64,image=32,patch=8,classes=10", true},
        {"models/onnx/bert_test_op14.onnx:batch=1,seq=16",
         "models/onnx/bert_test_op17.onnx:batch=1,seq=16",
         "bert_base:layers=2,dim=32,heads=2,mlp=64,seq_len=16,classes=2", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        asim_graph_t a, b, builtin;
        load(cases[i].op14, &a);
        load(cases[i].op17, &b);
        load_builtin(cases[i].builtin, &builtin);
        assert_same_ops(&a, &b);
        assert_same_gemms(&a, &builtin);
        if (cases[i].op_for_op)
            assert_same_ops(&a, &builtin);
        uint64_t e;
        assert_int_equal(count_kind(&a, ASIM_OP_LAYERNORM, &e),
                         count_kind(&builtin, ASIM_OP_LAYERNORM, NULL));
        asim_graph_free(&a);
        asim_graph_free(&b);
        asim_graph_free(&builtin);
    }
}

/* GPT-2 (tools/onnx_export.py, small: 2 layers, dim 32, 2 heads, vocab 100): MACs from the
 * architecture (LM head on the last token), and the built-in gpt2 at the same sizes;
 * causal masking folds into QK^T, tanh GELU is one op. */
static void test_gpt2_maps_every_op(void **state)
{
    (void)state;
    const uint64_t layers = 2, d = 32, h = 2, dh = d / h, vocab = 100, t = 16, f = 4 * d;
    const char *files[] = {"models/onnx/gpt2_test_op14.onnx:batch=1,seq=16",
                           "models/onnx/gpt2_test_op17.onnx:batch=1,seq=16"};
    uint64_t per_layer = t * 3 * d * d + 2 * h * t * t * dh + t * d * d + 2 * t * f * d;
    asim_graph_t builtin;
    load_builtin("gpt2:layers=2,dim=32,heads=2,ffn=128,vocab=100,context=16", &builtin);
    for (size_t i = 0; i < 2; i++) {
        asim_graph_t g;
        load(files[i], &g);
        assert_int_equal(total_macs(&g), layers * per_layer + vocab * d);
        assert_int_equal(count_kind(&g, ASIM_OP_LAYERNORM, NULL), 2 * layers + 1);
        assert_int_equal(count_kind(&g, ASIM_OP_GELU, NULL), layers);
        assert_int_equal(count_kind(&g, ASIM_OP_SOFTMAX, NULL), layers);
        assert_int_equal(count_kind(&g, ASIM_OP_ADD, NULL), 2 * layers + 1);
        assert_int_equal(count_kind(&g, ASIM_OP_MUL, NULL), 0);
        assert_int_equal(count_kind(&g, ASIM_OP_GEMM, NULL), 4 * layers + 2 * layers + 1);
        assert_same_work(&g, &builtin);
        asim_graph_free(&g);
    }
    asim_graph_free(&builtin);
    /* The real size: 12 layers, dim 768, 12 heads, 1024 tokens, vocab 50257. */
    asim_graph_t g;
    load("models/onnx/gpt2_op17.onnx:batch=1,seq=1024", &g);
    load_builtin("gpt2", &builtin);
    const uint64_t D = 768, T = 1024, F = 4 * D;
    uint64_t real = 12 * (T * 3 * D * D + 2 * T * T * D + T * D * D + 2 * T * F * D) + 50257 * D;
    assert_int_equal(total_macs(&g), real);
    assert_same_work(&g, &builtin);
    asim_graph_free(&g);
    asim_graph_free(&builtin);
}

/* LLaMA blocks (small: 2 layers, dim 32, 4 heads, 2 KV heads, ffn 88, vocab 100): RMSNorm,
 * SiLU and RoPE patterns, grouped-query attention, SwiGLU's mul, the LM head on the last
 * token; MACs from the architecture and the built-in llama at the same sizes. */
static void test_llama_maps_every_op(void **state)
{
    (void)state;
    const uint64_t layers = 2, d = 32, h = 4, kvh = 2, dh = d / h, f = 88, t = 16, vocab = 100;
    const char *files[] = {"models/onnx/llama_test_op14.onnx:batch=1,seq=16",
                           "models/onnx/llama_test_op17.onnx:batch=1,seq=16"};
    uint64_t per_layer = 2 * t * d * d + 2 * t * d * kvh * dh + 2 * h * t * t * dh + 3 * t * d * f;
    asim_graph_t builtin;
    load_builtin("llama:layers=2,dim=32,heads=4,kv_heads=2,ffn=88,vocab=100,context=16",
                 &builtin);
    for (size_t i = 0; i < 2; i++) {
        asim_graph_t g;
        load(files[i], &g);
        assert_int_equal(total_macs(&g), layers * per_layer + vocab * d);
        assert_int_equal(count_kind(&g, ASIM_OP_RMSNORM, NULL), 2 * layers + 1);
        assert_int_equal(count_kind(&g, ASIM_OP_SILU, NULL), layers);
        assert_int_equal(count_kind(&g, ASIM_OP_SOFTMAX, NULL), layers);
        assert_int_equal(count_kind(&g, ASIM_OP_LAYERNORM, NULL), 0);
        /* RoPE (x cos + rotate_half(x) sin) on q and on k, one op each */
        uint64_t e;
        assert_int_equal(count_kind(&g, ASIM_OP_ROPE, &e), 2 * layers);
        assert_int_equal(e, layers * t * (d + kvh * dh));
        /* SwiGLU: silu(gate) up */
        assert_int_equal(count_kind(&g, ASIM_OP_MUL, NULL), layers);
        /* the two residuals */
        assert_int_equal(count_kind(&g, ASIM_OP_ADD, NULL), 2 * layers);
        assert_same_work(&g, &builtin);
        asim_graph_free(&g);
    }
    asim_graph_free(&builtin);
    /* The 7B shape: dim 4096, 32 heads, ffn 11008, vocab 32000; one block at 2048 tokens. */
    asim_graph_t g;
    load("models/onnx/llama7b_block_op17.onnx:batch=1,seq=2048", &g);
    load_builtin("llama:layers=1", &builtin);
    const uint64_t D = 4096, F = 11008, T = 2048;
    assert_int_equal(total_macs(&g),
                     4 * T * D * D + 2 * T * T * D + 3 * T * D * F + 32000 * D);
    assert_same_work(&g, &builtin);
    asim_graph_free(&g);
    asim_graph_free(&builtin);
}

/* Weights kept in an external file are never opened (its .data file is not committed):
 * the graph imports like the stripped one. */
static void test_external_weights(void **state)
{
    (void)state;
    asim_graph_t ext, stripped;
    load("models/onnx/bert_test_op17_external.onnx:batch=1,seq=16", &ext);
    load("models/onnx/bert_test_op17.onnx:batch=1,seq=16", &stripped);
    assert_same_ops(&ext, &stripped);
    FILE *f = fopen(src_path("models/onnx/bert_test_op17_external.onnx.data"), "rb");
    assert_null(f);
    asim_graph_free(&ext);
    asim_graph_free(&stripped);
}

/* Symbolic dimensions scale the work: batch 2 doubles every GEMM's MACs. */
static void test_symbolic_dimensions(void **state)
{
    (void)state;
    asim_graph_t one, two;
    load("models/onnx/bert_test_op17.onnx:batch=1,seq=16", &one);
    load("models/onnx/bert_test_op17.onnx:seq=16,batch=2", &two);
    /* the pooler and classifier read the class token of each sequence: 2x too */
    assert_int_equal(total_macs(&two), 2 * total_macs(&one));
    asim_graph_free(&one);
    asim_graph_free(&two);
}

/* QONNX Quant/BipolarQuant set per-tensor bits: 8-bit input x 4-bit weight, then a 4-bit
 * activation x a binary weight; standard QDQ gives 8 x 8. */
static void test_quantized_bits(void **state)
{
    (void)state;
    asim_graph_t g;
    load("models/onnx/qonnx_mlp.onnx:batch=4", &g);
    assert_int_equal(g.len, 3);
    assert_int_equal(g.ops[0].kind, ASIM_OP_GEMM);
    assert_int_equal(g.ops[0].a_bits, 8);
    assert_int_equal(g.ops[0].b_bits, 4);
    assert_int_equal(g.ops[1].kind, ASIM_OP_RELU);
    assert_int_equal(g.ops[2].a_bits, 4);
    assert_int_equal(g.ops[2].b_bits, 1);
    assert_int_equal(g.ops[2].m * g.ops[2].n * g.ops[2].k, 4 * 10 * 32);
    asim_graph_free(&g);
    load("models/onnx/quant_mlp.onnx:batch=4", &g);
    assert_int_equal(g.len, 3);
    assert_int_equal(g.ops[0].a_bits, 8);
    assert_int_equal(g.ops[0].b_bits, 8);
    assert_int_equal(g.ops[2].kind, ASIM_OP_GEMM);
    assert_int_equal(total_macs(&g), 4 * 32 * 64 + 4 * 10 * 32);
    asim_graph_free(&g);
}

/* Node forms the exports lack (tools/onnx_export.py, ops_zoo): each maps to its op. */
static void test_ops_zoo(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        asim_op_kind_t kind;
        uint64_t m_or_rows, n_or_cols, k, count;
    } want[] = {
        /* grouped, padded 3x3 conv: 2 x 36 pixels, 8 filters and 4 channels per group */
        {"conv", ASIM_OP_GEMM, 72, 8, 36, 2},
        {"relu", ASIM_OP_RELU, 72, 16, 0, 1},       /* on the NCHW map: rows of channels */
        {"table", ASIM_OP_MUL, 72, 16, 0, 1},       /* a constant table, not RoPE */
        {"fc", ASIM_OP_GEMM, 72, 16, 16, 1},        /* Gemm transB after Flatten */
        {"sigmoid", ASIM_OP_TANH, 72, 16, 0, 1},    /* a lone Sigmoid: one tanh pass */
        {"add", ASIM_OP_ADD, 72, 16, 0, 1},
        {"div", ASIM_OP_MUL, 72, 8, 0, 1},          /* Split halves, divided */
        {"gelu", ASIM_OP_GELU, 72, 8, 0, 1},
        {"rmsnorm", ASIM_OP_RMSNORM, 72, 8, 0, 1},  /* with Reciprocal */
        {"head", ASIM_OP_GEMM, 72, 4, 8, 1},        /* W x^T, run as x W^T */
    };
    asim_graph_t g;
    load("models/onnx/ops_zoo.onnx:batch=2", &g);
    assert_int_equal(g.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < g.len; i++) {
        const asim_op_t *op = &g.ops[i];
        bool gemm = op->kind == ASIM_OP_GEMM;
        if (strcmp(op->name, want[i].name) != 0 || op->kind != want[i].kind ||
            (gemm ? op->m : op->rows) != want[i].m_or_rows ||
            (gemm ? op->n : op->cols) != want[i].n_or_cols || (gemm && op->k != want[i].k) ||
            op->count != want[i].count)
            fail_msg("op %zu: '%s' %s %llux%llu (x%llu), want '%s'", i, op->name,
                     asim_op_kind_name(op->kind),
                     (unsigned long long)(gemm ? op->m : op->rows),
                     (unsigned long long)(gemm ? op->n : op->cols),
                     (unsigned long long)op->count, want[i].name);
    }
    assert_int_equal(g.ops[0].a_reuse, 9);
    asim_graph_free(&g);
}

/* ONNX Conv and a SCALE-Sim conv row go through asim_conv_lower: the ViT patch embedding
 * (3 channels, 32x32, 8x8 filter, stride 8, 32 filters) is the same GEMM both ways. */
static void test_conv_lowering_shared(void **state)
{
    (void)state;
    asim_graph_t onnx, csv;
    load("models/onnx/vit_test_op17.onnx:batch=1", &onnx);
    const char *path = tmp_file(".csv", "Layer name, IFMAP Height, IFMAP Width, Filter Height, "
                                        "Filter Width, Channels, Num Filter, Strides,\n"
                                        "patch, 32, 32, 8, 8, 3, 32, 8,\n");
    asim_error_t err;
    assert_int_equal(asim_model_load(path, &csv, &err), ASIM_OK);
    const asim_op_t *a = &onnx.ops[0], *b = &csv.ops[0];
    assert_int_equal(a->m, 16);
    assert_int_equal(a->n, 32);
    assert_int_equal(a->k, 192);
    assert_int_equal(b->m, a->m);
    assert_int_equal(b->n, a->n);
    assert_int_equal(b->k, a->k);
    assert_int_equal(b->a_reuse, a->a_reuse);
    asim_graph_free(&onnx);
    asim_graph_free(&csv);

    /* Overlapping windows: a 3x3 stride-1 layer reuses each input element 9 times; SCALE-Sim
     * rounds the output size up: 224, 7x7, stride 2 gives 110 x 110. */
    path = tmp_file(".csv", "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                            "Channels, Num Filter, Strides,\nc3, 56, 56, 3, 3, 64, 64, 1,\n"
                            "c7, 224, 224, 7, 7, 3, 64, 2,\nDP_dw, 112, 112, 3, 3, 32, 1, 1,\n");
    assert_int_equal(asim_model_load(path, &csv, &err), ASIM_OK);
    assert_int_equal(csv.ops[0].m, 54 * 54);
    assert_int_equal(csv.ops[0].k, 9 * 64);
    assert_int_equal(csv.ops[0].a_reuse, 9);
    assert_int_equal(csv.ops[1].m, 110 * 110);
    assert_int_equal(csv.ops[1].k, 49 * 3);
    /* depthwise (DP in the name, as SCALE-Sim marks it): one 1-channel group per channel */
    assert_int_equal(csv.ops[2].count, 32);
    assert_int_equal(csv.ops[2].k, 9);
    assert_int_equal(csv.ops[2].n, 1);
    asim_graph_free(&csv);
}

/* SCALE-Sim's own formula, from the file: sum of ofmap_h ofmap_w Fh Fw C NF per row, with
 * ofmap = ceil((ifmap - filter + stride) / stride) (scalesim/topology_utils.py). */
static uint64_t scalesim_macs(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    uint64_t sum = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char name[64];
        unsigned long long ih, iw, fh, fw, c, nf, s;
        if (sscanf(line, " %63[^,] , %llu , %llu , %llu , %llu , %llu , %llu , %llu", name, &ih,
                   &iw, &fh, &fw, &c, &nf, &s) != 8)
            continue; /* blank or note rows */
        uint64_t oh = (ih - fh + s + s - 1) / s, ow = (iw - fw + s + s - 1) / s;
        sum += oh * ow * fh * fw * c * nf;
    }
    fclose(f);
    return sum;
}

/* SCALE-Sim's shipped conv topologies load unchanged, with SCALE-Sim's MAC counts. */
static void test_scalesim_conv_topologies(void **state)
{
    (void)state;
    const char *names[] = {"Resnet18", "Resnet50", "mobilenet", "yolo_tiny", "alexnet"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char rel[96];
        snprintf(rel, sizeof rel, "models/scalesim/%s.csv", names[i]);
        asim_graph_t g;
        load(rel, &g);
        assert_true(g.len > 4);
        uint64_t want = scalesim_macs(src_path(rel));
        if (total_macs(&g) != want)
            fail_msg("%s: %llu MACs, SCALE-Sim's formula %llu", rel,
                     (unsigned long long)total_macs(&g), (unsigned long long)want);
        asim_graph_free(&g);
    }
}

/* Each bad input: an error naming the file and, where there is one, the node. */
static void test_bad_onnx(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *expect;
        asim_status_t code;
    } cases[] = {
        {"tests/cli/data/onnx_truncated.onnx", "onnx_truncated.onnx: not an ONNX model: the "
         "protobuf is truncated or corrupt", ASIM_ESYNTAX},
        {"tests/cli/data/onnx_corrupt.onnx", "onnx_corrupt.onnx: not an ONNX model",
         ASIM_ESYNTAX},
        {"tests/cli/data/onnx_opset99.onnx", "onnx_opset99.onnx: unknown opset 99",
         ASIM_EUNSUPPORTED},
        {"tests/cli/data/onnx_dynamic.onnx", "onnx_dynamic.onnx: input 'x': dimension 0 is "
         "dynamic ('rows') and no value is given", ASIM_EMISSING},
        {"tests/cli/data/onnx_cycle.onnx", "onnx_cycle.onnx: the graph has a cycle through "
         "node 'act_a' (Relu): 'act_a' <- 'sum_b' <- 'act_a'", ASIM_EMODEL},
        {"tests/cli/data/onnx_bad_quant.onnx", "onnx_bad_quant.onnx: node 'quant_x' (Quant): "
         "unsupported quantization scheme: bit width 2.5", ASIM_EUNSUPPORTED},
        {"tests/cli/data/onnx_mismatch.onnx", "onnx_mismatch.onnx: node 'fc' (MatMul): weight "
         "shape mismatch", ASIM_EMODEL},
        {"tests/cli/data/onnx_bad_data.onnx", "onnx_bad_data.onnx: initializer 'w': weight "
         "shape mismatch: its shape has 640 elements, 2560 bytes, but it holds 100",
         ASIM_EMODEL},
        {"tests/cli/data/onnx_unsupported.onnx", "onnx_unsupported.onnx: 3 nodes of 2 "
         "unsupported types: TopK x1 (first: node 'top'), Exp x2 (first: node 'exp1')",
         ASIM_EUNSUPPORTED},
        {"models/onnx/bert_test_op17.onnx:batch=1,seq=16,sequence=3", "has no input with the "
         "symbolic dimension 'sequence'", ASIM_EKEY},
        {"models/onnx/bert_test_op17.onnx:batch=1,seq=0", "seq = '0' must be an integer from 1",
         ASIM_ERANGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        asim_graph_t g;
        asim_error_t err;
        asim_status_t st = asim_model_load(src_path(cases[i].spec), &g, &err);
        if (st != cases[i].code || !strstr(err.msg, cases[i].expect))
            fail_msg("%s: got %d '%s', want %d '%s'", cases[i].spec, st, err.msg,
                     cases[i].code, cases[i].expect);
    }
}

/* Every prefix and some corruptions of a real export fail cleanly or import (fuzz-like). */
static void test_truncations(void **state)
{
    (void)state;
    FILE *f = fopen(src_path("models/onnx/llama_test_op17.onnx"), "rb");
    assert_non_null(f);
    static char buf[1 << 17];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_true(len > 1000 && len < sizeof buf);
    for (size_t cut = 0; cut < len; cut += 13) {
        asim_graph_t g;
        asim_error_t err;
        asim_status_t st = asim_model_parse_onnx("cut.onnx", buf, cut, "batch=1,seq=16", &g,
                                                 &err);
        if (st == ASIM_OK)
            asim_graph_free(&g);
        else
            assert_true(strncmp(err.msg, "cut.onnx", 8) == 0 || strncmp(err.msg, "--model", 7) == 0);
    }
    for (size_t at = 0; at < len; at += 97) {
        char saved = buf[at];
        buf[at] = (char)(buf[at] ^ 0x5a);
        asim_graph_t g;
        asim_error_t err;
        if (asim_model_parse_onnx("flip.onnx", buf, len, "batch=1,seq=16", &g, &err) == ASIM_OK)
            asim_graph_free(&g);
        buf[at] = saved;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vit_tiny_matches_builtin),
        cmocka_unit_test(test_bert_base_matches_builtin),
        cmocka_unit_test(test_small_models_both_opsets),
        cmocka_unit_test(test_gpt2_maps_every_op),
        cmocka_unit_test(test_llama_maps_every_op),
        cmocka_unit_test(test_external_weights),
        cmocka_unit_test(test_symbolic_dimensions),
        cmocka_unit_test(test_quantized_bits),
        cmocka_unit_test(test_ops_zoo),
        cmocka_unit_test(test_conv_lowering_shared),
        cmocka_unit_test(test_scalesim_conv_topologies),
        cmocka_unit_test(test_bad_onnx),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
