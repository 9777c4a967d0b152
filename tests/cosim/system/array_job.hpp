// array_job.hpp: the systolic array's queue for sys_array_job.v (docs/system-rtl.md, "The array
// in the twin"), included by tb_system.cpp after slot_address: per job of the array's queue,
// the tile's shape and requantization shift as sim/functional's run_gemm computes it, and
// where each row of A, each row (or column) of B and each row of outputs lies in the RTL
// buffers (a load's slot, or the output region for operands an earlier unit produced).

// The width an operand is read at and its fraction bits, stored and read (operand_of in
// sim/functional/run.c): a GEMM tile is run by the RTL when the two agree (no conversion).
struct ArrayOperand {
    asim_view_t v;
    unsigned to_bits;
    int frac, to_frac;
};

ArrayOperand array_operand(const World &w, uint32_t o, unsigned j)
{
    const asim_op_t &op = w.g.ops[o];
    ArrayOperand s{};
    asim_operand_view(&w.prog, &w.g, o, j, &s.v);
    s.to_bits = (unsigned)(j == 1 ? op.b_bits : op.a_bits);
    s.to_frac = s.to_bits == 1 ? 0 : (int)s.to_bits - 4;
    if (s.v.weight)
        s.frac = s.to_frac = op.b_bits == 1 ? 0 : op.b_bits - 1;
    else
        s.frac = s.v.l.bits == 1 ? 0 : (int)s.v.l.bits - 4;
    return s;
}

// The buffer byte address of operand s's codes (i, r, c0) .. (i, r, c0 + n - 1) of tile t of
// op o (r and c in the view's terms, `along_rows`: c varies, else r varies from r0 = r), or
// ~0 when they are not contiguous or not in one run of the load that brought them.
uint64_t array_codes(const World &w, const ArrayOperand &s, bool resident, long load,
                     uint64_t i, uint64_t r, uint64_t c, uint64_t n, bool along_rows)
{
    uint64_t x0 = asim_view_index(&s.v, i, r, c);
    for (uint64_t d = 1; d < n; d++)
        if (asim_view_index(&s.v, i, along_rows ? r : r + d, along_rows ? c + d : c) != x0 + d)
            return ~0ull;
    if (resident)
        return s.v.addr + x0 + n > OUT_BASE ? ~0ull : OUT_BASE + s.v.addr + x0;
    return slot_address(w, (size_t)load, s.v.addr + x0, n);
}

// One array job (op o, tile t): an empty reason when the RTL runs it (j, and its rows and
// columns appended to w.arows, w.acols), else why its values stay C's.
std::string array_job(World &w, uint32_t o, uint64_t t, World::AJob &j)
{
    const asim_op_t &op = w.g.ops[o];
    const asim_plan_t &pl = w.prog.plans[o];
    if (op.kind != ASIM_OP_GEMM)
        return "not a GEMM";
    if (op.out_bits != 8)
        return "outputs other than 8 bits";
    ArrayOperand a = array_operand(w, o, 0), b = array_operand(w, o, 1);
    if (a.to_bits != 8 || b.to_bits != 8 || a.v.l.bits != 8 || b.v.l.bits != 8 ||
        a.frac != a.to_frac || b.frac != b.to_frac)
        return "operands other than 8-bit codes read as stored";
    asim_tile_at_t at;
    asim_plan_locate(&pl, &op, t, &at);
    // a tile split over k: its steps are consecutive jobs, each run by the RTL (the
    // sequencer keeps the partial sums of at most PDEPTH codes between them)
    const World::AChain &ch = w.achain;
    if (at.k0 != 0 && !(ch.rtl && ch.op == o && ch.inst == at.inst && ch.m0 == at.m0 &&
                        ch.n0 == at.n0 && ch.next_k == at.k0))
        return "a k step whose earlier steps were not all run by the RTL just before it";
    if ((at.k0 != 0 || !at.last_k) && at.tm * at.tn > APDEPTH)
        return "partial sums of a tile split over k beyond the sequencer's psum memory";
    if (at.tm > 0xffff || at.tn > 0xffff || at.tk > 0xffff)
        return "a tile side over 65535";
    int shift = a.to_frac + b.to_frac + (int)(asim_clog2(op.k) / 2) - 4;
    if (shift < 0 || shift > 62)
        return "requantization shift outside 0..62";
    bool a_made = false, b_made = false; // produced by an op (mirrored in the output region)
    for (size_t p = 0; p < w.g.len; p++) {
        a_made = a_made || w.prog.addrs[p].out == a.v.addr;
        b_made = b_made || w.prog.addrs[p].out == b.v.addr;
    }
    if ((pl.a_resident && !a_made) || (pl.b_resident && !b_made))
        return "a parameter read on chip (not in the twin's buffers)";
    long la = pl.a_resident ? -1 : load_of(w, o, t, a.v.part);
    long lb = pl.b_resident ? -1 : load_of(w, o, t, b.v.part);
    if ((!pl.a_resident && la < 0) || (!pl.b_resident && lb < 0))
        return "no load of its operand";
    std::vector<World::ARow> rows;
    std::vector<uint64_t> cols;
    uint64_t out = w.prog.addrs[o].out;
    for (uint64_t r = at.m0; r < at.m0 + at.tm; r++) {
        uint64_t ra = array_codes(w, a, pl.a_resident, la, at.inst, r, at.k0, at.tk, true);
        uint64_t o0 = asim_out_index(&op, at.inst, r, at.n0);
        for (uint64_t c = 1; c < at.tn && ra != ~0ull; c++)
            if (asim_out_index(&op, at.inst, r, at.n0 + c) != o0 + c)
                return "an output row not contiguous";
        if (ra == ~0ull)
            return "an A row not contiguous, or outside one run of its load or the output region";
        if (out + o0 + at.tn > OUT_BASE)
            return "outputs past the output region";
        rows.push_back({ra, OUT_BASE + out + o0});
    }
    // B along its rows (B[k][n0 ..] contiguous: weights, V), else along its columns (K^T)
    j.bk = true;
    for (uint64_t k = at.k0; k < at.k0 + at.tk && j.bk; k++) {
        uint64_t rb = array_codes(w, b, pl.b_resident, lb, at.inst, k, at.n0, at.tn, true);
        j.bk = rb != ~0ull;
        cols.push_back(rb);
    }
    if (!j.bk) {
        cols.clear();
        for (uint64_t c = at.n0; c < at.n0 + at.tn; c++) {
            uint64_t cb = array_codes(w, b, pl.b_resident, lb, at.inst, at.k0, c, at.tk, false);
            if (cb == ~0ull)
                return "B neither contiguous along its rows nor its columns in one run";
            cols.push_back(cb);
        }
    }
    if (w.arows.size() + rows.size() > ATDEPTH || w.acols.size() + cols.size() > ATDEPTH)
        return "the row or column table is full";
    j.tm = (uint32_t)at.tm;
    j.tn = (uint32_t)at.tn;
    j.tk = (uint32_t)at.tk;
    j.shift = (unsigned)shift;
    j.first = at.k0 == 0;
    j.last = at.last_k;
    j.row = w.arows.size();
    j.col = w.acols.size();
    w.arows.insert(w.arows.end(), rows.begin(), rows.end());
    w.acols.insert(w.acols.end(), cols.begin(), cols.end());
    j.rtl = true;
    return "";
}

// The array's queue (named "array": unit AUNIT, queue 2) for sys_array_job.v, when the
// configuration's array is this build's: AR x AC, output stationary.
bool build_array(World &w)
{
    for (size_t q = 2; q < w.prog.n_queues; q++)
        if (std::string(w.prog.queues[q].name) == "array")
            w.array_q = (int)q;
    if (w.array_q < 0)
        return true;
    const asim_queue_t &cq = w.prog.queues[w.array_q];
    if (w.array_q != 2 || cq.len > JDEPTH) {
        std::printf("tb_system: the array's queue is queue %d with %zu jobs; this RTL build runs "
                    "queue 2 with up to %zu\n", w.array_q, cq.len, JDEPTH);
        return false;
    }
    char why_geom[96] = "";
    if (config_value(w.cfg, "array.rows") != AR || config_value(w.cfg, "array.cols") != AC ||
        config_value(w.cfg, "array.dataflow") != 0)
        std::snprintf(why_geom, sizeof why_geom, "array not os %ux%u (this RTL build's)", AR, AC);
    bool ovl = config_value(w.cfg, "array.tile_overlap") != 0;
    w.ajobs.assign(cq.len, World::AJob{});
    for (size_t i = 0; i < cq.len; i++) {
        World::AJob &j = w.ajobs[i];
        std::string why = !w.data_values ? "no values (the tie program)"
                          : why_geom[0] ? why_geom
                                        : array_job(w, cq.insns[i].op, cq.insns[i].tile, j);
        j.ovl = ovl;
        asim_tile_at_t at;
        uint32_t o = cq.insns[i].op;
        asim_plan_locate(&w.prog.plans[o], &w.g.ops[o], cq.insns[i].tile, &at);
        w.achain = {why.empty() && !at.last_k, o, at.inst, at.m0, at.n0, at.k0 + at.tk};
        if (!why.empty()) {
            j = World::AJob{};
            w.a_not_rtl[why]++;
        }
    }
    return true;
}
