/*
 * file.c: sweep CSV files: reading and checking them against a definition, the sorted
 * final rewrite with the Pareto front, and the merge of shards (see sweep.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asim/outfile.h"
#include "config/yaml.h"
#include "sweep/sweep.h"

/* Columns: point, one per axis, status, error, the metrics, fits, unsupported_ops, pareto. */
#define FIELDS(sw) (1 + (int)(sw)->n_axes + 2 + ASIM_SWEEP_METRIC_COUNT + 3)
#define METRIC_FIELD(sw, m) (1 + (int)(sw)->n_axes + 2 + (int)(m))

asim_status_t asim_sweep_file_load(int fd, const char *name, asim_sweep_file_t *f,
                                   asim_error_t *err)
{
    memset(f, 0, sizeof *f);
    struct stat st;
    if (fstat(fd, &st) != 0)
        return asim_error_set(err, ASIM_EIO, name, "cannot read: %s", strerror(errno));
    if ((uint64_t)st.st_size > ASIM_SWEEP_MAX_FILE_BYTES)
        return asim_error_set(err, ASIM_ERANGE, name,
                              "is %llu bytes, more than the %llu a sweep file may have",
                              (unsigned long long)st.st_size,
                              (unsigned long long)ASIM_SWEEP_MAX_FILE_BYTES);
    size_t size = (size_t)st.st_size;
    if (!(f->data = malloc(size + 1)))
        return asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
    while (f->len < size) {
        ssize_t got = pread(fd, f->data + f->len, size - f->len, (off_t)f->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return asim_error_set(err, ASIM_EIO, name, "cannot read: %s",
                                  got < 0 ? strerror(errno) : "file shrank while read");
        f->len += (size_t)got;
    }
    f->data[f->len] = '\0';
    asim_status_t checked = asim_text_check(name, f->data, f->len, err);
    if (checked != ASIM_OK)
        return checked;
    f->complete = f->len;
    while (f->complete > 0 && f->data[f->complete - 1] != '\n')
        f->complete--;
    return ASIM_OK;
}

void asim_sweep_file_free(asim_sweep_file_t *f)
{
    for (size_t i = 0; i < f->n_rows; i++)
        free(f->rows[i].text);
    free(f->rows);
    free(f->data);
    memset(f, 0, sizeof *f);
}

bool asim_sweep_file_is_fresh(const asim_sweep_t *sw, const asim_sweep_file_t *f)
{
    char *def = asim_sweep_definition(sw), *hdr = asim_sweep_header(sw);
    bool fresh = false;
    if (def && hdr) {
        size_t dl = strlen(def), hl = strlen(hdr);
        char *start = malloc(dl + hl + 3);
        if (start) {
            snprintf(start, dl + hl + 3, "%s\n%s\n", def, hdr);
            fresh = f->len <= dl + hl + 2 && memcmp(f->data, start, f->len) == 0;
            free(start);
        }
    }
    free(def);
    free(hdr);
    return fresh;
}

/* Splits a CSV line (no newline) into fields in place, unquoting quoted ones; returns the
 * number of fields, or -1 if there are more than max or a quote is malformed. */
static int csv_split(char *s, char **fields, int max)
{
    for (int n = 0; n < max;) {
        if (*s != '"') {
            fields[n++] = s;
            char *comma = strchr(s, ',');
            if (!comma)
                return n;
            *comma = '\0';
            s = comma + 1;
            continue;
        }
        char *w = ++s;
        fields[n++] = w;
        for (;;) {
            if (*s == '\0')
                return -1;
            if (*s == '"' && s[1] != '"')
                break;
            s += *s == '"' ? 1 : 0; /* "" stands for one quote */
            *w++ = *s++;
        }
        char sep = *++s;
        *w = '\0';
        if (sep == '\0')
            return n;
        if (sep != ',')
            return -1;
        s++;
    }
    return -1;
}

/* Describes the first space-separated token where line a differs from line b (named
 * b_name) as "'x' where B has 'y'". */
static void first_difference(const char *a, const char *b, const char *b_name, char *buf,
                             size_t n)
{
    for (;;) {
        size_t la = strcspn(a, " "), lb = strcspn(b, " ");
        if (la != lb || strncmp(a, b, la) != 0 || (a[la] == '\0') != (b[lb] == '\0')) {
            if (la == lb && strncmp(a, b, la) == 0) { /* one line has more tokens */
                a += la + (a[la] != '\0');
                b += lb + (b[lb] != '\0');
                la = strcspn(a, " ");
                lb = strcspn(b, " ");
            }
            snprintf(buf, n, "'%.*s' where %s has '%.*s'", (int)(la < 200 ? la : 200), a,
                     b_name, (int)(lb < 200 ? lb : 200), b);
            return;
        }
        if (a[la] == '\0') {
            snprintf(buf, n, "no difference");
            return;
        }
        a += la + 1;
        b += lb + 1;
    }
}

/* True if text is a whole number in its one canonical form: digits, no sign, no leading
 * zero (the form the sweep writes), at most max. */
static bool canonical_count(const char *text, uint64_t max, uint64_t *out)
{
    int64_t v;
    if (text[0] < '0' || text[0] > '9' || (text[0] == '0' && text[1] != '\0') ||
        asim_parse_int(text, 0, max > INT64_MAX ? INT64_MAX : (int64_t)max, &v) != ASIM_OK)
        return false;
    *out = (uint64_t)v;
    return true;
}

/* Checks the result columns (error, metrics, fits, unsupported_ops) of a row against its
 * status, as the sweep writes them: an error row has its message and nothing else; an ok
 * row has no message, whole non-negative counts (cycles, resources, unsupported ops), fits
 * 0 or 1, and non-negative numbers or empty (not finite) for the rest. Writes the problem
 * into why. */
static bool results_ok(const asim_sweep_t *sw, char **fields, bool failed, char *why, size_t n)
{
    static const bool is_count[ASIM_SWEEP_METRIC_COUNT] = {
        [ASIM_SWEEP_TOTAL_CYCLES] = true, [ASIM_SWEEP_LUT] = true, [ASIM_SWEEP_FF] = true,
        [ASIM_SWEEP_DSP] = true, [ASIM_SWEEP_BRAM] = true};
    const char *error = fields[2 + sw->n_axes];
    const char *fits = fields[METRIC_FIELD(sw, ASIM_SWEEP_METRIC_COUNT)];
    const char *unsupported = fields[METRIC_FIELD(sw, ASIM_SWEEP_METRIC_COUNT) + 1];
    uint64_t count;
    if (failed) {
        for (int f = METRIC_FIELD(sw, 0); f <= METRIC_FIELD(sw, ASIM_SWEEP_METRIC_COUNT) + 1; f++)
            if (fields[f][0] != '\0') {
                snprintf(why, n, "an error row with results ('%.40s' in column %d)", fields[f],
                         f + 1);
                return false;
            }
        if (error[0] == '\0')
            snprintf(why, n, "an error row without its message");
        return error[0] != '\0';
    }
    if (error[0] != '\0') {
        snprintf(why, n, "an ok row with an error message");
        return false;
    }
    for (int m = 0; m < ASIM_SWEEP_METRIC_COUNT; m++) {
        const char *v = fields[METRIC_FIELD(sw, m)];
        double d;
        bool good = is_count[m] ? canonical_count(v, UINT64_MAX, &count)
                                : v[0] == '\0' || asim_parse_double(v, 0, HUGE_VAL, &d) == ASIM_OK;
        if (!good) {
            snprintf(why, n, "%s = '%.40s' is not %s", asim_sweep_metric_name(m), v,
                     is_count[m] ? "a whole number" : "a number of at least 0");
            return false;
        }
    }
    if (strcmp(fits, "0") != 0 && strcmp(fits, "1") != 0) {
        snprintf(why, n, "fits = '%.40s' is not 0 or 1", fits);
        return false;
    }
    if (!canonical_count(unsupported, UINT64_MAX, &count)) {
        snprintf(why, n, "unsupported_ops = '%.40s' is not a whole number", unsupported);
        return false;
    }
    return true;
}

/* The comma list of axis a's values as given ("vit_tiny,bert_base" for the models). */
static void axis_text(const asim_sweep_axis_t *a, char *buf, size_t n)
{
    if (a->spec) {
        snprintf(buf, n, "%s", a->spec);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < a->n && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? "," : "", a->values[i]);
}

static const asim_sweep_axis_t *axis_named(const asim_sweep_t *sw, const char *key)
{
    for (size_t i = 1; i < sw->n_axes; i++)
        if (strcmp(sw->axes[i].key, key) == 0)
            return &sw->axes[i];
    return NULL;
}

/* Names, field by field, how the file's sweep a differs from b (named b_name): version,
 * config, the config's bytes, models, each swept key (missing, extra or other values),
 * their order, objectives. False if it finds none of these. */
static bool sweep_difference(const asim_sweep_t *a, const asim_sweep_t *b, const char *b_name,
                             char *buf, size_t n)
{
    char x[256], y[256];
    if (strcmp(a->version, b->version) != 0)
        snprintf(buf, n, "it was written by accelsim %s, and %s is accelsim %s", a->version,
                 b_name, b->version);
    else if (strcmp(a->config, b->config) != 0)
        snprintf(buf, n, "its config is '%.200s' where %.100s has '%.200s'", a->config, b_name,
                 b->config);
    else if (strcmp(a->config_hash, b->config_hash) != 0)
        snprintf(buf, n, "the config %.200s has changed since the sweep started (its contents "
                         "hash to %s, the file records %s)",
                 b->config, b->config_hash, a->config_hash);
    else {
        axis_text(&a->axes[0], x, sizeof x);
        axis_text(&b->axes[0], y, sizeof y);
        if (strcmp(x, y) != 0) {
            snprintf(buf, n, "its models are '%s' where %s has '%s'", x, b_name, y);
            return true;
        }
        for (size_t i = 1; i < a->n_axes; i++) {
            const asim_sweep_axis_t *other = axis_named(b, a->axes[i].key);
            if (!other) {
                snprintf(buf, n, "it sweeps %s (%s) and %s does not", a->axes[i].key,
                         a->axes[i].spec, b_name);
                return true;
            }
            if (strcmp(other->spec, a->axes[i].spec) != 0) {
                snprintf(buf, n, "its %s values are '%s' where %s has '%s'", a->axes[i].key,
                         a->axes[i].spec, b_name, other->spec);
                return true;
            }
        }
        for (size_t i = 1; i < b->n_axes; i++)
            if (!axis_named(a, b->axes[i].key)) {
                snprintf(buf, n, "%s sweeps %s (%s) and the file does not", b_name,
                         b->axes[i].key, b->axes[i].spec);
                return true;
            }
        for (size_t i = 1; i < a->n_axes; i++)
            if (strcmp(a->axes[i].key, b->axes[i].key) != 0) {
                snprintf(buf, n, "its swept keys come in another order (%s where %s has %s "
                                 "there); give the --set options in the file's order",
                         a->axes[i].key, b_name, b->axes[i].key);
                return true;
            }
        size_t used = 0;
        x[0] = y[0] = '\0';
        for (size_t i = 0; i < a->n_objectives; i++)
            used += (size_t)snprintf(x + used, sizeof x - used, "%s%s", i ? "," : "",
                                     asim_sweep_metric_name(a->objectives[i]));
        used = 0;
        for (size_t i = 0; i < b->n_objectives; i++)
            used += (size_t)snprintf(y + used, sizeof y - used, "%s%s", i ? "," : "",
                                     asim_sweep_metric_name(b->objectives[i]));
        if (strcmp(x, y) == 0)
            return false;
        snprintf(buf, n, "its objectives are '%s' where %s has '%s'", x, b_name, y);
    }
    return true;
}

/* sweep_difference between the definition line of a file and sw; false if the line does
 * not parse (then the caller names the first differing token). */
static bool sweep_difference_of(const char *line, const asim_sweep_t *sw, const char *b_name,
                                char *buf, size_t n)
{
    asim_sweep_t file;
    asim_error_t ignored;
    asim_sweep_init(&file);
    bool named = asim_sweep_parse_definition(&file, line, "", &ignored) == ASIM_OK &&
                 sweep_difference(&file, sw, b_name, buf, n);
    asim_sweep_free(&file);
    return named;
}

/* Parses one row (line `lineno`, len bytes at line) into row, checking it against sw. */
static asim_status_t parse_row(const asim_sweep_t *sw, const char *line, size_t len,
                               const char *name, size_t lineno, asim_sweep_row_t *row,
                               asim_error_t *err)
{
    enum { MAX_FIELDS = 1 + ASIM_SWEEP_MAX_AXES + 2 + ASIM_SWEEP_METRIC_COUNT + 3 };
    char *copy = strndup(line, len), *fields[MAX_FIELDS];
    if (!copy)
        return asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
    asim_status_t st = ASIM_OK;
    int n = csv_split(copy, fields, MAX_FIELDS);
    int64_t p = 0;
    size_t idx[ASIM_SWEEP_MAX_AXES];
    memset(row, 0, sizeof *row);
    if (n != FIELDS(sw)) {
        st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                           "expected a row of %d fields, found %s", FIELDS(sw),
                           n < 0 ? "a malformed one" : "another number");
        goto done;
    }
    uint64_t point;
    if (!canonical_count(fields[0], sw->n_points - 1, &point)) {
        st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                           "point '%s' is not a point of this sweep (0 to %llu)", fields[0],
                           (unsigned long long)sw->n_points - 1);
        goto done;
    }
    p = (int64_t)point;
    row->point = point;
    asim_sweep_decode(sw, row->point, idx);
    for (size_t a = 0; a < sw->n_axes; a++)
        if (strcmp(fields[1 + a], sw->axes[a].values[idx[a]]) != 0) {
            st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                               "point %lld has %s = '%s', but in this sweep it is '%s'",
                               (long long)p, sw->axes[a].key, fields[1 + a],
                               sw->axes[a].values[idx[a]]);
            goto done;
        }
    const char *status = fields[1 + sw->n_axes], *pareto = fields[FIELDS(sw) - 1];
    if (strcmp(status, "ok") != 0 && strcmp(status, "error") != 0) {
        st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                           "status '%s' is neither ok nor error", status);
        goto done;
    }
    if (strcmp(pareto, "") != 0 && strcmp(pareto, "0") != 0 && strcmp(pareto, "1") != 0) {
        st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                           "pareto '%s' is not empty, 0 or 1", pareto);
        goto done;
    }
    row->failed = strcmp(status, "error") == 0;
    char why[160];
    if (!results_ok(sw, fields, row->failed, why, sizeof why)) {
        st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0, "point %lld: %s",
                           (long long)p, why);
        goto done;
    }
    row->ok = !row->failed;
    for (size_t j = 0; j < sw->n_objectives && row->ok; j++) {
        const char *v = fields[METRIC_FIELD(sw, sw->objectives[j])];
        if (v[0] == '\0')
            row->ok = false; /* not finite: never on the front */
        else if (asim_parse_double(v, -HUGE_VAL, HUGE_VAL, &row->obj[j]) != ASIM_OK) {
            st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                               "%s = '%s' is not a number",
                               asim_sweep_metric_name(sw->objectives[j]), v);
            goto done;
        }
    }
    size_t text_len = len;
    while (line[text_len - 1] != ',') /* the pareto field, which holds no comma */
        text_len--;
    if (!(row->text = strndup(line, text_len - 1)))
        st = asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
done:
    free(copy);
    return st;
}

asim_status_t asim_sweep_file_parse(const asim_sweep_t *sw, asim_sweep_file_t *f,
                                    const char *name, const char *against, asim_error_t *err)
{
    char *def = asim_sweep_definition(sw), *hdr = asim_sweep_header(sw);
    uint32_t *line_of = calloc(sw->n_points ? sw->n_points : 1, sizeof *line_of);
    asim_status_t st = ASIM_OK;
    if (!def || !hdr || !line_of) {
        st = asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
        goto done;
    }
    const char *p = f->data, *end = f->data + f->complete;
    size_t lineno = 1;
    for (; p < end && st == ASIM_OK; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)(nl - p);
        const char *want = lineno == 1 ? def : hdr;
        if (lineno <= 2 && (strlen(want) != len || strncmp(p, want, len) != 0)) {
            char line[8192], why[600];
            snprintf(line, sizeof line, "%.*s", (int)(len < 8191 ? len : 8191), p);
            if (lineno == 1 && strncmp(line, "# accelsim-sweep/", 17) != 0)
                st = asim_error_set(err, ASIM_EARG, name,
                                    "exists and is not an accelsim sweep file (its first line "
                                    "is not '# %s ...')",
                                    ASIM_SWEEP_FORMAT);
            else if (lineno == 1 && sweep_difference_of(line, sw, against, why, sizeof why))
                st = asim_error_at(err, ASIM_EARG, name, 1, 0, "holds a different sweep: %s",
                                   why);
            else {
                first_difference(line, want, against, why, sizeof why);
                st = asim_error_at(err, ASIM_EARG, name, (int)lineno, 0,
                                   "holds a different sweep: %s %s", lineno == 1
                                   ? "its definition has" : "its header is", why);
            }
        } else if (lineno > 2) {
            asim_sweep_row_t row;
            st = parse_row(sw, p, len, name, lineno, &row, err);
            if (st == ASIM_OK && line_of[row.point]) {
                st = asim_error_at(err, ASIM_ESYNTAX, name, (int)lineno, 0,
                                   "point %llu is there twice (first at line %u)",
                                   (unsigned long long)row.point, line_of[row.point]);
                free(row.text);
            }
            if (st == ASIM_OK && f->n_rows % 1024 == 0) {
                asim_sweep_row_t *grown = realloc(f->rows, (f->n_rows + 1024) * sizeof *grown);
                if (!grown) {
                    free(row.text);
                    st = asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
                } else
                    f->rows = grown;
            }
            if (st == ASIM_OK) {
                line_of[row.point] = (uint32_t)lineno;
                f->rows[f->n_rows++] = row;
            }
        }
        p = nl + 1;
    }
    if (st == ASIM_OK && lineno < 3)
        st = asim_error_set(err, ASIM_ESYNTAX, name, "has no header line");
done:
    free(def);
    free(hdr);
    free(line_of);
    return st;
}

static int cmp_row_point(const void *a, const void *b)
{
    uint64_t x = ((const asim_sweep_row_t *)a)->point, y = ((const asim_sweep_row_t *)b)->point;
    return (x > y) - (x < y);
}

asim_status_t asim_sweep_write_final(const asim_sweep_t *sw, asim_sweep_row_t *rows, size_t n,
                                     const char *path, asim_error_t *err)
{
    qsort(rows, n, sizeof *rows, cmp_row_point);
    asim_status_t st = asim_sweep_pareto(sw, rows, n, err);
    if (st != ASIM_OK)
        return st;
    char *def = asim_sweep_definition(sw), *hdr = asim_sweep_header(sw);
    asim_outfile_t out;
    if (!def || !hdr)
        st = asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
    else if ((st = asim_outfile_open(&out, path, err)) == ASIM_OK) {
        fprintf(out.f, "%s\n%s\n", def, hdr);
        for (size_t i = 0; i < n; i++)
            fprintf(out.f, "%s,%d\n", rows[i].text, rows[i].pareto ? 1 : 0);
        st = asim_outfile_commit(&out, true, err);
    }
    free(def);
    free(hdr);
    return st;
}

/* Reads the sweep file at path into f (whole file, not yet parsed). */
static asim_status_t load_path(const char *path, asim_sweep_file_t *f, asim_error_t *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return asim_error_set(err, ASIM_EIO, path, "cannot open: %s", strerror(errno));
    asim_status_t st = asim_sweep_file_load(fd, path, f, err);
    close(fd);
    return st;
}

/* Rebuilds into sw the sweep that the first line of f defines. */
static asim_status_t definition_of(const asim_sweep_file_t *f, const char *name,
                                   asim_sweep_t *sw, asim_error_t *err)
{
    size_t len = strcspn(f->data, "\n");
    char *line = strndup(f->data, len), where[ASIM_PATH_MAX + 8];
    if (!line)
        return asim_error_set(err, ASIM_ENOMEM, name, "out of memory");
    snprintf(where, sizeof where, "%s:1", name);
    asim_status_t st = asim_sweep_parse_definition(sw, line, where, err);
    free(line);
    return st;
}

asim_status_t asim_sweep_read(const char *path, asim_sweep_t *sw, asim_sweep_file_t *f,
                              asim_error_t *err)
{
    asim_sweep_init(sw);
    asim_status_t st = load_path(path, f, err);
    if (st == ASIM_OK)
        st = definition_of(f, path, sw, err);
    if (st == ASIM_OK)
        st = asim_sweep_file_parse(sw, f, path, path, err);
    return st;
}

asim_status_t asim_sweep_merge(const char *out, const char *const *inputs, size_t n,
                               asim_error_t *err)
{
    asim_sweep_t sw;
    asim_sweep_init(&sw);
    asim_sweep_file_t *files = calloc(n ? n : 1, sizeof *files);
    uint32_t *owner = NULL;
    asim_sweep_row_t *all = NULL;
    size_t n_all = 0;
    asim_status_t st = files ? asim_outfile_check_distinct(&out, 1, inputs, n, err)
                             : asim_error_set(err, ASIM_ENOMEM, out, "out of memory");
    for (size_t i = 0; i < n && st == ASIM_OK; i++) {
        st = load_path(inputs[i], &files[i], err);
        if (st == ASIM_OK && i == 0)
            st = definition_of(&files[0], inputs[0], &sw, err);
        if (st == ASIM_OK)
            st = asim_sweep_file_parse(&sw, &files[i], inputs[i], inputs[0], err);
        if (st == ASIM_OK && files[i].complete != files[i].len)
            st = asim_error_set(err, ASIM_EARG, inputs[i],
                                "ends in a partial row; is that sweep still running?");
        n_all += files[i].n_rows;
    }
    if (st == ASIM_OK) {
        owner = calloc(sw.n_points, sizeof *owner);
        all = malloc((n_all ? n_all : 1) * sizeof *all);
        if (!owner || !all)
            st = asim_error_set(err, ASIM_ENOMEM, out, "out of memory");
    }
    n_all = 0;
    for (size_t i = 0; i < n && st == ASIM_OK; i++)
        for (size_t r = 0; r < files[i].n_rows && st == ASIM_OK; r++) {
            uint64_t p = files[i].rows[r].point;
            if (owner[p])
                st = asim_error_set(err, ASIM_EARG, inputs[i],
                                    "point %llu is also in %s; the inputs overlap",
                                    (unsigned long long)p, inputs[owner[p] - 1]);
            owner[p] = (uint32_t)i + 1;
            all[n_all++] = files[i].rows[r];
        }
    if (st == ASIM_OK && n_all != sw.n_points) {
        uint64_t first = 0;
        while (owner[first])
            first++;
        st = asim_error_set(err, ASIM_EARG, out,
                            "%llu of %llu points are in none of the inputs (the first is point "
                            "%llu); is a shard missing or unfinished?",
                            (unsigned long long)(sw.n_points - n_all),
                            (unsigned long long)sw.n_points, (unsigned long long)first);
    }
    if (st == ASIM_OK)
        st = asim_sweep_write_final(&sw, all, n_all, out, err);
    for (size_t i = 0; files && i < n; i++)
        asim_sweep_file_free(&files[i]);
    free(files);
    free(owner);
    free(all);
    asim_sweep_free(&sw);
    return st;
}
