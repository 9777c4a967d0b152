/* load.c: picks the model source from the --model spec (see model.h). */
#include <stdlib.h>
#include <string.h>

#include "asim/model.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static asim_status_t load_source(const char *spec, asim_graph_t *g, asim_error_t *err)
{
    if (spec[0] == '\0')
        return asim_error_set(err, ASIM_EARG, "--model", "empty model name");
    if (ends_with(spec, ".yaml") || ends_with(spec, ".yml"))
        return asim_model_load_yaml(spec, g, err);
    if (ends_with(spec, ".csv"))
        return asim_model_load_csv(spec, g, err);
    const char *onnx = strstr(spec, ".onnx");
    while (onnx && onnx[5] != '\0' && onnx[5] != ':')
        onnx = strstr(onnx + 1, ".onnx");
    if (onnx) { /* FILE.onnx or FILE.onnx:dim=value,... */
        size_t len = (size_t)(onnx + 5 - spec);
        char *path = strndup(spec, len);
        if (!path)
            return asim_error_set(err, ASIM_ENOMEM, "--model", "out of memory");
        asim_status_t st = asim_model_load_onnx(path, onnx[5] ? onnx + 6 : "", g, err);
        free(path);
        return st;
    }
    if (strchr(spec, '/'))
        return asim_error_set(err, ASIM_EARG, spec,
                              "a model file must end in .yaml, .yml, .csv or .onnx");
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
