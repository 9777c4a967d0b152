/*
 * grid.c: a sweep's definition: model list, swept keys and their values (lists and
 * ranges, validated through the configuration schema), point decoding, objectives, and the
 * definition and header lines of the sweep file (see sweep.h).
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asim/checked.h"
#include "asim/model.h"
#include "config/yaml.h"
#include "sweep/sweep.h"

static const struct {
    const char *name;
    bool maximize;
} metrics[] = {
#define ASIM_SWEEP_METRIC_ROW(id, name, max) {name, max},
    ASIM_SWEEP_METRICS(ASIM_SWEEP_METRIC_ROW)
#undef ASIM_SWEEP_METRIC_ROW
};

const char *asim_sweep_metric_name(asim_sweep_metric_t m)
{
    return metrics[m].name;
}

bool asim_sweep_metric_maximize(asim_sweep_metric_t m)
{
    return metrics[m].maximize;
}

bool asim_sweep_metric_parse(const char *name, asim_sweep_metric_t *m)
{
    for (int i = 0; i < ASIM_SWEEP_METRIC_COUNT; i++)
        if (strcmp(name, metrics[i].name) == 0) {
            *m = (asim_sweep_metric_t)i;
            return true;
        }
    return false;
}

void asim_sweep_init(asim_sweep_t *sw)
{
    memset(sw, 0, sizeof *sw);
    snprintf(sw->version, sizeof sw->version, "%s", ASIM_VERSION);
    snprintf(sw->axes[0].key, sizeof sw->axes[0].key, "model");
    sw->n_axes = 1;
    asim_status_t st = asim_sweep_set_objectives(sw, ASIM_SWEEP_DEFAULT_OBJECTIVES, NULL);
    ASIM_ASSERT(st == ASIM_OK);
}

void asim_sweep_free(asim_sweep_t *sw)
{
    for (size_t a = 0; a < sw->n_axes; a++) {
        for (size_t i = 0; i < sw->axes[a].n; i++)
            free(sw->axes[a].values[i]);
        free(sw->axes[a].values);
        free(sw->axes[a].spec);
    }
    sw->n_axes = 0;
}

/* Product of the axis sizes, counting an axis of size 0 (no model yet) as 1, and with
 * `extra` values added to axis `which`; saturates above ASIM_SWEEP_MAX_POINTS. */
static uint64_t grid_size_with(const asim_sweep_t *sw, size_t which, uint64_t extra)
{
    uint64_t total = 1;
    for (size_t a = 0; a <= sw->n_axes && a < ASIM_SWEEP_MAX_AXES; a++) {
        uint64_t n = (a < sw->n_axes ? sw->axes[a].n : 0) + (a == which ? extra : 0);
        if (n == 0)
            continue;
        if (!asim_mul_u64(total, n, &total) || total > ASIM_SWEEP_MAX_POINTS)
            return ASIM_SWEEP_MAX_POINTS + 1;
    }
    return total;
}

static void update_points(asim_sweep_t *sw)
{
    sw->n_points = sw->axes[0].n ? grid_size_with(sw, 0, 0) : 0;
}

asim_status_t asim_sweep_set_config(asim_sweep_t *sw, const char *path, asim_error_t *err)
{
    if (strlen(path) >= sizeof sw->config)
        return asim_error_set(err, ASIM_EARG, "--config", "path too long");
    char *text;
    size_t len;
    asim_status_t st = asim_read_text_file(path, ASIM_YAML_MAX_BYTES, &text, &len, err);
    if (st != ASIM_OK)
        return st;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a 64 */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)text[i]) * 0x100000001b3ull;
    free(text);
    snprintf(sw->config, sizeof sw->config, "%s", path);
    snprintf(sw->config_hash, sizeof sw->config_hash, "%016llx", (unsigned long long)h);
    return ASIM_OK;
}

/* Appends a copy of value to axis ax (no checks). */
static asim_status_t axis_push(asim_sweep_axis_t *ax, const char *value, asim_error_t *err)
{
    char **v = realloc(ax->values, (ax->n + 1) * sizeof *v);
    if (!v)
        return asim_error_set(err, ASIM_ENOMEM, "sweep", "out of memory");
    ax->values = v;
    if (!(v[ax->n] = strdup(value)))
        return asim_error_set(err, ASIM_ENOMEM, "sweep", "out of memory");
    ax->n++;
    return ASIM_OK;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first value of ax that appears twice, or NULL. O(n log n). */
static const char *axis_repeat(const asim_sweep_axis_t *ax, asim_error_t *err, bool *oom)
{
    *oom = false;
    if (ax->n < 2)
        return NULL;
    char **sorted = malloc(ax->n * sizeof *sorted);
    if (!sorted) {
        *oom = true;
        asim_error_set(err, ASIM_ENOMEM, "sweep", "out of memory");
        return NULL;
    }
    memcpy(sorted, ax->values, ax->n * sizeof *sorted);
    qsort(sorted, ax->n, sizeof *sorted, cmp_str_ptr);
    const char *dup = NULL;
    for (size_t i = 1; i < ax->n && !dup; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0)
            dup = sorted[i];
    free(sorted);
    return dup;
}

/* Refuses a grid above the cap if axis `which` grew by `extra` values, naming its size. */
static asim_status_t check_cap(const asim_sweep_t *sw, size_t which, uint64_t extra,
                               const char *where, asim_error_t *err)
{
    if (grid_size_with(sw, which, extra) <= ASIM_SWEEP_MAX_POINTS)
        return ASIM_OK;
    char sizes[256] = "";
    double total = 1;
    for (size_t a = 0; a <= sw->n_axes && a < ASIM_SWEEP_MAX_AXES; a++) {
        uint64_t n = (a < sw->n_axes ? sw->axes[a].n : 0) + (a == which ? extra : 0);
        size_t used = strlen(sizes);
        if (n > 0 && used < sizeof sizes)
            snprintf(sizes + used, sizeof sizes - used, "%s%llu", used ? " x " : "",
                     (unsigned long long)n);
        total *= n > 0 ? (double)n : 1;
    }
    return asim_error_set(err, ASIM_ERANGE, where,
                          "the grid would have %.0f points (%s), more than the %u one sweep "
                          "may have; split it or use coarser ranges",
                          total, sizes, ASIM_SWEEP_MAX_POINTS);
}

static asim_status_t model_append(asim_sweep_t *sw, const char *spec, asim_error_t *err)
{
    asim_sweep_axis_t *ax = &sw->axes[0];
    asim_status_t st = check_cap(sw, 0, 1, "--model", err);
    if (st == ASIM_OK)
        st = axis_push(ax, spec, err);
    update_points(sw);
    return st;
}

asim_status_t asim_sweep_add_models(asim_sweep_t *sw, const char *list, asim_error_t *err)
{
    asim_sweep_axis_t *ax = &sw->axes[0];
    size_t first = ax->n;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return asim_error_set(err, ASIM_EARG, "--model",
                                  "'%s': empty model name in the list", list);
        char *part = strndup(p, len);
        if (!part)
            return asim_error_set(err, ASIM_ENOMEM, "--model", "out of memory");
        asim_status_t st = ASIM_OK;
        if (ax->n > first && strchr(part, '=') && !strchr(part, ':')) {
            char **last = &ax->values[ax->n - 1];
            size_t n = strlen(*last) + 1 + len + 1;
            char *joined = malloc(n);
            if (joined) {
                snprintf(joined, n, "%s,%s", *last, part);
                free(*last);
                *last = joined;
            } else
                st = asim_error_set(err, ASIM_ENOMEM, "--model", "out of memory");
        } else
            st = model_append(sw, part, err);
        free(part);
        if (st != ASIM_OK)
            return st;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    bool oom;
    const char *dup = axis_repeat(ax, err, &oom);
    if (oom)
        return ASIM_ENOMEM;
    if (dup)
        return asim_error_set(err, ASIM_EARG, "--model", "model '%s' is listed twice", dup);
    return ASIM_OK;
}

static const asim_cfg_key_t *schema_key(const char *key)
{
    size_t n;
    const asim_cfg_key_t *schema = asim_config_schema(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(schema[i].key, key) == 0)
            return &schema[i];
    return NULL;
}

/* Validates value for key k through the schema (asim_config_set) and writes its canonical
 * text into buf. */
static asim_status_t canonical_value(const asim_cfg_key_t *k, const char *value, char *buf,
                                     size_t n, asim_error_t *err)
{
    char assignment[ASIM_PATH_MAX + 80];
    if (snprintf(assignment, sizeof assignment, "%s=%s", k->key, value) >=
        (int)sizeof assignment)
        return asim_error_set(err, ASIM_ERANGE, "--set", "%s: value too long", k->key);
    asim_config_t scratch;
    asim_config_defaults(&scratch);
    asim_status_t st = asim_config_set(&scratch, assignment, err);
    if (st != ASIM_OK)
        return st;
    const void *field = (const char *)&scratch + k->offset;
    switch (k->type) {
    case ASIM_CFG_INT: snprintf(buf, n, "%lld", (long long)*(const int64_t *)field); break;
    case ASIM_CFG_FLOAT: asim_format_double(*(const double *)field, buf, n); break;
    case ASIM_CFG_BOOL: snprintf(buf, n, "%s", *(const bool *)field ? "true" : "false"); break;
    case ASIM_CFG_ENUM: snprintf(buf, n, "%s", k->choices[*(const int *)field]); break;
    default: snprintf(buf, n, "%s", (const char *)field); break;
    }
    return ASIM_OK;
}

/* An inclusive range START:END:+STEP or START:END:xFACTOR of an integer or number key. */
typedef struct {
    bool geometric, integer;
    int64_t i0, istep;            /* integer keys */
    double d0, dstep;             /* number keys */
    uint64_t count;               /* values in the range, <= ASIM_SWEEP_MAX_POINTS */
} range_t;

static asim_status_t range_error(asim_error_t *err, asim_status_t code,
                                 const asim_cfg_key_t *k, const char *item, const char *fmt,
                                 ...) __attribute__((format(printf, 5, 6)));

static asim_status_t range_error(asim_error_t *err, asim_status_t code,
                                 const asim_cfg_key_t *k, const char *item, const char *fmt,
                                 ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return asim_error_set(err, code, "--set", "%s=%s: %s", k->key, item, why);
}

/* Parses one bound or step of a range (integer or number, as the key is). */
static bool range_number(const range_t *r, const char *text, int64_t *i, double *d)
{
    if (r->integer)
        return asim_parse_int(text, INT64_MIN, INT64_MAX, i) == ASIM_OK;
    return asim_parse_double(text, -HUGE_VAL, HUGE_VAL, d) == ASIM_OK;
}

static asim_status_t range_parse(const asim_cfg_key_t *k, const char *item, range_t *r,
                                 asim_error_t *err)
{
    memset(r, 0, sizeof *r);
    if (k->type != ASIM_CFG_INT && k->type != ASIM_CFG_FLOAT)
        return range_error(err, ASIM_ESYNTAX, k, item,
                           "ranges apply to integer and number keys; list the values");
    const char *c1 = strchr(item, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2 || strchr(c2 + 1, ':') || strlen(item) >= 96)
        return range_error(err, ASIM_ESYNTAX, k, item,
                           "a range is START:END:+STEP or START:END:xFACTOR (e.g. 1:8:+1, "
                           "16:128:x2)");
    char a[96], b[96], s[96];
    snprintf(a, sizeof a, "%.*s", (int)(c1 - item), item);
    snprintf(b, sizeof b, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
    snprintf(s, sizeof s, "%s", c2 + 1);
    r->integer = k->type == ASIM_CFG_INT;
    const char *kind = r->integer ? "an integer" : "a number";
    int64_t i1 = 0;
    double d1 = 0;
    if (!range_number(r, a, &r->i0, &r->d0))
        return range_error(err, ASIM_ETYPE, k, item, "start '%s' is not %s", a, kind);
    if (!range_number(r, b, &i1, &d1))
        return range_error(err, ASIM_ETYPE, k, item, "end '%s' is not %s", b, kind);
    if (s[0] != '+' && s[0] != 'x')
        return range_error(err, ASIM_ESYNTAX, k, item,
                           "step '%s' must be +STEP (arithmetic) or xFACTOR (geometric)", s);
    r->geometric = s[0] == 'x';
    if (!range_number(r, s + 1, &r->istep, &r->dstep))
        return range_error(err, ASIM_ETYPE, k, item, "%s '%s' is not %s",
                           r->geometric ? "factor" : "step", s + 1, kind);
    if (r->integer) {
        r->d0 = (double)r->i0;
        d1 = (double)i1;
        r->dstep = (double)r->istep;
    }
    if (r->d0 > d1)
        return range_error(err, ASIM_ERANGE, k, item,
                           "empty range: start is above end (ranges go up)");
    if (!r->geometric && !(r->dstep > 0))
        return range_error(err, ASIM_ERANGE, k, item, "step must be above 0");
    if (r->geometric && !(r->dstep > 1))
        return range_error(err, ASIM_ERANGE, k, item,
                           "factor must be above 1 (x1 would repeat the start forever)");
    if (r->geometric && !(r->d0 > 0))
        return range_error(err, ASIM_ERANGE, k, item, "a geometric range must start above 0");

    double count;
    if (r->integer && !r->geometric) {
        count = (double)(((uint64_t)i1 - (uint64_t)r->i0) / (uint64_t)r->istep) + 1;
    } else if (r->integer) {
        count = 0;
        for (int64_t v = r->i0; v <= i1; v *= r->istep) {
            count++;
            if (v > i1 / r->istep)
                break;
        }
    } else if (!r->geometric) {
        count = floor((d1 - r->d0) / r->dstep + 1e-9) + 1;
    } else {
        count = floor(log(d1 / r->d0) / log(r->dstep) + 1e-9) + 1;
    }
    if (!(count <= ASIM_SWEEP_MAX_POINTS))
        return range_error(err, ASIM_ERANGE, k, item,
                           "the range has %.0f values, more than the %u points one sweep may "
                           "have",
                           count, ASIM_SWEEP_MAX_POINTS);
    r->count = (uint64_t)count;
    return ASIM_OK;
}

/* Text of value i of a range (not yet validated against the key's bounds). */
static void range_value(const range_t *r, uint64_t i, char *buf, size_t n)
{
    if (r->integer) {
        int64_t v = r->i0;
        if (r->geometric)
            for (uint64_t j = 0; j < i; j++)
                v *= r->istep;
        else
            v += (int64_t)i * r->istep;
        snprintf(buf, n, "%lld", (long long)v);
    } else {
        double v = r->geometric ? r->d0 * pow(r->dstep, (double)i) : r->d0 + (double)i * r->dstep;
        snprintf(buf, n, "%.12g", v); /* 12 digits: 0.1+0.2 is 0.3 */
    }
}

static bool is_range(const asim_cfg_key_t *k, const char *item)
{
    return (k->type == ASIM_CFG_INT || k->type == ASIM_CFG_FLOAT) && strchr(item, ':');
}

/* Walks the comma list of axis ax's key, ranges expanded, and counts its values into
 * *count. With out == NULL only checks the syntax and counts; otherwise also validates
 * every value and stores its canonical text in out[0 .. *count - 1] (out holds *count
 * entries from a counting walk). */
static asim_status_t list_walk(const asim_sweep_axis_t *ax, const char *list, char **out,
                               uint64_t *count, asim_error_t *err)
{
    const asim_cfg_key_t *k = ax->schema;
    const char *p = list;
    *count = 0;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return asim_error_set(err, ASIM_ESYNTAX, "--set", "%s=%s: empty value in the list",
                                  k->key, list);
        char *item = strndup(p, len);
        if (!item)
            return asim_error_set(err, ASIM_ENOMEM, "--set", "out of memory");
        asim_status_t st = ASIM_OK;
        range_t r = {.count = 1};
        bool ranged = is_range(k, item);
        if (ranged)
            st = range_parse(k, item, &r, err);
        if (st == ASIM_OK && *count + r.count > ASIM_SWEEP_MAX_POINTS)
            st = asim_error_set(err, ASIM_ERANGE, "--set",
                                "%s has more than %u values, the most one sweep may have",
                                k->key, ASIM_SWEEP_MAX_POINTS);
        for (uint64_t i = 0; st == ASIM_OK && out && i < r.count; i++) {
            char text[ASIM_PATH_MAX + 8], canon[ASIM_PATH_MAX + 8];
            if (ranged)
                range_value(&r, i, text, sizeof text);
            else
                snprintf(text, sizeof text, "%s", item);
            st = canonical_value(k, text, canon, sizeof canon, err);
            if (st == ASIM_OK && !(out[*count + i] = strdup(canon)))
                st = asim_error_set(err, ASIM_ENOMEM, "--set", "out of memory");
        }
        free(item);
        if (st != ASIM_OK)
            return st;
        *count += r.count;
        if (p[len] == '\0')
            return ASIM_OK;
        p += len + 1;
    }
}

static asim_status_t add_axis(asim_sweep_t *sw, const char *assignment, asim_error_t *err);

/* Copies "key = a, b" as "key=a,b": blanks around the key and around each value dropped,
 * as a single --set drops them. Returns a malloc'd string (NULL when out of memory). */
static char *without_blanks(const char *assignment)
{
    char *out = malloc(strlen(assignment) + 1), *w = out;
    if (!out)
        return NULL;
    for (const char *p = assignment;;) {
        size_t len = strcspn(p, p == assignment ? "=" : ",");
        const char *a = p, *b = p + len;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        memcpy(w, a, (size_t)(b - a));
        w += b - a;
        if (p[len] == '\0')
            break;
        *w++ = p[len];
        p += len + 1;
    }
    *w = '\0';
    return out;
}

asim_status_t asim_sweep_add_axis(asim_sweep_t *sw, const char *given, asim_error_t *err)
{
    char *assignment = without_blanks(given);
    if (!assignment)
        return asim_error_set(err, ASIM_ENOMEM, "--set", "out of memory");
    asim_status_t st = add_axis(sw, assignment, err);
    free(assignment);
    return st;
}

static asim_status_t add_axis(asim_sweep_t *sw, const char *assignment, asim_error_t *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return asim_error_set(err, ASIM_ESYNTAX, "--set",
                              "'%s' is not of the form key=value[,value...] "
                              "(e.g. array.rows=8,16,32)",
                              assignment);
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(eq - assignment), assignment);
    const asim_cfg_key_t *k = schema_key(key);
    if (!k || (size_t)(eq - assignment) >= sizeof key) {
        asim_config_t scratch;
        asim_config_defaults(&scratch);
        return asim_config_set(&scratch, assignment, err); /* its unknown-key message */
    }
    for (size_t a = 1; a < sw->n_axes; a++)
        if (sw->axes[a].schema == k)
            return asim_error_set(err, ASIM_EARG, "--set",
                                  "%s is given twice; give each key one --set, with all "
                                  "its values",
                                  key);
    if (eq[1] == '\0')
        return asim_error_set(err, ASIM_ESYNTAX, "--set", "%s has no values", key);
    if (sw->n_axes == ASIM_SWEEP_MAX_AXES)
        return asim_error_set(err, ASIM_EARG, "--set", "too many swept keys");

    asim_sweep_axis_t *ax = &sw->axes[sw->n_axes];
    memset(ax, 0, sizeof *ax);
    snprintf(ax->key, sizeof ax->key, "%s", key);
    ax->schema = k;
    uint64_t total, count = 0;
    asim_status_t st = list_walk(ax, eq + 1, NULL, &total, err);
    if (st == ASIM_OK)
        st = check_cap(sw, sw->n_axes, total, "--set", err);
    if (st != ASIM_OK)
        return st;
    ax->values = calloc(total, sizeof *ax->values);
    ax->spec = strdup(eq + 1);
    if (!ax->values || !ax->spec)
        st = asim_error_set(err, ASIM_ENOMEM, "--set", "out of memory");
    if (st == ASIM_OK)
        st = list_walk(ax, eq + 1, ax->values, &count, err);
    ax->n = count;
    bool oom = false;
    const char *dup = st == ASIM_OK ? axis_repeat(ax, err, &oom) : NULL;
    if (oom)
        st = ASIM_ENOMEM;
    else if (dup)
        st = asim_error_set(err, ASIM_EARG, "--set", "%s=%s: value %s is listed twice", key,
                            eq + 1, dup);
    if (st != ASIM_OK) {
        for (size_t i = 0; ax->values && i < total; i++)
            free(ax->values[i]); /* calloc'd: entries not reached are NULL */
        free(ax->values);
        free(ax->spec);
        return st;
    }
    sw->n_axes++;
    update_points(sw);
    return ASIM_OK;
}

asim_status_t asim_sweep_set_objectives(asim_sweep_t *sw, const char *list, asim_error_t *err)
{
    asim_sweep_metric_t objs[ASIM_SWEEP_METRIC_COUNT];
    size_t n = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), p);
        asim_sweep_metric_t m;
        if (len == 0 || len > 31 || !asim_sweep_metric_parse(name, &m)) {
            char all[256] = "";
            for (int i = 0; i < ASIM_SWEEP_METRIC_COUNT; i++)
                snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? ", " : "",
                         metrics[i].name);
            return asim_error_set(err, ASIM_EARG, "--objectives",
                                  "unknown objective '%.*s' (one of: %s)", (int)len, p, all);
        }
        for (size_t i = 0; i < n; i++)
            if (objs[i] == m)
                return asim_error_set(err, ASIM_EARG, "--objectives",
                                      "objective %s is listed twice", name);
        objs[n++] = m;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    memcpy(sw->objectives, objs, n * sizeof objs[0]);
    sw->n_objectives = n;
    return ASIM_OK;
}

asim_status_t asim_sweep_check(const asim_sweep_t *sw, asim_error_t *err)
{
    if (!sw->config[0])
        return asim_error_set(err, ASIM_EARG, "sweep", "--config FILE is required");
    if (sw->axes[0].n == 0)
        return asim_error_set(err, ASIM_EARG, "sweep", "--model NAME|FILE[,...] is required");
    asim_config_t cfg;
    asim_status_t st = asim_config_load(sw->config, NULL, 0, &cfg, err);
    for (size_t i = 0; st == ASIM_OK && i < sw->axes[0].n; i++) {
        asim_graph_t g;
        st = asim_model_load(sw->axes[0].values[i], &g, err);
        if (st == ASIM_OK)
            asim_graph_free(&g);
    }
    return st;
}

void asim_sweep_decode(const asim_sweep_t *sw, uint64_t p, size_t *idx)
{
    for (size_t a = sw->n_axes; a-- > 0;) {
        idx[a] = (size_t)(p % sw->axes[a].n);
        p /= sw->axes[a].n;
    }
}

/* Writes text with '%', spaces and control bytes as %XX, so it stays one token. */
static void put_escaped(FILE *out, const char *text)
{
    for (const unsigned char *s = (const unsigned char *)text; *s; s++)
        if (*s == '%' || *s <= ' ' || *s == 0x7f)
            fprintf(out, "%%%02X", *s);
        else
            fputc(*s, out);
}

static void put_token(FILE *out, const char *name, const char *text)
{
    fprintf(out, " %s=", name);
    put_escaped(out, text);
}

char *asim_sweep_definition(const asim_sweep_t *sw)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    fprintf(out, "# %s", ASIM_SWEEP_FORMAT);
    put_token(out, "version", sw->version);
    put_token(out, "config", sw->config);
    put_token(out, "config_fnv1a", sw->config_hash);
    for (size_t i = 0; i < sw->axes[0].n; i++)
        put_token(out, "model", sw->axes[0].values[i]);
    for (size_t a = 1; a < sw->n_axes; a++) {
        fprintf(out, " set=%s=", sw->axes[a].key);
        put_escaped(out, sw->axes[a].spec);
    }
    fprintf(out, " objectives=");
    for (size_t i = 0; i < sw->n_objectives; i++)
        fprintf(out, "%s%s", i ? "," : "", metrics[sw->objectives[i]].name);
    return fclose(out) == 0 ? buf : (free(buf), NULL);
}

/* Decodes a %XX-escaped token in place; false on a bad escape. */
static bool token_decode(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r != '%') {
            *w++ = *r;
            continue;
        }
        unsigned v;
        if (!r[1] || !r[2] || sscanf(r + 1, "%2x", &v) != 1 || v == 0)
            return false;
        *w++ = (char)v;
        r += 2;
    }
    *w = '\0';
    return true;
}

static asim_status_t definition_token(asim_sweep_t *sw, char *tok, const char *where,
                                      asim_error_t *err)
{
    char *eq = strchr(tok, '=');
    if (!eq || !token_decode(eq + 1))
        return asim_error_set(err, ASIM_ESYNTAX, where, "malformed sweep definition at '%s'",
                              tok);
    *eq = '\0';
    const char *name = tok, *value = eq + 1;
    asim_error_t sub;
    asim_status_t st = ASIM_OK;
    if (!strcmp(name, "version"))
        snprintf(sw->version, sizeof sw->version, "%s", value);
    else if (!strcmp(name, "config"))
        snprintf(sw->config, sizeof sw->config, "%s", value);
    else if (!strcmp(name, "config_fnv1a"))
        snprintf(sw->config_hash, sizeof sw->config_hash, "%s", value);
    else if (!strcmp(name, "model"))
        st = model_append(sw, value, &sub);
    else if (!strcmp(name, "set"))
        st = asim_sweep_add_axis(sw, value, &sub);
    else if (!strcmp(name, "objectives"))
        st = asim_sweep_set_objectives(sw, value, &sub);
    else
        return asim_error_set(err, ASIM_ESYNTAX, where, "unknown sweep definition field '%s'",
                              name);
    if (st != ASIM_OK)
        return asim_error_set(err, st, where, "sweep definition: %s", sub.msg);
    return ASIM_OK;
}

asim_status_t asim_sweep_parse_definition(asim_sweep_t *sw, const char *line,
                                          const char *where, asim_error_t *err)
{
    static const char prefix[] = "# " ASIM_SWEEP_FORMAT " ";
    if (strncmp(line, prefix, sizeof prefix - 1) != 0) {
        if (strncmp(line, "# accelsim-sweep/", 17) == 0)
            return asim_error_set(err, ASIM_ESYNTAX, where,
                                  "sweep file format '%.*s' is not %s", (int)strcspn(line + 2, " "),
                                  line + 2, ASIM_SWEEP_FORMAT);
        return asim_error_set(err, ASIM_ESYNTAX, where,
                              "not an accelsim sweep file (the first line is not '# %s ...')",
                              ASIM_SWEEP_FORMAT);
    }
    char *copy = strdup(line + sizeof prefix - 1);
    if (!copy)
        return asim_error_set(err, ASIM_ENOMEM, where, "out of memory");
    asim_status_t st = ASIM_OK;
    char *save = NULL;
    sw->n_objectives = 0;
    for (char *tok = strtok_r(copy, " ", &save); tok && st == ASIM_OK;
         tok = strtok_r(NULL, " ", &save))
        st = definition_token(sw, tok, where, err);
    free(copy);
    if (st != ASIM_OK)
        return st;
    char *again = asim_sweep_definition(sw);
    if (!again)
        return asim_error_set(err, ASIM_ENOMEM, where, "out of memory");
    bool same = strcmp(again, line) == 0;
    free(again);
    if (!same || sw->axes[0].n == 0 || sw->n_objectives == 0)
        return asim_error_set(err, ASIM_ESYNTAX, where,
                              "malformed sweep definition (fields missing or out of order)");
    return ASIM_OK;
}

char *asim_sweep_header(const asim_sweep_t *sw)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (!out)
        return NULL;
    fprintf(out, "point");
    for (size_t a = 0; a < sw->n_axes; a++)
        fprintf(out, ",%s", sw->axes[a].key);
    fprintf(out, ",status,error");
    for (int m = 0; m < ASIM_SWEEP_METRIC_COUNT; m++)
        fprintf(out, ",%s", metrics[m].name);
    fprintf(out, ",fits,unsupported_ops,pareto");
    return fclose(out) == 0 ? buf : (free(buf), NULL);
}
