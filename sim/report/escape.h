/*
 * escape.h: names that come from inputs (model, layer, config and file names may hold any
 * bytes) written safely for each output format. JSON strings stay valid JSON; text for
 * terminals, VCD names and values never carry a control character, a space or a DEL: such
 * bytes, and the backslash itself, become "\xHH". Bytes 0x80 and up (UTF-8) pass unchanged
 * in JSON and text, and are escaped in VCD, whose names are ASCII.
 */
#ifndef ASIM_REPORT_ESCAPE_H
#define ASIM_REPORT_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* s as a JSON string literal, quotes included. */
void asim_put_json_string(FILE *out, const char *s);
/* s for a terminal: control bytes, DEL and '\' as \xHH; truncated to fit n (NUL included). */
void asim_escape_text(const char *s, char *buf, size_t n);
/* s as one VCD token: every byte outside '!'..'~', and '\', as \xHH; truncated to fit n. */
void asim_escape_vcd(const char *s, char *buf, size_t n);

#endif
