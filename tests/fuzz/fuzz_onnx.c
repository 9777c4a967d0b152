/* fuzz_onnx.c: ONNX models. The first byte picks the symbolic dimensions given (none,
 * batch, batch and seq, odd sizes); the rest is the serialized ModelProto. */
#include "asim/model.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const params[] = {"", "batch=1", "batch=1,seq=16", "batch=3,seq=5"};
    if (size == 0)
        return 0;
    const char *p = params[data[0] % (sizeof params / sizeof params[0])];
    asim_graph_t g;
    asim_error_t err;
    asim_status_t st = asim_model_parse_onnx(FUZZ_NAME, data + 1, size - 1, p, &g, &err);
    if (st != ASIM_OK) {
        /* symbolic-dimension problems name the option, the rest the input */
        fuzz_check_error(st, &err, strncmp(err.msg, "--model", 7) == 0 ? "--model" : FUZZ_NAME);
        return 0;
    }
    fuzz_check_graph(&g);
    asim_graph_free(&g);
    return 0;
}
