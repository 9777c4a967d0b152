/*
 * test_counters.c: every counter a report carries equals an independent sum over the run.
 * Counters grow only for jobs that run (block/unit.h); the planner's search asks for costs
 * many more times, so a cost function with a side effect, or a counter bumped outside a run,
 * fails here. The sums are taken from the report's layers and the plan's tiles, re-derived in
 * this file (the fold count of a tile is restated from the dataflow mapping, not called).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "testutil.h"

static uint64_t stat(const asim_report_t *rep, const char *unit, const char *leaf)
{
    char path[96];
    snprintf(path, sizeof path, "%s.%s", unit, leaf);
    const asim_stat_t *s = asim_stats_find(rep->stats, path);
    assert_non_null(s);
    return *s->value;
}

static uint64_t cdiv(uint64_t a, uint64_t b)
{
    return (a + b - 1) / b;
}

/* Folds of a tm x tn x tk tile on an R x C array: the dimensions mapped on the array's rows
 * and columns (os: m, n; ws: k, n; is: k, m), each cut into array-sized pieces. */
static uint64_t tile_folds(int dataflow, uint64_t R, uint64_t C, uint64_t m, uint64_t n,
                           uint64_t k)
{
    uint64_t rows = dataflow == 0 ? m : k, cols = dataflow == 2 ? m : n;
    return cdiv(rows, R) * cdiv(cols, C);
}

/* Sum of folds over every tile of a layer's plan, edge tiles included. */
static uint64_t layer_folds(const asim_layer_t *l, int dataflow, uint64_t R, uint64_t C)
{
    const asim_op_t *op = l->op;
    uint64_t sum = 0;
    for (uint64_t m0 = 0; m0 < op->m; m0 += l->tm)
        for (uint64_t n0 = 0; n0 < op->n; n0 += l->tn)
            for (uint64_t k0 = 0; k0 < op->k; k0 += l->tk) {
                uint64_t m = op->m - m0 < l->tm ? op->m - m0 : l->tm;
                uint64_t n = op->n - n0 < l->tn ? op->n - n0 : l->tn;
                uint64_t k = op->k - k0 < l->tk ? op->k - k0 : l->tk;
                sum += tile_folds(dataflow, R, C, m, n, k);
            }
    return sum * op->count;
}

static double key(const asim_report_t *rep, const char *k)
{
    double v = -1;
    assert_true(asim_config_get(rep->cfg, k, &v));
    return v;
}

/* Per unit: jobs = tiles, busy cycles = the layers' busy cycles, MACs = the layers' MACs;
 * buffer bits read >= the part of them a block counts on its own; DMA bits = layers' DRAM bits. */
static void check_run(const char *config, const char *model, const char **sets, size_t n_sets)
{
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = test_run(config, model, sets, n_sets, &rep, &g);
    uint64_t dram_bits = 0, macs = 0;
    for (size_t l = 0; l < rep.n_layers; l++) {
        dram_bits += rep.layers[l].dram_bits;
        macs += asim_op_macs(rep.layers[l].op) * (rep.layers[l].supported ? 1 : 0);
    }
    assert_int_equal(rep.macs, macs);
    assert_int_equal(stat(&rep, "dma", "load_bits") + stat(&rep, "dma", "store_bits"), dram_bits);
    for (size_t u = 0; u < rep.n_units; u++) {
        const char *name = rep.unit_resources[u].name;
        if (!strcmp(name, "dma") || !strcmp(name, "buffers"))
            continue;
        uint64_t tiles = 0, busy = 0, unit_macs = 0, reads = 0, folds = 0;
        for (size_t l = 0; l < rep.n_layers; l++) {
            const asim_layer_t *lr = &rep.layers[l];
            if (!lr->supported || strcmp(lr->unit, name))
                continue;
            tiles += lr->tiles;
            /* traffic by operand adds up to the layer's */
            assert_int_equal(lr->dram_load_a_bits + lr->dram_load_b_bits + lr->dram_store_bits,
                             lr->dram_bits);
            assert_true(lr->sram_read_a_bits + lr->sram_read_b_bits <= lr->act.sram_read_bits);
            if (strcmp(name, "array") != 0) /* only the array reads partial sums back */
                assert_int_equal(lr->sram_read_a_bits + lr->sram_read_b_bits,
                                 lr->act.sram_read_bits);
            busy += lr->busy;
            unit_macs += lr->act.macs;
            reads += lr->act.sram_read_bits;
            if (!strcmp(name, "array"))
                folds += layer_folds(lr, (int)key(&rep, "array.dataflow"),
                                     (uint64_t)key(&rep, "array.rows"),
                                     (uint64_t)key(&rep, "array.cols"));
        }
        assert_int_equal(stat(&rep, name, "jobs"), tiles);
        assert_int_equal(stat(&rep, name, "busy_cycles"), busy);
        assert_int_equal(stat(&rep, name, "macs"), unit_macs);
        assert_int_equal(stat(&rep, name, "sram_read_bits"), reads);
        if (!strcmp(name, "array"))
            assert_int_equal(stat(&rep, name, "tiles"), folds);
        if (!strcmp(name, "qmm")) {
            assert_true(stat(&rep, name, "b_bit_reads") <= reads);
            assert_true(stat(&rep, name, "dpu_steps") <= busy);
        }
        if (!strncmp(name, "quark", 5))
            assert_true(stat(&rep, name, "rows") > 0);
    }
    test_run_free(sim, &rep, &g);
}

static void test_systolic(void **state)
{
    (void)state;
    const char *ws[] = {"array.dataflow=ws"}, *is[] = {"array.dataflow=is"};
    check_run("configs/systolic_32x32.yaml", "vit_tiny", NULL, 0);
    check_run("configs/systolic_32x32.yaml", "bert_base:seq_len=128,layers=2", ws, 1);
    check_run("configs/systolic_32x32.yaml", "vit_tiny", is, 1);
}

static void test_qmm(void **state)
{
    (void)state;
    check_run("configs/beta.yaml", "vit_tiny", NULL, 0);
    check_run("configs/beta.yaml", "bert_base_w1a4", NULL, 0);
}

static void test_quark(void **state)
{
    (void)state;
    const char *separate[] = {"nonlinear.shared=false"};
    check_run("configs/quark.yaml", "vit_tiny", NULL, 0);
    check_run("configs/quark.yaml", "vit_tiny", separate, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_systolic),
        cmocka_unit_test(test_qmm),
        cmocka_unit_test(test_quark),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
