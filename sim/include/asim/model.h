/*
 * model.h: workloads as a list of ops with shapes and bit widths (asim_graph_t).
 *
 * Matmul convention: C[m x n] = A[m x k] * B[k x n]; B is a weight or an activation.
 * Vector ops (softmax, gelu, layernorm, add, tanh, relu, rmsnorm, silu, mul, rope) work on
 * `rows` rows of `cols` elements; add and mul are elementwise on two operands.
 * `count` independent instances of an op run one after another (e.g. one per head).
 * A model is a graph: each op names the ops whose outputs it reads (`inputs`: A, then an
 * activation B or the second operand of an add), by default the op before it (the first op
 * reads the model's input). Inputs come before their op in the list, so the list is a
 * topological order; asim_graph_check() refuses cycles, inputs that name no op and
 * producer/consumer shapes that disagree. SCALE-Sim topologies are independent layers: each
 * reads the model's input.
 *
 * Decoder LLMs (gpt2, llama) keep a KV cache in DRAM: an op with out_cache appends its output
 * to the cache (always stored), a GEMM with b_cache reads its B from the cache (always
 * loaded); the report counts both as KV-cache traffic (docs/llm.md).
 *
 * Sources: built-in parametric families (vit_tiny, vit_small, vit_base, bert_base, gpt2,
 * llama, ...), models/NAME.yaml in the documented format (docs/model-format.md), SCALE-Sim
 * topology CSVs (GEMM `Layer,M,N,K,` or convolution), Hugging Face config.json files (BERT,
 * ViT, GPT-2, LLaMA), which pick a built-in family and its sizes, and ONNX/QONNX files
 * (docs/onnx.md). asim_model_load() picks by the spec: a path ending in .yaml/.yml or .csv is
 * a file; one ending in .json or .onnx, optionally followed by ":key=value,...", is a
 * config.json with family parameters or an ONNX model with values for its symbolic
 * dimensions ("bert.onnx:seq=128,batch=1"); anything else is a built-in name, optionally
 * with parameters: "bert_base:seq_len=512,layers=6".
 */
#ifndef ASIM_MODEL_H
#define ASIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "asim/error.h"

/* Caps on what a model may ask for, checked before anything is allocated. */
#define ASIM_MODEL_MAX_OPS 100000
#define ASIM_MODEL_MAX_DIM (1u << 24)      /* any one dimension */
#define ASIM_MODEL_MAX_COUNT (1u << 16)    /* instances of one op */
#define ASIM_MODEL_MAX_WORK (1ull << 50)   /* MACs or elements of one op */

#define ASIM_OP_KINDS(X) \
    X(GEMM, "gemm")      \
    X(SOFTMAX, "softmax") \
    X(GELU, "gelu")      \
    X(LAYERNORM, "layernorm") \
    X(ADD, "add")        \
    X(TANH, "tanh")      \
    X(RELU, "relu")      \
    X(RMSNORM, "rmsnorm") \
    X(SILU, "silu")      \
    X(MUL, "mul")        \
    X(ROPE, "rope")

typedef enum {
#define ASIM_OP_ENUM(e, s) ASIM_OP_##e,
    ASIM_OP_KINDS(ASIM_OP_ENUM)
#undef ASIM_OP_ENUM
    ASIM_OP_KIND_COUNT
} asim_op_kind_t;

#define ASIM_OP_MAX_INPUTS 2
#define ASIM_INPUT_MODEL UINT32_MAX /* an input that is the model's input, not an op's output */

typedef struct {
    char name[64];
    asim_op_kind_t kind;
    uint64_t m, n, k;         /* GEMM shape */
    uint64_t rows, cols;      /* vector-op shape */
    uint64_t count;           /* independent instances, >= 1 */
    int a_bits, b_bits;       /* operand widths (vector ops: a_bits = input width) */
    int out_bits;             /* result width */
    bool b_is_weight;         /* GEMM: B is a weight (else an activation, e.g. K^T) */
    bool b_shared;            /* GEMM: B is the weight of an earlier op, used again (the steps
                                 of a Neural-ODE block); it is stored once */
    uint32_t a_reuse;         /* GEMM: each stored element of A appears a_reuse times in the
                                 m x k matrix (9 for a 3x3 convolution lowered by im2col from
                                 a line buffer); its footprint is m * k / a_reuse. 0 = 1 */
    bool b_cache;             /* GEMM: B (an activation: K^T or V) is read from the KV cache in
                                 DRAM, every time, never kept on chip (docs/llm.md) */
    bool out_cache;           /* the output (new K or V rows) is appended to the KV cache: it is
                                 always stored to DRAM */
    uint32_t group;           /* grouped-query attention: each instance stacks the rows of
                                 `group` heads that read one B (K or V of one KV head), token
                                 by token (row = token * group + head); m or rows is a
                                 multiple of it. 0 = 1 */
    bool causal;              /* softmax: entries above the diagonal are masked (a select on
                                 the input, no extra cycles; the GEMMs still compute them) */
    uint32_t inputs[ASIM_OP_MAX_INPUTS]; /* producing ops (graph indices) or ASIM_INPUT_MODEL */
    uint8_t n_inputs;         /* 0 until asim_graph_link() gives the default */
} asim_op_t;

typedef struct {
    char name[192];           /* the model spec, parameters included */
    asim_op_t *ops;
    size_t len, cap;
} asim_graph_t;

void asim_graph_init(asim_graph_t *g, const char *name);
void asim_graph_free(asim_graph_t *g);
/* Appends a copy of op; refuses more than ASIM_MODEL_MAX_OPS ops. */
asim_status_t asim_graph_add(asim_graph_t *g, const asim_op_t *op, asim_error_t *err);
/* Gives every op without inputs the default: the op before it (the first: the model input). */
void asim_graph_link(asim_graph_t *g);
/* Checks the graph: every input an existing, earlier op (a later one is a cycle or out of
 * order; an op no later op reads is one of the model's outputs), and each input shaped for
 * its consumer: the row the consumer reads (A: k; B: k or n; vector op: cols)
 * divides the producer's row (GEMM: n, vector op: cols) times its instances, since heads are
 * packed side by side in a row. `source` names the model in messages. */
asim_status_t asim_graph_check(const asim_graph_t *g, const char *source, asim_error_t *err);
/* Index of the op named `name`, or -1. */
long asim_graph_find(const asim_graph_t *g, const char *name);
/* True for the vector ops that read two operands of the same shape (add, mul). */
bool asim_op_kind_binary(asim_op_kind_t kind);
/* Heads stacked in one instance of op (its group, at least 1). */
uint64_t asim_op_group(const asim_op_t *op);
/* Multiply-accumulates of one op (all instances); 0 for vector ops. */
uint64_t asim_op_macs(const asim_op_t *op);
/* Elements produced by one op (all instances). */
uint64_t asim_op_outputs(const asim_op_t *op);
const char *asim_op_kind_name(asim_op_kind_t kind);
/* Checks an op's shape, count and widths against the caps; the problem goes into why. */
asim_status_t asim_op_check(const asim_op_t *op, char *why, size_t n);
/* Checks that a `b: shared` GEMM has an earlier op in g whose weight it reuses: a GEMM with
 * its own weight (not itself shared) of the same k x n. Otherwise its weight would be
 * stored nowhere (and left out of the pinned-weights budget); the problem goes into why. */
asim_status_t asim_graph_check_shared(const asim_graph_t *g, const asim_op_t *op, char *why,
                                      size_t n);
/* Kind from its name; false if unknown. */
bool asim_op_kind_parse(const char *name, asim_op_kind_t *kind);

/* A 2-D convolution as an ONNX Conv or a SCALE-Sim convolution topology row gives it. */
typedef struct {
    uint64_t batch, in_h, in_w, channels, filters;
    uint64_t filt_h, filt_w, stride_h, stride_w, dilation_h, dilation_w;
    uint64_t pads[4];         /* top, left, bottom, right */
    uint64_t groups;          /* channels and filters split into groups (depthwise: channels) */
    bool ceil_mode;           /* output size rounded up, as SCALE-Sim computes it (ONNX: down) */
} asim_conv_t;
/* The one im2col lowering of a convolution, used by every model source: a GEMM with
 * m = batch x output pixels, n = filters / groups, k = filter h x w x channels / groups,
 * count = groups, and a_reuse = filter h x w when windows overlap (stride < filter), else 1.
 * Output size per axis: (in + pads - dilation (filter - 1) - 1) / stride + 1, rounded down
 * (ONNX) or up (ceil_mode: SCALE-Sim's ceil((in - filter + stride) / stride)). Fills op's
 * shape fields and the output height (if out_h); the caller sets name, bits and inputs and
 * runs asim_op_check. The problem goes into why. */
asim_status_t asim_conv_lower(const asim_conv_t *c, asim_op_t *op, uint64_t *out_h, char *why,
                              size_t n);

/* Loads a model by built-in name (with parameters) or from a .yaml/.yml/.csv/.json/.onnx file. */
asim_status_t asim_model_load(const char *spec, asim_graph_t *g, asim_error_t *err);
/* Reads a model file in the YAML model format. */
asim_status_t asim_model_load_yaml(const char *path, asim_graph_t *g, asim_error_t *err);
/* Reads a SCALE-Sim GEMM topology CSV (header `Layer,M,N,K,`; trailing comma optional). */
asim_status_t asim_model_load_csv(const char *path, asim_graph_t *g, asim_error_t *err);
/* Same two, from len bytes of text; `name` names the input in messages. */
asim_status_t asim_model_parse_yaml(const char *name, const char *text, size_t len,
                                    asim_graph_t *g, asim_error_t *err);
asim_status_t asim_model_parse_csv(const char *name, const char *text, size_t len,
                                   asim_graph_t *g, asim_error_t *err);
/* Reads an ONNX or QONNX model (docs/onnx.md); `params` gives its symbolic dimensions,
 * "" or "name=value,name=value". The file is refused before it is read when over 2 GiB. */
asim_status_t asim_model_load_onnx(const char *path, const char *params, asim_graph_t *g,
                                   asim_error_t *err);
/* Same, from len bytes of a serialized ModelProto; `path` names it in messages. */
asim_status_t asim_model_parse_onnx(const char *path, const void *data, size_t len,
                                    const char *params, asim_graph_t *g, asim_error_t *err);
/* Builds a built-in model; `params` is "" or "key=value,key=value". */
asim_status_t asim_model_builtin(const char *name, const char *params, asim_graph_t *g,
                                 asim_error_t *err);
/* Caps on a Hugging Face config.json: bytes read, and nesting depth. */
#define ASIM_HF_MAX_BYTES (1u << 20)
/* Reads a Hugging Face config.json into its built-in family; `params` ("" or
 * "key=value,...") overrides or adds family parameters (phase, context, ...). */
asim_status_t asim_model_load_hf(const char *path, const char *params, asim_graph_t *g,
                                 asim_error_t *err);
/* Same, from len bytes of text; `name` names the input in messages. */
asim_status_t asim_model_parse_hf(const char *name, const char *text, size_t len,
                                  const char *params, asim_graph_t *g, asim_error_t *err);
/* Writes the built-in names, their defaults and parameters. */
void asim_model_list(FILE *out);

#endif
