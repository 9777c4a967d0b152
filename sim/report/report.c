/* report.c: text, JSON and CSV writers (see report.h). */
#include <string.h>

#include "report/report.h"

bool asim_format_parse(const char *name, asim_format_t *fmt)
{
    static const char *const names[] = {"text", "json", "csv"};
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *fmt = (asim_format_t)i;
            return true;
        }
    return false;
}

/* "197x576x192" for a GEMM (m x n x k), "197x192" for a vector op; "x3" per instance. */
static void shape_text(const asim_op_t *op, char *buf, size_t n)
{
    int used = op->kind == ASIM_OP_GEMM
                   ? snprintf(buf, n, "%llux%llux%llu", (unsigned long long)op->m,
                              (unsigned long long)op->n, (unsigned long long)op->k)
                   : snprintf(buf, n, "%llux%llu", (unsigned long long)op->rows,
                              (unsigned long long)op->cols);
    if (op->count > 1 && used > 0 && (size_t)used < n)
        snprintf(buf + used, n - (size_t)used, " (x%llu)", (unsigned long long)op->count);
}

static void bits_text(const asim_op_t *op, char *buf, size_t n)
{
    if (op->kind == ASIM_OP_GEMM)
        snprintf(buf, n, "%dx%d>%d", op->a_bits, op->b_bits, op->out_bits);
    else
        snprintf(buf, n, "%d>%d", op->a_bits, op->out_bits);
}

static double pct(double used, double cap)
{
    return cap > 0 ? 100.0 * used / cap : 0.0;
}

/* A block's section as text: its title, then one line per group. */
static void write_section_text(FILE *out, const asim_report_section_t *sec)
{
    fprintf(out, "%s:\n", sec->title);
    for (size_t g = 0; g < sec->n_groups; g++) {
        const asim_report_group_t *grp = &sec->groups[g];
        fprintf(out, "  %-10s", grp->key);
        for (size_t i = 0; i < grp->n_items; i++) {
            const asim_report_item_t *it = &grp->items[i];
            fprintf(out, "%s %s ", i ? "," : "", it->label);
            if (it->integer)
                fprintf(out, "%llu", (unsigned long long)it->u);
            else
                fprintf(out, "%.6f", it->d);
            if (it->unit[0])
                fprintf(out, " %s", it->unit);
        }
        fprintf(out, "%s\n", grp->note);
    }
}

/* "static_pl 1.2, clocks 0.3, ..." in mJ, the kinds that are not 0 (text), and
 * {"static_pl": 1.2, ...}, every kind (JSON). */
static void write_kinds_text(FILE *out, const asim_energy_t *e)
{
    int n = 0;
    for (int k = 0; k < ASIM_EK_COUNT; k++)
        if (e->pj[k] != 0.0)
            fprintf(out, "%s%s %.6f", n++ ? ", " : "",
                    asim_energy_kind_name((asim_energy_kind_t)k), e->pj[k] * 1e-9);
    if (!n)
        fprintf(out, "none");
}

static void write_kinds_json(FILE *out, const asim_energy_t *e)
{
    fputc('{', out);
    for (int k = 0; k < ASIM_EK_COUNT; k++)
        fprintf(out, "%s\"%s\": %.9g", k ? ", " : "",
                asim_energy_kind_name((asim_energy_kind_t)k), e->pj[k] * 1e-9);
    fputc('}', out);
}

static void write_text(FILE *out, const asim_report_t *r)
{
    const asim_config_t *c = r->cfg;
    fprintf(out, "accelsim %s: model %s on %s (%s)\n", ASIM_VERSION, r->graph->name, c->name,
            c->path);
    for (size_t i = 0; i < r->n_units; i++)
        if (r->unit_resources[i].summary[0])
            fprintf(out, "%s\n", r->unit_resources[i].summary);
    fprintf(out, "%g MHz; device %s (%s)\n\n", c->clock_mhz, c->device, r->device->part);
    fprintf(out, "%-18s %-9s %-14s %-22s %-8s %-22s %11s %11s %6s %6s %10s %10s\n", "layer",
            "op", "unit", "shape (MxNxK | RxC)", "bits", "mode", "cycles", "start", "util",
            "tiles", "wait", "energy_uJ");
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        char shape[48], bits[24];
        shape_text(l->op, shape, sizeof shape);
        bits_text(l->op, bits, sizeof bits);
        if (l->supported)
            fprintf(out, "%-18s %-9s %-14s %-22s %-8s %-22s %11llu %11llu %5.1f%% %6llu %10llu "
                         "%10.3f\n",
                    l->op->name, asim_op_kind_name(l->op->kind), l->unit, shape, bits, l->mode,
                    (unsigned long long)l->cycles, (unsigned long long)l->start,
                    100.0 * l->utilization, (unsigned long long)l->tiles,
                    (unsigned long long)l->wait_operands, l->energy_pj * 1e-6);
        else
            fprintf(out, "%-18s %-9s %-14s %-22s %-8s UNSUPPORTED: %s\n", l->op->name,
                    asim_op_kind_name(l->op->kind), l->unit, shape, bits, l->note);
    }
    fprintf(out, "\ntotal cycles   %llu\n", (unsigned long long)r->total_cycles);
    fprintf(out, "latency        %.6f ms\n", r->latency_ms);
    fprintf(out, "MACs           %llu (%.3f GOP at 2 ops/MAC)\n", (unsigned long long)r->macs,
            2e-9 * (double)r->macs);
    fprintf(out, "throughput     %.3f GOPS\n", r->gops);
    fprintf(out, "energy         %.6f mJ (", r->energy_mj);
    write_kinds_text(out, &r->energy);
    fprintf(out, ")\n");
    fprintf(out, "power          %.4f W (PL %.4f, chip %.4f, + DRAM); Tj %.1f C\n", r->power_w,
            r->pl_w, r->chip_w, r->tj_c);
    fprintf(out, "efficiency     %.3f GOPS/W (PL %.3f, chip %.3f)\n", r->gops_per_w,
            r->gops_per_w_pl, r->gops_per_w_chip);
    const asim_device_t *d = r->device;
    fprintf(out, "resources      LUT %.0f (%.1f%%), FF %.0f (%.1f%%), DSP %.0f (%.1f%%), "
                 "BRAM36 %.0f (%.1f%%), URAM %.0f (%.1f%%) of %s%s\n",
            r->resources.lut, pct(r->resources.lut, d->lut), r->resources.ff,
            pct(r->resources.ff, d->ff), r->resources.dsp, pct(r->resources.dsp, d->dsp),
            r->resources.bram36, pct(r->resources.bram36, d->bram36), r->resources.uram,
            pct(r->resources.uram, d->uram), d->part, r->fits ? "" : "  DOES NOT FIT");
    fprintf(out, "per unit       resources, energy (by kind), busy\n");
    for (size_t i = 0; i < r->n_units; i++) {
        const asim_unit_resources_t *u = &r->unit_resources[i];
        fprintf(out, "  %-14s LUT %.0f, FF %.0f, DSP %.0f, BRAM36 %.0f, URAM %.0f (%s); "
                     "%.6f mJ (",
                u->name, u->res.lut, u->res.ff, u->res.dsp, u->res.bram36, u->res.uram,
                u->basis, u->energy_pj * 1e-9);
        write_kinds_text(out, &u->energy);
        fprintf(out, "); busy %.1f%%\n", pct((double)u->busy, (double)r->total_cycles));
    }
    fprintf(out, "  %-14s %.6f mJ (", "platform",
            asim_energy_total(&r->platform, ASIM_EK_COUNT) * 1e-9);
    write_kinds_text(out, &r->platform);
    fprintf(out, "); static %.3f W at Tj %.1f C\n", r->static_w, r->tj_c);
    fprintf(out, "schedule       %s; critical path:", r->schedule);
    for (size_t i = 0; i < r->n_path_parts; i++)
        if (r->critical_path[i].cycles)
            fprintf(out, " %s %llu (%.1f%%)", r->critical_path[i].queue,
                    (unsigned long long)r->critical_path[i].cycles,
                    pct((double)r->critical_path[i].cycles, (double)r->total_cycles));
    fputc('\n', out);
    fprintf(out, "stalls         ");
    for (size_t i = 0, n = 0; i < r->stats->len; i++)
        if ((strstr(r->stats->items[i].path, "wait") || strstr(r->stats->items[i].path, "stall")) &&
            (*r->stats->items[i].value || !strncmp(r->stats->items[i].path, "controller.", 11)))
            fprintf(out, "%s%s %llu", n++ ? ", " : "", r->stats->items[i].path,
                    (unsigned long long)*r->stats->items[i].value);
    fputc('\n', out);
    for (size_t i = 0; i < r->n_sections; i++)
        write_section_text(out, &r->sections[i]);
    if (r->n_unsupported)
        fprintf(out, "\nINCOMPLETE: %zu of %zu ops have no unit in this configuration and are "
                     "not in the totals (marked UNSUPPORTED above).\n",
                r->n_unsupported, r->n_layers);
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

/* A block's section as a JSON object of objects, one per group. */
static void write_section_json(FILE *out, const asim_report_section_t *sec)
{
    fprintf(out, "  \"%s\": {", sec->key);
    for (size_t g = 0; g < sec->n_groups; g++) {
        const asim_report_group_t *grp = &sec->groups[g];
        fprintf(out, "%s\"%s\": {", g ? ", " : "", grp->key);
        for (size_t i = 0; i < grp->n_items; i++) {
            const asim_report_item_t *it = &grp->items[i];
            fprintf(out, "%s\"%s\": ", i ? ", " : "", it->key);
            if (it->integer)
                fprintf(out, "%llu", (unsigned long long)it->u);
            else
                fprintf(out, "%.9g", it->d);
        }
        fputc('}', out);
    }
    fprintf(out, "},\n");
}

/* The keys prefix+names[i] as JSON members "name": value (enums by name). */
static void write_keys_json(FILE *out, const asim_config_t *c, const char *prefix,
                            const char *const *names, size_t n)
{
    size_t n_keys;
    const asim_cfg_key_t *schema = asim_config_schema(&n_keys);
    for (size_t i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof key, "%s%s", prefix, names[i]);
        for (size_t k = 0; k < n_keys; k++) {
            double v;
            if (strcmp(schema[k].key, key) != 0 || !asim_config_get(c, key, &v))
                continue;
            fprintf(out, "%s\"%s\": ", i ? ", " : "", names[i]);
            if (schema[k].type == ASIM_CFG_ENUM)
                fprintf(out, "\"%s\"", schema[k].choices[(int)v]);
            else if (schema[k].type == ASIM_CFG_BOOL)
                fprintf(out, "%s", v != 0.0 ? "true" : "false");
            else
                fprintf(out, "%.17g", v);
        }
    }
}

static const char *const array_echo[] = {"rows", "cols", "dataflow", "tile_overlap",
                                         "act_bits", "weight_bits", "acc_bits"};

static void write_json(FILE *out, const asim_report_t *r)
{
    const asim_config_t *c = r->cfg;
    const asim_device_t *d = r->device;
    fprintf(out, "{\n  \"schema\": \"%s\",\n  \"accelsim_version\": \"%s\",\n",
            ASIM_REPORT_SCHEMA, ASIM_VERSION);
    fprintf(out, "  \"config\": {\"name\": ");
    json_string(out, c->name);
    fprintf(out, ", \"path\": ");
    json_string(out, c->path);
    fprintf(out, ", \"clock_mhz\": %g, \"device\": ", c->clock_mhz);
    json_string(out, c->device);
    fprintf(out, ", \"array\": {");
    write_keys_json(out, c, "array.", array_echo, sizeof array_echo / sizeof array_echo[0]);
    fprintf(out, "}},\n");
    fprintf(out, "  \"model\": ");
    json_string(out, r->graph->name);
    fprintf(out, ",\n  \"complete\": %s,\n  \"unsupported_ops\": %zu,\n",
            r->n_unsupported ? "false" : "true", r->n_unsupported);
    fprintf(out, "  \"total_cycles\": %llu,\n  \"latency_ms\": %.9g,\n  \"macs\": %llu,\n",
            (unsigned long long)r->total_cycles, r->latency_ms, (unsigned long long)r->macs);
    fprintf(out, "  \"energy_mj\": %.9g,\n  \"energy_breakdown_mj\": ", r->energy_mj);
    write_kinds_json(out, &r->energy);
    fprintf(out, ",\n  \"energy_by_unit_mj\": {");
    for (size_t i = 0; i < r->n_units; i++) {
        fprintf(out, "\"%s\": ", r->unit_resources[i].name);
        write_kinds_json(out, &r->unit_resources[i].energy);
        fprintf(out, ", ");
    }
    fprintf(out, "\"platform\": ");
    write_kinds_json(out, &r->platform);
    fprintf(out, "},\n  \"static_w\": %.9g,\n  \"tj_c\": %.9g,\n", r->static_w, r->tj_c);
    fprintf(out, "  \"power_w\": %.9g,\n  \"power_pl_w\": %.9g,\n  \"power_chip_w\": %.9g,\n",
            r->power_w, r->pl_w, r->chip_w);
    fprintf(out, "  \"gops\": %.9g,\n  \"gops_per_w\": %.9g,\n  \"gops_per_w_pl\": %.9g,\n"
                 "  \"gops_per_w_chip\": %.9g,\n",
            r->gops, r->gops_per_w, r->gops_per_w_pl, r->gops_per_w_chip);
    fprintf(out, "  \"resources\": {\"lut\": %.0f, \"ff\": %.0f, \"dsp\": %.0f, \"bram\": %.0f, "
                 "\"uram\": %.0f, \"fits\": %s, \"device\": {\"name\": ",
            r->resources.lut, r->resources.ff, r->resources.dsp, r->resources.bram36,
            r->resources.uram, r->fits ? "true" : "false");
    json_string(out, d->name);
    fprintf(out, ", \"part\": ");
    json_string(out, d->part);
    fprintf(out, ", \"lut\": %.0f, \"ff\": %.0f, \"dsp\": %.0f, \"bram\": %.0f, \"uram\": %.0f}, "
                 "\"units\": [",
            d->lut, d->ff, d->dsp, d->bram36, d->uram);
    for (size_t i = 0; i < r->n_units; i++) {
        const asim_unit_resources_t *u = &r->unit_resources[i];
        fprintf(out, "%s{\"name\": \"%s\", \"lut\": %.0f, \"ff\": %.0f, \"dsp\": %.0f, "
                     "\"bram\": %.0f, \"uram\": %.0f, \"basis\": \"%s\", \"busy_cycles\": %llu}",
                i ? ", " : "", u->name, u->res.lut, u->res.ff, u->res.dsp, u->res.bram36,
                u->res.uram, u->basis, (unsigned long long)u->busy);
    }
    fprintf(out, "]},\n");
    fprintf(out, "  \"schedule\": \"%s\",\n  \"critical_path_cycles\": {", r->schedule);
    for (size_t i = 0; i < r->n_path_parts; i++)
        fprintf(out, "%s\"%s\": %llu", i ? ", " : "", r->critical_path[i].queue,
                (unsigned long long)r->critical_path[i].cycles);
    fprintf(out, "},\n");
    for (size_t i = 0; i < r->n_sections; i++)
        write_section_json(out, &r->sections[i]);
    fprintf(out, "  \"stats\": {");
    for (size_t i = 0; i < r->stats->len; i++) {
        fprintf(out, "%s\n    ", i ? "," : "");
        json_string(out, r->stats->items[i].path);
        fprintf(out, ": %llu", (unsigned long long)*r->stats->items[i].value);
    }
    fprintf(out, "\n  },\n  \"layers\": [");
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        const asim_op_t *op = l->op;
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        json_string(out, op->name);
        fprintf(out, ", \"op\": \"%s\", \"unit\": ", asim_op_kind_name(op->kind));
        json_string(out, l->unit);
        if (op->kind == ASIM_OP_GEMM)
            fprintf(out, ", \"m\": %llu, \"n\": %llu, \"k\": %llu, \"b\": \"%s\"",
                    (unsigned long long)op->m, (unsigned long long)op->n,
                    (unsigned long long)op->k,
                    op->b_shared ? "shared" : op->b_is_weight ? "weight" : "activation");
        else
            fprintf(out, ", \"rows\": %llu, \"cols\": %llu", (unsigned long long)op->rows,
                    (unsigned long long)op->cols);
        fprintf(out, ", \"count\": %llu, \"a_bits\": %d, \"b_bits\": %d, \"out_bits\": %d",
                (unsigned long long)op->count, op->a_bits,
                op->kind == ASIM_OP_GEMM ? op->b_bits : 0, op->out_bits);
        if (l->supported) {
            fprintf(out, ", \"mode\": ");
            json_string(out, l->mode);
        }
        fprintf(out, ", \"status\": \"%s\", \"start_cycle\": %llu, \"end_cycle\": %llu, "
                     "\"cycles\": %llu, \"busy_cycles\": %llu, \"wait_operands\": %llu, "
                     "\"utilization\": %.6f, \"macs\": %llu",
                l->supported ? "ok" : "unsupported", (unsigned long long)l->start,
                (unsigned long long)l->end, (unsigned long long)l->cycles,
                (unsigned long long)l->busy, (unsigned long long)l->wait_operands,
                l->utilization, (unsigned long long)l->act.macs);
        if (l->supported)
            fprintf(out, ", \"tiles\": %llu, \"tile\": [%llu, %llu, %llu], \"dram_bits\": %llu",
                    (unsigned long long)l->tiles, (unsigned long long)l->tm,
                    (unsigned long long)l->tn, (unsigned long long)l->tk,
                    (unsigned long long)l->dram_bits);
        fprintf(out, ", \"energy_mj\": %.9g, \"energy_breakdown_mj\": ", l->energy_pj * 1e-9);
        write_kinds_json(out, &l->energy);
        if (!l->supported) {
            fprintf(out, ", \"note\": ");
            json_string(out, l->note);
        }
        fputc('}', out);
    }
    fprintf(out, "\n  ]\n}\n");
}

void asim_csv_field(FILE *out, const char *s, bool always_quote)
{
    if (!always_quote && !strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, out);
    }
    fputc('"', out);
}

static void write_csv(FILE *out, const asim_report_t *r)
{
    fprintf(out, "layer,op,unit,status,m,n,k,rows,cols,count,a_bits,b_bits,out_bits,mode,"
                 "start_cycle,cycles,utilization,macs,tiles,wait_operands,dram_bits,energy_mj\n");
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        const asim_op_t *op = l->op;
        asim_csv_field(out, op->name, false);
        fprintf(out, ",%s,%s,%s,%llu,%llu,%llu,%llu,%llu,%llu,%d,%d,%d,",
                asim_op_kind_name(op->kind), l->unit, l->supported ? "ok" : "unsupported",
                (unsigned long long)op->m, (unsigned long long)op->n, (unsigned long long)op->k,
                (unsigned long long)op->rows, (unsigned long long)op->cols,
                (unsigned long long)op->count, op->a_bits, op->b_bits, op->out_bits);
        asim_csv_field(out, l->mode, false);
        fprintf(out, ",%llu,%llu,%.6f,%llu,%llu,%llu,%llu,%.9g\n", (unsigned long long)l->start,
                (unsigned long long)l->cycles, l->utilization, (unsigned long long)l->act.macs,
                (unsigned long long)l->tiles, (unsigned long long)l->wait_operands,
                (unsigned long long)l->dram_bits, l->energy_pj * 1e-9);
    }
}

void asim_report_write(FILE *out, const asim_report_t *r, asim_format_t fmt)
{
    switch (fmt) {
    case ASIM_FORMAT_JSON: write_json(out, r); break;
    case ASIM_FORMAT_CSV: write_csv(out, r); break;
    default: write_text(out, r); break;
    }
}
