/* stats.c: the registry of counters that reports walk (see kernel.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asim/kernel.h"

void asim_stats_init(asim_stats_t *s)
{
    *s = (asim_stats_t){0};
}

void asim_stats_free(asim_stats_t *s)
{
    free(s->items);
    *s = (asim_stats_t){0};
}

asim_status_t asim_stats_add(asim_stats_t *s, const char *path, const char *unit,
                             const char *desc, const uint64_t *value, asim_error_t *err)
{
    if (asim_stats_find(s, path))
        return asim_error_set(err, ASIM_EARG, "stats", "stat '%s' registered twice", path);
    if (s->len == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 32;
        asim_stat_t *items = realloc(s->items, cap * sizeof *items);
        if (!items)
            return asim_error_set(err, ASIM_ENOMEM, "stats", "cannot grow the registry");
        s->items = items;
        s->cap = cap;
    }
    asim_stat_t *st = &s->items[s->len++];
    snprintf(st->path, sizeof st->path, "%s", path);
    st->unit = unit;
    st->desc = desc;
    st->value = value;
    return ASIM_OK;
}

const asim_stat_t *asim_stats_find(const asim_stats_t *s, const char *path)
{
    for (size_t i = 0; i < s->len; i++)
        if (strcmp(s->items[i].path, path) == 0)
            return &s->items[i];
    return NULL;
}
