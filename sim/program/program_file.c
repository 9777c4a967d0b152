/*
 * program_file.c: the program file (docs/program.md), its checks and its readable dump.
 *
 * Little-endian, fixed-width fields:
 *   header   "ASIMPRG\0", u32 version, u32 schedule, u64 config fingerprint, u64 graph
 *            fingerprint, u32 ops, u32 queues, u32 channels, u64 DRAM image bytes
 *   per op   char name[64], i32 queue (-1: unsupported), u64 tm tn tk n_tiles n_stores
 *            dram_bits, u8 a_resident b_resident out_resident, u64 DRAM address of A, B
 *            and the output (all ones: none)
 *   channel  u16 from, u16 to, u8 cause
 *   queue    char name[48], u16 unit, u64 instructions, then each instruction as u8 kind,
 *            u8 waits, u8 pushes, u8 slot, u32 op, u64 tile, u64 bits, u16 waits[6],
 *            u16 pushes[6]
 *   trailer  u64 FNV-1a of every byte before it
 * Reading checks every count against the bytes left before allocating, then the checksum,
 * then the program itself (asim_program_check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "asim/outfile.h"
#include "program/program.h"

#define MAGIC "ASIMPRG"
#define MAX_FILE_BYTES (UINT64_C(1) << 32)
#define OP_BYTES (64 + 4 + 6 * 8 + 3 + 3 * 8)
#define CHANNEL_BYTES 5
#define QUEUE_BYTES (48 + 2 + 8)
#define INSN_BYTES (4 + 4 + 8 + 8 + 2 * 2 * ASIM_INSN_MAX_DEPS)
#define HEADER_BYTES (8 + 4 + 4 + 8 + 8 + 4 + 4 + 4 + 8)

uint64_t asim_fnv1a(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

/* ---- writing ---- */

typedef struct {
    unsigned char *b;
    size_t len, cap;
    bool oom;
} buf_t;

static void put(buf_t *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *nb = realloc(b->b, cap);
        if (!nb) {
            b->oom = true;
            return;
        }
        b->b = nb;
        b->cap = cap;
    }
    memcpy(b->b + b->len, p, n);
    b->len += n;
}

static void put_le(buf_t *b, uint64_t v, unsigned bytes)
{
    unsigned char le[8];
    for (unsigned i = 0; i < bytes; i++)
        le[i] = (unsigned char)(v >> (8 * i));
    put(b, le, bytes);
}

asim_status_t asim_program_write(const char *path, const asim_program_t *p,
                                 const asim_graph_t *g, uint64_t cfg_fp, asim_error_t *err)
{
    buf_t b = {0};
    put(&b, MAGIC, 8);
    put_le(&b, p->version, 4);
    put_le(&b, (uint64_t)p->schedule, 4);
    put_le(&b, cfg_fp, 8);
    put_le(&b, asim_graph_fingerprint(g), 8);
    put_le(&b, p->n_ops, 4);
    put_le(&b, p->n_queues, 4);
    put_le(&b, p->n_channels, 4);
    put_le(&b, p->dram_bytes, 8);
    for (size_t o = 0; o < p->n_ops; o++) {
        const asim_plan_t *pl = &p->plans[o];
        char name[64] = {0};
        snprintf(name, sizeof name, "%s", g->ops[o].name);
        put(&b, name, 64);
        put_le(&b, (uint64_t)(uint32_t)p->op_queue[o], 4);
        uint64_t v[6] = {pl->tm, pl->tn, pl->tk, pl->n_tiles, pl->n_stores, pl->dram_bits};
        for (int i = 0; i < 6; i++)
            put_le(&b, v[i], 8);
        put_le(&b, pl->a_resident, 1);
        put_le(&b, pl->b_resident, 1);
        put_le(&b, pl->out_resident, 1);
        put_le(&b, p->addrs[o].a, 8);
        put_le(&b, p->addrs[o].b, 8);
        put_le(&b, p->addrs[o].out, 8);
    }
    for (size_t c = 0; c < p->n_channels; c++) {
        put_le(&b, p->channels[c].from, 2);
        put_le(&b, p->channels[c].to, 2);
        put_le(&b, p->channels[c].cause, 1);
    }
    for (size_t q = 0; q < p->n_queues; q++) {
        const asim_queue_t *qu = &p->queues[q];
        char name[48] = {0};
        snprintf(name, sizeof name, "%s", qu->name);
        put(&b, name, 48);
        put_le(&b, qu->unit, 2);
        put_le(&b, qu->len, 8);
        for (size_t i = 0; i < qu->len; i++) {
            const asim_insn_t *in = &qu->insns[i];
            put_le(&b, in->kind, 1);
            put_le(&b, in->n_waits, 1);
            put_le(&b, in->n_pushes, 1);
            put_le(&b, in->slot, 1);
            put_le(&b, in->op, 4);
            put_le(&b, in->tile, 8);
            put_le(&b, in->bits, 8);
            for (int k = 0; k < ASIM_INSN_MAX_DEPS; k++)
                put_le(&b, k < in->n_waits ? in->waits[k] : 0, 2);
            for (int k = 0; k < ASIM_INSN_MAX_DEPS; k++)
                put_le(&b, k < in->n_pushes ? in->pushes[k] : 0, 2);
        }
    }
    put_le(&b, asim_fnv1a(b.b, b.len, ASIM_FNV_OFFSET), 8);
    /* Through asim_outfile: never a partial or clobbered file (asim/outfile.h). */
    asim_status_t st;
    asim_outfile_t out;
    if (b.oom)
        st = asim_error_set(err, ASIM_ENOMEM, path, "out of memory writing the program");
    else if ((st = asim_outfile_open(&out, path, err)) == ASIM_OK) {
        fwrite(b.b, 1, b.len, out.f); /* asim_outfile_commit checks every write */
        st = asim_outfile_commit(&out, false, err);
    }
    free(b.b);
    return st;
}

/* ---- reading ---- */

typedef struct {
    const unsigned char *b;
    size_t len, at;
} rd_t;

static uint64_t get_le(rd_t *r, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)r->b[r->at + i] << (8 * i);
    r->at += bytes;
    return v;
}

static bool left(const rd_t *r, uint64_t n)
{
    return r->len - r->at >= n;
}

static asim_status_t corrupt(const char *path, asim_error_t *err, const char *what)
{
    return asim_error_set(err, ASIM_EPROGRAM, path, "not a valid program file: %s", what);
}

static asim_status_t read_ops(rd_t *r, asim_program_t *p, char (*names)[64], const char *path,
                              asim_error_t *err)
{
    if (!left(r, (uint64_t)p->n_ops * OP_BYTES))
        return corrupt(path, err, "truncated in its ops");
    for (size_t o = 0; o < p->n_ops; o++) {
        memcpy(names[o], r->b + r->at, 64);
        names[o][63] = '\0';
        r->at += 64;
        p->op_queue[o] = (int32_t)(uint32_t)get_le(r, 4);
        asim_plan_t *pl = &p->plans[o];
        pl->tm = get_le(r, 8), pl->tn = get_le(r, 8), pl->tk = get_le(r, 8);
        pl->n_tiles = get_le(r, 8), pl->n_stores = get_le(r, 8), pl->dram_bits = get_le(r, 8);
        pl->a_resident = get_le(r, 1), pl->b_resident = get_le(r, 1);
        pl->out_resident = get_le(r, 1);
        p->addrs[o].a = get_le(r, 8);
        p->addrs[o].b = get_le(r, 8);
        p->addrs[o].out = get_le(r, 8);
    }
    return ASIM_OK;
}

static asim_status_t read_queues(rd_t *r, asim_program_t *p, const char *path,
                                 asim_error_t *err)
{
    for (size_t q = 0; q < p->n_queues; q++) {
        asim_queue_t *qu = &p->queues[q];
        if (!left(r, QUEUE_BYTES))
            return corrupt(path, err, "truncated in its queues");
        memcpy(qu->name, r->b + r->at, 48);
        qu->name[47] = '\0';
        r->at += 48;
        qu->unit = (uint16_t)get_le(r, 2);
        uint64_t n = get_le(r, 8);
        if (n > (r->len - r->at) / INSN_BYTES)
            return corrupt(path, err, "a queue claims more instructions than the file holds");
        qu->insns = calloc(n ? n : 1, sizeof *qu->insns);
        if (!qu->insns)
            return asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
        qu->len = qu->cap = n;
        for (size_t i = 0; i < n; i++) {
            asim_insn_t *in = &qu->insns[i];
            in->kind = (uint8_t)get_le(r, 1);
            in->n_waits = (uint8_t)get_le(r, 1);
            in->n_pushes = (uint8_t)get_le(r, 1);
            in->slot = (uint8_t)get_le(r, 1);
            in->op = (uint32_t)get_le(r, 4);
            in->tile = get_le(r, 8);
            in->bits = get_le(r, 8);
            for (int k = 0; k < ASIM_INSN_MAX_DEPS; k++)
                in->waits[k] = (uint16_t)get_le(r, 2);
            for (int k = 0; k < ASIM_INSN_MAX_DEPS; k++)
                in->pushes[k] = (uint16_t)get_le(r, 2);
        }
    }
    return ASIM_OK;
}

/* Reads the whole file, at most MAX_FILE_BYTES. */
static asim_status_t slurp(const char *path, unsigned char **data, size_t *len,
                           asim_error_t *err)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f)
        return asim_error_set(err, ASIM_EIO, path, "cannot open the program");
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
        (uint64_t)sb.st_size > MAX_FILE_BYTES) {
        fclose(f);
        return asim_error_set(err, ASIM_EPROGRAM, path, "not a program file (not a regular "
                              "file, or over 4 GiB)");
    }
    *len = (size_t)sb.st_size;
    *data = malloc(*len ? *len : 1);
    bool ok = *data && fread(*data, 1, *len, f) == *len;
    fclose(f);
    if (!ok) {
        free(*data);
        return asim_error_set(err, ASIM_EIO, path, "cannot read the program");
    }
    return ASIM_OK;
}

asim_status_t asim_program_read(const char *path, asim_program_t *p, asim_program_info_t *info,
                                asim_error_t *err)
{
    memset(p, 0, sizeof *p);
    memset(info, 0, sizeof *info);
    unsigned char *data = NULL;
    size_t len = 0;
    asim_status_t st = slurp(path, &data, &len, err);
    if (st != ASIM_OK)
        return st;
    rd_t r = {data, len, 0};
    if (len < HEADER_BYTES + 8 || memcmp(data, MAGIC, 8) != 0) {
        free(data);
        return corrupt(path, err, "no ASIMPRG header");
    }
    r.at = 8;
    p->version = (uint32_t)get_le(&r, 4);
    if (p->version != ASIM_PROGRAM_VERSION) {
        free(data);
        return asim_error_set(err, ASIM_EPROGRAM, path, "program format version %u, but this "
                              "accelsim reads version %d: compile it again", p->version,
                              ASIM_PROGRAM_VERSION);
    }
    uint64_t sum = asim_fnv1a(data, len - 8, ASIM_FNV_OFFSET);
    rd_t tail = {data, len, len - 8};
    if (get_le(&tail, 8) != sum) {
        free(data);
        return corrupt(path, err, "checksum mismatch (truncated or corrupt)");
    }
    r.len = len - 8;
    p->schedule = (asim_schedule_t)get_le(&r, 4);
    info->config_fp = get_le(&r, 8);
    info->graph_fp = get_le(&r, 8);
    uint64_t n_ops = get_le(&r, 4), n_queues = get_le(&r, 4), n_channels = get_le(&r, 4);
    p->dram_bytes = get_le(&r, 8);
    if (n_queues < 2 || n_queues > 64 || n_channels > UINT16_MAX ||
        n_ops > ASIM_MODEL_MAX_OPS || !left(&r, n_ops * OP_BYTES + n_channels * CHANNEL_BYTES)) {
        free(data);
        return corrupt(path, err, "its counts do not fit the file");
    }
    p->n_ops = n_ops;
    p->plans = calloc(n_ops ? n_ops : 1, sizeof *p->plans);
    p->op_queue = calloc(n_ops ? n_ops : 1, sizeof *p->op_queue);
    p->addrs = calloc(n_ops ? n_ops : 1, sizeof *p->addrs);
    info->names = calloc(n_ops ? n_ops : 1, sizeof *info->names);
    p->channels = calloc(n_channels ? n_channels : 1, sizeof *p->channels);
    p->queues = calloc(n_queues, sizeof *p->queues);
    st = p->plans && p->op_queue && p->addrs && info->names && p->channels && p->queues
             ? ASIM_OK : asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
    if (st == ASIM_OK)
        st = read_ops(&r, p, info->names, path, err);
    p->n_channels = n_channels;
    for (size_t c = 0; st == ASIM_OK && c < n_channels; c++) {
        p->channels[c].from = (uint16_t)get_le(&r, 2);
        p->channels[c].to = (uint16_t)get_le(&r, 2);
        p->channels[c].cause = (uint8_t)get_le(&r, 1);
    }
    p->n_queues = n_queues;
    if (st == ASIM_OK)
        st = read_queues(&r, p, path, err);
    if (st == ASIM_OK && r.at != r.len)
        st = corrupt(path, err, "bytes after the last queue");
    free(data);
    if (st == ASIM_OK)
        st = asim_program_check(p, path, err);
    if (st != ASIM_OK) {
        asim_program_free(p);
        free(info->names);
        info->names = NULL;
    }
    return st;
}

/* ---- checks ---- */

static asim_status_t bad(const char *path, asim_error_t *err, size_t q, size_t i,
                         const char *what)
{
    return asim_error_set(err, ASIM_EPROGRAM, path, "queue %zu instruction %zu: %s", q, i,
                          what);
}

/* True if channels[k] is also one of channels[0..k): an instruction takes or pushes one
 * token per channel. */
static bool listed_before(const uint16_t *channels, unsigned k)
{
    for (unsigned j = 0; j < k; j++)
        if (channels[j] == channels[k])
            return true;
    return false;
}

asim_status_t asim_program_check(const asim_program_t *p, const char *path, asim_error_t *err)
{
    if (p->schedule != ASIM_SCHEDULE_SERIAL && p->schedule != ASIM_SCHEDULE_PIPELINED)
        return corrupt(path, err, "unknown schedule");
    for (size_t c = 0; c < p->n_channels; c++)
        if (p->channels[c].from >= p->n_queues || p->channels[c].to >= p->n_queues ||
            p->channels[c].cause >= ASIM_CAUSE_COUNT)
            return corrupt(path, err, "a channel names no queue or cause");
    for (size_t o = 0; o < p->n_ops; o++)
        if (p->op_queue[o] != -1 && (p->op_queue[o] < 2 || (size_t)p->op_queue[o] >= p->n_queues))
            return corrupt(path, err, "an op names no compute queue");
    for (size_t o = 0; o < p->n_ops; o++) {
        const uint64_t at[3] = {p->addrs[o].a, p->addrs[o].b, p->addrs[o].out};
        for (int k = 0; k < 3; k++)
            if (at[k] != ASIM_NO_ADDR && (at[k] >= p->dram_bytes || at[k] % ASIM_DRAM_ALIGN))
                return corrupt(path, err, "a tensor address outside the DRAM image or not "
                                          "64-byte aligned");
    }
    int64_t *balance = calloc(p->n_channels ? p->n_channels : 1, sizeof *balance);
    if (!balance)
        return asim_error_set(err, ASIM_ENOMEM, path, "out of memory");
    asim_status_t st = ASIM_OK;
    for (size_t q = 0; q < p->n_queues && st == ASIM_OK; q++) {
        uint8_t want = q == ASIM_QUEUE_LOAD ? ASIM_INSN_LOAD
                       : q == ASIM_QUEUE_STORE ? ASIM_INSN_STORE : ASIM_INSN_COMPUTE;
        for (size_t i = 0; i < p->queues[q].len && st == ASIM_OK; i++) {
            const asim_insn_t *in = &p->queues[q].insns[i];
            if (in->kind != want)
                st = bad(path, err, q, i, "wrong kind of instruction for its queue");
            else if (in->op >= p->n_ops || p->op_queue[in->op] < 0 ||
                     in->tile >= p->plans[in->op].n_tiles)
                st = bad(path, err, q, i, "names no tile of a supported op");
            else if (in->slot >= ASIM_MAX_SLOTS || (want != ASIM_INSN_LOAD && in->slot))
                st = bad(path, err, q, i, "names no buffer slot");
            else if (in->n_waits > ASIM_INSN_MAX_DEPS || in->n_pushes > ASIM_INSN_MAX_DEPS)
                st = bad(path, err, q, i, "too many token channels");
            for (unsigned k = 0; st == ASIM_OK && k < in->n_waits; k++) {
                if (in->waits[k] >= p->n_channels || p->channels[in->waits[k]].to != q)
                    st = bad(path, err, q, i, "waits on a channel that does not come to it");
                else if (listed_before(in->waits, k))
                    st = bad(path, err, q, i, "waits on a channel twice");
                else
                    balance[in->waits[k]]--;
            }
            for (unsigned k = 0; st == ASIM_OK && k < in->n_pushes; k++) {
                if (in->pushes[k] >= p->n_channels || p->channels[in->pushes[k]].from != q)
                    st = bad(path, err, q, i, "pushes on a channel that does not leave it");
                else if (listed_before(in->pushes, k))
                    st = bad(path, err, q, i, "pushes on a channel twice");
                else
                    balance[in->pushes[k]]++;
            }
        }
    }
    for (size_t c = 0; st == ASIM_OK && c < p->n_channels; c++)
        if (balance[c] != 0)
            st = asim_error_set(err, ASIM_EPROGRAM, path, "channel %zu (%s -> %s) has %lld "
                                "more pushes than pops: the program does not balance", c,
                                p->queues[p->channels[c].from].name,
                                p->queues[p->channels[c].to].name, (long long)balance[c]);
    free(balance);
    return st;
}

uint64_t asim_graph_fingerprint(const asim_graph_t *g)
{
    uint64_t h = ASIM_FNV_OFFSET;
    for (size_t i = 0; i < g->len; i++) {
        const asim_op_t *op = &g->ops[i];
        uint64_t v[] = {(uint64_t)op->kind, op->m, op->n, op->k, op->rows, op->cols, op->count,
                        (uint64_t)op->a_bits, (uint64_t)op->b_bits, (uint64_t)op->out_bits,
                        op->b_is_weight, op->b_shared, op->a_reuse, op->n_inputs,
                        op->inputs[0], op->inputs[1], op->b_cache, op->out_cache, op->group};
        h = asim_fnv1a(op->name, strlen(op->name), h);
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            h = asim_fnv1a(&v[k], sizeof v[k], h);
    }
    return h;
}

/* ---- dump ---- */

static const char *const kind_names[] = {"load", "compute", "store"};

void asim_program_dump(FILE *out, const asim_program_t *p, const char (*names)[64])
{
    fprintf(out, "accelsim program, format %u, schedule %s, %zu ops, %zu queues, %zu channels, "
                 "%zu instructions\n", p->version,
            p->schedule == ASIM_SCHEDULE_SERIAL ? "serial" : "pipelined", p->n_ops,
            p->n_queues, p->n_channels, asim_program_len(p));
    fprintf(out, "\ntensors (DRAM byte addresses of A, B and the output; image %llu bytes):\n",
            (unsigned long long)p->dram_bytes);
    for (size_t o = 0; o < p->n_ops; o++) {
        const uint64_t at[3] = {p->addrs[o].a, p->addrs[o].b, p->addrs[o].out};
        fprintf(out, "  %-20s", names[o]);
        for (int k = 0; k < 3; k++)
            if (at[k] == ASIM_NO_ADDR)
                fprintf(out, "  %-3s %-10s", k == 0 ? "a" : k == 1 ? "b" : "out", "-");
            else
                fprintf(out, "  %-3s 0x%08llx", k == 0 ? "a" : k == 1 ? "b" : "out",
                        (unsigned long long)at[k]);
        fputc('\n', out);
    }
    fprintf(out, "\nchannels (from -> to, cause):\n");
    for (size_t c = 0; c < p->n_channels; c++)
        fprintf(out, "  c%zu  %s -> %s  %s\n", c, p->queues[p->channels[c].from].name,
                p->queues[p->channels[c].to].name,
                asim_cause_name((asim_cause_t)p->channels[c].cause));
    for (size_t q = 0; q < p->n_queues; q++) {
        const asim_queue_t *qu = &p->queues[q];
        fprintf(out, "\nqueue %zu '%s' (unit %u), %zu instructions:\n", q, qu->name, qu->unit,
                qu->len);
        for (size_t i = 0; i < qu->len; i++) {
            const asim_insn_t *in = &qu->insns[i];
            const asim_plan_t *pl = &p->plans[in->op];
            fprintf(out, "  %6zu  %-7s %-20s tile %-6llu", i, kind_names[in->kind],
                    names[in->op], (unsigned long long)in->tile);
            if (in->kind == ASIM_INSN_LOAD)
                fprintf(out, " bits %-10llu slot %u", (unsigned long long)in->bits, in->slot);
            else if (in->kind == ASIM_INSN_STORE)
                fprintf(out, " bits %-10llu       ", (unsigned long long)in->bits);
            else
                fprintf(out, " %llux%llux%llu     ", (unsigned long long)pl->tm,
                        (unsigned long long)pl->tn, (unsigned long long)pl->tk);
            for (unsigned k = 0; k < in->n_waits; k++)
                fprintf(out, " wait c%u", in->waits[k]);
            for (unsigned k = 0; k < in->n_pushes; k++)
                fprintf(out, " push c%u", in->pushes[k]);
            fputc('\n', out);
        }
    }
}
