/* report.c: text, JSON and CSV writers (see report.h). */
#include <stdlib.h>
#include <string.h>

#include "report/escape.h"
#include "report/report.h"

/* Longest name a text report shows, escaped (bytes). */
#define TEXT_NAME 256

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

/* v with the fewest significant digits that read back as v (round trip). */
static void put_double(FILE *out, double v)
{
    char buf[40];
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, out);
}

static double pct(double used, double cap)
{
    return cap > 0 ? 100.0 * used / cap : 0.0;
}

/* Every schema key's value (strings escaped for the format: JSON, or text for a terminal). */
static void config_value(FILE *out, const asim_cfg_key_t *k, const asim_config_t *cfg, bool json)
{
    const void *field = (const char *)cfg + k->offset;
    const char *text = k->type == ASIM_CFG_ENUM     ? k->choices[*(const int *)field]
                       : k->type == ASIM_CFG_STRING ? (const char *)field
                                                    : NULL;
    char buf[ASIM_PATH_MAX * 4];
    switch (k->type) {
    case ASIM_CFG_INT: fprintf(out, "%lld", (long long)*(const int64_t *)field); break;
    case ASIM_CFG_FLOAT: put_double(out, *(const double *)field); break;
    case ASIM_CFG_BOOL: fputs(*(const bool *)field ? "true" : "false", out); break;
    default:
        if (json) {
            asim_put_json_string(out, text);
        } else {
            asim_escape_text(text, buf, sizeof buf);
            fputs(buf, out);
        }
        break;
    }
}

/* The --set overrides as " --set key=value" each (the reproduction command's tail). */
static void text_overrides(FILE *out, const asim_config_t *cfg)
{
    size_t n;
    const asim_cfg_key_t *schema = asim_config_schema(&n);
    for (size_t i = 0; i < n; i++)
        if (cfg->origin[i].source == ASIM_ORIGIN_SET) {
            fprintf(out, " --set %s=", schema[i].key);
            config_value(out, &schema[i], cfg, false);
        }
}

/* Every key, one per line, marked "(--set)" or "(default)" when not from the file. */
static void text_config(FILE *out, const asim_config_t *cfg)
{
    size_t n;
    const asim_cfg_key_t *schema = asim_config_schema(&n);
    char path[ASIM_PATH_MAX * 4];
    asim_escape_text(cfg->path, path, sizeof path);
    fprintf(out, "\nconfiguration  %s%s", path, cfg->path[0] ? "" : "(built in)");
    text_overrides(out, cfg);
    fputc('\n', out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "  %-26s ", schema[i].key);
        config_value(out, &schema[i], cfg, false);
        fputs(cfg->origin[i].source == ASIM_ORIGIN_SET       ? "  (--set)\n"
              : cfg->origin[i].source == ASIM_ORIGIN_DEFAULT ? "  (default)\n"
                                                             : "\n",
              out);
    }
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

/* "nangate45 1.234 mm2, 0.567 mW leakage; asap7 ..." (text) and
 * {"nangate45": {"area_mm2": 1.234, "leakage_mw": 0.567}, ...} (JSON). */
static void write_asic_text(FILE *out, const asim_asic_area_t *a, size_t n)
{
    for (size_t k = 0; k < n; k++)
        fprintf(out, "%s%s %.4f mm2, %.4f mW leakage", k ? "; " : "", a[k].node, a[k].area_mm2,
                a[k].leakage_mw);
}

static void write_asic_json(FILE *out, const asim_asic_area_t *a, size_t n)
{
    fputc('{', out);
    for (size_t k = 0; k < n; k++) {
        fprintf(out, "%s", k ? ", " : "");
        asim_put_json_string(out, a[k].node);
        fprintf(out, ": {\"area_mm2\": %.9g, \"leakage_mw\": %.9g}", a[k].area_mm2,
                a[k].leakage_mw);
    }
    fputc('}', out);
}

typedef struct {
    bool used;                    /* some op reads or appends to the KV cache */
    uint64_t read_bits, write_bits, dram_bits;
} kv_totals_t;

/* The run's KV-cache traffic and its whole DRAM traffic. */
static kv_totals_t kv_totals(const asim_report_t *r)
{
    kv_totals_t kv = {0};
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        kv.used = kv.used || l->op->b_cache || l->op->out_cache;
        kv.read_bits += l->dram_kv_read_bits;
        kv.write_bits += l->dram_kv_write_bits;
        kv.dram_bits += l->dram_bits;
    }
    return kv;
}

static void write_kv_text(FILE *out, const asim_report_t *r)
{
    kv_totals_t kv = kv_totals(r);
    if (!kv.used)
        return;
    double mib = 1.0 / (8.0 * 1024 * 1024);
    fprintf(out, "KV cache       read %.3f MiB, write %.3f MiB: %.1f%% of the %.3f MiB of DRAM "
                 "traffic (%.3f GB/s over the run)\n",
            (double)kv.read_bits * mib, (double)kv.write_bits * mib,
            pct((double)(kv.read_bits + kv.write_bits), (double)kv.dram_bits),
            (double)kv.dram_bits * mib,
            asim_report_gbps(kv.dram_bits, r->total_cycles, r->cfg->clock_mhz));
}

bool asim_report_over_fmax(const asim_report_t *r, const asim_unit_resources_t *u)
{
    return u->fmax_mhz > 0 && r->cfg->clock_mhz > u->fmax_mhz;
}

bool asim_report_fmax_warning(const asim_report_t *r, size_t i, char *buf, size_t n)
{
    const asim_unit_resources_t *u = &r->unit_resources[i];
    if (!asim_report_over_fmax(r, u))
        return false;
    snprintf(buf, n, "clock_mhz %g exceeds %s's estimated Fmax of %.0f MHz (Yosys timing of its "
                     "RTL; docs/fmax.md)", r->cfg->clock_mhz, u->name, u->fmax_mhz);
    return true;
}

static void write_text(FILE *out, const asim_report_t *r)
{
    const asim_config_t *c = r->cfg;
    char model[TEXT_NAME], name[TEXT_NAME], path[TEXT_NAME], dev[TEXT_NAME];
    asim_escape_text(r->graph->name, model, sizeof model);
    asim_escape_text(c->name, name, sizeof name);
    asim_escape_text(c->path, path, sizeof path);
    asim_escape_text(c->device, dev, sizeof dev);
    fprintf(out, "accelsim %s: model %s on %s (%s", ASIM_VERSION, model, name, path);
    text_overrides(out, c);
    fprintf(out, ")\n");
    for (size_t i = 0; i < r->n_units; i++)
        if (r->unit_resources[i].summary[0])
            fprintf(out, "%s\n", r->unit_resources[i].summary);
    fprintf(out, "%g MHz; device %s (%s)\n\n", c->clock_mhz, dev, r->device->part);
    fprintf(out, "%-18s %-9s %-14s %-22s %-8s %-22s %11s %11s %6s %6s %10s %10s\n", "layer",
            "op", "unit", "shape (MxNxK | RxC)", "bits", "mode", "cycles", "start", "util",
            "tiles", "wait", "energy_uJ");
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        char shape[48], bits[24], lname[TEXT_NAME], note[TEXT_NAME];
        asim_escape_text(l->op->name, lname, sizeof lname);
        asim_escape_text(l->note, note, sizeof note);
        shape_text(l->op, shape, sizeof shape);
        bits_text(l->op, bits, sizeof bits);
        if (l->supported)
            fprintf(out, "%-18s %-9s %-14s %-22s %-8s %-22s %11llu %11llu %5.1f%% %6llu %10llu "
                         "%10.3f\n",
                    lname, asim_op_kind_name(l->op->kind), l->unit, shape, bits, l->mode,
                    (unsigned long long)l->cycles, (unsigned long long)l->start,
                    100.0 * l->utilization, (unsigned long long)l->tiles,
                    (unsigned long long)l->wait_operands, l->energy_pj * 1e-6);
        else
            fprintf(out, "%-18s %-9s %-14s %-22s %-8s UNSUPPORTED: %s\n", lname,
                    asim_op_kind_name(l->op->kind), l->unit, shape, bits, note);
    }
    fprintf(out, "\ntotal cycles   %llu\n", (unsigned long long)r->total_cycles);
    fprintf(out, "latency        %.6f ms\n", r->latency_ms);
    fprintf(out, "MACs           %llu (%.3f GOP at 2 ops/MAC)\n", (unsigned long long)r->macs,
            2e-9 * (double)r->macs);
    fprintf(out, "throughput     %.3f GOPS\n", r->gops);
    write_kv_text(out, r);
    fprintf(out, "energy         %.6f mJ (", r->energy_mj);
    write_kinds_text(out, &r->energy);
    fprintf(out, ")\n");
    fprintf(out, "power          %.4f W (PL %.4f, chip %.4f, + DRAM); Tj %.1f C%s\n", r->power_w,
            r->pl_w, r->chip_w, r->tj_c,
            r->device->theta_ja > 0 ? "" : " (fixed: the static figures' own; no thermal model)");
    fprintf(out, "efficiency     %.3f GOPS/W (PL %.3f, chip %.3f)\n", r->gops_per_w,
            r->gops_per_w_pl, r->gops_per_w_chip);
    const asim_device_t *d = r->device;
    if (d->lut + d->ff + d->dsp + d->bram36 + d->uram == 0) /* no budget: an ASIC */
        fprintf(out, "resources      LUT %.0f, FF %.0f, DSP %.0f, BRAM36 %.0f, URAM %.0f "
                     "(FPGA-equivalent counts; %s has no capacity to check)\n",
                r->resources.lut, r->resources.ff, r->resources.dsp, r->resources.bram36,
                r->resources.uram, d->part);
    else
        fprintf(out, "resources      LUT %.0f (%.1f%%), FF %.0f (%.1f%%), DSP %.0f (%.1f%%), "
                     "BRAM36 %.0f (%.1f%%), URAM %.0f (%.1f%%) of %s%s\n",
                r->resources.lut, pct(r->resources.lut, d->lut), r->resources.ff,
                pct(r->resources.ff, d->ff), r->resources.dsp, pct(r->resources.dsp, d->dsp),
                r->resources.bram36, pct(r->resources.bram36, d->bram36), r->resources.uram,
                pct(r->resources.uram, d->uram), d->part, r->fits ? "" : "  DOES NOT FIT");
    if (r->n_asic) {
        fprintf(out, "ASIC cells     ");
        write_asic_text(out, r->asic, r->n_asic);
        fprintf(out, " (units with an RTL twin; buffers not included)\n");
    }
    fprintf(out, "per unit       resources, energy (by kind), busy\n");
    for (size_t i = 0; i < r->n_units; i++) {
        const asim_unit_resources_t *u = &r->unit_resources[i];
        fprintf(out, "  %-14s LUT %.0f, FF %.0f, DSP %.0f, BRAM36 %.0f, URAM %.0f (%s); "
                     "%.6f mJ (",
                u->name, u->res.lut, u->res.ff, u->res.dsp, u->res.bram36, u->res.uram,
                u->basis, u->energy_pj * 1e-9);
        write_kinds_text(out, &u->energy);
        fprintf(out, "); busy %.1f%%", pct((double)u->busy, (double)r->total_cycles));
        if (u->fmax_mhz > 0)
            fprintf(out, "; Fmax est. %.0f MHz%s", u->fmax_mhz,
                    u->fmax_exact ? "" : " (nearest measured size)");
        fputc('\n', out);
        if (u->n_asic) {
            fprintf(out, "  %-14s ASIC ", "");
            write_asic_text(out, u->asic, u->n_asic);
            fprintf(out, " (%s)\n", u->asic_basis);
        }
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
    char warning[256];
    for (size_t i = 0; i < r->n_units; i++)
        if (asim_report_fmax_warning(r, i, warning, sizeof warning))
            fprintf(out, "WARNING: %s.\n", warning);
    if (r->n_unsupported)
        fprintf(out, "\nINCOMPLETE: %zu of %zu ops have no unit in this configuration and are "
                     "not in the totals (marked UNSUPPORTED above).\n",
                r->n_unsupported, r->n_layers);
    text_config(out, c);
}

/* Length of key's section ("array" of "array.rows"); 0 for a top-level key. */
static size_t section_len(const char *key)
{
    const char *dot = strchr(key, '.');
    return dot ? (size_t)(dot - key) : 0;
}

static bool same_section(const char *a, const char *b)
{
    size_t n = section_len(a);
    return n == section_len(b) && strncmp(a, b, n) == 0;
}

/* "config": the file's path, the --set overrides, then every schema key nested by section as
 * in the YAML file (a section's keys together, wherever the schema lists them), so the object
 * is the effective configuration. */
static void json_config(FILE *out, const asim_config_t *cfg)
{
    size_t n;
    const asim_cfg_key_t *schema = asim_config_schema(&n);
    fprintf(out, "  \"config\": {\"path\": ");
    asim_put_json_string(out, cfg->path);
    fprintf(out, ", \"overrides\": {");
    for (size_t i = 0, k = 0; i < n; i++)
        if (cfg->origin[i].source == ASIM_ORIGIN_SET) {
            fprintf(out, "%s\"%s\": ", k++ ? ", " : "", schema[i].key);
            config_value(out, &schema[i], cfg, true);
        }
    fputc('}', out);
    for (size_t i = 0; i < n; i++) {
        const char *key = schema[i].key;
        size_t len = section_len(key), first = 0;
        while (first < i && !(len && same_section(schema[first].key, key)))
            first++;
        if (first < i)
            continue; /* written with the first key of its section */
        if (!len) {
            fprintf(out, ",\n    \"%s\": ", key);
            config_value(out, &schema[i], cfg, true);
            continue;
        }
        fprintf(out, ",\n    \"%.*s\": {", (int)len, key);
        for (size_t j = i, k = 0; j < n; j++)
            if (same_section(schema[j].key, key)) {
                fprintf(out, "%s\"%s\": ", k++ ? ", " : "", schema[j].key + len + 1);
                config_value(out, &schema[j], cfg, true);
            }
        fputc('}', out);
    }
    fprintf(out, "},\n");
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

static void write_json(FILE *out, const asim_report_t *r)
{
    const asim_config_t *c = r->cfg;
    const asim_device_t *d = r->device;
    fprintf(out, "{\n  \"schema\": \"%s\",\n  \"accelsim_version\": \"%s\",\n",
            ASIM_REPORT_SCHEMA, ASIM_VERSION);
    json_config(out, c);
    fprintf(out, "  \"model\": ");
    asim_put_json_string(out, r->graph->name);
    fprintf(out, ",\n  \"complete\": %s,\n  \"unsupported_ops\": %zu,\n",
            r->n_unsupported ? "false" : "true", r->n_unsupported);
    fprintf(out, "  \"total_cycles\": %llu,\n  \"latency_ms\": %.9g,\n  \"macs\": %llu,\n",
            (unsigned long long)r->total_cycles, r->latency_ms, (unsigned long long)r->macs);
    fprintf(out, "  \"energy_mj\": %.9g,\n  \"energy_breakdown_mj\": ", r->energy_mj);
    write_kinds_json(out, &r->energy);
    fprintf(out, ",\n  \"energy_by_unit_mj\": {");
    for (size_t i = 0; i < r->n_units; i++) {
        asim_put_json_string(out, r->unit_resources[i].name);
        fprintf(out, ": ");
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
    asim_put_json_string(out, d->name);
    fprintf(out, ", \"part\": ");
    asim_put_json_string(out, d->part);
    fprintf(out, ", \"lut\": %.0f, \"ff\": %.0f, \"dsp\": %.0f, \"bram\": %.0f, \"uram\": %.0f}, "
                 "\"units\": [",
            d->lut, d->ff, d->dsp, d->bram36, d->uram);
    for (size_t i = 0; i < r->n_units; i++) {
        const asim_unit_resources_t *u = &r->unit_resources[i];
        fprintf(out, "%s{\"name\": \"%s\", \"lut\": %.0f, \"ff\": %.0f, \"dsp\": %.0f, "
                     "\"bram\": %.0f, \"uram\": %.0f, \"basis\": \"%s\", \"busy_cycles\": %llu, "
                     "\"fmax_mhz_est\": ",
                i ? ", " : "", u->name, u->res.lut, u->res.ff, u->res.dsp, u->res.bram36,
                u->res.uram, u->basis, (unsigned long long)u->busy);
        if (u->fmax_mhz > 0)
            fprintf(out, "%.1f, \"fmax_exact\": %s, \"clock_over_fmax\": %s", u->fmax_mhz,
                    u->fmax_exact ? "true" : "false",
                    asim_report_over_fmax(r, u) ? "true" : "false");
        else
            fprintf(out, "null");
        if (u->n_asic) {
            fprintf(out, ", \"asic\": ");
            write_asic_json(out, u->asic, u->n_asic);
            fprintf(out, ", \"asic_basis\": ");
            asim_put_json_string(out, u->asic_basis);
        }
        fputc('}', out);
    }
    fprintf(out, "]");
    if (r->n_asic) {
        fprintf(out, ", \"asic\": ");
        write_asic_json(out, r->asic, r->n_asic);
    }
    fprintf(out, "},\n");
    fprintf(out, "  \"schedule\": \"%s\",\n  \"critical_path_cycles\": {", r->schedule);
    for (size_t i = 0; i < r->n_path_parts; i++)
        fprintf(out, "%s\"%s\": %llu", i ? ", " : "", r->critical_path[i].queue,
                (unsigned long long)r->critical_path[i].cycles);
    fprintf(out, "},\n");
    kv_totals_t kv = kv_totals(r);
    if (kv.used)
        fprintf(out, "  \"kv_cache\": {\"read_bits\": %llu, \"write_bits\": %llu, "
                     "\"dram_bits\": %llu},\n",
                (unsigned long long)kv.read_bits, (unsigned long long)kv.write_bits,
                (unsigned long long)kv.dram_bits);
    for (size_t i = 0; i < r->n_sections; i++)
        write_section_json(out, &r->sections[i]);
    fprintf(out, "  \"stats\": {");
    for (size_t i = 0; i < r->stats->len; i++) {
        fprintf(out, "%s\n    ", i ? "," : "");
        asim_put_json_string(out, r->stats->items[i].path);
        fprintf(out, ": %llu", (unsigned long long)*r->stats->items[i].value);
    }
    fprintf(out, "\n  },\n  \"layers\": [");
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        const asim_op_t *op = l->op;
        fprintf(out, "%s\n    {\"name\": ", i ? "," : "");
        asim_put_json_string(out, op->name);
        fprintf(out, ", \"op\": \"%s\", \"unit\": ", asim_op_kind_name(op->kind));
        asim_put_json_string(out, l->unit);
        if (op->kind == ASIM_OP_GEMM)
            fprintf(out, ", \"m\": %llu, \"n\": %llu, \"k\": %llu, \"b\": \"%s\"",
                    (unsigned long long)op->m, (unsigned long long)op->n,
                    (unsigned long long)op->k,
                    op->b_shared ? "shared" : op->b_is_weight ? "weight" :
                    op->b_cache ? "cache" : "activation");
        else
            fprintf(out, ", \"rows\": %llu, \"cols\": %llu", (unsigned long long)op->rows,
                    (unsigned long long)op->cols);
        fprintf(out, ", \"count\": %llu, \"a_bits\": %d, \"b_bits\": %d, \"out_bits\": %d",
                (unsigned long long)op->count, op->a_bits,
                op->kind == ASIM_OP_GEMM ? op->b_bits : 0, op->out_bits);
        if (l->supported) {
            fprintf(out, ", \"mode\": ");
            asim_put_json_string(out, l->mode);
        }
        fprintf(out, ", \"status\": \"%s\", \"start_cycle\": %llu, \"end_cycle\": %llu, "
                     "\"cycles\": %llu, \"busy_cycles\": %llu, \"wait_operands\": %llu, "
                     "\"utilization\": %.6f, \"macs\": %llu",
                l->supported ? "ok" : "unsupported", (unsigned long long)l->start,
                (unsigned long long)l->end, (unsigned long long)l->cycles,
                (unsigned long long)l->busy, (unsigned long long)l->wait_operands,
                l->utilization, (unsigned long long)l->act.macs);
        if (l->supported)
            fprintf(out, ", \"tiles\": %llu, \"tile\": [%llu, %llu, %llu], \"dram_bits\": %llu, "
                         "\"sram_read_bits\": %llu, \"sram_write_bits\": %llu, "
                         "\"dram_gbps\": %.9g",
                    (unsigned long long)l->tiles, (unsigned long long)l->tm,
                    (unsigned long long)l->tn, (unsigned long long)l->tk,
                    (unsigned long long)l->dram_bits, (unsigned long long)l->act.sram_read_bits,
                    (unsigned long long)l->act.sram_write_bits,
                    asim_report_gbps(l->dram_bits, l->cycles, r->cfg->clock_mhz));
        if (l->supported)
            fprintf(out, ", \"by_operand_bits\": {\"sram_read_a\": %llu, \"sram_read_b\": %llu, "
                         "\"dram_load_a\": %llu, \"dram_load_b\": %llu, \"dram_store\": %llu}",
                    (unsigned long long)l->sram_read_a_bits,
                    (unsigned long long)l->sram_read_b_bits,
                    (unsigned long long)l->dram_load_a_bits,
                    (unsigned long long)l->dram_load_b_bits,
                    (unsigned long long)l->dram_store_bits);
        if (l->supported && (op->b_cache || op->out_cache))
            fprintf(out, ", \"kv_cache_bits\": {\"read\": %llu, \"write\": %llu}",
                    (unsigned long long)l->dram_kv_read_bits,
                    (unsigned long long)l->dram_kv_write_bits);
        fprintf(out, ", \"energy_mj\": %.9g, \"energy_breakdown_mj\": ", l->energy_pj * 1e-9);
        write_kinds_json(out, &l->energy);
        if (!l->supported) {
            fprintf(out, ", \"note\": ");
            asim_put_json_string(out, l->note);
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

double asim_report_gbps(uint64_t bits, asim_cycle_t cycles, double clock_mhz)
{
    return cycles ? (double)bits * clock_mhz / (8e3 * (double)cycles) : 0.0;
}

/* The CSV columns after `mode` (docs/report.md): timing, traffic, energy by kind, resources. */
#define CSV_HEADER                                                                           \
    "row,name,op,unit,status,m,n,k,rows,cols,count,a_bits,b_bits,out_bits,mode,start_cycle,"  \
    "end_cycle,cycles,busy_cycles,wait_operands,utilization,macs,tiles,tm,tn,tk,"            \
    "sram_read_bits,sram_write_bits,dram_bits,sram_read_a_bits,sram_read_b_bits,"            \
    "dram_load_a_bits,dram_load_b_bits,dram_store_bits,sram_gbps,dram_gbps,energy_mj,"       \
    ASIM_ENERGY_KINDS(CSV_KIND_COLUMN) "lut,ff,dsp,bram,uram,fits,asic_mm2,asic_leakage_mw\n"
#define CSV_KIND_COLUMN(id, name, desc) "energy_" name "_mj,"

/* n fields that do not apply to the row, each with its leading comma. */
static void csv_skip(FILE *out, int n)
{
    while (n-- > 0)
        fputc(',', out);
}

static void csv_energy(FILE *out, double total_pj, const asim_energy_t *e)
{
    fprintf(out, ",%.9g", total_pj * 1e-9);
    for (int k = 0; k < ASIM_EK_COUNT; k++)
        fprintf(out, ",%.9g", e->pj[k] * 1e-9);
}

static void csv_resources(FILE *out, const asim_resources_t *res)
{
    fprintf(out, ",%.0f,%.0f,%.0f,%.0f,%.0f", res->lut, res->ff, res->dsp, res->bram36, res->uram);
}

/* The technology table's own node (the first): area and leakage, or two empty fields. */
static void csv_asic(FILE *out, const asim_asic_area_t *a, size_t n)
{
    if (n)
        fprintf(out, ",%.9g,%.9g", a[0].area_mm2, a[0].leakage_mw);
    else
        csv_skip(out, 2);
}

/* Buffer reads and DRAM traffic by operand (docs/report.md). */
static void csv_operands(FILE *out, const asim_layer_t *l)
{
    fprintf(out, ",%llu,%llu,%llu,%llu,%llu", (unsigned long long)l->sram_read_a_bits,
            (unsigned long long)l->sram_read_b_bits, (unsigned long long)l->dram_load_a_bits,
            (unsigned long long)l->dram_load_b_bits, (unsigned long long)l->dram_store_bits);
}

static void csv_layer(FILE *out, const asim_report_t *r, const asim_layer_t *l)
{
    const asim_op_t *op = l->op;
    uint64_t sram_bits = l->act.sram_read_bits + l->act.sram_write_bits;
    fprintf(out, "layer,");
    asim_csv_field(out, op->name, false);
    fprintf(out, ",%s,%s,%s,%llu,%llu,%llu,%llu,%llu,%llu,%d,%d,%d,",
            asim_op_kind_name(op->kind), l->unit, l->supported ? "ok" : "unsupported",
            (unsigned long long)op->m, (unsigned long long)op->n, (unsigned long long)op->k,
            (unsigned long long)op->rows, (unsigned long long)op->cols,
            (unsigned long long)op->count, op->a_bits, op->b_bits, op->out_bits);
    asim_csv_field(out, l->mode, false);
    fprintf(out, ",%llu,%llu,%llu,%llu,%llu,%.6f,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu",
            (unsigned long long)l->start, (unsigned long long)l->end,
            (unsigned long long)l->cycles, (unsigned long long)l->busy,
            (unsigned long long)l->wait_operands, l->utilization,
            (unsigned long long)l->act.macs, (unsigned long long)l->tiles,
            (unsigned long long)l->tm, (unsigned long long)l->tn, (unsigned long long)l->tk,
            (unsigned long long)l->act.sram_read_bits,
            (unsigned long long)l->act.sram_write_bits, (unsigned long long)l->dram_bits);
    csv_operands(out, l);
    fprintf(out, ",%.9g,%.9g", asim_report_gbps(sram_bits, l->cycles, r->cfg->clock_mhz),
            asim_report_gbps(l->dram_bits, l->cycles, r->cfg->clock_mhz));
    csv_energy(out, l->energy_pj, &l->energy);
    csv_skip(out, 8); /* lut .. asic_leakage_mw */
    fputc('\n', out);
}

/* One row per unit: its resources and its share of the energy, by kind. */
static void csv_unit(FILE *out, const asim_unit_resources_t *u)
{
    fprintf(out, "unit,");
    asim_csv_field(out, u->name, false);
    csv_skip(out, 1); /* op */
    fputc(',', out);
    asim_csv_field(out, u->name, false);
    csv_skip(out, 14); /* status .. cycles */
    fprintf(out, ",%llu", (unsigned long long)u->busy);
    csv_skip(out, 17); /* wait_operands .. dram_gbps */
    csv_energy(out, u->energy_pj, &u->energy);
    csv_resources(out, &u->res);
    csv_skip(out, 1); /* fits */
    csv_asic(out, u->asic, u->n_asic);
    fputc('\n', out);
}

static void csv_total(FILE *out, const asim_report_t *r)
{
    uint64_t rd = 0, wr = 0, dram = 0;
    asim_layer_t sum = {0};
    for (size_t i = 0; i < r->n_layers; i++) {
        const asim_layer_t *l = &r->layers[i];
        rd += l->act.sram_read_bits;
        wr += l->act.sram_write_bits;
        dram += l->dram_bits;
        sum.sram_read_a_bits += l->sram_read_a_bits;
        sum.sram_read_b_bits += l->sram_read_b_bits;
        sum.dram_load_a_bits += l->dram_load_a_bits;
        sum.dram_load_b_bits += l->dram_load_b_bits;
        sum.dram_store_bits += l->dram_store_bits;
    }
    fprintf(out, "total,");
    asim_csv_field(out, r->graph->name, false);
    csv_skip(out, 2); /* op, unit */
    fprintf(out, ",%s", r->n_unsupported ? "incomplete" : "complete");
    csv_skip(out, 10); /* m .. mode */
    fprintf(out, ",0,%llu,%llu", (unsigned long long)r->total_cycles,
            (unsigned long long)r->total_cycles);
    csv_skip(out, 3); /* busy_cycles, wait_operands, utilization */
    fprintf(out, ",%llu", (unsigned long long)r->macs);
    csv_skip(out, 4); /* tiles, tm, tn, tk */
    fprintf(out, ",%llu,%llu,%llu", (unsigned long long)rd, (unsigned long long)wr,
            (unsigned long long)dram);
    csv_operands(out, &sum);
    fprintf(out, ",%.9g,%.9g", asim_report_gbps(rd + wr, r->total_cycles, r->cfg->clock_mhz),
            asim_report_gbps(dram, r->total_cycles, r->cfg->clock_mhz));
    csv_energy(out, r->energy_mj * 1e9, &r->energy);
    csv_resources(out, &r->resources);
    fprintf(out, ",%d", r->fits ? 1 : 0);
    csv_asic(out, r->asic, r->n_asic);
    fputc('\n', out);
}

static void write_csv(FILE *out, const asim_report_t *r)
{
    fputs(CSV_HEADER, out);
    for (size_t i = 0; i < r->n_layers; i++)
        csv_layer(out, r, &r->layers[i]);
    for (size_t i = 0; i < r->n_units; i++)
        csv_unit(out, &r->unit_resources[i]);
    csv_total(out, r);
}

void asim_report_write(FILE *out, const asim_report_t *r, asim_format_t fmt)
{
    switch (fmt) {
    case ASIM_FORMAT_JSON: write_json(out, r); break;
    case ASIM_FORMAT_CSV: write_csv(out, r); break;
    default: write_text(out, r); break;
    }
}
