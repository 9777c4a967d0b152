/* test_config.c: schema-driven loading, defaults, --set, and the errors they give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asim/config.h"
#include "testutil.h"

/* A key's value by name (block keys live in their block's params). */
static double get(const asim_config_t *cfg, const char *key)
{
    double v = -1;
    assert_true(asim_config_get(cfg, key, &v));
    return v;
}

static const char *good =
    "name: t\nclock_mhz: 250\ndevice: zcu102\ntech: TECH\narray:\n  rows: 8\n  cols: 16\n"
    "  dataflow: ws\n";

/* The good config with its tech path pointing into the source tree. */
static const char *good_file(void)
{
    static char text[1024];
    const char *at = strstr(good, "TECH");
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good,
             src_path("configs/tech/fpga_usplus.yaml"), at + 4);
    return tmp_file(".yaml", text);
}

static void test_loads_values_and_defaults(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_error_t err;
    assert_int_equal(asim_config_load(good_file(), NULL, 0, &cfg, &err), ASIM_OK);
    assert_string_equal(cfg.name, "t");
    assert_true(cfg.clock_mhz == 250.0);
    assert_int_equal(get(&cfg, "array.rows"), 8);
    assert_int_equal(get(&cfg, "array.cols"), 16);
    assert_int_equal(get(&cfg, "array.dataflow"), 1 /* ws */);
    assert_false((bool)get(&cfg, "array.tile_overlap")); /* default */
    assert_int_equal(get(&cfg, "array.acc_bits"), 32);  /* default */
}

static void test_set_overrides_the_file(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_error_t err;
    const char *sets[] = {"array.rows=64", "array.dataflow=is", "array.tile_overlap=true"};
    assert_int_equal(asim_config_load(good_file(), sets, 3, &cfg, &err), ASIM_OK);
    assert_int_equal(get(&cfg, "array.rows"), 64);
    assert_int_equal(get(&cfg, "array.dataflow"), 2 /* is */);
    assert_true((bool)get(&cfg, "array.tile_overlap"));
    char where[600];
    asim_config_where(&cfg, "array.rows", where, sizeof where);
    assert_string_equal(where, "--set array.rows");
    asim_config_where(&cfg, "array.cols", where, sizeof where);
    assert_non_null(strstr(where, ".yaml:7:9"));
}

/* Loads text (and sets) and checks the status and a piece of the message. */
static void expect_error(const char *text, const char *set, asim_status_t code,
                         const char *needle)
{
    asim_config_t cfg;
    asim_error_t err = {0};
    const char *sets[] = {set};
    const char *path = tmp_file(".yaml", text);
    asim_status_t st = asim_config_load(path, sets, set ? 1 : 0, &cfg, &err);
    if (st != code || !strstr(err.msg, needle))
        fail_msg("got %s '%s', want %s containing '%s'", asim_status_name(st), err.msg,
                 asim_status_name(code), needle);
    assert_non_null(strstr(err.msg, set ? "--set" : path));
}

static void test_bad_configs(void **state)
{
    (void)state;
    const char *base = "name: t\nclock_mhz: 200\ndevice: zcu102\n";
    char text[512];
    expect_error("", NULL, ASIM_ESYNTAX, "file is empty");
    expect_error("name: [unclosed\n", NULL, ASIM_ESYNTAX, ":1:");
    expect_error("- a\n- b\n", NULL, ASIM_ESYNTAX, "found a list");
    snprintf(text, sizeof text, "%sarray:\n  rowz: 4\n", base);
    expect_error(text, NULL, ASIM_EKEY, ":5:3: unknown key 'array.rowz' (did you mean "
                                        "'array.rows'?)");
    snprintf(text, sizeof text, "%sarray:\n  rows: four\n", base);
    expect_error(text, NULL, ASIM_ETYPE, ":5:9: array.rows = 'four' is not an integer");
    snprintf(text, sizeof text, "%sarray:\n  rows: 0\n", base);
    expect_error(text, NULL, ASIM_ERANGE, "array.rows = 0 is out of range [1, 4096]");
    snprintf(text, sizeof text, "%sarray:\n  rows: 1000000000000\n", base);
    expect_error(text, NULL, ASIM_ERANGE, "out of range");
    expect_error("name: t\nclock_mhz: -5\ndevice: zcu102\n", NULL, ASIM_ERANGE,
                 ":2:12: clock_mhz = -5 is out of range");
    expect_error("name: t\nclock_mhz: 200\n", NULL, ASIM_EMISSING, "missing required key "
                                                                    "'device'");
    snprintf(text, sizeof text, "%sarray: 5\n", base);
    expect_error(text, NULL, ASIM_ETYPE, "'array' is a section");
    snprintf(text, sizeof text, "%sarray:\n  rows: 4\n  rows: 8\n", base);
    expect_error(text, NULL, ASIM_ESYNTAX, "duplicate key 'array.rows' (first at line 5)");
    snprintf(text, sizeof text, "%sarray:\n  dataflow: rs\n", base);
    expect_error(text, NULL, ASIM_ERANGE, "is not one of: os, ws, is");
    snprintf(text, sizeof text, "%sarray:\n  rows:\n", base);
    expect_error(text, NULL, ASIM_EMISSING, "array.rows: expected an integer, found nothing");
    snprintf(text, sizeof text, "%sarray:\n  acc_bits: 12\n", base);
    expect_error(text, NULL, ASIM_ERANGE, "narrower than act_bits + weight_bits");
    expect_error(base, "array.rows", ASIM_EARG, "not of the form key=value");
    expect_error(base, "array.rowz=4", ASIM_EKEY, "unknown key 'array.rowz'");
    expect_error(base, "array.tile_overlap=maybe", ASIM_ETYPE, "is not true or false");
}

static void test_unreadable_and_binary_files(void **state)
{
    (void)state;
    asim_config_t cfg;
    asim_error_t err;
    assert_int_equal(asim_config_load("/nonexistent/x.yaml", NULL, 0, &cfg, &err), ASIM_EIO);
    assert_string_equal(err.msg, "/nonexistent/x.yaml: cannot open: No such file or directory");
    assert_int_equal(asim_config_load("/tmp", NULL, 0, &cfg, &err), ASIM_EIO);
    assert_non_null(strstr(err.msg, "is a directory"));
    const char *bin = tmp_file(".yaml", "name: t");
    FILE *f = fopen(bin, "ab");
    fputc('\0', f);
    fclose(f);
    assert_int_equal(asim_config_load(bin, NULL, 0, &cfg, &err), ASIM_ESYNTAX);
    assert_non_null(strstr(err.msg, "binary data (NUL byte at offset 7)"));
}

static void test_docs_list_every_key(void **state)
{
    (void)state;
    size_t n;
    const asim_cfg_key_t *schema = asim_config_schema(&n);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    asim_config_write_docs(f, true);
    fclose(f);
    const char *required[] = {"name", "clock_mhz", "device", "array.rows", "array.cols",
                              "array.dataflow", "array.tile_overlap"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        char cell[64];
        snprintf(cell, sizeof cell, "| `%s` |", required[i]);
        assert_non_null(strstr(buf, cell));
    }
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(buf, schema[i].desc));
    free(buf);
}

static void test_yaml_dump_round_trips(void **state)
{
    (void)state;
    asim_config_t a, b;
    asim_error_t err;
    const char *sets[] = {"array.rows=12", "array.tile_overlap=true"};
    assert_int_equal(asim_config_load(good_file(), sets, 2, &a, &err), ASIM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    asim_config_write_yaml(f, &a);
    fclose(f);
    assert_int_equal(asim_config_load(tmp_file(".yaml", buf), NULL, 0, &b, &err), ASIM_OK);
    free(buf);
    assert_string_equal(a.name, b.name);
    assert_int_equal(get(&a, "array.rows"), get(&b, "array.rows"));
    assert_int_equal(get(&a, "array.tile_overlap"), get(&b, "array.tile_overlap"));
    assert_int_equal(get(&a, "array.dataflow"), get(&b, "array.dataflow"));
    assert_true(a.clock_mhz == b.clock_mhz);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_values_and_defaults),
        cmocka_unit_test(test_set_overrides_the_file),
        cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_unreadable_and_binary_files),
        cmocka_unit_test(test_docs_list_every_key),
        cmocka_unit_test(test_yaml_dump_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
