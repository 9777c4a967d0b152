/* testutil.h: helpers shared by the unit tests (temporary files, project paths). */
#ifndef ASIM_TESTUTIL_H
#define ASIM_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Writes text to a new file with the given suffix in a fresh temporary folder; returns its
 * path (valid for the next 7 calls). */
static inline const char *tmp_file(const char *suffix, const char *text)
{
    static char dir[64], path[8][96];
    static int next;
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/asim_test_XXXXXX");
        if (!mkdtemp(dir))
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

#endif
