/*
 * buffer_resource.c: on-chip memory blocks of the buffers: each of `banks` banks is built from
 * whole BRAM36 (36 Kib) or URAM (288 Kib) blocks, whatever its width.
 */
#include "accel/accel.h"

void asim_resource_buffer(uint64_t kib, uint64_t banks, bool uram, asim_resources_t *out)
{
    uint64_t bank_bits = (kib * 8192u + banks - 1) / banks;
    uint64_t block_bits = uram ? 288u * 1024u : 36u * 1024u;
    double blocks = (double)(banks * ((bank_bits + block_bits - 1) / block_bits));
    *out = (asim_resources_t){.bram36 = uram ? 0 : blocks, .uram = uram ? blocks : 0};
}
