/* testutil.h: helpers shared by the unit tests (temporary files, project paths). */
#ifndef ASIM_TESTUTIL_H
#define ASIM_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asim/sim.h"

static char tmp_dir[64];

/* At exit: the temporary folder and the files in it. */
static inline void tmp_dir_remove(void)
{
    DIR *d = opendir(tmp_dir);
    if (!d)
        return;
    char path[384];
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", tmp_dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(tmp_dir);
}

/* Writes text to a new file with the given suffix in a fresh temporary folder, removed at
 * exit; returns its path (valid for the next 7 calls). */
static inline const char *tmp_file(const char *suffix, const char *text)
{
    static char path[8][96];
    static int next;
    const char *dir = tmp_dir;
    if (!tmp_dir[0]) {
        snprintf(tmp_dir, sizeof tmp_dir, "/tmp/asim_test_XXXXXX");
        if (!mkdtemp(tmp_dir) || atexit(tmp_dir_remove))
            abort();
    }
    char *p = path[next % 8];
    snprintf(p, 96, "%s/f%d%s", dir, next++, suffix);
    FILE *f = fopen(p, "w");
    if (!f || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0)
        abort();
    return p;
}

/* ASIM_SOURCE_DIR/rel, in a static buffer. */
static inline const char *src_path(const char *rel)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 512, "%s/%s", ASIM_SOURCE_DIR, rel);
    return p;
}

/* Loads `config` (relative to the source folder) with the `--set`s, the model, builds and
 * runs the accelerator; fails the test on any error. Free with test_run_free. Include after
 * <cmocka.h>. */
static inline asim_sim_t *test_run(const char *config, const char *model, const char **sets,
                                   size_t n_sets, asim_report_t *rep, asim_graph_t *g)
{
    asim_config_t cfg;
    asim_sim_t *sim = NULL;
    asim_error_t err;
    if (asim_config_load(src_path(config), sets, n_sets, &cfg, &err) ||
        asim_model_load(model, g, &err) || asim_sim_create(&cfg, &sim, &err) ||
        asim_sim_run(sim, g, rep, &err))
        fail_msg("%s", err.msg);
    return sim;
}

/* Multiply-accumulates of every op of g. */
static inline uint64_t total_macs(const asim_graph_t *g)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < g->len; i++)
        sum += asim_op_macs(&g->ops[i]);
    return sum;
}

/* Fails the test unless loading the model `spec` fails with `code` and a message holding
 * `needle`. Include after <cmocka.h>. */
static inline void expect_model_error(const char *spec, asim_status_t code, const char *needle)
{
    asim_graph_t g;
    asim_error_t err = {0};
    asim_status_t st = asim_model_load(spec, &g, &err);
    if (st != code || !strstr(err.msg, needle))
        fail_msg("%s: got %s '%s', want %s containing '%s'", spec, asim_status_name(st),
                 err.msg, asim_status_name(code), needle);
}

static inline void test_run_free(asim_sim_t *sim, asim_report_t *rep, asim_graph_t *g)
{
    asim_report_free(rep);
    asim_sim_free(sim);
    asim_graph_free(g);
}

#endif
