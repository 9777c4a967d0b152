/*
 * topology_csv.c: SCALE-Sim GEMM topology files.
 *
 * Two formats, told apart by the header (docs/model-format.md):
 * - GEMM (as SCALE-Sim reads it with mnk inputs): a header row `Layer,M,N,K,` and one row
 *   per layer `name, M, N, K,`, where the layer multiplies an M x K input by a K x N filter.
 * - Convolution (SCALE-Sim's conv_nets): `Layer name, IFMAP Height, IFMAP Width, Filter
 *   Height, Filter Width, Channels, Num Filter, Strides,` and one row per layer; each becomes
 *   the im2col GEMM of asim_conv_lower, with SCALE-Sim's output size ceil((ifmap - filter
 *   + stride) / stride) and no other padding.
 *   A ninth column is the stride in width when the header names it `Stride...`; columns the
 *   header leaves unnamed or names otherwise (notes such as Resnet50.csv's Eh, Ew, e2) are
 *   ignored, as are rows with every field empty. A layer whose name contains `DP` is
 *   depthwise, as in SCALE-Sim: one group per channel.
 * The trailing comma is optional; blank lines are skipped; spaces around fields are ignored.
 * A UTF-8 byte order mark is skipped; lines may end in LF, CR LF or CR.
 * Each row becomes a GEMM op with 8-bit operands and a weight B, reading the model's input.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asim/model.h"
#include "config/yaml.h"

#define CSV_MAX_FIELDS 16
#define CONV_FIELDS 8 /* name and seven sizes */
#define CSV_MAX_BYTES (16u << 20)

static asim_status_t parse_csv(const char *path, char *text, asim_graph_t *g, asim_error_t *err);
static asim_status_t add_layer(const char *path, int line, asim_op_t *op, asim_graph_t *g,
                               asim_error_t *err);

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Splits a line at commas, in place; drops one empty field after a trailing comma. */
static int split_fields(char *line, char **fields)
{
    int n = 0;
    for (char *p = line;; p++) {
        char *comma = strchr(p, ',');
        if (n == CSV_MAX_FIELDS)
            return n + 1;
        fields[n++] = p;
        if (!comma)
            break;
        *comma = '\0';
        p = comma;
    }
    for (int i = 0; i < n; i++)
        fields[i] = trim(fields[i]);
    if (n > 1 && fields[n - 1][0] == '\0')
        n--;
    return n;
}

static asim_status_t parse_row(const char *path, int line, char **f, int n, asim_graph_t *g,
                               asim_error_t *err)
{
    static const char *const names[] = {"M", "N", "K"};
    if (n > CSV_MAX_FIELDS)
        return asim_error_at(err, ASIM_ESYNTAX, path, line, 0, "too many fields");
    if (n != 4)
        return asim_error_at(err, ASIM_ESYNTAX, path, line, 0,
                             "expected 4 fields 'name, M, N, K,' but found %d", n);
    if (f[0][0] == '\0' || strlen(f[0]) >= sizeof g->ops->name)
        return asim_error_at(err, ASIM_ESYNTAX, path, line, 0,
                             "layer name must be 1 to 63 characters");
    asim_op_t op = {.kind = ASIM_OP_GEMM, .count = 1, .a_bits = 8, .b_bits = 8, .out_bits = 8,
                    .b_is_weight = true};
    snprintf(op.name, sizeof op.name, "%s", f[0]);
    int64_t v[3];
    for (int i = 0; i < 3; i++) {
        asim_status_t st = asim_parse_int(f[i + 1], 1, ASIM_MODEL_MAX_DIM, &v[i]);
        if (st != ASIM_OK)
            return asim_error_at(err, st, path, line, 0,
                                 "%s = '%s' must be an integer from 1 to %u", names[i],
                                 f[i + 1], ASIM_MODEL_MAX_DIM);
    }
    op.m = (uint64_t)v[0], op.n = (uint64_t)v[1], op.k = (uint64_t)v[2];
    return add_layer(path, line, &op, g, err);
}

/* One convolution row; stride_w_col is the index of the stride-width column or 0. */
static asim_status_t parse_conv_row(const char *path, int line, char **f, int n,
                                    int stride_w_col, asim_graph_t *g, asim_error_t *err)
{
    static const char *const names[] = {"IFMAP Height", "IFMAP Width", "Filter Height",
                                        "Filter Width", "Channels", "Num Filter", "Strides",
                                        "Stride width"};
    int want = stride_w_col ? stride_w_col + 1 : CONV_FIELDS;
    if (n > CSV_MAX_FIELDS)
        return asim_error_at(err, ASIM_ESYNTAX, path, line, 0, "too many fields");
    if (n < want)
        return asim_error_at(err, ASIM_ESYNTAX, path, line, 0,
                             "expected %d fields 'Layer name, IFMAP Height, IFMAP Width, Filter "
                             "Height, Filter Width, Channels, Num Filter, Strides,' but found %d",
                             want, n);
    if (f[0][0] == '\0' || strlen(f[0]) >= sizeof g->ops->name)
        return asim_error_at(err, ASIM_ESYNTAX, path, line, 0,
                             "layer name must be 1 to 63 characters");
    int64_t v[8];
    for (int i = 0; i < want - 1; i++) {
        asim_status_t st = asim_parse_int(f[i + 1], 1, ASIM_MODEL_MAX_DIM, &v[i]);
        if (st != ASIM_OK)
            return asim_error_at(err, st, path, line, 0,
                                 "%s = '%s' must be an integer from 1 to %u", names[i],
                                 f[i + 1], ASIM_MODEL_MAX_DIM);
    }
    bool depthwise = strstr(f[0], "DP") != NULL;
    asim_conv_t c = {.batch = 1, .in_h = (uint64_t)v[0], .in_w = (uint64_t)v[1],
                     .filt_h = (uint64_t)v[2], .filt_w = (uint64_t)v[3],
                     .channels = (uint64_t)v[4], .filters = (uint64_t)v[5],
                     .stride_h = (uint64_t)v[6],
                     .stride_w = (uint64_t)(stride_w_col ? v[7] : v[6]),
                     .dilation_h = 1, .dilation_w = 1, .groups = 1, .ceil_mode = true};
    if (depthwise) { /* SCALE-Sim: Num Filter filters on each channel, one channel at a time */
        c.groups = c.channels;
        c.filters = c.channels * (uint64_t)v[5];
    }
    asim_op_t op = {.count = 1, .a_bits = 8, .b_bits = 8, .out_bits = 8};
    snprintf(op.name, sizeof op.name, "%s", f[0]);
    char why[160];
    asim_status_t st = asim_conv_lower(&c, &op, NULL, why, sizeof why);
    if (st != ASIM_OK)
        return asim_error_at(err, st, path, line, 0, "layer '%s': %s", f[0], why);
    return add_layer(path, line, &op, g, err);
}

/* Checks and appends one layer; it reads the model's input (SCALE-Sim layers are
 * independent). */
static asim_status_t add_layer(const char *path, int line, asim_op_t *op, asim_graph_t *g,
                               asim_error_t *err)
{
    op->inputs[0] = ASIM_INPUT_MODEL;
    op->n_inputs = 1;
    char why[160];
    asim_status_t st = asim_op_check(op, why, sizeof why);
    if (st == ASIM_OK)
        st = asim_graph_add(g, op, NULL);
    if (st != ASIM_OK)
        return asim_error_at(err, st, path, line, 0, "%s",
                             st == ASIM_ERANGE && g->len >= ASIM_MODEL_MAX_OPS
                                 ? "too many layers (the limit is 100000)" : why);
    return ASIM_OK;
}

/* SCALE-Sim's convolution topology: "Layer name, IFMAP Height, IFMAP Width, ...". */
static bool is_conv_header(char **f, int n)
{
    return n >= 2 && strcasecmp(trim(f[0]), "Layer name") == 0 &&
           strcasecmp(trim(f[1]), "IFMAP Height") == 0; /* untrimmed when over the field cap */
}

static bool all_empty(char **f, int n)
{
    for (int i = 0; i < n && i < CSV_MAX_FIELDS; i++)
        if (f[i][0] != '\0')
            return false;
    return true;
}

static bool is_header(char **f, int n)
{
    static const char *const want[] = {"Layer", "M", "N", "K"};
    if (n != 4)
        return false;
    for (int i = 0; i < 4; i++)
        if (strcasecmp(f[i], want[i]) != 0)
            return false;
    return true;
}

asim_status_t asim_model_load_csv(const char *path, asim_graph_t *g, asim_error_t *err)
{
    char *text;
    size_t len;
    asim_status_t st = asim_read_text_file(path, CSV_MAX_BYTES, &text, &len, err);
    if (st != ASIM_OK)
        return st;
    st = parse_csv(path, text, g, err);
    free(text);
    return st;
}

asim_status_t asim_model_parse_csv(const char *path, const char *data, size_t len,
                                   asim_graph_t *g, asim_error_t *err)
{
    asim_status_t st = asim_text_check(path, data, len, err);
    if (st != ASIM_OK)
        return st;
    if (len > CSV_MAX_BYTES)
        return asim_error_set(err, ASIM_ERANGE, path, "file is larger than %u bytes",
                              CSV_MAX_BYTES);
    char *text = malloc(len + 1);
    if (!text)
        return asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
    memcpy(text, data, len);
    text[len] = '\0';
    st = parse_csv(path, text, g, err);
    free(text);
    return st;
}

/* Parses NUL-terminated text, modifying it in place. */
static asim_status_t parse_csv(const char *path, char *text, asim_graph_t *g, asim_error_t *err)
{
    asim_status_t st = ASIM_OK;
    const char *base = strrchr(path, '/');
    asim_graph_init(g, base ? base + 1 : path);
    char *dot = strrchr(g->name, '.');
    if (dot)
        *dot = '\0';

    bool header = false, conv = false;
    int line = 0, stride_w_col = 0;
    if (strncmp(text, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark, as Excel writes */
        text += 3;
    for (char *row = text, *next; row && st == ASIM_OK; row = next) {
        /* Lines end in LF, CR LF or a lone CR (old Mac exports). */
        size_t len = strcspn(row, "\r\n");
        next = row[len] ? row + len + 1 + (row[len] == '\r' && row[len + 1] == '\n') : NULL;
        row[len] = '\0';
        line++;
        if (trim(row)[0] == '\0')
            continue;
        char *f[CSV_MAX_FIELDS];
        int n = split_fields(row, f);
        if (!header) {
            conv = is_conv_header(f, n);
            if (conv && n > CSV_MAX_FIELDS)
                st = asim_error_at(err, ASIM_ESYNTAX, path, line, 0, "too many fields");
            else if (conv && n > CONV_FIELDS && strncasecmp(f[CONV_FIELDS], "Stride", 6) == 0)
                stride_w_col = CONV_FIELDS;
            else if (!conv && !is_header(f, n))
                st = asim_error_at(err, ASIM_ESYNTAX, path, line, 0,
                                   "expected the SCALE-Sim GEMM header 'Layer,M,N,K,' or the "
                                   "convolution header 'Layer name, IFMAP Height, ...'");
            header = true;
            continue;
        }
        if (conv && all_empty(f, n))
            continue;
        st = conv ? parse_conv_row(path, line, f, n, stride_w_col, g, err)
                  : parse_row(path, line, f, n, g, err);
    }
    if (st == ASIM_OK && g->len == 0)
        st = asim_error_set(err, ASIM_EMODEL, path, "no layers (expected a header "
                                                    "and one row per layer)");
    if (st != ASIM_OK)
        asim_graph_free(g);
    return st;
}
