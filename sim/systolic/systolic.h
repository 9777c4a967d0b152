/*
 * systolic.h: the systolic PE array, job model.
 *
 * A GEMM C[M x N] = A[M x K] * B[K x N] is mapped on an R x C array by its dataflow:
 *   os (output stationary): array rows <- M, array cols <- N, streamed length T = K
 *   ws (weight stationary): array rows <- K, array cols <- N, streamed length T = M
 *   is (input stationary):  array rows <- K, array cols <- M, streamed length T = N
 * Dimensions larger than the array are folded into ceil(dim/R) x ceil(dim/C) tiles; every
 * tile streams the full T. A tile costs L = 2R + C + 2 + T cycles, edge tiles included (the
 * controller always runs the full skew and drain; the 2 is the PE's multiply-to-accumulate
 * pipeline, ASIM_SYSTOLIC_PE_STAGES): os streams T beats, then the last result leaves
 * R + C - 1 cycles of skew, 2 pipeline cycles, one capture cycle and R drain cycles later;
 * ws/is load R beats, stream T beats, and the last partial sum leaves R + C + 2 cycles after
 * the last beat.
 * With tile_overlap false every tile pays all of L; with it true, tiles start max(T, R)
 * cycles apart (os: shadow result registers, a column drains in R cycles; ws/is: double-
 * buffered weights, the next load of R beats overlaps this tile's T beats), so a GEMM of n
 * tiles takes (n - 1) * max(T, R) + L cycles. These forms are derived from the RTL
 * (rtl/systolic/, docs/systolic.md); tests/unit/test_systolic_props.c checks them against
 * the step model (sim/systolic/systolic_step.h), tests/cosim the step model against the RTL.
 *
 * Activity counts are exact element counts (not bits): operands read into the array,
 * outputs written out of it, and partial sums read back when K is folded (ws, is).
 */
#ifndef ASIM_SYSTOLIC_SYSTOLIC_H
#define ASIM_SYSTOLIC_SYSTOLIC_H

#include <stdbool.h>
#include <stdint.h>

#include "asim/sim.h"
#include "asim/time.h"

/* Pipeline registers in a PE between its multiply and its accumulate (rtl/systolic/sys_pe.v:
 * the DSP48's M and P registers); they lengthen every tile's fill and drain by as much. */
#define ASIM_SYSTOLIC_PE_STAGES 2u

typedef enum { ASIM_DATAFLOW_OS, ASIM_DATAFLOW_WS, ASIM_DATAFLOW_IS } asim_dataflow_t;

typedef struct {
    uint32_t rows, cols;       /* PEs */
    asim_dataflow_t dataflow;
    bool tile_overlap;
} asim_systolic_geom_t;

typedef struct {
    uint64_t m, n, k;          /* C[m x n] = A[m x k] * B[k x n] */
} asim_gemm_shape_t;

typedef struct {
    asim_cycle_t cycles;       /* from the first operand in to the last result out */
    uint64_t tiles;            /* folds */
    uint64_t macs;             /* useful multiply-accumulates, m * n * k */
    uint64_t a_reads;          /* elements of A read into the array */
    uint64_t b_reads;          /* elements of B read into the array */
    uint64_t c_writes;         /* output or partial-sum elements written out */
    uint64_t psum_reads;       /* partial sums read back to accumulate over K folds */
} asim_systolic_counts_t;

/* Exact cycles and activity of one GEMM on the array (closed form, no stepping). */
void asim_systolic_job(const asim_systolic_geom_t *g, const asim_gemm_shape_t *s,
                       asim_systolic_counts_t *out);
/* Cycles of one tile with streamed length t: 2R + C + 2 + t. */
asim_cycle_t asim_systolic_tile_cycles(const asim_systolic_geom_t *g, uint64_t t);
/* The dataflow's mapping: array rows <- *rows_dim, columns <- *cols_dim, streamed length *t. */
void asim_systolic_map(asim_dataflow_t df, const asim_gemm_shape_t *s, uint64_t *rows_dim,
                       uint64_t *cols_dim, uint64_t *t);
/* FPGA resources of an array with a_bits x b_bits operands and acc_bits accumulators, from
 * formulas fitted to Yosys runs of rtl/systolic (systolic_resource.c, docs/systolic.md). */
void asim_systolic_resources(const asim_systolic_geom_t *g, int a_bits, int b_bits,
                             int acc_bits, asim_resources_t *out);
/* "os", "ws", "is". */
const char *asim_dataflow_name(asim_dataflow_t df);

#endif
