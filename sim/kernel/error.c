/* error.c: status texts and message formatting (see error.h). */
#include "asim/error.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const status_texts[] = {
#define ASIM_STATUS_TEXT(code, text) text,
    ASIM_STATUS_LIST(ASIM_STATUS_TEXT)
#undef ASIM_STATUS_TEXT
};

static const char *const status_names[] = {
#define ASIM_STATUS_NAME(code, text) #code,
    ASIM_STATUS_LIST(ASIM_STATUS_NAME)
#undef ASIM_STATUS_NAME
};

const char *asim_status_text(asim_status_t code)
{
    return (unsigned)code < ASIM_STATUS_COUNT ? status_texts[code] : "unknown status";
}

const char *asim_status_name(asim_status_t code)
{
    return (unsigned)code < ASIM_STATUS_COUNT ? status_names[code] : "E?";
}

static asim_status_t error_vset(asim_error_t *err, asim_status_t code, const char *where,
                                const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    int n = snprintf(err->msg, sizeof err->msg, "%s: ", where ? where : "accelsim");
    if (n < 0 || (size_t)n >= sizeof err->msg)
        n = 0;
    vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
    return code;
}

asim_status_t asim_error_set(asim_error_t *err, asim_status_t code, const char *where,
                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, where, fmt, ap);
    va_end(ap);
    return code;
}

asim_status_t asim_error_at(asim_error_t *err, asim_status_t code, const char *file, int line,
                            int col, const char *fmt, ...)
{
    char where[320];
    if (line > 0 && col > 0)
        snprintf(where, sizeof where, "%s:%d:%d", file, line, col);
    else if (line > 0)
        snprintf(where, sizeof where, "%s:%d", file, line);
    else
        snprintf(where, sizeof where, "%s", file);
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, code, where, fmt, ap);
    va_end(ap);
    return code;
}

void asim_error_clear(asim_error_t *err)
{
    if (err) {
        err->code = ASIM_OK;
        err->msg[0] = '\0';
    }
}

void asim_assert_fail(const char *expr, const char *file, int line)
{
    fprintf(stderr, "accelsim: assertion failed: %s (%s:%d)\n", expr, file, line);
    abort();
}
