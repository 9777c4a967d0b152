/*
 * outfile.h: the one way output files are written (reports, traces, VCDs, sweep files).
 *
 * Promises:
 *   - A regular file (or a path that does not exist yet) is written to a temporary file
 *     created with mkstemp (O_EXCL, mode 0600) in the target's own folder and renamed over
 *     the target only by asim_outfile_commit, so the target is always whole: the old file
 *     or the complete new one. Concurrent writers each have their own temporary file; the
 *     last rename wins and leaves one complete file. The new file gets the old file's
 *     permission bits, or 0666 minus the umask.
 *   - A symbolic link is followed to its final target (also when that does not exist yet);
 *     the target is replaced and the link stays.
 *   - Anything else that exists (a device such as /dev/null, a FIFO, a socket) and "-"
 *     (standard output) is written in place as a stream and never replaced.
 *   - A folder, or a path whose folder does not exist, is refused by asim_outfile_open.
 * asim_outfile_same checks, before anything runs, that no output is the same file as an
 * input or another output.
 */
#ifndef ASIM_OUTFILE_H
#define ASIM_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "asim/error.h"

typedef struct {
    FILE *f;                        /* write the contents here */
    const char *name;               /* the path as given, for messages */
    char *target;                   /* the file that gets replaced (links followed), malloc'd;
                                       NULL for a stream */
    char *tmp;                      /* the temporary file, malloc'd; NULL for a stream */
    bool is_stdout;
} asim_outfile_t;

/* Opens path ("-" is standard output) for writing as promised above. */
asim_status_t asim_outfile_open(asim_outfile_t *o, const char *path, asim_error_t *err);
/* Finishes the file: flushes (and with durable, fsyncs) it, checks every write, closes it
 * and renames the temporary file over the target. On failure the target is untouched and
 * the temporary file removed. Standard output is flushed, not closed. */
asim_status_t asim_outfile_commit(asim_outfile_t *o, bool durable, asim_error_t *err);
/* Gives up: closes and removes the temporary file, leaving the target untouched. */
void asim_outfile_abort(asim_outfile_t *o);

/* Refuses an output that is the same file as an input, or as another output: outputs[i]
 * (as given to asim_outfile_open) against every inputs[j] that exists and every other
 * regular or not-yet-existing output. "-" and streams are never the same as a file; "-"
 * twice is refused (two reports on one standard output). NULL entries are skipped. */
asim_status_t asim_outfile_check_distinct(const char *const *outputs, size_t n_outputs,
                                          const char *const *inputs, size_t n_inputs,
                                          asim_error_t *err);

#endif
