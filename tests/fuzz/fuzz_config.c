/* fuzz_config.c: the configuration loader (YAML through the shim, schema, validation). */
#include "asim/config.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    asim_config_t cfg;
    asim_error_t err;
    asim_status_t st = asim_config_parse(FUZZ_NAME, (const char *)data, size, NULL, 0, &cfg, &err);
    if (st != ASIM_OK) {
        fuzz_check_error(st, &err, FUZZ_NAME);
        return 0;
    }
    { double v = -1; FUZZ_REQUIRE(asim_config_get(&cfg, "array.rows", &v) && v >= 1 && v <= 4096); }
    FUZZ_REQUIRE(cfg.clock_mhz >= 1 && cfg.clock_mhz <= 5000);
    FUZZ_REQUIRE(cfg.name[0] != '\0' && cfg.device[0] != '\0');
    return 0;
}
