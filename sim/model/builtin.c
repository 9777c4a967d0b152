/*
 * builtin.c: the parametric transformer families (ViT/DeiT and BERT encoders, the Neural-ODE
 * hybrid, GPT-2 and LLaMA decoders).
 *
 * Every op of the forward pass is listed: patch embedding or embedding adds, per block
 * LayerNorm, QKV, per-head QK^T, softmax, per-head attention x V, projection, residual
 * adds, MLP with GELU, the final LayerNorm and the classifier (BERT: pooler + tanh too).
 * ViT blocks are pre-LN (LayerNorm before each branch), BERT blocks post-LN (LayerNorm after
 * each residual add), as the two papers define them. Token embedding lookups move no MACs and
 * are not listed. Binary variants (w1aA) have 1-bit weights in the block GEMMs, A-bit GEMM
 * activations on both sides of the attention products, and 8-bit vector ops; binary ViTs keep
 * the patch embedding and the classifier head at edge_bits (8) weights and activations, as
 * published binary ViTs do (binary BERT binarizes its pooler and classifier too).
 *
 * Decoders (docs/llm.md) are pre-norm blocks over a KV cache in DRAM, in one of two phases:
 * prefill runs `context` prompt tokens with causal attention; decode runs one token against
 * a cache of `context` tokens. K and V rows are appended to the cache (out_cache) and the
 * attention GEMMs read all of K and V from it (b_cache). Grouped-query attention stacks the
 * heads that share a KV head in one instance (group). GPT-2: LayerNorm, learned positions,
 * GELU MLP; LLaMA: RMSNorm, RoPE on Q and K, SwiGLU MLP (gate, SiLU, up, mul, down). The LM
 * head runs on the last token only, the one whose next token is sampled.
 */
#include <stddef.h>
#include <string.h>

#include "asim/model.h"
#include "config/yaml.h"
#include "model/family.h"

typedef enum { FAMILY_VIT, FAMILY_BERT, FAMILY_ODE, FAMILY_GPT2, FAMILY_LLAMA } family_t;

enum { PHASE_PREFILL, PHASE_DECODE };
static const char *const phase_words[] = {"prefill", "decode", NULL};

typedef struct {
    int64_t layers, dim, heads, mlp;
    int64_t image, patch, channels;   /* ViT input */
    int64_t seq_len;                  /* BERT tokens */
    int64_t classes;
    int64_t a_bits, w_bits;           /* GEMM activations and weights */
    int64_t v_bits;                   /* inputs and outputs of vector ops */
    int64_t steps;                    /* ODE: Euler steps per ODE block (shared weights) */
    int64_t edge_bits;                /* ViT patch embedding and head: weight and activation
                                         bits; 0 = a_bits / w_bits like the other GEMMs */
    int64_t kv_heads;                 /* decoders: K and V heads; 0 = heads (multi-head) */
    int64_t vocab;                    /* decoders: LM head outputs */
    int64_t context;                  /* decoders: prompt tokens (prefill), cached tokens
                                         (decode) */
    int64_t phase;                    /* decoders: PHASE_PREFILL or PHASE_DECODE */
} transformer_t;

typedef struct {
    const char *name;
    family_t family;
    const char *desc;
    transformer_t p;
} builtin_t;

#define VIT_TINY(a, w, edge) {12, 192, 3, 768, 224, 16, 3, 0, 1000, a, w, 8, 0, edge, 0, 0, 0, 0}
#define BERT_BASE(a, w) {12, 768, 12, 3072, 0, 0, 0, 128, 2, a, w, 8, 0, 0, 0, 0, 0, 0}
static const builtin_t builtins[] = {
    {"vit_tiny", FAMILY_VIT, "DeiT-Tiny: 224x224, patch 16, 197 tokens, dim 192, 3 heads",
     VIT_TINY(8, 8, 0)},
    {"vit_small", FAMILY_VIT, "DeiT-Small: 224x224, patch 16, 197 tokens, dim 384, 6 heads",
     {12, 384, 6, 1536, 224, 16, 3, 0, 1000, 8, 8, 8, 0, 0, 0, 0, 0, 0}},
    {"vit_base", FAMILY_VIT, "ViT-B/16: 224x224, patch 16, 197 tokens, dim 768, 12 heads",
     {12, 768, 12, 3072, 224, 16, 3, 0, 1000, 8, 8, 8, 0, 0, 0, 0, 0, 0}},
    {"bert_base", FAMILY_BERT, "BERT-base encoder: dim 768, 12 heads, sequence 128",
     BERT_BASE(8, 8)},
    {"bert_base_w1a1", FAMILY_BERT, "binary BERT-base: 1-bit weights, 1-bit activations",
     BERT_BASE(1, 1)},
    {"bert_base_w1a2", FAMILY_BERT, "binary BERT-base: 1-bit weights, 2-bit activations",
     BERT_BASE(2, 1)},
    {"bert_base_w1a4", FAMILY_BERT, "binary BERT-base: 1-bit weights, 4-bit activations",
     BERT_BASE(4, 1)},
    {"bert_base_w1a8", FAMILY_BERT, "binary BERT-base: 1-bit weights, 8-bit activations",
     BERT_BASE(8, 1)},
    {"vit_tiny_w1a1", FAMILY_VIT, "binary DeiT-Tiny: 1-bit weights, 1-bit activations",
     VIT_TINY(1, 1, 8)},
    {"vit_tiny_w1a2", FAMILY_VIT, "binary DeiT-Tiny: 1-bit weights, 2-bit activations",
     VIT_TINY(2, 1, 8)},
    {"vit_tiny_w1a4", FAMILY_VIT, "binary DeiT-Tiny: 1-bit weights, 4-bit activations",
     VIT_TINY(4, 1, 8)},
    {"vit_tiny_w1a8", FAMILY_VIT, "binary DeiT-Tiny: 1-bit weights, 8-bit activations",
     VIT_TINY(8, 1, 8)},
    {"odeformer", FAMILY_ODE, "Neural-ODE CNN-transformer (Okubo et al.): 96x96, 3 ODE stages, "
     "MHSA", {1, 64, 4, 0, 96, 2, 3, 0, 10, 8, 8, 8, 4, 0, 0, 0, 0, 0}},
    {"gpt2", FAMILY_GPT2, "GPT-2 small decoder: dim 768, 12 heads, 12 layers, prefill of 1024 "
     "tokens", {12, 768, 12, 3072, 0, 0, 0, 0, 0, 8, 8, 8, 0, 0, 0, 50257, 1024,
     PHASE_PREFILL}},
    {"llama", FAMILY_LLAMA, "LLaMA-2-7B decoder: dim 4096, 32 heads, 32 layers, FFN 11008, "
     "prefill of 2048 tokens", {32, 4096, 32, 11008, 0, 0, 0, 0, 0, 8, 8, 8, 0, 0, 0, 32000,
     2048, PHASE_PREFILL}},
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

typedef struct {
    const char *key;
    size_t offset;
    int64_t min, max;
    unsigned families;  /* bit per family_t */
    const char *const *words; /* a word parameter: the value is the word's index */
} param_t;

#define P(f) offsetof(transformer_t, f)
#define VIT (1u << FAMILY_VIT)
#define BERT (1u << FAMILY_BERT)
#define ODE (1u << FAMILY_ODE)
#define DEC ((1u << FAMILY_GPT2) | (1u << FAMILY_LLAMA))
#define ALL (VIT | BERT | ODE | DEC)
static const param_t params[] = {
    {"layers", P(layers), 1, 1024, VIT | BERT | DEC, NULL},
    {"dim", P(dim), 1, 65536, ALL, NULL},
    {"heads", P(heads), 1, 1024, ALL, NULL},
    {"mlp", P(mlp), 1, 262144, VIT | BERT, NULL},
    {"ffn", P(mlp), 1, 262144, DEC, NULL}, /* the decoders' name for the MLP width */
    {"image", P(image), 1, 16384, VIT | ODE, NULL},
    {"patch", P(patch), 1, 1024, VIT | ODE, NULL},
    {"channels", P(channels), 1, 1024, VIT | ODE, NULL},
    {"seq_len", P(seq_len), 1, 1 << 20, BERT, NULL},
    {"classes", P(classes), 1, 1 << 20, VIT | BERT | ODE, NULL},
    {"a_bits", P(a_bits), 1, 32, ALL, NULL},
    {"w_bits", P(w_bits), 1, 32, ALL, NULL},
    {"v_bits", P(v_bits), 1, 32, ALL, NULL},
    {"steps", P(steps), 1, 1024, ODE, NULL},
    {"edge_bits", P(edge_bits), 0, 32, VIT, NULL},
    {"kv_heads", P(kv_heads), 1, 1024, DEC, NULL},
    {"vocab", P(vocab), 1, 1 << 20, DEC, NULL},
    {"context", P(context), 1, 1 << 20, DEC, NULL},
    {"phase", P(phase), 0, 1, DEC, phase_words},
};
#define N_PARAMS (sizeof params / sizeof params[0])

void asim_model_list(FILE *out)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        fprintf(out, "%-15s %s\n", builtins[i].name, builtins[i].desc);
    fprintf(out, "\nParameters: NAME:key=value,... with keys\n");
    fprintf(out, "  all:  dim heads a_bits w_bits v_bits\n");
    fprintf(out, "        (a_bits: GEMM activations, w_bits: weights, v_bits: vector ops)\n");
    fprintf(out, "  vit, bert: layers mlp classes\n");
    fprintf(out, "  vit:  image patch channels (tokens = (image/patch)^2 + 1)\n");
    fprintf(out, "        edge_bits (patch embedding and head; 0 = a_bits/w_bits; binary: 8)\n");
    fprintf(out, "  bert: seq_len\n");
    fprintf(out, "  odeformer: dim (stage-1 channels) heads image patch (stem stride) channels "
                 "steps classes\n");
    fprintf(out, "  gpt2, llama: layers ffn kv_heads (grouped-query attention) vocab context\n");
    fprintf(out, "        phase=prefill (context prompt tokens, causal) or phase=decode (one "
                 "token\n        against a KV cache of context tokens, read from DRAM)\n");
    fprintf(out, "Files: --model path.yaml (docs/model-format.md), path.csv (a SCALE-Sim GEMM "
                 "or\n       convolution topology), path.onnx:dim=value,... (ONNX or QONNX; "
                 "docs/onnx.md)\n");
    fprintf(out, "       or a Hugging Face config.json (bert, vit, gpt2, llama), with "
                 "parameters:\n       path/config.json:phase=decode,context=2048 "
                 "(docs/llm.md)\n");
}

static const param_t *find_param(const builtin_t *b, const char *key)
{
    for (size_t i = 0; i < N_PARAMS; i++)
        if (strcmp(params[i].key, key) == 0 && (params[i].families & (1u << b->family)))
            return &params[i];
    return NULL;
}

/* "NAME has no parameter 'x' (did you mean 'y'?); its parameters: ...". */
static asim_status_t unknown_param(const builtin_t *b, const char *item, const char *source,
                                   asim_error_t *err)
{
    char hint[120] = "", list[256] = "";
    size_t used = 0;
    const char *best = asim_closest_name(item, &params[0].key, N_PARAMS, sizeof params[0]);
    for (size_t i = 0; i < N_PARAMS; i++) {
        bool own = params[i].families & (1u << b->family);
        if (own)
            used += (size_t)snprintf(list + used, sizeof list - used, " %s", params[i].key);
        if (best == params[i].key && strcmp(best, item) == 0)
            snprintf(hint, sizeof hint, " (other models have it)");
        else if (best == params[i].key)
            snprintf(hint, sizeof hint, " (did you mean '%s'?%s)", best,
                     own ? "" : " other models have it");
    }
    return asim_error_set(err, ASIM_EKEY, source, "%s has no parameter '%s'%s; its "
                          "parameters:%s", b->name, item, hint, list);
}

static int64_t *field_of(transformer_t *p, const param_t *par)
{
    return (int64_t *)((char *)p + par->offset);
}

/* A word parameter's value: the index of `text` in its words. */
static asim_status_t parse_word(const builtin_t *b, const param_t *par, const char *text,
                                int64_t *out, asim_error_t *err)
{
    char list[128] = "";
    size_t used = 0;
    for (int64_t i = 0; par->words[i]; i++) {
        if (strcmp(par->words[i], text) == 0) {
            *out = i;
            return ASIM_OK;
        }
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 par->words[i]);
    }
    return asim_error_set(err, ASIM_ERANGE, "--model", "%s: %s = '%s' must be one of %s",
                          b->name, par->key, text, list);
}

/* "key=value,key=value" from the command line; a key may be given once. */
static asim_status_t parse_params(const builtin_t *b, const char *text, transformer_t *p,
                                  bool given[N_PARAMS], asim_error_t *err)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return asim_error_set(err, ASIM_EARG, "--model", "parameter list too long");
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            return asim_error_set(err, ASIM_EARG, "--model",
                                  "%s: parameter '%s' is not key=value", b->name, item);
        *eq = '\0';
        const param_t *par = find_param(b, item);
        if (!par)
            return unknown_param(b, item, "--model", err);
        if (given[par - params])
            return asim_error_set(err, ASIM_EARG, "--model", "%s: parameter %s is given twice",
                                  b->name, item);
        given[par - params] = true;
        if (par->words) {
            asim_status_t st = parse_word(b, par, eq + 1, field_of(p, par), err);
            if (st != ASIM_OK)
                return st;
        } else if (asim_parse_int(eq + 1, par->min, par->max, field_of(p, par)) != ASIM_OK) {
            return asim_error_set(err, ASIM_ERANGE, "--model",
                                  "%s: %s = '%s' must be an integer from %lld to %lld", b->name,
                                  item, eq + 1, (long long)par->min, (long long)par->max);
        }
    }
    return ASIM_OK;
}

/* Values a file gives (config.json): each in its parameter's range; a cap lowers the default
 * and refuses a larger value given on the command line. */
static asim_status_t apply_values(const builtin_t *b, const asim_family_value_t *vals,
                                  size_t n, bool caps, const bool given[N_PARAMS],
                                  const char *source, transformer_t *p, asim_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        const asim_family_value_t *v = &vals[i];
        const param_t *par = find_param(b, v->key);
        ASIM_ASSERT(par && !par->words); /* the readers name integer parameters */
        if (v->cap != caps)
            continue;
        int64_t *field = field_of(p, par), value = v->value;
        if (caps && value > par->max)
            value = par->max; /* a bound past the range binds nothing */
        if (value < par->min || value > par->max)
            return asim_error_set(err, ASIM_ERANGE, source, "%s = %lld is out of range: %s "
                                  "%s must be %lld to %lld", v->field, (long long)v->value,
                                  b->name, par->key, (long long)par->min, (long long)par->max);
        if (!caps)
            *field = value;
        else if (*field > value && given[par - params])
            return asim_error_set(err, ASIM_ERANGE, source, "%s = %lld is over %s = %lld",
                                  par->key, (long long)*field, v->field, (long long)value);
        else if (*field > value)
            *field = value;
    }
    return ASIM_OK;
}

/* Checks that hold between parameters; fills the defaults that follow others. */
static asim_status_t check_params(const builtin_t *b, transformer_t *p, const char *source,
                                  asim_error_t *err)
{
    if (p->kv_heads == 0)
        p->kv_heads = p->heads;
    int64_t attn_dim = b->family == FAMILY_ODE ? 4 * p->dim : p->dim;
    if (attn_dim % p->heads != 0)
        return asim_error_set(err, ASIM_ERANGE, source, "%s: dim %lld is not a multiple of "
                              "heads %lld", b->name, (long long)attn_dim, (long long)p->heads);
    if ((b->family == FAMILY_VIT || b->family == FAMILY_ODE) && p->image % p->patch != 0)
        return asim_error_set(err, ASIM_ERANGE, source, "%s: image %lld is not a multiple "
                              "of patch %lld", b->name, (long long)p->image,
                              (long long)p->patch);
    if ((b->family == FAMILY_GPT2 || b->family == FAMILY_LLAMA) && p->heads % p->kv_heads != 0)
        return asim_error_set(err, ASIM_ERANGE, source, "%s: heads %lld is not a multiple of "
                              "kv_heads %lld", b->name, (long long)p->heads,
                              (long long)p->kv_heads);
    return ASIM_OK;
}

typedef struct {
    asim_graph_t *g;
    const transformer_t *p;
    const char *source;           /* names the model in messages */
    asim_error_t *err;
    asim_status_t st;
} emitter_t;

/* Adds op with GEMM activations of a_bits and weights of w_bits (vector ops: v_bits). */
static void emit_at(emitter_t *e, asim_op_t op, int64_t a_bits, int64_t w_bits)
{
    if (e->st != ASIM_OK)
        return;
    char why[160];
    if (op.count == 0)
        op.count = 1;
    bool gemm = op.kind == ASIM_OP_GEMM;
    op.a_bits = (int)(gemm ? a_bits : e->p->v_bits);
    op.out_bits = op.a_bits;
    if (gemm)
        op.b_bits = (int)(op.b_is_weight ? w_bits : a_bits);
    e->st = asim_op_check(&op, why, sizeof why);
    if (e->st != ASIM_OK) {
        asim_error_set(e->err, e->st, e->source, "%s: %s", e->g->name, why);
        return;
    }
    e->st = asim_graph_add(e->g, &op, e->err);
}

static void emit(emitter_t *e, asim_op_t op)
{
    emit_at(e, op, e->p->a_bits, e->p->w_bits);
}

/* A ViT edge GEMM (patch embedding, head): at edge_bits when set. */
static void emit_edge(emitter_t *e, asim_op_t op)
{
    int64_t bits = e->p->edge_bits;
    emit_at(e, op, bits ? bits : e->p->a_bits, bits ? bits : e->p->w_bits);
}

static asim_op_t gemm(const char *prefix, const char *name, uint64_t m, uint64_t n, uint64_t k,
                      uint64_t count, bool b_is_weight)
{
    asim_op_t op = {.kind = ASIM_OP_GEMM, .m = m, .n = n, .k = k, .count = count,
                    .b_is_weight = b_is_weight};
    snprintf(op.name, sizeof op.name, "%s%s", prefix, name);
    return op;
}

static asim_op_t vec(const char *prefix, const char *name, asim_op_kind_t kind, uint64_t rows,
                     uint64_t cols, uint64_t count)
{
    asim_op_t op = {.kind = kind, .rows = rows, .cols = cols, .count = count};
    snprintf(op.name, sizeof op.name, "%s%s", prefix, name);
    return op;
}

/* Inputs other than "the op before": (op, first input, second input) by local name within
 * a block; "<in>" is the block's input (the op before its first op). */
typedef struct {
    const char *op, *in0, *in1;
} link_t;

static const link_t encoder_links[] = {
    {"qk", "qkv", "qkv"},        /* Q K^T: Q and K from the QKV projection */
    {"av", "softmax", "qkv"},    /* P V: V from the QKV projection */
    {"add1", "proj", "<in>"},    /* residual around attention */
    {"add2", "fc2", "add1"},     /* residual around the MLP */
    {NULL, NULL, NULL},
};

/* Post-LN (BERT): the MLP's residual is ln1's output, the normalized first sum. */
static const link_t post_ln_encoder_links[] = {
    {"qk", "qkv", "qkv"},
    {"av", "softmax", "qkv"},
    {"add1", "proj", "<in>"},
    {"add2", "fc2", "ln1"},
    {NULL, NULL, NULL},
};

/* Decoder blocks; GPT-2 has no RoPE (the attention reads q and k) and a GELU MLP. */
static const link_t gpt2_links[] = {
    {"k", "ln1", NULL},
    {"v", "ln1", NULL},
    {"qk", "q", "k"},
    {"av", "softmax", "v"},
    {"add1", "o", "<in>"},
    {"add2", "fc2", "add1"},
    {NULL, NULL, NULL},
};

static const link_t llama_links[] = {
    {"k", "ln1", NULL},
    {"v", "ln1", NULL},
    {"qk", "rope_q", "rope_k"},
    {"av", "softmax", "v"},
    {"add1", "o", "<in>"},
    {"up", "ln2", NULL},
    {"mul", "silu", "up"},
    {"add2", "down", "add1"},
    {NULL, NULL, NULL},
};

static const link_t ode_step_links[] = {
    {"euler_add", "conv2", "<in>"}, /* x + f(x) */
    {NULL, NULL, NULL},
};

static const link_t mhsa_links[] = {
    {"qk", "qkv", "qkv"},
    {"av", "softmax", "qkv"},
    {"add", "proj", "<in>"},
    {NULL, NULL, NULL},
};

/* Resolves a local name of the block that starts at op `first` with names `prefix`. */
static uint32_t block_op(const asim_graph_t *g, size_t first, const char *prefix,
                         const char *local)
{
    if (strcmp(local, "<in>") == 0)
        return first ? (uint32_t)(first - 1) : ASIM_INPUT_MODEL;
    char name[64];
    snprintf(name, sizeof name, "%s%s", prefix, local);
    long i = asim_graph_find(g, name);
    ASIM_ASSERT(i >= (long)first); /* the tables name ops of the block */
    return (uint32_t)i;
}

/* Sets the inputs the table gives to the ops of the block emitted since `first` (in1 NULL:
 * one input). */
static void link_block(emitter_t *e, size_t first, const char *prefix, const link_t *links)
{
    if (e->st != ASIM_OK)
        return;
    for (const link_t *l = links; l->op; l++) {
        asim_op_t *op = &e->g->ops[block_op(e->g, first, prefix, l->op)];
        op->inputs[0] = block_op(e->g, first, prefix, l->in0);
        op->n_inputs = 1;
        if (l->in1)
            op->inputs[op->n_inputs++] = block_op(e->g, first, prefix, l->in1);
    }
}

/* One encoder block on t tokens: pre-LN (ln1 before qkv, ln2 before fc1) or post-LN (ln1
 * after add1, ln2 after add2). */
static void emit_block(emitter_t *e, int index, uint64_t t, bool post_ln)
{
    const transformer_t *p = e->p;
    uint64_t d = (uint64_t)p->dim, h = (uint64_t)p->heads, dh = d / h, f = (uint64_t)p->mlp;
    char pre[32];
    snprintf(pre, sizeof pre, "blk%d.", index);
    size_t first = e->g->len;
    asim_op_t ln1 = vec(pre, "ln1", ASIM_OP_LAYERNORM, t, d, 1);
    asim_op_t ln2 = vec(pre, "ln2", ASIM_OP_LAYERNORM, t, d, 1);
    if (!post_ln)
        emit(e, ln1);
    emit(e, gemm(pre, "qkv", t, 3 * d, d, 1, true));
    emit(e, gemm(pre, "qk", t, t, dh, h, false));
    emit(e, vec(pre, "softmax", ASIM_OP_SOFTMAX, t, t, h));
    emit(e, gemm(pre, "av", t, dh, t, h, false));
    emit(e, gemm(pre, "proj", t, d, d, 1, true));
    emit(e, vec(pre, "add1", ASIM_OP_ADD, t, d, 1));
    emit(e, post_ln ? ln1 : ln2);
    emit(e, gemm(pre, "fc1", t, f, d, 1, true));
    emit(e, vec(pre, "gelu", ASIM_OP_GELU, t, f, 1));
    emit(e, gemm(pre, "fc2", t, d, f, 1, true));
    emit(e, vec(pre, "add2", ASIM_OP_ADD, t, d, 1));
    if (post_ln)
        emit(e, ln2);
    link_block(e, first, pre, post_ln ? post_ln_encoder_links : encoder_links);
}

/* One 3x3 convolution as an im2col GEMM on an h x h map: m = output pixels. */
static asim_op_t conv3x3(const char *pre, const char *name, uint64_t h_out, uint64_t c_in,
                         uint64_t c_out)
{
    asim_op_t op = gemm(pre, name, h_out * h_out, c_out, 9 * c_in, 1, true);
    op.a_reuse = 9;
    return op;
}

/*
 * The Neural-ODE CNN-transformer of Okubo et al. as we reconstruct it (docs/models.md): the
 * stem (a stride-`patch` 3x3 convolution) and the classifier run in software on the PS and
 * are not listed. Three ODE stages at dim, 2 dim and 4 dim channels on h, h/2 and h/4 maps;
 * each ODE block iterates `steps` Euler steps x += conv(relu(conv(x))) with one set of shared
 * weights; stride-2 3x3 convolutions downsample between stages; then one BoTNet-style MHSA
 * block (heads heads) on the last map's pixels as tokens.
 */
static void emit_odeformer(emitter_t *e)
{
    const transformer_t *p = e->p;
    uint64_t h = (uint64_t)(p->image / p->patch), c = (uint64_t)p->dim;
    for (int stage = 0; stage < 3; stage++) {
        char pre[32];
        if (stage > 0) {
            snprintf(pre, sizeof pre, "down%d.", stage);
            h = (h + 1) / 2;
            emit(e, conv3x3(pre, "conv", h, c, 2 * c));
            emit(e, vec(pre, "relu", ASIM_OP_RELU, h * h, 2 * c, 1));
            c *= 2;
        }
        for (int step = 0; step < p->steps; step++) {
            snprintf(pre, sizeof pre, "ode%d.step%d.", stage, step);
            size_t first = e->g->len;
            asim_op_t conv1 = conv3x3(pre, "conv1", h, c, c), conv2 = conv3x3(pre, "conv2", h, c, c);
            conv1.b_shared = conv2.b_shared = step > 0; /* one set of weights per ODE block */
            emit(e, conv1);
            emit(e, vec(pre, "relu", ASIM_OP_RELU, h * h, c, 1));
            emit(e, conv2);
            emit(e, vec(pre, "euler_add", ASIM_OP_ADD, h * h, c, 1));
            link_block(e, first, pre, ode_step_links);
        }
    }
    uint64_t t = h * h, dh = c / (uint64_t)p->heads;
    size_t first = e->g->len;
    emit(e, gemm("mhsa.", "qkv", t, 3 * c, c, 1, true));
    emit(e, gemm("mhsa.", "qk", t, t, dh, (uint64_t)p->heads, false));
    emit(e, vec("mhsa.", "softmax", ASIM_OP_SOFTMAX, t, t, (uint64_t)p->heads));
    emit(e, gemm("mhsa.", "av", t, dh, t, (uint64_t)p->heads, false));
    emit(e, gemm("mhsa.", "proj", t, c, c, 1, true));
    emit(e, vec("mhsa.", "add", ASIM_OP_ADD, t, c, 1));
    emit(e, vec("mhsa.", "relu", ASIM_OP_RELU, t, c, 1));
    link_block(e, first, "mhsa.", mhsa_links);
}

/* An op whose output is appended to the KV cache. */
static asim_op_t to_cache(asim_op_t op)
{
    op.out_cache = true;
    return op;
}

/* An attention op of grouped-query heads over the cache: `group` heads per instance. */
static asim_op_t grouped(asim_op_t op, uint64_t group)
{
    op.group = (uint32_t)group;
    op.b_cache = op.kind == ASIM_OP_GEMM;
    return op;
}

/* One decoder block on t new tokens attending to s positions (the cache and the new ones). */
static void emit_decoder_block(emitter_t *e, bool llama, int index, uint64_t t, uint64_t s)
{
    const transformer_t *p = e->p;
    uint64_t d = (uint64_t)p->dim, h = (uint64_t)p->heads, kvh = (uint64_t)p->kv_heads;
    uint64_t dh = d / h, grp = h / kvh, kvd = kvh * dh, f = (uint64_t)p->mlp;
    asim_op_kind_t norm = llama ? ASIM_OP_RMSNORM : ASIM_OP_LAYERNORM;
    char pre[32];
    snprintf(pre, sizeof pre, "blk%d.", index);
    size_t first = e->g->len;
    emit(e, vec(pre, "ln1", norm, t, d, 1));
    emit(e, gemm(pre, "q", t, d, d, 1, true));
    if (llama)
        emit(e, vec(pre, "rope_q", ASIM_OP_ROPE, t, d, 1));
    asim_op_t k = gemm(pre, "k", t, kvd, d, 1, true);
    emit(e, llama ? k : to_cache(k));
    if (llama)
        emit(e, to_cache(vec(pre, "rope_k", ASIM_OP_ROPE, t, kvd, 1)));
    emit(e, to_cache(gemm(pre, "v", t, kvd, d, 1, true)));
    emit(e, grouped(gemm(pre, "qk", grp * t, s, dh, kvh, false), grp));
    asim_op_t softmax = grouped(vec(pre, "softmax", ASIM_OP_SOFTMAX, grp * t, s, kvh), grp);
    softmax.causal = t > 1;
    emit(e, softmax);
    emit(e, grouped(gemm(pre, "av", grp * t, dh, s, kvh, false), grp));
    emit(e, gemm(pre, "o", t, d, d, 1, true));
    emit(e, vec(pre, "add1", ASIM_OP_ADD, t, d, 1));
    emit(e, vec(pre, "ln2", norm, t, d, 1));
    if (llama) {
        emit(e, gemm(pre, "gate", t, f, d, 1, true));
        emit(e, vec(pre, "silu", ASIM_OP_SILU, t, f, 1));
        emit(e, gemm(pre, "up", t, f, d, 1, true));
        emit(e, vec(pre, "mul", ASIM_OP_MUL, t, f, 1));
        emit(e, gemm(pre, "down", t, d, f, 1, true));
    } else {
        emit(e, gemm(pre, "fc1", t, f, d, 1, true));
        emit(e, vec(pre, "gelu", ASIM_OP_GELU, t, f, 1));
        emit(e, gemm(pre, "fc2", t, d, f, 1, true));
    }
    emit(e, vec(pre, "add2", ASIM_OP_ADD, t, d, 1));
    link_block(e, first, pre, llama ? llama_links : gpt2_links);
}

static void emit_decoder(emitter_t *e, family_t family)
{
    const transformer_t *p = e->p;
    bool llama = family == FAMILY_LLAMA, decode = p->phase == PHASE_DECODE;
    uint64_t d = (uint64_t)p->dim, c = (uint64_t)p->context;
    uint64_t t = decode ? 1 : c, s = decode ? c + 1 : c;
    if (!llama)
        emit(e, vec("", "pos_embed", ASIM_OP_ADD, t, d, 1));
    for (int i = 0; i < p->layers; i++)
        emit_decoder_block(e, llama, i, t, s);
    emit(e, vec("", "ln_f", llama ? ASIM_OP_RMSNORM : ASIM_OP_LAYERNORM, 1, d, 1));
    emit(e, gemm("", "lm_head", 1, (uint64_t)p->vocab, d, 1, true));
}

static void emit_transformer(emitter_t *e, family_t family)
{
    if (family == FAMILY_ODE) {
        emit_odeformer(e);
        return;
    }
    if (family == FAMILY_GPT2 || family == FAMILY_LLAMA) {
        emit_decoder(e, family);
        return;
    }
    const transformer_t *p = e->p;
    uint64_t d = (uint64_t)p->dim, t;
    if (family == FAMILY_VIT) {
        uint64_t side = (uint64_t)(p->image / p->patch), patches = side * side;
        t = patches + 1; /* + class token */
        uint64_t k = (uint64_t)(p->channels * p->patch * p->patch);
        emit_edge(e, gemm("", "patch_embed", patches, d, k, 1, true));
        emit(e, vec("", "pos_embed", ASIM_OP_ADD, t, d, 1));
    } else {
        t = (uint64_t)p->seq_len;
        emit(e, vec("", "embed_add", ASIM_OP_ADD, t, d, 2)); /* + position, + segment */
        emit(e, vec("", "embed_ln", ASIM_OP_LAYERNORM, t, d, 1));
    }
    for (int i = 0; i < p->layers; i++)
        emit_block(e, i, t, family == FAMILY_BERT);
    if (family == FAMILY_VIT) {
        emit(e, vec("", "ln_f", ASIM_OP_LAYERNORM, t, d, 1));
        emit_edge(e, gemm("", "head", 1, (uint64_t)p->classes, d, 1, true));
    } else {
        emit(e, gemm("", "pooler", 1, d, d, 1, true));
        emit(e, vec("", "pooler_tanh", ASIM_OP_TANH, 1, d, 1));
        emit(e, gemm("", "classifier", 1, (uint64_t)p->classes, d, 1, true));
    }
}

static const builtin_t *find_builtin(const char *name)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i].name, name) == 0)
            return &builtins[i];
    return NULL;
}

asim_status_t asim_model_family(const char *name, const asim_family_value_t *vals, size_t n,
                                const char *params_text, const char *source, asim_graph_t *g,
                                asim_error_t *err)
{
    const builtin_t *b = find_builtin(name);
    ASIM_ASSERT(b); /* callers name a family */
    transformer_t p = b->p;
    bool given[N_PARAMS] = {0};
    asim_status_t st;
    if ((st = apply_values(b, vals, n, false, given, source, &p, err)) ||
        (st = parse_params(b, params_text, &p, given, err)) ||
        (st = apply_values(b, vals, n, true, given, source, &p, err)) ||
        (st = check_params(b, &p, source, err)))
        return st;
    asim_graph_init(g, name);
    emitter_t e = {g, &p, source, err, ASIM_OK};
    emit_transformer(&e, b->family);
    if (e.st != ASIM_OK)
        asim_graph_free(g);
    return e.st;
}

asim_status_t asim_model_builtin(const char *name, const char *params_text, asim_graph_t *g,
                                 asim_error_t *err)
{
    if (find_builtin(name))
        return asim_model_family(name, NULL, 0, params_text, "--model", g, err);
    char names[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < N_BUILTINS; i++)
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                 builtins[i].name);
    char hint[80] = "";
    const char *best = asim_closest_name(name, &builtins[0].name, N_BUILTINS,
                                         sizeof builtins[0]);
    if (best)
        snprintf(hint, sizeof hint, " (did you mean '%s'?)", best);
    return asim_error_set(err, ASIM_EMODEL, "--model",
                          "unknown model '%s'%s (built-ins: %s; or a .yaml/.csv/.json file)",
                          name, hint, names);
}
