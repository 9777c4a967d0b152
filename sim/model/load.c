/* load.c: picks the model source from the --model spec (see model.h). */
#include <string.h>

#include "asim/model.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Model files that take parameters after a colon: "FILE.ext" or "FILE.ext:key=value,...". */
typedef asim_status_t (*param_loader_t)(const char *path, const char *params, asim_graph_t *g,
                                        asim_error_t *err);
static const struct {
    const char *ext;
    param_loader_t load;
} param_files[] = {
    {".json", asim_model_load_hf},   /* Hugging Face config.json: family parameters */
    {".onnx", asim_model_load_onnx}, /* ONNX: values of symbolic dimensions */
};

/* True if spec is FILE.ext or FILE.ext:params; len is FILE.ext's length, params "" or the
 * text after the colon. */
static bool file_spec(const char *spec, const char *ext, size_t *len, const char **params)
{
    size_t lx = strlen(ext);
    for (const char *p = strstr(spec, ext); p; p = strstr(p + 1, ext))
        if (p[lx] == '\0' || p[lx] == ':') {
            *len = (size_t)(p + lx - spec);
            *params = p[lx] ? p + lx + 1 : "";
            return true;
        }
    return false;
}

/* A file: its own name for the model (YAML, CSV) or the spec (config.json, ONNX), and a
 * built-in name with its parameters. */
static asim_status_t load_source(const char *spec, asim_graph_t *g, asim_error_t *err)
{
    if (spec[0] == '\0')
        return asim_error_set(err, ASIM_EARG, "--model", "empty model name");
    if (ends_with(spec, ".yaml") || ends_with(spec, ".yml"))
        return asim_model_load_yaml(spec, g, err);
    if (ends_with(spec, ".csv"))
        return asim_model_load_csv(spec, g, err);
    for (size_t i = 0; i < sizeof param_files / sizeof param_files[0]; i++) {
        const char *ext = param_files[i].ext, *params;
        size_t len;
        if (!file_spec(spec, ext, &len, &params))
            continue;
        char path[4096];
        if (len >= sizeof path)
            return asim_error_set(err, ASIM_EARG, "--model", "model path too long");
        memcpy(path, spec, len);
        path[len] = '\0';
        asim_status_t st = param_files[i].load(path, params, g, err);
        if (st == ASIM_OK)
            snprintf(g->name, sizeof g->name, "%s", spec);
        return st;
    }
    if (strchr(spec, '/'))
        return asim_error_set(err, ASIM_EARG, spec,
                              "a model file must end in .yaml, .yml, .csv, .json or .onnx");
    char name[64];
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len >= sizeof name)
        return asim_error_set(err, ASIM_EMODEL, "--model", "unknown model '%s'", spec);
    memcpy(name, spec, len);
    name[len] = '\0';
    asim_status_t st = asim_model_builtin(name, colon ? colon + 1 : "", g, err);
    if (st == ASIM_OK)
        snprintf(g->name, sizeof g->name, "%s", spec);
    return st;
}

asim_status_t asim_model_load(const char *spec, asim_graph_t *g, asim_error_t *err)
{
    asim_status_t st = load_source(spec, g, err);
    if (st != ASIM_OK)
        return st;
    asim_graph_link(g);
    st = asim_graph_check(g, spec, err);
    if (st != ASIM_OK)
        asim_graph_free(g);
    return st;
}
