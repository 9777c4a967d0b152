/* fuzz_model_spec.c: --model NAME:key=value,... for the built-in families. */
#include <stdlib.h>

#include "asim/model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 || memchr(data, '\0', size))
        return 0;
    char spec[257];
    memcpy(spec, data, size);
    spec[size] = '\0';
    if (strchr(spec, '/') || strstr(spec, ".yaml") || strstr(spec, ".yml") ||
        strstr(spec, ".csv") || strstr(spec, ".json") || strstr(spec, ".onnx"))
        return 0; /* file paths are other targets' job */
    asim_graph_t g;
    asim_error_t err;
    asim_status_t st = asim_model_load(spec, &g, &err);
    if (st != ASIM_OK) {
        fuzz_check_error(st, &err, "--model");
        return 0;
    }
    fuzz_check_graph(&g);
    asim_graph_free(&g);
    return 0;
}
