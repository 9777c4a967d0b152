/* view.c: where an op's operands and outputs lie in DRAM, and the runs of bytes a transfer
 * moves (program.h; docs/program.md, "Tensors in DRAM" and "Transfers"). */
#include <string.h>

#include "program/program.h"

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

/* The runs found so far: the first cap in runs, the latest in last. */
typedef struct {
    asim_run_t *runs, last;
    size_t cap, n;
} runs_t;

/* Codes first..first + count - 1 of a packed tensor of `bits` at addr. */
static void add_codes(runs_t *rs, uint64_t addr, uint64_t first, uint64_t count, unsigned bits)
{
    uint64_t lo = addr + first * bits / 8, hi = addr + ((first + count) * bits - 1) / 8;
    if (rs->n && lo >= rs->last.lo && lo <= rs->last.hi + 1) {
        rs->last.hi = hi > rs->last.hi ? hi : rs->last.hi;
    } else {
        rs->last = (asim_run_t){lo, hi};
        rs->n++;
    }
    if (rs->n <= rs->cap)
        rs->runs[rs->n - 1] = rs->last;
}

/* `count` codes of stored row `row` from column `col` on, wrapping around the row's end. */
static void add_row(runs_t *rs, const asim_view_t *v, uint64_t row, uint64_t col, uint64_t count)
{
    while (count > 0) {
        uint64_t n = count < v->l.cols - col ? count : v->l.cols - col;
        add_codes(rs, v->addr, row * v->l.cols + col, n, v->l.bits);
        count -= n;
        col = 0;
    }
}

/* View rows [r0, r1) x cols [c0, c1) of instance i, stored row by stored row. */
static void add_view(runs_t *rs, const asim_view_t *v, uint64_t i, uint64_t r0, uint64_t r1,
                     uint64_t c0, uint64_t c1)
{
    if (v->transposed) { /* a view column is a stored row */
        for (uint64_t c = c0; c < c1; c++)
            add_row(rs, v, c % v->l.rows, (v->off + i * v->len + r0) % v->l.cols, r1 - r0);
        return;
    }
    for (uint64_t r = r0; r < r1; r++) {
        uint64_t row = v->weight ? i * v->k + r : r % v->l.rows;
        uint64_t col = v->weight ? c0 : (v->off + i * v->len + c0) % v->l.cols;
        add_row(rs, v, row, col, c1 - c0);
    }
}

size_t asim_transfer_runs(const asim_program_t *p, const asim_graph_t *g, const asim_insn_t *in,
                          asim_run_t *runs, size_t cap)
{
    runs_t rs = {.runs = runs, .cap = runs ? cap : 0};
    if (in->kind == ASIM_INSN_COMPUTE || in->bits == 0)
        return 0;
    const asim_op_t *op = &g->ops[in->op];
    const asim_plan_t *pl = &p->plans[in->op];
    bool gemm = op->kind == ASIM_OP_GEMM;
    asim_tile_at_t at;
    asim_plan_locate(pl, op, in->tile, &at);
    if (in->kind == ASIM_INSN_STORE) {
        for (uint64_t m = at.m0; m < at.m0 + at.tm; m++) {
            uint64_t i = gemm ? at.inst : m / op->rows, r = gemm ? m : m % op->rows;
            uint64_t c0 = gemm ? at.n0 : 0, c1 = gemm ? at.n0 + at.tn : op->cols;
            add_codes(&rs, p->addrs[in->op].out, asim_out_index(op, i, r, c0), c1 - c0,
                      (unsigned)op->out_bits);
        }
        return rs.n;
    }
    asim_tile_t tile;
    asim_plan_tile_traffic(pl, op, in->tile, &tile);
    asim_view_t v;
    if (!gemm) {
        unsigned inputs = asim_op_kind_binary(op->kind) ? 2 : 1;
        for (unsigned j = 0; j < inputs && tile.load_act_bits; j++) {
            asim_operand_view(p, g, in->op, j, &v);
            for (uint64_t m = at.m0; m < at.m0 + at.tm; m++)
                add_view(&rs, &v, m / op->rows, m % op->rows, m % op->rows + 1, 0, op->cols);
        }
        return rs.n;
    }
    if (tile.load_act_bits) {
        asim_operand_view(p, g, in->op, 0, &v);
        if (pl->tm >= op->m && pl->tk >= op->k) /* the whole operand, once per instance */
            add_view(&rs, &v, at.inst, 0, op->m, 0, op->k);
        else
            add_view(&rs, &v, at.inst, at.m0, at.m0 + at.tm, at.k0, at.k0 + at.tk);
    }
    if (tile.load_weight_bits) {
        asim_operand_view(p, g, in->op, 1, &v);
        if (pl->tk >= op->k && pl->tn >= op->n)
            add_view(&rs, &v, at.inst, 0, op->k, 0, op->n);
        else
            add_view(&rs, &v, at.inst, at.k0, at.k0 + at.tk, at.n0, at.n0 + at.tn);
    }
    return rs.n;
}
