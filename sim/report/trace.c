/* trace.c: Chrome trace-event and VCD writers of the timeline (see trace.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/report.h"
#include "report/trace.h"

#define MAX_TRACKS 8
#define NAME_BUF 256

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

/* The last cycle the timeline reaches. */
static asim_cycle_t last_cycle(const asim_report_t *r)
{
    asim_cycle_t end = r->total_cycles;
    for (size_t i = 0; i < r->n_spans; i++)
        end = r->spans[i].end > end ? r->spans[i].end : end;
    for (size_t i = 0; i < r->n_layers; i++)
        end = r->layers[i].end > end ? r->layers[i].end : end;
    return end;
}

/* ---- Chrome trace events ---- */

/* Cycle c in whole nanoseconds: the one rounding every time in the trace goes through. */
static long long cycle_ns(asim_cycle_t c, double mhz)
{
    return llround((double)c * 1e3 / mhz);
}

/* ns as microseconds, exactly (three decimals). */
static void put_us(FILE *out, long long ns)
{
    fprintf(out, "%lld.%03lld", ns / 1000, ns % 1000);
}

/* Opens a slice as a begin ("B") event; the caller writes its args, closes them with "}}"
 * and ends it with chrome_end. Begin and end events of touching slices carry the same time
 * text, so any reader of the file sees them touch exactly. */
static void chrome_begin(FILE *out, size_t tid, const char *name, const char *cat,
                         asim_cycle_t start, double mhz)
{
    fprintf(out, ",\n{\"name\": ");
    asim_put_json_string(out, name);
    fprintf(out, ", \"cat\": \"%s\", \"ph\": \"B\", \"pid\": 1, \"tid\": %zu, \"ts\": ", cat, tid);
    put_us(out, cycle_ns(start, mhz));
    fprintf(out, ", \"args\": {");
}

static void chrome_end(FILE *out, size_t tid, asim_cycle_t end, double mhz)
{
    fprintf(out, ",\n{\"ph\": \"E\", \"pid\": 1, \"tid\": %zu, \"ts\": ", tid);
    put_us(out, cycle_ns(end, mhz));
    fputc('}', out);
}

static void chrome_counter_as(FILE *out, const char *name, const char *unit, asim_cycle_t at,
                              double value, double mhz)
{
    fprintf(out, ",\n{\"name\": \"%s\", \"ph\": \"C\", \"pid\": 1, \"ts\": ", name);
    put_us(out, cycle_ns(at, mhz));
    fprintf(out, ", \"args\": {\"%s\": %.6g}}", unit, value);
}

static void chrome_counter(FILE *out, const char *name, asim_cycle_t at, double value,
                           double mhz)
{
    chrome_counter_as(out, name, "GB/s", at, value, mhz);
}

/* The buffers' occupancy: bits loaded for tiles not computed yet, at each change. */
static void chrome_occupancy(FILE *out, const asim_report_t *r, double mhz)
{
    for (size_t i = 0; i < r->n_occupancy; i++)
        chrome_counter_as(out, "buffer occupancy (KiB)", "KiB", r->occupancy[i].at,
                          (double)r->occupancy[i].bits / 8192.0, mhz);
}

static void chrome_thread(FILE *out, size_t tid, const char *name)
{
    fprintf(out, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %zu, "
                 "\"args\": {\"name\": ",
            tid);
    asim_put_json_string(out, name);
    fprintf(out, "}},\n{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 1, "
                 "\"tid\": %zu, \"args\": {\"sort_index\": %zu}}",
            tid, tid);
}

/* Track 1: each layer's window, with its figures as args; and the bandwidth counters. */
static void chrome_layers(FILE *out, const asim_report_t *r, double mhz)
{
    asim_cycle_t from = 0;
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        asim_cycle_t to = l->end > from ? l->end : from;
        uint64_t sram = l->act.sram_read_bits + l->act.sram_write_bits;
        chrome_begin(out, 1, l->op->name, "layer", from, mhz);
        fprintf(out, "\"layer\": %zu, \"op\": \"%s\", \"unit\": ", i,
                asim_op_kind_name(l->op->kind));
        asim_put_json_string(out, l->unit);
        fprintf(out, ", \"status\": \"%s\", \"mode\": ", l->supported ? "ok" : "unsupported");
        asim_put_json_string(out, l->mode);
        fprintf(out, ", \"window_start_cycle\": %llu, \"compute_start_cycle\": %llu, "
                     "\"end_cycle\": %llu, \"cycles\": %llu, \"utilization\": %.6f, "
                     "\"macs\": %llu, \"dram_bits\": %llu, \"sram_bits\": %llu, "
                     "\"energy_mj\": %.9g}}",
                (unsigned long long)from, (unsigned long long)l->start,
                (unsigned long long)to, (unsigned long long)l->cycles, l->utilization,
                (unsigned long long)l->act.macs, (unsigned long long)l->dram_bits,
                (unsigned long long)sram, l->energy_pj * 1e-9);
        chrome_end(out, 1, to, mhz);
        chrome_counter(out, "DRAM GB/s (layer average)", from,
                       asim_report_gbps(l->dram_bits, to - from, mhz), mhz);
        chrome_counter(out, "buffer GB/s (layer average)", from,
                       asim_report_gbps(sram, to - from, mhz), mhz);
        from = to;
    }
    chrome_counter(out, "DRAM GB/s (layer average)", from, 0, mhz);
    chrome_counter(out, "buffer GB/s (layer average)", from, 0, mhz);
}

/* One span of a unit or the DMA channel; spans of one track follow one another in time. */
static void chrome_span(FILE *out, const asim_report_t *r, const asim_span_t *sp, size_t tid,
                        double mhz)
{
    const asim_op_t *op = r->layers[sp->layer].op;
    chrome_begin(out, tid, op->name, sp->what, sp->start, mhz);
    fprintf(out, "\"layer\": ");
    asim_put_json_string(out, op->name);
    fprintf(out, ", \"layer_index\": %zu, \"op\": \"%s\", \"what\": \"%s\", "
                 "\"start_cycle\": %llu, \"end_cycle\": %llu, \"cycles\": %llu}}",
            sp->layer, asim_op_kind_name(op->kind), sp->what, (unsigned long long)sp->start,
            (unsigned long long)sp->end, (unsigned long long)(sp->end - sp->start));
    chrome_end(out, tid, sp->end, mhz);
}

asim_status_t asim_trace_write_chrome(FILE *out, const asim_report_t *r, asim_error_t *err)
{
    const char *names[MAX_TRACKS];
    size_t n = tracks_of(r, names);
    double mhz = r->cfg->clock_mhz;
    asim_cycle_t last = last_cycle(r);
    if ((double)last * 1e3 / mhz >= 0x1p62) /* whole ns in a long long, with room */
        return asim_error_set(err, ASIM_ERANGE, "--trace",
                              "the timeline's %llu cycles at %g MHz exceed the trace's time "
                              "range (2^62 ns)",
                              (unsigned long long)last, mhz);
    fprintf(out, "{\"otherData\": {\"schema\": \"%s\", \"accelsim_version\": \"%s\", "
                 "\"clock_mhz\": %.17g, \"time\": \"us; cycles rounded to whole ns\"},\n"
                 "\"traceEvents\": [\n{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, "
                 "\"args\": {\"name\": ",
            ASIM_TRACE_SCHEMA, ASIM_VERSION, mhz);
    char title[2 * NAME_BUF];
    snprintf(title, sizeof title, "accelsim %s on %s", r->graph->name, r->cfg->name);
    asim_put_json_string(out, title);
    fprintf(out, "}}");
    chrome_thread(out, 1, "layers");
    for (size_t t = 0; t < n; t++)
        chrome_thread(out, t + 2, names[t]);
    chrome_layers(out, r, mhz);
    chrome_occupancy(out, r, mhz);
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < r->n_spans; i++)
            if (strcmp(r->spans[i].unit, names[t]) == 0)
                chrome_span(out, r, &r->spans[i], t + 2, mhz);
    fprintf(out, "\n]}\n");
    return ASIM_OK;
}

/* ---- VCD ---- */

typedef enum { CH_END, CH_WINDOW, CH_START } change_kind_t; /* order within a cycle */

typedef struct {
    asim_cycle_t at;
    change_kind_t kind;
    size_t track;             /* CH_START, CH_END */
    size_t layer;
    size_t seq;               /* order of creation, for a stable sort */
} change_t;

static int change_cmp(const void *a, const void *b)
{
    const change_t *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every span's start and end and every layer window's start, sorted. */
static change_t *changes_of(const asim_report_t *r, const char **names, size_t n_tracks,
                            size_t *n)
{
    change_t *ch = malloc((2 * r->n_spans + r->n_layers + 1) * sizeof *ch);
    if (!ch)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < r->n_spans; i++) {
        const asim_span_t *sp = &r->spans[i];
        size_t t = track_of(names, n_tracks, sp->unit);
        ch[k] = (change_t){sp->start, CH_START, t, sp->layer, k};
        k++;
        ch[k] = (change_t){sp->end, CH_END, t, sp->layer, k};
        k++;
    }
    asim_cycle_t from = 0;
    for (size_t i = 0; i < r->n_layers; i++) {
        ch[k] = (change_t){from, CH_WINDOW, 0, i, k};
        k++;
        from = r->layers[i].end > from ? r->layers[i].end : from;
    }
    qsort(ch, k, sizeof *ch, change_cmp);
    *n = k;
    return ch;
}

/* The timescale: the finest unit in which the period rounds to at least one unit and
 * (last + 1) periods fit a signed 64-bit time. */
typedef struct {
    const char *unit;
    long long period;         /* units per cycle */
} timescale_t;

static bool choose_timescale(double mhz, asim_cycle_t last, timescale_t *ts)
{
    static const char *const units[] = {"1 ps",   "10 ps", "100 ps", "1 ns",  "10 ns",
                                        "100 ns", "1 us",  "10 us",  "100 us", "1 ms",
                                        "10 ms",  "100 ms", "1 s"};
    double unit_ps = 1, period_ps = 1e6 / mhz;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++, unit_ps *= 10) {
        long long p = llround(period_ps / unit_ps);
        if (p < 1)
            return false;
        if (last < (asim_cycle_t)(INT64_MAX / p)) {
            *ts = (timescale_t){units[u], p};
            return true;
        }
    }
    return false;
}

/* Short VCD identifier of signal i ('!'..'~', base 94). */
static void vcd_id(size_t i, char id[8])
{
    size_t k = 0;
    do {
        id[k++] = (char)('!' + i % 94);
        i /= 94;
    } while (i && k < 7);
    id[k] = '\0';
}

typedef struct {
    FILE *out;
    bool first;               /* the first timestep: $dumpvars, every signal */
} vcd_t;

static void vcd_bits(vcd_t *v, uint64_t value, size_t sig)
{
    char id[8], bits[65];
    int k = 64;
    bits[k] = '\0';
    do {
        bits[--k] = (char)('0' + (value & 1));
        value >>= 1;
    } while (value);
    vcd_id(sig, id);
    fprintf(v->out, "b%s %s\n", bits + k, id);
}

static void vcd_bit(vcd_t *v, int value, size_t sig)
{
    char id[8];
    vcd_id(sig, id);
    fprintf(v->out, "%d%s\n", value, id);
}

static void vcd_string(vcd_t *v, const char *s, size_t sig)
{
    char id[8], buf[NAME_BUF];
    vcd_id(sig, id);
    asim_escape_vcd(s, buf, sizeof buf);
    fprintf(v->out, "s%s %s\n", buf, id);
}

/* Signal numbers: clk, cycle, layer, then per track busy, layer, layer_index. */
enum { SIG_CLK, SIG_CYCLE, SIG_WINDOW, SIG_TRACK0 };
#define SIG_BUSY(t) (SIG_TRACK0 + 3 * (t))
#define SIG_LAYER(t) (SIG_TRACK0 + 3 * (t) + 1)
#define SIG_INDEX(t) (SIG_TRACK0 + 3 * (t) + 2)
#define IDLE SIZE_MAX

typedef struct {
    size_t active;            /* spans running on the track */
    size_t layer;             /* of the latest span started, IDLE when none runs */
    size_t shown;             /* layer last written (IDLE: "-") */
    bool busy_shown;
} track_state_t;

static void vcd_header(FILE *out, const asim_report_t *r, const char **names, size_t n,
                       const timescale_t *ts, bool clock)
{
    char model[NAME_BUF], cfg[NAME_BUF], name[NAME_BUF], id[8];
    asim_escape_text(r->graph->name, model, sizeof model);
    asim_escape_text(r->cfg->name, cfg, sizeof cfg);
    fprintf(out, "$comment accelsim %s (%s): %s on %s $end\n", ASIM_VERSION, ASIM_TRACE_SCHEMA,
            model, cfg);
    fprintf(out, "$comment clock %.17g MHz: one cycle is %lld x %s (the exact period is "
                 "%.6f ps); the signal cycle holds each timestep's exact cycle%s $end\n",
            r->cfg->clock_mhz, ts->period, ts->unit, 1e6 / r->cfg->clock_mhz,
            clock ? "" : "; clk is left out: the run is longer than "
                         "ASIM_VCD_CLOCK_MAX_CYCLES");
    fprintf(out, "$comment layer_index values:");
    for (size_t i = 0; i < r->n_layers; i++) {
        asim_escape_vcd(r->layers[i].op->name, name, sizeof name);
        fprintf(out, " %zu=%s", i, name);
    }
    fprintf(out, " $end\n$timescale %s $end\n$scope module accelsim $end\n", ts->unit);
    if (clock) {
        vcd_id(SIG_CLK, id);
        fprintf(out, "$var wire 1 %s clk $end\n", id);
    }
    vcd_id(SIG_CYCLE, id);
    fprintf(out, "$var wire 64 %s cycle $end\n", id);
    vcd_id(SIG_WINDOW, id);
    fprintf(out, "$var string 1 %s layer $end\n", id);
    for (size_t t = 0; t < n; t++) {
        asim_escape_vcd(names[t], name, sizeof name);
        vcd_id(SIG_BUSY(t), id);
        fprintf(out, "$var wire 1 %s %s_busy $end\n", id, name);
        vcd_id(SIG_LAYER(t), id);
        fprintf(out, "$var string 1 %s %s_layer $end\n", id, name);
        vcd_id(SIG_INDEX(t), id);
        fprintf(out, "$var wire 32 %s %s_layer_index $end\n", id, name);
    }
    fprintf(out, "$upscope $end\n$enddefinitions $end\n");
}

/* Writes the signals of one timestep whose value changed (all of them the first time). */
static void vcd_step(vcd_t *v, const asim_report_t *r, track_state_t *tr, size_t n,
                     asim_cycle_t cycle, size_t window, size_t *window_shown, bool clock)
{
    if (clock)
        vcd_bit(v, 1, SIG_CLK);
    vcd_bits(v, cycle, SIG_CYCLE);
    if (v->first || window != *window_shown)
        vcd_string(v, window == IDLE ? "-" : r->layers[window].op->name, SIG_WINDOW);
    *window_shown = window;
    for (size_t t = 0; t < n; t++) {
        track_state_t *s = &tr[t];
        size_t layer = s->active ? s->layer : IDLE;
        if (v->first || (s->active > 0) != s->busy_shown)
            vcd_bit(v, s->active > 0, SIG_BUSY(t));
        if (v->first || layer != s->shown) {
            vcd_string(v, layer == IDLE ? "-" : r->layers[layer].op->name, SIG_LAYER(t));
            vcd_bits(v, layer == IDLE ? 0 : layer, SIG_INDEX(t));
        }
        s->busy_shown = s->active > 0;
        s->shown = layer;
    }
}

asim_status_t asim_trace_write_vcd(FILE *out, const asim_report_t *r, asim_error_t *err)
{
    const char *names[MAX_TRACKS];
    size_t n = tracks_of(r, names), n_ch;
    asim_cycle_t last = last_cycle(r);
    timescale_t ts;
    if (!choose_timescale(r->cfg->clock_mhz, last, &ts))
        return asim_error_set(err, ASIM_ERANGE, "--vcd",
                              "the timeline's %llu cycles at %g MHz do not fit VCD times "
                              "(signed 64-bit)",
                              (unsigned long long)last, r->cfg->clock_mhz);
    change_t *ch = changes_of(r, names, n, &n_ch);
    if (!ch)
        return asim_error_set(err, ASIM_ENOMEM, "--vcd", "out of memory");
    bool clock = last <= ASIM_VCD_CLOCK_MAX_CYCLES;
    vcd_header(out, r, names, n, &ts, clock);
    track_state_t tr[MAX_TRACKS];
    for (size_t t = 0; t < n; t++)
        tr[t] = (track_state_t){0, IDLE, IDLE, false};
    vcd_t v = {out, true};
    size_t window = IDLE, window_shown = IDLE, i = 0;
    for (asim_cycle_t c = 0;;) {
        for (; i < n_ch && ch[i].at == c; i++) {
            track_state_t *s = &tr[ch[i].track];
            if (ch[i].kind == CH_WINDOW)
                window = ch[i].layer;
            else if (ch[i].kind == CH_START)
                s->active++, s->layer = ch[i].layer;
            else if (s->active)
                s->active--;
        }
        fprintf(out, v.first ? "#0\n$dumpvars\n" : "#%lld\n", (long long)c * ts.period);
        vcd_step(&v, r, tr, n, c, window, &window_shown, clock);
        if (v.first)
            fprintf(out, "$end\n");
        v.first = false;
        if (clock && ts.period / 2 > 0) {
            fprintf(out, "#%lld\n", (long long)c * ts.period + ts.period / 2);
            vcd_bit(&v, 0, SIG_CLK);
        }
        if (c >= last)
            break;
        asim_cycle_t next = i < n_ch ? ch[i].at : last;
        c = clock ? c + 1 : next < last ? next : last;
    }
    free(ch);
    return ASIM_OK;
}
