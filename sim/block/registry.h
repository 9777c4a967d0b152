/*
 * registry.h: every block of the simulator, listed once (registry.c), in routing-tie order.
 * The configuration stores each block's params at its offset in asim_config_t.blocks.
 */
#ifndef ASIM_BLOCK_REGISTRY_H
#define ASIM_BLOCK_REGISTRY_H

#include "block/block.h"

/* The blocks, n of them. */
const asim_block_t *const *asim_blocks(size_t *n);
/* Byte offset of block b's params in asim_config_t.blocks. */
size_t asim_block_params_offset(const asim_block_t *b);

#endif
