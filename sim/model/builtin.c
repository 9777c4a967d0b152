/*
 * builtin.c: the parametric transformer families (ViT/DeiT and BERT encoders).
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
 */
#include <stddef.h>
#include <string.h>

#include "asim/model.h"
#include "config/yaml.h"

typedef enum { FAMILY_VIT, FAMILY_BERT, FAMILY_ODE } family_t;

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
} transformer_t;

typedef struct {
    const char *name;
    family_t family;
    const char *desc;
    transformer_t p;
} builtin_t;

#define VIT_TINY(a, w, edge) {12, 192, 3, 768, 224, 16, 3, 0, 1000, a, w, 8, 0, edge}
#define BERT_BASE(a, w) {12, 768, 12, 3072, 0, 0, 0, 128, 2, a, w, 8, 0, 0}
static const builtin_t builtins[] = {
    {"vit_tiny", FAMILY_VIT, "DeiT-Tiny: 224x224, patch 16, 197 tokens, dim 192, 3 heads",
     VIT_TINY(8, 8, 0)},
    {"vit_small", FAMILY_VIT, "DeiT-Small: 224x224, patch 16, 197 tokens, dim 384, 6 heads",
     {12, 384, 6, 1536, 224, 16, 3, 0, 1000, 8, 8, 8, 0, 0}},
    {"vit_base", FAMILY_VIT, "ViT-B/16: 224x224, patch 16, 197 tokens, dim 768, 12 heads",
     {12, 768, 12, 3072, 224, 16, 3, 0, 1000, 8, 8, 8, 0, 0}},
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
     "MHSA", {1, 64, 4, 0, 96, 2, 3, 0, 10, 8, 8, 8, 4, 0}},
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

typedef struct {
    const char *key;
    size_t offset;
    int64_t min, max;
    unsigned families;  /* bit per family_t */
} param_t;

#define P(f) offsetof(transformer_t, f)
#define VIT (1u << FAMILY_VIT)
#define BERT (1u << FAMILY_BERT)
#define ODE (1u << FAMILY_ODE)
static const param_t params[] = {
    {"layers", P(layers), 1, 1024, VIT | BERT},
    {"dim", P(dim), 1, 65536, VIT | BERT | ODE},
    {"heads", P(heads), 1, 1024, VIT | BERT | ODE},
    {"mlp", P(mlp), 1, 262144, VIT | BERT},
    {"image", P(image), 1, 16384, VIT | ODE},
    {"patch", P(patch), 1, 1024, VIT | ODE},
    {"channels", P(channels), 1, 1024, VIT | ODE},
    {"seq_len", P(seq_len), 1, 1 << 20, BERT},
    {"classes", P(classes), 1, 1 << 20, VIT | BERT | ODE},
    {"a_bits", P(a_bits), 1, 32, VIT | BERT | ODE},
    {"w_bits", P(w_bits), 1, 32, VIT | BERT | ODE},
    {"v_bits", P(v_bits), 1, 32, VIT | BERT | ODE},
    {"steps", P(steps), 1, 1024, ODE},
    {"edge_bits", P(edge_bits), 0, 32, VIT},
};
#define N_PARAMS (sizeof params / sizeof params[0])

void asim_model_list(FILE *out)
{
    for (size_t i = 0; i < N_BUILTINS; i++)
        fprintf(out, "%-15s %s\n", builtins[i].name, builtins[i].desc);
    fprintf(out, "\nParameters: NAME:key=value,... with keys\n");
    fprintf(out, "  all:  layers dim heads mlp classes a_bits w_bits v_bits\n");
    fprintf(out, "        (a_bits: GEMM activations, w_bits: weights, v_bits: vector ops)\n");
    fprintf(out, "  vit:  image patch channels (tokens = (image/patch)^2 + 1)\n");
    fprintf(out, "        edge_bits (patch embedding and head; 0 = a_bits/w_bits; binary: 8)\n");
    fprintf(out, "  bert: seq_len\n");
    fprintf(out, "  odeformer: dim (stage-1 channels) heads image patch (stem stride) channels "
                 "steps\n");
    fprintf(out, "Files: --model path.yaml (docs/model-format.md) or path.csv "
                 "(SCALE-Sim Layer,M,N,K,)\n");
}

/* "NAME has no parameter 'x' (did you mean 'y'?); its parameters: ...". */
static asim_status_t unknown_param(const builtin_t *b, const char *item, asim_error_t *err)
{
    char hint[120] = "", list[256] = "";
    size_t used = 0;
    const char *best = asim_closest_name(item, &params[0].key, N_PARAMS, sizeof params[0]);
    for (size_t i = 0; i < N_PARAMS; i++) {
        bool own = params[i].families & (1u << b->family);
        if (own)
            used += (size_t)snprintf(list + used, sizeof list - used, " %s", params[i].key);
        if (best == params[i].key)
            snprintf(hint, sizeof hint, " (did you mean '%s'?%s)", best,
                     own ? "" : " other models have it");
    }
    return asim_error_set(err, ASIM_EKEY, "--model", "%s has no parameter '%s'%s; its "
                          "parameters:%s", b->name, item, hint, list);
}

static asim_status_t parse_params(const builtin_t *b, const char *text, transformer_t *p,
                                  asim_error_t *err)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return asim_error_set(err, ASIM_EARG, "--model", "parameter list too long");
    snprintf(buf, sizeof buf, "%s", text);
    const param_t *given[N_PARAMS] = {0};
    for (char *save, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq)
            return asim_error_set(err, ASIM_EARG, "--model",
                                  "%s: parameter '%s' is not key=value", b->name, item);
        *eq = '\0';
        const param_t *par = NULL;
        for (size_t i = 0; i < N_PARAMS; i++)
            if (strcmp(params[i].key, item) == 0 && (params[i].families & (1u << b->family)))
                par = &params[i];
        if (!par)
            return unknown_param(b, item, err);
        if (given[par - params])
            return asim_error_set(err, ASIM_EARG, "--model", "%s: parameter %s is given twice",
                                  b->name, item);
        given[par - params] = par;
        int64_t *field = (int64_t *)((char *)p + par->offset);
        if (asim_parse_int(eq + 1, par->min, par->max, field) != ASIM_OK)
            return asim_error_set(err, ASIM_ERANGE, "--model",
                                  "%s: %s = '%s' must be an integer from %lld to %lld", b->name,
                                  item, eq + 1, (long long)par->min, (long long)par->max);
    }
    int64_t attn_dim = b->family == FAMILY_ODE ? 4 * p->dim : p->dim;
    if (attn_dim % p->heads != 0)
        return asim_error_set(err, ASIM_ERANGE, "--model", "%s: dim %lld is not a multiple of "
                              "heads %lld", b->name, (long long)attn_dim, (long long)p->heads);
    if (b->family != FAMILY_BERT && p->image % p->patch != 0)
        return asim_error_set(err, ASIM_ERANGE, "--model", "%s: image %lld is not a multiple "
                              "of patch %lld", b->name, (long long)p->image,
                              (long long)p->patch);
    return ASIM_OK;
}

typedef struct {
    asim_graph_t *g;
    const transformer_t *p;
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
        asim_error_set(e->err, e->st, "--model", "%s: %s", e->g->name, why);
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

/* Sets the inputs the table gives to the ops of the block emitted since `first`. */
static void link_block(emitter_t *e, size_t first, const char *prefix, const link_t *links)
{
    if (e->st != ASIM_OK)
        return;
    for (const link_t *l = links; l->op; l++) {
        asim_op_t *op = &e->g->ops[block_op(e->g, first, prefix, l->op)];
        op->inputs[0] = block_op(e->g, first, prefix, l->in0);
        op->inputs[1] = block_op(e->g, first, prefix, l->in1);
        op->n_inputs = 2;
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

static void emit_transformer(emitter_t *e, family_t family)
{
    if (family == FAMILY_ODE) {
        emit_odeformer(e);
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

asim_status_t asim_model_builtin(const char *name, const char *params_text, asim_graph_t *g,
                                 asim_error_t *err)
{
    const builtin_t *b = NULL;
    for (size_t i = 0; i < N_BUILTINS; i++)
        if (strcmp(builtins[i].name, name) == 0)
            b = &builtins[i];
    if (!b) {
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
                              "unknown model '%s'%s (built-ins: %s; or a .yaml/.csv file)", name,
                              hint, names);
    }
    transformer_t p = b->p;
    asim_status_t st = parse_params(b, params_text, &p, err);
    if (st != ASIM_OK)
        return st;
    asim_graph_init(g, name);
    emitter_t e = {g, &p, err, ASIM_OK};
    emit_transformer(&e, b->family);
    if (e.st != ASIM_OK)
        asim_graph_free(g);
    return e.st;
}
