/*
 * functional.h: bit-exact values of a whole model, the functional golden (docs/functional.md).
 *
 * Two independent implementations of one integer network, which must agree bit for bit:
 *   asim_fn_execute    runs a compiled program instruction by instruction on a DRAM image:
 *                      loads copy the codes a tile reads from DRAM into the buffer slot the
 *                      program names (a refill replaces what the slot held), computes read
 *                      them (or, for operands kept on chip, the producer's on-chip output)
 *                      and write their outputs on chip, stores copy output tiles to DRAM.
 *                      Instructions run in the token order (each queue as far as its tokens
 *                      let it: stores, loads, then the compute queues) or in the timed order
 *                      of a timing run's stamps, so a missing token shows up as a value read
 *                      before it is written or after its slot was refilled;
 *   asim_fn_reference  whole tensors, one op after another in graph order, plain loops; no
 *                      program, no tiles, no addresses.
 * Inputs, weights and parameters are seeded pseudo-random codes (asim_fn_seed_code), the
 * same for both. The arithmetic (formats, GEMM requantization, the QUARK kernels of the vector
 * ops) is specified in docs/functional.md; each implementation writes its own.
 *
 * Codes: a tensor of `bits` holds two's complement codes, except bits = 1: codes -1 and +1
 * (stored as 0 and 1). Every code an implementation hands out is an int32.
 */
#ifndef ASIM_FUNCTIONAL_FUNCTIONAL_H
#define ASIM_FUNCTIONAL_FUNCTIONAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "asim/error.h"
#include "asim/model.h"
#include "asim/sim.h"
#include "program/program.h"

/* Tensor ids of the seeded contents: the model input, and op o's own B (weight or
 * parameter) as ASIM_FN_TENSOR_B(o). */
#define ASIM_FN_TENSOR_INPUT 0u
#define ASIM_FN_TENSOR_B(o) ((uint32_t)(o) + 1u)

/* Element `index` of seeded tensor `tensor`: a code uniform over the `bits`-bit range
 * (-1 or +1 for bits = 1), from splitmix64 of (seed, tensor, index). */
int32_t asim_fn_seed_code(uint64_t seed, uint32_t tensor, uint64_t index, unsigned bits);

/* Code i of a packed tensor at byte address addr of an image (docs/program.md, "Tensors in
 * DRAM"), and the same for writing (the code is wrapped to bits; bits = 1 stores code > 0). */
int32_t asim_fn_get(const uint8_t *img, uint64_t addr, uint64_t i, unsigned bits);
void asim_fn_put(uint8_t *img, uint64_t addr, uint64_t i, unsigned bits, int32_t code);

/* Writes the seeded model input, weights and parameters into img (p->dram_bytes) at the
 * program's addresses; other bytes are left as they are. */
void asim_fn_seed_image(const asim_program_t *p, const asim_graph_t *g, uint64_t seed,
                        uint8_t *img);

/* The lowest and highest DRAM byte a load reads or a store writes (every code it moves, as
 * asim_fn_execute moves them); false when it moves none (a compute, a 0-bit load). With a
 * mask (p->dram_bytes), also sets mask[b] = 1 for every byte b it touches. */
bool asim_fn_transfer_span(const asim_program_t *p, const asim_graph_t *g, const asim_insn_t *in,
                           uint64_t *lo, uint64_t *hi, uint8_t *mask);

/* What a run leaves: the DRAM image (p->dram_bytes) and the on-chip image of every op's
 * output (same addresses), both the caller's to free with asim_fn_images_free. */
typedef struct {
    uint8_t *dram, *chip;
    uint64_t bytes;
} asim_fn_images_t;

void asim_fn_images_free(asim_fn_images_t *im);

/* When each instruction issued and completed in a timed run of the program (the C executor's
 * stamps, indexed by first[queue] + index). */
typedef struct {
    const uint64_t *issued_at, *done_at;
    const size_t *first;
} asim_fn_stamps_t;

/* Runs program p, compiled from g, on seeded inputs: in the token order (stamps NULL) or in
 * the timed order of the stamps (docs/functional.md). ASIM_EUNSUPPORTED (naming the op) for
 * an op no unit runs or a kind or width without a functional kernel; ASIM_EDEADLOCK if the
 * tokens stop every queue before the end. */
asim_status_t asim_fn_execute(const asim_program_t *p, const asim_graph_t *g, uint64_t seed,
                              const asim_fn_stamps_t *stamps, asim_fn_images_t *im,
                              asim_error_t *err);

/* The plain reference: out[o] = op o's output codes, rows x cols of its output layout
 * (asim_tensor_layout), row-major; each array and out itself are the caller's to free with
 * asim_fn_reference_free(out, g->len). */
asim_status_t asim_fn_reference(const asim_graph_t *g, uint64_t seed, int32_t ***out,
                                asim_error_t *err);
void asim_fn_reference_free(int32_t **out, size_t n);

/* The comparison of a run with the reference. */
typedef struct {
    uint64_t chip_values;     /* on-chip output codes compared (every op's) */
    uint64_t dram_values;     /* DRAM output codes compared (every op whose tiles store) */
    bool match;
    char first[256];          /* the first difference: op, place, expected, actual */
} asim_fn_compare_t;

/* Compares every op's on-chip output and every stored output in DRAM with the reference. */
void asim_fn_compare(const asim_program_t *p, const asim_graph_t *g, const asim_fn_images_t *im,
                     int32_t *const *ref, asim_fn_compare_t *c);

/* The whole check: runs g on s (its timing model compiles and times the program; one run per
 * simulator), then the program functionally in the token order (c[0]) and in the timed order
 * (c[1], whose images go to *im, the caller's to free with asim_fn_images_free), and the
 * reference on seed, and compares each run with it. *p points at the program (s owns it). */
asim_status_t asim_fn_check(asim_sim_t *s, const asim_graph_t *g, uint64_t seed,
                            const asim_program_t **p, asim_fn_images_t *im,
                            asim_fn_compare_t c[2], asim_error_t *err);
/* Writes the model's outputs (the ops no later op reads) from the DRAM image as text: per op a
 * line "# op NAME ROWS x COLS, BITS-bit codes", then its rows of codes. */
void asim_fn_write_outputs(FILE *f, const asim_program_t *p, const asim_graph_t *g,
                           const asim_fn_images_t *im);

#endif
