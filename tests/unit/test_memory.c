/*
 * test_memory.c: the memory system: DMA/compute overlap with double buffering, stalls when
 * DRAM bandwidth is starved, exact sequencing without double buffering, the does-not-fit
 * error, pinned weights.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asim/sim.h"
#include "testutil.h"

/* One 512x512x512 GEMM (SCALE-Sim CSV) on a 16x16 array with a 64 KiB weight buffer: B
 * (256 KiB) must be streamed in tiles, so DMA and compute both matter. */
static const char *const gemm_csv = "Layer,M,N,K,\nl1,512,512,512,\n";

static uint64_t stat(const asim_report_t *r, const char *path)
{
    const asim_stat_t *st = asim_stats_find(r->stats, path);
    assert_non_null(st);
    return *st->value;
}

/* Runs model on configs/systolic_32x32.yaml with sets. */
static asim_sim_t *run(const char *model, const char **sets, size_t n_sets, asim_report_t *rep,
                       asim_graph_t *g)
{
    return test_run("configs/systolic_32x32.yaml", model, sets, n_sets, rep, g);
}

static void test_single_buffer_serialises_dma_and_compute(void **state)
{
    (void)state;
    const char *model = tmp_file(".csv", gemm_csv);
    const char *sets[] = {"array.rows=16", "array.cols=16", "buffers.weight_kib=64",
                          "buffers.double_buffer=false"};
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = run(model, sets, 4, &rep, &g);
    assert_true(rep.layers[0].tiles > 1);
    /* Load, compute, store, load, ...: nothing overlaps, so the run is exactly the sum. */
    assert_int_equal(rep.total_cycles,
                     stat(&rep, "array.busy_cycles") + stat(&rep, "dma.busy_cycles"));
    test_run_free(sim, &rep, &g);
}

static void test_double_buffering_overlaps_dma_with_compute(void **state)
{
    (void)state;
    const char *model = tmp_file(".csv", gemm_csv);
    const char *single[] = {"array.rows=16", "array.cols=16", "buffers.weight_kib=64",
                            "buffers.double_buffer=false"};
    const char *dbl[] = {"array.rows=16", "array.cols=16", "buffers.weight_kib=64",
                         "buffers.double_buffer=true"};
    asim_report_t r1, r2;
    asim_graph_t g1, g2;
    asim_sim_t *s1 = run(model, single, 4, &r1, &g1), *s2 = run(model, dbl, 4, &r2, &g2);
    uint64_t compute = stat(&r2, "array.busy_cycles"), dma = stat(&r2, "dma.busy_cycles");
    assert_true(r2.total_cycles < r1.total_cycles);
    assert_true(r2.total_cycles >= (compute > dma ? compute : dma));
    assert_true(r2.total_cycles < compute + dma); /* some DMA hid behind compute */
    test_run_free(s1, &r1, &g1);
    test_run_free(s2, &r2, &g2);
}

static void test_starved_bandwidth_stalls_compute(void **state)
{
    (void)state;
    const char *model = tmp_file(".csv", gemm_csv);
    const char *fast[] = {"array.rows=16", "array.cols=16", "buffers.weight_kib=64"};
    const char *slow[] = {"array.rows=16", "array.cols=16", "buffers.weight_kib=64",
                          "dram.bandwidth_gbps=0.05"};
    asim_report_t r1, r2;
    asim_graph_t g1, g2;
    asim_sim_t *s1 = run(model, fast, 3, &r1, &g1), *s2 = run(model, slow, 4, &r2, &g2);
    /* Far more waiting for operands, and a DMA-bound run (the planner may pick other tiles
     * for the slow channel, so compute need not be equal). */
    assert_true(stat(&r2, "controller.wait_operands") > 10 * stat(&r1, "controller.wait_operands"));
    assert_true(r2.layers[0].wait_operands > 0);
    uint64_t dram_bytes = (stat(&r2, "dma.load_bits") + stat(&r2, "dma.store_bits")) / 8;
    double min_cycles = (double)dram_bytes / 0.05 * 0.2; /* bytes / (GB/s) ns x 200 MHz */
    assert_true((double)r2.total_cycles >= min_cycles);
    test_run_free(s1, &r1, &g1);
    test_run_free(s2, &r2, &g2);
}

static void test_buffer_ports_limit_reads(void **state)
{
    (void)state;
    const char *model = tmp_file(".csv", gemm_csv);
    const char *narrow[] = {"array.rows=16", "array.cols=16", "buffers.banks=1",
                            "buffers.port_bits=8"};
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = run(model, narrow, 4, &rep, &g);
    assert_true(stat(&rep, "array.stall_sram_ports") > 0);
    test_run_free(sim, &rep, &g);
}

static void expect_create_error(const char **sets, size_t n, const char *needle)
{
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    assert_int_equal(asim_config_load(src_path("configs/systolic_32x32.yaml"), sets, n, &cfg,
                                      &err), ASIM_OK);
    asim_status_t st = asim_sim_create(&cfg, &sim, &err);
    if (st == ASIM_OK || !strstr(err.msg, needle))
        fail_msg("got '%s', want '%s'", st == ASIM_OK ? "ok" : err.msg, needle);
}

static void test_does_not_fit_says_by_how_much(void **state)
{
    (void)state;
    const char *big[] = {"array.rows=128", "array.cols=128"};
    /* 16384 PEs, one DSP each, on a 2520-DSP part: 13864 over, +550.2% */
    expect_create_error(big, 2, "does not fit zcu102 (XCZU9EG): LUT ");
    expect_create_error(big, 2, ", DSP 16384 of 2520 (+550.2%) (set resources.enforce=false");
    const char *anyway[] = {"array.rows=128", "array.cols=128", "resources.enforce=false"};
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = run("vit_tiny", anyway, 3, &rep, &g);
    assert_false(rep.fits);
    test_run_free(sim, &rep, &g);
}

static void test_pinned_weights_need_room_and_skip_dram(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_graph_t g;
    asim_report_t rep;
    asim_error_t err;
    const char *small[] = {"buffers.weights=pinned"};
    assert_int_equal(asim_config_load(src_path("configs/systolic_32x32.yaml"), small, 1, &cfg,
                                      &err), ASIM_OK);
    assert_int_equal(asim_model_load("vit_tiny", &g, &err), ASIM_OK);
    assert_int_equal(asim_sim_create(&cfg, &sim, &err), ASIM_OK);
    assert_int_equal(asim_sim_run(sim, &g, &rep, &err), ASIM_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "KiB of weights, but buffers.weights is pinned and "
                                    "buffers.weight_kib is 256"));
    asim_sim_free(sim);
    asim_graph_free(&g);
    /* vit_tiny has 5.5 M weights of 8 bits; 8 MiB pinned holds them: no weight traffic. */
    const char *roomy[] = {"buffers.weights=pinned", "buffers.weight_kib=8192",
                           "buffers.memory=uram", "device=u250"};
    const char *streamed[] = {"buffers.weight_kib=8192", "buffers.memory=uram", "device=u250"};
    asim_report_t r1, r2;
    asim_graph_t g1, g2;
    asim_sim_t *s1 = run("vit_tiny", roomy, 4, &r1, &g1), *s2 = run("vit_tiny", streamed, 3, &r2, &g2);
    assert_true(stat(&r1, "dma.load_bits") + 8 * 1000000 < stat(&r2, "dma.load_bits"));
    assert_true(r1.total_cycles <= r2.total_cycles);
    test_run_free(s1, &r1, &g1);
    test_run_free(s2, &r2, &g2);
}

static void test_timeline_covers_every_tile(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_graph_t g;
    asim_report_t rep;
    asim_error_t err;
    assert_int_equal(asim_config_load(src_path("configs/beta.yaml"), NULL, 0, &cfg, &err),
                     ASIM_OK);
    assert_int_equal(asim_model_load("vit_tiny:layers=2", &g, &err), ASIM_OK);
    assert_int_equal(asim_sim_create(&cfg, &sim, &err), ASIM_OK);
    asim_sim_record_timeline(sim);
    assert_int_equal(asim_sim_run(sim, &g, &rep, &err), ASIM_OK);
    uint64_t tiles = 0, computes = 0, dma = 0;
    for (size_t i = 0; i < rep.n_layers; i++)
        tiles += rep.layers[i].tiles;
    for (size_t i = 0; i < rep.n_spans; i++) {
        const asim_span_t *sp = &rep.spans[i];
        assert_true(sp->end >= sp->start && sp->end <= rep.total_cycles);
        if (!strcmp(sp->what, "compute"))
            computes++;
        else
            dma++;
    }
    assert_int_equal(computes, tiles);
    assert_int_equal(dma, stat(&rep, "dma.jobs"));
    test_run_free(sim, &rep, &g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_buffer_serialises_dma_and_compute),
        cmocka_unit_test(test_double_buffering_overlaps_dma_with_compute),
        cmocka_unit_test(test_starved_bandwidth_stalls_compute),
        cmocka_unit_test(test_buffer_ports_limit_reads),
        cmocka_unit_test(test_does_not_fit_says_by_how_much),
        cmocka_unit_test(test_pinned_weights_need_room_and_skip_dram),
        cmocka_unit_test(test_timeline_covers_every_tile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
