/* load.c: picks the model source from the --model spec (see model.h). */
#include <string.h>

#include "asim/model.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* A file: its own name for the model (YAML, CSV) or the spec (config.json), and a built-in
 * name with its parameters. */
static asim_status_t load_source(const char *spec, asim_graph_t *g, asim_error_t *err)
{
    if (spec[0] == '\0')
        return asim_error_set(err, ASIM_EARG, "--model", "empty model name");
    if (ends_with(spec, ".yaml") || ends_with(spec, ".yml"))
        return asim_model_load_yaml(spec, g, err);
    if (ends_with(spec, ".csv"))
        return asim_model_load_csv(spec, g, err);
    const char *json = strstr(spec, ".json:");
    if (ends_with(spec, ".json") || json) { /* config.json[:key=value,...] */
        char path[4096];
        size_t len = json ? (size_t)(json - spec) + 5 : strlen(spec);
        if (len >= sizeof path)
            return asim_error_set(err, ASIM_EARG, "--model", "model path too long");
        memcpy(path, spec, len);
        path[len] = '\0';
        asim_status_t st = asim_model_load_hf(path, json ? json + 6 : "", g, err);
        if (st == ASIM_OK)
            snprintf(g->name, sizeof g->name, "%s", spec);
        return st;
    }
    if (strchr(spec, '/'))
        return asim_error_set(err, ASIM_EARG, spec,
                              "a model file must end in .yaml, .yml, .csv or .json");
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
