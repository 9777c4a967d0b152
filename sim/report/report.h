/*
 * report.h: writers of a run's report: a text table for people, JSON and CSV for programs.
 * The JSON schema is versioned ("accelsim-report/1") and documented in docs/report.md.
 * Output depends only on the report, so the same inputs give byte-identical output.
 */
#ifndef ASIM_REPORT_H
#define ASIM_REPORT_H

#include <stdio.h>

#include "asim/sim.h"

#define ASIM_REPORT_SCHEMA "accelsim-report/3"

typedef enum { ASIM_FORMAT_TEXT, ASIM_FORMAT_JSON, ASIM_FORMAT_CSV } asim_format_t;

/* Parses "text", "json" or "csv"; false if none. */
bool asim_format_parse(const char *name, asim_format_t *fmt);
void asim_report_write(FILE *out, const asim_report_t *rep, asim_format_t fmt);
/* Average rate of moving `bits` in `cycles` of a clock_mhz clock, GB/s; 0 over no cycles. */
double asim_report_gbps(uint64_t bits, asim_cycle_t cycles, double clock_mhz);
/* True when the configured clock exceeds the unit's estimated Fmax (docs/fmax.md). */
bool asim_report_over_fmax(const asim_report_t *rep, const asim_unit_resources_t *u);
/* When unit i is over its Fmax estimate, writes the warning (no "WARNING:" prefix, no
 * newline) into buf and returns true. */
bool asim_report_fmax_warning(const asim_report_t *rep, size_t i, char *buf, size_t n);
/* Writes s as one CSV field (RFC 4180): quoted, with quotes doubled, if always_quote or if it
 * holds a comma, quote or line break; line breaks become spaces so a row stays one line. */
void asim_csv_field(FILE *out, const char *s, bool always_quote);

#endif
