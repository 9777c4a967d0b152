/*
 * bench_run.c: wall time of whole-model runs, the work `accelsim --config C --model M`
 * does (load config and technology table, build the model, simulate, write the report to
 * /dev/null). Prints the median and min wall time of N runs per model, and the median CPU
 * time of the process (user + system), which other work on a shared machine does not inflate.
 * With --import, only the model is loaded (the import of an ONNX file, say: read, decode,
 * map to ops) and the last column counts its ops.
 * usage: bench_run CONFIG [MODEL...] [-n RUNS] [-s KEY=VALUE]...  (-s: a --set)
 *        bench_run --import MODEL... [-n RUNS]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"
#include "report/report.h"

static double clock_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One full run (config NULL: loading the model alone, *cycles then counts its ops);
 * returns its wall time in seconds, or a negative value on error; *cpu: its CPU time. */
static const char *sets[16];
static size_t n_sets;

static double one_run(const char *config, const char *model, FILE *sink, uint64_t *cycles,
                      double *cpu)
{
    double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    asim_error_t err;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    asim_report_t rep;
    if (!config) {
        if (asim_model_load(model, &g, &err)) {
            fprintf(stderr, "bench_run: %s\n", err.msg);
            return -1;
        }
        *cycles = g.len;
        asim_graph_free(&g);
        *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        return now_s() - t0;
    }
    if (asim_config_load(config, sets, n_sets, &cfg, &err) || asim_model_load(model, &g, &err)) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return -1;
    }
    if (asim_sim_create(&cfg, &sim, &err) || asim_sim_run(sim, &g, &rep, &err)) {
        fprintf(stderr, "bench_run: %s\n", err.msg);
        return -1;
    }
    asim_report_write(sink, &rep, ASIM_FORMAT_JSON);
    *cycles = rep.total_cycles;
    asim_report_free(&rep);
    asim_sim_free(sim);
    asim_graph_free(&g);
    *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return now_s() - t0;
}

int main(int argc, char **argv)
{
    int runs = 21;
    const char *config = NULL, *models[16];
    int n_models = 0;
    bool import_only = argc > 1 && !strcmp(argv[1], "--import");
    for (int i = import_only ? 2 : 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc && n_sets < 16)
            sets[n_sets++] = argv[++i];
        else if (!config && !import_only)
            config = argv[i];
        else if (n_models < 16)
            models[n_models++] = argv[i];
    }
    if ((!config && !import_only) || (import_only && n_models == 0) || runs < 1) {
        fprintf(stderr, "usage: bench_run CONFIG [MODEL...] [-n RUNS] [-s KEY=VALUE]...\n"
                        "       bench_run --import MODEL... [-n RUNS]\n");
        return 2;
    }
    if (n_models == 0)
        models[n_models++] = "vit_tiny";
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return 1;
    printf("%-28s %8s %12s %12s %12s %14s\n", "model", "runs", "median_ms", "min_ms",
           "cpu_ms", import_only ? "ops" : "sim_cycles");
    for (int m = 0; m < n_models; m++) {
        double *t = malloc(2 * (size_t)runs * sizeof *t);
        if (!t)
            return 1;
        double *cpu = t + runs;
        uint64_t cycles = 0;
        for (int r = 0; r < runs; r++)
            if ((t[r] = one_run(config, models[m], sink, &cycles, &cpu[r])) < 0)
                return 1;
        qsort(t, (size_t)runs, sizeof *t, cmp_double);
        qsort(cpu, (size_t)runs, sizeof *cpu, cmp_double);
        printf("%-28s %8d %12.3f %12.3f %12.3f %14llu\n", models[m], runs, 1e3 * t[runs / 2],
               1e3 * t[0], 1e3 * cpu[runs / 2], (unsigned long long)cycles);
        free(t);
    }
    fclose(sink);
    return 0;
}
