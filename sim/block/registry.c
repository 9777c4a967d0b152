/* registry.c: the list of blocks (see registry.h). Adding a block adds one line here. */

#include "block/registry.h"

/* The blocks, one line each, in routing-tie order. */
#define ASIM_BLOCK_LIST(X)        \
    X(asim_systolic_block)        \
    X(asim_qmm_block)             \
    X(asim_nl_placeholder_block)  \
    X(asim_quark_block)           \
    X(asim_dram_block)            \
    /* one line per block, each ending in a backslash */

#define ASIM_BLOCK_DECLARE(b) extern const asim_block_t b;
ASIM_BLOCK_LIST(ASIM_BLOCK_DECLARE)
#define ASIM_BLOCK_ENTRY(b) &b,
static const asim_block_t *const blocks[] = {ASIM_BLOCK_LIST(ASIM_BLOCK_ENTRY)};

#define N_BLOCKS (sizeof blocks / sizeof blocks[0])

const asim_block_t *const *asim_blocks(size_t *n)
{
    *n = N_BLOCKS;
    return blocks;
}

/* Block params need at most 8-byte alignment (int64_t, double, pointers). */
static size_t align_up(size_t v)
{
    return (v + sizeof(uint64_t) - 1) / sizeof(uint64_t) * sizeof(uint64_t);
}

size_t asim_block_params_offset(const asim_block_t *b)
{
    size_t off = 0;
    for (size_t i = 0; i < N_BLOCKS; i++) {
        if (blocks[i] == b) {
            ASIM_ASSERT(off + b->params_size <= ASIM_CFG_BLOCK_BYTES);
            return off;
        }
        off += align_up(blocks[i]->params_size);
    }
    ASIM_ASSERT(0); /* not a registered block */
    return 0;
}

const void *asim_block_params(const asim_config_t *cfg, const asim_block_t *b)
{
    return (const char *)cfg->blocks + asim_block_params_offset(b);
}

static const char *const action_names[] = {
#define ASIM_ACTION_NAME(id, name, desc) name,
    ASIM_ACTIONS(ASIM_ACTION_NAME)
#undef ASIM_ACTION_NAME
};
static const char *const action_descs[] = {
#define ASIM_ACTION_DESC(id, name, desc) desc,
    ASIM_ACTIONS(ASIM_ACTION_DESC)
#undef ASIM_ACTION_DESC
};

const char *asim_action_name(asim_action_t a)
{
    return action_names[a];
}

const char *asim_action_desc(asim_action_t a)
{
    return action_descs[a];
}
