/* view.c: where an op's operands and outputs lie in DRAM, and the runs of bytes a transfer
 * moves (program.h; docs/program.md, "Tensors in DRAM" and "Transfers"). */
#include <string.h>

#include "program/program.h"
#include "util/arith.h"

void asim_operand_view(const asim_program_t *p, const asim_graph_t *g, size_t o, unsigned j,
                       asim_view_t *v)
{
    const asim_op_t *op = &g->ops[o];
    bool gemm = op->kind == ASIM_OP_GEMM;
    memset(v, 0, sizeof *v);
    v->len = gemm ? (j == 0 ? op->k : op->n) : op->cols;
    v->part = gemm && j == 1;
    if (gemm && j == 1 && op->b_is_weight) {
        v->addr = p->addrs[o].b;
        asim_tensor_layout(op, ASIM_TENSOR_B, &v->l);
        v->weight = true;
        v->k = op->k;
        return;
    }
    if (j == 1 && asim_op_owns_b(op)) {
        v->addr = p->addrs[o].b;
        asim_tensor_layout(op, ASIM_TENSOR_B, &v->l);
    } else if (op->inputs[j] == ASIM_INPUT_MODEL) {
        v->addr = 0;
        asim_tensor_layout(&g->ops[asim_graph_input_reader(g)], ASIM_TENSOR_A, &v->l);
    } else {
        v->addr = p->addrs[op->inputs[j]].out;
        asim_tensor_layout(&g->ops[op->inputs[j]], ASIM_TENSOR_OUT, &v->l);
    }
    v->cache = gemm && j == 1 && op->b_cache;
    v->cache_kt = v->cache && op->k * op->count == v->l.cols;
    v->head_width = v->cache ? (v->cache_kt ? op->k : op->n) : 0;
    v->transposed = gemm && j == 1 && v->l.rows != op->k;
    if (v->transposed)
        v->len = op->k;
    uint64_t span = op->count * v->len;
    v->off = (j + 1) * span <= v->l.cols ? j * span : 0;
}

uint64_t asim_view_index(const asim_view_t *v, uint64_t i, uint64_t r, uint64_t c)
{
    if (v->weight)
        return (i * v->k + r) * v->l.cols + c;
    if (v->transposed)
        return (c % v->l.rows) * v->l.cols + (v->off + i * v->len + r) % v->l.cols;
    return (r % v->l.rows) * v->l.cols + (v->off + i * v->len + c) % v->l.cols;
}

uint64_t asim_out_index(const asim_op_t *op, uint64_t i, uint64_t r, uint64_t c)
{
    uint64_t width = op->kind == ASIM_OP_GEMM ? op->n : op->cols;
    return r * width * op->count + i * width + c;
}

/* The runs found so far: the first cap in runs, the latest in last. Counting (burst > 0,
 * runs NULL), bursts adds up the bursts of burst bytes that hold every closed run. */
typedef struct {
    asim_run_t *runs, last;
    size_t cap, n;
    uint64_t burst, bursts;
} runs_t;

/* Codes first..first + count - 1 of a packed tensor of `bits` at addr. */
static void add_codes(runs_t *rs, uint64_t addr, uint64_t first, uint64_t count, unsigned bits)
{
    uint64_t lo = addr + first * bits / 8, hi = addr + ((first + count) * bits - 1) / 8;
    if (rs->n && lo >= rs->last.lo && lo <= rs->last.hi + 1) {
        rs->last.hi = hi > rs->last.hi ? hi : rs->last.hi;
    } else {
        if (rs->n && rs->burst)
            rs->bursts += asim_runs_bursts(&rs->last, 1, rs->burst);
        rs->last = (asim_run_t){lo, hi};
        rs->n++;
    }
    if (rs->n <= rs->cap)
        rs->runs[rs->n - 1] = rs->last;
}

/* `rows` rows of `count` codes, row j from code first + j * stride (stride >= count), of a
 * tensor of `bits` at addr. Rows whose gap is 16 bits or more never merge (the next row
 * starts two bytes or more past the last byte of this one), so when counting, the rows between
 * the first and the last are runs of their own whose bursts repeat with the row's bit address
 * modulo a burst: they are summed over one period of that and multiplied out. */
static void add_block(runs_t *rs, uint64_t addr, unsigned bits, uint64_t first, uint64_t stride,
                      uint64_t count, uint64_t rows)
{
    if (count == stride) {
        add_codes(rs, addr, first, count * rows, bits);
        return;
    }
    if (!rs->burst || rows < 3 || (stride - count) * bits < 16) {
        for (uint64_t j = 0; j < rows; j++)
            add_codes(rs, addr, first + j * stride, count, bits);
        return;
    }
    add_codes(rs, addr, first, count, bits);
    uint64_t span = 8 * rs->burst, len = count * bits, step = stride * bits % span;
    uint64_t period = span / asim_gcd(step ? step : span, span), middle = rows - 2;
    uint64_t x = (8 * addr + (first + stride) * bits) % span, once = 0, sum = 0;
    uint64_t n = period < middle ? period : middle;
    for (uint64_t j = 0; j < n; j++) {
        once += (x + len - 1) / span + 1;
        if (j + 1 == middle % period)
            sum = once;
        x = (x + step) % span;
    }
    rs->bursts += period < middle ? middle / period * once + (middle % period ? sum : 0) : once;
    rs->n += middle;
    add_codes(rs, addr, first + (rows - 1) * stride, count, bits);
}

/* `count` codes of stored rows row0..row0 + rows - 1 (each modulo the tensor's rows) from
 * column col on, a row that runs past the tensor's last column wrapping to its first. */
static void add_rows(runs_t *rs, const asim_view_t *v, uint64_t row0, uint64_t rows,
                     uint64_t col, uint64_t count)
{
    for (uint64_t j = 0; j < rows;) {
        uint64_t row = (row0 + j) % v->l.rows;
        if (col + count <= v->l.cols) { /* no wrap: the rows up to the tensor's end in a block */
            uint64_t n = rows - j < v->l.rows - row ? rows - j : v->l.rows - row;
            add_block(rs, v->addr, v->l.bits, row * v->l.cols + col, v->l.cols, count, n);
            j += n;
            continue;
        }
        for (uint64_t c = col, left = count; left > 0; c = 0) {
            uint64_t n = left < v->l.cols - c ? left : v->l.cols - c;
            add_codes(rs, v->addr, row * v->l.cols + c, n, v->l.bits);
            left -= n;
        }
        j++;
    }
}

/* View rows [r0, r1) x cols [c0, c1) of instance i, stored row by stored row. */
static void add_view(runs_t *rs, const asim_view_t *v, uint64_t i, uint64_t r0, uint64_t r1,
                     uint64_t c0, uint64_t c1)
{
    if (v->cache) { /* positions are rows, one after another; a head is head_width columns */
        uint64_t col = (i * v->head_width + (v->cache_kt ? r0 : c0)) % v->l.cols;
        uint64_t count = v->cache_kt ? r1 - r0 : c1 - c0;
        uint64_t pos = v->cache_kt ? c0 : r0, n = v->cache_kt ? c1 - c0 : r1 - r0;
        if (col + count <= v->l.cols)
            add_block(rs, v->addr, v->l.bits, pos * v->l.cols + col, v->l.cols, count, n);
        else
            add_rows(rs, v, pos, n, col, count);
    } else if (v->weight) /* instance i's rows, whole (a weight view never wraps) */
        add_block(rs, v->addr, v->l.bits, (i * v->k + r0) * v->l.cols + c0, v->l.cols, c1 - c0,
                  r1 - r0);
    else if (v->transposed) /* a view column is a stored row */
        add_rows(rs, v, c0, c1 - c0, (v->off + i * v->len + r0) % v->l.cols, r1 - r0);
    else
        add_rows(rs, v, r0, r1 - r0, (v->off + i * v->len + c0) % v->l.cols, c1 - c0);
}

/* Walks transfer in's runs into rs. */
static void walk(const asim_program_t *p, const asim_graph_t *g, const asim_insn_t *in,
                 runs_t *rs)
{
    if (in->kind == ASIM_INSN_COMPUTE || in->bits == 0)
        return;
    const asim_op_t *op = &g->ops[in->op];
    const asim_plan_t *pl = &p->plans[in->op];
    bool gemm = op->kind == ASIM_OP_GEMM;
    asim_tile_at_t at;
    asim_plan_locate(pl, op, in->tile, &at);
    if (in->kind == ASIM_INSN_STORE) {
        for (uint64_t m = at.m0; m < at.m0 + at.tm; m++) {
            uint64_t i = gemm ? at.inst : m / op->rows, r = gemm ? m : m % op->rows;
            uint64_t c0 = gemm ? at.n0 : 0, c1 = gemm ? at.n0 + at.tn : op->cols;
            add_codes(rs, p->addrs[in->op].out, asim_out_index(op, i, r, c0), c1 - c0,
                      (unsigned)op->out_bits);
        }
        return;
    }
    asim_tile_t tile;
    asim_plan_tile_traffic(pl, op, in->tile, &tile);
    asim_view_t v;
    if (!gemm) {
        unsigned inputs = asim_op_kind_binary(op->kind) ? 2 : 1;
        for (unsigned j = 0; j < inputs && tile.load_act_bits; j++) {
            asim_operand_view(p, g, in->op, j, &v);
            for (uint64_t m = at.m0; m < at.m0 + at.tm; m++)
                add_view(rs, &v, m / op->rows, m % op->rows, m % op->rows + 1, 0, op->cols);
        }
        return;
    }
    if (tile.load_act_bits) {
        asim_operand_view(p, g, in->op, 0, &v);
        if (pl->tm >= op->m && pl->tk >= op->k) /* the whole operand, once per instance */
            add_view(rs, &v, at.inst, 0, op->m, 0, op->k);
        else
            add_view(rs, &v, at.inst, at.m0, at.m0 + at.tm, at.k0, at.k0 + at.tk);
    }
    if (tile.load_weight_bits) {
        asim_operand_view(p, g, in->op, 1, &v);
        if (pl->tk >= op->k && pl->tn >= op->n)
            add_view(rs, &v, at.inst, 0, op->k, 0, op->n);
        else
            add_view(rs, &v, at.inst, at.k0, at.k0 + at.tk, at.n0, at.n0 + at.tn);
    }
}

size_t asim_transfer_runs(const asim_program_t *p, const asim_graph_t *g, const asim_insn_t *in,
                          asim_run_t *runs, size_t cap)
{
    runs_t rs = {.runs = runs, .cap = runs ? cap : 0};
    walk(p, g, in, &rs);
    return rs.n;
}

uint64_t asim_transfer_bursts(const asim_program_t *p, const asim_graph_t *g,
                              const asim_insn_t *in, uint64_t burst_bytes)
{
    runs_t rs = {.burst = burst_bytes};
    walk(p, g, in, &rs);
    return rs.n ? rs.bursts + asim_runs_bursts(&rs.last, 1, burst_bytes) : 0;
}
