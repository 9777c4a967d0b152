/*
 * family.h: building a built-in family from values read from a file (a Hugging Face
 * config.json), for the model readers in sim/model only.
 */
#ifndef ASIM_MODEL_FAMILY_H
#define ASIM_MODEL_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asim/model.h"

typedef struct {
    const char *key;          /* an integer parameter of the family */
    int64_t value;
    const char *field;        /* where the value came from, for messages */
    bool cap;                 /* the value bounds the parameter: a larger default is lowered to
                                 it, a larger value given in `params` is an error */
} asim_family_value_t;

/* Builds built-in `name` (which must exist) from its defaults, then vals (checked against each
 * parameter's range; errors name `source` and the value's field), then the command-line
 * params ("" or "key=value,..."), then the caps. */
asim_status_t asim_model_family(const char *name, const asim_family_value_t *vals, size_t n,
                                const char *params, const char *source, asim_graph_t *g,
                                asim_error_t *err);

#endif
