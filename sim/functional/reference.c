/*
 * reference.c: the plain integer reference of a network (functional.h). Whole tensors, in
 * graph order: each op gathers its operands as plain matrices per instance, multiplies or
 * runs its kernel row by row, and rescales to its output width. It knows nothing of programs,
 * tiles, buffers or addresses; it follows docs/functional.md on its own (the QUARK kernels of
 * the vector ops are the one shared piece).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asim/fixed.h"
#include "functional/functional.h"
#include "nonlinear/nl_kernels.h"

typedef struct {
    const asim_graph_t *g;
    uint64_t seed;
    int32_t **out;
    int32_t *input;           /* the model input, as its first reader's A */
    uint64_t in_rows, in_cols;
    unsigned in_bits;
} ref_t;

/* Real value of code 1 of an activation of `bits` is 2^-point(bits). */
static int point(unsigned bits)
{
    return bits > 1 ? (int)bits - 4 : 0;
}

/* v / 2^drop, rounded half up, clamped to `bits` (bits = 1: the sign, as -1 or +1). */
static int32_t rescale(int64_t v, int drop, unsigned bits)
{
    if (drop > 0)
        v = asim_fx_div_floor(v + (INT64_C(1) << (drop - 1)), INT64_C(1) << drop);
    else
        v *= INT64_C(1) << -drop;
    if (bits == 1)
        return v < 0 ? -1 : 1;
    int64_t hi = (INT64_C(1) << (bits - 1)) - 1, lo = -hi - 1;
    return (int32_t)(v > hi ? hi : v < lo ? lo : v);
}

/* A stored tensor as a plain matrix: codes, rows x cols, width and point. */
typedef struct {
    const int32_t *codes;
    uint64_t rows, cols;
    unsigned bits;
} mat_t;

/* The output (or the model input) an op's input slot j names. */
static mat_t source(const ref_t *r, uint32_t in)
{
    if (in == ASIM_INPUT_MODEL)
        return (mat_t){r->input, r->in_rows, r->in_cols, r->in_bits};
    const asim_op_t *p = &r->g->ops[in];
    bool gemm = p->kind == ASIM_OP_GEMM;
    return (mat_t){r->out[in], gemm ? p->m : p->rows, (gemm ? p->n : p->cols) * p->count,
                   (unsigned)p->out_bits};
}

/* Operand j of an op with `count` instances, instance i: rows x len codes of the source,
 * rescaled to `bits` (activation point). Row x is the source's row x mod its rows; the
 * columns start at (j * count * len when the source is that wide, else 0) + i * len and wrap.
 * dst gets them as they are (rows x len) or, with `transpose`, as len x rows. */
static void gather(const mat_t *m, unsigned j, uint64_t count, uint64_t i, uint64_t rows,
                   uint64_t len, bool transpose, unsigned bits, int32_t *dst)
{
    uint64_t start = ((j + 1) * count * len <= m->cols ? j * count * len : 0) + i * len;
    for (uint64_t x = 0; x < rows; x++)
        for (uint64_t y = 0; y < len; y++) {
            int32_t code = m->codes[(x % m->rows) * m->cols + (start + y) % m->cols];
            int32_t v = rescale(code, point(m->bits) - point(bits), bits);
            if (transpose)
                dst[y * rows + x] = v;
            else
                dst[x * len + y] = v;
        }
}

/* The weight of GEMM o: its own, or for `b: shared` the nearest earlier owner's. */
static size_t weight_of(const asim_graph_t *g, size_t o)
{
    const asim_op_t *op = &g->ops[o];
    if (!op->b_shared)
        return o;
    size_t w = o;
    while (w-- > 0) {
        const asim_op_t *c = &g->ops[w];
        if (c->kind == ASIM_OP_GEMM && c->b_is_weight && !c->b_shared && c->k == op->k &&
            c->n == op->n)
            break;
    }
    return w;
}

static asim_status_t gemm(ref_t *r, size_t o, asim_error_t *err)
{
    const asim_op_t *op = &r->g->ops[o];
    uint64_t m = op->m, n = op->n, k = op->k;
    int32_t *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return asim_error_set(err, ASIM_ENOMEM, "reference", "out of memory");
    }
    unsigned half_log = 0;
    while ((UINT64_C(1) << half_log) < k)
        half_log++;
    half_log /= 2;
    int pa = point((unsigned)op->a_bits), pb, po = point((unsigned)op->out_bits);
    mat_t src_a = source(r, op->inputs[0]);
    for (uint64_t i = 0; i < op->count; i++) {
        gather(&src_a, 0, op->count, i, m, k, false, (unsigned)op->a_bits, a);
        if (op->b_is_weight) {
            size_t w = weight_of(r->g, o);
            for (uint64_t e = 0; e < k * n; e++)
                b[e] = asim_fn_seed_code(r->seed, ASIM_FN_TENSOR_B(w), i * k * n + e,
                                         (unsigned)op->b_bits);
            pb = op->b_bits > 1 ? op->b_bits - 1 : 0;
        } else {
            mat_t src_b = source(r, op->inputs[1]);
            /* stored k x n when the source has k rows, else n x k (K for Q K^T) */
            if (src_b.rows == k)
                gather(&src_b, 1, op->count, i, k, n, false, (unsigned)op->b_bits, b);
            else
                gather(&src_b, 1, op->count, i, n, k, true, (unsigned)op->b_bits, b);
            pb = point((unsigned)op->b_bits);
        }
        for (uint64_t x = 0; x < m; x++)
            for (uint64_t y = 0; y < n; y++) {
                int64_t sum = 0;
                for (uint64_t z = 0; z < k; z++)
                    sum += (int64_t)a[x * k + z] * b[z * n + y];
                r->out[o][x * n * op->count + i * n + y] =
                    rescale(sum, pa + pb + (int)half_log - po, (unsigned)op->out_bits);
            }
    }
    free(a);
    free(b);
    return ASIM_OK;
}

/* The vector op's kernel on one row, then the rescale to out_bits. */
static asim_status_t kernel_row(const asim_op_t *op, const int32_t *x, const int32_t *x2,
                                size_t n, int32_t *scratch, int32_t *y, asim_error_t *err)
{
    int pa = point((unsigned)op->a_bits), po = point((unsigned)op->out_bits);
    unsigned ob = (unsigned)op->out_bits;
    asim_nl_fmt_t in = {(unsigned)op->a_bits, true, ldexp(1.0, -pa)}, of = {0};
    asim_status_t st = ASIM_OK;
    if (op->kind == ASIM_OP_ADD) {
        for (size_t c = 0; c < n; c++)
            y[c] = rescale((int64_t)x[c] + x2[c], pa - po, ob);
        return ASIM_OK;
    }
    if (op->kind == ASIM_OP_MUL) {
        for (size_t c = 0; c < n; c++)
            y[c] = rescale((int64_t)x[c] * x2[c], 2 * pa - po, ob);
        return ASIM_OK;
    }
    if (op->kind == ASIM_OP_SOFTMAX)
        st = asim_nl_softmax_quark(x, n, &in, ASIM_NL_QF, scratch, &of);
    else if (op->kind == ASIM_OP_GELU)
        st = asim_nl_gelu_quark(x, n, &in, scratch, &of);
    else if (op->kind == ASIM_OP_RELU)
        st = asim_nl_relu_quark(x, n, &in, scratch, &of);
    else if (op->kind == ASIM_OP_TANH)
        st = asim_nl_tanh_quark(x, n, &in, scratch, &of);
    else if (op->kind == ASIM_OP_LAYERNORM)
        st = asim_nl_layernorm_quark(x, n, &in, scratch, &of);
    else
        return asim_error_set(err, ASIM_EUNSUPPORTED, "reference", "op '%s' (%s): no "
                              "functional kernel for this kind yet", op->name,
                              asim_op_kind_name(op->kind));
    if (st != ASIM_OK)
        return asim_error_set(err, ASIM_EUNSUPPORTED, "reference", "op '%s' (%s): the QUARK "
                              "kernel refuses its input", op->name, asim_op_kind_name(op->kind));
    int frac;
    frexp(of.scale, &frac); /* of.scale = 2^(frac - 1) */
    for (size_t c = 0; c < n; c++)
        y[c] = rescale(scratch[c], (1 - frac) - po, ob);
    return ASIM_OK;
}

static asim_status_t vector(ref_t *r, size_t o, asim_error_t *err)
{
    const asim_op_t *op = &r->g->ops[o];
    uint64_t rows = op->rows, n = op->cols;
    bool two = asim_op_kind_binary(op->kind);
    int32_t *x = malloc(rows * n * sizeof *x), *x2 = malloc(rows * n * sizeof *x2);
    int32_t *scratch = malloc(n * sizeof *scratch), *y = malloc(n * sizeof *y);
    asim_status_t st = x && x2 && scratch && y
                           ? ASIM_OK
                           : asim_error_set(err, ASIM_ENOMEM, "reference", "out of memory");
    mat_t a = source(r, op->inputs[0]), b = {0};
    if (two && op->n_inputs > 1) {
        b = source(r, op->inputs[1]);
    } else if (two) { /* the op's own parameter, in its output's shape */
        int32_t *param = malloc(rows * n * op->count * sizeof *param);
        if (!param)
            st = asim_error_set(err, ASIM_ENOMEM, "reference", "out of memory");
        for (uint64_t e = 0; param && e < rows * n * op->count; e++)
            param[e] = asim_fn_seed_code(r->seed, ASIM_FN_TENSOR_B(o), e, (unsigned)op->a_bits);
        b = (mat_t){param, rows, n * op->count, (unsigned)op->a_bits};
    }
    for (uint64_t i = 0; i < op->count && st == ASIM_OK; i++) {
        gather(&a, 0, op->count, i, rows, n, false, (unsigned)op->a_bits, x);
        if (two)
            gather(&b, 1, op->count, i, rows, n, false, (unsigned)op->a_bits, x2);
        for (uint64_t row = 0; row < rows && st == ASIM_OK; row++) {
            st = kernel_row(op, x + row * n, x2 + row * n, n, scratch, y, err);
            memcpy(r->out[o] + row * n * op->count + i * n, y, n * sizeof *y);
        }
    }
    if (two && op->n_inputs < 2)
        free((void *)b.codes);
    free(x);
    free(x2);
    free(scratch);
    free(y);
    return st;
}

void asim_fn_reference_free(int32_t **out, size_t n)
{
    for (size_t o = 0; out && o < n; o++)
        free(out[o]);
    free(out);
}

asim_status_t asim_fn_reference(const asim_graph_t *g, uint64_t seed, int32_t ***out,
                                asim_error_t *err)
{
    ref_t r = {g, seed, calloc(g->len ? g->len : 1, sizeof(int32_t *)), NULL, 0, 0, 0};
    asim_status_t st = r.out ? ASIM_OK
                             : asim_error_set(err, ASIM_ENOMEM, "reference", "out of memory");
    for (size_t o = 0; o < g->len && st == ASIM_OK && !r.input; o++) {
        const asim_op_t *op = &g->ops[o];
        bool reads_input = false;
        for (unsigned j = 0; j < op->n_inputs; j++)
            reads_input = reads_input || op->inputs[j] == ASIM_INPUT_MODEL;
        if (!reads_input)
            continue;
        bool mm = op->kind == ASIM_OP_GEMM;
        r.in_rows = mm ? op->m : op->rows;
        r.in_cols = (mm ? op->k : op->cols) * op->count;
        r.in_bits = (unsigned)op->a_bits;
        r.input = malloc(r.in_rows * r.in_cols * sizeof *r.input);
        if (!r.input)
            st = asim_error_set(err, ASIM_ENOMEM, "reference", "out of memory");
        for (uint64_t e = 0; r.input && e < r.in_rows * r.in_cols; e++)
            r.input[e] = asim_fn_seed_code(seed, ASIM_FN_TENSOR_INPUT, e, r.in_bits);
    }
    for (size_t o = 0; o < g->len && st == ASIM_OK; o++) {
        const asim_op_t *op = &g->ops[o];
        uint64_t n = asim_op_outputs(op);
        r.out[o] = malloc((n ? n : 1) * sizeof **r.out);
        if (!r.out[o])
            st = asim_error_set(err, ASIM_ENOMEM, "reference", "out of memory");
        else
            st = op->kind == ASIM_OP_GEMM ? gemm(&r, o, err) : vector(&r, o, err);
    }
    free(r.input);
    if (st != ASIM_OK) {
        asim_fn_reference_free(r.out, g->len);
        r.out = NULL;
    }
    *out = r.out;
    return st;
}
