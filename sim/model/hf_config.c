/*
 * hf_config.c: a Hugging Face config.json as a built-in family (docs/llm.md).
 *
 * model_type picks the family (bert -> bert_base, vit -> vit_base, gpt2 -> gpt2, llama ->
 * llama); a table maps the family's parameters to the config's fields. Each value must be a
 * JSON integer in the parameter's range; a field the config leaves out keeps the family's
 * default (LLaMA's num_key_value_heads: the heads), or takes another field's value (GPT-2's
 * n_inner, also when null: 4 x n_embd); fields the table does not name are ignored, as a
 * config carries many the simulator has no use for. The longest context a model allows
 * (max_position_embeddings, n_positions) caps the sequence: a larger default is lowered to
 * it, a larger value given on the command line is an error. Parsing is cJSON's; the file is
 * at most ASIM_HF_MAX_BYTES, checked before it is read.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "asim/model.h"
#include "config/yaml.h"
#include "model/family.h"

typedef struct {
    const char *param;            /* the family's parameter */
    const char *field;            /* the config.json field */
    bool required;
    bool cap;                     /* bounds the parameter (asim_family_value_t) */
    const char *fallback;         /* when the field is absent or null: this field ... */
    int64_t times;                /* ... times this */
} field_map_t;

typedef struct {
    const char *model_type;
    const char *family;
    const field_map_t *fields;
} hf_family_t;

static const field_map_t bert_fields[] = {
    {"layers", "num_hidden_layers", true, false, NULL, 0},
    {"dim", "hidden_size", true, false, NULL, 0},
    {"heads", "num_attention_heads", true, false, NULL, 0},
    {"mlp", "intermediate_size", true, false, NULL, 0},
    {"seq_len", "max_position_embeddings", false, true, NULL, 0},
    {NULL, NULL, false, false, NULL, 0},
};

static const field_map_t vit_fields[] = {
    {"layers", "num_hidden_layers", true, false, NULL, 0},
    {"dim", "hidden_size", true, false, NULL, 0},
    {"heads", "num_attention_heads", true, false, NULL, 0},
    {"mlp", "intermediate_size", true, false, NULL, 0},
    {"image", "image_size", false, false, NULL, 0},
    {"patch", "patch_size", false, false, NULL, 0},
    {"channels", "num_channels", false, false, NULL, 0},
    {NULL, NULL, false, false, NULL, 0},
};

static const field_map_t gpt2_fields[] = {
    {"layers", "n_layer", true, false, NULL, 0},
    {"dim", "n_embd", true, false, NULL, 0},
    {"heads", "n_head", true, false, NULL, 0},
    {"ffn", "n_inner", false, false, "n_embd", 4},
    {"vocab", "vocab_size", false, false, NULL, 0},
    {"context", "n_positions", false, true, NULL, 0},
    {NULL, NULL, false, false, NULL, 0},
};

static const field_map_t llama_fields[] = {
    {"layers", "num_hidden_layers", true, false, NULL, 0},
    {"dim", "hidden_size", true, false, NULL, 0},
    {"heads", "num_attention_heads", true, false, NULL, 0},
    {"kv_heads", "num_key_value_heads", false, false, NULL, 0},
    {"ffn", "intermediate_size", true, false, NULL, 0},
    {"vocab", "vocab_size", false, false, NULL, 0},
    {"context", "max_position_embeddings", false, true, NULL, 0},
    {NULL, NULL, false, false, NULL, 0},
};

static const hf_family_t hf_families[] = {
    {"bert", "bert_base", bert_fields},
    {"vit", "vit_base", vit_fields},
    {"gpt2", "gpt2", gpt2_fields},
    {"llama", "llama", llama_fields},
};
#define N_FAMILIES (sizeof hf_families / sizeof hf_families[0])
#define MAX_FIELDS 8

/* Line and column (1-based) of byte `at` of text. */
static void line_col(const char *text, size_t at, int *line, int *col)
{
    *line = 1, *col = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n')
            ++*line, *col = 1;
        else
            ++*col;
    }
}

static const char *json_kind(const cJSON *v)
{
    return cJSON_IsString(v) ? "a string" : cJSON_IsBool(v) ? "a boolean" :
           cJSON_IsNull(v) ? "null" : cJSON_IsArray(v) ? "a list" :
           cJSON_IsObject(v) ? "an object" : "a number";
}

/* A field's integer value; false (with the error set) if it is not one. */
static asim_status_t get_integer(const char *name, const cJSON *v, int64_t *out,
                                 asim_error_t *err)
{
    /* 2^53: past it a double no longer holds every integer, and no size is that large */
    if (!cJSON_IsNumber(v))
        return asim_error_set(err, ASIM_ETYPE, name, "field '%s': expected an integer, found %s",
                              v->string, json_kind(v));
    double d = v->valuedouble;
    if (d != floor(d) || fabs(d) > 9007199254740992.0)
        return asim_error_set(err, ASIM_ETYPE, name, "field '%s' = %.17g is not an integer",
                              v->string, d);
    *out = (int64_t)d;
    return ASIM_OK;
}

/* A field that is present and not null, or NULL. */
static const cJSON *field(const cJSON *root, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

/* The family's values from the config's fields. */
static asim_status_t read_fields(const char *name, const cJSON *root, const hf_family_t *fam,
                                 asim_family_value_t *vals, size_t *n, asim_error_t *err)
{
    *n = 0;
    for (const field_map_t *m = fam->fields; m->param; m++) {
        const cJSON *v = field(root, m->field);
        int64_t value = 0, times = 1;
        const char *from = m->field;
        if (!v && m->fallback) {
            v = field(root, m->fallback);
            from = m->fallback, times = m->times;
        }
        if (!v && m->required)
            return asim_error_set(err, ASIM_EMISSING, name, "missing field '%s' (model_type "
                                  "'%s' needs it for the %s parameter %s)", m->field,
                                  fam->model_type, fam->family, m->param);
        if (!v)
            continue;
        asim_status_t st = get_integer(name, v, &value, err);
        if (st != ASIM_OK)
            return st;
        ASIM_ASSERT(*n < MAX_FIELDS);
        /* times is 1 or 4 and |value| < 2^53: the product fits, and the range check follows */
        vals[(*n)++] = (asim_family_value_t){m->param, value * times, from, m->cap};
    }
    return ASIM_OK;
}

asim_status_t asim_model_parse_hf(const char *name, const char *text, size_t len,
                                  const char *params, asim_graph_t *g, asim_error_t *err)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (!root) {
        int line, col;
        size_t at = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        line_col(text, at, &line, &col);
        return asim_error_at(err, ASIM_ESYNTAX, name, line, col,
                             "malformed JSON (a Hugging Face config.json is one JSON object)");
    }
    asim_status_t st;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "model_type");
    const hf_family_t *fam = NULL;
    for (size_t i = 0; type && cJSON_IsString(type) && i < N_FAMILIES; i++)
        if (strcmp(hf_families[i].model_type, type->valuestring) == 0)
            fam = &hf_families[i];
    if (!cJSON_IsObject(root))
        st = asim_error_set(err, ASIM_EMODEL, name, "expected a JSON object (a Hugging Face "
                            "config.json), found %s", json_kind(root));
    else if (!type)
        st = asim_error_set(err, ASIM_EMISSING, name, "missing field 'model_type' (bert, vit, "
                            "gpt2 or llama)");
    else if (!cJSON_IsString(type))
        st = asim_error_set(err, ASIM_ETYPE, name, "field 'model_type': expected a string, "
                            "found %s", json_kind(type));
    else if (!fam)
        st = asim_error_set(err, ASIM_EMODEL, name, "model_type '%.64s' is not supported "
                            "(bert, vit, gpt2, llama)", type->valuestring);
    else {
        asim_family_value_t vals[MAX_FIELDS];
        size_t n;
        st = read_fields(name, root, fam, vals, &n, err);
        if (st == ASIM_OK)
            st = asim_model_family(fam->family, vals, n, params, name, g, err);
    }
    cJSON_Delete(root);
    return st;
}

asim_status_t asim_model_load_hf(const char *path, const char *params, asim_graph_t *g,
                                 asim_error_t *err)
{
    char *text;
    size_t len;
    asim_status_t st = asim_read_text_file(path, ASIM_HF_MAX_BYTES, &text, &len, err);
    if (st != ASIM_OK)
        return st;
    st = asim_model_parse_hf(path, text, len, params, g, err);
    free(text);
    return st;
}
