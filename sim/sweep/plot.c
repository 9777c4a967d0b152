/*
 * plot.c: a gnuplot script for a sweep's Pareto front and per-key trends (see sweep.h).
 *
 * Data rows (inline datablock $data, ok rows only): point, pareto, then one x value per
 * axis (the value itself for integer and number keys, its position in the list for models,
 * booleans, enums and text), then each objective. $best_A_J holds, per value of axis A, the
 * best value of objective J over the other axes: the trend line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/sweep.h"

static bool numeric_axis(const asim_sweep_axis_t *ax)
{
    return ax->schema && (ax->schema->type == ASIM_CFG_INT || ax->schema->type == ASIM_CFG_FLOAT);
}

/* s as a gnuplot string expression that stands for exactly s and can run nothing: printable
 * runs in single quotes (no backquote substitution, no escapes; a quote is doubled), each
 * control byte as a double-quoted octal escape, joined with gnuplot's `.` operator. A raw
 * line break would end the command and let the next line run, e.g. `!touch FILE`. */
static void gp_string(FILE *out, const char *s)
{
    bool open = false, first = true;
    if (!*s)
        fputs("''", out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool plain = ch >= 0x20 && ch != 0x7f;
        if (plain && !open) {
            fputs(first ? "'" : ".'", out);
            open = true;
        } else if (!plain) {
            fprintf(out, "%s\"\\%03o\"", open ? "'." : first ? "" : ".", ch);
            open = false;
        }
        if (plain)
            fputs(ch == '\'' ? "''" : (char[]){(char)ch, 0}, out);
        first = false;
    }
    if (open)
        fputc('\'', out);
}

static double axis_x(const asim_sweep_axis_t *ax, size_t i)
{
    return numeric_axis(ax) ? strtod(ax->values[i], NULL) : (double)i;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Largest over smallest gap between successive sorted values (distinct ones), after f. */
static double gap_spread(const double *v, size_t n, double (*f)(double))
{
    double lo = HUGE_VAL, hi = 0;
    for (size_t i = 1; i < n; i++) {
        double gap = f(v[i]) - f(v[i - 1]);
        if (gap > 0) {
            lo = gap < lo ? gap : lo;
            hi = gap > hi ? gap : hi;
        }
    }
    return hi > 0 ? hi / lo : 1;
}

static double identity(double x)
{
    return x;
}

/* True if a numeric axis is drawn on a log scale: its values are positive, span a factor of
 * 4 or more and are more evenly spaced on a log scale than on a linear one, as a geometric
 * range (8, 16, 32, 64) is; two values need a factor of 16. */
static bool geometric_axis(const asim_sweep_axis_t *ax)
{
    double *v = malloc(ax->n * sizeof *v);
    if (!v)
        return false;
    for (size_t i = 0; i < ax->n; i++)
        v[i] = axis_x(ax, i);
    qsort(v, ax->n, sizeof *v, cmp_double);
    bool geo = ax->n >= 2 && v[0] > 0 && v[ax->n - 1] / v[0] >= (ax->n == 2 ? 16 : 4) &&
               (ax->n == 2 || gap_spread(v, ax->n, log) < gap_spread(v, ax->n, identity));
    free(v);
    return geo;
}

/* Sets a range that gnuplot would find empty (lo == hi: one finished point) to one around
 * the value, so it draws without its "empty range" warning; otherwise autoscales. */
static void fit_range(FILE *out, const char *axis, double lo, double hi, bool log_scale)
{
    if (lo != hi) {
        fprintf(out, "  set autoscale %s\n", axis);
        return;
    }
    double d = lo != 0 ? fabs(lo) * 0.1 : 1;
    if (log_scale && lo > 0)
        fprintf(out, "  set %srange [%.17g:%.17g]\n", axis, lo / 2, hi * 2);
    else
        fprintf(out, "  set %srange [%.17g:%.17g]\n", axis, lo - d, hi + d);
}

/* Objective column j's label: "latency_ms" or "gops (larger is better)". */
static void objective_label(FILE *out, asim_sweep_metric_t m)
{
    char label[64];
    snprintf(label, sizeof label, "%s%s", asim_sweep_metric_name(m),
             asim_sweep_metric_maximize(m) ? " (larger is better)" : "");
    gp_string(out, label);
}

/* Chooses svg or png (pngcairo if available) and opens PREFIX.name.fmt (gnuplot variables
 * prefix and fmt). */
static void terminal(FILE *out, const char *name, int w, int h)
{
    fprintf(out, "  if (fmt eq \"svg\") { set terminal svg size %d,%d dynamic noenhanced "
                 "background \"white\" font \"Sans,10\" }\n"
                 "  else { if (strstrt(GPVAL_TERMINALS, \"pngcairo\") > 0) "
                 "{ set terminal pngcairo size %d,%d noenhanced font \"Sans,10\" } "
                 "else { set terminal png size %d,%d noenhanced } }\n",
            w, h, w, h, w, h);
    fprintf(out, "  set output sprintf(\"%%s.%s.%%s\", prefix, fmt)\n", name);
}

static void write_data(FILE *out, const asim_sweep_t *sw, const asim_sweep_file_t *f)
{
    fprintf(out, "$data << EOD\n");
    size_t idx[ASIM_SWEEP_MAX_AXES];
    for (size_t r = 0; r < f->n_rows; r++) {
        const asim_sweep_row_t *row = &f->rows[r];
        if (!row->ok)
            continue;
        asim_sweep_decode(sw, row->point, idx);
        fprintf(out, "%llu %d", (unsigned long long)row->point, row->pareto ? 1 : 0);
        for (size_t a = 0; a < sw->n_axes; a++)
            fprintf(out, " %.17g", axis_x(&sw->axes[a], idx[a]));
        for (size_t j = 0; j < sw->n_objectives; j++)
            fprintf(out, " %.17g", row->obj[j]);
        fputc('\n', out);
    }
    fprintf(out, "EOD\n");
}

/* $best_A_J: per value of axis a, the best objective j over the ok rows. */
static void write_best(FILE *out, const asim_sweep_t *sw, const asim_sweep_file_t *f, size_t a,
                       size_t j)
{
    const asim_sweep_axis_t *ax = &sw->axes[a];
    double *best = malloc(ax->n * sizeof *best);
    bool *have = calloc(ax->n, sizeof *have);
    size_t idx[ASIM_SWEEP_MAX_AXES];
    bool max = asim_sweep_metric_maximize(sw->objectives[j]);
    fprintf(out, "$best_%zu_%zu << EOD\n", a, j);
    for (size_t r = 0; best && have && r < f->n_rows; r++) {
        if (!f->rows[r].ok)
            continue;
        asim_sweep_decode(sw, f->rows[r].point, idx);
        double v = f->rows[r].obj[j];
        size_t i = idx[a];
        if (!have[i] || (max ? v > best[i] : v < best[i]))
            best[i] = v;
        have[i] = true;
    }
    for (size_t i = 0; best && have && i < ax->n; i++)
        if (have[i])
            fprintf(out, "%.17g %.17g\n", axis_x(ax, i), best[i]);
    fprintf(out, "EOD\n");
    free(best);
    free(have);
}

/* Range of objective j (lo, hi) over the ok rows; false if there are none. */
static bool objective_range(const asim_sweep_file_t *f, size_t j, double *lo, double *hi)
{
    bool any = false;
    for (size_t r = 0; r < f->n_rows; r++)
        if (f->rows[r].ok) {
            double v = f->rows[r].obj[j];
            *lo = any && *lo < v ? *lo : v;
            *hi = any && *hi > v ? *hi : v;
            any = true;
        }
    return any;
}

/* Axis `axis` showing objective j: a log scale when its values are positive and span a
 * factor of 20 or more, and a range that is never empty. */
static void objective_axis(FILE *out, const char *axis, const asim_sweep_file_t *f, size_t j)
{
    double lo = 0, hi = 0;
    if (!objective_range(f, j, &lo, &hi))
        return;
    bool log_scale = lo > 0 && hi / lo >= 20;
    fprintf(out, log_scale ? "  set logscale %s\n" : "  unset logscale %s\n", axis);
    fit_range(out, axis, lo, hi, log_scale);
}

/* The x axis of a sweep axis: numeric ones over all their values (a log scale for geometric
 * ones), with a margin; the others as one labelled tic per value. */
static void sweep_x_axis(FILE *out, const asim_sweep_axis_t *ax)
{
    if (!numeric_axis(ax)) {
        fprintf(out, "  unset logscale x\n  set xrange [-0.5:%.1f]\n  set xtics (", ax->n - 0.5);
        for (size_t i = 0; i < ax->n; i++) {
            fprintf(out, "%s", i ? ", " : "");
            gp_string(out, ax->values[i]);
            fprintf(out, " %zu", i);
        }
        fprintf(out, ")\n");
        return;
    }
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < ax->n; i++) {
        lo = fmin(lo, axis_x(ax, i));
        hi = fmax(hi, axis_x(ax, i));
    }
    bool geo = geometric_axis(ax);
    fprintf(out, "  set xtics autofreq\n%s", geo ? "  set logscale x 2\n" : "  unset logscale x\n");
    if (lo == hi)
        fit_range(out, "x", lo, hi, geo);
    else if (geo)
        fprintf(out, "  set xrange [%.17g:%.17g]\n", lo / pow(hi / lo, 0.05),
                hi * pow(hi / lo, 0.05));
    else
        fprintf(out, "  set xrange [%.17g:%.17g]\n", lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
}

/* Both figures when no point has finished: the axes and a note, instead of gnuplot's
 * complaint about an empty plot. */
static void write_empty_plot(FILE *out, const char *name)
{
    fprintf(out, "do for [fmt in \"svg png\"] {\n");
    terminal(out, name, 760, 560);
    fprintf(out, "  reset\n  set xrange [0:1]\n  set yrange [0:1]\n  unset key\n"
                 "  set label 1 \"no finished point yet\" at graph 0.5, graph 0.5 center\n"
                 "  plot NaN\n  set output\n}\n");
}

static void write_pareto_plot(FILE *out, const asim_sweep_t *sw, const asim_sweep_file_t *f,
                              size_t n_ok, size_t n_front)
{
    size_t col0 = 3 + sw->n_axes; /* first objective column (1-based) */
    bool two = sw->n_objectives >= 2;
    fprintf(out, "do for [fmt in \"svg png\"] {\n");
    terminal(out, "pareto", 760, 560);
    fprintf(out, "  reset\n  set key top right box opaque\n  set grid\n");
    fprintf(out, "  set title sprintf(\"Pareto front: %zu of %zu points", n_front, n_ok);
    for (size_t j = 0; j < sw->n_objectives; j++)
        fprintf(out, "%s%s", j ? ", " : " on ", asim_sweep_metric_name(sw->objectives[j]));
    fprintf(out, "\")\n");
    if (two) {
        fprintf(out, "  set xlabel ");
        objective_label(out, sw->objectives[0]);
        fprintf(out, "\n  set ylabel ");
        objective_label(out, sw->objectives[1]);
        fputc('\n', out);
        objective_axis(out, "x", f, 0);
        objective_axis(out, "y", f, 1);
        if (sw->n_objectives >= 3)
            objective_axis(out, "cb", f, 2);
    } else {
        fprintf(out, "  set xlabel \"point\"\n  set ylabel ");
        objective_label(out, sw->objectives[0]);
        fputc('\n', out);
        objective_axis(out, "y", f, 0);
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t r = 0; r < f->n_rows; r++)
            if (f->rows[r].ok) {
                lo = fmin(lo, (double)f->rows[r].point);
                hi = fmax(hi, (double)f->rows[r].point);
            }
        fit_range(out, "x", lo, hi, false);
    }
    size_t xc = two ? col0 : 1, yc = two ? col0 + 1 : col0;
    fprintf(out, "  plot $data using %zu:($2 == 0 ? $%zu : NaN) with points pt 7 ps 0.6 "
                 "lc rgb \"#b0b0b0\" title \"dominated\", \\\n",
            xc, yc);
    if (sw->n_objectives >= 3) {
        fprintf(out, "       $data using %zu:($2 == 1 ? $%zu : NaN):%zu with points pt 7 ps 1.2 "
                     "lc palette title \"on the front (colour: %s)\"\n",
                xc, yc, col0 + 2, asim_sweep_metric_name(sw->objectives[2]));
    } else {
        fprintf(out, "       $data using %zu:($2 == 1 ? $%zu : NaN) with points pt 7 ps 1.2 "
                     "lc rgb \"#d62728\" title \"on the front\"\n",
                xc, yc);
    }
    fprintf(out, "  set output\n}\n");
}

static void write_trends_plot(FILE *out, const asim_sweep_t *sw, const asim_sweep_file_t *f)
{
    size_t shown[ASIM_SWEEP_MAX_AXES], n_shown = 0;
    for (size_t a = 0; a < sw->n_axes; a++)
        if (sw->axes[a].n > 1)
            shown[n_shown++] = a;
    if (n_shown == 0)
        shown[n_shown++] = 0;
    for (size_t s = 0; s < n_shown; s++)
        for (size_t j = 0; j < sw->n_objectives; j++)
            write_best(out, sw, f, shown[s], j);
    size_t rows = sw->n_objectives, cols = n_shown;
    fprintf(out, "do for [fmt in \"svg png\"] {\n");
    terminal(out, "trends", (int)(cols * 340 + 40), (int)(rows * 260 + 40));
    fprintf(out, "  reset\n  set multiplot layout %zu,%zu title \"Trends: each point (grey), "
                 "the front (red) and the best per value (line)\"\n  set grid\n  unset key\n",
            rows, cols);
    for (size_t j = 0; j < sw->n_objectives; j++) {
        objective_axis(out, "y", f, j);
        for (size_t s = 0; s < n_shown; s++) {
            const asim_sweep_axis_t *ax = &sw->axes[shown[s]];
            fprintf(out, "  set xlabel ");
            gp_string(out, ax->key);
            fprintf(out, "\n  set ylabel ");
            objective_label(out, sw->objectives[j]);
            fputc('\n', out);
            sweep_x_axis(out, ax);
            size_t xc = 3 + shown[s], yc = 3 + sw->n_axes + j;
            fprintf(out, "  plot $data using %zu:%zu with points pt 7 ps 0.4 lc rgb \"#b0b0b0\", "
                         "\\\n       $data using %zu:($2 == 1 ? $%zu : NaN) with points pt 7 "
                         "ps 0.8 lc rgb \"#d62728\", \\\n       $best_%zu_%zu using 1:2 with "
                         "linespoints pt 6 ps 0.8 lw 1.5 lc rgb \"#1f77b4\"\n",
                    xc, yc, xc, yc, shown[s], j);
        }
    }
    fprintf(out, "  unset multiplot\n  set output\n}\n");
}

void asim_sweep_plot_script(FILE *out, const asim_sweep_t *sw, const asim_sweep_file_t *f,
                            const char *prefix)
{
    size_t n_ok = 0, n_front = 0;
    for (size_t r = 0; r < f->n_rows; r++) {
        n_ok += f->rows[r].ok;
        n_front += f->rows[r].pareto;
    }
    fprintf(out, "# gnuplot script written by accelsim sweep --plot; run: gnuplot FILE\n");
    fprintf(out, "prefix = ");
    gp_string(out, prefix);
    fprintf(out, "\nset datafile missing NaN\n");
    write_data(out, sw, f);
    if (n_ok == 0) {
        write_empty_plot(out, "pareto");
        write_empty_plot(out, "trends");
        return;
    }
    write_pareto_plot(out, sw, f, n_ok, n_front);
    write_trends_plot(out, sw, f);
}
