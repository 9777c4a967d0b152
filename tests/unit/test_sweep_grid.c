/* test_sweep_grid.c: sweep definitions: lists, inclusive ranges, canonical values, the
 * grid order, the point cap, models, objectives, and the definition line's round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sweep/sweep.h"
#include "testutil.h"

/* The values of the axis that `assignment` adds, joined with commas. */
static const char *axis_values(const char *assignment)
{
    static char out[4096];
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    if (asim_sweep_add_axis(&sw, assignment, &err) != ASIM_OK)
        fail_msg("%s: %s", assignment, err.msg);
    out[0] = '\0';
    for (size_t i = 0; i < sw.axes[1].n; i++)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? "," : "",
                 sw.axes[1].values[i]);
    asim_sweep_free(&sw);
    return out;
}

static void test_lists_and_inclusive_ranges(void **state)
{
    (void)state;
    assert_string_equal(axis_values("array.rows=16:128:x2"), "16,32,64,128");
    assert_string_equal(axis_values("array.rows=16:127:x2"), "16,32,64");   /* end not hit */
    assert_string_equal(axis_values("array.rows=16:16:x2"), "16");          /* one value */
    assert_string_equal(axis_values("array.rows=1:8:+1"), "1,2,3,4,5,6,7,8");
    assert_string_equal(axis_values("array.rows=1:8:+3"), "1,4,7");
    assert_string_equal(axis_values("array.rows=1:7:+3"), "1,4,7");
    assert_string_equal(axis_values("array.rows=3:81:x3"), "3,9,27,81");
    assert_string_equal(axis_values("array.rows=8,16:64:x2,100"), "8,16,32,64,100");
    assert_string_equal(axis_values("clock_mhz=100:300:+50"), "100,150,200,250,300");
    assert_string_equal(axis_values("clock_mhz=1.1:1.5:+0.1"), "1.1,1.2,1.3,1.4,1.5");
    assert_string_equal(axis_values("clock_mhz=1:1000:x10"), "1,10,100,1000");
    assert_string_equal(axis_values("clock_mhz=1:2:x1.5"), "1,1.5");
    /* canonical forms: what a value means, not how it was typed */
    assert_string_equal(axis_values("array.rows=08,+9"), "8,9");
    assert_string_equal(axis_values("clock_mhz=2e2,100.50"), "200,100.5");
    assert_string_equal(axis_values("array.tile_overlap=True,FALSE"), "true,false");
    assert_string_equal(axis_values("array.dataflow=is,os"), "is,os");
    assert_string_equal(axis_values("name=a:b:+1"), "a:b:+1"); /* no ranges on text keys */
}

static void expect_error(const char *assignment, asim_status_t code, const char *text)
{
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    asim_status_t st = asim_sweep_add_axis(&sw, assignment, &err);
    if (st != code || !strstr(err.msg, text))
        fail_msg("%s: got %s '%s', want %s '%s'", assignment, asim_status_name(st),
                 st ? err.msg : "", asim_status_name(code), text);
    assert_int_equal(sw.n_axes, 1); /* nothing half-added */
    asim_sweep_free(&sw);
}

static void test_bad_values_and_ranges(void **state)
{
    (void)state;
    expect_error("array.rows", ASIM_ESYNTAX, "is not of the form key=value[,value...]");
    expect_error("array.rowz=8", ASIM_EKEY, "unknown key 'array.rowz' (did you mean "
                                            "'array.rows'?)");
    expect_error("array.rows=", ASIM_ESYNTAX, "array.rows has no values");
    expect_error("array.rows=8,,16", ASIM_ESYNTAX, "empty value in the list");
    expect_error("array.rows=8,", ASIM_ESYNTAX, "empty value in the list");
    expect_error("array.rows=8,16,8", ASIM_EARG, "value 8 is listed twice");
    expect_error("array.rows=8,4:16:x2", ASIM_EARG, "value 8 is listed twice");
    expect_error("array.rows=0,8", ASIM_ERANGE, "array.rows = 0 is out of range [1, 4096]");
    expect_error("array.rows=2048:8192:x2", ASIM_ERANGE, "array.rows = 8192 is out of range");
    expect_error("array.rows=many", ASIM_ETYPE, "array.rows = 'many' is not an integer");
    expect_error("array.dataflow=os,rs", ASIM_ERANGE, "'rs' is not one of: os, ws, is");
    expect_error("array.tile_overlap=yes", ASIM_ETYPE, "'yes' is not true or false");
    expect_error("array.rows=1:8", ASIM_ESYNTAX, "a range is START:END:+STEP or");
    expect_error("array.rows=1:8:+1:2", ASIM_ESYNTAX, "a range is START:END:+STEP or");
    expect_error("array.rows=1:8:2", ASIM_ESYNTAX, "step '2' must be +STEP");
    expect_error("array.rows=1:8:-1", ASIM_ESYNTAX, "step '-1' must be +STEP");
    expect_error("array.rows=1:8:+0", ASIM_ERANGE, "step must be above 0");
    expect_error("array.rows=1:8:+-2", ASIM_ERANGE, "step must be above 0");
    expect_error("array.rows=16:128:x1", ASIM_ERANGE, "factor must be above 1");
    expect_error("clock_mhz=1:2:x0.5", ASIM_ERANGE, "factor must be above 1");
    expect_error("array.rows=0:128:x2", ASIM_ERANGE, "geometric range must start above 0");
    expect_error("array.rows=8:1:+1", ASIM_ERANGE, "empty range: start is above end");
    expect_error("array.rows=a:8:+1", ASIM_ETYPE, "start 'a' is not an integer");
    expect_error("array.rows=1:b:+1", ASIM_ETYPE, "end 'b' is not an integer");
    expect_error("array.rows=1:8:+1.5", ASIM_ETYPE, "step '1.5' is not an integer");
    expect_error("array.rows=1:8:x1.5", ASIM_ETYPE, "factor '1.5' is not an integer");
    expect_error("clock_mhz=1:x:+1", ASIM_ETYPE, "end 'x' is not a number");
    expect_error("array.dataflow=os:is:+1", ASIM_ERANGE, "is not one of");
    /* counted arithmetically, refused before a single value is made */
    expect_error("array.rows=1:1000000000000:+1", ASIM_ERANGE,
                 "the range has 1000000000000 values, more than the 1000000 points");
    expect_error("clock_mhz=1:5000:+0.001", ASIM_ERANGE, "the range has 4999001 values");
}

static void test_grid_cap_and_repeated_key(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,vit_small", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.rows=1:1000:+1", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.cols=1:1000:+1", &err), ASIM_ERANGE);
    assert_non_null(strstr(err.msg, "the grid would have 2000000 points (2 x 1000 x 1000), "
                                    "more than the 1000000"));
    assert_int_equal(asim_sweep_add_axis(&sw, "array.cols=1:500:+1", &err), ASIM_OK);
    assert_int_equal(sw.n_points, 1000000); /* the cap itself is allowed */
    assert_int_equal(asim_sweep_add_models(&sw, "vit_base", &err), ASIM_ERANGE);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.rows=8", &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "array.rows is given twice; give each key one --set"));
    asim_sweep_free(&sw);
}

static void test_models(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,bert_base:seq_len=64,layers=2", &err),
                     ASIM_OK);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_small", &err), ASIM_OK);
    assert_int_equal(sw.axes[0].n, 3);
    assert_string_equal(sw.axes[0].values[1], "bert_base:seq_len=64,layers=2");
    assert_int_equal(asim_sweep_add_models(&sw, "vit_base,,vit_tiny", &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "empty model name"));
    asim_sweep_free(&sw);
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,vit_tiny", &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "model 'vit_tiny' is listed twice"));
    asim_sweep_free(&sw);
}

/* Point p decodes row-major: models slowest, the last --set fastest. */
static void test_grid_order(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,vit_small", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.rows=8,16,32", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.tile_overlap=true,false", &err), ASIM_OK);
    assert_int_equal(sw.n_points, 12);
    size_t idx[ASIM_SWEEP_MAX_AXES];
    for (uint64_t p = 0; p < sw.n_points; p++) {
        asim_sweep_decode(&sw, p, idx);
        assert_int_equal(idx[0], p / 6);
        assert_int_equal(idx[1], p / 2 % 3);
        assert_int_equal(idx[2], p % 2);
    }
    char *hdr = asim_sweep_header(&sw);
    assert_string_equal(hdr, "point,model,array.rows,array.tile_overlap,status,error,"
                             "total_cycles,latency_ms,energy_mj,gops,gops_per_w,lut,ff,dsp,"
                             "bram,fits,unsupported_ops,pareto");
    free(hdr);
    asim_sweep_free(&sw);
}

static void test_objectives(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(sw.n_objectives, 3); /* latency_ms, energy_mj, lut */
    assert_int_equal(sw.objectives[2], ASIM_SWEEP_LUT);
    assert_int_equal(asim_sweep_set_objectives(&sw, "gops_per_w,dsp", &err), ASIM_OK);
    assert_int_equal(sw.n_objectives, 2);
    assert_true(asim_sweep_metric_maximize(ASIM_SWEEP_GOPS_PER_W));
    assert_false(asim_sweep_metric_maximize(ASIM_SWEEP_DSP));
    assert_int_equal(asim_sweep_set_objectives(&sw, "latency", &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "unknown objective 'latency' (one of: total_cycles, "));
    assert_int_equal(asim_sweep_set_objectives(&sw, "lut,,ff", &err), ASIM_EARG);
    assert_int_equal(asim_sweep_set_objectives(&sw, "lut,lut", &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "objective lut is listed twice"));
    assert_int_equal(sw.n_objectives, 2); /* unchanged by the failures */
    asim_sweep_free(&sw);
}

static void test_definition_round_trip(void **state)
{
    (void)state;
    asim_sweep_t sw, back;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_set_config(&sw, src_path("configs/systolic_32x32.yaml"), &err),
                     ASIM_OK);
    assert_int_equal(strlen(sw.config_hash), 16);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,bert_base:seq_len=64,layers=2", &err),
                     ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "name=my accel,50% off", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.rows=8:32:x2", &err), ASIM_OK);
    assert_int_equal(asim_sweep_set_objectives(&sw, "gops,lut", &err), ASIM_OK);
    char *def = asim_sweep_definition(&sw);
    assert_non_null(strstr(def, " set=name=my%20accel,50%25%20off "));
    assert_null(strchr(def, '\n'));
    asim_sweep_init(&back);
    assert_int_equal(asim_sweep_parse_definition(&back, def, "f.csv:1", &err), ASIM_OK);
    char *again = asim_sweep_definition(&back);
    assert_string_equal(def, again);
    assert_int_equal(back.n_points, sw.n_points);
    assert_string_equal(back.axes[1].values[1], "50% off");
    assert_string_equal(back.axes[2].values[2], "32");
    assert_string_equal(back.config_hash, sw.config_hash);
    free(again);
    asim_sweep_free(&back);

    static const struct {
        const char *line, *msg;
    } bad[] = {
        {"point,model", "f.csv:1: not an accelsim sweep file"},
        {"# accelsim-sweep/9 version=1", "sweep file format 'accelsim-sweep/9' is not"},
        {"# accelsim-sweep/1 version=0.1.0 colour=red", "unknown sweep definition field"},
        {"# accelsim-sweep/1 version=0.1.0 model=%zz", "malformed sweep definition at"},
        {"# accelsim-sweep/1 version=0.1.0 config=c config_fnv1a=0 model=vit_tiny "
         "set=array.rows=0 objectives=lut",
         "sweep definition: --set: array.rows = 0 is out of range"},
        {"# accelsim-sweep/1 version=0.1.0 model=vit_tiny", "fields missing or out of order"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        asim_sweep_init(&back);
        assert_int_not_equal(asim_sweep_parse_definition(&back, bad[i].line, "f.csv:1", &err),
                             ASIM_OK);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("'%s' gave '%s', want '%s'", bad[i].line, err.msg, bad[i].msg);
        asim_sweep_free(&back);
    }
    free(def);
    asim_sweep_free(&sw);
}

static void test_check_loads_config_and_models(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_check(&sw, &err), ASIM_EARG); /* no config */
    assert_int_equal(asim_sweep_set_config(&sw, src_path("configs/systolic_32x32.yaml"), &err),
                     ASIM_OK);
    assert_int_equal(asim_sweep_check(&sw, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "--model"));
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,vit_huge", &err), ASIM_OK);
    assert_int_equal(asim_sweep_check(&sw, &err), ASIM_EMODEL);
    assert_non_null(strstr(err.msg, "unknown model 'vit_huge'"));
    asim_sweep_free(&sw);
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_set_config(&sw, "/nonexistent.yaml", &err), ASIM_EIO);
    asim_sweep_free(&sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lists_and_inclusive_ranges),
        cmocka_unit_test(test_bad_values_and_ranges),
        cmocka_unit_test(test_grid_cap_and_repeated_key),
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_grid_order),
        cmocka_unit_test(test_objectives),
        cmocka_unit_test(test_definition_round_trip),
        cmocka_unit_test(test_check_loads_config_and_models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
