/*
 * sweep.h: design-space sweeps: a grid of configuration values, run point by point into
 * one CSV row each, with the Pareto front marked (docs/sweeps.md).
 *
 * The grid. Axis 0 is the model list; then one axis per swept key, in the order given.
 * Point index p decodes row-major: the last axis varies fastest, the model slowest
 * (like nested loops written in command-line order). Every value is validated through
 * the configuration schema when the axis is added, so a sweep that starts can only fail
 * per point (error rows), never on its definition. The grid never exceeds
 * ASIM_SWEEP_MAX_POINTS; that is checked arithmetically before any value is allocated.
 *
 * Values. An axis is a comma list of items; an item of an integer or number key may be
 * an inclusive range START:END:+STEP (arithmetic) or START:END:xFACTOR (geometric):
 * START, START+STEP, ... up to and including END when it falls on the sequence. Ranges go
 * up (START <= END), STEP > 0, FACTOR > 1 and START > 0 for geometric ranges; on integer
 * keys STEP and FACTOR are integers. Values are kept as canonical text (integers in
 * decimal, numbers in their shortest round-trip form, booleans as true/false), and a value
 * listed twice on one axis is an error.
 *
 * The file. A sweep CSV is: one definition line ("# accelsim-sweep/1 ..." recording the
 * accelsim version, the config path and a hash of its bytes, the models, each --set as
 * given and the objectives), one header line, then one row per point. Rows are appended as
 * points finish (in any order) and sorted by point index when the sweep completes, so the
 * finished file depends only on the definition. The last column, pareto, is empty until
 * then; it is 1 for rows on the Pareto front of the objectives, else 0.
 *
 * Library contract: nothing here prints or exits, except that asim_sweep_run forks worker
 * processes which end with _exit().
 */
#ifndef ASIM_SWEEP_H
#define ASIM_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asim/config.h"
#include "asim/error.h"

#define ASIM_SWEEP_MAX_POINTS 1000000u
#define ASIM_SWEEP_MAX_AXES (ASIM_CFG_MAX_KEYS + 1)
#define ASIM_SWEEP_FORMAT "accelsim-sweep/1"
/* Largest sweep file read (resume, merge, plot): 1 GiB, about 2000 bytes for each of the
 * most points a sweep has; larger files are refused before anything is read. */
#define ASIM_SWEEP_MAX_FILE_BYTES (1ull << 30)

/* Result columns, in CSV order after status and error. X(id, column name, maximize?) */
#define ASIM_SWEEP_METRICS(X)          \
    X(TOTAL_CYCLES, "total_cycles", 0) \
    X(LATENCY_MS, "latency_ms", 0)     \
    X(ENERGY_MJ, "energy_mj", 0)       \
    X(GOPS, "gops", 1)                 \
    X(GOPS_PER_W, "gops_per_w", 1)     \
    X(LUT, "lut", 0)                   \
    X(FF, "ff", 0)                     \
    X(DSP, "dsp", 0)                   \
    X(BRAM, "bram", 0)

typedef enum {
#define ASIM_SWEEP_METRIC_ENUM(id, name, max) ASIM_SWEEP_##id,
    ASIM_SWEEP_METRICS(ASIM_SWEEP_METRIC_ENUM)
#undef ASIM_SWEEP_METRIC_ENUM
    ASIM_SWEEP_METRIC_COUNT
} asim_sweep_metric_t;

#define ASIM_SWEEP_DEFAULT_OBJECTIVES "latency_ms,energy_mj,lut"

typedef struct {
    char key[64];                   /* schema key, or "model" for axis 0 */
    const asim_cfg_key_t *schema;   /* NULL for the model axis */
    char *spec;                     /* the list as given (after "key=") */
    char **values;                  /* canonical values, in sweep order */
    size_t n;
} asim_sweep_axis_t;

typedef struct {
    char version[32];               /* accelsim version that wrote (or runs) the sweep */
    char config[ASIM_PATH_MAX];     /* configuration path, as given */
    char config_hash[17];           /* FNV-1a 64 of the config file's bytes, hex */
    asim_sweep_axis_t axes[ASIM_SWEEP_MAX_AXES]; /* axes[0]: models */
    size_t n_axes;
    uint64_t n_points;              /* product of the axis sizes */
    asim_sweep_metric_t objectives[ASIM_SWEEP_METRIC_COUNT];
    size_t n_objectives;
} asim_sweep_t;

/* ---- definition (grid.c) ---- */

/* An empty sweep: a model axis with no models, no keys, default objectives. */
void asim_sweep_init(asim_sweep_t *sw);
void asim_sweep_free(asim_sweep_t *sw);
/* Records the configuration path and the hash of its bytes (the file must be readable). */
asim_status_t asim_sweep_set_config(asim_sweep_t *sw, const char *path, asim_error_t *err);
/* Appends models from a comma list. A part of the form key=value (with no ':') continues
 * the previous model's parameters, so "vit_tiny,bert_base:seq_len=64,layers=2" is two
 * models. Empty parts and repeated models are errors. */
asim_status_t asim_sweep_add_models(asim_sweep_t *sw, const char *list, asim_error_t *err);
/* Adds the axis "key=item,item,..." (items are values or ranges, see above). */
asim_status_t asim_sweep_add_axis(asim_sweep_t *sw, const char *assignment, asim_error_t *err);
/* Sets the objectives from a comma list of metric names. */
asim_status_t asim_sweep_set_objectives(asim_sweep_t *sw, const char *list, asim_error_t *err);
/* Checks that the sweep is complete (at least one model) and its config and models load;
 * their errors are errors of the whole sweep. */
asim_status_t asim_sweep_check(const asim_sweep_t *sw, asim_error_t *err);
/* The value index on each axis of point p (idx has n_axes entries). */
void asim_sweep_decode(const asim_sweep_t *sw, uint64_t p, size_t *idx);
/* Metric by column name; false if none. */
bool asim_sweep_metric_parse(const char *name, asim_sweep_metric_t *m);
const char *asim_sweep_metric_name(asim_sweep_metric_t m);
/* True if larger is better (gops, gops_per_w); the front minimizes every other metric. */
bool asim_sweep_metric_maximize(asim_sweep_metric_t m);

/* The definition line (no newline), malloc'd; it names everything that decides the rows. */
char *asim_sweep_definition(const asim_sweep_t *sw);
/* Rebuilds a sweep from a definition line; `where` names it in errors ("file:1"). */
asim_status_t asim_sweep_parse_definition(asim_sweep_t *sw, const char *line,
                                          const char *where, asim_error_t *err);
/* The header line (no newline), malloc'd. */
char *asim_sweep_header(const asim_sweep_t *sw);

/* ---- one point (point.c) ---- */

/* Simulates point p and returns its CSV row with an empty pareto field and a newline,
 * malloc'd (NULL only when out of memory). A point that fails gives an error row. */
char *asim_sweep_run_point(const asim_sweep_t *sw, uint64_t p);
/* The error row of point p with message msg (newline-terminated, malloc'd). */
char *asim_sweep_error_row(const asim_sweep_t *sw, uint64_t p, const char *msg);

/* ---- files (file.c) ---- */

typedef struct {
    uint64_t point;
    char *text;                     /* the row without its pareto field, its comma and newline */
    bool failed;                    /* status is error */
    bool ok;                        /* status ok and every objective present */
    double obj[ASIM_SWEEP_METRIC_COUNT]; /* objective values, in sw->objectives order */
    bool pareto;
} asim_sweep_row_t;

typedef struct {
    char *data;                     /* the whole file */
    size_t len;
    size_t complete;                /* bytes up to and including the last newline */
    asim_sweep_row_t *rows;         /* in file order */
    size_t n_rows;
} asim_sweep_file_t;

/* Parses the rows of a sweep file held in f->data (f->len bytes) against sw: the
 * definition and header lines must be sw's, each row must be a point of sw whose key
 * columns are that point's values, and no point may appear twice. A trailing partial
 * line is ignored (f->complete stops before it). `name` names the file in errors and
 * `against` names where sw came from ("this command", another file). */
asim_status_t asim_sweep_file_parse(const asim_sweep_t *sw, asim_sweep_file_t *f,
                                    const char *name, const char *against, asim_error_t *err);
/* True if the file holds nothing but a prefix of sw's definition and header lines (an
 * empty file, or one whose creation was cut short): it can be started afresh. */
bool asim_sweep_file_is_fresh(const asim_sweep_t *sw, const asim_sweep_file_t *f);
/* Reads fd from offset 0 into f->data; refuses files over ASIM_SWEEP_MAX_FILE_BYTES. */
asim_status_t asim_sweep_file_load(int fd, const char *name, asim_sweep_file_t *f,
                                   asim_error_t *err);
void asim_sweep_file_free(asim_sweep_file_t *f);
/* Reads the sweep file at path: its definition into sw (asim_sweep_init'ed here) and its
 * rows into f. */
asim_status_t asim_sweep_read(const char *path, asim_sweep_t *sw, asim_sweep_file_t *f,
                              asim_error_t *err);
/* Marks rows[i].pareto: the ok rows that no other ok row of the same model dominates on
 * sw's objectives (no worse on all, better on one); a model is the workload, not a design
 * choice, so each model has its own front. Rows equal on every objective are all on the
 * front. Cost: O(n log n + n * front size). */
asim_status_t asim_sweep_pareto(const asim_sweep_t *sw, asim_sweep_row_t *rows, size_t n,
                                asim_error_t *err);
/* Sorts rows by point, marks the front and writes definition, header and rows to path
 * through asim_outfile (fsync'd before the rename), so path is always whole; a symbolic
 * link at path stays and its target is replaced. */
asim_status_t asim_sweep_write_final(const asim_sweep_t *sw, asim_sweep_row_t *rows, size_t n,
                                     const char *path, asim_error_t *err);
/* Joins the files of one sweep (shards) into out: same definition and header in all,
 * no point twice, every point present; the front is recomputed over the union. out must
 * not be one of the inputs. */
asim_status_t asim_sweep_merge(const char *out, const char *const *inputs, size_t n,
                               asim_error_t *err);

/* ---- running (run.c) ---- */

typedef struct {
    int jobs;                       /* worker processes, >= 1 */
    uint64_t shard, shards;         /* run the points with p % shards == shard */
    bool fsync_rows;                /* fsync after every row */
    double point_timeout_s;         /* a point running longer gets an error row; 0 = none */
    /* Called once before any point runs when the file already has rows of this shard
     * (may be NULL): `done` of its `total` points are there. */
    void (*resuming)(void *ctx, uint64_t done, uint64_t total);
    /* Called in the parent after each row is on disk (may be NULL). */
    void (*progress)(void *ctx, uint64_t done, uint64_t todo);
    void *ctx;
    volatile sig_atomic_t *stop;    /* when set (by a signal handler), stop early */
} asim_sweep_opts_t;

typedef struct {
    uint64_t total;                 /* points of this shard */
    uint64_t skipped;               /* already in the file */
    uint64_t ran;                   /* simulated now */
    uint64_t errors;                /* error rows in the finished file */
    uint64_t on_front;              /* rows with pareto = 1 */
    bool interrupted;               /* stopped by opts->stop or a killed worker */
    char note[160];                 /* why it was interrupted */
} asim_sweep_summary_t;

/* Runs the sweep into path: creates it, or resumes it (refusing a file of another
 * definition, or one another sweep holds, or the config or a model file itself), appends one row per finished point with a
 * single write(), and when every point of the shard is there rewrites it sorted with the
 * front marked. Workers are fork()ed, one point at a time each. */
asim_status_t asim_sweep_run(const asim_sweep_t *sw, const char *path,
                             const asim_sweep_opts_t *opts, asim_sweep_summary_t *sum,
                             asim_error_t *err);

/* ---- plots (plot.c) ---- */

/* Writes a gnuplot script that draws, from the rows of a finished sweep, the Pareto front
 * (first two objectives) and each axis's trend per objective, as prefix.pareto.{svg,png}
 * and prefix.trends.{svg,png}. The data is inline, so the script stands alone. */
void asim_sweep_plot_script(FILE *out, const asim_sweep_t *sw, const asim_sweep_file_t *f,
                            const char *prefix);

#endif
