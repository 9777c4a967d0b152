/*
 * run.c: running a sweep into its file (see sweep.h).
 *
 * The parent process alone writes the file, which it holds under an fcntl write lock for
 * the whole run. It hands points to fork()ed workers, one at a time, over a socket pair
 * per worker (a two-way pipe: the point index down, the finished CSV row up), and appends
 * each row with one write() as it arrives. Because every row is complete before it is
 * written and only rows on disk count as done, killing the parent or any worker at any
 * moment loses at most the points in flight (and perhaps leaves one partial last line,
 * which the next run truncates); no point can be written twice.
 *
 * Workers end when their socket reaches end of file: when the parent has no more points
 * for them, stops, or dies. A worker that dies of a crash signal (SEGV, ABRT, BUS, FPE,
 * ILL) or exits with an error gives its point an error row, and a new worker takes its
 * place; one killed by any other signal stops the sweep as interrupted. A worker whose point
 * runs longer than opts->point_timeout_s is killed by the parent and its point gets an
 * error row saying so (the parent's poll wakes up at the earliest deadline).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "asim/outfile.h"
#include "sweep/sweep.h"

typedef struct {
    pid_t pid;                    /* 0 once reaped */
    int fd;                       /* parent's end of the socket pair, -1 once closed */
    bool busy;                    /* a point was sent and its row has not come back */
    bool timed_out;               /* killed for running past opts->point_timeout_s */
    uint64_t point;
    double sent_at;               /* monotonic seconds when the point was sent */
} worker_t;

typedef struct {
    const asim_sweep_t *sw;
    const asim_sweep_opts_t *opts;
    int out_fd;
    const char *path;
    worker_t *w;
    size_t n_w;
    const uint64_t *todo;
    size_t n_todo, next;
    uint64_t done;
    bool stopping;
    asim_sweep_summary_t *sum;
    asim_error_t *err;
} pool_t;

/* Reads exactly n bytes; returns n, 0 at end of file before any byte, -1 otherwise. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return got == 0 && r == 0 ? 0 : -1;
        got += (size_t)r;
    }
    return (ssize_t)n;
}

static bool write_full(int fd, const void *buf, size_t n)
{
    while (n > 0) {
        ssize_t r = write(fd, buf, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        buf = (const char *)buf + r;
        n -= (size_t)r;
    }
    return true;
}

/* The worker: simulates the points it is sent, answering each with a length-prefixed row,
 * until end of file. Never returns. */
static void worker_main(const asim_sweep_t *sw, int fd) __attribute__((noreturn));
static void worker_main(const asim_sweep_t *sw, int fd)
{
    uint64_t p;
    for (;;) {
        ssize_t r = read_full(fd, &p, sizeof p);
        if (r <= 0)
            _exit(r == 0 ? 0 : 4);
        char *row = asim_sweep_run_point(sw, p);
        if (!row)
            _exit(3);
        uint32_t len = (uint32_t)strlen(row);
        char *msg = malloc(sizeof len + len);
        if (!msg)
            _exit(3);
        memcpy(msg, &len, sizeof len);
        memcpy(msg + sizeof len, row, len);
        if (!write_full(fd, msg, sizeof len + len))
            _exit(0); /* the parent is gone */
        free(msg);
        free(row);
    }
}

static asim_status_t spawn(pool_t *P, worker_t *w)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return asim_error_set(P->err, ASIM_EIO, "sweep", "cannot create a socket pair: %s",
                              strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return asim_error_set(P->err, ASIM_EIO, "sweep", "cannot start a worker: %s",
                              strerror(errno));
    }
    if (pid == 0) {
        /* Keep nothing of the parent's open: a worker holding another worker's socket
         * would keep it from seeing the parent die. */
        close(sv[0]);
        close(P->out_fd);
        for (size_t i = 0; i < P->n_w; i++)
            if (P->w[i].fd >= 0)
                close(P->w[i].fd);
        signal(SIGINT, SIG_IGN); /* Ctrl-C is the parent's to handle */
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        worker_main(P->sw, sv[1]);
    }
    close(sv[1]);
    *w = (worker_t){.pid = pid, .fd = sv[0]};
    return ASIM_OK;
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Gives w the next point, or tells it there are no more. */
static void feed(pool_t *P, worker_t *w)
{
    if (P->stopping || P->next == P->n_todo) {
        shutdown(w->fd, SHUT_WR);
        return;
    }
    w->point = P->todo[P->next++];
    w->busy = true;
    w->sent_at = monotonic_s();
    /* A dead worker shows up as end of file on its socket, handled in reap(). */
    if (send(w->fd, &w->point, sizeof w->point, MSG_NOSIGNAL) != (ssize_t)sizeof w->point)
        shutdown(w->fd, SHUT_WR);
}

static asim_status_t append_row(pool_t *P, const char *row, size_t len)
{
    if (!write_full(P->out_fd, row, len) || (P->opts->fsync_rows && fsync(P->out_fd) != 0))
        return asim_error_set(P->err, ASIM_EIO, P->path, "cannot write: %s", strerror(errno));
    P->done++;
    P->sum->ran++;
    if (P->opts->progress)
        P->opts->progress(P->opts->ctx, P->done, P->n_todo);
    return ASIM_OK;
}

static bool crash_signal(int sig)
{
    return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
}

/* w's socket is at end of file: reaps it; if it died on a point, records that point's
 * error row and starts a replacement, or stops the sweep if it was killed from outside. */
static asim_status_t reap(pool_t *P, worker_t *w)
{
    close(w->fd);
    w->fd = -1;
    int status = 0;
    while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
        ;
    w->pid = 0;
    if (!w->busy)
        return ASIM_OK;
    w->busy = false;
    char msg[160];
    if (w->timed_out)
        snprintf(msg, sizeof msg, "the point ran longer than --point-timeout (%g s) and was "
                                  "stopped",
                 P->opts->point_timeout_s);
    else if (WIFSIGNALED(status) && !crash_signal(WTERMSIG(status))) {
        snprintf(P->sum->note, sizeof P->sum->note,
                 "a worker was killed by signal %d (%s) during point %llu", WTERMSIG(status),
                 strsignal(WTERMSIG(status)), (unsigned long long)w->point);
        P->stopping = true;
        return ASIM_OK;
    }
    else if (WIFSIGNALED(status))
        snprintf(msg, sizeof msg, "the simulator crashed on this point (signal %d: %s)",
                 WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        snprintf(msg, sizeof msg, "the worker simulating this point failed (exit status %d)",
                 WEXITSTATUS(status));
    char *row = asim_sweep_error_row(P->sw, w->point, msg);
    if (!row)
        return asim_error_set(P->err, ASIM_ENOMEM, "sweep", "out of memory");
    asim_status_t st = append_row(P, row, strlen(row));
    free(row);
    if (st == ASIM_OK && !P->stopping && P->next < P->n_todo &&
        (st = spawn(P, w)) == ASIM_OK)
        feed(P, w);
    return st;
}

/* Reads one message from w: a row to append, or end of file. */
static asim_status_t receive(pool_t *P, worker_t *w)
{
    uint32_t len;
    ssize_t r = read_full(w->fd, &len, sizeof len);
    char *row = r > 0 ? malloc(len) : NULL;
    if (r > 0 && (!row || read_full(w->fd, row, len) != (ssize_t)len)) {
        free(row);
        r = 0; /* died mid-message: treat as died on the point */
    }
    if (r <= 0)
        return reap(P, w);
    w->busy = false;
    asim_status_t st = append_row(P, row, len);
    free(row);
    if (st == ASIM_OK)
        feed(P, w);
    return st;
}

/* Kills and reaps every worker still running (after a write error). */
static void abandon(pool_t *P)
{
    for (size_t i = 0; i < P->n_w; i++) {
        if (P->w[i].fd >= 0)
            close(P->w[i].fd);
        if (P->w[i].pid > 0) {
            kill(P->w[i].pid, SIGKILL);
            while (waitpid(P->w[i].pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
    }
}

/* Milliseconds until the first busy worker passes the point timeout (-1: no timeout). */
static int poll_timeout_ms(const pool_t *P)
{
    if (P->opts->point_timeout_s <= 0)
        return -1;
    double now = monotonic_s(), wait = -1;
    for (size_t i = 0; i < P->n_w; i++) {
        const worker_t *w = &P->w[i];
        if (w->busy && !w->timed_out && w->fd >= 0) {
            double left = w->sent_at + P->opts->point_timeout_s - now;
            if (wait < 0 || left < wait)
                wait = left > 0 ? left : 0;
        }
    }
    return wait < 0 ? -1 : (int)(wait * 1000.0) + 1;
}

/* Kills (SIGKILL) each worker whose point has run past the timeout; its socket then ends
 * and reap() writes the point's error row. */
static void kill_overdue(pool_t *P)
{
    if (P->opts->point_timeout_s <= 0)
        return;
    double now = monotonic_s();
    for (size_t i = 0; i < P->n_w; i++) {
        worker_t *w = &P->w[i];
        if (w->busy && !w->timed_out && w->pid > 0 &&
            now - w->sent_at >= P->opts->point_timeout_s) {
            w->timed_out = true;
            kill(w->pid, SIGKILL);
        }
    }
}

static asim_status_t run_pool(pool_t *P)
{
    P->n_w = (size_t)P->opts->jobs < P->n_todo ? (size_t)P->opts->jobs : P->n_todo;
    P->w = calloc(P->n_w ? P->n_w : 1, sizeof *P->w);
    struct pollfd *pfd = calloc(P->n_w ? P->n_w : 1, sizeof *pfd);
    if (!P->w || !pfd) {
        free(P->w);
        free(pfd);
        return asim_error_set(P->err, ASIM_ENOMEM, "sweep", "out of memory");
    }
    for (size_t i = 0; i < P->n_w; i++)
        P->w[i] = (worker_t){.fd = -1};
    asim_status_t st = ASIM_OK;
    for (size_t i = 0; i < P->n_w && st == ASIM_OK; i++)
        if ((st = spawn(P, &P->w[i])) == ASIM_OK)
            feed(P, &P->w[i]);
    for (;;) {
        if (st != ASIM_OK)
            break;
        if (!P->stopping && P->opts->stop && *P->opts->stop) {
            P->stopping = true;
            snprintf(P->sum->note, sizeof P->sum->note, "stopped by a signal");
            for (size_t i = 0; i < P->n_w; i++)
                if (P->w[i].fd >= 0)
                    shutdown(P->w[i].fd, SHUT_WR); /* finish the point in hand, then end */
        }
        size_t n = 0;
        for (size_t i = 0; i < P->n_w; i++)
            if (P->w[i].fd >= 0)
                pfd[n++] = (struct pollfd){.fd = P->w[i].fd, .events = POLLIN};
        if (n == 0)
            break;
        if (poll(pfd, n, poll_timeout_ms(P)) < 0) {
            if (errno != EINTR)
                st = asim_error_set(P->err, ASIM_EIO, "sweep", "poll: %s", strerror(errno));
            continue;
        }
        kill_overdue(P);
        for (size_t j = 0; j < n && st == ASIM_OK; j++) {
            if (!pfd[j].revents)
                continue;
            for (size_t i = 0; i < P->n_w; i++)
                if (P->w[i].fd == pfd[j].fd) {
                    st = receive(P, &P->w[i]);
                    break;
                }
        }
    }
    if (st != ASIM_OK)
        abandon(P);
    free(P->w);
    free(pfd);
    return st;
}

/* Takes the file's write lock, or names the process that holds it. */
static asim_status_t lock_file(int fd, const char *path, asim_error_t *err)
{
    struct flock lk = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_SETLK, &lk) == 0)
        return ASIM_OK;
    if (errno != EACCES && errno != EAGAIN)
        return asim_error_set(err, ASIM_EIO, path, "cannot lock: %s", strerror(errno));
    struct flock who = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    fcntl(fd, F_GETLK, &who);
    return asim_error_set(err, ASIM_EARG, path,
                          "another sweep (pid %ld) is writing this file; wait for it or "
                          "use another --out",
                          (long)who.l_pid);
}

/* Makes the file hold sw's definition and header and only whole rows of this shard;
 * marks in done[] the points it already has. */
static asim_status_t prepare_file(const asim_sweep_t *sw, const asim_sweep_opts_t *opts,
                                  int fd, const char *path, bool *done, uint64_t *n_done,
                                  asim_error_t *err)
{
    asim_sweep_file_t f;
    asim_status_t st = asim_sweep_file_load(fd, path, &f, err);
    *n_done = 0;
    if (st == ASIM_OK && asim_sweep_file_is_fresh(sw, &f)) {
        char *def = asim_sweep_definition(sw), *hdr = asim_sweep_header(sw);
        size_t n = def && hdr ? strlen(def) + strlen(hdr) + 3 : 0;
        char *start = n ? malloc(n) : NULL;
        if (!start)
            st = asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
        else {
            snprintf(start, n, "%s\n%s\n", def, hdr);
            if (ftruncate(fd, 0) != 0 || !write_full(fd, start, n - 1))
                st = asim_error_set(err, ASIM_EIO, path, "cannot write: %s", strerror(errno));
        }
        free(start);
        free(def);
        free(hdr);
        asim_sweep_file_free(&f);
        return st;
    }
    if (st == ASIM_OK && (st = asim_sweep_file_parse(sw, &f, path, "this command", err)) ==
                             ASIM_EARG &&
        strstr(err->msg, "holds a different sweep")) {
        size_t used = strlen(err->msg);
        snprintf(err->msg + used, sizeof err->msg - used,
                 "; a sweep resumes only with the same definition: remove the file or use "
                 "another --out");
    }
    for (size_t i = 0; st == ASIM_OK && i < f.n_rows; i++) {
        uint64_t p = f.rows[i].point;
        if (p % opts->shards != opts->shard)
            st = asim_error_set(err, ASIM_EARG, path,
                                "has point %llu, which is in shard %llu/%llu, not in %llu/%llu",
                                (unsigned long long)p, (unsigned long long)(p % opts->shards),
                                (unsigned long long)opts->shards,
                                (unsigned long long)opts->shard,
                                (unsigned long long)opts->shards);
        done[p] = true;
        (*n_done)++;
    }
    if (st == ASIM_OK && f.complete < f.len && ftruncate(fd, (off_t)f.complete) != 0)
        st = asim_error_set(err, ASIM_EIO, path, "cannot truncate its partial last row: %s",
                            strerror(errno));
    asim_sweep_file_free(&f);
    return st;
}

/* Rewrites the file sorted with the front marked, and counts errors and front rows. */
static asim_status_t finish_file(const asim_sweep_t *sw, int fd, const char *path,
                                 asim_sweep_summary_t *sum, asim_error_t *err)
{
    asim_sweep_file_t f;
    asim_status_t st = asim_sweep_file_load(fd, path, &f, err);
    if (st == ASIM_OK)
        st = asim_sweep_file_parse(sw, &f, path, "this command", err);
    if (st == ASIM_OK)
        st = asim_sweep_write_final(sw, f.rows, f.n_rows, path, err);
    for (size_t i = 0; st == ASIM_OK && i < f.n_rows; i++) {
        sum->on_front += f.rows[i].pareto;
        sum->errors += f.rows[i].failed;
    }
    asim_sweep_file_free(&f);
    return st;
}

asim_status_t asim_sweep_run(const asim_sweep_t *sw, const char *path,
                             const asim_sweep_opts_t *opts, asim_sweep_summary_t *sum,
                             asim_error_t *err)
{
    memset(sum, 0, sizeof *sum);
    if (opts->shards == 0 || opts->shard >= opts->shards || opts->jobs < 1)
        return asim_error_set(err, ASIM_EARG, "sweep", "bad shard or job count");
    const char *config = sw->config;
    asim_status_t distinct = asim_outfile_check_distinct(&path, 1, &config, 1, err);
    for (size_t i = 0; distinct == ASIM_OK && i < sw->axes[0].n; i++)
        distinct = asim_outfile_check_distinct(
            &path, 1, (const char *const *)&sw->axes[0].values[i], 1, err);
    if (distinct != ASIM_OK)
        return distinct;
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
    if (fd < 0)
        return asim_error_set(err, ASIM_EIO, path, "cannot open: %s", strerror(errno));
    bool *done = calloc(sw->n_points ? sw->n_points : 1, sizeof *done);
    uint64_t *todo = NULL, n_done = 0;
    asim_status_t st = done ? lock_file(fd, path, err)
                            : asim_error_set(err, ASIM_ENOMEM, "sweep", "out of memory");
    if (st == ASIM_OK)
        st = prepare_file(sw, opts, fd, path, done, &n_done, err);
    if (st == ASIM_OK) {
        sum->total = sw->n_points > opts->shard
                         ? (sw->n_points - opts->shard + opts->shards - 1) / opts->shards
                         : 0;
        sum->skipped = n_done;
        if (n_done && opts->resuming)
            opts->resuming(opts->ctx, n_done, sum->total);
        if (!(todo = malloc((sum->total - n_done + 1) * sizeof *todo)))
            st = asim_error_set(err, ASIM_ENOMEM, "sweep", "out of memory");
    }
    if (st == ASIM_OK) {
        size_t n = 0;
        for (uint64_t p = opts->shard; p < sw->n_points; p += opts->shards)
            if (!done[p])
                todo[n++] = p;
        pool_t P = {.sw = sw, .opts = opts, .out_fd = fd, .path = path, .todo = todo,
                    .n_todo = n, .sum = sum, .err = err};
        st = run_pool(&P);
        sum->interrupted = P.stopping;
    }
    if (st == ASIM_OK && !sum->interrupted)
        st = finish_file(sw, fd, path, sum, err);
    free(todo);
    free(done);
    close(fd); /* releases the lock */
    return st;
}
