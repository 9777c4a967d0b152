/*
 * fuzz_common.h: what every fuzz target checks besides "no crash": a failing parse leaves a
 * message that names the input, a successful one leaves values inside their caps.
 * A violated property traps, which libFuzzer reports like a crash.
 */
#ifndef ASIM_FUZZ_COMMON_H
#define ASIM_FUZZ_COMMON_H

#include <stdint.h>
#include <string.h>

#include "asim/error.h"
#include "asim/model.h"

#define FUZZ_NAME "fuzz-input"

#define FUZZ_REQUIRE(cond) ((cond) ? (void)0 : __builtin_trap())

/* An error has a code and one message line naming the input (or the option). */
static inline void fuzz_check_error(asim_status_t st, const asim_error_t *err, const char *where)
{
    FUZZ_REQUIRE(st != ASIM_OK && err->code == st);
    FUZZ_REQUIRE(strstr(err->msg, where) == err->msg);
    FUZZ_REQUIRE(strchr(err->msg, '\n') == NULL || strlen(err->msg) > 0);
}

/* Every op of a loaded graph passes the model caps. */
static inline void fuzz_check_graph(const asim_graph_t *g)
{
    char why[160];
    FUZZ_REQUIRE(g->len >= 1 && g->len <= ASIM_MODEL_MAX_OPS);
    for (size_t i = 0; i < g->len; i++)
        FUZZ_REQUIRE(asim_op_check(&g->ops[i], why, sizeof why) == ASIM_OK);
}

#endif
