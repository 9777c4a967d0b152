/* textfile.c: whole-file reads and integer parsing shared by every input (see yaml.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/yaml.h"

asim_status_t asim_text_check(const char *name, const char *text, size_t len,
                              asim_error_t *err)
{
    const char *nul = memchr(text, '\0', len);
    if (nul)
        return asim_error_set(err, ASIM_ESYNTAX, name,
                              "binary data (NUL byte at offset %zu); expected a text file",
                              (size_t)(nul - text));
    return ASIM_OK;
}

asim_status_t asim_map_file(const char *path, size_t max, asim_file_t *f, asim_error_t *err)
{
    *f = (asim_file_t){0};
    struct stat st;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        if (fd >= 0)
            close(fd);
        char *data;
        asim_status_t s = asim_read_file(path, max, &data, &f->len, err);
        f->data = data;
        return s;
    }
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return asim_error_set(err, ASIM_ERANGE, path, "file is larger than %zu bytes", max);
    }
    void *at = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int saved = errno;
    close(fd);
    if (at == MAP_FAILED)
        return asim_error_set(err, ASIM_EIO, path, "cannot map: %s", strerror(saved));
    *f = (asim_file_t){.data = at, .len = (size_t)st.st_size, .mapped = true};
    return ASIM_OK;
}

void asim_unmap_file(asim_file_t *f)
{
    if (f->mapped)
        munmap((void *)f->data, f->len);
    else
        free((void *)f->data);
    *f = (asim_file_t){0};
}

asim_status_t asim_read_file(const char *path, size_t max, char **data, size_t *len,
                             asim_error_t *err)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return asim_error_set(err, ASIM_EIO, path, "cannot open: %s", strerror(errno));
    if (S_ISDIR(st.st_mode))
        return asim_error_set(err, ASIM_EIO, path, "is a directory, expected a file");
    if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
        return asim_error_set(err, ASIM_ERANGE, path, "file is larger than %zu bytes", max);
    FILE *f = fopen(path, "rb");
    if (!f)
        return asim_error_set(err, ASIM_EIO, path, "cannot open: %s", strerror(errno));
    /* Regular files are read at their size (then checked for growth); others up to max. */
    size_t cap = S_ISREG(st.st_mode) && (uint64_t)st.st_size <= max ? (size_t)st.st_size : max;
    char *buf = malloc(cap + 2);
    if (!buf) {
        fclose(f);
        return asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
    }
    size_t n = fread(buf, 1, cap + 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return asim_error_set(err, ASIM_EIO, path, "read error");
    }
    if (n > max) {
        free(buf);
        return asim_error_set(err, ASIM_ERANGE, path, "file is larger than %zu bytes", max);
    }
    if (n > cap) {
        free(buf);
        return asim_error_set(err, ASIM_EIO, path, "file changed while being read");
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return ASIM_OK;
}

asim_status_t asim_read_text_file(const char *path, size_t max, char **text, size_t *len,
                                  asim_error_t *err)
{
    asim_status_t st = asim_read_file(path, max, text, len, err);
    if (st != ASIM_OK)
        return st;
    st = asim_text_check(path, *text, *len, err);
    if (st != ASIM_OK)
        free(*text);
    return st;
}

asim_status_t asim_parse_int(const char *text, int64_t min, int64_t max, int64_t *out)
{
    const char *p = text;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p) || strspn(p, "0123456789") != strlen(p))
        return ASIM_ETYPE;
    errno = 0;
    long long v = strtoll(text, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return ASIM_ERANGE;
    *out = v;
    return ASIM_OK;
}

asim_status_t asim_parse_double(const char *text, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v) || isspace((unsigned char)text[0]))
        return ASIM_ETYPE;
    if (errno == ERANGE || v < min || v > max)
        return ASIM_ERANGE;
    *out = v;
    return ASIM_OK;
}

void asim_format_double(double v, char *buf, size_t n)
{
    for (int prec = 15; prec <= 17; prec++) { /* from 15: never 1e+02 for 100 */
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return SIZE_MAX;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *asim_closest_name(const char *word, const char *const *first, size_t n,
                              size_t stride)
{
    const char *best = NULL;
    size_t best_d = 4;
    for (size_t i = 0; i < n; i++) {
        const char *name = *(const char *const *)((const char *)first + i * stride);
        size_t d = edit_distance(word, name);
        if (d < best_d) {
            best_d = d;
            best = name;
        }
    }
    return best;
}
