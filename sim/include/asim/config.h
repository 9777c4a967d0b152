/*
 * config.h: the accelerator configuration, as plain validated C structs.
 *
 * One schema lists every key with its type, bounds, default, unit and description: the
 * accelerator-wide rows of sim/config/config.c followed by each block's own rows (its
 * descriptor, sim/block/block.h), in registry order. It alone drives YAML parsing,
 * validation, `--set key=value` overrides and the generated documentation (`accelsim config
 * --help`, docs/config.md). A loaded config has every key set (from the file, an override or
 * the default) and in bounds.
 *
 * Block parameters (array.*, qmm.*, the QUARK unit's nonlinear.*, dram.*) live in each block's
 * own struct inside `blocks`; read them by key with asim_config_get(), or, inside the
 * simulator, through the block's descriptor.
 */
#ifndef ASIM_CONFIG_H
#define ASIM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asim/error.h"

#define ASIM_PATH_MAX 512
#define ASIM_CFG_MAX_KEYS 64
#define ASIM_CFG_BLOCK_BYTES 512 /* every block's params together */

/* Where a key's value came from: the file (with its place), a --set, or the default. */
typedef struct {
    enum { ASIM_ORIGIN_DEFAULT, ASIM_ORIGIN_FILE, ASIM_ORIGIN_SET } source;
    int line, col;
} asim_cfg_origin_t;

typedef struct {
    char name[64];
    double clock_mhz;             /* MHz */
    char device[32];              /* a device of the technology table, e.g. "zcu102" */
    char tech[ASIM_PATH_MAX];     /* technology table, relative to the config's folder */
    int schedule;                 /* asim_schedule_t: serial or pipelined (docs/program.md) */
    int64_t stream_rows;          /* pipelined: rows of the largest row block a tile covers */
    struct {
        int unit;                 /* asim_nl_unit_t: which nonlinear block serves vector ops */
        int64_t lanes;            /* elements per cycle */
    } nonlinear;
    struct {
        int64_t act_kib, weight_kib;  /* capacities, KiB */
        int64_t banks, port_bits;     /* per buffer; bits per port per cycle */
        bool double_buffer;
        int weights;                  /* asim_weights_t */
        int memory;                   /* asim_memory_t */
    } buffers;
    struct {
        bool enforce;             /* does-not-fit is an error */
    } resources;
    struct {
        int64_t max_events;       /* work bound of one run, kernel events; 0 = none */
    } limits;
    uint64_t blocks[ASIM_CFG_BLOCK_BYTES / 8]; /* each block's params struct, 8-byte aligned */
    char path[ASIM_PATH_MAX];     /* file it was loaded from ("" if built in code) */
    asim_cfg_origin_t origin[ASIM_CFG_MAX_KEYS]; /* per schema entry */
} asim_config_t;

typedef enum { ASIM_NL_NONE, ASIM_NL_PLACEHOLDER, ASIM_NL_UNIT_QUARK } asim_nl_unit_t;
typedef enum { ASIM_WEIGHTS_STREAM, ASIM_WEIGHTS_PINNED } asim_weights_t;
typedef enum { ASIM_MEMORY_BRAM, ASIM_MEMORY_URAM } asim_memory_t;

typedef enum {
    ASIM_CFG_INT, ASIM_CFG_FLOAT, ASIM_CFG_BOOL, ASIM_CFG_ENUM, ASIM_CFG_STRING
} asim_cfg_type_t;

typedef struct {
    const char *key;              /* dotted, e.g. "array.rows" */
    asim_cfg_type_t type;
    size_t offset, size;          /* field in asim_config_t */
    double min, max;              /* bounds (INT, FLOAT); INT bounds are exact */
    const char *const *choices;   /* ENUM values, NULL-terminated; index is stored */
    const char *def;              /* default as text; NULL = required */
    const char *unit;
    const char *desc;
} asim_cfg_key_t;

/* The schema: n entries in a static table. */
const asim_cfg_key_t *asim_config_schema(size_t *n);

/* Sets every key to its default (required keys left empty) and no path. */
void asim_config_defaults(asim_config_t *cfg);
/* Loads and validates a YAML file, then applies `n_sets` "key=value" overrides. */
asim_status_t asim_config_load(const char *path, const char *const *sets, size_t n_sets,
                               asim_config_t *cfg, asim_error_t *err);
/* Same, from len bytes of YAML text; `name` names the input (and its folder resolves `tech`). */
asim_status_t asim_config_parse(const char *name, const char *text, size_t len,
                                const char *const *sets, size_t n_sets, asim_config_t *cfg,
                                asim_error_t *err);
/* Applies one "key=value" override (as typed after --set). */
asim_status_t asim_config_set(asim_config_t *cfg, const char *assignment, asim_error_t *err);
/* "file:line:col", "--set key" or "default key" for a schema key, to name it in errors. */
void asim_config_where(const asim_config_t *cfg, const char *key, char *buf, size_t n);
/* The folder of cfg->path (or "."), used to resolve relative paths such as `tech`. */
void asim_config_dir(const asim_config_t *cfg, char *dir, size_t n);
/* The value of a numeric, boolean or enum key (enum: its index) in *v; false if no such key. */
bool asim_config_get(const asim_config_t *cfg, const char *key, double *v);
/* Writes the schema as a Markdown table (docs/config.md) or as plain text. */
void asim_config_write_docs(FILE *out, bool markdown);
/* Writes the effective configuration as YAML. */
void asim_config_write_yaml(FILE *out, const asim_config_t *cfg);

#endif
