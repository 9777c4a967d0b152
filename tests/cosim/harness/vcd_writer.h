/*
 * vcd_writer.h: minimal VCD writer for C step models, so their ports can be diffed against a
 * Verilator trace. Signals live in one scope (Verilator puts top-level ports in "TOP"), are
 * declared before the first sample, and are written only when they change.
 */
#ifndef COSIM_VCD_WRITER_H
#define COSIM_VCD_WRITER_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *f;
    unsigned nsig;
    unsigned *width;     /* bits per signal */
    uint32_t **last;     /* last written value per signal, (width + 31) / 32 words */
    int *written;        /* 0 until the signal's first sample */
    int header_done;
} cosim_vcd_t;

/* Opens path and writes the header preamble; returns 0 or -1 (errno set). */
int cosim_vcd_open(cosim_vcd_t *v, const char *path, const char *scope);
/* Declares the next signal (ids are 0, 1, ... in call order); before the first sample. */
int cosim_vcd_add(cosim_vcd_t *v, const char *name, unsigned width);
/* Starts time step `t` (in timescale units). */
void cosim_vcd_time(cosim_vcd_t *v, uint64_t t);
/* Records the value of signal `id` (little-endian 32-bit words) at the current time. */
void cosim_vcd_value(cosim_vcd_t *v, unsigned id, const uint32_t *words);
void cosim_vcd_close(cosim_vcd_t *v);

#ifdef __cplusplus
}
#endif

#endif
