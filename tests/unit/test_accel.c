/* test_accel.c: whole runs through the kernel: totals, consistency, determinism, mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "asim/sim.h"
#include "report/report.h"
#include "testutil.h"

/* Runs model on the shipped 32x32 config with sets; returns the report in fmt (malloc'd). */
static char *run_report(const char *model, const char **sets, size_t n_sets, asim_format_t fmt)
{
    asim_graph_t g;
    asim_report_t rep;
    asim_sim_t *sim = test_run("configs/systolic_32x32.yaml", model, sets, n_sets, &rep, &g);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    asim_report_write(f, &rep, fmt);
    fclose(f);
    test_run_free(sim, &rep, &g);
    return buf;
}

static void test_totals_are_consistent(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim = NULL;
    asim_report_t rep;
    asim_error_t err;
    assert_int_equal(asim_config_load(src_path("configs/systolic_32x32.yaml"), NULL, 0, &cfg,
                                      &err), ASIM_OK);
    assert_int_equal(asim_model_load("vit_tiny", &g, &err), ASIM_OK);
    assert_int_equal(asim_sim_create(&cfg, &sim, &err), ASIM_OK);
    assert_int_equal(asim_sim_run(sim, &g, &rep, &err), ASIM_OK);

    asim_cycle_t sum = 0, end = 0;
    double energy = 0;
    uint64_t macs = 0;
    size_t unsupported = 0;
    for (size_t i = 0; i < rep.n_layers; i++) {
        const asim_layer_t *l = &rep.layers[i];
        /* Layers partition the run: each ends no earlier than the one before. */
        assert_true(l->end >= end || l->cycles == 0);
        if (l->end > end)
            end = l->end;
        sum += l->cycles;
        energy += l->energy_pj;
        assert_true(fabs(l->energy_pj - asim_energy_total(&l->energy, ASIM_EK_COUNT)) <=
                    1e-9 * l->energy_pj + 1e-12);
        if (!l->supported) {
            unsupported++;
            assert_int_equal(l->busy, 0);
            assert_non_null(strstr(l->note, "unit in this configuration"));
            continue;
        }
        assert_true(l->busy > 0 && l->tiles > 0);
        assert_true(l->start >= (i ? rep.layers[i - 1].start : 0));
        macs += l->act.macs;
        assert_int_equal(l->act.macs, asim_op_macs(l->op)); /* tiles cover the op exactly */
        assert_true(l->utilization > 0 && l->utilization <= 1);
    }
    assert_int_equal(rep.total_cycles, sum);
    assert_int_equal(rep.total_cycles, end);
    assert_int_equal(rep.macs, 1253683200ull);
    assert_int_equal(macs, rep.macs);
    assert_int_equal(unsupported, 74); /* 12 x (2 LN + softmax + GELU + 2 adds) + 2 */
    assert_int_equal(rep.n_unsupported, 74);
    double parts = 0.0, by_unit = asim_energy_total(&rep.platform, ASIM_EK_COUNT);
    for (int k = 0; k < ASIM_EK_COUNT; k++)
        parts += rep.energy.pj[k];
    for (size_t i = 0; i < rep.n_units; i++)
        by_unit += rep.unit_resources[i].energy_pj;
    assert_true(fabs(by_unit - parts) <= 1e-9 * parts); /* by unit and by kind agree */
    assert_true(fabs(parts * 1e-9 - rep.energy_mj) <= 1e-12 * rep.energy_mj + 1e-15);
    assert_true(fabs(energy - parts) <= 1e-9 * parts);
    assert_true(fabs(rep.latency_ms - (double)rep.total_cycles / (cfg.clock_mhz * 1e3)) < 1e-12);
    assert_true(fabs(rep.gops - 2.0 * (double)rep.macs / (rep.latency_ms * 1e-3) * 1e-9) <
                1e-9 * rep.gops);
    assert_true(*asim_stats_find(rep.stats, "array.busy_cycles")->value <= rep.total_cycles);
    assert_int_equal(*asim_stats_find(rep.stats, "controller.unsupported_ops")->value, 74);
    test_run_free(sim, &rep, &g);
}

static void test_same_inputs_same_bytes(void **state)
{
    (void)state;
    for (asim_format_t fmt = ASIM_FORMAT_TEXT; fmt <= ASIM_FORMAT_CSV; fmt++) {
        char *a = run_report("vit_tiny", NULL, 0, fmt), *b = run_report("vit_tiny", NULL, 0, fmt);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
}

static void test_yaml_model_gives_the_builtin_report(void **state)
{
    (void)state;
    char *a = run_report("vit_tiny", NULL, 0, ASIM_FORMAT_JSON);
    char *b = run_report(src_path("models/vit_tiny.yaml"), NULL, 0, ASIM_FORMAT_JSON);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static void test_overrides_change_the_result(void **state)
{
    (void)state;
    const char *ws[] = {"array.dataflow=ws"}, *rows[] = {"array.rows=16"};
    char *base = run_report("vit_tiny", NULL, 0, ASIM_FORMAT_JSON);
    char *a = run_report("vit_tiny", ws, 1, ASIM_FORMAT_JSON);
    char *b = run_report("vit_tiny", rows, 1, ASIM_FORMAT_JSON);
    assert_non_null(strstr(a, "\"dataflow\": \"ws\""));
    assert_non_null(strstr(b, "\"rows\": 16"));
    assert_string_not_equal(strstr(base, "\"total_cycles\""), strstr(a, "\"total_cycles\""));
    assert_string_not_equal(strstr(base, "\"total_cycles\""), strstr(b, "\"total_cycles\""));
    free(base);
    free(a);
    free(b);
}

static void test_too_wide_operands_fail_before_the_run(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim = NULL;
    asim_report_t rep;
    asim_error_t err;
    assert_int_equal(asim_config_load(src_path("configs/systolic_32x32.yaml"), NULL, 0, &cfg,
                                      &err), ASIM_OK);
    assert_int_equal(asim_model_load("vit_tiny:a_bits=16", &g, &err), ASIM_OK);
    assert_int_equal(asim_sim_create(&cfg, &sim, &err), ASIM_OK);
    assert_int_equal(asim_sim_run(sim, &g, &rep, &err), ASIM_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "op 'patch_embed': A operand is 16 bits but "
                                    "array.act_bits is 8"));
    assert_non_null(strstr(err.msg, "systolic_32x32.yaml"));
    asim_sim_free(sim);
    asim_graph_free(&g);
}

static void test_unknown_device_names_the_config_line(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    const char *sets[] = {"device=zcu999"};
    assert_int_equal(asim_config_load(src_path("configs/systolic_32x32.yaml"), sets, 1, &cfg,
                                      &err), ASIM_OK);
    assert_int_equal(asim_sim_create(&cfg, &sim, &err), ASIM_ERANGE);
    assert_non_null(strstr(err.msg, "--set device: device 'zcu999' is not in"));
    assert_non_null(strstr(err.msg, "(devices: zcu102, zcu104, u250)"));
}

static void test_beta_binary_bert_cycles_fall_with_precision(void **state)
{
    (void)state;
    const char *models[] = {"bert_base_w1a8", "bert_base_w1a4", "bert_base_w1a2",
                            "bert_base_w1a1"};
    asim_cycle_t prev = ASIM_CYCLE_MAX;
    for (int i = 0; i < 4; i++) {
        asim_report_t rep;
        asim_graph_t g;
        asim_sim_t *sim = test_run("configs/beta.yaml", models[i], NULL, 0, &rep, &g);
        assert_true(rep.total_cycles < prev);
        prev = rep.total_cycles;
        assert_int_equal(rep.n_unsupported, 0); /* BETA runs every op */
        assert_true(rep.resources.lut <= rep.device->lut);
        assert_true(rep.resources.dsp <= rep.device->dsp);
        assert_int_equal(rep.n_sections, 1); /* the QMM flow comparison */
        const asim_report_section_t *flow = &rep.sections[0];
        assert_string_equal(flow->key, "flow");
        assert_string_equal(flow->groups[1].items[0].key, "fp_mults");
        assert_true(flow->groups[1].items[0].u < flow->groups[0].items[0].u); /* rewritten */
        for (size_t l = 0; l < rep.n_layers; l++)
            if (rep.layers[l].op->kind == ASIM_OP_GEMM)
                assert_string_equal(rep.layers[l].unit, "qmm");
        test_run_free(sim, &rep, &g);
    }
}

static void test_beta_runs_multibit_weights_bit_serially(void **state)
{
    (void)state;
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = test_run("configs/beta.yaml", "vit_tiny", NULL, 0, &rep, &g);
    assert_int_equal(rep.n_unsupported, 0);
    assert_string_equal(rep.layers[0].op->name, "patch_embed");
    assert_string_equal(rep.layers[0].mode, "a8 x w8 (8 passes)");
    assert_string_equal(rep.layers[1].unit, "quark");
    test_run_free(sim, &rep, &g);
}

/* Every shipped configuration runs every built-in model, or refuses it before the run with a
 * message naming the model and what is missing; a run that happens is complete. */
static void test_every_config_runs_every_model_it_can_map(void **state)
{
    (void)state;
    const char *configs[] = {"configs/systolic_32x32.yaml", "configs/beta.yaml",
                             "configs/odeformer.yaml", "configs/quark.yaml"};
    const char *models[] = {"vit_tiny", "vit_small", "vit_base", "bert_base", "bert_base_w1a1",
                            "bert_base_w1a2", "bert_base_w1a4", "bert_base_w1a8",
                            "vit_tiny_w1a1", "vit_tiny_w1a4", "odeformer"};
    int ran = 0, refused = 0;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++)
        for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
            asim_config_t cfg;
            asim_graph_t g;
            asim_sim_t *sim = NULL;
            asim_report_t rep;
            asim_error_t err;
            assert_int_equal(asim_config_load(src_path(configs[c]), NULL, 0, &cfg, &err),
                             ASIM_OK);
            assert_int_equal(asim_model_load(models[m], &g, &err), ASIM_OK);
            if (asim_sim_create(&cfg, &sim, &err) != ASIM_OK)
                fail_msg("%s: %s", configs[c], err.msg);
            asim_status_t st = asim_sim_run(sim, &g, &rep, &err);
            if (st == ASIM_OK) {
                ran++;
                assert_true(rep.total_cycles > 0 && rep.energy_mj > 0 && rep.fits);
                /* every configuration but the bare systolic one runs every op */
                if (c > 0 && rep.n_unsupported != 0)
                    fail_msg("%s on %s: %zu ops unsupported", models[m], configs[c],
                             rep.n_unsupported);
                assert_int_equal(rep.macs, total_macs(&g));
                asim_report_free(&rep);
            } else {
                refused++;
                assert_int_equal(st, ASIM_EUNSUPPORTED);
                char want[96];
                snprintf(want, sizeof want, "model '%s'", models[m]);
                assert_non_null(strstr(err.msg, want));
            }
            asim_sim_free(sim);
            asim_graph_free(&g);
        }
    /* systolic maps everything, and the QUARK unit runs every vector op (odeformer's ReLU
     * included); the ODE design pins weights, so only models whose weights fit its 2304 KiB
     * run there. */
    print_message("%d runs, %d refused\n", ran, refused);
    assert_int_equal(ran + refused, 4 * 11);
    assert_int_equal(ran, 36);
}

/* The number that follows `key` in a JSON report. */
static double json_number(const char *json, const char *key)
{
    const char *p = strstr(json, key);
    assert_non_null(p);
    return strtod(p + strlen(key), NULL);
}

/* Lin & Shah: the integerized flow has the same timing as dequantize-first on the same
 * array, but narrower PEs and cheaper MACs; the scale work moves from every operand to
 * every output. */
static void test_integerized_flow_saves_energy_not_cycles(void **state)
{
    (void)state;
    const char *integer[] = {"array.act_bits=4", "array.weight_bits=4"};
    const char *dequant[] = {"array.act_bits=16", "array.weight_bits=16",
                             "array.dequantize_first=true"};
    char *a = run_report("vit_tiny:a_bits=4,w_bits=4", integer, 2, ASIM_FORMAT_JSON);
    char *b = run_report("vit_tiny:a_bits=4,w_bits=4", dequant, 3, ASIM_FORMAT_JSON);
    assert_true(json_number(a, "\"total_cycles\": ") == json_number(b, "\"total_cycles\": "));
    /* the array's datapath: its logic and DSP energy */
    double ea = json_number(a, "\"logic\": ") + json_number(a, "\"dsp\": ");
    double eb = json_number(b, "\"logic\": ") + json_number(b, "\"dsp\": ");
    print_message("array logic+DSP %.4f mJ integerized, %.4f mJ dequantize-first\n", ea, eb);
    assert_true(ea > 0 && ea < eb);
    assert_non_null(strstr(b, "\"mode\": \"os a16 x b16 (dequantized)\""));
    assert_non_null(strstr(a, "\"mode\": \"os a4 x b4\""));
    free(a);
    free(b);
}

/* The report warns exactly when the clock exceeds a unit's Fmax estimate, at the estimate
 * asim_fmax_estimate gives for the same configuration. */
static void test_report_warns_above_the_fmax_estimate(void **state)
{
    (void)state;
    const char *slow[] = {"clock_mhz=20"}, *fast[] = {"clock_mhz=2000"};
    char *at_slow = run_report("vit_tiny:layers=1", slow, 1, ASIM_FORMAT_TEXT);
    char *at_fast = run_report("vit_tiny:layers=1", fast, 1, ASIM_FORMAT_TEXT);
    char *json = run_report("vit_tiny:layers=1", fast, 1, ASIM_FORMAT_JSON);
    assert_null(strstr(at_slow, "WARNING: clock_mhz"));
    assert_non_null(strstr(at_fast, "WARNING: clock_mhz 2000 exceeds array's estimated Fmax"));
    assert_non_null(strstr(json, "\"clock_over_fmax\": true"));
    assert_non_null(strstr(at_slow, "Fmax est."));
    free(at_slow);
    free(at_fast);
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_totals_are_consistent),
        cmocka_unit_test(test_same_inputs_same_bytes),
        cmocka_unit_test(test_yaml_model_gives_the_builtin_report),
        cmocka_unit_test(test_overrides_change_the_result),
        cmocka_unit_test(test_too_wide_operands_fail_before_the_run),
        cmocka_unit_test(test_unknown_device_names_the_config_line),
        cmocka_unit_test(test_beta_binary_bert_cycles_fall_with_precision),
        cmocka_unit_test(test_beta_runs_multibit_weights_bit_serially),
        cmocka_unit_test(test_every_config_runs_every_model_it_can_map),
        cmocka_unit_test(test_integerized_flow_saves_energy_not_cycles),
        cmocka_unit_test(test_report_warns_above_the_fmax_estimate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
