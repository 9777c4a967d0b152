/* test_sweep_file.c: the Pareto front, sweep files (parse, partial last rows, refusals,
 * the sorted rewrite), and whole runs: -j 2 equals -j 1, resume equals one run, shards
 * merge into the single run's file, failing points give error rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asim/sim.h"
#include "sweep/sweep.h"
#include "testutil.h"

/* A 64-point sweep of the 32x32 config on vit_tiny. */
/* Total cycles of a plain `accelsim --config config --model model` run, in process. */
static uint64_t direct_cycles(const char *config, const char *model)
{
    asim_graph_t g;
    asim_report_t rep;
    asim_sim_t *sim = test_run(config, model, NULL, 0, &rep, &g);
    uint64_t cycles = rep.total_cycles;
    test_run_free(sim, &rep, &g);
    return cycles;
}

static void small_sweep(asim_sweep_t *sw, const char *extra_set)
{
    asim_error_t err;
    asim_sweep_init(sw);
    if (asim_sweep_set_config(sw, src_path("configs/systolic_32x32.yaml"), &err) ||
        asim_sweep_add_models(sw, "vit_tiny", &err) ||
        asim_sweep_add_axis(sw, "array.rows=4:32:+4", &err) ||
        asim_sweep_add_axis(sw, "array.cols=8:64:x2", &err) ||
        asim_sweep_add_axis(sw, "array.tile_overlap=true,false", &err) ||
        (extra_set && asim_sweep_add_axis(sw, extra_set, &err)) || asim_sweep_check(sw, &err))
        fail_msg("%s", err.msg);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *text = calloc(1, 1 << 20);
    assert_non_null(text);
    assert_true(fread(text, 1, (1 << 20) - 1, f) < (1 << 20) - 1);
    fclose(f);
    return text;
}

static void spill(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static asim_status_t run(const asim_sweep_t *sw, const char *path, int jobs, uint64_t shard,
                         uint64_t shards, asim_sweep_summary_t *sum, asim_error_t *err)
{
    asim_sweep_opts_t opts = {.jobs = jobs, .shard = shard, .shards = shards};
    return asim_sweep_run(sw, path, &opts, sum, err);
}

/* Front by definition: ok rows of the same model that no such row dominates. */
static bool naive_on_front(const asim_sweep_t *sw, const asim_sweep_row_t *rows, size_t n,
                           size_t i, uint64_t per_model)
{
    if (!rows[i].ok)
        return false;
    for (size_t j = 0; j < n; j++) {
        if (!rows[j].ok || rows[j].point / per_model != rows[i].point / per_model)
            continue;
        bool no_worse = true, better = false;
        for (size_t k = 0; k < sw->n_objectives; k++) {
            double s = asim_sweep_metric_maximize(sw->objectives[k]) ? -1 : 1;
            double a = s * rows[j].obj[k], b = s * rows[i].obj[k];
            no_worse &= a <= b;
            better |= a < b;
        }
        if (no_worse && better)
            return false;
    }
    return true;
}

static void test_pareto_matches_the_definition(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny,vit_small", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.rows=1:150:+1", &err), ASIM_OK);
    static const char *const objectives[] = {"lut", "latency_ms,lut", "latency_ms,gops,dsp",
                                             "gops_per_w,ff"};
    srand(7);
    asim_sweep_row_t rows[300];
    for (size_t o = 0; o < 4; o++) {
        assert_int_equal(asim_sweep_set_objectives(&sw, objectives[o], &err), ASIM_OK);
        for (int trial = 0; trial < 20; trial++) {
            size_t n = 0, front = 0;
            for (uint64_t p = 0; p < sw.n_points; p++) {
                asim_sweep_row_t *r = &rows[n++];
                memset(r, 0, sizeof *r);
                r->point = (p * 7919) % sw.n_points; /* any order */
                r->ok = rand() % 10 != 0;            /* some error rows */
                for (size_t k = 0; k < sw.n_objectives; k++)
                    r->obj[k] = rand() % 6;          /* small values: many ties */
            }
            assert_int_equal(asim_sweep_pareto(&sw, rows, n, &err), ASIM_OK);
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(rows[i].pareto, naive_on_front(&sw, rows, n, i, 150));
                front += rows[i].pareto;
            }
            assert_true(front > 0);
        }
    }
    asim_sweep_free(&sw);
}

static void test_pareto_by_hand(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.rows=1:6:+1", &err), ASIM_OK);
    assert_int_equal(asim_sweep_set_objectives(&sw, "latency_ms,gops", &err), ASIM_OK);
    /* (latency, gops): 0 (1,10) front; 1 (2,10) dominated by 0; 2 (1,10) ties 0: front;
     * 3 (0.5,5) front; 4 (0.1, 1) but error: never; 5 (3, 11) front (most gops). */
    asim_sweep_row_t rows[6] = {
        {.point = 0, .ok = true, .obj = {1, 10}},   {.point = 1, .ok = true, .obj = {2, 10}},
        {.point = 2, .ok = true, .obj = {1, 10}},   {.point = 3, .ok = true, .obj = {0.5, 5}},
        {.point = 4, .ok = false, .obj = {0.1, 1}}, {.point = 5, .ok = true, .obj = {3, 11}},
    };
    assert_int_equal(asim_sweep_pareto(&sw, rows, 6, &err), ASIM_OK);
    bool want[6] = {true, false, true, true, false, true};
    for (int i = 0; i < 6; i++)
        assert_int_equal(rows[i].pareto, want[i]);
    asim_sweep_free(&sw);
}

/* Parses text as a sweep file of sw; returns the status (err filled). */
static asim_status_t parse_text(const asim_sweep_t *sw, const char *text,
                                asim_sweep_file_t *f, asim_error_t *err)
{
    memset(f, 0, sizeof *f);
    f->data = strdup(text);
    f->len = strlen(text);
    f->complete = f->len;
    while (f->complete > 0 && text[f->complete - 1] != '\n')
        f->complete--;
    return asim_sweep_file_parse(sw, f, "s.csv", "this command", err);
}

static void test_file_parse_and_refusals(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_file_t f;
    small_sweep(&sw, NULL);
    char *def = asim_sweep_definition(&sw), *hdr = asim_sweep_header(&sw);
    char *r5 = asim_sweep_run_point(&sw, 5), *r9 = asim_sweep_error_row(&sw, 9, "bad \"x\", y");
    char text[8192];

    /* rows in any order, a partial last line ignored */
    snprintf(text, sizeof text, "%s\n%s\n%s%s9,vit_tiny,8,", def, hdr, r9, r5);
    /* point 9 is rows 8 (9 / 8), cols 8 (9 / 2 % 4), tile_overlap false (9 % 2) */
    assert_int_equal(parse_text(&sw, text, &f, &err), ASIM_OK);
    assert_int_equal(f.n_rows, 2);
    assert_int_equal(f.complete, strlen(text) - strlen("9,vit_tiny,8,"));
    assert_int_equal(f.rows[0].point, 9);
    assert_true(f.rows[0].failed);
    assert_false(f.rows[0].ok);
    assert_true(f.rows[1].ok);
    assert_string_equal(f.rows[0].text, "9,vit_tiny,8,8,false,error,\"bad \"\"x\"\", y\","
                                        ",,,,,,,,,,");
    asim_sweep_file_free(&f);

    /* fresh: empty, or any prefix of definition + header */
    snprintf(text, sizeof text, "%s\n%.5s", def, hdr);
    f = (asim_sweep_file_t){.data = text, .len = strlen(text)};
    assert_true(asim_sweep_file_is_fresh(&sw, &f));
    f.len = 0;
    assert_true(asim_sweep_file_is_fresh(&sw, &f));
    snprintf(text, sizeof text, "%s\n%s\n%s", def, hdr, r5);
    f.len = strlen(text);
    assert_false(asim_sweep_file_is_fresh(&sw, &f));

    static const struct {
        const char *row, *msg;
    } bad[] = {
        {"5,vit_tiny,4,32,false,ok\n", "s.csv:3: expected a row of 19 fields"},
        {"64,vit_tiny,4,8,true,error,\"x\",,,,,,,,,,,,\n", "point '64' is not a point"},
        {"5,vit_tiny,4,8,false,error,\"x\",,,,,,,,,,,,\n",
         "point 5 has array.cols = '8', but in this sweep it is '32'"},
        {"5,vit_tiny,4,32,false,maybe,\"x\",,,,,,,,,,,,\n", "status 'maybe' is neither"},
        {"5,vit_tiny,4,32,false,ok,\"\",1,x,1,1,1,1,1,1,1,1,0,\n", "latency_ms = 'x' is not"},
        {"5,vit_tiny,4,32,false,error,\"x,,,,,,,,,,,,\n", "found a malformed one"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "%s\n%s\n%s", def, hdr, bad[i].row);
        assert_int_equal(parse_text(&sw, text, &f, &err), ASIM_ESYNTAX);
        if (!strstr(err.msg, bad[i].msg))
            fail_msg("row %zu gave '%s', want '%s'", i, err.msg, bad[i].msg);
        asim_sweep_file_free(&f);
    }
    snprintf(text, sizeof text, "%s\n%s\n%s%s%s", def, hdr, r5, r9, r5);
    assert_int_equal(parse_text(&sw, text, &f, &err), ASIM_ESYNTAX);
    assert_non_null(strstr(err.msg, "s.csv:5: point 5 is there twice (first at line 3)"));
    asim_sweep_file_free(&f);
    snprintf(text, sizeof text, "%s\n", def);
    assert_int_equal(parse_text(&sw, text, &f, &err), ASIM_ESYNTAX);
    assert_non_null(strstr(err.msg, "has no header line"));
    asim_sweep_file_free(&f);
    assert_int_equal(parse_text(&sw, "layer,op\n1,2\n", &f, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "s.csv: exists and is not an accelsim sweep file"));
    asim_sweep_file_free(&f);

    /* another definition: the difference is named (the first differing token would be the
     * objectives, which are the same) */
    asim_sweep_t other;
    small_sweep(&other, "clock_mhz=100,200");
    char *odef = asim_sweep_definition(&other);
    snprintf(text, sizeof text, "%s\n%s\n", odef, hdr);
    assert_int_equal(parse_text(&sw, text, &f, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "s.csv:1: holds a different sweep: it sweeps clock_mhz "
                                    "(100,200) and this command does not"));
    asim_sweep_file_free(&f);
    free(odef);
    asim_sweep_free(&other);
    free(def);
    free(hdr);
    free(r5);
    free(r9);
    asim_sweep_free(&sw);
}

static void test_j2_equals_j1_and_resume(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_summary_t sum;
    small_sweep(&sw, NULL);
    assert_int_equal(sw.n_points, 64);
    char a[128], b[128];
    snprintf(a, sizeof a, "%s", tmp_file(".csv", ""));
    snprintf(b, sizeof b, "%s", tmp_file(".csv", ""));
    assert_int_equal(run(&sw, a, 1, 0, 1, &sum, &err), ASIM_OK);
    assert_int_equal(sum.ran, 64);
    assert_false(sum.interrupted);
    assert_true(sum.on_front > 0 && sum.on_front < 64);
    assert_int_equal(run(&sw, b, 2, 0, 1, &sum, &err), ASIM_OK);
    char *one = slurp(a), *two = slurp(b);
    assert_string_equal(one, two);

    /* Resume: keep the header and a scattered half of the rows, out of order, plus a
     * partial row; the run adds exactly what is missing and ends with the same file. */
    char *def = asim_sweep_definition(&sw), *hdr = asim_sweep_header(&sw);
    size_t cap = strlen(one) + 64, used = 0;
    char *cut = malloc(cap);
    used += (size_t)snprintf(cut, cap, "%s\n%s\n", def, hdr);
    const char *rows = strchr(strchr(one, '\n') + 1, '\n') + 1;
    for (int pass = 1; pass >= 0; pass--) {
        const char *p = rows;
        for (int i = 0; *p; i++) {
            const char *nl = strchr(p, '\n');
            size_t len = (size_t)(nl - p) - 1; /* drop the pareto value: as appended */
            if (i % 3 != 0 && i % 2 == pass)
                used += (size_t)snprintf(cut + used, cap - used, "%.*s\n", (int)len, p);
            p = nl + 1;
        }
    }
    used += (size_t)snprintf(cut + used, cap - used, "3,vit_tiny,4,");
    spill(b, cut, used);
    assert_int_equal(run(&sw, b, 2, 0, 1, &sum, &err), ASIM_OK);
    assert_int_equal(sum.skipped, 42);
    assert_int_equal(sum.ran, 22);
    free(two);
    two = slurp(b);
    assert_string_equal(one, two);

    /* A finished file resumes to itself. */
    assert_int_equal(run(&sw, b, 2, 0, 1, &sum, &err), ASIM_OK);
    assert_int_equal(sum.ran, 0);
    free(two);
    two = slurp(b);
    assert_string_equal(one, two);

    /* Shards merge into the single run's file. */
    const char *shard_paths[3];
    char names[3][128];
    for (uint64_t s = 0; s < 3; s++) {
        snprintf(names[s], sizeof names[s], "%s", tmp_file(".csv", ""));
        shard_paths[s] = names[s];
        assert_int_equal(run(&sw, names[s], 1, s, 3, &sum, &err), ASIM_OK);
        assert_int_equal(sum.total, s == 0 ? 22 : 21);
    }
    assert_int_equal(run(&sw, names[0], 1, 1, 3, &sum, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "which is in shard 0/3, not in 1/3"));
    assert_int_equal(asim_sweep_merge(b, shard_paths, 2, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "21 of 64 points are in none of the inputs"));
    const char *twice[4] = {names[0], names[1], names[2], names[1]};
    assert_int_equal(asim_sweep_merge(b, twice, 4, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "the inputs overlap"));
    assert_int_equal(asim_sweep_merge(b, shard_paths, 3, &err), ASIM_OK);
    free(two);
    two = slurp(b);
    assert_string_equal(one, two);

    /* Another definition is refused, and the file is left as it was. */
    asim_sweep_t other;
    small_sweep(&other, "clock_mhz=100,200");
    assert_int_equal(run(&other, b, 2, 0, 1, &sum, &err), ASIM_EARG);
    assert_non_null(strstr(err.msg, "a sweep resumes only with the same definition"));
    free(two);
    two = slurp(b);
    assert_string_equal(one, two);
    asim_sweep_free(&other);

    free(cut);
    free(def);
    free(hdr);
    free(one);
    free(two);
    asim_sweep_free(&sw);
}

static void test_failing_points_get_error_rows(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_summary_t sum;
    asim_sweep_init(&sw);
    assert_int_equal(asim_sweep_set_config(&sw, src_path("configs/systolic_32x32.yaml"), &err),
                     ASIM_OK);
    assert_int_equal(asim_sweep_add_models(&sw, "vit_tiny", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.act_bits=2,8", &err), ASIM_OK);
    assert_int_equal(asim_sweep_add_axis(&sw, "array.acc_bits=8,32", &err), ASIM_OK);
    const char *path = tmp_file(".csv", "");
    assert_int_equal(run(&sw, path, 2, 0, 1, &sum, &err), ASIM_OK);
    assert_int_equal(sum.errors, 3);
    assert_int_equal(sum.on_front, 1);
    char *text = slurp(path);
    assert_non_null(strstr(text, "\n0,vit_tiny,2,8,error,\"--set array.acc_bits: "
                                 "array.acc_bits = 8 is narrower than act_bits + weight_bits "
                                 "= 10\",,,,,,,,,,,,0\n"));
    assert_non_null(strstr(text, "\n1,vit_tiny,2,32,error,\""));
    assert_non_null(strstr(text, "A operand is 8 bits but array.act_bits is 2\",,,,,,,,,,,,0\n"));
    char ok_row[64];
    snprintf(ok_row, sizeof ok_row, "\n3,vit_tiny,8,32,ok,\"\",%llu,",
             (unsigned long long)direct_cycles("configs/systolic_32x32.yaml", "vit_tiny"));
    assert_non_null(strstr(text, ok_row));
    free(text);
    asim_sweep_free(&sw);
}

static void test_file_locked_by_another_sweep(void **state)
{
    (void)state;
    asim_sweep_t sw;
    asim_error_t err;
    asim_sweep_summary_t sum;
    small_sweep(&sw, NULL);
    const char *path = tmp_file(".csv", "");
    int locked[2], release[2];
    assert_int_equal(pipe(locked), 0);
    assert_int_equal(pipe(release), 0);
    pid_t pid = fork();
    if (pid == 0) { /* holds the lock until told to let go */
        int fd = open(path, O_RDWR);
        struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        char c;
        if (fd < 0 || fcntl(fd, F_SETLK, &lk) != 0 || write(locked[1], "L", 1) != 1 ||
            read(release[0], &c, 1) < 0)
            _exit(1);
        _exit(0);
    }
    char c;
    assert_int_equal(read(locked[0], &c, 1), 1);
    assert_int_equal(run(&sw, path, 1, 0, 1, &sum, &err), ASIM_EARG);
    char want[64];
    snprintf(want, sizeof want, "another sweep (pid %ld) is writing this file", (long)pid);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(write(release[1], "x", 1), 1);
    waitpid(pid, NULL, 0);
    for (int i = 0; i < 2; i++) {
        close(locked[i]);
        close(release[i]);
    }
    asim_sweep_free(&sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pareto_matches_the_definition),
        cmocka_unit_test(test_pareto_by_hand),
        cmocka_unit_test(test_file_parse_and_refusals),
        cmocka_unit_test(test_j2_equals_j1_and_resume),
        cmocka_unit_test(test_failing_points_get_error_rows),
        cmocka_unit_test(test_file_locked_by_another_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
