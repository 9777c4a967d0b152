/*
 * onnx.c: ONNX and QONNX models (docs/onnx.md).
 *
 * The file is decoded by protobuf-c with the schema compiled from Debian's onnx.proto; this
 * file only walks the decoded messages. Shapes come from the graph inputs (symbolic
 * dimensions take the user's values), the initializers' dims (their data may be inline,
 * external or stripped: only shapes matter) and shape inference per node; small integer
 * tensors (Shape -> Gather -> Concat -> Reshape chains) are evaluated so that reshapes get
 * their sizes. Nodes run in a topological order (a cycle is an error naming its nodes).
 *
 * Each node maps to asim ops by its type (the `handlers` table):
 *   compute     MatMul, Gemm, Conv (im2col, asim_conv_lower), MatMulInteger, QLinearMatMul
 *               -> gemm; Softmax, LayerNormalization, Relu, Tanh -> their ops; Sigmoid ->
 *               tanh (sigmoid(x) = (1 + tanh(x/2)) / 2); Gelu -> gelu; Add/Sub -> add,
 *               Mul/Div -> mul.
 *   patterns    partial results carry a role, so that ReduceMean/Sub/Pow/Sqrt/Div/Reciprocal/
 *               Mul chains become one layernorm or rmsnorm, Div/Erf/Add/Mul and the
 *               Pow/Mul/Add/Tanh form become one gelu, x * Sigmoid(x) one silu, and
 *               x cos + rotate_half(x) sin (constant tables) one rope. A partial result
 *               read any other way is an error (a sigmoid or a table product becomes its
 *               own op then).
 *   folded      an elementwise op with a scalar or per-channel constant (bias, scale,
 *               LayerNorm's gamma and beta) after an op is that op's epilogue; Where with a
 *               constant mask and a constant fill is a masked epilogue; Neg, Cast and the
 *               quantization nodes change no work (the latter set the tensor's bits).
 *   views       Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Identity, Dropout, Slice,
 *               Split, Gather, Concat, Expand, Shape, Constant, ConstantOfShape, Range:
 *               no op; their bytes move as part of the next op's loads.
 * Unsupported node types are all listed, by name and count, before anything is mapped.
 *
 * protobuf-c copies every bytes field, the weights' raw_data too, into the decoded message.
 * Its allocations come from an arena (`arena_t`) released at once after the import: for a
 * large file, one mapping on huge pages faulted in by the kernel in one call, so that inline
 * weights cost one memcpy of their bytes and no page fault, mapping or free per tensor
 * (docs/performance.md). The file itself is mapped, not read.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "asim/checked.h"
#include "asim/model.h"
#include "config/yaml.h"
#include "onnx.pb-c.h"
#include "util/memory.h"

#define ONNX_MAX_BYTES ((size_t)INT32_MAX) /* protobuf's limit: a message under 2 GiB */
#define MAX_RANK 8
#define MAX_VALUES 64  /* elements of a constant the importer evaluates */
#define MAX_PARAMS 16  /* symbolic dimensions given on the command line */
#define DEFAULT_BITS 8 /* float tensors run at the built-ins' 8 bits */
#define OPSET_MIN 11
#define OPSET_MAX 21
#define NONE UINT32_MAX

/* Partial results of the recognized patterns (see the header comment). */
typedef enum {
    R_NONE,
    R_MEAN,     /* ReduceMean(x) */
    R_CENTERED, /* x - mean(x) */
    R_SQ,       /* square of x or of x - mean */
    R_MEANSQ,   /* mean of that (+ eps) */
    R_ROOT,     /* its square root */
    R_INVROOT,  /* 1 / root */
    R_ERF,      /* erf(x / sqrt 2) */
    R_ERF1,     /* 1 + erf */
    R_CUBE,     /* c x^3 */
    R_POLY,     /* x + c x^3 (scaled) */
    R_TANHP,    /* tanh of that */
    R_TANHP1,   /* 1 + tanh */
    R_SIGMOID,  /* sigmoid(x): silu when multiplied by x, else a tanh op */
    R_TABLE,    /* x times a constant table (RoPE's cos or sin): rope when two of them from
                   the same op are added, else a mul op */
} role_t;

typedef struct {
    const char *name;
    bool defined;            /* shape known */
    bool konst;              /* value known before the run: initializer, Constant, or
                                computed from them only */
    int rank;
    uint64_t dims[MAX_RANK];
    int32_t dtype;           /* ONNX element type, 0 = unknown */
    int bits;                /* precision of an activation or weight */
    uint32_t producer;       /* asim op that writes it, or ASIM_INPUT_MODEL */
    uint32_t origin;         /* the tensor this one is a scaled or viewed copy of */
    role_t role;
    bool centered;           /* R_SQ..R_INVROOT: of x - mean (LayerNorm) or x (RMSNorm) */
    uint32_t base;           /* the pattern's input x (an origin) */
    uint32_t role_node;      /* the node that gave the role (views copy it) */
    bool nchw;               /* a Conv's output map, or elementwise on one: channels are
                                the GEMM's columns, so vector ops run along dims[1] */
    uint32_t node;           /* producing node, or NONE */
    int n_val;               /* values known (konst, at most MAX_VALUES), else 0 */
    double *val;
} tensor_t;

typedef struct {
    const char *path;
    Onnx__GraphProto *graph;
    asim_graph_t *g;
    asim_error_t *err;
    tensor_t *t;
    size_t n_t, cap_t;
    uint32_t *slots;         /* hash table of tensor names: index or NONE */
    uint32_t *node_op;       /* per node: the op a sigmoid or table product became, or NONE */
    size_t n_slots;
    int opset;
    struct {
        char name[64];
        int64_t value;
        bool used;
    } params[MAX_PARAMS];
    int n_params;
} ctx_t;

/* ---- the decoder's memory ---- */

#define ARENA_HUGE ((size_t)2 << 20)  /* a transparent huge page */
#define ARENA_CHUNK ((size_t)64 << 10) /* a heap chunk: under malloc's mmap threshold */

/* Bump allocation from chunks released together, each headed by a chunk_t. An input of 4 MiB
 * or more first gets one mapping of its length on huge pages (protobuf-c's copies of bytes
 * fields and strings never exceed it: each is checked against the input before it is
 * allocated); everything else (the decoded structs) comes in heap chunks, whose pages a
 * long-running program has touched already. */
typedef struct chunk {
    struct chunk *prev;
    size_t map_len;           /* bytes mapped, 0 for a heap chunk */
    max_align_t align[];
} chunk_t;

typedef struct {
    size_t input_len;
    chunk_t *last;
    char *next, *end;
} arena_t;

/* A mapping of len bytes (len >= 2 ARENA_HUGE) whose pages are huge where aligned and all
 * faulted in by one call here (on a kernel without MADV_POPULATE_WRITE, by the copies). */
static chunk_t *huge_chunk(size_t len, char **next)
{
    void *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
                      MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    chunk_t *ch = base;
    ch->map_len = len;
    *next = (char *)(((uintptr_t)ch->align + ARENA_HUGE - 1) & ~(uintptr_t)(ARENA_HUGE - 1));
    size_t rest = len - (size_t)(*next - (char *)base);
    madvise(*next, rest, MADV_HUGEPAGE);
    asim_prefault(*next, rest);
    return ch;
}

static bool arena_grow(arena_t *a, size_t need)
{
    chunk_t *ch;
    size_t len;
    char *next;
    if (!a->last && a->input_len >= 2 * ARENA_HUGE && a->input_len < SIZE_MAX / 2) {
        len = a->input_len + 2 * ARENA_HUGE; /* + the struct ahead and the alignment */
        ch = huge_chunk(len, &next);
    } else {
        if (need > SIZE_MAX - ARENA_CHUNK - sizeof *ch)
            return false;
        len = sizeof *ch + (need > ARENA_CHUNK / 2 ? need : ARENA_CHUNK);
        ch = malloc(len);
        if (ch) {
            ch->map_len = 0;
            next = (char *)ch->align;
        }
    }
    if (!ch)
        return false;
    ch->prev = a->last;
    a->last = ch;
    a->next = next;
    a->end = (char *)ch + len;
    return (size_t)(a->end - a->next) >= need || arena_grow(a, need);
}

static void *arena_alloc(void *data, size_t size)
{
    arena_t *a = data;
    if (size > SIZE_MAX - 15)
        return NULL;
    size = size ? (size + 15) & ~(size_t)15 : 16; /* max_align_t; never NULL for 0 bytes */
    if ((size_t)(a->end - a->next) < size && !arena_grow(a, size))
        return NULL;
    void *p = a->next;
    a->next += size;
    return p;
}

static void arena_free(void *data, void *p)
{
    (void)data, (void)p; /* everything goes at once, in arena_release */
}

static void arena_release(arena_t *a)
{
    for (chunk_t *ch = a->last, *prev; ch; ch = prev) {
        prev = ch->prev;
        if (ch->map_len)
            munmap(ch, ch->map_len);
        else
            free(ch);
    }
    a->last = NULL;
}

typedef asim_status_t (*handler_fn)(ctx_t *c, const Onnx__NodeProto *n);

/* ---- errors ---- */

static void node_label(const Onnx__NodeProto *n, char *buf, size_t len)
{
    const char *name = n->name && n->name[0] ? n->name : n->n_output ? n->output[0] : "";
    snprintf(buf, len, "node '%.120s' (%.40s)", name, n->op_type ? n->op_type : "?");
}

static asim_status_t node_error(ctx_t *c, const Onnx__NodeProto *n, asim_status_t code,
                                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static asim_status_t node_error(ctx_t *c, const Onnx__NodeProto *n, asim_status_t code,
                                const char *fmt, ...)
{
    char label[200], msg[ASIM_ERROR_MSG_MAX];
    node_label(n, label, sizeof label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return asim_error_set(c->err, code, c->path, "%s: %s", label, msg);
}

static void shape_text(const tensor_t *t, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "[");
    for (int i = 0; i < t->rank && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%llu", i ? ", " : "",
                                 (unsigned long long)t->dims[i]);
    if (used < len)
        snprintf(buf + used, len - used, "]");
}

/* ---- the tensor table ---- */

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static uint32_t *slot_of(ctx_t *c, const char *name)
{
    size_t mask = c->n_slots - 1;
    for (size_t i = name_hash(name) & mask;; i = (i + 1) & mask) {
        uint32_t *s = &c->slots[i];
        if (*s == NONE || strcmp(c->t[*s].name, name) == 0)
            return s;
    }
}

static uint32_t find_tensor(ctx_t *c, const char *name)
{
    return *slot_of(c, name);
}

/* A new tensor named `name`; false if the name is taken. */
static bool new_tensor(ctx_t *c, const char *name, uint32_t *index)
{
    uint32_t *s = slot_of(c, name);
    if (*s != NONE)
        return false;
    ASIM_ASSERT(c->n_t < c->cap_t);
    *s = (uint32_t)c->n_t;
    tensor_t *t = &c->t[c->n_t];
    memset(t, 0, sizeof *t);
    t->name = name;
    t->bits = DEFAULT_BITS;
    t->producer = ASIM_INPUT_MODEL;
    t->origin = t->base = (uint32_t)c->n_t;
    t->node = NONE;
    *index = (uint32_t)c->n_t++;
    return true;
}

static uint64_t elements(const tensor_t *t)
{
    uint64_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= t->dims[i]; /* each tensor's element count is checked against the cap when set */
    return n;
}

/* Sets a tensor's shape, refusing ranks over MAX_RANK, zero dims and sizes over the cap. */
static asim_status_t set_shape(ctx_t *c, const Onnx__NodeProto *n, tensor_t *t, int rank,
                               const uint64_t *dims)
{
    if (rank > MAX_RANK)
        return node_error(c, n, ASIM_EUNSUPPORTED, "output '%s' has rank %d; at most %d",
                          t->name, rank, MAX_RANK);
    if (t->nchw && (rank != t->rank || memcmp(dims, t->dims, (size_t)rank * sizeof *dims)))
        t->nchw = false; /* a reshape or transpose of the map: rows are the last axis again */
    uint64_t total = 1;
    for (int i = 0; i < rank; i++)
        if (dims[i] == 0 || !asim_mul_u64(total, dims[i], &total) ||
            total > ASIM_MODEL_MAX_WORK)
            return node_error(c, n, ASIM_ERANGE, "output '%s': dimension %d is %llu; sizes must "
                              "be 1 or more and at most 2^50 elements", t->name, i,
                              (unsigned long long)dims[i]);
    memmove(t->dims, dims, (size_t)rank * sizeof *dims);
    t->rank = rank;
    t->defined = true;
    return ASIM_OK;
}

static asim_status_t set_values(ctx_t *c, tensor_t *t, const double *v, int n)
{
    free(t->val);
    t->val = NULL;
    t->n_val = 0;
    if (n <= 0 || n > MAX_VALUES)
        return ASIM_OK;
    t->val = malloc((size_t)n * sizeof *v);
    if (!t->val)
        return asim_error_set(c->err, ASIM_ENOMEM, c->path, "out of memory");
    memcpy(t->val, v, (size_t)n * sizeof *v);
    t->n_val = n;
    return ASIM_OK;
}

/* ---- TensorProto contents ---- */

static int elem_size(int32_t type)
{
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return 1;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16:
        return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return 8;
    default: return 0;
    }
}

/* Integer bits of an element type, 0 for float types and unknown ones. */
static int int_bits(int32_t type)
{
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
        return 16;
    case 21: case 22: return 4; /* UINT4, INT4 (onnx.proto 1.16; not in Debian's 1.12) */
    default: return 0;
    }
}

static double raw_value(const uint8_t *p, int32_t type)
{
    union { float f; double d; int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32;
            uint32_t u32; int64_t i64; uint64_t u64; } u;
    memcpy(&u, p, (size_t)elem_size(type)); /* ONNX raw data is little-endian, as our hosts */
    switch (type) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: return u.f;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return u.d;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return u.i8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
        return u.u8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: return u.i16;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return u.u16;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return u.i32;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return u.u32;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return (double)u.i64;
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return (double)u.u64;
    default: return 0;
    }
}

/* An error about a constant: an initializer (n NULL) or a Constant node's value. */
static asim_status_t tensor_error(ctx_t *c, const Onnx__NodeProto *n, const tensor_t *t,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static asim_status_t tensor_error(ctx_t *c, const Onnx__NodeProto *n, const tensor_t *t,
                                  const char *fmt, ...)
{
    char msg[ASIM_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        return node_error(c, n, ASIM_EMODEL, "value: %s", msg);
    return asim_error_set(c->err, ASIM_EMODEL, c->path, "initializer '%.120s': %s", t->name, msg);
}

/* Reads a TensorProto's shape into t and, for small tensors with inline data, its values.
 * The data present must match the shape; n is the Constant node, NULL for an initializer. */
static asim_status_t read_tensor_proto(ctx_t *c, const Onnx__NodeProto *n,
                                       const Onnx__TensorProto *tp, tensor_t *t)
{
    uint64_t dims[MAX_RANK];
    if (tp->n_dims > MAX_RANK)
        return tensor_error(c, n, t, "rank %zu; at most %d", tp->n_dims, MAX_RANK);
    uint64_t count = 1;
    for (size_t i = 0; i < tp->n_dims; i++) {
        if (tp->dims[i] < 1 || (uint64_t)tp->dims[i] > ASIM_MODEL_MAX_WORK ||
            !asim_mul_u64(count, (uint64_t)tp->dims[i], &count) || count > ASIM_MODEL_MAX_WORK)
            return tensor_error(c, n, t, "dimension %zu is %lld; sizes must be 1 or more and "
                                "at most 2^50 elements", i, (long long)tp->dims[i]);
        dims[i] = (uint64_t)tp->dims[i];
    }
    memcpy(t->dims, dims, tp->n_dims * sizeof *dims);
    t->rank = (int)tp->n_dims;
    t->defined = t->konst = true;
    t->dtype = tp->data_type;
    int size = elem_size(tp->data_type);
    size_t typed = tp->n_float_data + tp->n_int32_data + tp->n_int64_data + tp->n_double_data +
                   tp->n_uint64_data;
    bool external = tp->has_data_location &&
                    tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    if (external || (tp->raw_data.len == 0 && typed == 0))
        return ASIM_OK; /* stripped or external: the shape is all the simulator needs */
    bool raw = tp->raw_data.len > 0;
    uint64_t have = raw ? tp->raw_data.len : typed, want = raw ? count * (uint64_t)size : count;
    bool half = tp->n_int32_data && size == 2; /* float16 in int32_data: one per element */
    if (size && have != want && !(half && typed == count))
        return tensor_error(c, n, t, "weight shape mismatch: its shape has %llu elements, "
                            "%llu %s, but it holds %llu", (unsigned long long)count,
                            (unsigned long long)want, raw ? "bytes" : "values",
                            (unsigned long long)have);
    if (count > MAX_VALUES || !size)
        return ASIM_OK;
    double v[MAX_VALUES];
    for (uint64_t i = 0; i < count; i++) {
        if (raw)
            v[i] = raw_value(tp->raw_data.data + i * (uint64_t)size, tp->data_type);
        else if (tp->n_float_data)
            v[i] = tp->float_data[i];
        else if (tp->n_int32_data)
            v[i] = tp->int32_data[i];
        else if (tp->n_int64_data)
            v[i] = (double)tp->int64_data[i];
        else if (tp->n_double_data)
            v[i] = tp->double_data[i];
        else
            v[i] = (double)tp->uint64_data[i];
    }
    return set_values(c, t, v, (int)count);
}

/* ---- attributes and inputs ---- */

static const Onnx__AttributeProto *attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    return NULL;
}

static int64_t attr_int(const Onnx__NodeProto *n, const char *name, int64_t dflt)
{
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_i ? a->i : dflt;
}

/* Input i of n (NULL if absent or empty: an omitted optional input). */
static tensor_t *input(ctx_t *c, const Onnx__NodeProto *n, size_t i)
{
    if (i >= n->n_input || !n->input[i][0])
        return NULL;
    uint32_t k = find_tensor(c, n->input[i]);
    return k == NONE ? NULL : &c->t[k];
}

static tensor_t *output(ctx_t *c, const Onnx__NodeProto *n, size_t i)
{
    if (i >= n->n_output || !n->output[i][0])
        return NULL;
    return &c->t[find_tensor(c, n->output[i])];
}

static asim_status_t need_input(ctx_t *c, const Onnx__NodeProto *n, size_t i, tensor_t **t)
{
    *t = input(c, n, i);
    if (!*t)
        return node_error(c, n, ASIM_EMODEL, "input %zu is missing", i);
    return ASIM_OK;
}

/* Input 0 (required) and output 0 (NULL when the node leaves it unnamed). */
static asim_status_t in_out(ctx_t *c, const Onnx__NodeProto *n, tensor_t **in, tensor_t **out)
{
    *out = output(c, n, 0);
    return need_input(c, n, 0, in);
}

/* Integer values of a constant input (axes, shapes, starts...); `what` names it. */
static asim_status_t int_values(ctx_t *c, const Onnx__NodeProto *n, const tensor_t *t,
                                const char *what, int64_t *out, int *count, int max)
{
    if (!t->konst || (t->n_val == 0 && elements(t) != 0) || t->n_val > max)
        return node_error(c, n, ASIM_EUNSUPPORTED, "its %s ('%s') is not a constant the "
                          "importer can evaluate (at most %d values, computed from constants "
                          "and shapes only)", what, t->name, max);
    for (int i = 0; i < t->n_val; i++) {
        double v = t->val[i];
        if (v != floor(v)) /* NaN too */
            return node_error(c, n, ASIM_EMODEL, "its %s ('%s') holds %g, not an integer",
                              what, t->name, v);
        /* INT64_MIN/MAX ("to the end" in Slice) become the nearest in-range value */
        out[i] = v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
    }
    *count = t->n_val;
    return ASIM_OK;
}

/* Inputs 0 and 1 (required) and output 0 (NULL when unnamed). */
static asim_status_t in2_out(ctx_t *c, const Onnx__NodeProto *n, tensor_t **a, tensor_t **b,
                             tensor_t **out)
{
    asim_status_t st = in_out(c, n, a, out);
    return st != ASIM_OK ? st : need_input(c, n, 1, b);
}

/* An integer list given as attribute `name` (older opsets) or as constant input `index`
 * (newer ones); none: count 0. */
static asim_status_t ints_of(ctx_t *c, const Onnx__NodeProto *n, const char *name, size_t index,
                             int64_t *out, int *count, int max)
{
    const Onnx__AttributeProto *a = attr(n, name);
    tensor_t *t = input(c, n, index);
    *count = 0;
    if (a && a->n_ints > (size_t)max)
        return node_error(c, n, ASIM_EMODEL, "%s has %zu entries; at most %d", name, a->n_ints,
                          max);
    if (a) {
        *count = (int)a->n_ints;
        for (size_t i = 0; i < a->n_ints; i++) /* a->ints is NULL when empty */
            out[i] = a->ints[i];
        return ASIM_OK;
    }
    return t ? int_values(c, n, t, name, out, count, max) : ASIM_OK;
}

/* An axis in [-rank, rank) made non-negative. */
static asim_status_t axis_of(ctx_t *c, const Onnx__NodeProto *n, int64_t axis, int rank,
                             int *out)
{
    if (axis < -rank || axis >= rank)
        return node_error(c, n, ASIM_EMODEL, "axis %lld is outside a rank-%d tensor",
                          (long long)axis, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return ASIM_OK;
}

/* Axes from attribute `axes` (older opsets) or input 1 (newer); all axes if neither. */
static asim_status_t axes_of(ctx_t *c, const Onnx__NodeProto *n, int rank, bool *mask,
                             bool *given)
{
    int64_t axes[MAX_RANK + 1];
    int count;
    asim_status_t st = ints_of(c, n, "axes", 1, axes, &count, MAX_RANK + 1);
    if (st != ASIM_OK)
        return st;
    memset(mask, 0, (size_t)(rank + 1) * sizeof *mask);
    *given = count > 0;
    for (int i = 0; i < count; i++) {
        int ax = 0;
        if ((st = axis_of(c, n, axes[i], rank, &ax)) != ASIM_OK)
            return st;
        mask[ax] = true;
    }
    return ASIM_OK;
}

/* ---- emitting asim ops ---- */

/* The asim op name: the node's name (or first output), its last 63 characters. */
static void op_name(const Onnx__NodeProto *n, char *buf, size_t len)
{
    const char *name = n->name && n->name[0] ? n->name : n->n_output ? n->output[0] : "onnx";
    while (*name == '/')
        name++;
    size_t l = strlen(name);
    snprintf(buf, len, "%s", l >= len ? name + l - (len - 1) : name);
}

/* Appends op for node n; its output tensor `out` then comes from it. */
static asim_status_t emit(ctx_t *c, const Onnx__NodeProto *n, asim_op_t *op, tensor_t *out)
{
    op_name(n, op->name, sizeof op->name);
    if (op->count == 0)
        op->count = 1;
    if (op->out_bits == 0)
        op->out_bits = op->a_bits;
    char why[160];
    asim_status_t st = asim_op_check(op, why, sizeof why);
    if (st != ASIM_OK)
        return node_error(c, n, st, "%s", why);
    st = asim_graph_add(c->g, op, c->err);
    if (st != ASIM_OK)
        return st;
    out->producer = (uint32_t)(c->g->len - 1);
    out->konst = false;
    out->origin = (uint32_t)(out - c->t);
    out->role = R_NONE;
    return ASIM_OK;
}

/* A vector op over tensor shape `t`: cols = last dim, rows = the one before, count = the
 * rest (folded into rows past the count cap); on a conv map, rows of channels. */
static void vector_shape(const tensor_t *t, asim_op_t *op)
{
    if (t->nchw) { /* N x C x H x W, stored pixel by pixel: rows of C channels */
        op->rows = t->dims[0] * t->dims[2] * t->dims[3], op->cols = t->dims[1], op->count = 1;
        return;
    }
    uint64_t cols = t->rank ? t->dims[t->rank - 1] : 1;
    uint64_t rows = t->rank >= 2 ? t->dims[t->rank - 2] : 1, count = 1;
    for (int i = 0; i + 2 < t->rank; i++)
        count *= t->dims[i];
    if (count > ASIM_MODEL_MAX_COUNT) {
        rows *= count;
        count = 1;
    }
    op->rows = rows, op->cols = cols, op->count = count;
}

static asim_status_t emit_vector(ctx_t *c, const Onnx__NodeProto *n, asim_op_kind_t kind,
                                 const tensor_t *a, const tensor_t *b, tensor_t *out)
{
    asim_op_t op = {.kind = kind, .a_bits = a->bits, .n_inputs = b ? 2 : 1};
    vector_shape(out, &op);
    op.inputs[0] = a->producer;
    op.inputs[1] = b ? b->producer : ASIM_INPUT_MODEL;
    out->bits = a->bits;
    return emit(c, n, &op, out);
}

/* Output 0 as a copy of `in`: same shape, producer, bits and origin (a view or a fold). */
static void alias(tensor_t *out, const tensor_t *in)
{
    const char *name = out->name;
    uint32_t node = out->node;
    double *val = out->val;
    *out = *in;
    out->name = name;
    out->node = node;
    out->val = val; /* values are set by the caller (set_values) */
    out->n_val = 0;
}

/* A partial result read as a plain tensor: a sigmoid becomes its tanh op here, a product
 * with a table its mul op (each named after its own node); any other role is an
 * unfinished pattern. */
static asim_status_t realize(ctx_t *c, const Onnx__NodeProto *n, tensor_t *t)
{
    if (t->role == R_NONE)
        return ASIM_OK;
    if (t->role == R_SIGMOID || t->role == R_TABLE) {
        uint32_t *op = &c->node_op[t->role_node];
        if (*op != NONE) { /* a view of a result already realized: the same op */
            t->producer = *op;
            t->role = R_NONE;
            t->origin = (uint32_t)(t - c->t);
            return ASIM_OK;
        }
        /* sigmoid(x) = (1 + tanh(x / 2)) / 2: one tanh pass */
        asim_status_t st = emit_vector(c, c->graph->node[t->role_node],
                                       t->role == R_SIGMOID ? ASIM_OP_TANH : ASIM_OP_MUL,
                                       &c->t[t->base], NULL, t);
        *op = t->producer;
        return st;
    }
    return node_error(c, n, ASIM_EUNSUPPORTED, "reads '%s', part of a LayerNorm, RMSNorm or "
                      "GELU pattern that is not finished the way the importer recognizes "
                      "(docs/onnx.md)", t->name);
}

/* out as a view of `in` with a new shape: same producer, bits and (small) values. */
static asim_status_t view_as(ctx_t *c, const Onnx__NodeProto *n, tensor_t *out,
                             const tensor_t *in, int rank, const uint64_t *dims)
{
    alias(out, in);
    asim_status_t st = set_shape(c, n, out, rank, dims);
    return st != ASIM_OK ? st : set_values(c, out, in->val, in->n_val);
}

/* ---- shape helpers ---- */

/* Numpy broadcast of a and b into out; false if they do not broadcast. */
static bool broadcast(const tensor_t *a, const tensor_t *b, int *rank, uint64_t *dims)
{
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int i = 0; i < r; i++) {
        int ia = i - (r - a->rank), ib = i - (r - b->rank);
        uint64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return false;
        dims[i] = da > db ? da : db;
    }
    *rank = r;
    return true;
}

static asim_status_t broadcast_error(ctx_t *c, const Onnx__NodeProto *n, const tensor_t *a,
                                     const tensor_t *b)
{
    char sa[96], sb[96];
    shape_text(a, sa, sizeof sa);
    shape_text(b, sb, sizeof sb);
    return node_error(c, n, ASIM_EMODEL, "shapes %s ('%s') and %s ('%s') do not broadcast",
                      sa, a->name, sb, b->name);
}

/* Elementwise values of out = f(a, b) with broadcasting, when both are known. */
static asim_status_t eval_binary(ctx_t *c, const char *op, const tensor_t *a, const tensor_t *b,
                                 tensor_t *out)
{
    uint64_t count = elements(out);
    if (!a->n_val || !b->n_val || count > MAX_VALUES)
        return ASIM_OK;
    double v[MAX_VALUES];
    for (uint64_t i = 0; i < count; i++) {
        /* index into each operand by the broadcast rule */
        uint64_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
        for (int d = out->rank - 1; d >= 0; d--) {
            uint64_t idx = rem % out->dims[d];
            rem /= out->dims[d];
            int da = d - (out->rank - a->rank), db = d - (out->rank - b->rank);
            if (da >= 0) {
                ia += (a->dims[da] == 1 ? 0 : idx) * sa;
                sa *= a->dims[da];
            }
            if (db >= 0) {
                ib += (b->dims[db] == 1 ? 0 : idx) * sb;
                sb *= b->dims[db];
            }
        }
        if (ia >= (uint64_t)a->n_val || ib >= (uint64_t)b->n_val)
            return ASIM_OK;
        double x = a->val[ia], y = b->val[ib];
        switch (op[0]) {
        case 'A': v[i] = x + y; break;
        case 'S': v[i] = x - y; break;
        case 'M': v[i] = x * y; break;
        case 'D': v[i] = y != 0 ? (a->dtype == ONNX__TENSOR_PROTO__DATA_TYPE__INT64 ||
                                   a->dtype == ONNX__TENSOR_PROTO__DATA_TYPE__INT32
                                       ? trunc(x / y) : x / y)
                               : 0; break;
        case 'E': v[i] = x == y; break;
        case 'P': v[i] = pow(x, y); break;
        default: return ASIM_OK;
        }
    }
    return set_values(c, out, v, (int)count);
}

/* ---- handlers: data movement (views) ---- */

static asim_status_t h_identity(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    alias(out, in);
    return set_values(c, out, in->val, in->n_val);
}

/* Cast keeps the bits of an activation; on a constant it may change integer values. */
static asim_status_t h_cast(ctx_t *c, const Onnx__NodeProto *n)
{
    asim_status_t st = h_identity(c, n);
    tensor_t *out = output(c, n, 0);
    if (st == ASIM_OK && out)
        out->dtype = (int32_t)attr_int(n, "to", 0);
    return st;
}

static asim_status_t h_constant(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *out = output(c, n, 0);
    if (!out)
        return node_error(c, n, ASIM_EMODEL, "has no output");
    const Onnx__AttributeProto *a;
    double v[MAX_VALUES];
    if ((a = attr(n, "value")) && a->t)
        return read_tensor_proto(c, n, a->t, out);
    out->konst = out->defined = true;
    out->rank = 0;
    if ((a = attr(n, "value_int")) || (a = attr(n, "value_float"))) {
        v[0] = a->has_i ? (double)a->i : a->f;
        return set_values(c, out, v, 1);
    }
    if ((a = attr(n, "value_ints")) || (a = attr(n, "value_floats"))) {
        size_t count = a->n_ints ? a->n_ints : a->n_floats;
        if (count == 0 || count > MAX_VALUES)
            return node_error(c, n, ASIM_EUNSUPPORTED, "a list constant of %zu values", count);
        for (size_t i = 0; i < count; i++)
            v[i] = a->n_ints ? (double)a->ints[i] : a->floats[i];
        out->rank = 1;
        out->dims[0] = count;
        return set_values(c, out, v, (int)count);
    }
    return node_error(c, n, ASIM_EUNSUPPORTED, "a Constant without a value tensor, int or "
                      "float (sparse and string constants are unsupported)");
}

static asim_status_t h_shape(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    int64_t start = attr_int(n, "start", 0), end = attr_int(n, "end", in->rank);
    start = start < 0 ? start + in->rank : start;
    end = end < 0 ? end + in->rank : end;
    start = start < 0 ? 0 : start > in->rank ? in->rank : start;
    end = end < start ? start : end > in->rank ? in->rank : end;
    double v[MAX_RANK];
    for (int64_t i = start; i < end; i++)
        v[i - start] = (double)in->dims[i];
    uint64_t len = (uint64_t)(end - start);
    out->konst = true;
    out->dtype = ONNX__TENSOR_PROTO__DATA_TYPE__INT64;
    if (len == 0) { /* an empty shape: rank 1 of length 0 is not a size we keep */
        out->defined = true;
        out->rank = 1;
        out->dims[0] = 0;
        return ASIM_OK;
    }
    st = set_shape(c, n, out, 1, &len);
    return st != ASIM_OK ? st : set_values(c, out, v, (int)len);
}

static asim_status_t h_reshape(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *shape, *out;
    asim_status_t st = in2_out(c, n, &in, &shape, &out);
    if (st != ASIM_OK || !out)
        return st;
    int64_t want[MAX_RANK];
    int rank;
    if ((st = int_values(c, n, shape, "shape", want, &rank, MAX_RANK)) != ASIM_OK)
        return st;
    uint64_t dims[MAX_RANK], known = 1, total = elements(in);
    int infer = -1;
    bool allowzero = attr_int(n, "allowzero", 0) != 0;
    for (int i = 0; i < rank; i++) {
        if (want[i] == -1 && infer < 0) {
            infer = i;
            dims[i] = 1;
            continue;
        }
        if (want[i] == 0 && !allowzero && i < in->rank)
            dims[i] = in->dims[i];
        else if (want[i] < 1)
            return node_error(c, n, ASIM_EMODEL, "shape entry %d is %lld", i,
                              (long long)want[i]);
        else
            dims[i] = (uint64_t)want[i];
        if (!asim_mul_u64(known, dims[i], &known))
            return node_error(c, n, ASIM_ERANGE, "shape too large");
    }
    if (infer >= 0 && known && total % known == 0)
        dims[infer] = total / known, known = total;
    if (known != total) {
        char s[96];
        shape_text(in, s, sizeof s);
        return node_error(c, n, ASIM_EMODEL, "cannot reshape %s ('%s', %llu elements) to %d "
                          "dimensions of %llu elements", s, in->name,
                          (unsigned long long)total, rank, (unsigned long long)known);
    }
    return view_as(c, n, out, in, rank, dims);
}

static asim_status_t h_flatten(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    int axis = 0;
    int64_t a = attr_int(n, "axis", 1);
    if (a != in->rank && (st = axis_of(c, n, a, in->rank, &axis)) != ASIM_OK)
        return st;
    axis = a == in->rank ? in->rank : axis;
    uint64_t dims[2] = {1, 1};
    for (int i = 0; i < in->rank; i++)
        dims[i >= axis] *= in->dims[i];
    alias(out, in);
    return set_shape(c, n, out, 2, dims);
}

static asim_status_t h_squeeze(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    bool mask[MAX_RANK + 1], given;
    if ((st = axes_of(c, n, in->rank, mask, &given)) != ASIM_OK)
        return st;
    uint64_t dims[MAX_RANK];
    int rank = 0;
    for (int i = 0; i < in->rank; i++) {
        bool drop = given ? mask[i] : in->dims[i] == 1;
        if (drop && in->dims[i] != 1)
            return node_error(c, n, ASIM_EMODEL, "cannot squeeze axis %d of size %llu", i,
                              (unsigned long long)in->dims[i]);
        if (!drop)
            dims[rank++] = in->dims[i];
    }
    return view_as(c, n, out, in, rank, dims);
}

static asim_status_t h_unsqueeze(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    int64_t axes[MAX_RANK];
    int count;
    if ((st = ints_of(c, n, "axes", 1, axes, &count, MAX_RANK)) != ASIM_OK)
        return st;
    int rank = in->rank + count;
    if (count == 0 || rank > MAX_RANK)
        return node_error(c, n, ASIM_EMODEL, "needs 1 to %d axes", MAX_RANK - in->rank);
    bool mask[MAX_RANK] = {false};
    for (int i = 0; i < count; i++) {
        int k = 0;
        if ((st = axis_of(c, n, axes[i], rank, &k)) != ASIM_OK)
            return st;
        mask[k] = true;
    }
    uint64_t dims[MAX_RANK];
    for (int i = 0, j = 0; i < rank; i++)
        dims[i] = mask[i] ? 1 : in->dims[j++];
    return view_as(c, n, out, in, rank, dims);
}

static asim_status_t h_transpose(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    const Onnx__AttributeProto *a = attr(n, "perm");
    if (a && (int)a->n_ints != in->rank)
        return node_error(c, n, ASIM_EMODEL, "perm has %zu entries for rank %d", a->n_ints,
                          in->rank);
    uint64_t dims[MAX_RANK];
    bool seen[MAX_RANK] = {false};
    for (int i = 0; i < in->rank; i++) {
        int64_t p = a ? a->ints[i] : in->rank - 1 - i;
        if (p < 0 || p >= in->rank || seen[p])
            return node_error(c, n, ASIM_EMODEL, "perm is not a permutation");
        seen[p] = true;
        dims[i] = in->dims[p];
    }
    alias(out, in);
    return set_shape(c, n, out, in->rank, dims);
}

static asim_status_t h_concat(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *first, *out;
    asim_status_t st = in_out(c, n, &first, &out);
    if (st != ASIM_OK || !out)
        return st;
    int axis = 0;
    if ((st = axis_of(c, n, attr_int(n, "axis", 0), first->rank, &axis)) != ASIM_OK)
        return st;
    uint64_t dims[MAX_RANK];
    memcpy(dims, first->dims, sizeof dims);
    dims[axis] = 0;
    const tensor_t *act = NULL; /* the activation written last: the output's producer */
    bool konst = true;
    double v[MAX_VALUES];
    int nv = 0;
    bool values = first->rank == 1;
    for (size_t i = 0; i < n->n_input; i++) {
        tensor_t *t = input(c, n, i);
        if (!t)
            continue;
        if ((st = realize(c, n, t)) != ASIM_OK)
            return st;
        for (int d = 0; d < first->rank; d++)
            if (t->rank != first->rank || (d != axis && t->dims[d] != first->dims[d]))
                return broadcast_error(c, n, first, t);
        dims[axis] += t->dims[axis];
        konst = konst && t->konst;
        if (!t->konst && (!act || t->producer == ASIM_INPUT_MODEL ||
                          (act->producer != ASIM_INPUT_MODEL && t->producer > act->producer)))
            act = t;
        values = values && t->n_val == (int)t->dims[0] && nv + t->n_val <= MAX_VALUES;
        if (values) {
            memcpy(v + nv, t->val, (size_t)t->n_val * sizeof *v);
            nv += t->n_val;
        }
    }
    alias(out, act ? act : first);
    out->konst = konst;
    if ((st = set_shape(c, n, out, first->rank, dims)) != ASIM_OK)
        return st;
    return values ? set_values(c, out, v, nv) : ASIM_OK;
}

static asim_status_t h_split(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in;
    asim_status_t st = need_input(c, n, 0, &in);
    if (st != ASIM_OK)
        return st;
    int axis = 0;
    if ((st = axis_of(c, n, attr_int(n, "axis", 0), in->rank, &axis)) != ASIM_OK)
        return st;
    int64_t parts[MAX_VALUES];
    int count;
    if ((st = ints_of(c, n, "split", 1, parts, &count, MAX_VALUES)) != ASIM_OK)
        return st;
    size_t outs = n->n_output;
    if (count == 0) { /* equal parts, the last one smaller */
        uint64_t each = outs ? (in->dims[axis] + outs - 1) / outs : 0;
        for (size_t i = 0; i < outs && i < MAX_VALUES; i++, count++)
            parts[i] = (int64_t)(i + 1 < outs ? each : in->dims[axis] - each * (outs - 1));
    }
    uint64_t sum = 0; /* unsigned: a wrap is caught by the shape caps of the outputs */
    for (int i = 0; i < count; i++)
        sum += parts[i] > 0 ? (uint64_t)parts[i] : 0;
    if ((size_t)count != outs || sum != in->dims[axis])
        return node_error(c, n, ASIM_EMODEL, "splits axis %d of size %llu into %d parts for "
                          "%zu outputs", axis, (unsigned long long)in->dims[axis], count, outs);
    for (size_t i = 0; i < outs; i++) {
        tensor_t *out = output(c, n, i);
        if (!out)
            continue;
        uint64_t dims[MAX_RANK];
        memcpy(dims, in->dims, sizeof dims);
        dims[axis] = (uint64_t)parts[i];
        alias(out, in);
        if ((st = set_shape(c, n, out, in->rank, dims)) != ASIM_OK)
            return st;
    }
    return ASIM_OK;
}

static asim_status_t h_slice(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *out;
    asim_status_t st = in_out(c, n, &in, &out);
    if (st != ASIM_OK || !out)
        return st;
    int64_t starts[MAX_RANK], ends[MAX_RANK], axes[MAX_RANK], steps[MAX_RANK];
    int ns = 0, ne = 0, na = 0, nst = 0;
    const char *what[] = {"starts", "ends", "axes", "steps"};
    int64_t *lists[] = {starts, ends, axes, steps};
    int *counts[] = {&ns, &ne, &na, &nst};
    for (int k = 0; k < 4; k++)
        if ((st = ints_of(c, n, what[k], (size_t)k + 1, lists[k], counts[k], MAX_RANK)) !=
            ASIM_OK)
            return st;
    if (ne != ns || (na && na != ns) || (nst && nst != ns))
        return node_error(c, n, ASIM_EMODEL, "starts, ends, axes and steps differ in length");
    uint64_t dims[MAX_RANK];
    memcpy(dims, in->dims, sizeof dims);
    int64_t lo[MAX_RANK] = {0}, step_of[MAX_RANK];
    for (int i = 0; i < MAX_RANK; i++)
        step_of[i] = 1;
    for (int i = 0; i < ns; i++) {
        int ax = 0;
        if ((st = axis_of(c, n, na ? axes[i] : i, in->rank, &ax)) != ASIM_OK)
            return st;
        int64_t d = (int64_t)in->dims[ax], step = nst ? steps[i] : 1;
        if (step == 0)
            return node_error(c, n, ASIM_EMODEL, "step 0");
        int64_t s = starts[i] < 0 ? starts[i] + d : starts[i];
        int64_t e = ends[i] < 0 ? ends[i] + d : ends[i];
        /* s and e are clamped into [-1, d], so their difference cannot overflow; the
         * step's magnitude is taken unsigned (INT64_MIN has no positive twin) */
        if (step > 0) {
            s = s < 0 ? 0 : s > d ? d : s;
            e = e < 0 ? 0 : e > d ? d : e;
            dims[ax] = e > s ? (uint64_t)(e - s - 1) / (uint64_t)step + 1 : 0;
        } else {
            s = s < 0 ? -1 : s > d - 1 ? d - 1 : s;
            e = e < -1 ? -1 : e > d - 1 ? d - 1 : e;
            dims[ax] = s > e ? (uint64_t)(s - e - 1) / (0 - (uint64_t)step) + 1 : 0;
        }
        lo[ax] = s;
        step_of[ax] = step;
    }
    alias(out, in);
    if ((st = set_shape(c, n, out, in->rank, dims)) != ASIM_OK)
        return st;
    if (in->rank == 1 && in->n_val == (int)in->dims[0]) { /* shape arithmetic */
        double v[MAX_VALUES];
        for (uint64_t i = 0; i < dims[0]; i++)
            v[i] = in->val[lo[0] + (int64_t)i * step_of[0]];
        return set_values(c, out, v, (int)dims[0]);
    }
    return ASIM_OK;
}

static asim_status_t h_gather(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *data, *idx, *out;
    asim_status_t st = in2_out(c, n, &data, &idx, &out);
    if (st != ASIM_OK || !out)
        return st;
    int axis = 0;
    if ((st = axis_of(c, n, attr_int(n, "axis", 0), data->rank, &axis)) != ASIM_OK)
        return st;
    int rank = data->rank - 1 + idx->rank;
    if (rank > MAX_RANK)
        return node_error(c, n, ASIM_EUNSUPPORTED, "result of rank %d", rank);
    uint64_t dims[MAX_RANK];
    int r = 0;
    for (int i = 0; i < axis; i++)
        dims[r++] = data->dims[i];
    for (int i = 0; i < idx->rank; i++)
        dims[r++] = idx->dims[i];
    for (int i = axis + 1; i < data->rank; i++)
        dims[r++] = data->dims[i];
    /* An embedding lookup (a constant table, activation indices) brings rows in from
     * memory like a model input; gathering from an activation is a view of it. */
    alias(out, data->konst ? idx : data);
    out->konst = data->konst && idx->konst;
    out->bits = data->bits;
    if (data->konst && !idx->konst) {
        out->producer = ASIM_INPUT_MODEL;
        out->origin = (uint32_t)(out - c->t);
    }
    if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
        return st;
    if (data->rank == 1 && data->n_val && idx->n_val && idx->n_val <= MAX_VALUES) {
        double v[MAX_VALUES];
        for (int i = 0; i < idx->n_val; i++) {
            double k = idx->val[i] < 0 ? idx->val[i] + data->n_val : idx->val[i];
            if (!(k >= 0 && k < data->n_val) || k != floor(k)) /* NaN too */
                return node_error(c, n, ASIM_EMODEL, "index %g is out of range", idx->val[i]);
            v[i] = data->val[(int)k];
        }
        return set_values(c, out, v, idx->n_val);
    }
    return ASIM_OK;
}

/* A shape given as a constant input: every entry 1 or more. */
static asim_status_t dims_input(ctx_t *c, const Onnx__NodeProto *n, const tensor_t *shape,
                                uint64_t *dims, int *rank)
{
    int64_t want[MAX_RANK];
    asim_status_t st = int_values(c, n, shape, "shape", want, rank, MAX_RANK);
    for (int i = 0; st == ASIM_OK && i < *rank; i++) {
        if (want[i] < 1)
            return node_error(c, n, ASIM_EMODEL, "shape entry %d is %lld", i,
                              (long long)want[i]);
        dims[i] = (uint64_t)want[i];
    }
    return st;
}

static asim_status_t h_expand(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in, *shape, *out;
    asim_status_t st = in2_out(c, n, &in, &shape, &out);
    if (st != ASIM_OK || !out)
        return st;
    tensor_t target = {.rank = 0};
    if ((st = dims_input(c, n, shape, target.dims, &target.rank)) != ASIM_OK)
        return st;
    uint64_t dims[MAX_RANK];
    int rank;
    if (!broadcast(in, &target, &rank, dims))
        return broadcast_error(c, n, in, shape);
    alias(out, in);
    return set_shape(c, n, out, rank, dims);
}

static asim_status_t h_constant_of_shape(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *shape, *out;
    asim_status_t st = in_out(c, n, &shape, &out);
    if (st != ASIM_OK || !out)
        return st;
    uint64_t dims[MAX_RANK];
    int rank;
    if ((st = dims_input(c, n, shape, dims, &rank)) != ASIM_OK)
        return st;
    out->konst = true;
    if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
        return st;
    tensor_t fill = {.rank = 0};
    const Onnx__AttributeProto *a = attr(n, "value");
    double zero = 0, v[MAX_VALUES];
    const double *value = &zero;
    if (a && a->t) {
        fill.name = out->name;
        if ((st = read_tensor_proto(c, n, a->t, &fill)) != ASIM_OK)
            return st;
        value = fill.n_val ? fill.val : &zero;
        out->dtype = fill.dtype;
    }
    uint64_t count = elements(out);
    for (uint64_t i = 0; i < count && i < MAX_VALUES; i++)
        v[i] = *value;
    st = count <= MAX_VALUES ? set_values(c, out, v, (int)count) : ASIM_OK;
    free(fill.val);
    return st;
}

static asim_status_t h_range(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *in[3], *out = output(c, n, 0);
    asim_status_t st = ASIM_OK;
    for (size_t i = 0; i < 3 && st == ASIM_OK; i++)
        st = need_input(c, n, i, &in[i]);
    if (st != ASIM_OK || !out)
        return st;
    int64_t v[3];
    for (int i = 0; i < 3; i++) {
        int count;
        if ((st = int_values(c, n, in[i], "start, limit or delta", &v[i], &count, 1)) != ASIM_OK)
            return st;
        if (count != 1)
            return node_error(c, n, ASIM_EMODEL, "start, limit and delta must be scalars");
    }
    if (v[2] == 0)
        return node_error(c, n, ASIM_EMODEL, "delta is 0");
    double len = ceil(((double)v[1] - (double)v[0]) / (double)v[2]);
    if (len > (double)ASIM_MODEL_MAX_WORK)
        return node_error(c, n, ASIM_ERANGE, "a range of %g elements", len);
    uint64_t dims[1] = {len < 1 ? 1 : (uint64_t)len};
    out->konst = true;
    out->dtype = in[0]->dtype;
    if ((st = set_shape(c, n, out, 1, dims)) != ASIM_OK)
        return st;
    double vals[MAX_VALUES];
    for (uint64_t i = 0; i < dims[0] && i < MAX_VALUES; i++)
        vals[i] = (double)v[0] + (double)i * (double)v[2];
    return dims[0] <= MAX_VALUES ? set_values(c, out, vals, (int)dims[0]) : ASIM_OK;
}

/* ---- handlers: compute ---- */

static asim_status_t gemm_from(ctx_t *c, const Onnx__NodeProto *n, tensor_t *a, tensor_t *b,
                               bool trans_a, bool trans_b, int out_bits, tensor_t *out)
{
    asim_status_t st;
    if ((st = realize(c, n, a)) != ASIM_OK || (st = realize(c, n, b)) != ASIM_OK)
        return st;
    if (a->rank < 1 || b->rank < 1 || ((trans_a || trans_b) && (a->rank != 2 || b->rank != 2)))
        return node_error(c, n, ASIM_EMODEL, "operands of rank %d and %d", a->rank, b->rank);
    uint64_t m = a->rank >= 2 ? a->dims[a->rank - 2] : 1, k = a->dims[a->rank - 1];
    uint64_t kb = b->rank >= 2 ? b->dims[b->rank - 2] : b->dims[0];
    uint64_t nn = b->rank >= 2 ? b->dims[b->rank - 1] : 1;
    if (trans_a) {
        uint64_t tmp = m;
        m = k, k = tmp;
    }
    if (trans_b) {
        uint64_t tmp = kb;
        kb = nn, nn = tmp;
    }
    if (k != kb) {
        char sa[96], sb[96];
        shape_text(a, sa, sizeof sa);
        shape_text(b, sb, sizeof sb);
        return node_error(c, n, ASIM_EMODEL, "%s: '%s' is %s, '%s' is %s (inner sizes %llu and "
                          "%llu differ)", b->konst || a->konst ? "weight shape mismatch"
                                                             : "operand shapes disagree",
                          a->name, sa, b->name, sb, (unsigned long long)k,
                          (unsigned long long)kb);
    }
    /* Batch dimensions broadcast (numpy matmul). */
    tensor_t ba = {.rank = a->rank > 2 ? a->rank - 2 : 0}, bb = {.rank = b->rank > 2 ? b->rank - 2 : 0};
    memcpy(ba.dims, a->dims, (size_t)ba.rank * sizeof *ba.dims);
    memcpy(bb.dims, b->dims, (size_t)bb.rank * sizeof *bb.dims);
    uint64_t dims[MAX_RANK];
    int rank;
    if (!broadcast(&ba, &bb, &rank, dims))
        return broadcast_error(c, n, a, b);
    uint64_t batch = 1;
    for (int i = 0; i < rank; i++)
        batch *= dims[i];
    if (a->rank >= 2)
        dims[rank++] = m;
    if (b->rank >= 2)
        dims[rank++] = nn;
    if (a->konst && b->konst) { /* folded before the run */
        alias(out, a);
        return set_shape(c, n, out, rank, dims);
    }
    asim_op_t op = {.kind = ASIM_OP_GEMM, .m = m, .n = nn, .k = k, .count = batch,
                    .a_bits = a->bits, .b_bits = b->bits, .out_bits = out_bits};
    if (b->konst && bb.rank == 0) { /* a weight shared by every row: rows stack into m */
        op.m = m * batch;
        op.count = 1;
    }
    op.b_is_weight = b->konst;
    op.inputs[0] = a->producer;
    op.inputs[1] = b->konst ? ASIM_INPUT_MODEL : b->producer;
    op.n_inputs = b->konst ? 1 : 2;
    if (a->konst) { /* W x: computed as (x^T W^T)^T, the activation streaming as A */
        op.m = nn, op.n = m;
        op.a_bits = b->bits, op.b_bits = a->bits;
        op.b_is_weight = true;
        op.inputs[0] = b->producer;
        op.n_inputs = 1;
    }
    alias(out, a->konst ? b : a);
    if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
        return st;
    st = emit(c, n, &op, out);
    out->bits = op.out_bits ? op.out_bits : op.a_bits;
    return st;
}

static asim_status_t h_matmul(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *a, *b, *out;
    asim_status_t st = in2_out(c, n, &a, &b, &out);
    if (st != ASIM_OK || !out)
        return st;
    return gemm_from(c, n, a, b, false, false, 0, out);
}

/* Gemm: A' B' (+ C, folded: the accumulator starts from the bias). */
static asim_status_t h_gemm(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *a, *b, *out;
    asim_status_t st = in2_out(c, n, &a, &b, &out);
    if (st != ASIM_OK || !out)
        return st;
    return gemm_from(c, n, a, b, attr_int(n, "transA", 0), attr_int(n, "transB", 0), 0, out);
}

/* QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): y's width from y_zp. */
static asim_status_t h_qlinear_matmul(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *a, *b, *yzp;
    asim_status_t st = need_input(c, n, 0, &a);
    if (st == ASIM_OK)
        st = need_input(c, n, 3, &b);
    if (st == ASIM_OK)
        st = need_input(c, n, 7, &yzp);
    if (st != ASIM_OK || !output(c, n, 0))
        return st;
    int bits = int_bits(yzp->dtype);
    return gemm_from(c, n, a, b, false, false, bits ? bits : DEFAULT_BITS, output(c, n, 0));
}

static asim_status_t h_conv(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x, *w, *out;
    asim_status_t st = in2_out(c, n, &x, &w, &out);
    if (st != ASIM_OK || !out)
        return st;
    if ((st = realize(c, n, x)) != ASIM_OK)
        return st;
    if (x->rank != 4 || w->rank != 4)
        return node_error(c, n, ASIM_EUNSUPPORTED, "only 2-D convolutions (NCHW, rank 4) are "
                          "supported; input has rank %d, weight %d", x->rank, w->rank);
    if (!w->konst)
        return node_error(c, n, ASIM_EUNSUPPORTED, "the weight '%s' is computed at run time",
                          w->name);
    int64_t groups = attr_int(n, "group", 1);
    const Onnx__AttributeProto *ks = attr(n, "kernel_shape"), *pa = attr(n, "pads"),
                               *sa = attr(n, "strides"), *da = attr(n, "dilations");
    const Onnx__AttributeProto *ap = attr(n, "auto_pad");
    asim_conv_t cv = {.batch = x->dims[0], .channels = x->dims[1], .in_h = x->dims[2],
                      .in_w = x->dims[3], .filters = w->dims[0], .filt_h = w->dims[2],
                      .filt_w = w->dims[3], .stride_h = 1, .stride_w = 1, .dilation_h = 1,
                      .dilation_w = 1, .groups = groups > 0 ? (uint64_t)groups : 0};
    if (groups < 1 || w->dims[1] * (uint64_t)groups != x->dims[1] ||
        (ks && (ks->n_ints != 2 || ks->ints[0] != (int64_t)w->dims[2] ||
                ks->ints[1] != (int64_t)w->dims[3])))
        return node_error(c, n, ASIM_EMODEL, "weight shape mismatch: weight '%s' is [%llu, %llu, "
                          "%llu, %llu] for %llu input channels in %lld groups", w->name,
                          (unsigned long long)w->dims[0], (unsigned long long)w->dims[1],
                          (unsigned long long)w->dims[2], (unsigned long long)w->dims[3],
                          (unsigned long long)x->dims[1], (long long)groups);
    if (ap && ap->has_s && ap->s.len && !(ap->s.len == 6 && memcmp(ap->s.data, "NOTSET", 6) == 0))
        return node_error(c, n, ASIM_EUNSUPPORTED, "auto_pad is unsupported; give explicit "
                          "pads");
    const Onnx__AttributeProto *lists[] = {sa, da, pa};
    size_t want[] = {2, 2, 4};
    uint64_t *fields[][4] = {{&cv.stride_h, &cv.stride_w}, {&cv.dilation_h, &cv.dilation_w},
                             {&cv.pads[0], &cv.pads[1], &cv.pads[2], &cv.pads[3]}};
    for (int l = 0; l < 3; l++) {
        if (!lists[l])
            continue;
        if (lists[l]->n_ints != want[l])
            return node_error(c, n, ASIM_EMODEL, "%s has %zu entries, expected %zu",
                              lists[l]->name, lists[l]->n_ints, want[l]);
        for (size_t i = 0; i < want[l]; i++) {
            int64_t v = lists[l]->ints[i];
            if (v < (l == 2 ? 0 : 1) || v > ASIM_MODEL_MAX_DIM)
                return node_error(c, n, ASIM_EMODEL, "%s entry %zu is %lld", lists[l]->name, i,
                                  (long long)v);
            *fields[l][i] = (uint64_t)v;
        }
    }
    /* ONNX pads are [top, left, bottom, right]: x1_begin, x2_begin, x1_end, x2_end. */
    asim_op_t op = {.a_bits = x->bits, .b_bits = w->bits};
    char why[160];
    uint64_t oh;
    if ((st = asim_conv_lower(&cv, &op, &oh, why, sizeof why)) != ASIM_OK)
        return node_error(c, n, st, "%s", why);
    op.inputs[0] = x->producer;
    op.n_inputs = 1;
    uint64_t dims[4] = {cv.batch, cv.filters, oh, op.m / cv.batch / oh};
    alias(out, x);
    if ((st = set_shape(c, n, out, 4, dims)) != ASIM_OK)
        return st;
    out->nchw = true;
    return emit(c, n, &op, out);
}

static asim_status_t h_unary_op(ctx_t *c, const Onnx__NodeProto *n, asim_op_kind_t kind)
{
    tensor_t *x, *out;
    asim_status_t st = in_out(c, n, &x, &out);
    if (st != ASIM_OK || !out)
        return st;
    if ((st = realize(c, n, x)) != ASIM_OK)
        return st;
    alias(out, x);
    if (x->konst)
        return ASIM_OK; /* computed before the run */
    return emit_vector(c, n, kind, x, NULL, out);
}

static asim_status_t h_softmax(ctx_t *c, const Onnx__NodeProto *n)
{
    return h_unary_op(c, n, ASIM_OP_SOFTMAX);
}

static asim_status_t h_layernorm(ctx_t *c, const Onnx__NodeProto *n)
{
    return h_unary_op(c, n, ASIM_OP_LAYERNORM);
}

static asim_status_t h_relu(ctx_t *c, const Onnx__NodeProto *n)
{
    return h_unary_op(c, n, ASIM_OP_RELU);
}

/* Gelu (opset 20), either approximation */
static asim_status_t h_gelu(ctx_t *c, const Onnx__NodeProto *n)
{
    return h_unary_op(c, n, ASIM_OP_GELU);
}

/* Sets a pattern role on output 0 of n, keeping x's shape. */
static asim_status_t set_role(ctx_t *c, const Onnx__NodeProto *n, const tensor_t *x, role_t role,
                              bool centered, uint32_t base)
{
    tensor_t *out = output(c, n, 0);
    if (!out)
        return ASIM_OK;
    alias(out, x);
    out->role = role;
    out->centered = centered;
    out->base = base;
    out->role_node = (uint32_t)(out->node);
    return ASIM_OK;
}

static asim_status_t h_tanh(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x;
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK)
        return st;
    if (x->role == R_POLY)
        return set_role(c, n, x, R_TANHP, false, x->base);
    return h_unary_op(c, n, ASIM_OP_TANH);
}

static asim_status_t h_sigmoid(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x;
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK || (st = realize(c, n, x)) != ASIM_OK)
        return st;
    return set_role(c, n, x, x->konst ? R_NONE : R_SIGMOID, false, x->origin);
}

static asim_status_t h_erf(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x;
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK || (st = realize(c, n, x)) != ASIM_OK)
        return st;
    return set_role(c, n, x, R_ERF, false, x->origin);
}

/* One step of the norm patterns: a `from` result becomes `to`; a constant stays one. */
static asim_status_t norm_step(ctx_t *c, const Onnx__NodeProto *n, role_t from, role_t to,
                               const char *what)
{
    tensor_t *x;
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK)
        return st;
    if (x->role == from)
        return set_role(c, n, x, to, x->centered, x->base);
    if (x->konst)
        return set_role(c, n, x, R_NONE, false, x->origin);
    return node_error(c, n, ASIM_EUNSUPPORTED, "a %s outside a LayerNorm or RMSNorm pattern "
                      "has no unit to run on", what);
}

static asim_status_t h_sqrt(ctx_t *c, const Onnx__NodeProto *n)
{
    return norm_step(c, n, R_MEANSQ, R_ROOT, "square root");
}

static asim_status_t h_reciprocal(ctx_t *c, const Onnx__NodeProto *n)
{
    return norm_step(c, n, R_ROOT, R_INVROOT, "reciprocal");
}

/* Neg: a sign flip folds into the next multiply or the requantization. */
static asim_status_t h_neg(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x, *out = output(c, n, 0);
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK || !out || (st = realize(c, n, x)) != ASIM_OK)
        return st;
    alias(out, x);
    out->origin = (uint32_t)(out - c->t);
    return ASIM_OK;
}

static asim_status_t h_reduce_mean(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x;
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK)
        return st;
    bool mask[MAX_RANK + 1], given;
    if ((st = axes_of(c, n, x->rank, mask, &given)) != ASIM_OK)
        return st;
    bool last_only = x->rank > 0 && mask[x->rank - 1];
    for (int i = 0; i + 1 < x->rank; i++)
        last_only = last_only && !mask[i];
    if (!last_only || attr_int(n, "keepdims", 1) != 1 || x->konst)
        return node_error(c, n, ASIM_EUNSUPPORTED, "a ReduceMean is supported only over the "
                          "last axis of an activation, inside a LayerNorm or RMSNorm pattern");
    if (x->role == R_SQ)
        st = set_role(c, n, x, R_MEANSQ, x->centered, x->base);
    else if (x->role == R_NONE)
        st = set_role(c, n, x, R_MEAN, false, x->origin);
    else
        return realize(c, n, x);
    tensor_t *out = output(c, n, 0);
    if (st == ASIM_OK && out)
        out->dims[out->rank - 1] = 1;
    return st;
}

static asim_status_t h_pow(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *x, *e, *out;
    asim_status_t st = in2_out(c, n, &x, &e, &out);
    if (st != ASIM_OK || !out)
        return st;
    double p = e->n_val == 1 ? e->val[0] : 0;
    if (x->konst && e->konst) {
        uint64_t dims[MAX_RANK];
        int rank;
        if (!broadcast(x, e, &rank, dims))
            return broadcast_error(c, n, x, e);
        alias(out, x);
        if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
            return st;
        return eval_binary(c, "P", x, e, out);
    }
    if (p == 2 && (x->role == R_CENTERED || x->role == R_NONE))
        return set_role(c, n, x, R_SQ, x->role == R_CENTERED,
                        x->role == R_CENTERED ? x->base : x->origin);
    if (p == 3 && x->role == R_NONE)
        return set_role(c, n, x, R_CUBE, false, x->origin);
    return node_error(c, n, ASIM_EUNSUPPORTED, "a power (exponent %s) outside a LayerNorm, "
                      "RMSNorm or GELU pattern has no unit to run on",
                      e->n_val == 1 ? "constant" : "not a constant");
}

/* True if t is a constant small enough to be an epilogue of x's producer: a scalar or a
 * per-channel vector along x's last axis. */
static bool epilogue_constant(const tensor_t *t, const tensor_t *x)
{
    if (!t->konst || x->producer == ASIM_INPUT_MODEL)
        return false;
    uint64_t count = elements(t);
    return count == 1 || (x->rank && count == x->dims[x->rank - 1] && t->rank >= 1 &&
                          t->dims[t->rank - 1] == count);
}

/* Add, Sub, Mul, Div: patterns first, then constant folding, epilogues and add/mul ops. */
static asim_status_t h_binary(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *a, *b, *out;
    asim_status_t st = in2_out(c, n, &a, &b, &out);
    if (st != ASIM_OK || !out)
        return st;
    char op = n->op_type[0]; /* A(dd), S(ub), M(ul), D(iv) */
    uint64_t dims[MAX_RANK];
    int rank;
    if (!broadcast(a, b, &rank, dims))
        return broadcast_error(c, n, a, b);
    tensor_t *x = a->konst ? b : a, *k = a->konst ? a : b; /* activation, other */
    bool one_const = a->konst != b->konst;
    /* Patterns, by the roles of the operands. */
    if (op == 'S' && b->role == R_MEAN && a->role == R_NONE && a->origin == b->base)
        return set_role(c, n, a, R_CENTERED, false, b->base);
    if (one_const && (op == 'A' || op == 'M' || op == 'D' || op == 'S')) {
        role_t r = x->role;
        if ((r == R_MEANSQ && op == 'A') || r == R_CUBE || r == R_POLY)
            return set_role(c, n, x, r, x->centered, x->base);
        if (r == R_ERF && op == 'A')
            return set_role(c, n, x, R_ERF1, false, x->base);
        if (r == R_TANHP && op == 'A')
            return set_role(c, n, x, R_TANHP1, false, x->base);
        if (r == R_ROOT && op == 'D' && a->konst)
            return set_role(c, n, x, R_INVROOT, x->centered, x->base);
    }
    if (op == 'A' && !one_const && a->role == R_NONE && b->role == R_CUBE && a->origin == b->base)
        return set_role(c, n, b, R_POLY, false, b->base);
    if (op == 'A' && !one_const && b->role == R_NONE && a->role == R_CUBE && b->origin == a->base)
        return set_role(c, n, a, R_POLY, false, a->base);
    if (op == 'M' && one_const && !epilogue_constant(k, x) && x->role == R_NONE &&
        x->producer != ASIM_INPUT_MODEL) { /* maybe RoPE: decided by the reader */
        set_role(c, n, x, R_TABLE, false, (uint32_t)(x - c->t));
        return set_shape(c, n, out, rank, dims);
    }
    asim_op_kind_t fused = ASIM_OP_KIND_COUNT;
    tensor_t *base = NULL;
    if (op == 'A' && a->role == R_TABLE && b->role == R_TABLE &&
        c->t[a->base].producer == c->t[b->base].producer) { /* x cos + rotate(x) sin */
        fused = ASIM_OP_ROPE;
        base = &c->t[a->base];
    }
    for (int side = 0; side < 2 && fused == ASIM_OP_KIND_COUNT; side++) {
        tensor_t *p = side ? a : b, *q = side ? b : a; /* p: the partial result */
        bool q_is_x = q->role == R_NONE && q->origin == p->base;
        bool q_is_centered = q->role == R_CENTERED && q->base == p->base;
        if (op == 'M' && p->role == R_INVROOT && (p->centered ? q_is_centered : q_is_x))
            fused = p->centered ? ASIM_OP_LAYERNORM : ASIM_OP_RMSNORM;
        else if (op == 'D' && side == 0 && p->role == R_ROOT &&
                 (p->centered ? q_is_centered : q_is_x))
            fused = p->centered ? ASIM_OP_LAYERNORM : ASIM_OP_RMSNORM;
        else if (op == 'M' && q_is_x && p->role == R_ERF1)
            fused = ASIM_OP_GELU;
        else if (op == 'M' && q_is_x && p->role == R_TANHP1)
            fused = ASIM_OP_GELU;
        else if (op == 'M' && q_is_x && p->role == R_SIGMOID)
            fused = ASIM_OP_SILU;
        if (fused != ASIM_OP_KIND_COUNT)
            base = &c->t[p->base];
    }
    if (fused != ASIM_OP_KIND_COUNT) {
        alias(out, base);
        if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
            return st;
        return emit_vector(c, n, fused, base, NULL, out);
    }
    if ((st = realize(c, n, a)) != ASIM_OK || (st = realize(c, n, b)) != ASIM_OK)
        return st;
    if (a->konst && b->konst) { /* shape arithmetic or constant folding */
        alias(out, a);
        if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
            return st;
        return eval_binary(c, n->op_type, a, b, out);
    }
    alias(out, x);
    if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
        return st;
    if (one_const && epilogue_constant(k, x)) {
        /* a bias, scale or LayerNorm affine in the producer's epilogue; a scalar scale
         * keeps the value's identity for the patterns (x / sqrt 2, 0.5 x) */
        if (!(elements(k) == 1 && (op == 'M' || op == 'D')))
            out->origin = (uint32_t)(out - c->t);
        return ASIM_OK;
    }
    asim_op_kind_t kind = op == 'A' || op == 'S' ? ASIM_OP_ADD : ASIM_OP_MUL;
    return emit_vector(c, n, kind, x, one_const ? NULL : (x == a ? b : a), out);
}

/* Where(cond, a, b): a constant mask with a constant fill is the producer's masked
 * epilogue (causal masking); a computed choice costs one elementwise pass. */
static asim_status_t h_where(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *cond, *a, *b, *out = output(c, n, 0);
    asim_status_t st = need_input(c, n, 0, &cond);
    if (st == ASIM_OK)
        st = need_input(c, n, 1, &a);
    if (st == ASIM_OK)
        st = need_input(c, n, 2, &b);
    if (st != ASIM_OK || !out)
        return st;
    if ((st = realize(c, n, a)) != ASIM_OK || (st = realize(c, n, b)) != ASIM_OK ||
        (st = realize(c, n, cond)) != ASIM_OK)
        return st;
    uint64_t d1[MAX_RANK] = {0}, dims[MAX_RANK];
    int r1, rank;
    tensor_t ab = {.rank = 0};
    if (!broadcast(a, b, &r1, d1))
        return broadcast_error(c, n, a, b);
    ab.rank = r1;
    memcpy(ab.dims, d1, sizeof d1);
    if (!broadcast(cond, &ab, &rank, dims))
        return broadcast_error(c, n, cond, a);
    tensor_t *x = a->konst ? b : a;
    alias(out, x);
    if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
        return st;
    if (cond->konst && a->konst && b->konst) {
        if (cond->n_val && a->n_val && b->n_val && elements(out) <= MAX_VALUES &&
            (uint64_t)cond->n_val == elements(out) && (uint64_t)a->n_val == elements(out) &&
            (uint64_t)b->n_val == elements(out)) {
            double v[MAX_VALUES];
            for (int i = 0; i < cond->n_val; i++)
                v[i] = cond->val[i] != 0 ? a->val[i] : b->val[i];
            return set_values(c, out, v, cond->n_val);
        }
        return ASIM_OK;
    }
    if (cond->konst && a->konst != b->konst && x->producer != ASIM_INPUT_MODEL)
        return ASIM_OK;
    return emit_vector(c, n, ASIM_OP_ADD, x, a->konst || b->konst ? NULL : (x == a ? b : a),
                       out);
}

/* Equal: on constants (mask and shape arithmetic) only. */
static asim_status_t h_equal(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *a, *b, *out;
    asim_status_t st = in2_out(c, n, &a, &b, &out);
    if (st != ASIM_OK || !out)
        return st;
    if (!a->konst || !b->konst)
        return node_error(c, n, ASIM_EUNSUPPORTED, "a comparison of activations has no unit to "
                          "run on (constant masks are supported)");
    uint64_t dims[MAX_RANK];
    int rank;
    if (!broadcast(a, b, &rank, dims))
        return broadcast_error(c, n, a, b);
    alias(out, a);
    out->dtype = ONNX__TENSOR_PROTO__DATA_TYPE__BOOL;
    if ((st = set_shape(c, n, out, rank, dims)) != ASIM_OK)
        return st;
    return eval_binary(c, "E", a, b, out);
}

/* ---- handlers: quantization ---- */

static asim_status_t quantized(ctx_t *c, const Onnx__NodeProto *n, int bits)
{
    tensor_t *x, *out = output(c, n, 0);
    asim_status_t st = need_input(c, n, 0, &x);
    if (st != ASIM_OK || !out || (st = realize(c, n, x)) != ASIM_OK)
        return st;
    alias(out, x);
    if (bits)
        out->bits = bits;
    return ASIM_OK;
}

/* QuantizeLinear: the integer type of y_zero_point (uint8 without one) sets the bits. */
static asim_status_t h_quantize_linear(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *zp = input(c, n, 2);
    int32_t type = zp ? zp->dtype : ONNX__TENSOR_PROTO__DATA_TYPE__UINT8;
    const Onnx__AttributeProto *od = attr(n, "output_dtype");
    if (od && od->has_i && od->i)
        type = (int32_t)od->i;
    int bits = int_bits(type);
    if (!bits || attr_int(n, "block_size", 0) != 0)
        return node_error(c, n, ASIM_EUNSUPPORTED, "unsupported quantization scheme: %s; "
                          "the importer supports per-tensor and per-axis int4, int8 and int16",
                          bits ? "block quantization" : "the zero point's type is not an "
                          "integer of 4, 8 or 16 bits");
    return quantized(c, n, bits);
}

static asim_status_t h_dequantize_linear(ctx_t *c, const Onnx__NodeProto *n)
{
    if (attr_int(n, "block_size", 0) != 0)
        return node_error(c, n, ASIM_EUNSUPPORTED, "unsupported quantization scheme: block "
                          "quantization");
    return quantized(c, n, 0); /* the integer tensor keeps its width; scaling is folded */
}

/* QONNX Quant (IntQuant in newer QONNX)(x, scale, zero_point, bit_width): bit_width 1 to 8
 * sets the bits. */
static asim_status_t h_qonnx_quant(ctx_t *c, const Onnx__NodeProto *n)
{
    tensor_t *bw;
    asim_status_t st = need_input(c, n, 3, &bw);
    if (st != ASIM_OK)
        return st;
    if (!bw->konst || bw->n_val != 1)
        return node_error(c, n, ASIM_EUNSUPPORTED, "unsupported quantization scheme: the bit "
                          "width '%s' is not one constant", bw->name);
    double v = bw->val[0];
    if (v != floor(v) || v < 1 || v > 8)
        return node_error(c, n, ASIM_EUNSUPPORTED, "unsupported quantization scheme: bit width "
                          "%g (the importer supports whole widths from 1 to 8)", v);
    /* QONNX's rounding modes (docs/qonnx-custom-ops/quant_op.md), either case */
    static const char *const modes[] = {"ROUND", "CEIL", "FLOOR", "UP", "DOWN", "HALF_UP",
                                        "HALF_DOWN"};
    const Onnx__AttributeProto *rm = attr(n, "rounding_mode");
    bool known = !rm || !rm->has_s;
    for (size_t i = 0; !known && i < sizeof modes / sizeof modes[0]; i++)
        known = rm->s.len == strlen(modes[i]) &&
                strncasecmp((const char *)rm->s.data, modes[i], rm->s.len) == 0;
    if (!known)
        return node_error(c, n, ASIM_EUNSUPPORTED, "unsupported quantization scheme: "
                          "rounding_mode '%.*s'", (int)(rm->s.len > 32 ? 32 : rm->s.len),
                          (const char *)rm->s.data);
    return quantized(c, n, (int)v);
}

static asim_status_t h_bipolar_quant(ctx_t *c, const Onnx__NodeProto *n)
{
    return quantized(c, n, 1);
}

/* ---- the node table ---- */

typedef struct {
    const char *op_type;
    bool qonnx;          /* domain qonnx.custom_op.general (or finn.custom_op.general) */
    handler_fn fn;
} handler_t;

static const handler_t handlers[] = {
    {"MatMul", false, h_matmul}, {"Gemm", false, h_gemm}, {"Conv", false, h_conv},
    {"MatMulInteger", false, h_matmul}, {"QLinearMatMul", false, h_qlinear_matmul},
    {"Softmax", false, h_softmax}, {"LayerNormalization", false, h_layernorm},
    {"Relu", false, h_relu}, {"Gelu", false, h_gelu}, {"Tanh", false, h_tanh}, {"Sigmoid", false, h_sigmoid},
    {"Erf", false, h_erf}, {"Sqrt", false, h_sqrt}, {"Reciprocal", false, h_reciprocal},
    {"Pow", false, h_pow}, {"ReduceMean", false, h_reduce_mean}, {"Neg", false, h_neg},
    {"Add", false, h_binary}, {"Sub", false, h_binary}, {"Mul", false, h_binary},
    {"Div", false, h_binary}, {"Where", false, h_where}, {"Equal", false, h_equal},
    {"Reshape", false, h_reshape}, {"Flatten", false, h_flatten},
    {"Squeeze", false, h_squeeze}, {"Unsqueeze", false, h_unsqueeze},
    {"Transpose", false, h_transpose}, {"Identity", false, h_identity},
    {"Dropout", false, h_identity}, {"Cast", false, h_cast}, {"Concat", false, h_concat},
    {"Split", false, h_split}, {"Slice", false, h_slice}, {"Gather", false, h_gather},
    {"Expand", false, h_expand}, {"Shape", false, h_shape}, {"Constant", false, h_constant},
    {"ConstantOfShape", false, h_constant_of_shape}, {"Range", false, h_range},
    {"QuantizeLinear", false, h_quantize_linear},
    {"DequantizeLinear", false, h_dequantize_linear},
    {"Quant", true, h_qonnx_quant}, {"IntQuant", true, h_qonnx_quant},
    {"BipolarQuant", true, h_bipolar_quant},
};
#define N_HANDLERS (sizeof handlers / sizeof handlers[0])

static bool is_qonnx_domain(const char *d)
{
    return strcmp(d, "qonnx.custom_op.general") == 0 || strcmp(d, "finn.custom_op.general") == 0;
}

static bool is_onnx_domain(const char *d)
{
    return d[0] == '\0' || strcmp(d, "ai.onnx") == 0;
}

static const handler_t *handler_of(const Onnx__NodeProto *n)
{
    const char *d = n->domain ? n->domain : "";
    for (size_t i = 0; i < N_HANDLERS; i++)
        if (n->op_type && strcmp(handlers[i].op_type, n->op_type) == 0 &&
            (handlers[i].qonnx ? is_qonnx_domain(d) : is_onnx_domain(d)))
            return &handlers[i];
    return NULL;
}

/* ---- whole-model checks ---- */

static asim_status_t check_opsets(ctx_t *c, const Onnx__ModelProto *m)
{
    c->opset = 0;
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        const char *d = o->domain ? o->domain : "";
        if (is_onnx_domain(d)) {
            if (!o->has_version || o->version < OPSET_MIN || o->version > OPSET_MAX)
                return asim_error_set(c->err, ASIM_EUNSUPPORTED, c->path, "unknown opset %lld "
                                      "of the ONNX domain (the importer knows opsets %d to %d)",
                                      (long long)o->version, OPSET_MIN, OPSET_MAX);
            c->opset = (int)o->version;
        } else if (is_qonnx_domain(d)) {
            if (o->version != 1)
                return asim_error_set(c->err, ASIM_EUNSUPPORTED, c->path, "unknown opset %lld "
                                      "of domain '%s' (the importer knows version 1)",
                                      (long long)o->version, d);
        } else {
            return asim_error_set(c->err, ASIM_EUNSUPPORTED, c->path, "unknown opset domain "
                                  "'%.100s' (the importer knows the ONNX domain and QONNX's "
                                  "qonnx.custom_op.general)", d);
        }
    }
    if (!c->opset)
        return asim_error_set(c->err, ASIM_EUNSUPPORTED, c->path, "the model imports no ONNX "
                              "opset (opset_import is empty)");
    return ASIM_OK;
}

/* Lists every node type without a handler, by name and count. */
static asim_status_t check_supported(ctx_t *c)
{
    struct { const char *type, *domain, *first; size_t count; } seen[16];
    size_t n_seen = 0, total = 0, kinds = 0;
    const Onnx__GraphProto *gp = c->graph;
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *n = gp->node[i];
        if (handler_of(n))
            continue;
        total++;
        const char *type = n->op_type ? n->op_type : "?", *dom = n->domain ? n->domain : "";
        size_t k = 0;
        while (k < n_seen && !(strcmp(seen[k].type, type) == 0 &&
                               strcmp(seen[k].domain, dom) == 0))
            k++;
        if (k == n_seen) {
            kinds++;
            if (n_seen == 16)
                continue;
            n_seen++;
            seen[k].type = type, seen[k].domain = dom, seen[k].count = 0;
            seen[k].first = n->name && n->name[0] ? n->name : n->n_output ? n->output[0] : "";
        }
        seen[k].count++;
    }
    if (total == 0)
        return ASIM_OK;
    char list[400] = "";
    size_t used = 0;
    for (size_t k = 0; k < n_seen && used < sizeof list; k++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s%s%s x%zu (first: node "
                                 "'%.40s')", k ? ", " : "", seen[k].domain,
                                 seen[k].domain[0] ? ":" : "", seen[k].type, seen[k].count,
                                 seen[k].first);
    return asim_error_set(c->err, ASIM_EUNSUPPORTED, c->path, "%zu node%s of %zu unsupported "
                          "type%s: %s%s (docs/onnx.md lists the supported ops)", total,
                          total == 1 ? "" : "s", kinds, kinds == 1 ? "" : "s", list,
                          kinds > n_seen ? ", ..." : "");
}

static asim_status_t add_inputs(ctx_t *c)
{
    const Onnx__GraphProto *gp = c->graph;
    for (size_t i = 0; i < gp->n_initializer; i++) {
        const Onnx__TensorProto *tp = gp->initializer[i];
        uint32_t k;
        if (!tp->name || !new_tensor(c, tp->name, &k))
            return asim_error_set(c->err, ASIM_EMODEL, c->path, "initializer '%s' is defined "
                                  "twice (or has no name)", tp->name ? tp->name : "");
        asim_status_t st = read_tensor_proto(c, NULL, tp, &c->t[k]);
        if (st != ASIM_OK)
            return st;
    }
    for (size_t i = 0; i < gp->n_input; i++) {
        const Onnx__ValueInfoProto *vi = gp->input[i];
        uint32_t k;
        if (!vi->name)
            return asim_error_set(c->err, ASIM_EMODEL, c->path, "graph input %zu has no name", i);
        if (!new_tensor(c, vi->name, &k)) {
            if (c->t[find_tensor(c, vi->name)].konst)
                continue; /* an initializer listed as an input (IR version 3) */
            return asim_error_set(c->err, ASIM_EMODEL, c->path, "input '%s' is defined twice",
                                  vi->name);
        }
        const Onnx__TypeProto *tp = vi->type;
        if (!tp || tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type ||
            !tp->tensor_type->shape)
            return asim_error_set(c->err, ASIM_EMODEL, c->path, "input '%s' is not a tensor "
                                  "with a shape", vi->name);
        const Onnx__TensorShapeProto *sh = tp->tensor_type->shape;
        if (sh->n_dim > MAX_RANK)
            return asim_error_set(c->err, ASIM_EUNSUPPORTED, c->path, "input '%s' has rank %zu; "
                                  "at most %d", vi->name, sh->n_dim, MAX_RANK);
        uint64_t dims[MAX_RANK];
        for (size_t d = 0; d < sh->n_dim; d++) {
            const Onnx__TensorShapeProto__Dimension *dim = sh->dim[d];
            if (dim->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
                if (dim->dim_value < 1 || dim->dim_value > ASIM_MODEL_MAX_DIM)
                    return asim_error_set(c->err, ASIM_EMODEL, c->path, "input '%s': dimension "
                                          "%zu is %lld (1 to %u)", vi->name, d,
                                          (long long)dim->dim_value, ASIM_MODEL_MAX_DIM);
                dims[d] = (uint64_t)dim->dim_value;
                continue;
            }
            const char *param = dim->value_case ==
                                        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                                    ? dim->dim_param : NULL;
            int p = 0;
            while (param && p < c->n_params && strcmp(c->params[p].name, param) != 0)
                p++;
            if (!param || p == c->n_params)
                return asim_error_set(c->err, ASIM_EMISSING, c->path, "input '%s': dimension "
                                      "%zu is dynamic ('%.60s') and no value is given; give "
                                      "it as --model %s:%.60s=N", vi->name, d,
                                      param ? param : "unnamed", c->path,
                                      param && param[0] ? param : "NAME");
            c->params[p].used = true;
            dims[d] = (uint64_t)c->params[p].value;
        }
        tensor_t *t = &c->t[k];
        t->dtype = tp->tensor_type->elem_type;
        asim_status_t st = set_shape(c, NULL, t, (int)sh->n_dim, dims);
        if (st != ASIM_OK)
            return st;
    }
    for (int p = 0; p < c->n_params; p++)
        if (!c->params[p].used)
            return asim_error_set(c->err, ASIM_EKEY, "--model", "%s has no input with the "
                                  "symbolic dimension '%s'", c->path, c->params[p].name);
    return ASIM_OK;
}

/* Registers node outputs; every node input must name a tensor. */
static asim_status_t add_node_outputs(ctx_t *c)
{
    const Onnx__GraphProto *gp = c->graph;
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *n = gp->node[i];
        for (size_t o = 0; o < n->n_output; o++) {
            uint32_t k;
            if (!n->output[o][0])
                continue;
            if (!new_tensor(c, n->output[o], &k))
                return node_error(c, n, ASIM_EMODEL, "its output '%s' is also defined elsewhere",
                                  n->output[o]);
            c->t[k].node = (uint32_t)i;
        }
    }
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *n = gp->node[i];
        for (size_t k = 0; k < n->n_input; k++)
            if (n->input[k][0] && find_tensor(c, n->input[k]) == NONE)
                return node_error(c, n, ASIM_EMODEL, "reads '%s', which no node, input or "
                                  "initializer defines", n->input[k]);
    }
    return ASIM_OK;
}

/* ---- topological order ---- */

static void heap_push(uint32_t *h, size_t *len, uint32_t v)
{
    size_t i = (*len)++;
    h[i] = v;
    while (i && h[(i - 1) / 2] > h[i]) {
        uint32_t tmp = h[i];
        h[i] = h[(i - 1) / 2];
        h[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
}

static uint32_t heap_pop(uint32_t *h, size_t *len)
{
    uint32_t top = h[0];
    h[0] = h[--*len];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *len && h[l] < h[m])
            m = l;
        if (r < *len && h[r] < h[m])
            m = r;
        if (m == i)
            break;
        uint32_t tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
    }
    return top;
}

/* The producing node of an input of n that is not yet ordered, or NONE. */
static uint32_t pending_input(ctx_t *c, const Onnx__NodeProto *n, const bool *done)
{
    for (size_t k = 0; k < n->n_input; k++) {
        if (!n->input[k][0])
            continue;
        uint32_t node = c->t[find_tensor(c, n->input[k])].node;
        if (node != NONE && !done[node])
            return node;
    }
    return NONE;
}

/* Names the nodes of one cycle among the unordered ones. */
static asim_status_t cycle_error(ctx_t *c, const bool *done)
{
    const Onnx__GraphProto *gp = c->graph;
    size_t start = 0;
    while (done[start])
        start++;
    uint32_t *step = calloc(gp->n_node, sizeof *step); /* 0 = unvisited, else walk order */
    if (!step)
        return asim_error_set(c->err, ASIM_ENOMEM, c->path, "out of memory");
    uint32_t v = (uint32_t)start, s = 1;
    while (!step[v]) { /* every unordered node waits on another: the walk must repeat */
        step[v] = s++;
        v = pending_input(c, gp->node[v], done);
    }
    char path[300] = "";
    size_t used = 0;
    uint32_t u = v;
    do {
        const Onnx__NodeProto *n = gp->node[u];
        used += (size_t)snprintf(path + used, sizeof path - used, "%s'%.40s'", used ? " <- " : "",
                                 n->name && n->name[0] ? n->name : n->n_output ? n->output[0] : "");
        u = pending_input(c, n, done);
    } while (u != v && used < sizeof path);
    free(step);
    char label[200];
    node_label(gp->node[v], label, sizeof label);
    return asim_error_set(c->err, ASIM_EMODEL, c->path, "the graph has a cycle through %s: "
                          "%s <- '%.40s' (each reads the next one's output)", label, path,
                          gp->node[v]->name && gp->node[v]->name[0] ? gp->node[v]->name
                          : gp->node[v]->n_output ? gp->node[v]->output[0] : "");
}

static asim_status_t topo_order(ctx_t *c, uint32_t *order)
{
    const Onnx__GraphProto *gp = c->graph;
    size_t nn = gp->n_node, edges = 0;
    for (size_t i = 0; i < nn; i++)
        edges += gp->node[i]->n_input;
    uint32_t *waiting = calloc(nn + 1, sizeof *waiting), *first = calloc(nn + 1, sizeof *first);
    uint32_t *next = calloc(edges + 1, sizeof *next), *heap = calloc(nn + 1, sizeof *heap);
    bool *done = calloc(nn + 1, sizeof *done);
    asim_status_t st = ASIM_OK;
    if (!waiting || !first || !next || !heap || !done) {
        st = asim_error_set(c->err, ASIM_ENOMEM, c->path, "out of memory");
        goto out;
    }
    /* first[p]: head of a list of (consumer) entries in `next`, stored as consumer + 1 */
    uint32_t *consumer = calloc(edges + 1, sizeof *consumer);
    if (!consumer) {
        st = asim_error_set(c->err, ASIM_ENOMEM, c->path, "out of memory");
        goto out;
    }
    size_t e = 0;
    for (size_t i = 0; i < nn; i++) {
        const Onnx__NodeProto *n = gp->node[i];
        for (size_t k = 0; k < n->n_input; k++) {
            if (!n->input[k][0])
                continue;
            uint32_t p = c->t[find_tensor(c, n->input[k])].node;
            if (p == NONE)
                continue;
            waiting[i]++;
            consumer[e] = (uint32_t)i;
            next[e] = first[p];
            first[p] = (uint32_t)(e + 1);
            e++;
        }
    }
    size_t hl = 0, ordered = 0;
    for (size_t i = 0; i < nn; i++)
        if (!waiting[i])
            heap_push(heap, &hl, (uint32_t)i);
    while (hl) {
        uint32_t v = heap_pop(heap, &hl);
        order[ordered++] = v;
        done[v] = true;
        for (uint32_t x = first[v]; x; x = next[x - 1])
            if (--waiting[consumer[x - 1]] == 0)
                heap_push(heap, &hl, consumer[x - 1]);
    }
    free(consumer);
    if (ordered < nn)
        st = cycle_error(c, done);
out:
    free(waiting);
    free(first);
    free(next);
    free(heap);
    free(done);
    return st;
}

/* ---- entry points ---- */

static asim_status_t parse_params(ctx_t *c, const char *text)
{
    char buf[512];
    if (strlen(text) >= sizeof buf)
        return asim_error_set(c->err, ASIM_EARG, "--model", "parameter list too long");
    snprintf(buf, sizeof buf, "%s", text);
    char *save;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (!eq || eq == item)
            return asim_error_set(c->err, ASIM_EARG, "--model", "%s: '%s' is not name=value "
                                  "(a symbolic dimension and its size)", c->path, item);
        *eq = '\0';
        if (c->n_params == MAX_PARAMS || strlen(item) >= sizeof c->params[0].name)
            return asim_error_set(c->err, ASIM_EARG, "--model", "%s: at most %d dimensions of "
                                  "up to 63 characters", c->path, MAX_PARAMS);
        for (int p = 0; p < c->n_params; p++)
            if (strcmp(c->params[p].name, item) == 0)
                return asim_error_set(c->err, ASIM_EARG, "--model", "%s: dimension %s is "
                                      "given twice", c->path, item);
        int64_t v;
        if (asim_parse_int(eq + 1, 1, ASIM_MODEL_MAX_DIM, &v) != ASIM_OK)
            return asim_error_set(c->err, ASIM_ERANGE, "--model", "%s: %s = '%s' must be an "
                                  "integer from 1 to %u", c->path, item, eq + 1,
                                  ASIM_MODEL_MAX_DIM);
        snprintf(c->params[c->n_params].name, sizeof c->params[0].name, "%s", item);
        c->params[c->n_params].value = v;
        c->params[c->n_params++].used = false;
    }
    return ASIM_OK;
}

static asim_status_t import_graph(ctx_t *c, const Onnx__ModelProto *m)
{
    asim_status_t st = check_opsets(c, m);
    if (st != ASIM_OK)
        return st;
    const Onnx__GraphProto *gp = c->graph;
    if ((st = check_supported(c)) != ASIM_OK)
        return st;
    size_t tensors = gp->n_initializer + gp->n_input;
    for (size_t i = 0; i < gp->n_node; i++)
        tensors += gp->node[i]->n_output;
    if (tensors >= NONE / 2)
        return asim_error_set(c->err, ASIM_ERANGE, c->path, "too many tensors");
    c->cap_t = tensors;
    for (c->n_slots = 16; c->n_slots < 2 * tensors; c->n_slots *= 2)
        ;
    c->t = calloc(tensors + 1, sizeof *c->t);
    c->slots = malloc(c->n_slots * sizeof *c->slots);
    c->node_op = malloc((gp->n_node + 1) * sizeof *c->node_op);
    uint32_t *order = calloc(gp->n_node + 1, sizeof *order);
    if (!c->t || !c->slots || !c->node_op || !order) {
        free(order);
        return asim_error_set(c->err, ASIM_ENOMEM, c->path, "out of memory");
    }
    memset(c->slots, 0xff, c->n_slots * sizeof *c->slots);
    memset(c->node_op, 0xff, (gp->n_node + 1) * sizeof *c->node_op);
    if ((st = add_inputs(c)) == ASIM_OK && (st = add_node_outputs(c)) == ASIM_OK)
        st = topo_order(c, order);
    for (size_t i = 0; i < gp->n_node && st == ASIM_OK; i++) {
        const Onnx__NodeProto *n = gp->node[order[i]];
        st = handler_of(n)->fn(c, n);
        for (size_t o = 0; o < n->n_output && st == ASIM_OK; o++) {
            tensor_t *t = output(c, n, o);
            if (t && !t->defined)
                st = node_error(c, n, ASIM_EMODEL, "output '%s' has no shape", t->name);
        }
    }
    free(order);
    if (st == ASIM_OK) {
        for (size_t i = 0; i < gp->n_output && st == ASIM_OK; i++) {
            const char *name = gp->output[i]->name;
            uint32_t k = name ? find_tensor(c, name) : NONE;
            if (k == NONE)
                st = asim_error_set(c->err, ASIM_EMODEL, c->path, "graph output '%s' is not "
                                    "defined", name ? name : "");
            else if (c->t[k].role != R_NONE) /* only node outputs carry roles */
                st = realize(c, gp->node[c->t[k].node], &c->t[k]);
        }
    }
    if (st == ASIM_OK && c->g->len == 0)
        st = asim_error_set(c->err, ASIM_EMODEL, c->path, "the model has no op the simulator "
                            "runs (no MatMul, Gemm, Conv or vector op)");
    return st;
}

asim_status_t asim_model_parse_onnx(const char *path, const void *data, size_t len,
                                    const char *params, asim_graph_t *g, asim_error_t *err)
{
    if (len > ONNX_MAX_BYTES)
        return asim_error_set(err, ASIM_ERANGE, path, "file is larger than %zu bytes (protobuf's "
                              "2 GiB limit; keep the weights in external data)", ONNX_MAX_BYTES);
    ctx_t c = {.path = path, .g = g, .err = err};
    const char *base = strrchr(path, '/');
    asim_graph_init(g, base ? base + 1 : path);
    asim_status_t st = parse_params(&c, params);
    if (st != ASIM_OK)
        return st;
    arena_t arena = {.input_len = len};
    ProtobufCAllocator alloc = {arena_alloc, arena_free, &arena};
    Onnx__ModelProto *m = onnx__model_proto__unpack(&alloc, len, data);
    if (!m) {
        arena_release(&arena);
        return asim_error_set(err, ASIM_ESYNTAX, path, "not an ONNX model: the protobuf is "
                              "truncated or corrupt (%zu bytes)", len);
    }
    if (!m->graph)
        st = asim_error_set(err, ASIM_EMODEL, path, "the model has no graph");
    else {
        c.graph = m->graph;
        st = import_graph(&c, m);
    }
    for (size_t i = 0; i < c.n_t; i++)
        free(c.t[i].val);
    free(c.t);
    free(c.slots);
    free(c.node_op);
    arena_release(&arena); /* the decoded message, all at once */
    if (st != ASIM_OK)
        asim_graph_free(g);
    return st;
}

asim_status_t asim_model_load_onnx(const char *path, const char *params, asim_graph_t *g,
                                   asim_error_t *err)
{
    asim_file_t f;
    asim_status_t st = asim_map_file(path, ONNX_MAX_BYTES, &f, err);
    if (st != ASIM_OK)
        return st;
    st = asim_model_parse_onnx(path, f.data, f.len, params, g, err);
    asim_unmap_file(&f);
    return st;
}
