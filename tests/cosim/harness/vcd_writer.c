/* vcd_writer.c: see vcd_writer.h. */
#include "vcd_writer.h"

#include <stdlib.h>
#include <string.h>

/* VCD identifier of signal i: base-94 digits in the printable range '!'..'~'. */
static void vcd_id(unsigned i, char *out)
{
    do {
        *out++ = (char)('!' + i % 94);
        i /= 94;
    } while (i);
    *out = '\0';
}

int cosim_vcd_open(cosim_vcd_t *v, const char *path, const char *scope)
{
    memset(v, 0, sizeof *v);
    v->f = fopen(path, "w");
    if (!v->f)
        return -1;
    fprintf(v->f, "$timescale 1ps $end\n$scope module %s $end\n", scope);
    return 0;
}

int cosim_vcd_add(cosim_vcd_t *v, const char *name, unsigned width)
{
    unsigned n = v->nsig + 1;
    unsigned *w = realloc(v->width, n * sizeof *w);
    if (!w)
        return -1;
    v->width = w;
    uint32_t **l = realloc(v->last, n * sizeof *l);
    if (!l)
        return -1;
    v->last = l;
    int *wr = realloc(v->written, n * sizeof *wr);
    if (!wr)
        return -1;
    v->written = wr;
    v->last[v->nsig] = calloc((width + 31) / 32, sizeof(uint32_t));
    if (!v->last[v->nsig])
        return -1;
    v->width[v->nsig] = width;
    v->written[v->nsig] = 0;
    char id[8];
    vcd_id(v->nsig, id);
    if (width == 1)
        fprintf(v->f, "$var wire 1 %s %s $end\n", id, name);
    else
        fprintf(v->f, "$var wire %u %s %s [%u:0] $end\n", width, id, name, width - 1);
    v->nsig = n;
    return 0;
}

void cosim_vcd_time(cosim_vcd_t *v, uint64_t t)
{
    if (!v->header_done) {
        fprintf(v->f, "$upscope $end\n$enddefinitions $end\n");
        v->header_done = 1;
    }
    fprintf(v->f, "#%llu\n", (unsigned long long)t);
}

void cosim_vcd_value(cosim_vcd_t *v, unsigned id, const uint32_t *words)
{
    unsigned width = v->width[id], nw = (width + 31) / 32;
    uint32_t mask = width % 32 ? (UINT32_C(1) << (width % 32)) - 1 : UINT32_MAX;
    uint32_t top = words[nw - 1] & mask;
    if (v->written[id] && !memcmp(v->last[id], words, (nw - 1) * sizeof *words) &&
        v->last[id][nw - 1] == top)
        return;
    memcpy(v->last[id], words, (nw - 1) * sizeof *words);
    v->last[id][nw - 1] = top;
    v->written[id] = 1;
    char sid[8];
    vcd_id(id, sid);
    if (width == 1) {
        fprintf(v->f, "%c%s\n", top ? '1' : '0', sid);
        return;
    }
    fputc('b', v->f);
    for (unsigned b = width; b-- > 0;)
        fputc((v->last[id][b / 32] >> (b % 32)) & 1 ? '1' : '0', v->f);
    fprintf(v->f, " %s\n", sid);
}

void cosim_vcd_close(cosim_vcd_t *v)
{
    if (v->f)
        fclose(v->f);
    for (unsigned i = 0; i < v->nsig; i++)
        free(v->last[i]);
    free(v->last);
    free(v->width);
    free(v->written);
    memset(v, 0, sizeof *v);
}
