/* sweep.c: `accelsim sweep` (see sweep.h and docs/sweeps.md). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asim/outfile.h"
#include "config/yaml.h"
#include "cli/sweep.h"
#include "sweep/sweep.h"

extern char **environ;

static const char usage[] =
    "usage: accelsim sweep --config FILE --model LIST [--set key=LIST]... --out FILE\n"
    "                      [-j N] [--shard I/N] [--objectives LIST] [--fsync]\n"
    "                      [--point-timeout SECONDS]\n"
    "       accelsim sweep --merge OUT SHARD.csv...\n"
    "       accelsim sweep --plot FILE.csv [--plot-prefix PREFIX]\n"
    "\n"
    "  --model LIST       models, comma-separated (vit_tiny,bert_base:seq_len=64); repeatable\n"
    "  --set key=LIST     values of any configuration key: a,b,c or ranges START:END:+STEP,\n"
    "                     START:END:xFACTOR (inclusive); repeatable, one per key\n"
    "  --out FILE         the CSV; an interrupted sweep resumes from it when run again\n"
    "  -j, --jobs N       worker processes (default: online cores)\n"
    "  --shard I/N        run only the points p with p mod N == I (0 <= I < N)\n"
    "  --objectives LIST  Pareto objectives (default " ASIM_SWEEP_DEFAULT_OBJECTIVES ");\n"
    "                     gops and gops_per_w are maximized, the others minimized\n"
    "  --fsync            fsync the CSV after every row (survives power loss, slower)\n"
    "  --point-timeout S  a point that runs longer than S seconds gets an error row\n"
    "  --merge OUT IN...  join the CSVs of a sharded sweep into OUT\n"
    "  --plot FILE.csv    draw the front and trends with gnuplot into PREFIX.{pareto,trends}\n"
    "                     .{svg,png} (PREFIX: FILE without .csv) and keep PREFIX.gp\n"
    "See docs/sweeps.md. Exit status: 0 ok, 2 bad input, 1 other failure, 130 interrupted.\n";

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

static int fail(const asim_error_t *err)
{
    fprintf(stderr, "accelsim: error: %s\n", err->msg);
    return err->code == ASIM_ENOMEM ? 1 : 2;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "accelsim: error: sweep: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see accelsim sweep --help)\n");
    return 2;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    const char *path;             /* the sweep file */
    double start, last_draw;
    uint64_t total;               /* points of the shard, done before or now */
} progress_t;

/* Redraws the progress bar (at most 10 times a second, and at the end). */
static void draw_progress(void *ctx, uint64_t done, uint64_t todo)
{
    progress_t *pr = ctx;
    double now = now_s();
    if (done < todo && now - pr->last_draw < 0.1)
        return;
    pr->last_draw = now;
    double rate = done / (now - pr->start > 1e-6 ? now - pr->start : 1e-6);
    uint64_t finished = pr->total - todo + done;
    int width = 24, filled = pr->total ? (int)(width * finished / pr->total) : width;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '-';
    bar[width] = '\0';
    long eta = rate > 0 ? (long)((todo - done) / rate + 0.5) : 0;
    fprintf(stderr, "\r  sweep [%s] %llu/%llu points  %.1f/s  ETA %ld:%02ld:%02ld ", bar,
            (unsigned long long)finished, (unsigned long long)pr->total, rate, eta / 3600,
            eta / 60 % 60, eta % 60);
    fflush(stderr);
}

static void say_resuming(void *ctx, uint64_t done, uint64_t total)
{
    progress_t *pr = ctx;
    fprintf(stderr, "accelsim: %s: resuming: %llu of %llu points already done\n", pr->path,
            (unsigned long long)done, (unsigned long long)total);
}

/* Parses "I/N" with 0 <= I < N. */
static bool parse_shard(const char *text, uint64_t *shard, uint64_t *shards)
{
    const char *slash = strchr(text, '/');
    if (!slash || slash == text || strlen(text) > 40)
        return false;
    char i_text[48];
    snprintf(i_text, sizeof i_text, "%.*s", (int)(slash - text), text);
    int64_t i, n;
    if (asim_parse_int(slash + 1, 1, ASIM_SWEEP_MAX_POINTS, &n) != ASIM_OK ||
        asim_parse_int(i_text, 0, n - 1, &i) != ASIM_OK)
        return false;
    *shard = (uint64_t)i;
    *shards = (uint64_t)n;
    return true;
}

typedef struct {
    const char *config, *out, *objectives, *merge, *plot, *plot_prefix;
    const char **models, **sets;
    size_t n_models, n_sets;
    asim_sweep_opts_t opts;
} sweep_args_t;

enum {
    OPT_SHARD = 256, OPT_OBJECTIVES, OPT_FSYNC, OPT_MERGE, OPT_PLOT, OPT_PLOT_PREFIX,
    OPT_POINT_TIMEOUT
};

/* Parses argv (argv[0] is "sweep"); returns 0, or the exit status of a usage error, or -1
 * after printing the help. */
static int parse_args(int argc, char **argv, sweep_args_t *A)
{
    static const struct option longs[] = {
        {"config", required_argument, NULL, 'c'},
        {"model", required_argument, NULL, 'm'},
        {"set", required_argument, NULL, 's'},
        {"out", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"objectives", required_argument, NULL, OPT_OBJECTIVES},
        {"fsync", no_argument, NULL, OPT_FSYNC},
        {"point-timeout", required_argument, NULL, OPT_POINT_TIMEOUT},
        {"merge", required_argument, NULL, OPT_MERGE},
        {"plot", required_argument, NULL, OPT_PLOT},
        {"plot-prefix", required_argument, NULL, OPT_PLOT_PREFIX},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    A->opts.jobs = cores >= 1 && cores <= 1024 ? (int)cores : 1;
    A->opts.shards = 1;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":j:h", longs, NULL)) != -1) {
        int64_t jobs;
        switch (c) {
        case 'c': A->config = optarg; break;
        case 'm': A->models[A->n_models++] = optarg; break;
        case 's': A->sets[A->n_sets++] = optarg; break;
        case 'o': A->out = optarg; break;
        case 'j':
            if (asim_parse_int(optarg, 1, 1024, &jobs) != ASIM_OK)
                return usage_error("-j: '%s' must be an integer from 1 to 1024", optarg);
            A->opts.jobs = (int)jobs;
            break;
        case OPT_SHARD:
            if (!parse_shard(optarg, &A->opts.shard, &A->opts.shards))
                return usage_error("--shard: '%s' is not I/N with 0 <= I < N (e.g. 0/4)",
                                   optarg);
            break;
        case OPT_OBJECTIVES: A->objectives = optarg; break;
        case OPT_FSYNC: A->opts.fsync_rows = true; break;
        case OPT_POINT_TIMEOUT:
            if (asim_parse_double(optarg, 0.001, 1e6, &A->opts.point_timeout_s) != ASIM_OK)
                return usage_error("--point-timeout: '%s' must be a number of seconds from "
                                   "0.001 to 1000000", optarg);
            break;
        case OPT_MERGE: A->merge = optarg; break;
        case OPT_PLOT: A->plot = optarg; break;
        case OPT_PLOT_PREFIX: A->plot_prefix = optarg; break;
        case 'h': fputs(usage, stdout); return -1;
        case ':': return usage_error("option %s needs a value", argv[optind - 1]);
        default: return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    bool running = A->config || A->n_models || A->n_sets || A->out || A->objectives ||
                   A->opts.point_timeout_s > 0;
    if ((A->merge != NULL) + (A->plot != NULL) + running > 1)
        return usage_error("%s", "--merge, --plot and running a sweep are separate commands");
    if (A->plot_prefix && !A->plot)
        return usage_error("%s", "--plot-prefix goes with --plot");
    if (A->merge && optind == argc)
        return usage_error("%s", "--merge OUT needs the CSV files to join");
    if (!A->merge && optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!A->merge && !A->plot) {
        if (!A->config)
            return usage_error("%s", "--config FILE is required");
        if (!A->n_models)
            return usage_error("%s", "--model LIST is required");
        if (!A->out)
            return usage_error("%s", "--out FILE is required");
    }
    return 0;
}

/* Builds the sweep from the arguments, checking every value, the config and the models. */
static asim_status_t build_sweep(const sweep_args_t *A, asim_sweep_t *sw, asim_error_t *err)
{
    asim_status_t st = asim_sweep_set_config(sw, A->config, err);
    for (size_t i = 0; st == ASIM_OK && i < A->n_models; i++)
        st = asim_sweep_add_models(sw, A->models[i], err);
    for (size_t i = 0; st == ASIM_OK && i < A->n_sets; i++)
        st = asim_sweep_add_axis(sw, A->sets[i], err);
    if (st == ASIM_OK && A->objectives)
        st = asim_sweep_set_objectives(sw, A->objectives, err);
    if (st == ASIM_OK)
        st = asim_sweep_check(sw, err);
    return st;
}

static int run_sweep(const sweep_args_t *A)
{
    asim_sweep_t sw;
    asim_sweep_init(&sw);
    asim_error_t err;
    if (build_sweep(A, &sw, &err) != ASIM_OK) {
        asim_sweep_free(&sw);
        return fail(&err);
    }
    asim_sweep_opts_t opts = A->opts;
    progress_t pr = {.path = A->out, .start = now_s()};
    bool tty = isatty(STDERR_FILENO);
    opts.ctx = &pr;
    opts.resuming = say_resuming;
    if (tty) {
        opts.progress = draw_progress;
        pr.total = sw.n_points > opts.shard
                       ? (sw.n_points - opts.shard + opts.shards - 1) / opts.shards
                       : 0;
    }
    stop_signal = 0;
    opts.stop = &stop_signal;
    struct sigaction sa = {.sa_handler = on_stop_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    asim_sweep_summary_t sum;
    asim_status_t st = asim_sweep_run(&sw, A->out, &opts, &sum, &err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (tty && sum.ran)
        fputc('\n', stderr);
    asim_sweep_free(&sw);
    if (st != ASIM_OK)
        return fail(&err);
    if (sum.interrupted) {
        /* Stopped on request (Ctrl-C, SIGTERM) is not an error; a worker killed from outside
         * is. */
        char why[200];
        snprintf(why, sizeof why, "%s", stop_signal == SIGINT ? "stopped by Ctrl-C (SIGINT)"
                                        : stop_signal ? "stopped by SIGTERM"
                                                      : "interrupted");
        if (!stop_signal)
            snprintf(why + strlen(why), sizeof why - strlen(why), " (%s)", sum.note);
        fprintf(stderr, "accelsim: %s%s: sweep %s with %llu of %llu points done; run the same "
                        "command again to resume\n",
                stop_signal ? "" : "error: ", A->out, why,
                (unsigned long long)(sum.skipped + sum.ran), (unsigned long long)sum.total);
        return stop_signal ? 130 : 1;
    }
    if (tty)
        fprintf(stderr, "%s: %llu points (%llu run now, %llu error rows), %llu on the Pareto "
                        "front\n",
                A->out, (unsigned long long)sum.total, (unsigned long long)sum.ran,
                (unsigned long long)sum.errors, (unsigned long long)sum.on_front);
    return 0;
}

/* Runs `gnuplot script`; returns 0, or 1 with a message. */
static int run_gnuplot(const char *script)
{
    pid_t pid;
    char *args[] = {"gnuplot", (char *)script, NULL};
    int rc = posix_spawnp(&pid, "gnuplot", NULL, NULL, args, environ);
    if (rc != 0) {
        fprintf(stderr, "accelsim: error: gnuplot: cannot run it (%s); tools/bootstrap.sh "
                        "installs it\n",
                strerror(rc));
        return 1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "accelsim: error: %s: gnuplot failed on this script\n", script);
        return 1;
    }
    return 0;
}

static int plot(const sweep_args_t *A)
{
    asim_sweep_t sw;
    asim_sweep_file_t f;
    asim_error_t err;
    asim_status_t st = asim_sweep_read(A->plot, &sw, &f, &err);
    if (st == ASIM_OK)
        st = asim_sweep_pareto(&sw, f.rows, f.n_rows, &err); /* also for unfinished files */
    char prefix[ASIM_PATH_MAX], script[ASIM_PATH_MAX + 8];
    size_t len = strlen(A->plot);
    if (A->plot_prefix)
        snprintf(prefix, sizeof prefix, "%s", A->plot_prefix);
    else
        snprintf(prefix, sizeof prefix, "%.*s",
                 (int)(len > 4 && !strcmp(A->plot + len - 4, ".csv") ? len - 4 : len), A->plot);
    snprintf(script, sizeof script, "%s.gp", prefix);
    const char *script_path = script;
    asim_outfile_t out;
    if (st == ASIM_OK)
        st = asim_outfile_check_distinct(&script_path, 1, &A->plot, 1, &err);
    if (st == ASIM_OK && (st = asim_outfile_open(&out, script, &err)) == ASIM_OK) {
        asim_sweep_plot_script(out.f, &sw, &f, prefix);
        st = asim_outfile_commit(&out, false, &err);
    }
    asim_sweep_file_free(&f);
    asim_sweep_free(&sw);
    if (st != ASIM_OK)
        return fail(&err);
    int rc = run_gnuplot(script);
    if (rc == 0)
        printf("wrote %s.pareto.svg %s.pareto.png %s.trends.svg %s.trends.png (script %s)\n",
               prefix, prefix, prefix, prefix, script);
    return rc;
}

int asim_cli_sweep(int argc, char **argv)
{
    sweep_args_t A = {0};
    A.models = calloc((size_t)argc, sizeof *A.models);
    A.sets = calloc((size_t)argc, sizeof *A.sets);
    if (!A.models || !A.sets) {
        fprintf(stderr, "accelsim: error: out of memory\n");
        return 1;
    }
    int rc = parse_args(argc - 1, argv + 1, &A);
    if (rc == 0 && A.merge) {
        asim_error_t err;
        rc = asim_sweep_merge(A.merge, (const char *const *)argv + 1 + optind,
                              (size_t)(argc - 1 - optind), &err) == ASIM_OK
                 ? 0
                 : fail(&err);
    } else if (rc == 0 && A.plot)
        rc = plot(&A);
    else if (rc == 0)
        rc = run_sweep(&A);
    free(A.models);
    free(A.sets);
    return rc < 0 ? 0 : rc;
}
