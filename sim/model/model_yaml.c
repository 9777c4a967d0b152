/*
 * model_yaml.c: the YAML model format (docs/model-format.md).
 *
 *   name: my_model
 *   defaults: {a_bits: 8, b_bits: 8, out_bits: 8}     # optional
 *   ops:
 *     - {name: embed, op: gemm, m: 196, n: 192, k: 768}
 *     - repeat: 12            # the listed ops 12 times, named blk0.x ... blk11.x
 *       name: blk
 *       ops: [...]
 *
 * Every field is checked; unknown fields, missing fields and bad values are errors that
 * name the file, line and column.
 */
#include <stdlib.h>
#include <string.h>

#include "asim/model.h"
#include "config/yaml.h"

#define MAX_DEPTH 16 /* nested repeat blocks */

typedef struct {
    const char *file;
    asim_graph_t *g;
    asim_error_t *err;
    int a_bits, b_bits, out_bits;   /* defaults */
    uint64_t expansions;            /* repeat bodies expanded so far, empty ones included */
    struct {
        const char *name;           /* the repeat block's name: its input, in `inputs` */
        char prefix[128];           /* names of its ops start with this */
        size_t first;               /* its first op in this repetition */
    } scope[MAX_DEPTH];
    size_t depth;
} yloader_t;

static asim_status_t node_error(yloader_t *L, const asim_yaml_node_t *n, asim_status_t st,
                                const char *what)
{
    return asim_error_at(L->err, st, L->file, n->line, n->col, "%s", what);
}

static asim_status_t get_int(yloader_t *L, const asim_yaml_node_t *n, const char *field,
                             int64_t min, int64_t max, int64_t *out)
{
    if (n->kind != ASIM_YAML_SCALAR)
        return asim_error_at(L->err, ASIM_ETYPE, L->file, n->line, n->col,
                             "%s: expected an integer, found %s", field,
                             asim_yaml_kind_name(n->kind));
    asim_status_t st = asim_parse_int(n->text, min, max, out);
    if (st == ASIM_ETYPE)
        return asim_error_at(L->err, st, L->file, n->line, n->col,
                             "%s = '%s' is not an integer", field, n->text);
    if (st == ASIM_ERANGE)
        return asim_error_at(L->err, st, L->file, n->line, n->col,
                             "%s = %s is out of range [%lld, %lld]", field, n->text,
                             (long long)min, (long long)max);
    return ASIM_OK;
}

static asim_status_t get_text(yloader_t *L, const asim_yaml_node_t *n, const char *field,
                              char *out, size_t size)
{
    if (n->kind != ASIM_YAML_SCALAR || n->text[0] == '\0' || strlen(n->text) >= size)
        return asim_error_at(L->err, ASIM_ETYPE, L->file, n->line, n->col,
                             "%s: expected text of 1 to %zu characters", field, size - 1);
    memcpy(out, n->text, strlen(n->text) + 1);
    return ASIM_OK;
}

/* Fails on a duplicate key or a key not in `allowed` (NULL-terminated). */
static asim_status_t check_keys(yloader_t *L, const asim_yaml_node_t *map,
                                const char *const *allowed, const char *what)
{
    for (size_t i = 0; i < map->len; i++) {
        const asim_yaml_node_t *n = &map->items[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(map->items[j].key, n->key) == 0)
                return asim_error_at(L->err, ASIM_ESYNTAX, L->file, n->key_line, n->key_col,
                                     "duplicate key '%s' (first at line %d)", n->key,
                                     map->items[j].key_line);
        bool ok = false;
        for (size_t j = 0; allowed[j]; j++)
            ok = ok || strcmp(allowed[j], n->key) == 0;
        if (!ok)
            return asim_error_at(L->err, ASIM_EKEY, L->file, n->key_line, n->key_col,
                                 "unknown field '%s' in %s", n->key, what);
    }
    return ASIM_OK;
}

static asim_status_t require(yloader_t *L, const asim_yaml_node_t *map, const char *key,
                             const asim_yaml_node_t **out)
{
    *out = asim_yaml_get(map, key);
    if (!*out)
        return asim_error_at(L->err, ASIM_EMISSING, L->file, map->line, map->col,
                             "missing field '%s'", key);
    return ASIM_OK;
}

/* Optional integer field: left unchanged when absent. */
static asim_status_t opt_int(yloader_t *L, const asim_yaml_node_t *map, const char *key,
                             int64_t min, int64_t max, int64_t *out)
{
    const asim_yaml_node_t *n = asim_yaml_get(map, key);
    return n ? get_int(L, n, key, min, max, out) : ASIM_OK;
}

static asim_status_t load_ops(yloader_t *L, const asim_yaml_node_t *seq, const char *prefix);

/* Index of a scalar's text in words (NULL-terminated), or -1. */
static int scalar_word(const asim_yaml_node_t *n, const char *const *words)
{
    for (int i = 0; n->kind == ASIM_YAML_SCALAR && words[i]; i++)
        if (strcmp(n->text, words[i]) == 0)
            return i;
    return -1;
}

/* An input name: `input` (the model's), the name of an enclosing repeat block (that block's
 * input), or an op listed before, by its name in the innermost block that has it or in full. */
static bool resolve_input(const yloader_t *L, const char *name, uint32_t *out)
{
    if (strcmp(name, "input") == 0) {
        *out = ASIM_INPUT_MODEL;
        return true;
    }
    for (size_t d = L->depth; d-- > 0;) {
        if (strcmp(name, L->scope[d].name) == 0) {
            size_t first = L->scope[d].first;
            *out = first ? (uint32_t)(first - 1) : ASIM_INPUT_MODEL;
            return true;
        }
        char full[192];
        snprintf(full, sizeof full, "%s%s", L->scope[d].prefix, name);
        long i = asim_graph_find(L->g, full);
        if (i >= 0 && (size_t)i >= L->scope[d].first) {
            *out = (uint32_t)i;
            return true;
        }
    }
    long i = asim_graph_find(L->g, name);
    *out = (uint32_t)i;
    return i >= 0;
}

/* `inputs: [a, b]` (or one name): the ops this op reads, listed before it. */
static asim_status_t load_inputs(yloader_t *L, const asim_yaml_node_t *f, asim_op_t *op)
{
    const asim_yaml_node_t *items = f->kind == ASIM_YAML_SEQ ? f->items : f;
    size_t n = f->kind == ASIM_YAML_SEQ ? f->len : 1;
    if (n < 1 || n > ASIM_OP_MAX_INPUTS || (f->kind != ASIM_YAML_SEQ && f->kind != ASIM_YAML_SCALAR))
        return node_error(L, f, ASIM_ETYPE, "inputs: expected one or two op names");
    for (size_t i = 0; i < n; i++) {
        const asim_yaml_node_t *in = &items[i];
        if (in->kind != ASIM_YAML_SCALAR)
            return node_error(L, in, ASIM_ETYPE, "inputs: expected op names");
        if (!resolve_input(L, in->text, &op->inputs[i]))
            return asim_error_at(L->err, ASIM_EMODEL, L->file, in->line, in->col,
                                 "op '%s': unknown input '%s' (an op listed before it, the name "
                                 "of an enclosing repeat block, or 'input')",
                                 op->name, in->text);
    }
    op->n_inputs = (uint8_t)n;
    return ASIM_OK;
}

static asim_status_t load_op(yloader_t *L, const asim_yaml_node_t *n, const char *prefix)
{
    static const char *const gemm_keys[] = {"name", "op", "m", "n", "k", "count", "a_bits",
                                            "b_bits", "out_bits", "b", "a_reuse", "inputs",
                                            "group", "out", NULL};
    static const char *const vec_keys[] = {"name", "op", "rows", "cols", "count", "a_bits",
                                           "out_bits", "inputs", "group", "out", "causal",
                                           NULL};
    const asim_yaml_node_t *f;
    asim_op_t op = {.count = 1, .a_bits = L->a_bits, .b_bits = L->b_bits,
                    .out_bits = L->out_bits, .b_is_weight = true};
    char local[64], kind[32];
    asim_status_t st;
    if ((st = require(L, n, "name", &f)) || (st = get_text(L, f, "name", local, sizeof local)))
        return st;
    if (snprintf(op.name, sizeof op.name, "%s%s", prefix, local) >= (int)sizeof op.name)
        return node_error(L, f, ASIM_ERANGE, "op name with its repeat prefix is over 63 "
                                             "characters");
    if ((st = require(L, n, "op", &f)) || (st = get_text(L, f, "op", kind, sizeof kind)))
        return st;
    if (!asim_op_kind_parse(kind, &op.kind)) {
        char kinds[160] = "";
        size_t used = 0;
        for (int i = 0; i < ASIM_OP_KIND_COUNT; i++)
            used += (size_t)snprintf(kinds + used, sizeof kinds - used, "%s%s", i ? ", " : "",
                                     asim_op_kind_name((asim_op_kind_t)i));
        return asim_error_at(L->err, ASIM_EMODEL, L->file, f->line, f->col,
                             "unknown op '%s' (%s)", kind, kinds);
    }
    bool is_gemm = op.kind == ASIM_OP_GEMM;
    if ((st = check_keys(L, n, is_gemm ? gemm_keys : vec_keys,
                         is_gemm ? "a gemm op" : "a vector op")))
        return st;
    int64_t v[3], count = 1, a = op.a_bits, b = op.b_bits, o = op.out_bits, reuse = 1, group = 1;
    const char *const dims[3] = {is_gemm ? "m" : "rows", is_gemm ? "n" : "cols", "k"};
    for (int i = 0; i < (is_gemm ? 3 : 2); i++)
        if ((st = require(L, n, dims[i], &f)) ||
            (st = get_int(L, f, dims[i], 1, ASIM_MODEL_MAX_DIM, &v[i])))
            return st;
    if ((st = opt_int(L, n, "count", 1, ASIM_MODEL_MAX_COUNT, &count)) ||
        (st = opt_int(L, n, "a_bits", 1, 32, &a)) || (st = opt_int(L, n, "b_bits", 1, 32, &b)) ||
        (st = opt_int(L, n, "out_bits", 1, 32, &o)) ||
        (st = opt_int(L, n, "a_reuse", 1, 1024, &reuse)) ||
        (st = opt_int(L, n, "group", 1, ASIM_MODEL_MAX_COUNT, &group)))
        return st;
    op.a_reuse = (uint32_t)reuse;
    op.group = (uint32_t)group;
    if ((f = asim_yaml_get(n, "b"))) {
        static const char *const b_words[] = {"weight", "shared", "activation", "cache", NULL};
        int w = scalar_word(f, b_words);
        if (w < 0)
            return node_error(L, f, ASIM_ETYPE,
                              "b: expected 'weight', 'shared' (an earlier op's weight), "
                              "'activation' or 'cache' (an activation read from the KV cache)");
        op.b_is_weight = w <= 1;
        op.b_shared = w == 1;
        op.b_cache = w == 3;
    }
    if ((f = asim_yaml_get(n, "out"))) {
        static const char *const out_words[] = {"cache", NULL};
        if (scalar_word(f, out_words) < 0)
            return node_error(L, f, ASIM_ETYPE, "out: expected 'cache' (the output is appended "
                                                "to the KV cache)");
        op.out_cache = true;
    }
    if ((f = asim_yaml_get(n, "causal"))) {
        static const char *const bools[] = {"false", "true", NULL};
        int w = scalar_word(f, bools);
        if (w < 0)
            return node_error(L, f, ASIM_ETYPE, "causal: expected true or false");
        op.causal = w == 1;
    }
    if (is_gemm) {
        op.m = (uint64_t)v[0], op.n = (uint64_t)v[1], op.k = (uint64_t)v[2];
    } else {
        op.rows = (uint64_t)v[0], op.cols = (uint64_t)v[1];
    }
    op.count = (uint64_t)count, op.a_bits = (int)a, op.b_bits = (int)b, op.out_bits = (int)o;
    if ((f = asim_yaml_get(n, "inputs")) && (st = load_inputs(L, f, &op)))
        return st;
    char why[160];
    if ((st = asim_op_check(&op, why, sizeof why)) ||
        (st = asim_graph_check_shared(L->g, &op, why, sizeof why)))
        return node_error(L, n, st, why);
    if ((st = asim_graph_add(L->g, &op, NULL)))
        return node_error(L, n, st, "too many ops (the limit is 100000)");
    return ASIM_OK;
}

static asim_status_t load_repeat(yloader_t *L, const asim_yaml_node_t *n, const char *prefix)
{
    static const char *const keys[] = {"repeat", "name", "ops", NULL};
    const asim_yaml_node_t *f, *ops;
    int64_t times;
    char name[64];
    asim_status_t st;
    if ((st = check_keys(L, n, keys, "a repeat block")) ||
        (st = get_int(L, asim_yaml_get(n, "repeat"), "repeat", 1, ASIM_MODEL_MAX_OPS, &times)) ||
        (st = require(L, n, "name", &f)) || (st = get_text(L, f, "name", name, sizeof name)) ||
        (st = require(L, n, "ops", &ops)))
        return st;
    if (L->depth == MAX_DEPTH)
        return node_error(L, n, ASIM_ERANGE, "repeat blocks nested more than 16 deep");
    L->depth++;
    for (int64_t i = 0; i < times && st == ASIM_OK; i++) {
        /* Bodies count against the op cap too, so "repeat: N" around an empty or nested
         * repeat stops here instead of looping N^depth times. */
        if (++L->expansions + L->g->len > ASIM_MODEL_MAX_OPS) {
            st = asim_error_at(L->err, ASIM_ERANGE, L->file, n->line, n->col,
                               "repeat: the model expands to more than %d ops and repeat "
                               "bodies (empty bodies count too)",
                               ASIM_MODEL_MAX_OPS);
            break;
        }
        char *sub = L->scope[L->depth - 1].prefix;
        snprintf(sub, sizeof L->scope[0].prefix, "%s%s%lld.", prefix, name, (long long)i);
        L->scope[L->depth - 1].name = name;
        L->scope[L->depth - 1].first = L->g->len;
        st = load_ops(L, ops, sub);
    }
    L->depth--;
    return st;
}

static asim_status_t load_ops(yloader_t *L, const asim_yaml_node_t *seq, const char *prefix)
{
    if (seq->kind != ASIM_YAML_SEQ)
        return asim_error_at(L->err, ASIM_ETYPE, L->file, seq->line, seq->col,
                             "ops: expected a list of ops, found %s",
                             asim_yaml_kind_name(seq->kind));
    for (size_t i = 0; i < seq->len; i++) {
        const asim_yaml_node_t *n = &seq->items[i];
        if (n->kind != ASIM_YAML_MAP)
            return asim_error_at(L->err, ASIM_ETYPE, L->file, n->line, n->col,
                                 "an op must be a mapping (name, op, shape), found %s",
                                 asim_yaml_kind_name(n->kind));
        asim_status_t st = asim_yaml_get(n, "repeat") ? load_repeat(L, n, prefix)
                                                      : load_op(L, n, prefix);
        if (st)
            return st;
    }
    return ASIM_OK;
}

static asim_status_t load_defaults(yloader_t *L, const asim_yaml_node_t *n)
{
    static const char *const keys[] = {"a_bits", "b_bits", "out_bits", NULL};
    int64_t a = L->a_bits, b = L->b_bits, o = L->out_bits;
    asim_status_t st;
    if (n->kind != ASIM_YAML_MAP)
        return node_error(L, n, ASIM_ETYPE, "defaults: expected a mapping of bit widths");
    if ((st = check_keys(L, n, keys, "defaults")) || (st = opt_int(L, n, "a_bits", 1, 32, &a)) ||
        (st = opt_int(L, n, "b_bits", 1, 32, &b)) || (st = opt_int(L, n, "out_bits", 1, 32, &o)))
        return st;
    L->a_bits = (int)a, L->b_bits = (int)b, L->out_bits = (int)o;
    return ASIM_OK;
}

asim_status_t asim_model_load_yaml(const char *path, asim_graph_t *g, asim_error_t *err)
{
    char *text;
    size_t len;
    asim_status_t st = asim_read_text_file(path, ASIM_YAML_MAX_BYTES, &text, &len, err);
    if (st != ASIM_OK)
        return st;
    st = asim_model_parse_yaml(path, text, len, g, err);
    free(text);
    return st;
}

asim_status_t asim_model_parse_yaml(const char *path, const char *text, size_t len,
                                    asim_graph_t *g, asim_error_t *err)
{
    static const char *const keys[] = {"name", "defaults", "ops", NULL};
    asim_yaml_node_t *root;
    asim_status_t st = asim_yaml_parse(path, text, len, &root, err);
    if (st)
        return st;
    yloader_t L = {.file = path, .g = g, .err = err, .a_bits = 8, .b_bits = 8, .out_bits = 8};
    const asim_yaml_node_t *f;
    char name[64];
    asim_graph_init(g, "");
    if (root->kind != ASIM_YAML_MAP)
        st = root->kind == ASIM_YAML_NULL
                 ? asim_error_set(err, ASIM_EMODEL, path, "file is empty; expected a model "
                                                          "(name, ops)")
                 : node_error(&L, root, ASIM_EMODEL, "expected a mapping with name and ops");
    else if (!(st = check_keys(&L, root, keys, "a model")) &&
             !(st = require(&L, root, "name", &f)) &&
             !(st = get_text(&L, f, "name", name, sizeof name))) {
        snprintf(g->name, sizeof g->name, "%s", name);
        const asim_yaml_node_t *d = asim_yaml_get(root, "defaults");
        if (!(d && (st = load_defaults(&L, d))) && !(st = require(&L, root, "ops", &f)))
            st = load_ops(&L, f, "");
        if (!st && g->len == 0)
            st = node_error(&L, f, ASIM_EMODEL, "the model has no ops");
    }
    asim_yaml_free(root);
    if (st)
        asim_graph_free(g);
    return st;
}
