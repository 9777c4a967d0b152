/*
 * config.c: the schema table and everything it drives: YAML parsing, validation,
 * --set overrides, documentation and the YAML dump of the effective configuration.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asim/config.h"
#include "block/registry.h"
#include "config/yaml.h"
#include <pthread.h>

static const char *const schedule_choices[] = {"serial", "pipelined", NULL};
static const char *const nonlinear_choices[] = {"none", "placeholder", "quark", NULL};
static const char *const weights_choices[] = {"stream", "pinned", NULL};
static const char *const memory_choices[] = {"bram", "uram", NULL};

#define FIELD(f) offsetof(asim_config_t, f), sizeof(((asim_config_t *)0)->f)

/* The accelerator-wide rows; each block adds its own after them (see asim_config_schema). */
static const asim_cfg_key_t general[] = {
    {"name", ASIM_CFG_STRING, FIELD(name), 0, 0, NULL, NULL, "",
     "Name of the accelerator, shown in reports."},
    {"clock_mhz", ASIM_CFG_FLOAT, FIELD(clock_mhz), 1, 5000, NULL, NULL, "MHz",
     "Clock of the accelerator; every cycle count is in this clock."},
    {"device", ASIM_CFG_STRING, FIELD(device), 0, 0, NULL, NULL, "",
     "Target device for the resource budget: a name from the technology table "
     "(zcu102, zcu104, u250, asic)."},
    {"tech", ASIM_CFG_STRING, FIELD(tech), 0, 0, NULL, "tech/fpga_usplus.yaml", "",
     "Technology table (energies, devices), relative to this file's folder."},
    {"schedule", ASIM_CFG_ENUM, FIELD(schedule), 0, 0, schedule_choices, "serial", "",
     "How the compiled program orders the units (docs/program.md): serial, every compute after "
     "the one before and every activation load after the ops before it; pipelined, each tile "
     "after the producer tiles it reads, units running concurrently."},
    {"stream_rows", ASIM_CFG_INT, FIELD(stream_rows), 1, 1048576, NULL, "64", "row",
     "pipelined: the most rows one tile covers, so that a consumer starts on a producer's "
     "first row blocks instead of its whole output."},
    {"nonlinear.unit", ASIM_CFG_ENUM, FIELD(nonlinear.unit), 0, 0, nonlinear_choices, "none",
     "", "Unit for the vector ops (softmax, GELU, LayerNorm, RMSNorm, tanh, ReLU, SiLU, RoPE, "
     "adds and products): none (reported unsupported), "
     "placeholder (docs/nonlinear-placeholder.md) or quark (the shared QUARK unit with its RTL "
     "twin, docs/nonlinear.md)."},
    {"nonlinear.lanes", ASIM_CFG_INT, FIELD(nonlinear.lanes), 1, 4096, NULL, "16", "lane",
     "Elements the nonlinear unit takes per cycle (quark: N, even, 2..64; GELU, tanh, SiLU, "
     "adds and products take N/2)."},
    {"buffers.act_kib", ASIM_CFG_INT, FIELD(buffers.act_kib), 1, 1048576, NULL, "512", "KiB",
     "On-chip activation buffer (inputs and outputs of ops). A tensor up to half of it stays "
     "on chip between ops; larger ones go through DRAM."},
    {"buffers.weight_kib", ASIM_CFG_INT, FIELD(buffers.weight_kib), 1, 1048576, NULL, "256",
     "KiB", "On-chip weight buffer."},
    {"buffers.banks", ASIM_CFG_INT, FIELD(buffers.banks), 1, 1024, NULL, "8", "bank",
     "Banks per buffer; each has one read and one write port of port_bits."},
    {"buffers.port_bits", ASIM_CFG_INT, FIELD(buffers.port_bits), 8, 4096, NULL, "72", "bit",
     "Width of one bank port, bits per cycle (72 = one BRAM36 in its widest mode)."},
    {"buffers.double_buffer", ASIM_CFG_BOOL, FIELD(buffers.double_buffer), 0, 0, NULL, "true",
     "", "Split each buffer in two halves so the next tile loads while this one computes."},
    {"buffers.weights", ASIM_CFG_ENUM, FIELD(buffers.weights), 0, 0, weights_choices, "stream",
     "", "stream: weights come from DRAM for every op; pinned: all weights live on chip for "
     "the whole run (they must fit buffers.weight_kib), as in Okubo et al."},
    {"buffers.memory", ASIM_CFG_ENUM, FIELD(buffers.memory), 0, 0, memory_choices, "bram", "",
     "On-chip memory the buffers are built from: bram (BRAM36, 36 Kib) or uram (UltraRAM, "
     "288 Kib)."},
    {"resources.enforce", ASIM_CFG_BOOL, FIELD(resources.enforce), 0, 0, NULL, "true", "",
     "true: a design that does not fit the device is an error; false: report it anyway."},
    {"limits.max_events", ASIM_CFG_INT, FIELD(limits.max_events), 0, 1e15, NULL,
     "1000000000", "event", "Work bound of one run: a run that needs more kernel events "
     "stops with an error naming the op it reached (the default is about a minute of "
     "host time); 0 = no bound."},

};

#define N_GENERAL (sizeof general / sizeof general[0])

/* The schema: the general top-level rows, every block's rows (offsets moved into
 * asim_config_t.blocks) and the general section rows, then grouped by section in order of
 * first appearance, so that a section's keys are together (YAML sections, docs). Built once;
 * read-only afterwards. */
static asim_cfg_key_t schema[ASIM_CFG_MAX_KEYS];
static size_t SCHEMA_LEN;
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static size_t section_len(const char *key)
{
    const char *dot = strchr(key, '.');
    return dot ? (size_t)(dot - key) : 0;
}

static bool same_section(const char *a, const char *b)
{
    size_t n = section_len(a);
    return n == section_len(b) && strncmp(a, b, n) == 0;
}

static void schema_build(void)
{
    asim_cfg_key_t rows[ASIM_CFG_MAX_KEYS];
    size_t n = 0, nb;
    const asim_block_t *const *blocks = asim_blocks(&nb);
    for (size_t i = 0; i < N_GENERAL; i++)
        if (!section_len(general[i].key))
            rows[n++] = general[i];
    for (size_t b = 0; b < nb; b++) {
        size_t base = offsetof(asim_config_t, blocks) + asim_block_params_offset(blocks[b]);
        for (size_t i = 0; i < blocks[b]->n_keys; i++) {
            ASIM_ASSERT(n < ASIM_CFG_MAX_KEYS); /* raise ASIM_CFG_MAX_KEYS */
            rows[n] = blocks[b]->keys[i];
            rows[n++].offset += base;
        }
    }
    for (size_t i = 0; i < N_GENERAL; i++)
        if (section_len(general[i].key)) {
            ASIM_ASSERT(n < ASIM_CFG_MAX_KEYS);
            rows[n++] = general[i];
        }
    bool taken[ASIM_CFG_MAX_KEYS] = {false};
    for (size_t i = 0; i < n; i++) {
        if (taken[i])
            continue;
        for (size_t j = i; j < n; j++)
            if (!taken[j] && same_section(rows[i].key, rows[j].key)) {
                schema[SCHEMA_LEN++] = rows[j];
                taken[j] = true;
            }
    }
}

const asim_cfg_key_t *asim_config_schema(size_t *n)
{
    pthread_once(&schema_once, schema_build);
    *n = SCHEMA_LEN;
    return schema;
}

static const asim_cfg_key_t *schema_find(const char *key)
{
    size_t n;
    asim_config_schema(&n);
    for (size_t i = 0; i < SCHEMA_LEN; i++)
        if (strcmp(schema[i].key, key) == 0)
            return &schema[i];
    return NULL;
}

/* True if some key lives under "section." */
static bool schema_is_section(const char *section)
{
    size_t n = strlen(section);
    for (size_t i = 0; i < SCHEMA_LEN; i++)
        if (strncmp(schema[i].key, section, n) == 0 && schema[i].key[n] == '.')
            return true;
    return false;
}

/* " (did you mean 'x'?)" for the closest key within 3 edits, or "". */
static void suggest_key(const char *key, char *buf, size_t n)
{
    const char *best = asim_closest_name(key, &schema[0].key, SCHEMA_LEN, sizeof schema[0]);
    if (best)
        snprintf(buf, n, " (did you mean '%s'?)", best);
    else
        buf[0] = '\0';
}

static const char *type_name(const asim_cfg_key_t *k)
{
    switch (k->type) {
    case ASIM_CFG_INT: return "an integer";
    case ASIM_CFG_FLOAT: return "a number";
    case ASIM_CFG_BOOL: return "true or false";
    case ASIM_CFG_ENUM: return "one of the listed choices";
    default: return "a text value";
    }
}

static void choices_text(const asim_cfg_key_t *k, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; k->choices[i] && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? ", " : "", k->choices[i]);
}

/* Parses `text` as the value of key k into cfg. On failure writes the problem into why. */
static asim_status_t parse_value(const asim_cfg_key_t *k, const char *text, asim_config_t *cfg,
                                 char *why, size_t n)
{
    void *field = (char *)cfg + k->offset;
    switch (k->type) {
    case ASIM_CFG_INT: {
        asim_status_t st = asim_parse_int(text, (int64_t)k->min, (int64_t)k->max, field);
        if (st == ASIM_ETYPE)
            snprintf(why, n, "%s = '%s' is not an integer", k->key, text);
        else if (st == ASIM_ERANGE)
            snprintf(why, n, "%s = %s is out of range [%.0f, %.0f]", k->key, text, k->min,
                     k->max);
        return st;
    }
    case ASIM_CFG_FLOAT: {
        asim_status_t st = asim_parse_double(text, k->min, k->max, field);
        if (st == ASIM_ETYPE)
            snprintf(why, n, "%s = '%s' is not a number", k->key, text);
        else if (st == ASIM_ERANGE)
            snprintf(why, n, "%s = %s is out of range [%g, %g]", k->key, text, k->min, k->max);
        return st;
    }
    case ASIM_CFG_BOOL:
        if (!strcmp(text, "true") || !strcmp(text, "True") || !strcmp(text, "TRUE"))
            *(bool *)field = true;
        else if (!strcmp(text, "false") || !strcmp(text, "False") || !strcmp(text, "FALSE"))
            *(bool *)field = false;
        else {
            snprintf(why, n, "%s = '%s' is not true or false", k->key, text);
            return ASIM_ETYPE;
        }
        return ASIM_OK;
    case ASIM_CFG_ENUM:
        for (int i = 0; k->choices[i]; i++)
            if (strcmp(text, k->choices[i]) == 0) {
                *(int *)field = i;
                return ASIM_OK;
            }
        char list[128];
        choices_text(k, list, sizeof list);
        snprintf(why, n, "%s = '%s' is not one of: %s", k->key, text, list);
        return ASIM_ERANGE;
    default:
        if (text[0] == '\0' || strlen(text) >= k->size) {
            snprintf(why, n, "%s must be 1 to %zu characters long", k->key, k->size - 1);
            return ASIM_ERANGE;
        }
        for (const unsigned char *c = (const unsigned char *)text; *c; c++)
            if (*c < ' ' || *c == 0x7f) { /* it would reach terminals, CSV and JSON raw */
                snprintf(why, n, "%s has a control character (0x%02x at character %zu)",
                         k->key, *c, (size_t)((const char *)c - text) + 1);
                return ASIM_ETYPE;
            }
        memcpy(field, text, strlen(text) + 1);
        return ASIM_OK;
    }
}

void asim_config_defaults(asim_config_t *cfg)
{
    size_t n_keys;
    asim_config_schema(&n_keys);
    memset(cfg, 0, sizeof *cfg);
    char why[128];
    for (size_t i = 0; i < SCHEMA_LEN; i++)
        if (schema[i].def) {
            asim_status_t st = parse_value(&schema[i], schema[i].def, cfg, why, sizeof why);
            ASIM_ASSERT(st == ASIM_OK);
        }
}

typedef struct {
    const char *file;
    asim_config_t *cfg;
    asim_error_t *err;
} loader_t;

static asim_status_t load_map(loader_t *L, const asim_yaml_node_t *map, const char *prefix);

static asim_status_t load_entry(loader_t *L, const asim_yaml_node_t *node, const char *prefix)
{
    char key[128];
    snprintf(key, sizeof key, "%s%s", prefix, node->key);
    const asim_cfg_key_t *k = schema_find(key);
    if (!k && schema_is_section(key)) {
        if (node->kind != ASIM_YAML_MAP)
            return asim_error_at(L->err, ASIM_ETYPE, L->file, node->line, node->col,
                                 "'%s' is a section; expected a mapping of its keys, found %s",
                                 key, asim_yaml_kind_name(node->kind));
        char sub[136];
        snprintf(sub, sizeof sub, "%s.", key);
        return load_map(L, node, sub);
    }
    if (!k) {
        char hint[80];
        suggest_key(key, hint, sizeof hint);
        return asim_error_at(L->err, ASIM_EKEY, L->file, node->key_line, node->key_col,
                             "unknown key '%s'%s", key, hint);
    }
    if (node->kind != ASIM_YAML_SCALAR)
        return asim_error_at(L->err, node->kind == ASIM_YAML_NULL ? ASIM_EMISSING : ASIM_ETYPE,
                             L->file, node->line, node->col, "%s: expected %s, found %s", key,
                             type_name(k), asim_yaml_kind_name(node->kind));
    const asim_cfg_origin_t *was = &L->cfg->origin[k - schema];
    if (was->source == ASIM_ORIGIN_FILE) /* "array.rows" beside "array: {rows: ...}" */
        return asim_error_at(L->err, ASIM_ESYNTAX, L->file, node->key_line, node->key_col,
                             "%s is set twice (first at line %d)", key, was->line);
    char why[256];
    asim_status_t st = parse_value(k, node->text, L->cfg, why, sizeof why);
    if (st != ASIM_OK)
        return asim_error_at(L->err, st, L->file, node->line, node->col, "%s", why);
    L->cfg->origin[k - schema] = (asim_cfg_origin_t){ASIM_ORIGIN_FILE, node->line, node->col};
    return ASIM_OK;
}

static asim_status_t load_map(loader_t *L, const asim_yaml_node_t *map, const char *prefix)
{
    for (size_t i = 0; i < map->len; i++) {
        const asim_yaml_node_t *node = &map->items[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(map->items[j].key, node->key) == 0)
                return asim_error_at(L->err, ASIM_ESYNTAX, L->file, node->key_line,
                                     node->key_col, "duplicate key '%s%s' (first at line %d)",
                                     prefix, node->key, map->items[j].key_line);
        asim_status_t st = load_entry(L, node, prefix);
        if (st != ASIM_OK)
            return st;
    }
    return ASIM_OK;
}

/* Splits "key=value" at the first '=', dropping blanks around both (so "qmm.dpus = 32"
 * works); false if there is no '=' or no key, or a part does not fit its buffer. */
static bool split_assignment(const char *assignment, char *key, size_t key_size, char *value,
                             size_t value_size)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return false;
    const char *k = assignment, *v = eq + 1, *end = eq + strlen(eq);
    while (k < eq && isspace((unsigned char)*k))
        k++;
    const char *k_end = eq;
    while (k_end > k && isspace((unsigned char)k_end[-1]))
        k_end--;
    while (v < end && isspace((unsigned char)*v))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    if (k_end == k || (size_t)(k_end - k) >= key_size || (size_t)(end - v) >= value_size)
        return false;
    snprintf(key, key_size, "%.*s", (int)(k_end - k), k);
    snprintf(value, value_size, "%.*s", (int)(end - v), v);
    return true;
}

asim_status_t asim_config_set(asim_config_t *cfg, const char *assignment, asim_error_t *err)
{
    char key[128], value[ASIM_PATH_MAX + 64];
    if (!split_assignment(assignment, key, sizeof key, value, sizeof value))
        return asim_error_set(err, ASIM_EARG, "--set",
                              "'%s' is not of the form key=value (e.g. array.rows=16)",
                              assignment);
    const asim_cfg_key_t *k = schema_find(key);
    if (!k) {
        char hint[80];
        suggest_key(key, hint, sizeof hint);
        return asim_error_set(err, ASIM_EKEY, "--set", "unknown key '%s'%s", key, hint);
    }
    char why[256];
    asim_status_t st = parse_value(k, value, cfg, why, sizeof why);
    if (st != ASIM_OK)
        return asim_error_set(err, st, "--set", "%s", why);
    cfg->origin[k - schema] = (asim_cfg_origin_t){ASIM_ORIGIN_SET, 0, 0};
    return ASIM_OK;
}

/* One --set of a command line: a key given twice is refused (not last-wins), as in a
 * sweep, so a command never means less than it says. */
static asim_status_t set_once(asim_config_t *cfg, const char *assignment, asim_error_t *err)
{
    char key[128], value[ASIM_PATH_MAX + 64];
    const asim_cfg_key_t *k = split_assignment(assignment, key, sizeof key, value, sizeof value)
                                  ? schema_find(key)
                                  : NULL;
    if (k && cfg->origin[k - schema].source == ASIM_ORIGIN_SET)
        return asim_error_set(err, ASIM_EARG, "--set",
                              "%s is given twice; give each key one --set", key);
    return asim_config_set(cfg, assignment, err);
}

/* Checks that relate keys to each other; every single key is already in bounds: each
 * block's own checks, and that some block runs GEMMs. */
static asim_status_t validate(const asim_config_t *cfg, asim_error_t *err)
{
    size_t nb;
    const asim_block_t *const *blocks = asim_blocks(&nb);
    const asim_block_t *first_gemm = NULL;
    bool gemm = false;
    for (size_t i = 0; i < nb; i++) {
        const asim_block_t *b = blocks[i];
        const void *p = asim_block_params(cfg, b);
        asim_status_t st = b->check ? b->check(cfg, p, err) : ASIM_OK;
        if (st != ASIM_OK)
            return st;
        if (b->runs_gemm) {
            first_gemm = first_gemm ? first_gemm : b;
            gemm = gemm || b->instances(cfg, p) > 0;
        }
    }
    if (!gemm && first_gemm) {
        char where[ASIM_PATH_MAX + 32];
        asim_config_where(cfg, first_gemm->keys[0].key, where, sizeof where);
        return asim_error_set(err, ASIM_ERANGE, where,
                              "no matmul unit: enable array or qmm (or both)");
    }
    return ASIM_OK;
}

/* A SCALE-Sim configuration: a name ending in .cfg, or a first line (after blank and '#'
 * lines) that is one of its INI section headers. text holds len bytes, not NUL-terminated. */
static bool looks_like_scalesim_cfg(const char *name, const char *text, size_t len)
{
    static const char *const sections[] = {"[general]", "[architecture_presets]",
                                           "[run_presets]", "[layout]", "[sparsity]"};
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, ".cfg") == 0)
        return true;
    const char *p = text, *end = text + len;
    while (p < end && (*p == '#' || isspace((unsigned char)*p))) {
        if (*p == '#')
            while (p < end && *p != '\n')
                p++;
        else
            p++;
    }
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r')
        eol++;
    while (eol > p && (eol[-1] == ' ' || eol[-1] == '\t'))
        eol--;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        size_t want = strlen(sections[i]);
        if ((size_t)(eol - p) == want && strncasecmp(p, sections[i], want) == 0)
            return true;
    }
    return false;
}

/* Numeric value of a field as the schema types it. */
static double field_value(const asim_cfg_key_t *k, const asim_config_t *cfg)
{
    const char *p = (const char *)cfg + k->offset;
    switch (k->type) {
    case ASIM_CFG_INT: return (double)*(const int64_t *)p;
    case ASIM_CFG_FLOAT: return *(const double *)p;
    case ASIM_CFG_BOOL: return *(const bool *)p;
    case ASIM_CFG_ENUM: return *(const int *)p;
    default: return 0.0;
    }
}

bool asim_config_get(const asim_config_t *cfg, const char *key, double *v)
{
    const asim_cfg_key_t *k = schema_find(key);
    if (!k || k->type == ASIM_CFG_STRING)
        return false;
    *v = field_value(k, cfg);
    return true;
}

asim_status_t asim_config_parse(const char *name, const char *text, size_t len,
                                const char *const *sets, size_t n_sets, asim_config_t *cfg,
                                asim_error_t *err)
{
    asim_config_defaults(cfg);
    if (strlen(name) >= sizeof cfg->path)
        return asim_error_set(err, ASIM_EARG, "--config", "path too long");
    snprintf(cfg->path, sizeof cfg->path, "%s", name);

    if (looks_like_scalesim_cfg(name, text, len))
        return asim_error_set(err, ASIM_EUNSUPPORTED, name,
                              "a SCALE-Sim .cfg file ([general], [architecture_presets], ...) "
                              "is unsupported; accelsim configurations are YAML "
                              "(docs/config.md; configs/systolic_32x32.yaml is a SCALE-Sim-like "
                              "32x32 array)");
    asim_yaml_node_t *root;
    asim_status_t st = asim_yaml_parse(name, text, len, &root, err);
    if (st != ASIM_OK)
        return st;
    loader_t L = {.file = name, .cfg = cfg, .err = err};
    if (root->kind == ASIM_YAML_NULL)
        st = asim_error_set(err, ASIM_ESYNTAX, name,
                            "file is empty; expected a mapping of configuration keys");
    else if (root->kind != ASIM_YAML_MAP)
        st = asim_error_at(err, ASIM_ESYNTAX, name, root->line, root->col,
                           "expected a mapping of configuration keys, found %s",
                           asim_yaml_kind_name(root->kind));
    else
        st = load_map(&L, root, "");
    asim_yaml_free(root);
    if (st != ASIM_OK)
        return st;

    for (size_t i = 0; i < n_sets; i++) {
        if ((st = set_once(cfg, sets[i], err)) != ASIM_OK)
            return st;
    }
    for (size_t i = 0; i < SCHEMA_LEN; i++)
        if (!schema[i].def && cfg->origin[i].source == ASIM_ORIGIN_DEFAULT)
            return asim_error_set(err, ASIM_EMISSING, name,
                                  "missing required key '%s' (%s)", schema[i].key,
                                  schema[i].desc);
    return validate(cfg, err);
}

asim_status_t asim_config_load(const char *path, const char *const *sets, size_t n_sets,
                               asim_config_t *cfg, asim_error_t *err)
{
    char *text;
    size_t len;
    asim_status_t st = asim_read_text_file(path, ASIM_YAML_MAX_BYTES, &text, &len, err);
    if (st != ASIM_OK)
        return st;
    st = asim_config_parse(path, text, len, sets, n_sets, cfg, err);
    free(text);
    return st;
}

void asim_config_where(const asim_config_t *cfg, const char *key, char *buf, size_t n)
{
    const asim_cfg_key_t *k = schema_find(key);
    ASIM_ASSERT(k);
    const asim_cfg_origin_t *o = &cfg->origin[k - schema];
    if (o->source == ASIM_ORIGIN_FILE)
        snprintf(buf, n, "%s:%d:%d", cfg->path, o->line, o->col);
    else if (o->source == ASIM_ORIGIN_SET)
        snprintf(buf, n, "--set %s", key);
    else
        snprintf(buf, n, "%s (default %s)", cfg->path[0] ? cfg->path : "config", key);
}

void asim_config_dir(const asim_config_t *cfg, char *dir, size_t n)
{
    const char *slash = strrchr(cfg->path, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else
        snprintf(dir, n, "%.*s", (int)(slash - cfg->path) ? (int)(slash - cfg->path) : 1,
                 cfg->path);
}

static void value_text(const asim_cfg_key_t *k, const asim_config_t *cfg, char *buf, size_t n)
{
    const void *field = (const char *)cfg + k->offset;
    switch (k->type) {
    case ASIM_CFG_INT: snprintf(buf, n, "%lld", (long long)*(const int64_t *)field); break;
    case ASIM_CFG_FLOAT: asim_format_double(*(const double *)field, buf, n); break;
    case ASIM_CFG_BOOL: snprintf(buf, n, "%s", *(const bool *)field ? "true" : "false"); break;
    case ASIM_CFG_ENUM: snprintf(buf, n, "%s", k->choices[*(const int *)field]); break;
    default: snprintf(buf, n, "\"%s\"", (const char *)field); break;
    }
}

void asim_config_write_yaml(FILE *out, const asim_config_t *cfg)
{
    size_t n_keys;
    asim_config_schema(&n_keys);
    const char *section = "";
    size_t section_len = 0;
    for (size_t i = 0; i < SCHEMA_LEN; i++) {
        const char *key = schema[i].key, *dot = strchr(key, '.');
        char val[ASIM_PATH_MAX + 8];
        value_text(&schema[i], cfg, val, sizeof val);
        if (!dot) {
            fprintf(out, "%s: %s\n", key, val);
            continue;
        }
        size_t len = (size_t)(dot - key);
        if (len != section_len || strncmp(key, section, len) != 0) {
            fprintf(out, "%.*s:\n", (int)len, key);
            section = key;
            section_len = len;
        }
        fprintf(out, "  %s: %s\n", dot + 1, val);
    }
}

static void bounds_text(const asim_cfg_key_t *k, char *buf, size_t n)
{
    switch (k->type) {
    case ASIM_CFG_INT: snprintf(buf, n, "%.0f to %.0f", k->min, k->max); break;
    case ASIM_CFG_FLOAT: snprintf(buf, n, "%g to %g", k->min, k->max); break;
    case ASIM_CFG_BOOL: snprintf(buf, n, "true, false"); break;
    case ASIM_CFG_ENUM: choices_text(k, buf, n); break;
    default: snprintf(buf, n, "text"); break;
    }
}

void asim_config_write_docs(FILE *out, bool markdown)
{
    size_t n_keys;
    asim_config_schema(&n_keys);
    static const char *const types[] = {"int", "float", "bool", "enum", "string"};
    if (markdown)
        fprintf(out, "| key | type | values | default | unit | description |\n"
                     "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < SCHEMA_LEN; i++) {
        const asim_cfg_key_t *k = &schema[i];
        char bounds[128];
        bounds_text(k, bounds, sizeof bounds);
        const char *def = k->def ? k->def : "(required)";
        if (markdown)
            fprintf(out, "| `%s` | %s | %s | %s | %s | %s |\n", k->key, types[k->type], bounds,
                    def, k->unit, k->desc);
        else
            fprintf(out, "  %-20s %-6s %-22s default %-12s %s%s%s\n      %s\n", k->key,
                    types[k->type], bounds, def, k->unit[0] ? "[" : "", k->unit,
                    k->unit[0] ? "]" : "", k->desc);
    }
}
