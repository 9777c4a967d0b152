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
    { double v = -1; FUZZ_REQUIRE(asim_config_get(&cfg, "array.cols", &v) && v >= 1 && v <= 4096); }
    { double v = -1; FUZZ_REQUIRE(asim_config_get(&cfg, "array.dataflow", &v) && v >= 0 && v <= 2); }
    free(text);
    return 0;
}
