// qmm_job.hpp: the QMM engine's jobs for the twin (rtl/system/sys_qmm_job.v), included by
// tb_system.cpp after its World, load_of and slot_address. Per job of the QMM queue, the
// engine's command as sim/functional's run_gemm computes the tile (the integer product of
// the operands' codes, summed over the op's k tiles, requantized by sat(round(acc / 2^shift))
// at 8 bits: m0 = 1 and that shift, or m0 = 2^-shift and shift 0; a tile before its output's
// last k tile: m0 = 1, shift 0, its sums kept as partial sums), and where its codes lie in
// the RTL buffers: per row of A the bit address of its first code, per k the bit address of
// B's code (k, first column) or, B transposed (K in Q K^T: B's codes of one column consecutive
// along k), per column the bit address of B's code (first k, column), per row the byte address
// of its first output code and the index of its first partial sum (a region per op whose K is
// split). A job the RTL cannot run is counted with its reason, and its values come from C
// (the bench writes them); when K is split, every tile of that op then.
//
// The build's engine: SYS_MD DPUs x SYS_ML lanes (0: no engine), queue 2 (unit 0).
#ifndef SYS_MD
#define SYS_MD 0
#define SYS_ML 1
#endif

constexpr unsigned MD = SYS_MD, ML = SYS_ML, MQUEUE = 2;
constexpr size_t MRDEPTH = 65536, MKDEPTH = 65536; // the row and k tables
constexpr size_t MPDEPTH = 1u << 20;               // partial sums

struct QmmJob {
    bool rtl = false;
    uint32_t m = 0, n = 0, k = 0, amode = 0, bbits = 0, m0 = 0, shift = 0, passes = 0;
    uint32_t bb = 0, p = 0, steps = 0, groups = 0, next = 0x80000000u;
    bool bbin = false, bsigned = false, first_k = true, last_k = true;
    bool bt = false;          // B transposed: the k table holds a line per column
    uint32_t pshl = 0;        // partial sums shifted left by this (m0 = 2^pshl)
    size_t first_row = 0, k_base = 0;  // in the row and k tables
};

struct QmmRow {
    uint64_t a_bit, o;   // bit address of A's first code, byte address of the first output
    uint64_t psum;       // index of its first partial sum
};

struct QmmTwin {
    std::vector<QmmJob> jobs;                 // per job of the QMM queue (empty: not RTL)
    std::vector<QmmRow> rows;
    std::vector<uint32_t> ks;                 // the k table (lines of B: per k, or per column)
    std::map<std::vector<uint32_t>, size_t> k_of; // k lines shared by tiles
    std::map<std::string, uint64_t> not_rtl;  // jobs whose values are C's, by reason
    uint32_t first = 0x80000000u;             // the first job the RTL runs
    std::map<uint32_t, uint64_t> psum_of;     // per op whose K is split: its partial sums
    uint64_t psums = 0;
    size_t table_cycles() const { return std::max({jobs.size(), rows.size(), ks.size()}); }
};

// Buffer bit address of code `idx` (of `bits`) of a tensor at DRAM address `addr`: in the
// output region if the tensor is on chip, else in load `load`'s slot (~0: not in one run).
inline uint64_t qmm_code_bits(const World &w, bool on_chip, long load, uint64_t addr,
                              uint64_t idx, uint64_t count, unsigned bits)
{
    uint64_t lo = addr + idx * bits / 8, hi = addr + ((idx + count) * bits - 1) / 8;
    if (on_chip)
        return hi >= OUT_BASE ? ~0ull : (OUT_BASE + lo) * 8 + idx * bits % 8;
    uint64_t b = slot_address(w, (size_t)load, lo, hi - lo + 1);
    return b == ~0ull ? b : b * 8 + idx * bits % 8;
}

// One QMM job (op o, tile t). Returns an empty reason when the RTL runs it.
inline std::string qmm_job(World &w, QmmTwin &q, uint32_t o, uint64_t t, QmmJob &j)
{
    const asim_op_t &op = w.g.ops[o];
    const asim_plan_t &pl = w.prog.plans[o];
    if (op.kind != ASIM_OP_GEMM)
        return "not a GEMM";
    asim_tile_at_t at;
    asim_plan_locate(&pl, &op, t, &at);
    if (op.a_bits != 8)
        return "activations other than 8 bits (the twin feeds L elements a step)";
    if (op.out_bits != 8)
        return "outputs other than 8 bits";
    asim_view_t va, vb;
    asim_operand_view(&w.prog, &w.g, o, 0, &va);
    asim_operand_view(&w.prog, &w.g, o, 1, &vb);
    if (va.l.bits != (unsigned)op.a_bits || vb.l.bits != (unsigned)op.b_bits)
        return "an operand stored at another width than the op reads it";
    bool a_made = false, b_made = false; // produced by an op (mirrored in the output region)
    for (size_t p = 0; p < w.g.len; p++) {
        a_made = a_made || w.prog.addrs[p].out == va.addr;
        b_made = b_made || w.prog.addrs[p].out == vb.addr;
    }
    if ((pl.a_resident && (!a_made || va.weight)) || (pl.b_resident && (!b_made || vb.weight)))
        return "a parameter read on chip (not in the twin's buffers)";
    // the functional executor's shift (run_gemm): fractions of A, B and the output
    auto frac_act = [](int bits) { return bits == 1 ? 0 : bits - 4; };
    int fb = vb.weight ? (op.b_bits == 1 ? 0 : op.b_bits - 1) : frac_act(op.b_bits);
    int shift = frac_act(op.a_bits) + fb + (int)(asim_clog2(op.k) / 2) - frac_act(op.out_bits);
    if (shift > 31 || shift < -14)
        return "requantization shift outside -14..31";
    uint64_t bmax = op.b_bits == 1 ? 1 : 1ull << (op.b_bits - 1);
    uint64_t m0 = shift >= 0 ? 1 : 1ull << -shift;
    if (op.k * 128 * bmax * m0 >= 1ull << 31)
        return "a dot product that may not fit the twin's 32-bit accumulator";
    bool split = at.k0 != 0 || !at.last_k;
    j.first_k = at.k0 == 0;
    j.last_k = at.last_k;
    if (split && !q.psum_of.count(o)) {
        uint64_t n = op.count * op.m * op.n;
        if (q.psums + n > MPDEPTH)
            return "the partial-sum memory is full";
        q.psum_of[o] = q.psums;
        q.psums += n;
    }
    uint64_t pbase = split ? q.psum_of[o] : 0;
    j.m = (uint32_t)at.tm;
    j.n = (uint32_t)at.tn;
    j.k = (uint32_t)at.tk;
    j.amode = 3;
    j.bbin = op.b_bits == 1;
    j.bbits = (uint32_t)op.b_bits;
    j.bsigned = !j.bbin;
    j.m0 = j.last_k ? (uint32_t)m0 : 1u;
    j.shift = j.last_k && shift >= 0 ? (uint32_t)shift : 0u;
    j.pshl = j.last_k && shift < 0 ? (uint32_t)-shift : 0u;
    j.passes = j.bbin ? 1 : j.bbits;
    j.bb = (uint32_t)op.b_bits;
    j.p = 8 * ML >> j.amode;
    j.steps = (uint32_t)asim_ceil_div(at.tk, j.p);
    j.groups = (uint32_t)asim_ceil_div(at.tn, MD);
    if (j.m > 0xffff || j.n > 0xffff || j.k > 0xffff || j.steps > 0xffff)
        return "a tile dimension past the engine's 16-bit command fields";
    long la = pl.a_resident ? -1 : load_of(w, o, t, va.part);
    long lb = pl.b_resident ? -1 : load_of(w, o, t, vb.part);
    if ((!pl.a_resident && la < 0) || (!pl.b_resident && lb < 0))
        return "no load of its operand";
    std::vector<QmmRow> rows;
    for (uint64_t r = at.m0; r < at.m0 + at.tm; r++) {
        uint64_t a0 = asim_view_index(&va, at.inst, r, at.k0);
        uint64_t o0 = asim_out_index(&op, at.inst, r, at.n0);
        for (uint64_t c = 1; c < at.tk; c++)
            if (asim_view_index(&va, at.inst, r, at.k0 + c) != a0 + c)
                return "a row of A not contiguous";
        for (uint64_t c = 1; c < at.tn; c++)
            if (asim_out_index(&op, at.inst, r, at.n0 + c) != o0 + c)
                return "an output row not contiguous";
        uint64_t a = qmm_code_bits(w, pl.a_resident, la, va.addr, a0, at.tk, va.l.bits);
        uint64_t out = w.prog.addrs[o].out + o0;
        if (a == ~0ull || a >= 1ull << 32)
            return "a row of A outside one run of its load, or past the output region";
        if (out + at.tn > OUT_BASE)
            return "outputs past the output region";
        rows.push_back({a, OUT_BASE + out, pbase + (at.inst * op.m + r) * op.n + at.n0});
    }
    // B's lines: per k its codes over the tile's columns, or (B transposed) per column its
    // codes along the tile's k
    j.bt = vb.transposed;
    uint64_t lines = j.bt ? at.tn : at.tk, len = j.bt ? at.tk : at.tn;
    auto b_index = [&](uint64_t line, uint64_t c) {
        return j.bt ? asim_view_index(&vb, at.inst, at.k0 + c, at.n0 + line)
                    : asim_view_index(&vb, at.inst, at.k0 + line, at.n0 + c);
    };
    std::vector<uint32_t> ks;
    for (uint64_t i = 0; i < lines; i++) {
        uint64_t b0 = b_index(i, 0);
        for (uint64_t c = 1; c < len; c++)
            if (b_index(i, c) != b0 + c)
                return j.bt ? "B's codes of one column not consecutive along k (B transposed)"
                            : "B's codes of one k not consecutive over the columns";
        uint64_t b = qmm_code_bits(w, pl.b_resident, lb, vb.addr, b0, len, vb.l.bits);
        if (b == ~0ull || b >= 1ull << 32)
            return "a line of B outside one run of its load, or past the output region";
        ks.push_back((uint32_t)b);
    }
    if (q.rows.size() + rows.size() > MRDEPTH)
        return "the row table is full";
    auto it = q.k_of.find(ks);
    if (it == q.k_of.end()) {
        if (q.ks.size() + ks.size() > MKDEPTH)
            return "the k table is full";
        it = q.k_of.emplace(ks, q.ks.size()).first;
        q.ks.insert(q.ks.end(), ks.begin(), ks.end());
    }
    j.k_base = it->second;
    j.first_row = q.rows.size();
    q.rows.insert(q.rows.end(), rows.begin(), rows.end());
    j.rtl = true;
    return "";
}

// The QMM queue's jobs for the RTL engine: queue 2 when its unit is the QMM engine of this
// build's D x L.
inline bool build_qmm(World &w, QmmTwin &q)
{
    if (w.prog.n_queues <= MQUEUE)
        return true;
    const asim_queue_t &cq = w.prog.queues[MQUEUE];
    if (cq.len > JDEPTH) {
        std::printf("tb_system: the QMM queue has %zu jobs; this RTL build's table holds %zu\n",
                    cq.len, JDEPTH);
        return false;
    }
    char why_size[128] = "";
    const char *unit = cq.len ? w.tb->units[cq.unit]->name : "";
    bool is_qmm = std::strcmp(unit, "qmm") == 0;
    if (MD == 0)
        std::snprintf(why_size, sizeof why_size, "no QMM engine in this RTL build");
    else if (!is_qmm || config_value(w.cfg, "qmm.dpus") != MD ||
             config_value(w.cfg, "qmm.lanes") != ML)
        std::snprintf(why_size, sizeof why_size, "unit not a QMM engine of %u DPUs x %u lanes "
                      "(this RTL build's)", MD, ML);
    if (!is_qmm)
        return true; // another unit's queue (the array): not counted here
    q.jobs.assign(cq.len, QmmJob{});
    for (size_t i = 0; i < cq.len; i++) {
        QmmJob &j = q.jobs[i];
        std::string why = !w.data_values ? "no values (the tie program)"
                          : why_size[0] ? why_size
                                        : qmm_job(w, q, cq.insns[i].op, cq.insns[i].tile, j);
        if (!why.empty()) {
            j = QmmJob{};
            q.not_rtl[why]++;
        }
    }
    // K split: an op's tiles chain their partial sums, so all of them run here or none
    std::map<uint32_t, std::string> broken;
    for (size_t i = 0; i < cq.len; i++)
        if (!q.jobs[i].rtl && q.psum_of.count(cq.insns[i].op))
            broken[cq.insns[i].op] = "another tile of its op not RTL (partial sums)";
    for (size_t i = 0; i < cq.len; i++)
        if (q.jobs[i].rtl && broken.count(cq.insns[i].op)) {
            q.jobs[i] = QmmJob{};
            q.not_rtl[broken[cq.insns[i].op]]++;
        }
    for (size_t i = cq.len; i-- > 0;)
        if (q.jobs[i].rtl) {
            q.jobs[i].next = q.first;
            q.first = (uint32_t)i;
        }
    return true;
}

// Table writes of cycle c (c = 0 the first after reset).
inline void qmm_drive(const QmmTwin &q, V &r, uint64_t c)
{
    r.mt_we = 0;
    r.mr_we = 0;
    r.mk_we = 0;
    r.m_first = q.first;
    if (c < q.jobs.size()) {
        const QmmJob &j = q.jobs[c];
        uint32_t wd[8] = {
            j.m | j.n << 16,
            j.k | j.amode << 16 | (uint32_t)j.bbin << 18 | j.bbits << 19 |
                (uint32_t)j.bsigned << 23 | j.shift << 24,
            j.m0 | j.passes << 16 | j.bb << 20 | j.p << 24,
            j.steps | j.groups << 16,
            (uint32_t)j.first_row, (uint32_t)j.k_base, j.next,
            (uint32_t)j.first_k | (uint32_t)j.last_k << 1 | j.pshl << 4 | (uint32_t)j.bt << 8};
        r.mt_we = 1;
        r.mt_addr = (uint32_t)c;
        for (unsigned k = 0; k < 8; k++)
            r.mt_data[k] = j.rtl ? wd[k] : 0;
    }
    if (c < q.rows.size()) {
        r.mr_we = 1;
        r.mr_addr = (uint32_t)c;
        r.mr_data[0] = (uint32_t)q.rows[c].a_bit;
        r.mr_data[1] = (uint32_t)q.rows[c].o;
        r.mr_data[2] = (uint32_t)q.rows[c].psum;
    }
    if (c < q.ks.size()) {
        r.mk_we = 1;
        r.mk_addr = (uint32_t)c;
        r.mk_data = q.ks[c];
    }
}

// A QMM job the RTL ran completes: every code it wrote into the output region must be the
// functional golden's. On a mismatch `msg` names it; `codes` counts the codes compared.
template <class ReadByte>
bool qmm_check_job(const World &w, const QmmTwin &q, size_t i, ReadByte read_byte,
                   std::vector<uint8_t> &chip, uint64_t &codes, std::string &msg)
{
    const QmmJob &j = q.jobs[i];
    const asim_insn_t &in = w.prog.queues[MQUEUE].insns[i];
    char s[256];
    for (uint32_t k = 0; k < j.m && j.last_k; k++) { // (partial sums stay in the sequencer)
        const QmmRow &row = q.rows[j.first_row + k];
        for (uint32_t c = 0; c < j.n; c++) {
            uint64_t b = row.o + c, d = b - OUT_BASE;
            uint8_t got = read_byte(b);
            if (got != w.golden[d]) {
                std::snprintf(s, sizeof s, "QMM op '%s' tile %llu row %u col %u: functional "
                              "golden %d, RTL %d", w.g.ops[in.op].name,
                              (unsigned long long)in.tile, k, c, (int8_t)w.golden[d],
                              (int8_t)got);
                msg = s;
                return false;
            }
            chip[d] = got;
        }
        codes += j.n;
    }
    return true;
}

// What a run saw of the QMM engine: tiles and codes checked, jobs whose values are C's.
struct QmmRun {
    uint64_t tiles = 0, partial = 0, codes = 0, not_rtl = 0;

    // `completed`: how the RTL completed its jobs (tb_system.cpp's held_text)
    void print(const std::string &name, const QmmTwin &q, const std::string &completed) const
    {
        std::string why;
        for (const auto &kv : q.not_rtl)
            why += "; " + std::to_string(kv.second) + " " + kv.first;
        std::printf("cosim: %s qmm: %llu QMM tiles (%llu before their outputs' last k tile; "
                    "%llu codes) computed by the RTL engine (%u DPUs x %u lanes) from the "
                    "buffers match the functional golden bit for bit, %s; %llu QMM tiles not "
                    "RTL (values and completion from C)%s\n", name.c_str(),
                    (unsigned long long)tiles, (unsigned long long)partial,
                    (unsigned long long)codes, MD, ML, completed.c_str(),
                    (unsigned long long)not_rtl, why.c_str());
    }
};
