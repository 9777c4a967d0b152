/* period.c: repeated blocks of ops in a compiled program (see program.h, asim_program_period). */
#include <string.h>

#include "program/program.h"

/* Op b is op a of the block before: the same kind, shape, widths and flags, and inputs k ops
 * later (the model input stays the model input). Names may differ. */
static bool op_repeats(const asim_op_t *a, const asim_op_t *b, size_t k)
{
    if (a->kind != b->kind || a->m != b->m || a->n != b->n || a->k != b->k ||
        a->rows != b->rows || a->cols != b->cols || a->count != b->count ||
        a->a_bits != b->a_bits || a->b_bits != b->b_bits || a->out_bits != b->out_bits ||
        a->b_is_weight != b->b_is_weight || a->b_shared != b->b_shared ||
        a->a_reuse != b->a_reuse || a->b_cache != b->b_cache || a->out_cache != b->out_cache ||
        a->group != b->group || a->causal != b->causal || a->n_inputs != b->n_inputs)
        return false;
    for (unsigned j = 0; j < a->n_inputs; j++)
        if (a->inputs[j] == ASIM_INPUT_MODEL ? b->inputs[j] != ASIM_INPUT_MODEL
                                             : b->inputs[j] != a->inputs[j] + k)
            return false;
    return true;
}

static bool plan_same(const asim_plan_t *a, const asim_plan_t *b)
{
    return a->tm == b->tm && a->tn == b->tn && a->tk == b->tk &&
           a->a_resident == b->a_resident && a->b_resident == b->b_resident &&
           a->out_resident == b->out_resident && a->n_tiles == b->n_tiles &&
           a->n_stores == b->n_stores && a->dram_bits == b->dram_bits &&
           !memcmp(a->folds, b->folds, sizeof a->folds);
}

/* An address of op o + k against op o's: `shift` bytes later, or, where `fixed` allows it (a
 * shared weight, the model input), the same. */
static bool addr_repeats(uint64_t a, uint64_t b, uint64_t shift, bool fixed)
{
    if (a == ASIM_NO_ADDR || b == ASIM_NO_ADDR)
        return a == b;
    return b == a + shift || (fixed && b == a);
}

/* Op o + k repeats op o on the same queue, with the same plan, its tensors `shift` bytes on. */
static bool repeats(const asim_program_t *p, const asim_graph_t *g, size_t o, size_t k,
                    uint64_t shift)
{
    const asim_op_t *a = &g->ops[o], *b = &g->ops[o + k];
    const asim_op_addr_t *x = &p->addrs[o], *y = &p->addrs[o + k];
    bool model_a = !a->n_inputs || a->inputs[0] == ASIM_INPUT_MODEL;
    bool fixed_b = a->b_shared || (a->n_inputs > 1 && a->inputs[1] == ASIM_INPUT_MODEL);
    return op_repeats(a, b, k) && p->op_queue[o] == p->op_queue[o + k] &&
           plan_same(&p->plans[o], &p->plans[o + k]) && addr_repeats(x->a, y->a, shift, model_a) &&
           addr_repeats(x->b, y->b, shift, fixed_b) && addr_repeats(x->out, y->out, shift, false);
}

/* Blocks tried: up to this many ops, and this many op comparisons in all (a graph of 10^5
 * ops is searched for blocks of up to 200 ops). */
#define MAX_BLOCK_OPS 512
#define MAX_COMPARISONS 20000000u

bool asim_program_period(const asim_program_t *p, const asim_graph_t *g, uint64_t align,
                         asim_period_t *per)
{
    *per = (asim_period_t){0};
    size_t len = g->len, max_k = len ? MAX_COMPARISONS / len : 0;
    max_k = max_k < MAX_BLOCK_OPS ? max_k : MAX_BLOCK_OPS;
    for (size_t k = 1; 2 * k <= len && k <= max_k; k++) {
        size_t run = 0, from = 0; /* ops from..from+run-1 each repeat k ops later */
        uint64_t shift = 0;
        for (size_t o = 0; o + k <= len; o++) {
            uint64_t d = o + k < len ? p->addrs[o + k].out - p->addrs[o].out : 0;
            bool ok = o + k < len && d % align == 0 && (run == 0 || d == shift) &&
                      repeats(p, g, o, k, d);
            if (ok && run == 0) {
                from = o;
                shift = d;
            }
            if (ok) {
                run++;
                continue;
            }
            size_t blocks = run ? run / k + 1 : 0;
            if (blocks >= 2 && blocks * k > per->n * per->k)
                *per = (asim_period_t){from, k, blocks, shift};
            run = 0;
            if (o + k < len && d % align == 0 && repeats(p, g, o, k, d)) {
                from = o;
                shift = d;
                run = 1;
            }
        }
    }
    return per->n >= 2;
}
