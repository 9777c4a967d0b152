/*
 * nl_accuracy_table: prints, as Markdown, the max and mean absolute error of every integer
 * nonlinear kernel (QUARK, I-BERT, I-ViT) against the double reference, for input widths 8, 6
 * and 4 bits, on the workloads of asim_nl_measure (sim/nonlinear/nl_kernels.h); then the
 * kernels at the widths of I-BERT's and I-ViT's reference code (LayerNorm from 16 bits,
 * I-ViT's 17-bit softmax output) that our uniform widths do not cover.
 * Usage: nl_accuracy_table > docs/nonlinear-accuracy.md. Exit status 1 if a kernel fails.
 */
#include <stdio.h>

#include "nonlinear/nl_kernels.h"

static const unsigned widths[3] = {8, 6, 4};

/* One table row: impl/func (and softmax width) at every input width. */
static int print_row(asim_nl_impl_t impl, asim_nl_func_t func, unsigned prob_bits)
{
    asim_nl_op_t op = {impl, func, prob_bits};
    char label[48];
    if (func == ASIM_NL_SOFTMAX)
        snprintf(label, sizeof label, "%s (%u-bit out)", asim_nl_func_name(func), prob_bits);
    else
        snprintf(label, sizeof label, "%s%s", asim_nl_func_name(func),
                 func == ASIM_NL_DIV ? " (relative)" : "");
    asim_nl_err_t e[3];
    for (size_t w = 0; w < 3; w++) {
        asim_status_t st = asim_nl_measure(&op, widths[w], &e[w]);
        if (st == ASIM_EUNSUPPORTED)
            return 0;
        if (st != ASIM_OK) {
            fprintf(stderr, "nl_accuracy_table: %s/%s at %u bits: %s\n", asim_nl_impl_name(impl),
                    asim_nl_func_name(func), widths[w], asim_status_text(st));
            return 1;
        }
    }
    printf("| %s | %s |", asim_nl_impl_name(impl), label);
    for (size_t w = 0; w < 3; w++)
        printf(" %.4f | %.5f |", e[w].max_abs, e[w].mean_abs);
    printf("\n");
    return 0;
}

int main(void)
{
    int failed = 0;
    printf("| style | function | max 8b | mean 8b | max 6b | mean 6b | max 4b | mean 4b |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    for (int f = 0; f < ASIM_NL_FUNC_COUNT; f++)
        for (int i = 0; i < ASIM_NL_EXACT; i++) {
            if (f == ASIM_NL_SOFTMAX) {
                failed |= print_row((asim_nl_impl_t)i, ASIM_NL_SOFTMAX, 8);
                failed |= print_row((asim_nl_impl_t)i, ASIM_NL_SOFTMAX, 16);
            } else {
                failed |= print_row((asim_nl_impl_t)i, (asim_nl_func_t)f, 0);
            }
        }
    printf("\nAt the reference widths (LayerNorm inputs of 16 bits, as I-BERT and I-ViT feed it "
           "from the residual stream; I-ViT's 17-bit softmax output, 8-bit inputs):\n\n"
           "| style | function | input bits | max | mean |\n|---|---|---|---|---|\n");
    const struct {
        asim_nl_impl_t impl;
        asim_nl_func_t func;
        unsigned prob_bits, bits;
    } points[] = {{ASIM_NL_QUARK, ASIM_NL_LAYERNORM, 0, 16},
                  {ASIM_NL_IBERT, ASIM_NL_LAYERNORM, 0, 16},
                  {ASIM_NL_IVIT, ASIM_NL_LAYERNORM, 0, 16},
                  {ASIM_NL_IVIT, ASIM_NL_SOFTMAX, 17, 8}};
    for (size_t p = 0; p < sizeof points / sizeof points[0]; p++) {
        asim_nl_op_t op = {points[p].impl, points[p].func, points[p].prob_bits};
        asim_nl_err_t e;
        asim_status_t st = asim_nl_measure(&op, points[p].bits, &e);
        if (st != ASIM_OK) {
            fprintf(stderr, "nl_accuracy: %s/%s at %u bits: %s\n", asim_nl_impl_name(op.impl),
                    asim_nl_func_name(op.func), points[p].bits, asim_status_text(st));
            return 1;
        }
        printf("| %s | %s%s | %u | %.4f | %.5f |\n", asim_nl_impl_name(op.impl),
               asim_nl_func_name(op.func), op.prob_bits ? " (17-bit out)" : "", points[p].bits,
               e.max_abs, e.mean_abs);
    }
    return failed;
}
