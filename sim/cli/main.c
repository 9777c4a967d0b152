/*
 * main.c: the accelsim program. The only code that talks to the terminal.
 * Exit status: 0 success, 2 bad input (config, model, command line, paths), 1 other errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/outfile.h"
#include "asim/sim.h"
#include "config/yaml.h"
#include "report/report.h"
#include "report/trace.h"
#include "cli/sweep.h"
#include "functional/functional.h"

#define MAX_SETS 256

static const char usage[] =
    "usage: accelsim --config FILE --model NAME|FILE [--set key=value]...\n"
    "                [--format text|json|csv] [--out FILE] [--trace FILE] [--vcd FILE]\n"
    "       accelsim compile --config FILE --model SPEC [--set key=value]... --out PROG\n"
    "                                                  write the accelerator program\n"
    "       accelsim dump PROG                         list a program's queues and tokens\n"
    "       accelsim functional --config FILE --model SPEC [--set key=value]...\n"
    "                [--seed N] [--out FILE]           run the program on seeded values and\n"
    "                                                  check them against the plain integer\n"
    "                                                  reference (docs/functional.md)\n"
    "       accelsim check FILE [--set key=value]...   validate a configuration\n"
    "       accelsim list models                       built-in models and parameters\n"
    "       accelsim config --help                     every configuration key\n"
    "       accelsim config --markdown                 the same, as docs/config.md\n"
    "       accelsim sweep --help                      design-space sweeps (docs/sweeps.md)\n"
    "       accelsim --help | --version\n"
    "\n"
    "  --config FILE     accelerator configuration (YAML), e.g. configs/systolic_32x32.yaml\n"
    "  --model SPEC      built-in name (vit_tiny, bert_base:seq_len=512, ...), a model file\n"
    "                    (models/*.yaml), a SCALE-Sim GEMM or conv topology (.csv), a\n"
    "                    Hugging Face config.json[:phase=decode,context=2048,...] or an\n"
    "                    ONNX/QONNX model with its symbolic sizes (bert.onnx:seq=128,batch=1)\n"
    "  --set key=value   override a configuration key; repeatable\n"
    "  --format FMT      report format: text (default), json, csv\n"
    "  --out FILE        write the report to FILE (replaced atomically; - is stdout)\n"
    "  --trace FILE      write the timeline as a Chrome trace (open it in ui.perfetto.dev)\n"
    "  --vcd FILE        write each unit's activity as a VCD (GTKWave)\n"
    "  --program PROG    run a program written by `accelsim compile` (for this configuration\n"
    "                    and model) instead of compiling one\n"
    "\n"
    "Exit status: 0 ok, 2 bad input, 1 other failure.\n";

typedef struct {
    const char *config, *model, *out, *trace, *vcd, *program, *seed;
    const char *sets[MAX_SETS];
    size_t n_sets;
    asim_format_t format;
} options_t;

static int fail(const asim_error_t *err)
{
    fprintf(stderr, "accelsim: error: %s\n", err->msg);
    return err->code == ASIM_ENOMEM ? 1 : 2;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "accelsim: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see accelsim --help)\n");
    return 2;
}

/* Matches "--name value" and "--name=value"; advances *i past what it used. */
static int take_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return 0;
    if (argv[*i][n] == '=') {
        *value = argv[*i] + n + 1;
        return 1;
    }
    if (argv[*i][n] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

/* Parses options from argv[first]; returns 0 or an exit status. */
static int parse_options(int argc, char **argv, int first, options_t *o)
{
    static const char *const names[] = {"--config", "--model", "--set",   "--format",
                                        "--out",    "--trace", "--vcd",   "--program",
                                        "--seed"};
    for (int i = first; i < argc; i++) {
        const char *v = NULL;
        int which = -1, r = 0;
        for (int k = 0; k < 9 && which < 0; k++)
            if ((r = take_value(argc, argv, &i, names[k], &v)) != 0)
                which = k;
        if (r < 0)
            return usage_error("option %s needs a value", argv[i]);
        switch (which) {
        case 0: o->config = v; break;
        case 1: o->model = v; break;
        case 2:
            if (o->n_sets == MAX_SETS)
                return usage_error("more than %s --set options", "256");
            o->sets[o->n_sets++] = v;
            break;
        case 3:
            if (!asim_format_parse(v, &o->format))
                return usage_error("unknown format '%s' (text, json, csv)", v);
            break;
        case 4: o->out = v; break;
        case 5: o->trace = v; break;
        case 6: o->vcd = v; break;
        case 7: o->program = v; break;
        case 8: o->seed = v; break;
        default:
            return usage_error(argv[i][0] == '-' ? "unknown option '%s'"
                                                 : "unexpected argument '%s'", argv[i]);
        }
    }
    return 0;
}

typedef enum { OUT_REPORT, OUT_TRACE, OUT_VCD } output_t;

static asim_status_t write_output(FILE *f, const asim_report_t *rep, asim_format_t fmt,
                                  output_t what, asim_error_t *err)
{
    if (what == OUT_TRACE)
        return asim_trace_write_chrome(f, rep, err);
    if (what == OUT_VCD)
        return asim_trace_write_vcd(f, rep, err);
    asim_report_write(f, rep, fmt);
    return ASIM_OK;
}

/* Writes one output through asim_outfile (asim/outfile.h): never a partial or clobbered file. */
static int write_file(const char *path, const asim_report_t *rep, asim_format_t fmt,
                      output_t what)
{
    asim_outfile_t out;
    asim_error_t err;
    if (asim_outfile_open(&out, path, &err) != ASIM_OK)
        return fail(&err);
    if (write_output(out.f, rep, fmt, what, &err) != ASIM_OK) {
        asim_outfile_abort(&out);
        return fail(&err);
    }
    return asim_outfile_commit(&out, false, &err) == ASIM_OK ? 0 : fail(&err);
}

/* Refuses, before the run, an output that is an input (config, model, technology table,
 * program) or another output. */
static int check_outputs(const options_t *o, const asim_config_t *cfg)
{
    char dir[ASIM_PATH_MAX], tech[2 * ASIM_PATH_MAX + 2];
    asim_config_dir(cfg, dir, sizeof dir);
    snprintf(tech, sizeof tech, "%s%s%s", cfg->tech[0] == '/' ? "" : dir,
             cfg->tech[0] == '/' ? "" : "/", cfg->tech);
    const char *outputs[] = {o->out ? o->out : "-", o->trace, o->vcd};
    const char *inputs[] = {o->config, o->model, tech, o->program};
    asim_error_t err;
    if (asim_outfile_check_distinct(outputs, 3, inputs, 4, &err) != ASIM_OK)
        return fail(&err);
    return 0;
}

/* Loads the configuration and model, checks the outputs against the inputs and creates the
 * simulator; on failure frees what it made and returns the exit status (0 on success). */
static int setup(const options_t *o, asim_config_t *cfg, asim_graph_t *g, asim_sim_t **sim)
{
    asim_error_t err;
    if (asim_config_load(o->config, o->sets, o->n_sets, cfg, &err) != ASIM_OK)
        return fail(&err);
    int status = check_outputs(o, cfg);
    if (status)
        return status;
    if (asim_model_load(o->model, g, &err) != ASIM_OK)
        return fail(&err);
    if (asim_sim_create(cfg, sim, &err) != ASIM_OK) {
        asim_graph_free(g);
        return fail(&err);
    }
    if (getenv("ASIM_NO_FAST_FORWARD")) /* plans and runs every repeated block */
        asim_sim_set_fast_forward(*sim, false);
    return 0;
}

/* `accelsim compile`: the program for the configuration and model, to --out. */
static int compile_program(const options_t *o)
{
    if (!o->config || !o->model || !o->out)
        return usage_error("%s", "compile needs --config FILE, --model SPEC and --out PROG");
    if (o->trace || o->vcd || o->program)
        return usage_error("%s", "compile takes --config, --model, --set and --out only");
    asim_error_t err;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    int status = setup(o, &cfg, &g, &sim);
    if (status)
        return status;
    if (asim_sim_compile(sim, &g, o->out, &err) != ASIM_OK)
        status = fail(&err);
    asim_sim_free(sim);
    asim_graph_free(&g);
    return status;
}

/* `accelsim functional`: the program's values against the plain reference; --out FILE gets
 * the model's output codes. Exit 1 when they differ. */
static int functional(const options_t *o)
{
    if (!o->config || !o->model)
        return usage_error("%s", "functional needs --config FILE and --model SPEC");
    if (o->trace || o->vcd || o->program)
        return usage_error("%s", "functional takes --config, --model, --set, --seed and --out "
                                 "only");
    char *end = NULL;
    errno = 0;
    unsigned long long seed = o->seed ? strtoull(o->seed, &end, 0) : 1;
    if (o->seed && (errno || !*o->seed || *end || o->seed[0] == '-'))
        return usage_error("--seed '%s' is not a number from 0 to 2^64 - 1", o->seed);
    asim_error_t err;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    int status = setup(o, &cfg, &g, &sim);
    if (status)
        return status;
    const asim_program_t *p = NULL;
    asim_fn_images_t im;
    asim_fn_compare_t c[2];
    static const char *const orders[] = {"token order", "timed order"};
    if (asim_fn_check(sim, &g, seed, &p, &im, c, &err) != ASIM_OK) {
        status = fail(&err);
    } else {
        if (o->out) {
            asim_outfile_t f;
            if (asim_outfile_open(&f, o->out, &err) != ASIM_OK)
                status = fail(&err);
            else {
                asim_fn_write_outputs(f.f, p, &g, &im);
                status = asim_outfile_commit(&f, false, &err) == ASIM_OK ? 0 : fail(&err);
            }
        }
        for (int k = 0; k < 2; k++) {
            if (c[k].match)
                printf("functional: %s on %s, seed %llu, %s: %llu on-chip and %llu DRAM output "
                       "codes of %zu ops match the plain integer reference bit for bit\n",
                       g.name, cfg.path, seed, orders[k], (unsigned long long)c[k].chip_values,
                       (unsigned long long)c[k].dram_values, g.len);
            else
                fprintf(stderr, "accelsim: error: functional: %s on %s, seed %llu, %s: the "
                                "program's values differ from the plain integer reference: "
                                "%s\n", g.name, cfg.path, seed, orders[k], c[k].first);
        }
        status = status ? status : c[0].match && c[1].match ? 0 : 1;
    }
    asim_fn_images_free(&im);
    asim_sim_free(sim);
    asim_graph_free(&g);
    return status;
}

static int run(const options_t *o)
{
    if (!o->config)
        return usage_error("%s", "--config FILE is required");
    if (!o->model)
        return usage_error("%s", "--model NAME|FILE is required");
    asim_error_t err;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    asim_report_t rep;
    int status = setup(o, &cfg, &g, &sim);
    if (status)
        return status;
    if (o->trace || o->vcd)
        asim_sim_record_timeline(sim);
    asim_status_t run_st = o->program ? asim_sim_run_program(sim, &g, o->program, &rep, &err)
                                      : asim_sim_run(sim, &g, &rep, &err);
    if (run_st != ASIM_OK) {
        status = fail(&err);
    } else {
        status = write_file(o->out ? o->out : "-", &rep, o->format, OUT_REPORT);
        if (o->trace && status == 0)
            status = write_file(o->trace, &rep, o->format, OUT_TRACE);
        if (o->vcd && status == 0)
            status = write_file(o->vcd, &rep, o->format, OUT_VCD);
        if (rep.n_unsupported)
            fprintf(stderr, "accelsim: warning: %zu of %zu ops have no unit in %s; the "
                            "totals leave them out\n",
                    rep.n_unsupported, rep.n_layers, cfg.path);
        char warning[256];
        for (size_t i = 0; i < rep.n_units; i++)
            if (asim_report_fmax_warning(&rep, i, warning, sizeof warning))
                fprintf(stderr, "accelsim: warning: %s\n", warning);
        asim_report_free(&rep);
    }
    asim_sim_free(sim);
    asim_graph_free(&g);
    return status;
}

static int check(int argc, char **argv)
{
    if (argc < 3)
        return usage_error("%s", "check needs a configuration file");
    options_t o = {0};
    int st = parse_options(argc, argv, 3, &o);
    if (st)
        return st;
    if (o.config || o.model || o.out)
        return usage_error("%s", "check takes a file and --set options only");
    asim_error_t err;
    asim_config_t cfg;
    asim_sim_t *sim;
    if (asim_config_load(argv[2], o.sets, o.n_sets, &cfg, &err) != ASIM_OK ||
        asim_sim_create(&cfg, &sim, &err) != ASIM_OK)
        return fail(&err);
    asim_sim_free(sim);
    printf("%s: ok\n", argv[2]);
    asim_config_write_yaml(stdout, &cfg);
    return 0;
}

/* Exit status after flushing standard output: a write error there (a full disk, a closed
 * pipe) is an error of the command. */
static int finish_stdout(int status)
{
    bool failed = fflush(stdout) != 0 || ferror(stdout);
    failed = fclose(stdout) != 0 || failed;
    if (failed && status == 0) {
        fprintf(stderr, "accelsim: error: standard output: cannot write: %s\n",
                strerror(errno ? errno : EIO));
        return 1;
    }
    return status;
}

static const char *const commands[] = {"sweep",   "check", "list",      "config",
                                       "compile", "dump",  "functional"};

/* "WHAT 'word' (did you mean 'x'?)" for a word that is none of the n names. */
static int unknown_word(const char *what, const char *word, const char *const *names, size_t n)
{
    const char *best = asim_closest_name(word, names, n, sizeof *names);
    fprintf(stderr, "accelsim: error: %s '%s'", what, word);
    if (best)
        fprintf(stderr, " (did you mean '%s'?)", best);
    fprintf(stderr, " (see accelsim --help)\n");
    return 2;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return usage_error("%s", "no command given");
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("accelsim %s\n", ASIM_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "sweep")) return asim_cli_sweep(argc, argv);
    if (!strcmp(cmd, "check"))
        return check(argc, argv);
    if (!strcmp(cmd, "list")) {
        static const char *const lists[] = {"models"};
        if (argc != 3 || strcmp(argv[2], "models") != 0)
            return argc == 3 ? unknown_word("list: unknown list", argv[2], lists, 1)
                             : usage_error("%s", "usage: accelsim list models");
        asim_model_list(stdout);
        return 0;
    }
    if (!strcmp(cmd, "config")) {
        if (argc != 3 || (strcmp(argv[2], "--help") && strcmp(argv[2], "--markdown")))
            return usage_error("%s", "usage: accelsim config --help | --markdown");
        asim_config_write_docs(stdout, !strcmp(argv[2], "--markdown"));
        return 0;
    }
    if (!strcmp(cmd, "dump")) {
        if (argc != 3)
            return usage_error("%s", "usage: accelsim dump PROG");
        asim_error_t err;
        return asim_program_dump_file(argv[2], stdout, &err) == ASIM_OK ? 0 : fail(&err);
    }
    bool compile = !strcmp(cmd, "compile"), fn = !strcmp(cmd, "functional");
    if (cmd[0] != '-' && !compile && !fn)
        return unknown_word("unknown command", cmd, commands, sizeof commands / sizeof *commands);
    options_t o = {0};
    int st = parse_options(argc, argv, compile || fn ? 2 : 1, &o);
    if (st)
        return st;
    if (o.seed && !fn)
        return usage_error("%s", "--seed is for accelsim functional only");
    return compile ? compile_program(&o) : fn ? functional(&o) : run(&o);
}

int main(int argc, char **argv)
{
    return finish_stdout(dispatch(argc, argv));
}
