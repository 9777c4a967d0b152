/*
 * yaml.h: the C view of a YAML document, produced by the yaml-cpp shim (yaml_shim.cpp).
 *
 * The shim reads the whole file, parses it with yaml-cpp's event parser and builds, event
 * by event, a tree of plain C nodes that carry 1-based line and column numbers, so callers
 * can name the place of every problem. Nothing of yaml-cpp is visible here; no exception
 * crosses this API. Limits, each an error naming the place: files over ASIM_YAML_MAX_BYTES
 * and flow collections ([...], {...}) of more than ASIM_YAML_MAX_FLOW_ITEMS items (a
 * pre-scan, before yaml-cpp sees the text: its scanner holds a whole flow collection in
 * memory); then, while parsing, nesting deeper than ASIM_YAML_MAX_DEPTH and more than
 * ASIM_YAML_MAX_NODES nodes, aliases expanded (alias bombs). Also refused: NUL bytes in
 * the file (binary) or in a scalar ("\0" escapes), keys that are not scalars, and a second
 * document.
 */
#ifndef ASIM_CONFIG_YAML_H
#define ASIM_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ASIM_YAML_MAX_BYTES (16u << 20)
#define ASIM_YAML_MAX_DEPTH 64
#define ASIM_YAML_MAX_NODES 1000000
#define ASIM_YAML_MAX_FLOW_ITEMS 200000

typedef enum { ASIM_YAML_NULL, ASIM_YAML_SCALAR, ASIM_YAML_SEQ, ASIM_YAML_MAP } asim_yaml_kind_t;

typedef struct asim_yaml_node {
    asim_yaml_kind_t kind;
    int line, col;                  /* where the value starts, 1-based */
    char *key;                      /* key text when this node is a map value, else NULL */
    int key_line, key_col;          /* where that key starts */
    char *text;                     /* scalar text (ASIM_YAML_SCALAR), else NULL */
    size_t len;                     /* children (SEQ items, MAP values) */
    struct asim_yaml_node *items;
} asim_yaml_node_t;

/* Parses the file at path; *root gets a tree to free with asim_yaml_free. */
asim_status_t asim_yaml_load(const char *path, asim_yaml_node_t **root, asim_error_t *err);
/* Parses len bytes of text (refusing NUL bytes); `name` names the input in messages. */
asim_status_t asim_yaml_parse(const char *name, const char *text, size_t len,
                              asim_yaml_node_t **root, asim_error_t *err);
void asim_yaml_free(asim_yaml_node_t *root);
/* The value of `key` in a map node, or NULL. */
const asim_yaml_node_t *asim_yaml_get(const asim_yaml_node_t *map, const char *key);
/* "a mapping", "a list", "a scalar", "nothing". */
const char *asim_yaml_kind_name(asim_yaml_kind_t kind);

/* Parses a whole decimal integer ([+-]digits); ASIM_ETYPE if it is not one, ASIM_ERANGE if
 * outside [min, max]. The one integer parser of every input. */
asim_status_t asim_parse_int(const char *text, int64_t min, int64_t max, int64_t *out);

/* Parses a whole finite decimal number; ASIM_ETYPE if it is not one, ASIM_ERANGE if outside
 * [min, max]. The one number parser of every input. */
asim_status_t asim_parse_double(const char *text, double min, double max, double *out);

/* Writes v in the shortest "%.Ng" form, N >= 15, that reads back as exactly v (round trip: a printed
 * configuration or sweep value, read again, gives the same number). */
void asim_format_double(double v, char *buf, size_t n);

/* The name closest to word within 3 edits, or NULL (for "did you mean" hints). The n names
 * are the `const char *` at first, first + stride, ... (a field of an array of structs;
 * stride = sizeof one struct). */
const char *asim_closest_name(const char *word, const char *const *first, size_t n,
                              size_t stride);

/* Refuses text with NUL bytes (binary data), naming the offset. */
asim_status_t asim_text_check(const char *name, const char *text, size_t len, asim_error_t *err);

/* Reads a whole file (at most max bytes) into a buffer the caller frees, with a NUL after
 * its len bytes. Refuses unreadable paths, directories and oversize files; a regular file's
 * size is checked before anything is allocated. */
asim_status_t asim_read_file(const char *path, size_t max, char **data, size_t *len,
                             asim_error_t *err);

/* A whole file in memory, read-only: a regular file is mapped (nothing is copied and only the
 * pages the caller touches are read), anything else (a pipe) read as asim_read_file does,
 * with the same checks; its size is checked before anything is mapped or allocated. The
 * file must not shrink while mapped (its pages would fault). asim_unmap_file releases it. */
typedef struct {
    const char *data;
    size_t len;
    bool mapped;              /* by mmap, else a buffer from asim_read_file */
} asim_file_t;
asim_status_t asim_map_file(const char *path, size_t max, asim_file_t *f, asim_error_t *err);
void asim_unmap_file(asim_file_t *f);

/* asim_read_file, refusing binary (NUL-containing) files too. */
asim_status_t asim_read_text_file(const char *path, size_t max, char **text, size_t *len,
                                  asim_error_t *err);

#ifdef __cplusplus
}
#endif

#endif
