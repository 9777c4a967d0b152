/* test_asic.c: the structure of the ASIC area and leakage model (energy/asic.h): area and
 * leakage scale with the cell counts, area with 1 / utilization; a configuration at a
 * synthesized point takes its counts, another one scales the nearest point's by its parallel
 * elements; leakage does not depend on activity and is the units' static energy; the parts add
 * up; bad ASIC sections are refused with the key named. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "energy/asic.h"
#include "testutil.h"

static asim_tech_t tech;

static int load_tech(void **state)
{
    (void)state;
    asim_error_t err;
    return asim_tech_load(src_path("configs/tech/asic_45nm.yaml"), &tech, &err) != ASIM_OK ||
           tech.n_nodes < 2;
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-12 * fabs(b) + 1e-18;
}

static void test_area_scales_with_cell_counts(void **state)
{
    (void)state;
    double c[ASIM_CELL_COUNT], twice[ASIM_CELL_COUNT];
    for (int i = 0; i < ASIM_CELL_COUNT; i++)
        c[i] = 100.0 + 10.0 * i, twice[i] = 2 * c[i];
    for (size_t n = 0; n < tech.n_nodes; n++) {
        const asim_asic_node_t *node = &tech.nodes[n];
        asim_asic_area_t a, b, half, plus;
        asim_asic_price(node, 1.0, c, &a);
        asim_asic_price(node, 1.0, twice, &b);
        asim_asic_price(node, 0.5, c, &half);
        assert_true(a.area_mm2 > 0 && a.leakage_mw > 0);
        assert_true(near(b.area_mm2, 2 * a.area_mm2) && near(b.leakage_mw, 2 * a.leakage_mw));
        assert_true(near(half.area_mm2, 2 * a.area_mm2) && near(half.leakage_mw, a.leakage_mw));
        /* one more flip-flop adds exactly its cell: um^2 -> mm^2, nW -> mW */
        c[ASIM_CELL_DFF] += 1;
        asim_asic_price(node, 1.0, c, &plus);
        c[ASIM_CELL_DFF] -= 1;
        assert_true(fabs(plus.area_mm2 - a.area_mm2 - node->area_um2[ASIM_CELL_DFF] * 1e-6) <
                    1e-12);
        assert_true(fabs(plus.leakage_mw - a.leakage_mw - node->leakage_nw[ASIM_CELL_DFF] *
                         1e-6) < 1e-12);
        assert_string_equal(a.node, node->key);
    }
    /* the 7 nm node is smaller than the 45 nm one for the same gates */
    asim_asic_area_t n45, n7;
    asim_asic_price(&tech.nodes[0], 1.0, c, &n45);
    asim_asic_price(&tech.nodes[1], 1.0, c, &n7);
    assert_true(n7.area_mm2 < n45.area_mm2 / 5);
}

static void counts_of(const char **sets, size_t n, double c[ASIM_CELL_COUNT], char *basis)
{
    asim_config_t cfg;
    asim_error_t err;
    if (asim_config_load(src_path("configs/systolic_32x32.yaml"), sets, n, &cfg, &err))
        fail_msg("%s", err.msg);
    assert_true(asim_asic_counts(&cfg, "systolic", c, basis, 64));
}

/* traces/calibration/systolic_asic.csv has the 2x2 8-bit array: a 2x2 configuration takes its
 * row, a 4x2 one twice the row (the nearest, 2x the PEs). */
static void test_exact_and_scaled_counts(void **state)
{
    (void)state;
    const char *two[] = {"array.rows=2", "array.cols=2"}, *four[] = {"array.rows=4",
                                                                     "array.cols=2"};
    double a[ASIM_CELL_COUNT], b[ASIM_CELL_COUNT];
    char basis_a[64], basis_b[64];
    counts_of(two, 2, a, basis_a);
    counts_of(four, 2, b, basis_b);
    assert_string_equal(basis_a, "Yosys generic gates at 2,2,8");
    assert_string_equal(basis_b, "Yosys generic gates at 2,2,8 x 2");
    for (int i = 0; i < ASIM_CELL_COUNT; i++)
        assert_true(a[i] > 0 && b[i] == 2 * a[i]);
    asim_config_t cfg;
    asim_error_t err;
    assert_int_equal(asim_config_load(src_path("configs/systolic_32x32.yaml"), NULL, 0, &cfg,
                                      &err), ASIM_OK);
    assert_false(asim_asic_counts(&cfg, "dma", a, basis_a, sizeof basis_a));
}

static const char *asic[] = {"device=asic"};

/* A unit's leakage is the same whatever it runs, and it is that unit's whole static energy. */
static void test_leakage_independent_of_activity(void **state)
{
    (void)state;
    asim_report_t a, b;
    asim_graph_t ga, gb;
    asim_sim_t *sa = test_run("configs/quark.yaml", "vit_tiny", asic, 1, &a, &ga);
    asim_sim_t *sb = test_run("configs/quark.yaml", src_path("traces/topologies/gpt2_block.csv"),
                              asic, 1, &b, &gb);
    size_t modelled = 0;
    for (size_t i = 0; i < a.n_units; i++) {
        const asim_unit_resources_t *ua = &a.unit_resources[i], *ub = &b.unit_resources[i];
        assert_string_equal(ua->name, ub->name);
        assert_int_equal(ua->n_asic, ub->n_asic);
        for (size_t k = 0; k < ua->n_asic; k++) {
            assert_true(ua->asic[k].leakage_mw == ub->asic[k].leakage_mw);
            assert_true(ua->asic[k].area_mm2 == ub->asic[k].area_mm2);
        }
        if (!ua->n_asic) {
            assert_true(ua->energy.pj[ASIM_EK_STATIC_PL] == 0.0);
            continue;
        }
        modelled++;
        assert_true(ua->busy != ub->busy); /* different activity */
        /* the table's own node's leakage x the run's time */
        double seconds = a.latency_ms * 1e-3;
        assert_true(near(ua->energy.pj[ASIM_EK_STATIC_PL], ua->asic[0].leakage_mw * 1e-3 *
                                                                seconds * 1e12));
    }
    assert_int_equal(modelled, 2); /* the systolic array and the QUARK unit */
    test_run_free(sa, &a, &ga);
    test_run_free(sb, &b, &gb);
}

static void test_parts_add_up(void **state)
{
    (void)state;
    asim_report_t rep;
    asim_graph_t g;
    asim_sim_t *sim = test_run("configs/quark.yaml", "vit_tiny", asic, 1, &rep, &g);
    assert_int_equal(rep.n_asic, tech.n_nodes);
    for (size_t k = 0; k < rep.n_asic; k++) {
        double area = 0.0, leakage = 0.0;
        for (size_t i = 0; i < rep.n_units; i++)
            if (rep.unit_resources[i].n_asic) {
                area += rep.unit_resources[i].asic[k].area_mm2;
                leakage += rep.unit_resources[i].asic[k].leakage_mw;
            }
        assert_string_equal(rep.asic[k].node, tech.nodes[k].key);
        assert_true(area > 0 && near(rep.asic[k].area_mm2, area));
        assert_true(near(rep.asic[k].leakage_mw, leakage));
    }
    double by_unit = asim_energy_total(&rep.platform, ASIM_EK_COUNT), layers = 0.0;
    for (size_t i = 0; i < rep.n_units; i++)
        by_unit += asim_energy_total(&rep.unit_resources[i].energy, ASIM_EK_COUNT);
    for (size_t i = 0; i < rep.n_layers; i++)
        layers += rep.layers[i].energy_pj;
    double total = rep.energy_mj * 1e9;
    assert_true(rep.energy.pj[ASIM_EK_STATIC_PL] > 0);
    assert_true(fabs(by_unit - total) <= 1e-9 * total && fabs(layers - total) <= 1e-9 * total);
    test_run_free(sim, &rep, &g);
}

/* The shipped ASIC table's text with one edit: `from` replaced by `to`. */
static const char *edited_table(const char *from, const char *to)
{
    static char raw[1 << 16], text[1 << 16];
    FILE *f = fopen(src_path("configs/tech/asic_45nm.yaml"), "r");
    assert_non_null(f);
    size_t n = fread(raw, 1, sizeof raw - 1, f);
    fclose(f);
    raw[n] = '\0';
    char *hit = strstr(raw, from);
    assert_non_null(hit);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(hit - raw), raw, to, hit + strlen(from));
    return tmp_file(".yaml", text);
}

static void test_bad_asic_table_is_refused(void **state)
{
    (void)state;
    asim_tech_t t;
    asim_error_t err;
    assert_int_equal(asim_tech_load(edited_table("  utilization:\n    value: 1\n",
                                                 "  utilization:\n    value: 1.5\n"),
                                    &t, &err), ASIM_ERANGE);
    assert_non_null(strstr(err.msg, "asic.utilization must be in (0, 1], found 1.5"));
    assert_int_equal(asim_tech_load(edited_table("        leakage_nw: 25.066064\n", ""), &t,
                                    &err), ASIM_EMISSING);
    assert_non_null(strstr(err.msg, "missing 'leakage_nw'"));
    assert_int_equal(asim_tech_load(edited_table("        area_um2: 0.798\n",
                                                 "        area_um2: small\n"), &t, &err),
                     ASIM_ERANGE);
    assert_non_null(strstr(err.msg, "'area_um2' = 'small' is not a number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_area_scales_with_cell_counts),
        cmocka_unit_test(test_exact_and_scaled_counts),
        cmocka_unit_test(test_leakage_independent_of_activity),
        cmocka_unit_test(test_parts_add_up),
        cmocka_unit_test(test_bad_asic_table_is_refused),
    };
    return cmocka_run_group_tests(tests, load_tech, NULL);
}
