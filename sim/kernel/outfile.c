/* outfile.c: output files that never destroy what they replace (see outfile.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asim/outfile.h"

#define MAX_LINK_HOPS 40

/* The folder part of path ("." if none), malloc'd. */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    return strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* Follows symbolic links from path to the file they end at (which need not exist);
 * malloc'd, NULL with errno set (ELOOP after MAX_LINK_HOPS links). */
static char *final_target(const char *path)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        if (hops == MAX_LINK_HOPS) {
            free(cur);
            errno = ELOOP;
            return NULL;
        }
        char link[PATH_MAX];
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0) {
            free(cur);
            return NULL;
        }
        link[n] = '\0';
        char *next;
        if (link[0] == '/') {
            next = strdup(link);
        } else {
            char *dir = folder_of(cur);
            size_t len = dir ? strlen(dir) + strlen(link) + 2 : 0;
            next = dir ? malloc(len) : NULL;
            if (next)
                snprintf(next, len, "%s/%s", dir, link);
            free(dir);
        }
        free(cur);
        cur = next;
    }
    return NULL;
}

static asim_status_t cannot_write(asim_error_t *err, const char *name, int e)
{
    return asim_error_set(err, e == ENOMEM ? ASIM_ENOMEM : ASIM_EIO, name, "cannot write: %s",
                          strerror(e));
}

/* Opens an existing non-regular file (device, FIFO, socket) for writing in place. */
static asim_status_t open_stream(asim_outfile_t *o, const char *target, asim_error_t *err)
{
    int fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return cannot_write(err, o->name, e);
    }
    return ASIM_OK;
}

static void release(asim_outfile_t *o)
{
    free(o->target);
    free(o->tmp);
    o->target = o->tmp = NULL;
    o->f = NULL;
}

/* Creates the temporary file next to o->target, with the permissions the target has (or
 * a new file would get). On failure frees what o holds. */
static asim_status_t open_temporary(asim_outfile_t *o, const struct stat *old,
                                    asim_error_t *err)
{
    char *dir = folder_of(o->target);
    const char *base = strrchr(o->target, '/') ? strrchr(o->target, '/') + 1 : o->target;
    size_t len = dir ? strlen(dir) + strlen(base) + 16 : 0;
    if (!dir || !(o->tmp = malloc(len))) {
        free(dir);
        release(o);
        return cannot_write(err, o->name, ENOMEM);
    }
    snprintf(o->tmp, len, "%s/.%s.XXXXXX", dir, base);
    free(dir);
    int fd = mkstemp(o->tmp);
    mode_t mode;
    if (old) {
        mode = old->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fchmod(fd, mode) == 0 &&
        (o->f = fdopen(fd, "w")))
        return ASIM_OK;
    int e = errno;
    if (fd >= 0) {
        close(fd);
        unlink(o->tmp);
    }
    release(o);
    return cannot_write(err, o->name, e);
}

asim_status_t asim_outfile_open(asim_outfile_t *o, const char *path, asim_error_t *err)
{
    *o = (asim_outfile_t){.name = path};
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        o->is_stdout = true;
        return ASIM_OK;
    }
    char *target = final_target(path);
    if (!target)
        return cannot_write(err, path, errno);
    struct stat st;
    bool exists = stat(target, &st) == 0;
    asim_status_t status;
    if (!exists && errno != ENOENT)
        status = cannot_write(err, path, errno);
    else if (exists && S_ISDIR(st.st_mode))
        status = asim_error_set(err, ASIM_EIO, path, "cannot write: is a directory");
    else if (exists && !S_ISREG(st.st_mode))
        status = open_stream(o, target, err);
    else {
        o->target = target;
        return open_temporary(o, exists ? &st : NULL, err);
    }
    free(target);
    return status;
}

asim_status_t asim_outfile_commit(asim_outfile_t *o, bool durable, asim_error_t *err)
{
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f))
        e = errno ? errno : EIO;
    if (o->is_stdout) {
        release(o);
        return e ? cannot_write(err, "standard output", e) : ASIM_OK;
    }
    if (!e && durable && o->tmp && fsync(fileno(o->f)) != 0)
        e = errno;
    if (fclose(o->f) != 0 && !e)
        e = errno;
    if (!e && o->tmp && rename(o->tmp, o->target) != 0)
        e = errno;
    if (e && o->tmp)
        unlink(o->tmp);
    release(o);
    return e ? cannot_write(err, o->name, e) : ASIM_OK;
}

void asim_outfile_abort(asim_outfile_t *o)
{
    if (o->f && !o->is_stdout)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp);
    release(o);
}

/* The canonical name of the file path ends at, links followed, whether or not it exists:
 * its real folder and its own name; malloc'd, NULL if the folder does not resolve. */
static char *canonical_name(const char *path)
{
    char *target = final_target(path), *dir = target ? folder_of(target) : NULL;
    char *real = dir ? realpath(dir, NULL) : NULL, *name = NULL;
    if (real) {
        const char *slash = strrchr(target, '/');
        const char *base = slash ? slash + 1 : target;
        size_t len = strlen(real) + strlen(base) + 2;
        if ((name = malloc(len)))
            snprintf(name, len, "%s/%s", real, base);
    }
    free(real);
    free(dir);
    free(target);
    return name;
}

/* True if outputs a and b would write the same file (streams never count). */
static bool same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    bool ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea || eb)
        return false;
    char *ca = canonical_name(a), *cb = canonical_name(b);
    bool same = ca && cb && strcmp(ca, cb) == 0;
    free(ca);
    free(cb);
    return same;
}

asim_status_t asim_outfile_check_distinct(const char *const *outputs, size_t n_outputs,
                                          const char *const *inputs, size_t n_inputs,
                                          asim_error_t *err)
{
    const char *first_stdout = NULL;
    for (size_t i = 0; i < n_outputs; i++) {
        const char *out = outputs[i];
        if (!out)
            continue;
        if (strcmp(out, "-") == 0) {
            if (first_stdout)
                return asim_error_set(err, ASIM_EARG, "-",
                                      "standard output is given to two outputs");
            first_stdout = out;
            continue;
        }
        struct stat so;
        if (stat(out, &so) == 0) {
            if (!S_ISREG(so.st_mode))
                continue; /* a stream: written in place, never replaced */
            for (size_t j = 0; j < n_inputs; j++) {
                struct stat si;
                if (inputs[j] && stat(inputs[j], &si) == 0 && si.st_dev == so.st_dev &&
                    si.st_ino == so.st_ino)
                    return asim_error_set(err, ASIM_EARG, out,
                                          "is the same file as the input %s; an output never "
                                          "overwrites an input",
                                          inputs[j]);
            }
        }
        for (size_t k = 0; k < i; k++)
            if (outputs[k] && strcmp(outputs[k], "-") != 0 && same_output(outputs[k], out))
                return asim_error_set(err, ASIM_EARG, out,
                                      "is also given as another output (%s)", outputs[k]);
    }
    return ASIM_OK;
}
