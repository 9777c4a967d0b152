/* check.c: the functional check of a model on a board, and its output file (functional.h). */
#include <stdlib.h>
#include <string.h>

#include "accel/accel.h"
#include "functional/functional.h"

asim_status_t asim_fn_check(asim_sim_t *s, const asim_graph_t *g, uint64_t seed,
                            const asim_program_t **p, asim_fn_images_t *im,
                            asim_fn_compare_t c[2], asim_error_t *err)
{
    int32_t **ref = NULL;
    asim_report_t rep;
    asim_fn_images_t tokens;
    memset(im, 0, sizeof *im);
    memset(c, 0, 2 * sizeof *c);
    *p = &s->prog;
    s->keep_program = true; /* every instruction and its stamps are read below */
    asim_status_t st = asim_sim_run(s, g, &rep, err);
    if (st != ASIM_OK)
        return st;
    asim_report_free(&rep);
    const asim_fn_stamps_t stamps = {s->issued_at, s->done_at, s->first};
    st = asim_fn_reference(g, seed, &ref, err);
    if (st == ASIM_OK)
        st = asim_fn_execute(&s->prog, g, seed, NULL, &tokens, err);
    if (st == ASIM_OK) {
        asim_fn_compare(&s->prog, g, &tokens, ref, &c[0]);
        asim_fn_images_free(&tokens);
        st = asim_fn_execute(&s->prog, g, seed, &stamps, im, err);
    }
    if (st == ASIM_OK)
        asim_fn_compare(&s->prog, g, im, ref, &c[1]);
    asim_fn_reference_free(ref, g->len);
    return st;
}

void asim_fn_write_outputs(FILE *f, const asim_program_t *p, const asim_graph_t *g,
                           const asim_fn_images_t *im)
{
    bool *read = calloc(g->len ? g->len : 1, sizeof *read);
    for (size_t o = 0; read && o < g->len; o++)
        for (unsigned j = 0; j < g->ops[o].n_inputs; j++)
            if (g->ops[o].inputs[j] != ASIM_INPUT_MODEL)
                read[g->ops[o].inputs[j]] = true;
    for (size_t o = 0; read && o < g->len; o++) {
        if (read[o])
            continue;
        asim_tensor_layout_t l;
        asim_tensor_layout(&g->ops[o], ASIM_TENSOR_OUT, &l);
        bool stored = p->plans[o].n_stores > 0;
        fprintf(f, "# op %s %llu x %llu, %u-bit codes, %s\n", g->ops[o].name,
                (unsigned long long)l.rows, (unsigned long long)l.cols, l.bits,
                stored ? "from DRAM" : "on chip (the program does not store it)");
        for (uint64_t r = 0; r < l.rows; r++)
            for (uint64_t col = 0; col < l.cols; col++)
                fprintf(f, "%d%c", asim_fn_get(stored ? im->dram : im->chip, p->addrs[o].out,
                                               r * l.cols + col, l.bits),
                        col + 1 == l.cols ? '\n' : ' ');
    }
    free(read);
}
