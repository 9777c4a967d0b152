/*
 * trace.h: the run's timeline (asim_report_t.spans, recorded with asim_sim_record_timeline)
 * as a Chrome trace-event file for Perfetto and chrome://tracing, and as a VCD for GTKWave.
 * docs/report.md describes both; the names inside are escaped for each format.
 *
 * Chrome trace: one track of layers (each layer's window: from the previous layer's end to
 * its own, so the windows partition the run), one track per unit and one for the DMA
 * channel, and counters of each layer window's average DRAM and buffer bandwidth. Times are
 * microseconds with three decimals: each cycle is converted once to whole nanoseconds, and a
 * slice's duration is its end's time minus its start's, so slices that touch in cycles touch
 * exactly in the file and nest exactly.
 *
 * VCD: `cycle` (64 bits, the cycle of each timestep), `layer` (the layer window, a string),
 * and per track `<track>_busy` (1 bit), `<track>_layer` (string, "-" when idle) and
 * `<track>_layer_index` (32 bits, the layer's index, listed in a comment). One timestep per
 * cycle at which something changes, each signal written at most once per timestep, so there
 * are no zero-width glitches. A `clk` toggles every cycle when the run is at most
 * ASIM_VCD_CLOCK_MAX_CYCLES long. Time is cycle x the clock period rounded to a whole number
 * of timescale units (1 ps, coarser only when the run would not fit in 64-bit times); the
 * header comment states the period used and the exact one.
 */
#ifndef ASIM_REPORT_TRACE_H
#define ASIM_REPORT_TRACE_H

#include <stdio.h>

#include "asim/error.h"
#include "asim/sim.h"

#define ASIM_TRACE_SCHEMA "accelsim-trace/1"
#define ASIM_VCD_CLOCK_MAX_CYCLES 65536

/* Fail (ERANGE) when the run's times do not fit the format, or (ENOMEM) out of memory. */
asim_status_t asim_trace_write_chrome(FILE *out, const asim_report_t *rep, asim_error_t *err);
asim_status_t asim_trace_write_vcd(FILE *out, const asim_report_t *rep, asim_error_t *err);

#endif
