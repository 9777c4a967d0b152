/*
 * fuzz_sweep_spec.c: the sweep specification parsers: value lists and ranges of --set
 * (a,b,c; START:END:+STEP; START:END:xFACTOR), --model lists, --objectives, and the
 * definition line a sweep CSV starts with. One item per input line, its first character
 * saying which: S (--set), M (--model), O (--objectives), D (definition line).
 */
#include <stdlib.h>

#include "fuzz_common.h"
#include "sweep/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    asim_sweep_t sw;
    asim_sweep_init(&sw);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        asim_error_t err = {0};
        asim_status_t st;
        switch (line[0]) {
        case 'S': st = asim_sweep_add_axis(&sw, line + 1, &err); break;
        case 'M': st = asim_sweep_add_models(&sw, line + 1, &err); break;
        case 'O': st = asim_sweep_set_objectives(&sw, line + 1, &err); break;
        case 'D': st = asim_sweep_parse_definition(&sw, line + 1, FUZZ_NAME, &err); break;
        default: continue;
        }
        if (st != ASIM_OK)
            FUZZ_REQUIRE(err.code == st && err.msg[0] != '\0');
        FUZZ_REQUIRE(sw.n_points <= ASIM_SWEEP_MAX_POINTS);
    }
    asim_sweep_free(&sw);
    free(text);
    return 0;
}
