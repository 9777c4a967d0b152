/*
 * program.h: the accelerator program, the contract between the compiler (compile.c), the C
 * executor (accel/execute.c), the program file (program_file.c) and, later, the RTL twin.
 *
 * A program is a set of in-order instruction queues in the manner of decoupled access-execute
 * accelerators (TVM's VTA, Gemmini): `load` (DRAM -> buffers) and `store` (buffers -> DRAM),
 * both run by the one DMA channel, and one compute queue per unit. Queues synchronise only
 * through dependency tokens: a channel is a counter from one queue to another; an instruction
 * issues when its unit is free and every channel it waits on holds a token, takes one token
 * from each (all at once, at issue), and pushes one token on each of its push channels when it
 * completes. Tokens carry no data: queues run in order, so the k-th pop on a channel pairs with
 * the k-th push. The compiler gives every dependency the earliest producer instruction it needs
 * and lets a consumer that is already covered by an earlier pop wait on nothing, so every
 * channel balances: pushes = pops.
 *
 * Schedules (configuration key `schedule`):
 *   serial     today's controller as a program: computes run one at a time in graph order
 *              (an `order` channel between compute queues), a load that reads activations
 *              waits until every earlier op is computed and stored; weights prefetch ahead;
 *   pipelined  computes wait only for what they read: the tiles of the producer that cover
 *              their rows (on chip: the producer's compute; through DRAM: the producer's
 *              store, then their own load); units run concurrently; the DMA channel, the
 *              buffer slots and a shared unit are contended for.
 * In both, a load takes a buffer slot that the compute of the tile `slots` loads earlier frees
 * (double buffering), and a tile's store follows its compute. docs/program.md has the rules.
 */
#ifndef ASIM_PROGRAM_PROGRAM_H
#define ASIM_PROGRAM_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "accel/plan.h"
#include "asim/model.h"

#define ASIM_PROGRAM_VERSION 2
#define ASIM_INSN_MAX_DEPS 6
#define ASIM_MAX_SLOTS 2          /* buffer slots (double buffering) */

typedef enum { ASIM_SCHEDULE_SERIAL, ASIM_SCHEDULE_PIPELINED } asim_schedule_t;

typedef enum { ASIM_INSN_LOAD, ASIM_INSN_COMPUTE, ASIM_INSN_STORE } asim_insn_kind_t;

/* What waiting on a channel means: the report counts waits by these causes. */
#define ASIM_CAUSES(X)                                                                       \
    X(OPERAND, "operand", "a compute waits for its tile's load")                             \
    X(BUFFER, "buffer", "a load waits for a buffer slot to be freed by a compute")           \
    X(DATA, "data", "waits for a producer's results (its compute, or its store to DRAM)")   \
    X(RESULT, "result", "a store waits for the compute of its tile")                         \
    X(ORDER, "order", "serial schedule: a compute waits for the compute before it")

typedef enum {
#define ASIM_CAUSE_ENUM(id, name, desc) ASIM_CAUSE_##id,
    ASIM_CAUSES(ASIM_CAUSE_ENUM)
#undef ASIM_CAUSE_ENUM
    ASIM_CAUSE_COUNT
} asim_cause_t;

const char *asim_cause_name(asim_cause_t c);
const char *asim_cause_desc(asim_cause_t c);

typedef struct {
    uint8_t kind;                 /* asim_insn_kind_t */
    uint8_t n_waits, n_pushes;
    uint8_t slot;                 /* LOAD: the buffer slot it fills (load number mod slots) */
    uint32_t op;                  /* graph op */
    uint64_t tile;                /* tile of the op's plan */
    uint64_t bits;                /* LOAD, STORE: bits moved (a LOAD may move 0: a slot turn) */
    uint16_t waits[ASIM_INSN_MAX_DEPS];  /* channels it takes one token from, at issue */
    uint16_t pushes[ASIM_INSN_MAX_DEPS]; /* channels it pushes one token on, at completion */
} asim_insn_t;

typedef struct {
    char name[48];                /* "load", "store" or the unit's name */
    uint16_t unit;                /* the unit that runs it (board order) */
    asim_insn_t *insns;
    size_t len, cap;
} asim_queue_t;

/* Where an op's tensors live in DRAM (byte addresses, ASIM_NO_ADDR: none). Layouts, packing
 * and alignment: asim_tensor_layout and docs/program.md ("Tensors in DRAM"). */
#define ASIM_NO_ADDR UINT64_MAX
#define ASIM_DRAM_ALIGN 64        /* every tensor starts on a 64-byte boundary */
typedef struct {
    uint64_t a, b, out;           /* A (or the vector input), B (weight, activation, or the
                                     second operand of add/mul), the op's output */
} asim_op_addr_t;

/* Which tensor of an op a layout describes. */
typedef enum { ASIM_TENSOR_A, ASIM_TENSOR_B, ASIM_TENSOR_OUT } asim_tensor_role_t;

/* A tensor as stored: rows x cols codes of `bits` each, row-major, packed (code i of the
 * tensor at bit i * bits, little-endian). */
typedef struct {
    uint64_t rows, cols;
    unsigned bits;
} asim_tensor_layout_t;

typedef struct {
    uint16_t from, to;            /* queues */
    uint8_t cause;                /* asim_cause_t */
} asim_channel_t;

/* A token an instruction pushes, as the compiler logs it for a block it copies. */
typedef struct {
    uint16_t queue, channel;
    uint32_t index;
} asim_push_t;

/* The blocks of a program not written yet (asim_compile_lazy): copies j0..j1-1 of the span
 * of ops from first_op, of each queue q at at[q] (len[q] instructions; copy j at at[q] + j len[q], its ops op_shift j
 * further), that is instructions [v0[q], v1[q]), with the tokens `pushes` names pushed on
 * each copy's instructions (index: the span's, plus j len[q]). */
typedef struct {
    size_t *at, *len, *v0, *v1;   /* per queue */
    size_t j0, j1;
    size_t first_op;              /* the span's first op */
    uint32_t op_shift;
    asim_push_t *pushes;
    size_t n_pushes;
    bool sort_pushes;             /* each instruction's pushes in order of consumer queue */
} asim_program_lazy_t;

typedef struct {
    uint32_t version;
    asim_schedule_t schedule;
    asim_queue_t *queues;         /* 0 = load, 1 = store, then compute queues */
    size_t n_queues;
    asim_channel_t *channels;
    size_t n_channels;
    asim_plan_t *plans;           /* per graph op (tiles of unsupported ops: 0) */
    int32_t *op_queue;            /* per graph op: its compute queue, or -1 (unsupported) */
    asim_op_addr_t *addrs;        /* per graph op: where its tensors live in DRAM */
    uint64_t dram_bytes;          /* the DRAM image every address falls in */
    size_t n_ops;
    size_t copied_blocks;         /* blocks the compiler copied from the one before instead
                                     of planning them (not in a file) */
    asim_program_lazy_t *lazy;    /* blocks not written yet, or NULL (not in a file) */
} asim_program_t;

enum { ASIM_QUEUE_LOAD = 0, ASIM_QUEUE_STORE = 1 };

/* What a program file says besides the program: what it was compiled for, and its op names. */
typedef struct {
    uint64_t config_fp, graph_fp; /* fingerprints of the configuration and the graph */
    char (*names)[64];            /* per op */
} asim_program_info_t;

#define ASIM_FNV_OFFSET UINT64_C(0xcbf29ce484222325)

void asim_program_free(asim_program_t *p);
/* Writes the blocks a lazy program left out (p->lazy), as a full compile writes them; false
 * when out of memory. */
bool asim_program_materialize(asim_program_t *p);
/* Whether instruction i of queue q is not written yet (inline: per-instruction passes ask). */
static inline bool asim_program_unwritten(const asim_program_t *p, size_t q, size_t i)
{
    return p->lazy && i >= p->lazy->v0[q] && i < p->lazy->v1[q];
}
/* Layout of the stored tensor `role` of op o (docs/program.md, "Tensors in DRAM"):
 *   OUT  an op's output: GEMM m x (n * count), vector op rows x (cols * count) at out_bits
 *        (instances side by side in a row);
 *   B    a weight: count instances of k x n stacked, (count * k) x n at b_bits; the second
 *        operand of a one-input add/mul (a parameter): the output's shape at a_bits;
 *   A    the model input as op o reads it: GEMM m x (k * count), vector op rows x
 *        (cols * count) at a_bits. The model input has the A layout of its first reader.
 * Activations an op reads from another op have that op's OUT layout. */
void asim_tensor_layout(const asim_op_t *op, asim_tensor_role_t role, asim_tensor_layout_t *l);
/* The first op that reads the model input (its A layout is the input's), or -1. */
long asim_graph_input_reader(const asim_graph_t *g);
/* Bytes of a layout in DRAM, rounded up to ASIM_DRAM_ALIGN. */
uint64_t asim_tensor_bytes(const asim_tensor_layout_t *l);
/* True when op o of g reads its B from DRAM as its own tensor: a weight it owns (not
 * `b: shared`), or the parameter of a one-input add/mul. */
bool asim_op_owns_b(const asim_op_t *op);
/* An operand as op o reads it: a view (instance i, row r, col c) onto a stored tensor. */
typedef struct {
    uint64_t addr;
    asim_tensor_layout_t l;
    bool weight;                  /* a weight: instance i's k x n at rows i * k */
    uint64_t k;                   /* a weight's rows per instance */
    bool transposed;              /* an activation B stored n x k (K for Q K^T) */
    uint64_t off, len;            /* first column of instance 0, the view's row length */
    unsigned part;                /* the slot part a load puts it in: 0 activations, 1 weights */
    bool cache;                   /* B read from the KV cache (b_cache): its values repeat the
                                     producer's rows (asim_view_index), but its DRAM bytes are
                                     the cache's, one row per position, laid out after the
                                     producer's rows at their pitch (the runs go on past the
                                     producer's tensor) */
    bool cache_kt;                /* the cache read as K^T (k = the head width), else as V */
    uint64_t head_width;          /* cache: codes of one head in a position's row */
} asim_view_t;

/* Operand j (0: A or the vector input, 1: B or the second input) of op o of p's graph g. */
void asim_operand_view(const asim_program_t *p, const asim_graph_t *g, size_t o, unsigned j,
                       asim_view_t *v);
/* Index in the stored tensor of view element (i, r, c). */
uint64_t asim_view_index(const asim_view_t *v, uint64_t i, uint64_t r, uint64_t c);
/* Index in op's output tensor (its OUT layout) of output element (instance i, row r, col c). */
uint64_t asim_out_index(const asim_op_t *op, uint64_t i, uint64_t r, uint64_t c);
/* The runs of DRAM bytes transfer `in` (a LOAD or STORE) moves, in the order the DMA moves
 * them (docs/program.md, "Transfers"): per operand (activations, then weights; a vector op's
 * inputs one after the other), per stored row of the tile's view, the bytes holding that
 * row's codes (a row that wraps around its tensor is two pieces), each merged into the run
 * before when it overlaps it or follows it directly (lo >= previous lo and lo <= previous
 * hi + 1). Writes up to cap runs into runs (runs may be NULL) and returns how many there are
 * (0 for a compute, or a transfer that moves no bits). */
size_t asim_transfer_runs(const asim_program_t *p, const asim_graph_t *g, const asim_insn_t *in,
                          asim_run_t *runs, size_t cap);
/* The bursts of burst_bytes that transfer in's runs occupy (asim_runs_bursts of
 * asim_transfer_runs), counted without listing the runs: what the DMA's cost prices. */
uint64_t asim_transfer_bursts(const asim_program_t *p, const asim_graph_t *g,
                              const asim_insn_t *in, uint64_t burst_bytes);
/* Repeated blocks of ops: ops [first, first + n k) are n blocks of k ops, and op o + k of
 * the range repeats op o: the same kind, shape, widths, flags, unit queue and plan, inputs k
 * ops later, and its tensors `shift` bytes later in DRAM (a shared weight or the model input
 * may stay where it is), shift a multiple of `align` bytes. */
typedef struct {
    size_t first, k, n;
    uint64_t shift;
} asim_period_t;

/* The repeated blocks covering the most ops (n >= 2), ties to the shortest block, among
 * blocks of up to 512 ops (fewer in a graph of over 39,000 ops: the search is bounded);
 * false when there are none. Names are not compared: they do not time anything. */
bool asim_program_period(const asim_program_t *p, const asim_graph_t *g, uint64_t align,
                         asim_period_t *per);
/* Instructions over every queue. */
size_t asim_program_len(const asim_program_t *p);
/* FNV-1a over n bytes, continuing from h (ASIM_FNV_OFFSET to start). */
uint64_t asim_fnv1a(const void *data, size_t n, uint64_t h);
/* A fingerprint of every op's name, shape, widths and inputs. */
uint64_t asim_graph_fingerprint(const asim_graph_t *g);
/* Writes p, compiled from g for a configuration with fingerprint cfg_fp, to path. */
asim_status_t asim_program_write(const char *path, const asim_program_t *p,
                                 const asim_graph_t *g, uint64_t cfg_fp, asim_error_t *err);
/* Reads and checks a program file; info->names is the caller's to free. */
asim_status_t asim_program_read(const char *path, asim_program_t *p, asim_program_info_t *info,
                                asim_error_t *err);
/* Checks that p is well formed: each instruction in its kind's queue, naming a tile of a
 * supported op, waiting on channels into its queue and pushing on channels out of it, each
 * at most once; every channel balanced (pushes = pops). It can still deadlock; the executor
 * reports that. */
asim_status_t asim_program_check(const asim_program_t *p, const char *path, asim_error_t *err);
/* A readable listing: header, channels, then every queue's instructions. */
void asim_program_dump(FILE *out, const asim_program_t *p, const char (*names)[64]);

#endif
