/* fuzz_set.c: --set key=value overrides; the input holds one assignment per line. */
#include <stdlib.h>

#include "asim/config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    asim_config_t cfg;
    asim_config_defaults(&cfg);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        asim_error_t err;
        asim_status_t st = asim_config_set(&cfg, line, &err);
        if (st != ASIM_OK)
            fuzz_check_error(st, &err, "--set");
    }
    FUZZ_REQUIRE(cfg.array.cols >= 1 && cfg.array.cols <= 4096);
    FUZZ_REQUIRE(cfg.array.dataflow >= 0 && cfg.array.dataflow <= 2);
    free(text);
    return 0;
}
