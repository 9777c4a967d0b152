/*
 * qmm.h: the configurable binary / multi-precision QMM engine (BETA), job model.
 *
 * Micro-architecture (docs/qmm.md): D dot-product units (DPUs) share one broadcast
 * activation bus of L 8-bit lanes. At activation precision A (1, 2, 4 or 8 bits) each lane
 * unfolds into 8/A sub-lanes, so a DPU takes P(A) = L * 8 / A activations per cycle ("lane
 * unfolding"). Each DPU holds its own B operand stream, one bit per element per pass:
 *   - binary B (+1/-1, BETA's 1-bit weights): one pass; a product is a conditional negate;
 *   - multi-bit B of b bits (activation x activation in attention, or multi-bit weights):
 *     b passes over B's bit planes, least significant first, each plane gating the
 *     activations (0 or x) and the pass result shifted by its bit (the sign plane
 *     subtracted for signed B).
 * A GEMM C[M x N] = A[M x K] * B[K x N] runs row by row of A; for each row the N outputs
 * are computed D at a time (a "group"), each taking ceil(K / P(A)) cycles per pass. The
 * accumulators are double-buffered, so groups follow back to back and the post-processing
 * (the computation-flow rewrite, one multiply-add per output) is hidden; only the pipeline
 * latency is paid once per job:
 *   cycles = M * ceil(N / D) * ceil(K / P(A)) * passes + ASIM_QMM_PIPELINE
 * Activity: MACs = M * N * K; activation elements read = M * ceil(N/D) * K * passes (the
 * row is re-broadcast per group and pass); B bits read = M * N * K * passes; outputs = M * N.
 */
#ifndef ASIM_QMM_QMM_H
#define ASIM_QMM_QMM_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/sim.h"
#include "asim/time.h"

/* Cycles from a job's last beat to its last output, the registers a beat passes
 * (rtl/qmm/qmm_engine.v): input register, lane partial sums, lane sums, lane-sum tree,
 * accumulator / double buffer, post multiply, post add, rounding shift, saturation (the
 * output register). The lane and post stages are split so that the engine reaches 300 MHz
 * (docs/fmax.md). */
#define ASIM_QMM_PIPELINE 9

typedef struct {
    uint32_t dpus;            /* D */
    uint32_t lanes;           /* L, 8-bit lanes per DPU */
} asim_qmm_geom_t;

typedef struct {
    uint64_t m, n, k;         /* C[m x n] = A[m x k] * B[k x n] */
    int act_bits;             /* A: 1, 2, 4 or 8 */
    int b_bits;               /* 1 with b_binary, else 1..8 bit planes */
    bool b_binary;            /* B is +1/-1 (one pass) */
} asim_qmm_job_t;

typedef struct {
    asim_cycle_t cycles;
    uint64_t passes;          /* bit-serial passes over B */
    uint64_t groups;          /* M * ceil(N / D) */
    uint64_t k_steps;         /* ceil(K / P(A)) */
    uint64_t macs;
    uint64_t act_reads;       /* activation elements broadcast */
    uint64_t b_bit_reads;     /* B bits read */
    uint64_t outputs;         /* M * N */
} asim_qmm_counts_t;

/* FPGA resources of an engine of g->dpus DPUs x g->lanes lanes with acc_bits accumulators,
 * calibrated to Yosys runs of rtl/qmm (qmm_resource.c, docs/qmm.md). */
void asim_qmm_resources(const asim_qmm_geom_t *g, int acc_bits, asim_resources_t *out);
/* Activations a DPU takes per cycle at precision act_bits: lanes * 8 / act_bits. */
uint64_t asim_qmm_elems_per_cycle(const asim_qmm_geom_t *g, int act_bits);
/* Exact cycles and activity of one job (closed form). */
void asim_qmm_job(const asim_qmm_geom_t *g, const asim_qmm_job_t *j, asim_qmm_counts_t *out);
/* The precision the engine runs an op of a_bits at: the smallest supported power of two
 * >= a_bits, or 0 if a_bits is wider than max_bits. */
int asim_qmm_act_mode(int a_bits, int min_bits, int max_bits);

#endif
