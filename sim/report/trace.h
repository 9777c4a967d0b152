/*
 * trace.h: the run's timeline (asim_report_t.spans, recorded with asim_sim_record_timeline)
 * as a Chrome trace-event file that Perfetto and chrome://tracing open, one track per unit
 * and one for the DMA channel, and as a VCD of each track's activity: `<track>_busy` (1 bit)
 * and `<track>_layer` (32 bits, the index of the layer it works on).
 * Timestamps: microseconds (trace) and picoseconds (VCD) at the configured clock.
 */
#ifndef ASIM_REPORT_TRACE_H
#define ASIM_REPORT_TRACE_H

#include <stdio.h>

#include "asim/sim.h"

void asim_trace_write_chrome(FILE *out, const asim_report_t *rep);
void asim_trace_write_vcd(FILE *out, const asim_report_t *rep);

#endif
