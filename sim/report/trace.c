/* trace.c: Chrome trace-event and VCD writers of the timeline (see trace.h). */
#include <stdlib.h>
#include <string.h>

#include "report/trace.h"

#define MAX_TRACKS 8

/* Tracks in order of first appearance; returns their count. */
static size_t tracks_of(const asim_report_t *r, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_spans; i++) {
        size_t t = 0;
        while (t < n && strcmp(names[t], r->spans[i].unit) != 0)
            t++;
        if (t == n && n < MAX_TRACKS)
            names[n++] = r->spans[i].unit;
    }
    return n;
}

static size_t track_of(const char **names, size_t n, const char *unit)
{
    for (size_t t = 0; t < n; t++)
        if (strcmp(names[t], unit) == 0)
            return t;
    return 0;
}

void asim_trace_write_chrome(FILE *out, const asim_report_t *r)
{
    const char *names[MAX_TRACKS];
    size_t n = tracks_of(r, names);
    double mhz = r->cfg->clock_mhz;
    fprintf(out, "{\"displayTimeUnit\": \"ns\", \"traceEvents\": [\n");
    fprintf(out, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": "
                 "\"accelsim %s on %s\"}}",
            r->graph->name, r->cfg->name);
    for (size_t t = 0; t < n; t++)
        fprintf(out, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %zu, "
                     "\"args\": {\"name\": \"%s\"}}",
                t + 1, names[t]);
    for (size_t i = 0; i < r->n_spans; i++) {
        const asim_span_t *sp = &r->spans[i];
        const asim_op_t *op = r->layers[sp->layer].op;
        fprintf(out, ",\n{\"name\": \"%s\", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": 1, "
                     "\"tid\": %zu, \"ts\": %.6f, \"dur\": %.6f, \"args\": {\"layer\": %zu, "
                     "\"start_cycle\": %llu, \"cycles\": %llu}}",
                op->name, sp->what, track_of(names, n, sp->unit) + 1, (double)sp->start / mhz,
                (double)(sp->end - sp->start) / mhz, sp->layer,
                (unsigned long long)sp->start, (unsigned long long)(sp->end - sp->start));
    }
    fprintf(out, "\n]}\n");
}

typedef struct {
    asim_cycle_t at;
    size_t track;
    int busy;                 /* 1 = a span starts, 0 = it ends */
    size_t layer;
    size_t seq;               /* order of creation, for a stable sort */
} change_t;

static int change_cmp(const void *a, const void *b)
{
    const change_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->busy != y->busy)
        return x->busy - y->busy; /* ends before starts at the same time */
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void vcd_bits(FILE *out, size_t value, char id_kind, size_t track)
{
    fputc('b', out);
    for (int b = 31; b >= 0; b--)
        fputc((value >> b) & 1 ? '1' : '0', out);
    fprintf(out, " %c%zu\n", id_kind, track);
}

void asim_trace_write_vcd(FILE *out, const asim_report_t *r)
{
    const char *names[MAX_TRACKS];
    size_t n = tracks_of(r, names);
    change_t *ch = malloc((2 * r->n_spans + 1) * sizeof *ch);
    if (!ch)
        return;
    for (size_t i = 0; i < r->n_spans; i++) {
        const asim_span_t *sp = &r->spans[i];
        size_t t = track_of(names, n, sp->unit);
        ch[2 * i] = (change_t){sp->start, t, 1, sp->layer, 2 * i};
        ch[2 * i + 1] = (change_t){sp->end, t, 0, sp->layer, 2 * i + 1};
    }
    qsort(ch, 2 * r->n_spans, sizeof *ch, change_cmp);
    fprintf(out, "$comment accelsim %s: %s on %s $end\n$timescale 1 ps $end\n"
                 "$scope module accelsim $end\n",
            ASIM_VERSION, r->graph->name, r->cfg->name);
    for (size_t t = 0; t < n; t++)
        fprintf(out, "$var wire 1 b%zu %s_busy $end\n$var wire 32 l%zu %s_layer $end\n", t,
                names[t], t, names[t]);
    fprintf(out, "$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n");
    for (size_t t = 0; t < n; t++) {
        fprintf(out, "0b%zu\n", t);
        vcd_bits(out, 0, 'l', t);
    }
    fprintf(out, "$end\n");
    double ps_per_cycle = 1e6 / r->cfg->clock_mhz;
    long long last = -1;
    for (size_t i = 0; i < 2 * r->n_spans; i++) {
        long long at = (long long)((double)ch[i].at * ps_per_cycle + 0.5);
        if (at != last)
            fprintf(out, "#%lld\n", at);
        last = at;
        fprintf(out, "%db%zu\n", ch[i].busy, ch[i].track);
        if (ch[i].busy)
            vcd_bits(out, ch[i].layer, 'l', ch[i].track);
    }
    free(ch);
}
