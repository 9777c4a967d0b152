/* escape.c: per-format escaping of names (see escape.h). */
#include <stdbool.h>
#include <stdio.h>

#include "report/escape.h"

void asim_put_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* Copies s into buf, writing each byte for which keep() is false as \xHH; never splits an
 * escape when it truncates. */
static void escape_into(const char *s, char *buf, size_t n, bool (*keep)(unsigned char))
{
    size_t used = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        size_t len = keep(ch) ? 1 : 4;
        if (used + len >= n)
            break;
        if (len == 1)
            buf[used] = (char)ch;
        else
            snprintf(buf + used, 5, "\\x%02x", ch);
        used += len;
    }
    if (n)
        buf[used] = '\0';
}

static bool keep_text(unsigned char ch)
{
    return ch >= 0x20 && ch != 0x7f && ch != '\\';
}

static bool keep_vcd(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && ch != '\\';
}

void asim_escape_text(const char *s, char *buf, size_t n)
{
    escape_into(s, buf, n, keep_text);
}

void asim_escape_vcd(const char *s, char *buf, size_t n)
{
    escape_into(s, buf, n, keep_vcd);
}
