/* check.c: the functional check of a model on a board, and its output file (functional.h). */
#include <string.h>
#include <stdlib.h>

#include "accel/accel.h"
#include "functional/functional.h"

asim_status_t asim_fn_check(const asim_sim_t *s, const asim_graph_t *g, uint64_t seed,
                            asim_program_t *p, asim_fn_images_t *im, asim_fn_compare_t *c,
                            asim_error_t *err)
{
    int32_t **ref = NULL;
    memset(p, 0, sizeof *p);
    memset(im, 0, sizeof *im);
    memset(c, 0, sizeof *c);
    asim_status_t st = asim_check_mapping(s, g, err);
    if (st == ASIM_OK)
        st = asim_compile(s, g, (asim_schedule_t)s->cfg.schedule, p, err);
    if (st != ASIM_OK)
        return st;
    st = asim_fn_execute(p, g, seed, im, err);
    if (st == ASIM_OK)
        st = asim_fn_reference(g, seed, &ref, err);
    if (st == ASIM_OK)
        asim_fn_compare(p, g, im, ref, c);
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
