/* test_power.c: the structure of the FPGA power model (energy/power.h): dynamic power scales
 * with frequency and toggle rate, static power does not depend on activity, unused resources
 * cost nothing but static power, the parts add up; bad power tables are refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "energy/power.h"
#include "testutil.h"

static asim_tech_t tech;

static int load_tech(void **state)
{
    (void)state;
    asim_error_t err;
    return asim_tech_load(src_path("configs/tech/fpga_usplus.yaml"), &tech, &err) != ASIM_OK;
}

static const asim_resources_t some = {.lut = 10000, .ff = 8000, .dsp = 64, .bram36 = 16};

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fabs(b) + 1e-18;
}

static void test_dynamic_scales_with_frequency_and_toggle(void **state)
{
    (void)state;
    asim_unit_power_t p, f2, t2;
    asim_power_unit(&tech, &some, 12.5, 200, &p);
    asim_power_unit(&tech, &some, 12.5, 400, &f2);
    asim_power_unit(&tech, &some, 25.0, 200, &t2);
    assert_true(p.active_w[ASIM_EK_LOGIC] > 0 && p.active_w[ASIM_EK_DSP] > 0 && p.clock_w > 0);
    for (int k = 0; k < ASIM_EK_COUNT; k++) {
        assert_true(near(f2.active_w[k], 2 * p.active_w[k]));
        assert_true(near(t2.active_w[k], 2 * p.active_w[k]));
    }
    assert_true(near(f2.clock_w, 2 * p.clock_w));
    assert_true(near(t2.clock_w, p.clock_w)); /* clock nets toggle whatever the data */
    /* DSP: coefficient x toggle / default x MHz x count, in W */
    assert_true(near(p.active_w[ASIM_EK_DSP], tech.fpga.dsp * 64 * 200 * 1e-6));
}

static void test_static_does_not_depend_on_activity(void **state)
{
    (void)state;
    asim_device_t d = *asim_tech_device(&tech, "zcu102");
    asim_platform_power_t idle, busy;
    d.theta_ja = 0; /* junction temperature held at the reference point */
    asim_power_platform(&tech, &d, 0.0, &idle);
    asim_power_platform(&tech, &d, 10.0, &busy);
    assert_true(near(idle.static_pl_w, d.static_w) && near(idle.static_ps_w, d.static_ps_w));
    assert_true(near(busy.static_pl_w, idle.static_pl_w));
    assert_true(near(busy.ps_w, d.ps_w + d.ps_ddr_w));
    /* with a thermal resistance, activity moves static power only through Tj, upwards */
    d.theta_ja = 1.0;
    asim_power_platform(&tech, &d, 0.0, &idle);
    asim_power_platform(&tech, &d, 10.0, &busy);
    assert_true(busy.tj_c > idle.tj_c && busy.static_pl_w > idle.static_pl_w);
    double total = busy.static_pl_w + busy.static_ps_w + busy.ps_w + busy.clock_gen_w + 10.0;
    assert_true(fabs(busy.tj_c - (tech.fpga.ambient_c + total)) < 1e-6); /* Tj solved */
}

/* Forward: the shipped FPGA table's text with absolute activity paths. */
static char *shipped_table(void);

/* Unused capacity of the device costs nothing but its static power; a unit that never
 * computes costs its clock tree (not gated) and nothing else. */
static void test_unused_resources_cost_only_static(void **state)
{
    (void)state;
    asim_unit_power_t none;
    asim_power_unit(&tech, &(asim_resources_t){0}, 12.5, 300, &none);
    for (int k = 0; k < ASIM_EK_COUNT; k++)
        assert_true(none.active_w[k] == 0.0);
    assert_true(none.clock_w == 0.0);
    /* the same design on a ZCU102 with twice the LUTs, FFs and DSPs: the same energy */
    static char big[1 << 16];
    char *text = shipped_table(), *lut = strstr(text, "lut: 274080");
    assert_non_null(lut);
    snprintf(big, sizeof big, "%.*slut: 548160%s", (int)(lut - text), text,
             lut + strlen("lut: 274080"));
    char set[160];
    snprintf(set, sizeof set, "tech=%s", tmp_file(".yaml", big));
    const char *sets[] = {set};
    asim_report_t a, b;
    asim_graph_t ga, gb;
    const char *model = "traces/topologies/gpt2_block.csv";
    char path[512];
    snprintf(path, sizeof path, "%s", src_path(model));
    asim_sim_t *sa = test_run("configs/beta.yaml", path, NULL, 0, &a, &ga);
    asim_sim_t *sb = test_run("configs/beta.yaml", path, sets, 1, &b, &gb);
    assert_true(a.energy_mj == b.energy_mj);
    /* only GEMMs: the QUARK unit never computes */
    bool seen = false;
    for (size_t i = 0; i < a.n_units; i++) {
        const asim_unit_resources_t *u = &a.unit_resources[i];
        if (strcmp(u->name, "quark") != 0)
            continue;
        seen = true;
        assert_int_equal(u->busy, 0);
        assert_true(u->energy.pj[ASIM_EK_CLOCKS] > 0);
        assert_true(u->energy_pj == u->energy.pj[ASIM_EK_CLOCKS]);
    }
    assert_true(seen);
    /* the device's static power is all the static energy: it does not grow with the design */
    double seconds = a.latency_ms * 1e-3;
    assert_true(fabs(a.energy.pj[ASIM_EK_STATIC_PL] + a.energy.pj[ASIM_EK_STATIC_PS] -
                     a.static_w * seconds * 1e12) <= 1e-9 * a.static_w * seconds * 1e12);
    test_run_free(sa, &a, &ga);
    test_run_free(sb, &b, &gb);
}

static void test_parts_add_up(void **state)
{
    (void)state;
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = test_run("configs/beta.yaml", "bert_base_w1a2", NULL, 0, &rep, &g);
    double seconds = rep.latency_ms * 1e-3, by_unit = 0.0, layers = 0.0;
    for (size_t i = 0; i < rep.n_units; i++)
        by_unit += asim_energy_total(&rep.unit_resources[i].energy, ASIM_EK_COUNT);
    by_unit += asim_energy_total(&rep.platform, ASIM_EK_COUNT);
    for (size_t i = 0; i < rep.n_layers; i++)
        layers += rep.layers[i].energy_pj;
    double total = rep.energy_mj * 1e9;
    assert_true(fabs(by_unit - total) <= 1e-9 * total);
    assert_true(fabs(layers - total) <= 1e-9 * total);
    assert_true(fabs(rep.pl_w * seconds * 1e12 - asim_energy_total(&rep.energy, ASIM_EK_PL_END)) <=
                1e-9 * total);
    assert_true(rep.pl_w < rep.chip_w && rep.chip_w < rep.power_w);
    assert_true(rep.energy.pj[ASIM_EK_PS] > 0 && rep.energy.pj[ASIM_EK_DSP] > 0);
    test_run_free(sim, &rep, &g);
}

/* The shipped FPGA table's text, its activity files named by absolute paths (so a copy in a
 * temporary folder loads). */
static char *shipped_table(void)
{
    static char raw[1 << 16], text[1 << 16];
    FILE *f = fopen(src_path("configs/tech/fpga_usplus.yaml"), "r");
    assert_non_null(f);
    size_t n = fread(raw, 1, sizeof raw - 1, f);
    fclose(f);
    raw[n] = '\0';
    char *out = text, *in = raw, *hit;
    const char *rel = "../../traces/", *abs_dir = src_path("traces/");
    while ((hit = strstr(in, rel))) {
        out += sprintf(out, "%.*s%s", (int)(hit - in), in, abs_dir);
        in = hit + strlen(rel);
    }
    strcpy(out, in);
    return text;
}

static void test_bad_power_table_is_refused(void **state)
{
    (void)state;
    char *text = shipped_table();
    char *dsp = strstr(text, "  dsp:\n    value: 2.04\n    unit: uW/MHz");
    assert_non_null(dsp);
    memcpy(strstr(dsp, "uW/MHz"), "pJ/bit", 6);
    asim_tech_t t;
    asim_error_t err;
    assert_int_equal(asim_tech_load(tmp_file(".yaml", text), &t, &err), ASIM_ETYPE);
    assert_non_null(strstr(err.msg, "power.dsp: unit must be uW/MHz, found 'pJ/bit'"));
    memcpy(strstr(dsp, "pJ/bit"), "uW/MHz", 6);
    char *ps = strstr(text, "ps_w: 1.368");
    assert_non_null(ps);
    memcpy(ps, "ps_w: abcde", 11);
    assert_int_equal(asim_tech_load(tmp_file(".yaml", text), &t, &err), ASIM_ERANGE);
    assert_non_null(strstr(err.msg, "'ps_w' = 'abcde' is not a number"));
}

/* The toggle rates come from the activity CSVs; a broken one is named with its line. */
static void test_measured_toggle_rates_are_used(void **state)
{
    (void)state;
    assert_true(tech.n_activity == 3);
    double qmm = asim_power_toggle(&tech, "qmm");
    assert_true(qmm > 1.0 && qmm < 100.0 && qmm != tech.fpga.default_toggle);
    assert_true(asim_power_toggle(&tech, "dma") == tech.fpga.default_toggle);
    const char *bad_header = tmp_file("_activity.csv", "block,mode\nqmm,1\n");
    asim_tech_t t;
    asim_error_t err;
    /* the shipped table with its qmm file replaced */
    static char edited[1 << 16];
    char *text = shipped_table(), *act = strstr(text, "  qmm: "), *eol = strchr(act, '\n');
    snprintf(edited, sizeof edited, "%.*s  qmm: %s%s", (int)(act - text), text, bad_header, eol);
    assert_int_equal(asim_tech_load(tmp_file(".yaml", edited), &t, &err), ASIM_ESYNTAX);
    assert_non_null(strstr(err.msg, "header is 'block,mode'"));
    assert_non_null(strstr(err.msg, ":1:"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_scales_with_frequency_and_toggle),
        cmocka_unit_test(test_static_does_not_depend_on_activity),
        cmocka_unit_test(test_unused_resources_cost_only_static),
        cmocka_unit_test(test_parts_add_up),
        cmocka_unit_test(test_bad_power_table_is_refused),
        cmocka_unit_test(test_measured_toggle_rates_are_used),
    };
    return cmocka_run_group_tests(tests, load_tech, NULL);
}
