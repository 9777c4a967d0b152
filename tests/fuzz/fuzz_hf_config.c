/* fuzz_hf_config.c: Hugging Face config.json files (cJSON, the field table, family caps). */
#include "asim/model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > ASIM_HF_MAX_BYTES)
        return 0; /* the reader refuses larger files before reading them */
    asim_graph_t g;
    asim_error_t err;
    asim_status_t st = asim_model_parse_hf(FUZZ_NAME, (const char *)data, size, "", &g, &err);
    if (st != ASIM_OK) {
        fuzz_check_error(st, &err, FUZZ_NAME);
        return 0;
    }
    fuzz_check_graph(&g);
    asim_graph_free(&g);
    return 0;
}
