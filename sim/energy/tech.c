/* tech.c: loader of the technology tables (see tech.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml.h"
#include "energy/tech.h"

typedef struct {
    const char *key, *unit;
    size_t offset;
} energy_entry_t;

static const energy_entry_t energy_entries[] = {
    {"mult_8x8", "pJ", offsetof(asim_tech_t, mult_8x8_pj)},
    {"add_32", "pJ", offsetof(asim_tech_t, add_32_pj)},
    {"mult_32", "pJ", offsetof(asim_tech_t, mult_32_pj)},
    {"fp32_mult", "pJ", offsetof(asim_tech_t, fp32_mult_pj)},
    {"fp32_add", "pJ", offsetof(asim_tech_t, fp32_add_pj)},
    {"sram_read_bit", "pJ/bit", offsetof(asim_tech_t, sram_read_pj_bit)},
    {"sram_write_bit", "pJ/bit", offsetof(asim_tech_t, sram_write_pj_bit)},
    {"sram_ref_size", "KiB", offsetof(asim_tech_t, sram_ref_kib)},
    {"sram_size_exponent", "1", offsetof(asim_tech_t, sram_size_exp)},
    {"dram_bit", "pJ/bit", offsetof(asim_tech_t, dram_pj_bit)},
};

static const energy_entry_t fpga_entries[] = {
    {"lut", "uW/MHz", offsetof(asim_fpga_power_t, lut)},
    {"net", "uW/MHz", offsetof(asim_fpga_power_t, net)},
    {"ff", "uW/MHz", offsetof(asim_fpga_power_t, ff)},
    {"carry", "uW/MHz", offsetof(asim_fpga_power_t, carry)},
    {"carry_per_lut", "1", offsetof(asim_fpga_power_t, carry_per_lut)},
    {"clock", "uW/MHz", offsetof(asim_fpga_power_t, clock)},
    {"dsp", "uW/MHz", offsetof(asim_fpga_power_t, dsp)},
    {"mmcm", "W", offsetof(asim_fpga_power_t, mmcm_w)},
    {"default_toggle", "%", offsetof(asim_fpga_power_t, default_toggle)},
    {"leakage_doubling", "C", offsetof(asim_fpga_power_t, leakage_doubling_c)},
    {"ambient", "C", offsetof(asim_fpga_power_t, ambient_c)},
};

typedef struct {
    const char *key;
    size_t offset;
    bool optional;                /* absent: 0 */
} device_entry_t;

static const device_entry_t device_entries[] = {
    {"lut", offsetof(asim_device_t, lut), false},
    {"ff", offsetof(asim_device_t, ff), false},
    {"dsp", offsetof(asim_device_t, dsp), false},
    {"bram36", offsetof(asim_device_t, bram36), false},
    {"uram", offsetof(asim_device_t, uram), false},
    {"static_w", offsetof(asim_device_t, static_w), false},
    {"static_ps_w", offsetof(asim_device_t, static_ps_w), true},
    {"static_tj_c", offsetof(asim_device_t, static_tj_c), true},
    {"theta_ja", offsetof(asim_device_t, theta_ja), true},
    {"ps_w", offsetof(asim_device_t, ps_w), true},
    {"ps_ddr_w", offsetof(asim_device_t, ps_ddr_w), true},
};

static asim_status_t need(const char *path, const asim_yaml_node_t *map, const char *key,
                          asim_yaml_kind_t kind, const asim_yaml_node_t **out, asim_error_t *err)
{
    *out = asim_yaml_get(map, key);
    if (!*out)
        return asim_error_at(err, ASIM_EMISSING, path, map->line, map->col,
                             "missing '%s'", key);
    if ((*out)->kind != kind)
        return asim_error_at(err, ASIM_ETYPE, path, (*out)->line, (*out)->col,
                             "'%s': expected %s, found %s", key, asim_yaml_kind_name(kind),
                             asim_yaml_kind_name((*out)->kind));
    return ASIM_OK;
}

static asim_status_t number(const char *path, const asim_yaml_node_t *map, const char *key,
                            double *out, asim_error_t *err)
{
    const asim_yaml_node_t *n;
    asim_status_t st = need(path, map, key, ASIM_YAML_SCALAR, &n, err);
    if (st == ASIM_OK && asim_parse_double(n->text, 0, 1e12, out) != ASIM_OK)
        st = asim_error_at(err, ASIM_ERANGE, path, n->line, n->col,
                           "'%s' = '%s' is not a number from 0 to 1e12", key, n->text);
    return st;
}

/* Every entry of `entries` from map.<key>: value (into base + offset), unit, source. */
static asim_status_t load_entries(const char *path, const asim_yaml_node_t *map,
                                  const char *section, const energy_entry_t *entries, size_t n,
                                  void *base, asim_error_t *err)
{
    for (size_t i = 0; i < n; i++) {
        const energy_entry_t *e = &entries[i];
        const asim_yaml_node_t *entry, *unit, *source;
        asim_status_t st;
        if ((st = need(path, map, e->key, ASIM_YAML_MAP, &entry, err)) ||
            (st = number(path, entry, "value", (double *)((char *)base + e->offset), err)) ||
            (st = need(path, entry, "unit", ASIM_YAML_SCALAR, &unit, err)) ||
            (st = need(path, entry, "source", ASIM_YAML_SCALAR, &source, err)))
            return st;
        if (strcmp(unit->text, e->unit) != 0)
            return asim_error_at(err, ASIM_ETYPE, path, unit->line, unit->col,
                                 "%s.%s: unit must be %s, found '%s'", section, e->key,
                                 e->unit, unit->text);
    }
    return ASIM_OK;
}

static asim_status_t load_devices(const char *path, const asim_yaml_node_t *map,
                                  asim_tech_t *tech, asim_error_t *err)
{
    if (map->len > ASIM_TECH_MAX_DEVICES)
        return asim_error_at(err, ASIM_ERANGE, path, map->line, map->col,
                             "more than %d devices", ASIM_TECH_MAX_DEVICES);
    for (size_t i = 0; i < map->len; i++) {
        const asim_yaml_node_t *d = &map->items[i], *part;
        asim_device_t *dev = &tech->devices[tech->n_devices++];
        asim_status_t st;
        if (d->kind != ASIM_YAML_MAP)
            return asim_error_at(err, ASIM_ETYPE, path, d->line, d->col,
                                 "device '%s': expected a mapping", d->key);
        snprintf(dev->name, sizeof dev->name, "%s", d->key);
        if ((st = need(path, d, "part", ASIM_YAML_SCALAR, &part, err)))
            return st;
        snprintf(dev->part, sizeof dev->part, "%s", part->text);
        for (size_t j = 0; j < sizeof device_entries / sizeof device_entries[0]; j++) {
            const device_entry_t *e = &device_entries[j];
            if (e->optional && !asim_yaml_get(d, e->key))
                continue;
            if ((st = number(path, d, e->key, (double *)((char *)dev + e->offset), err)))
                return st;
        }
    }
    return ASIM_OK;
}

static const char *const cell_keys[] = {
#define ASIM_ASIC_CELL_KEY(id, name) name,
    ASIM_ASIC_CELLS(ASIM_ASIC_CELL_KEY)
#undef ASIM_ASIC_CELL_KEY
};

/* One node of the `asic` section: its name, and per generic gate the library cell's name,
 * area_um2, leakage_nw and source. */
static asim_status_t load_asic_node(const char *path, const asim_yaml_node_t *map,
                                    asim_asic_node_t *node, asim_error_t *err)
{
    const asim_yaml_node_t *name, *cell, *text;
    asim_status_t st;
    if (map->kind != ASIM_YAML_MAP)
        return asim_error_at(err, ASIM_ETYPE, path, map->line, map->col,
                             "asic.nodes.%s: expected a mapping", map->key);
    snprintf(node->key, sizeof node->key, "%s", map->key);
    if ((st = need(path, map, "name", ASIM_YAML_SCALAR, &name, err)))
        return st;
    snprintf(node->name, sizeof node->name, "%s", name->text);
    for (int c = 0; c < ASIM_CELL_COUNT; c++)
        if ((st = need(path, map, cell_keys[c], ASIM_YAML_MAP, &cell, err)) ||
            (st = need(path, cell, "cell", ASIM_YAML_SCALAR, &text, err)) ||
            (st = number(path, cell, "area_um2", &node->area_um2[c], err)) ||
            (st = number(path, cell, "leakage_nw", &node->leakage_nw[c], err)) ||
            (st = need(path, cell, "source", ASIM_YAML_SCALAR, &text, err)))
            return st;
    return ASIM_OK;
}

/* The `asic` section: utilization (value, unit 1, source) and nodes. */
static asim_status_t load_asic(const char *path, const asim_yaml_node_t *asic,
                               asim_tech_t *tech, asim_error_t *err)
{
    static const energy_entry_t utilization[] = {
        {"utilization", "1", offsetof(asim_tech_t, utilization)}};
    const asim_yaml_node_t *nodes;
    asim_status_t st = load_entries(path, asic, "asic", utilization, 1, tech, err);
    if (st || (st = need(path, asic, "nodes", ASIM_YAML_MAP, &nodes, err)))
        return st;
    if (tech->utilization <= 0 || tech->utilization > 1)
        return asim_error_at(err, ASIM_ERANGE, path, asic->line, asic->col,
                             "asic.utilization must be in (0, 1], found %g", tech->utilization);
    if (nodes->len == 0 || nodes->len > ASIM_ASIC_MAX_NODES)
        return asim_error_at(err, ASIM_ERANGE, path, nodes->line, nodes->col,
                             "asic.nodes: 1 to %d nodes, found %zu", ASIM_ASIC_MAX_NODES,
                             nodes->len);
    for (size_t i = 0; i < nodes->len; i++)
        if ((st = load_asic_node(path, &nodes->items[i], &tech->nodes[tech->n_nodes++], err)))
            return st;
    return ASIM_OK;
}

/* Folder of path ("." when none) into dir. */
static void folder_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(dir, n, "%.*s", (int)(slash - path), path);
    else
        snprintf(dir, n, ".");
}

/* The mean toggle_pct of the realistic rows of csv (header: block,...,toggle_pct). */
static asim_status_t load_activity_csv(const char *csv, asim_toggle_rate_t *a, asim_error_t *err)
{
    FILE *f = fopen(csv, "r");
    if (!f)
        return asim_error_set(err, ASIM_EIO, csv, "cannot read the activity file (write it "
                                                  "with tools/activity/activity.py %s)",
                              a->block);
    char line[512];
    int lineno = 0;
    double sum = 0.0;
    asim_status_t st = ASIM_OK;
    const char *want = "block,elaboration,mode,data,cycles,seed,signal_bits,toggles,toggle_pct";
    while (st == ASIM_OK && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1) {
            if (strcmp(line, want) != 0)
                st = asim_error_at(err, ASIM_ESYNTAX, csv, 1, 1, "header is '%s', want %s",
                                   line, want);
            continue;
        }
        char *field[9], *save = NULL;
        int n = 0;
        for (char *t = strtok_r(line, ",", &save); t && n < 9; t = strtok_r(NULL, ",", &save))
            field[n++] = t;
        double pct;
        if (n != 9)
            st = asim_error_at(err, ASIM_ESYNTAX, csv, lineno, 1, "want 9 fields, found %d", n);
        else if (strcmp(field[0], a->block) != 0)
            st = asim_error_at(err, ASIM_ESYNTAX, csv, lineno, 1, "block '%s', want '%s'",
                               field[0], a->block);
        else if (asim_parse_double(field[8], 0, 200, &pct) != ASIM_OK)
            st = asim_error_at(err, ASIM_ERANGE, csv, lineno, 1,
                               "toggle_pct '%s' is not a number from 0 to 200", field[8]);
        else if (!strcmp(field[3], "realistic"))
            sum += pct, a->points++;
    }
    fclose(f);
    if (st == ASIM_OK && a->points == 0)
        st = asim_error_set(err, ASIM_EMISSING, csv, "no realistic-data rows");
    a->toggle_pct = st == ASIM_OK ? sum / (double)a->points : 0.0;
    return st;
}

static asim_status_t load_activity(const char *path, const asim_yaml_node_t *map,
                                   asim_tech_t *tech, asim_error_t *err)
{
    if (map->len > ASIM_TECH_MAX_ACTIVITY)
        return asim_error_at(err, ASIM_ERANGE, path, map->line, map->col,
                             "more than %d activity files", ASIM_TECH_MAX_ACTIVITY);
    char dir[ASIM_PATH_MAX], csv[2 * ASIM_PATH_MAX + 2];
    folder_of(path, dir, sizeof dir);
    for (size_t i = 0; i < map->len; i++) {
        const asim_yaml_node_t *e = &map->items[i];
        asim_toggle_rate_t *a = &tech->activity[tech->n_activity++];
        if (e->kind != ASIM_YAML_SCALAR)
            return asim_error_at(err, ASIM_ETYPE, path, e->line, e->col,
                                 "activity.%s: expected a file name", e->key);
        snprintf(a->block, sizeof a->block, "%s", e->key);
        if (e->text[0] == '/')
            snprintf(csv, sizeof csv, "%s", e->text);
        else
            snprintf(csv, sizeof csv, "%s/%s", dir, e->text);
        asim_status_t st = load_activity_csv(csv, a, err);
        if (st)
            return st;
    }
    return ASIM_OK;
}

asim_status_t asim_tech_load(const char *path, asim_tech_t *tech, asim_error_t *err)
{
    memset(tech, 0, sizeof *tech);
    snprintf(tech->path, sizeof tech->path, "%s", path);
    asim_yaml_node_t *root;
    asim_status_t st = asim_yaml_load(path, &root, err);
    if (st)
        return st;
    const asim_yaml_node_t *name, *energy, *devices, *power;
    if (root->kind != ASIM_YAML_MAP)
        st = asim_error_set(err, ASIM_ESYNTAX, path, "expected a technology table (name, "
                                                     "energy, devices)");
    else if (!(st = need(path, root, "name", ASIM_YAML_SCALAR, &name, err)) &&
             !(st = need(path, root, "energy", ASIM_YAML_MAP, &energy, err)) &&
             !(st = need(path, root, "devices", ASIM_YAML_MAP, &devices, err))) {
        snprintf(tech->name, sizeof tech->name, "%s", name->text);
        st = load_entries(path, energy, "energy", energy_entries,
                          sizeof energy_entries / sizeof energy_entries[0], tech, err);
        tech->has_fpga = asim_yaml_get(root, "power") != NULL;
        if (!st && tech->has_fpga && !(st = need(path, root, "power", ASIM_YAML_MAP, &power, err)))
            st = load_entries(path, power, "power", fpga_entries,
                              sizeof fpga_entries / sizeof fpga_entries[0], &tech->fpga, err);
        const asim_yaml_node_t *activity = asim_yaml_get(root, "activity");
        if (!st && activity && !(st = need(path, root, "activity", ASIM_YAML_MAP, &activity,
                                           err)))
            st = load_activity(path, activity, tech, err);
        const asim_yaml_node_t *asic = asim_yaml_get(root, "asic");
        if (!st && asic && !(st = need(path, root, "asic", ASIM_YAML_MAP, &asic, err)))
            st = load_asic(path, asic, tech, err);
        if (!st)
            st = load_devices(path, devices, tech, err);
    }
    asim_yaml_free(root);
    return st;
}

/* The other technology tables next to `named` (*.yaml in its folder, sorted), one of which
 * may have `device`: on success *tech is that table. Tables that do not load are skipped
 * (the named one's errors are reported by the caller). */
static bool load_sibling_with(const char *named, const char *device, asim_tech_t *tech)
{
    char dir[ASIM_PATH_MAX], path[2 * ASIM_PATH_MAX + 2];
    folder_of(named, dir, sizeof dir);
    struct dirent **names;
    asim_error_t scratch;
    int n = scandir(dir, &names, NULL, alphasort);
    bool found = false;
    for (int i = 0; i < n; i++) {
        const char *f = names[i]->d_name;
        size_t len = strlen(f);
        snprintf(path, sizeof path, "%s/%s", dir, f);
        if (!found && len > 5 && !strcmp(f + len - 5, ".yaml") && strcmp(path, named) != 0 &&
            asim_tech_load(path, tech, &scratch) == ASIM_OK && asim_tech_device(tech, device))
            found = true;
        free(names[i]);
    }
    if (n >= 0)
        free(names);
    return found;
}

asim_status_t asim_tech_load_for(const asim_config_t *cfg, asim_tech_t *tech, asim_error_t *err)
{
    char dir[ASIM_PATH_MAX], path[2 * ASIM_PATH_MAX + 2];
    asim_config_dir(cfg, dir, sizeof dir);
    if (cfg->tech[0] == '/')
        snprintf(path, sizeof path, "%s", cfg->tech);
    else
        snprintf(path, sizeof path, "%s/%s", dir, cfg->tech);
    asim_status_t st = asim_tech_load(path, tech, err);
    if (st == ASIM_EIO) {
        char where[ASIM_PATH_MAX + 32], msg[ASIM_ERROR_MSG_MAX];
        asim_config_where(cfg, "tech", where, sizeof where);
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return asim_error_set(err, st, where, "technology table: %s", msg);
    }
    if (st == ASIM_OK && !asim_tech_device(tech, cfg->device)) {
        /* A device of another table in the same folder (device: asic) needs no tech key. */
        asim_tech_t *other = malloc(sizeof *other);
        bool found = other && load_sibling_with(tech->path, cfg->device, other);
        if (found)
            *tech = *other;
        free(other);
        if (found)
            return ASIM_OK;
        char where[ASIM_PATH_MAX + 32], names[160] = "";
        size_t used = 0;
        for (size_t i = 0; i < tech->n_devices; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     tech->devices[i].name);
        asim_config_where(cfg, "device", where, sizeof where);
        return asim_error_set(err, ASIM_ERANGE, where,
                              "device '%s' is not in %s (devices: %s) nor in another "
                              "table of its folder", cfg->device, path, names);
    }
    return st;
}

const asim_device_t *asim_tech_device(const asim_tech_t *tech, const char *name)
{
    for (size_t i = 0; i < tech->n_devices; i++)
        if (strcmp(tech->devices[i].name, name) == 0)
            return &tech->devices[i];
    return NULL;
}
