/*
 * error.h: status codes and error messages.
 *
 * Contract: library functions return an asim_status_t (ASIM_OK == 0) and, on failure, fill
 * an asim_error_t with one human-readable message of the form "where: problem", where
 * "where" is "file:line:col", "file:line", "file" or the name of the input ("--set",
 * "--model"). The library never prints and never exits; only sim/cli talks to the terminal.
 * Internal invariants use ASIM_ASSERT, which aborts naming the expression, file and line.
 */
#ifndef ASIM_ERROR_H
#define ASIM_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* X(code, short description) */
#define ASIM_STATUS_LIST(X)                                              \
    X(OK, "success")                                                     \
    X(EIO, "cannot read or write a file")                                \
    X(ESYNTAX, "syntax error")                                           \
    X(EKEY, "unknown key")                                               \
    X(ETYPE, "wrong type")                                               \
    X(ERANGE, "value out of range")                                      \
    X(EMISSING, "missing required key")                                  \
    X(EMODEL, "bad model")                                               \
    X(EUNSUPPORTED, "not supported by this configuration")               \
    X(EPAST, "event scheduled in the past")                              \
    X(EBUSY, "port busy")                                                \
    X(ENOMEM, "out of memory")                                           \
    X(EARG, "bad argument")                                              \
    X(EDEADLOCK, "program cannot finish")                                \
    X(EPROGRAM, "bad program file")                                      \
    X(ELIMIT, "work bound reached")

typedef enum {
#define ASIM_STATUS_ENUM(code, text) ASIM_##code,
    ASIM_STATUS_LIST(ASIM_STATUS_ENUM)
#undef ASIM_STATUS_ENUM
    ASIM_STATUS_COUNT
} asim_status_t;

#define ASIM_ERROR_MSG_MAX 512

typedef struct {
    asim_status_t code;
    char msg[ASIM_ERROR_MSG_MAX]; /* "where: problem", NUL-terminated */
} asim_error_t;

/* Short description of a status code ("unknown key"). */
const char *asim_status_text(asim_status_t code);
/* Symbolic name of a status code ("EKEY"). */
const char *asim_status_name(asim_status_t code);
/* Fills err (if not NULL) with "where: <printf message>"; returns code. */
asim_status_t asim_error_set(asim_error_t *err, asim_status_t code, const char *where,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Same, with "file:line:col" built from its parts (line/col 0 = unknown, omitted). */
asim_status_t asim_error_at(asim_error_t *err, asim_status_t code, const char *file, int line,
                            int col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Clears err to ASIM_OK and an empty message. */
void asim_error_clear(asim_error_t *err);

/* Aborts with "accelsim: assertion failed: expr (file:line)"; for invariants, not input. */
void asim_assert_fail(const char *expr, const char *file, int line) __attribute__((noreturn));
#define ASIM_ASSERT(expr) ((expr) ? (void)0 : asim_assert_fail(#expr, __FILE__, __LINE__))

#ifdef __cplusplus
}
#endif

#endif
