// tb_system.cpp: the program controller and DMA RTL (rtl/system) against the C executor
// (sim/accel/execute.c), instruction by instruction (docs/system-rtl.md).
//
// The C side compiles a model for a configuration twice (the same compiler, two simulators):
// one program runs in the C executor, which stamps every instruction's issue and completion
// cycle; the other is loaded into the RTL's program memory. Around the RTL, this bench
// models what is not RTL yet, from the configuration alone:
//   - DRAM behind the AXI port: a transfer starts in the cycle before its first request (the
//     DMA's request register) and its k-th burst answers (last R beat, or B) no earlier than
//     cycle start + ceil(latency_ns * f + k * burst_bytes / bandwidth * f), f the clock: the
//     C DRAM formula from the same keys (one latency per transfer, then its bursts), per
//     burst as they arrive;
//   - each compute unit, for the jobs its RTL sequencer does not run: a job taken in cycle t
//     is done in cycle t + its block's cost of the tile (asim_plan_tile, asim_unit_cost)
//     stretched to the buffer ports' pace (the rule of sim/block/unit.c: reads / its share of
//     2 x banks x port_bits cycles at least; the share is 1 / (job_shared + 1), job_shared
//     being the other units the RTL says run beside it). The jobs a sequencer runs complete
//     when it says (sys_job_done.v: last output written, the same port budget met, from
//     each job's read demand the bench writes into the RTL).
// Data (docs/system-rtl.md, "Data"): the DRAM behind the AXI port is a byte image at the
// program's addresses holding the functional golden's seeded input, weights and parameters
// (asim_fn_seed_image); R beats carry its bytes, W beats are written into it under WSTRB. The
// RTL's DMA takes each transfer's runs of DRAM bytes (asim_transfer_runs) from its run memory
// and its slot from the program memory. Checked: every AXI burst's address is the next burst
// of the transfer's runs; after each load, word k of its slot in the RTL buffers holds the
// DRAM bytes of the transfer's k-th burst; every W beat carries the bytes the bench put in
// the buffers' output region and strobes exactly the bytes of its burst's run. The QUARK
// queue's jobs run on the QUARK unit RTL inside the twin (sys_quark_job.v): the bench fills
// its job and row tables before start (build_quark: the unit's command as sim/functional's
// vector_row sets it up, and where each row's codes lie in the buffers: a load's slot or the
// output region), and at each such job's completion checks that the unit has written every
// row and that the codes it wrote are the functional golden's, bit for bit (check_quark). A
// QUARK job the RTL cannot run is counted with its reason, and its values come from C. The
// array queue's jobs run on the systolic array RTL the same way (sys_array_job.v; tables from
// build_array in array_job.hpp, checked by check_array) when the configuration's array is this
// build's (AR x AC, os), and in builds with a QMM engine (SYS_MD > 0) the QMM queue's jobs run
// on its RTL (qmm_job.hpp, check_qmm). When a GEMM or QUARK job not run by the RTL completes,
// the bench writes the tile's output bytes (the functional golden's, timed order) into the RTL
// buffers' output region directly. At the end, every code of a stored tensor
// that the twin carried into DRAM is compared with the plain C integer reference
// (asim_fn_reference).
// Every cycle, each instruction the RTL issues or completes is checked against the C stamps,
// and an instruction the C executor issued or completed by now that the RTL has not is a
// mismatch too; so are a job whose op or tile is not its instruction's, a transfer that moves
// other than its runs' bursts (asim_transfer_bursts), and the total cycles. The first
// mismatch prints the cycle, queue, instruction, op, expected and actual, then the run is
// replayed with a VCD of the RTL's ports (system_<name>.rtl.vcd in --vcd-dir) up to two
// cycles past it.
#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include SYS_VHEADER
#include SYS_VROOT
#include "verilated.h"
#include "verilated_bench.hpp"
#include "verilated_vcd_c.h"

extern "C" {
#include "accel/accel.h"
#include "asim/config.h"
#include "asim/model.h"
#include "functional/functional.h"
#include "nonlinear/nl_kernels.h"
#include "program/program.h"
#include "quark/quark_step.h"
#include "util/arith.h"
}

namespace {

using V = SYS_VCLASS;
constexpr unsigned NQ = SYS_NQ, NCH = SYS_NCH, DEPTH = SYS_DEPTH, NW = 6, DBYTES = 64;
constexpr size_t RDEPTH = SYS_RDEPTH;              // the run memory's runs
constexpr uint64_t NOT_YET = ~0ull;
constexpr unsigned BUFAW = SYS_BUFAW, SLOTW = 20, BANKS = 4;
constexpr uint64_t OUT_BASE = 1ull << (BUFAW - 1); // the buffers' output region
constexpr unsigned QN = SYS_QN;                     // the QUARK unit's lanes (sys_quark_job.v)
constexpr size_t JDEPTH = DEPTH, QDEPTH = 65536;    // its job and row tables
// ---- the systolic array (sys_array_job.v): its size, and its row and column tables ----
constexpr unsigned AR = SYS_AR, AC = SYS_AC;
constexpr size_t ATDEPTH = SYS_ATDEPTH, APDEPTH = 65536; // tables; psum memory
// ---- end of the systolic array ----
// the unit sequencers that complete their own jobs, and their names in the messages
enum { SEQ_QUARK, SEQ_ARRAY, SEQ_QMM, SEQS };
const char *const SEQ_NAME[SEQS] = {"QUARK", "array", "QMM"};
constexpr uint64_t SEED = 1;                        // the functional golden's seed
constexpr uint8_t POISON = 0xa5;                    // DRAM bytes nothing seeded

struct Args {
    std::string config, model, vcd_dir = ".";
    std::vector<std::string> sets;
    bool tie = false;  // run the tie program instead of the compiled one
    int bench = 0;     // --bench N: time N C executor runs and one RTL run (bench_system)
};

bool parse_args(int argc, char **argv, Args &a)
{
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        if (k == "--tie") {
            a.tie = true;
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "tb_system: %s needs a value\n", k.c_str());
            return false;
        }
        std::string v = argv[++i];
        if (k == "--config")
            a.config = v;
        else if (k == "--model")
            a.model = v;
        else if (k == "--set")
            a.sets.push_back(v);
        else if (k == "--vcd-dir")
            a.vcd_dir = v;
        else if (k == "--bench" && std::atoi(v.c_str()) > 0)
            a.bench = std::atoi(v.c_str());
        else {
            std::fprintf(stderr, "tb_system: unknown argument '%s' (--config F --model M "
                                 "[--set k=v]... [--tie] [--vcd-dir D] [--bench RUNS>0])\n",
                         k.c_str());
            return false;
        }
    }
    if (a.config.empty() || a.model.empty()) {
        std::fprintf(stderr, "tb_system: --config and --model are required\n");
        return false;
    }
    return true;
}

// DRAM timing from the configuration: the C formula of sim/dram/dram.c, computed here.
struct Dram {
    double latency_cycles, cycles_per_byte;
    uint64_t burst_bytes;
    uint64_t cycles(uint64_t bytes) const
    {
        return (uint64_t)std::ceil(latency_cycles + (double)bytes * cycles_per_byte);
    }
};

// What the C side provides: the reference stamps and the program the RTL runs.
struct QmmTwin; // the QMM engine's tables (qmm_job.hpp)

struct World {
    asim_config_t cfg;
    asim_graph_t g{};
    asim_sim_t *ref = nullptr, *tb = nullptr;
    asim_program_t prog{};
    asim_report_t rep{};
    Dram dram{};
    uint64_t port_bits_per_cycle = 0;
    std::vector<size_t> first;  // per queue: global id of its first instruction
    // data
    std::vector<asim_run_t> runs;   // every transfer's runs, in program order (run memory)
    std::vector<size_t> run_first, run_count;      // per transfer (global id): its runs
    std::vector<size_t> burst_first, burst_count;  // per transfer: its bursts in `bursts`
    std::vector<asim_run_t> bursts; // per burst: its run ([lo, hi]); its address below
    std::vector<uint64_t> burst_addr;
    std::vector<uint8_t> image;     // the seeded DRAM image the AXI port starts from
    std::vector<uint8_t> golden;    // the functional golden's on-chip outputs (empty: --tie)
    int32_t **ref_values = nullptr; // the plain integer reference, per op (golden_values)
    bool data_values = false;       // a compiled program: compute outputs and the reference
    bool golden_failed = false;
    std::map<std::pair<uint32_t, uint64_t>, std::vector<size_t>> stores_of; // (op, tile)
    // the QUARK queue's jobs for sys_quark_job.v (build_quark): per job of the queue, in order
    struct QJob {
        bool rtl = false;           // its values come from the RTL unit, else from C
        uint32_t rows = 0, mode = 0, len = 0, m = 0, e = 0, pb = 0, beats = 0, total = 0;
        uint32_t step = 0;
        uint64_t k = 0;
        size_t first_row = 0;       // in `qrows`
    };
    struct QRow {
        uint64_t a, b, o;           // buffer byte addresses: first input code, second operand's
                                    // (binary ops; else a), first output code
        unsigned shift;             // the requantization shift (vector_row's fy - fo)
    };
    int quark_q = -1;               // the QUARK queue (-1: none in the RTL)
    std::vector<QJob> qjobs;
    std::vector<QRow> qrows;
    std::map<std::string, uint64_t> q_not_rtl; // jobs whose values are C's, by reason
    // DRAM byte ranges [lo, hi) of parameters the plan keeps on chip (a ViT's position table):
    // no load moves them, so they are in the buffers' output region from the start, as the C
    // model and the functional golden assume
    std::vector<std::pair<uint64_t, uint64_t>> preload;
    // ---- the array queue's jobs for sys_array_job.v (build_array, array_job.hpp) ----
    struct AJob {
        bool rtl = false;           // its values come from the RTL array, else from C
        uint32_t tm = 0, tn = 0, tk = 0; // the tile (tm = 0 in the RTL's table: not run there)
        size_t row = 0, col = 0;    // its first entries in `arows`, `acols`
        bool bk = false, ovl = false;
        unsigned shift = 0;         // the requantization shift (run_gemm's)
        bool first = true, last = true; // the tile's first and last k steps
    };
    struct AChain {                 // the array job before (a tile split over k)
        bool rtl = false;           // it was run by the RTL and its tile has more k steps
        uint32_t op = 0;
        uint64_t inst = 0, m0 = 0, n0 = 0, next_k = 0;
    };
    AChain achain;
    struct ARow {
        uint64_t a, o;              // buffer byte addresses of A[r][k0] and out[r][n0]
    };
    int array_q = -1;               // the array's queue (-1: none in the RTL)
    std::vector<AJob> ajobs;
    std::vector<ARow> arows;
    std::vector<uint64_t> acols;    // per k: B[k][n0] (bk), else per column c: B[k0][c]
    std::map<std::string, uint64_t> a_not_rtl;
    // ---- end of the array queue's jobs ----
    std::shared_ptr<QmmTwin> qmm;   // the QMM queue's jobs for sys_qmm_job.v (qmm_job.hpp)
    // The unit sequencers complete the jobs they run (sys_job_done.v): per sequencer, its
    // queue and per job of it whether the RTL runs it and the progress count (the
    // sequencer's rows, or jobs, written) that covers its outputs
    struct Sequenced {
        int queue = -1;             // -1: the RTL runs none of this program's jobs
        std::vector<bool> rtl;
        std::vector<uint64_t> covers;
    };
    Sequenced seq[SEQS];
    struct Demand {                 // a compute job's read demand, for the port budget
        unsigned unit;
        uint32_t job;               // its index in the unit's queue
        uint64_t bits;              // the C cost model's SRAM read bits
    };
    std::vector<Demand> demand;     // every compute job's, in program order
    ~World()
    {
        if (ref_values)
            asim_fn_reference_free(ref_values, g.len);
        asim_program_free(&prog);
        asim_report_free(&rep);
        asim_sim_free(ref);
        asim_sim_free(tb);
        asim_graph_free(&g);
    }
};

bool fail_c(const char *what, const asim_error_t &err)
{
    std::printf("tb_system: %s: %s\n", what, err.msg);
    return false;
}

double config_value(const asim_config_t &cfg, const char *key)
{
    double v = 0;
    if (!asim_config_get(&cfg, key, &v))
        std::printf("tb_system: no configuration key %s\n", key);
    return v;
}

// Cycles the unit of queue q takes for a tile when `shared` other units run beside it: its
// block's cost, stretched to the buffer ports' pace as sim/block/unit.c does (reads / its
// share of the ports' bits per cycle, rounded up; the share is 1/(shared + 1), as the C
// executor gives it).
asim_cost_t unit_cost(const World &w, const asim_program_t &p, unsigned q, uint32_t op,
                      uint64_t tile)
{
    asim_tile_t tl;
    asim_plan_tile(&p.plans[op], &w.g, op, tile, &tl);
    asim_work_t work{};
    work.op = &tl.shape;
    asim_cost_t cost;
    asim_unit_cost(w.tb->units[p.queues[q].unit], &work, &cost);
    return cost;
}

uint64_t unit_cycles(const World &w, const asim_program_t &p, unsigned q, uint32_t op,
                     uint64_t tile, unsigned shared)
{
    asim_cost_t cost = unit_cost(w, p, q, op, tile);
    uint64_t bpc = w.port_bits_per_cycle / (shared + 1);
    uint64_t need = (cost.actions[ASIM_ACT_SRAM_READ_BITS] + bpc - 1) / bpc;
    return need > cost.cycles ? need : cost.cycles;
}

// A copy of instruction `like` (its op, tile, bits and slot: the DRAM bytes it moves) with
// one wait and one push (-1: none).
asim_insn_t insn(const asim_insn_t &like, int wait, int push)
{
    asim_insn_t in{};
    in.kind = like.kind;
    in.op = like.op;
    in.tile = like.tile;
    in.bits = like.bits;
    in.slot = like.slot;
    if (wait >= 0)
        in.waits[in.n_waits++] = (uint16_t)wait;
    if (push >= 0)
        in.pushes[in.n_pushes++] = (uint16_t)push;
    return in;
}

void set_queue(asim_queue_t &q, std::vector<asim_insn_t> insns)
{
    free(q.insns);
    q.insns = (asim_insn_t *)calloc(insns.size() + 1, sizeof *q.insns);
    std::copy(insns.begin(), insns.end(), q.insns);
    q.len = q.cap = insns.size();
}

// The runs of DRAM bytes transfer `in` of program p moves, in order (the compiler's).
std::vector<asim_run_t> transfer_runs(const World &w, const asim_program_t &p,
                                      const asim_insn_t &in)
{
    std::vector<asim_run_t> runs(asim_transfer_runs(&p, &w.g, &in, nullptr, 0));
    asim_transfer_runs(&p, &w.g, &in, runs.data(), runs.size());
    return runs;
}

// Cycles the C DRAM model takes for transfer `in` of program p: one latency, then the bursts
// holding its runs (asim_transfer_bursts, the count the C model prices).
uint64_t transfer_cycles(const World &w, const asim_program_t &p, const asim_insn_t &in)
{
    uint64_t bb = w.dram.burst_bytes;
    return w.dram.cycles(asim_transfer_bursts(&p, &w.g, &in, bb) * bb);
}

// Sums of one to three of the lengths in `one` (repeats allowed), each with the instructions
// that add up to it, the fewest first.
std::map<uint64_t, std::vector<size_t>> sums_of(const std::map<uint64_t, size_t> &one)
{
    std::map<uint64_t, std::vector<size_t>> sums;
    for (const auto &a : one)
        sums.emplace(a.first, std::vector<size_t>{a.second});
    for (unsigned n = 2; n <= 3; n++) {
        auto fewer = sums;
        for (const auto &s : fewer)
            for (const auto &a : one)
                if (s.second.size() == n - 1) {
                    std::vector<size_t> more = s.second;
                    more.push_back(a.second);
                    sums.emplace(s.first + a.first, more);
                }
    }
    return sums;
}

// The tie program (--tie), built from a compiled program's instructions:
//   load   L0 (the first load with bits, pushes c0), loads La.., L2 (as L0)
//   store  S (the first store with bits, waits c1)
//   unit   computes Ca.. of the first compute queue, the first waiting on c0, the last
//          pushing c1; the other queues empty
// with La.. and Ca.. (one to three each) as long in all, the longest load last and the
// shortest compute last, so that the last load issues no later than the last compute. The
// first of each issues in the cycle L0 completes, and the last of each complete together.
// The C executor handles the load's completion first (the older job), while S still lacks its
// token, so L2 takes the DMA channel and S waits: a controller that handles the two
// completions at once, or newest first, issues S instead.
bool make_tie(const World &w, asim_program_t *p)
{
    const asim_queue_t &lq = p->queues[0], &sq = p->queues[1], &cq = p->queues[2];
    size_t l0 = 0, s0 = 0;
    while (l0 < lq.len && !lq.insns[l0].bits)
        l0++;
    while (s0 < sq.len && !sq.insns[s0].bits)
        s0++;
    if (l0 == lq.len || s0 == sq.len) {
        std::printf("tb_system: --tie needs a compiled program with a load and a store\n");
        return false;
    }
    const asim_insn_t ld = lq.insns[l0], st = sq.insns[s0];
    std::map<uint64_t, size_t> load_of, compute_of; // an instruction of each length (cycles)
    for (size_t i = 0; i < lq.len; i++)
        if (lq.insns[i].bits)
            load_of.emplace(transfer_cycles(w, *p, lq.insns[i]), i);
    for (size_t i = 0; i < cq.len; i++)
        compute_of.emplace(unit_cycles(w, *p, 2, cq.insns[i].op, cq.insns[i].tile, 0), i);
    std::map<size_t, uint64_t> load_len, compute_len;
    for (const auto &kv : load_of)
        load_len[kv.second] = kv.first;
    for (const auto &kv : compute_of)
        compute_len[kv.second] = kv.first;
    auto loads = sums_of(load_of), computes = sums_of(compute_of);
    std::vector<size_t> ls, cs;
    for (auto l = loads.begin(); cs.empty() && l != loads.end(); ++l) {
        auto c = computes.find(l->first);
        if (c == computes.end())
            continue;
        ls = l->second;
        std::sort(ls.begin(), ls.end(), [&](size_t a, size_t b) {
            return load_len[a] < load_len[b]; });
        cs = c->second;
        std::sort(cs.begin(), cs.end(), [&](size_t a, size_t b) {
            return compute_len[a] > compute_len[b]; });
        if (l->first - load_len[ls.back()] > l->first - compute_len[cs.back()])
            cs.clear(); /* the last compute would be the older job */
    }
    if (cs.empty()) {
        std::printf("tb_system: --tie: no one to three loads last as long as one to three "
                    "computes of queue 2, the last load issuing no later than the last compute\n");
        return false;
    }
    std::vector<asim_insn_t> lv = {insn(ld, -1, 0)}, cv;
    for (size_t i : ls)
        lv.push_back(insn(lq.insns[i], -1, -1));
    lv.push_back(insn(ld, -1, -1));
    for (size_t k = 0; k < cs.size(); k++)
        cv.push_back(insn(cq.insns[cs[k]], k == 0 ? 0 : -1, k + 1 == cs.size() ? 1 : -1));
    set_queue(p->queues[0], lv);
    set_queue(p->queues[1], {insn(st, 1, -1)});
    set_queue(p->queues[2], cv);
    for (size_t q = 3; q < p->n_queues; q++)
        set_queue(p->queues[q], {});
    free(p->channels);
    p->channels = (asim_channel_t *)calloc(2, sizeof *p->channels);
    p->channels[0] = {ASIM_QUEUE_LOAD, 2, ASIM_CAUSE_OPERAND};
    p->channels[1] = {2, ASIM_QUEUE_STORE, ASIM_CAUSE_RESULT};
    p->n_channels = 2;
    return true;
}

// Whether an instruction names each channel at most once among its waits, and among its pushes.
bool distinct_channels(const asim_insn_t &in)
{
    for (unsigned i = 0; i < in.n_waits; i++)
        for (unsigned j = i + 1; j < in.n_waits; j++)
            if (in.waits[i] == in.waits[j])
                return false;
    for (unsigned i = 0; i < in.n_pushes; i++)
        for (unsigned j = i + 1; j < in.n_pushes; j++)
            if (in.pushes[i] == in.pushes[j])
                return false;
    return true;
}

bool build_data(const Args &a, World &w);
bool build_quark(World &w);
bool build_array(World &w);
bool build_qmm_tables(World &w);
bool build_sequenced(World &w);

bool build_world(const Args &a, World &w)
{
    asim_error_t err;
    std::vector<const char *> sets;
    for (const auto &s : a.sets)
        sets.push_back(s.c_str());
    if (asim_config_load(a.config.c_str(), sets.data(), sets.size(), &w.cfg, &err) != ASIM_OK)
        return fail_c("configuration", err);
    if (asim_model_load(a.model.c_str(), &w.g, &err) != ASIM_OK)
        return fail_c("model", err);
    if (asim_sim_create(&w.cfg, &w.ref, &err) != ASIM_OK ||
        asim_sim_create(&w.cfg, &w.tb, &err) != ASIM_OK)
        return fail_c("simulator", err);
    asim_program_t ref_prog;
    asim_schedule_t sched = (asim_schedule_t)w.cfg.schedule;
    if (asim_compile(w.ref, &w.g, sched, &ref_prog, &err) != ASIM_OK ||
        asim_compile(w.tb, &w.g, sched, &w.prog, &err) != ASIM_OK)
        return fail_c("compile", err);
    double f = config_value(w.cfg, "clock_mhz") / 1000.0; /* cycles per ns */
    w.dram = {config_value(w.cfg, "dram.latency_ns") * f,
              f / config_value(w.cfg, "dram.bandwidth_gbps"),
              (uint64_t)config_value(w.cfg, "dram.burst_bytes")};
    w.port_bits_per_cycle = 2 * (uint64_t)w.cfg.buffers.banks * (uint64_t)w.cfg.buffers.port_bits;
    if (a.tie && (!make_tie(w, &ref_prog) || !make_tie(w, &w.prog))) {
        asim_program_free(&ref_prog);
        return false;
    }
    if (asim_execute(w.ref, &w.g, &ref_prog, &w.rep, &err) != ASIM_OK)
        return fail_c("C executor", err);
    size_t n = 0;
    for (size_t q = 0; q < w.prog.n_queues; q++) {
        w.first.push_back(n);
        n += w.prog.queues[q].len;
    }
    if (w.prog.n_queues != NQ || w.prog.n_channels > NCH || n > DEPTH) {
        std::printf("tb_system: the program has %zu queues, %zu channels and %zu instructions; "
                    "this RTL build has %u, up to %u and up to %u\n", w.prog.n_queues,
                    w.prog.n_channels, n, NQ, NCH, DEPTH);
        return false;
    }
    for (size_t q = 0; q < w.prog.n_queues; q++)
        for (size_t i = 0; i < w.prog.queues[q].len; i++)
            if (!distinct_channels(w.prog.queues[q].insns[i])) {
                std::printf("tb_system: queue %zu instruction %zu lists a channel twice; the RTL "
                            "takes or pushes one token per channel and instruction\n", q, i);
                return false;
            }
    uint64_t bb = w.dram.burst_bytes;
    if ((bb & (bb - 1)) || bb < DBYTES || bb > 4096) {
        std::printf("tb_system: dram.burst_bytes %llu: the DMA needs a power of two from %u to "
                    "4096 (%u-byte beats; an AXI burst may not cross 4 KiB)\n",
                    (unsigned long long)bb, DBYTES, DBYTES);
        return false;
    }
    return build_data(a, w);
}

// Transfer id's runs (in the run memory's order) and its bursts: each run's aligned bursts
// from lo rounded down to a burst through hi, as the DMA moves them.
bool add_runs(World &w, unsigned q, size_t i)
{
    const asim_insn_t &in = w.prog.queues[q].insns[i];
    std::vector<asim_run_t> runs = transfer_runs(w, w.prog, in);
    size_t id = w.first[q] + i, n = runs.size();
    uint64_t bb = w.dram.burst_bytes;
    w.run_first[id] = w.runs.size();
    w.run_count[id] = n;
    w.runs.insert(w.runs.end(), runs.begin(), runs.end());
    w.burst_first[id] = w.bursts.size();
    for (size_t k = 0; k < n; k++) {
        const asim_run_t r = w.runs[w.run_first[id] + k];
        for (uint64_t at = r.lo / bb * bb; at <= r.hi; at += bb) {
            w.bursts.push_back(r);
            w.burst_addr.push_back(at);
        }
    }
    w.burst_count[id] = w.bursts.size() - w.burst_first[id];
    uint64_t of_runs = asim_runs_bursts(w.runs.data() + w.run_first[id], n, bb);
    uint64_t charged = asim_transfer_bursts(&w.prog, &w.g, &in, bb);
    if (w.burst_count[id] != of_runs || of_runs != charged || (in.bits != 0) != (n != 0)) {
        std::printf("tb_system: queue %u instruction %zu (%llu bits): %zu runs holding %zu "
                    "bursts, asim_runs_bursts counts %llu, asim_transfer_bursts charges %llu\n",
                    q, i, (unsigned long long)in.bits, n, w.burst_count[id],
                    (unsigned long long)of_runs, (unsigned long long)charged);
        return false;
    }
    return true;
}

// The data side: each transfer's runs and bursts, the seeded DRAM image, and (compiled
// programs) the functional golden's outputs and the plain reference.
bool build_data(const Args &a, World &w)
{
    size_t n = w.first.back() + w.prog.queues[NQ - 1].len;
    w.run_first.assign(n, 0);
    w.run_count.assign(n, 0);
    w.burst_first.assign(n, 0);
    w.burst_count.assign(n, 0);
    uint64_t image = w.prog.dram_bytes, bb = w.dram.burst_bytes;
    for (unsigned q = 0; q < 2; q++)
        for (size_t i = 0; i < w.prog.queues[q].len; i++) {
            const asim_insn_t &in = w.prog.queues[q].insns[i];
            size_t id = w.first[q] + i;
            if (!add_runs(w, q, i))
                return false;
            uint64_t bytes = w.burst_count[id] * bb, end = 0;
            for (size_t k = 0; k < w.burst_count[id]; k++)
                end = std::max(end, w.burst_addr[w.burst_first[id] + k] + bb);
            if (q == ASIM_QUEUE_LOAD ? bytes > (1ull << SLOTW) || in.slot >= 2
                                     : end > OUT_BASE) {
                std::printf("tb_system: queue %u instruction %zu (%llu bytes up to 0x%llx) does "
                            "not fit this RTL build's buffers (2 slots of %llu bytes, an output "
                            "region of %llu)\n", q, i, (unsigned long long)bytes,
                            (unsigned long long)end, 1ull << SLOTW, (unsigned long long)OUT_BASE);
                return false;
            }
            image = std::max(image, end);
            if (q == ASIM_QUEUE_STORE && in.bits)
                w.stores_of[{in.op, in.tile}].push_back(i);
        }
    if (w.runs.size() > RDEPTH) {
        std::printf("tb_system: the program's transfers move %zu runs; this RTL build's run "
                    "memory holds %zu\n", w.runs.size(), RDEPTH);
        return false;
    }
    w.image.assign(image, POISON);
    asim_fn_seed_image(&w.prog, &w.g, SEED, w.image.data());
    w.data_values = !a.tie;
    return build_quark(w) && build_array(w) && build_qmm_tables(w) && build_sequenced(w);
}


// Where a load put operand part `part` of tile t of op o: the last load of (o, t) in queue
// order if it moved that part, else the one of the nearest earlier tile (as the functional
// executor's map_slots picks the slot). Returns its global id, or -1.
long load_of(const World &w, uint32_t o, uint64_t t, unsigned part)
{
    const asim_queue_t &lq = w.prog.queues[ASIM_QUEUE_LOAD];
    for (uint64_t u = t + 1; u-- > 0;) {
        long last = -1;
        bool moved = false;
        for (size_t i = 0; i < lq.len; i++) {
            const asim_insn_t &in = lq.insns[i];
            if (in.op != o || in.tile != u)
                continue;
            asim_tile_t tile;
            asim_plan_tile_traffic(&w.prog.plans[o], &w.g.ops[o], u, &tile);
            last = (long)(w.first[ASIM_QUEUE_LOAD] + i);
            moved = (part == 0 ? tile.load_act_bits : tile.load_weight_bits) > 0;
        }
        if (last >= 0 && moved)
            return last;
    }
    return -1;
}

// The buffer byte address of DRAM bytes [b, b + n) as load `id` left them in its slot (its
// bursts in run order), or ~0 when no run of the load holds them whole.
uint64_t slot_address(const World &w, size_t id, uint64_t b, uint64_t n)
{
    const asim_insn_t &in = w.prog.queues[ASIM_QUEUE_LOAD].insns[id - w.first[ASIM_QUEUE_LOAD]];
    uint64_t bb = w.dram.burst_bytes, before = 0;
    for (size_t k = 0; k < w.run_count[id]; k++) {
        const asim_run_t &r = w.runs[w.run_first[id] + k];
        if (r.lo <= b && b + n - 1 <= r.hi)
            return ((uint64_t)in.slot << SLOTW) + before * bb + (b - r.lo / bb * bb);
        before += r.hi / bb - r.lo / bb + 1;
    }
    return ~0ull;
}

#include "array_job.hpp"

// One QUARK job (op o, tile t) for sys_quark_job.v: the unit's command as sim/functional's
// vector_row sets up the kernel, and per row where its codes lie in the RTL buffers. Returns
// an empty reason when the RTL runs it, else why its values stay C's.
std::string quark_job(World &w, uint32_t o, uint64_t t, World::QJob &j)
{
    const asim_op_t &op = w.g.ops[o];
    const asim_plan_t &pl = w.prog.plans[o];
    asim_quark_kind_job_t kj[ASIM_QUARK_MAX_KIND_JOBS];
    unsigned nk = asim_quark_kind_jobs(op.kind, kj);
    if (op.kind != ASIM_OP_SOFTMAX && op.kind != ASIM_OP_GELU && op.kind != ASIM_OP_LAYERNORM &&
        op.kind != ASIM_OP_TANH && op.kind != ASIM_OP_RELU && op.kind != ASIM_OP_ADD &&
        op.kind != ASIM_OP_MUL)
        return std::string("op kind ") + asim_op_kind_name(op.kind) +
               " (no kernel in sim/functional's vector_row)";
    if (nk != 1)
        return "op kind without one QUARK mode";
    if (op.a_bits != 8 || op.out_bits != 8)
        return "codes other than 8 bits";
    bool two = asim_op_kind_binary(op.kind);
    asim_view_t v, vb;
    asim_operand_view(&w.prog, &w.g, o, 0, &v);
    if (two)
        asim_operand_view(&w.prog, &w.g, o, 1, &vb);
    else
        vb = v;
    if (v.l.bits != 8 || vb.l.bits != 8)
        return "operand stored at other than 8 bits";
    bool a_made = false, b_made = false; // produced by an op (mirrored in the output region)
    for (size_t p = 0; p < w.g.len; p++) {
        a_made = a_made || w.prog.addrs[p].out == v.addr;
        b_made = b_made || w.prog.addrs[p].out == vb.addr;
    }
    size_t n = op.cols;
    double scale = std::ldexp(1.0, -4); /* frac_act(8) */
    asim_nl_fmt_t in = {8, true, scale}, of;
    asim_nl_dyadic_t dy;
    std::vector<int32_t> zero(n, 0), y(n);
    if (asim_nl_dyadic_from(std::ldexp(scale, ASIM_NL_QF), &dy) != ASIM_OK ||
        asim_quark_row_kernel(kj[0].mode, zero.data(), zero.data(), n, &in, ASIM_NL_QF,
                              y.data(), &of) != ASIM_OK)
        return "the QUARK kernel refuses the row";
    int shift = -std::ilogb(of.scale) - 4;
    if (shift < 0 || shift > 62)
        return "output shift outside 0..62";
    bool pair = asim_quark_is_pair(kj[0].mode);
    j.mode = kj[0].mode;
    j.len = (uint32_t)n;
    j.m = (uint32_t)dy.m;
    j.e = dy.e;
    j.pb = ASIM_NL_QF;
    j.k = asim_quark_cmd_k(kj[0].mode, n, scale);
    j.step = pair ? QN / 2 : QN;
    j.beats = (uint32_t)((n + j.step - 1) / j.step);
    j.total = asim_quark_passes(kj[0].mode, ASIM_QUARK_ALL_MODES) * j.beats;
    asim_tile_at_t at;
    asim_plan_locate(&pl, &op, t, &at);
    long load = pl.a_resident ? -1 : load_of(w, o, t, v.part);
    long load_b = pl.a_resident ? -1 : load_of(w, o, t, vb.part);
    if (!pl.a_resident && (load < 0 || load_b < 0))
        return "no load of its operand";
    std::vector<World::QRow> rows;
    for (uint64_t g = at.m0; g < at.m0 + at.tm; g++) {
        uint64_t i = g / op.rows, r = g % op.rows;
        uint64_t a0 = asim_view_index(&v, i, r, 0), o0 = asim_out_index(&op, i, r, 0);
        uint64_t b0 = asim_view_index(&vb, i, r, 0);
        for (uint64_t c = 1; c < n; c++)
            if (asim_view_index(&v, i, r, c) != a0 + c || asim_out_index(&op, i, r, c) != o0 + c ||
                asim_view_index(&vb, i, r, c) != b0 + c)
                return "a row not contiguous";
        uint64_t a = pl.a_resident ? OUT_BASE + v.addr + a0
                                   : slot_address(w, (size_t)load, v.addr + a0, n);
        uint64_t b = pl.a_resident ? OUT_BASE + vb.addr + b0
                                   : slot_address(w, (size_t)load_b, vb.addr + b0, n);
        uint64_t out = w.prog.addrs[o].out + o0;
        if (pl.a_resident && !a_made)
            w.preload.push_back({v.addr + a0, v.addr + a0 + n});
        if (pl.a_resident && two && !b_made)
            w.preload.push_back({vb.addr + b0, vb.addr + b0 + n});
        if (a == ~0ull || b == ~0ull ||
            (pl.a_resident && std::max(v.addr + a0, vb.addr + b0) + n > OUT_BASE))
            return "a row outside one run of its load, or past the output region";
        if (out + n > OUT_BASE)
            return "outputs past the output region";
        rows.push_back({a, b, OUT_BASE + out, (unsigned)shift});
    }
    j.rows = (uint32_t)rows.size();
    j.first_row = w.qrows.size();
    w.qrows.insert(w.qrows.end(), rows.begin(), rows.end());
    j.rtl = true;
    return "";
}

// The QUARK queue's jobs for the RTL unit (sys_quark_job.v): the compute queue whose unit is
// the nonlinear unit, when the configuration's lanes are this build's QN.
bool build_quark(World &w)
{
    for (size_t q = 2; q < w.prog.n_queues; q++) {
        const asim_queue_t &cq = w.prog.queues[q];
        bool vector = cq.len > 0;
        for (size_t i = 0; i < cq.len; i++)
            vector = vector && w.g.ops[cq.insns[i].op].kind != ASIM_OP_GEMM;
        if (vector)
            w.quark_q = (int)q;
    }
    if (w.quark_q < 0)
        return true;
    const asim_queue_t &cq = w.prog.queues[w.quark_q];
    if ((unsigned)w.quark_q != 3 || cq.len > JDEPTH) {
        std::printf("tb_system: the QUARK queue is queue %d with %zu jobs; this RTL build runs "
                    "queue 3 with up to %zu\n", w.quark_q, cq.len, JDEPTH);
        return false;
    }
    char why_lanes[96] = "";
    if (w.cfg.nonlinear.lanes != (int64_t)QN || w.cfg.nonlinear.unit != ASIM_NL_UNIT_QUARK)
        std::snprintf(why_lanes, sizeof why_lanes, "nonlinear unit not QUARK of %u lanes (this "
                      "RTL build's)", QN);
    w.qjobs.assign(cq.len, World::QJob{});
    for (size_t i = 0; i < cq.len; i++) {
        World::QJob &j = w.qjobs[i];
        std::string why = !w.data_values ? "no values (the tie program)"
                          : why_lanes[0] ? why_lanes
                                         : quark_job(w, cq.insns[i].op, cq.insns[i].tile, j);
        if (!why.empty() || w.qrows.size() > QDEPTH) {
            if (why.empty())
                why = "the row table is full";
            j = World::QJob{};
            j.first_row = w.qrows.size();
            w.q_not_rtl[why]++;
        }
    }
    return true;
}

#include "qmm_job.hpp"

bool build_qmm_tables(World &w)
{
    w.qmm = std::make_shared<QmmTwin>();
    return build_qmm(w, *w.qmm);
}

// Sequencer k on `queue`, whose i-th job adds count[i] to its progress (0: not run there).
void set_sequenced(World &w, unsigned k, int queue, const std::vector<uint64_t> &count)
{
    World::Sequenced &s = w.seq[k];
    uint64_t sum = 0;
    for (uint64_t c : count) {
        s.rtl.push_back(c > 0);
        s.covers.push_back(sum += c);
        if (c > 0)
            s.queue = queue;
    }
}

// What the sequencers' completions need: each job's progress (QUARK and QMM rows, array
// jobs) and every compute job's read demand (the port budget, sys_job_done.v).
bool build_sequenced(World &w)
{
    std::vector<uint64_t> q, a, m;
    for (const World::QJob &j : w.qjobs)
        q.push_back(j.rows);
    for (const World::AJob &j : w.ajobs)
        a.push_back(j.rtl);
    for (const QmmJob &j : w.qmm->jobs)
        m.push_back(j.m);
    set_sequenced(w, SEQ_QUARK, w.quark_q, q);
    set_sequenced(w, SEQ_ARRAY, w.array_q, a);
    set_sequenced(w, SEQ_QMM, MQUEUE, m);
    for (size_t q2 = 2; q2 < w.prog.n_queues; q2++)
        for (size_t i = 0; i < w.prog.queues[q2].len; i++) {
            const asim_insn_t &in = w.prog.queues[q2].insns[i];
            asim_cost_t c = unit_cost(w, w.prog, (unsigned)q2, in.op, in.tile);
            w.demand.push_back({(unsigned)q2 - 2, (uint32_t)i,
                                c.actions[ASIM_ACT_SRAM_READ_BITS]});
        }
    return true;
}

// The functional golden's outputs (timed order, the C executor's stamps) and the plain
// reference, computed at their first use (a mutant caught early does not pay for them).
bool golden_values(World &w)
{
    if (!w.data_values || !w.golden.empty() || w.golden_failed)
        return !w.golden_failed;
    size_t n = w.run_first.size();
    asim_error_t err;
    asim_fn_images_t im;
    std::vector<uint64_t> issued(w.ref->issued_at, w.ref->issued_at + n),
        done(w.ref->done_at, w.ref->done_at + n);
    const asim_fn_stamps_t stamps = {issued.data(), done.data(), w.first.data()};
    if (asim_fn_execute(&w.prog, &w.g, SEED, &stamps, &im, &err) != ASIM_OK ||
        asim_fn_reference(&w.g, SEED, &w.ref_values, &err) != ASIM_OK) {
        asim_fn_images_free(&im);
        w.golden_failed = true;
        return fail_c("functional golden", err);
    }
    w.golden.assign(im.chip, im.chip + im.bytes);
    w.golden.resize(w.image.size(), POISON);
    asim_fn_images_free(&im);
    return true;
}

const char *kind_name(uint8_t k)
{
    return k == ASIM_INSN_LOAD ? "load" : k == ASIM_INSN_STORE ? "store" : "compute";
}

// One burst the DRAM model has accepted.
struct Burst {
    uint64_t due;        // earliest cycle of its last beat (reads) or its response (writes)
    unsigned beats, moved;
    uint64_t first_beat; // earliest cycle of any beat (reads)
    uint64_t addr;       // its first byte
    asim_run_t run;      // the bytes of its run (W strobes)
};

class Run {
public:
    explicit Run(World &w) : w_(w) {}

    // Runs from reset. With a trace (the replay), prints nothing and writes the VCD up to two
    // cycles past cycle `stop` of the program. Returns 0 when everything matched.
    int run(const std::string *vcd, uint64_t stop)
    {
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->traceEverOn(vcd != nullptr);
        rtl_ = std::make_unique<V>(ctx_.get());
        std::unique_ptr<VerilatedVcdC> trace;
        if (vcd) {
            trace = std::make_unique<VerilatedVcdC>();
            rtl_->trace(trace.get(), 99);
            trace->open(vcd->c_str());
        }
        reset_state();
        quiet_ = vcd != nullptr;
        start_ = 2 + std::max<uint64_t>({asim_program_len(&w_.prog), NQ, w_.runs.size(),
                                         w_.qjobs.size(), w_.qrows.size(), w_.ajobs.size(),
                                         w_.arows.size(), w_.acols.size(),
                                         w_.qmm->table_cycles()});
        uint64_t total = w_.rep.total_cycles;
        bool failed = false;
        for (uint64_t c = 0;; c++) {
            drive(c);
            rtl_->clk = 0;
            rtl_->eval();
            if (trace)
                trace->dump(10 * c);
            uint64_t t = c - start_;
            if (c >= start_ && !failed) {
                failed = !check(t);
                if (!failed && !finished_ && t > total + 2)
                    failed = !fail_at(t, "the RTL has not finished; the C executor took %llu "
                                      "cycles (hang)", (unsigned long long)total);
            }
            rtl_->clk = 1;
            rtl_->eval();
            if (trace)
                trace->dump(10 * c + 5);
            if ((failed && (!vcd || t >= stop + 2)) || (!failed && finished_))
                break;
        }
        if (trace)
            trace->close();
        rtl_.reset();
        ctx_.reset();
        return failed ? 1 : 0;
    }

    uint64_t mismatch_cycle() const { return bad_cycle_; }
    uint64_t rtl_total() const { return rtl_total_; }

    // What the data checks saw.
    struct DataCounts {
        uint64_t loads = 0, stores = 0, bursts = 0, r_beats = 0, w_beats = 0;
        uint64_t codes = 0, codes_not_carried = 0; // stored codes compared, not carried
        uint64_t q_tiles = 0, q_codes = 0, q_not_rtl = 0; // QUARK tiles run by the RTL unit
        uint64_t a_tiles = 0, a_codes = 0, a_not_rtl = 0; // array tiles run by the RTL array
    };
    // A sequencer's completions: per job the cycle its progress covered it, and the jobs the
    // port budget held past that cycle, and by how much at most.
    struct Progress {
        std::vector<uint64_t> reached;
        size_t next = 0;
        uint64_t held = 0, held_max = 0;
    };
    const Progress &progress(unsigned k) const { return prog_[k]; }
    const QmmRun &qmm() const { return qrun_; }
    const DataCounts &data() const { return data_; }

private:
    void reset_state()
    {
        issued_.assign(NQ, 0);
        done_.assign(NQ, 0);
        unit_end_.assign(NQ, NOT_YET);
        reads_.clear();
        writes_.clear();
        xfer_active_ = false;
        xfer_bytes_ = xfer_start_ = 0;
        finished_ = false;
        rtl_total_ = 0;
        dram_ = w_.image;
        chip_.assign(dram_.size(), 0); // the RTL's buffers start as zeros, but for
        for (const auto &r : w_.preload)  // the parameters the plan keeps on chip
            for (uint64_t at = r.first; at < r.second && at < OUT_BASE; at++)
                put_region_byte(at, dram_[at]);
        written_.assign(dram_.size(), 0);
        xfer_gid_ = xfer_bursts_ = 0;
        check_load_at_ = NOT_YET;
        data_ = DataCounts{};
        for (unsigned k = 0; k < SEQS; k++)
            prog_[k] = Progress{std::vector<uint64_t>(w_.seq[k].covers.size(), NOT_YET)};
        qrun_ = QmmRun{};
    }

    // ---- the buffers' memory, reached directly (in place of the compute units' ports) ----
    VlWide<DBYTES / 4> &buffer_word(uint64_t word)
    {
        return rtl_->rootp->sys_controller__DOT__buffers__DOT__mem[word % BANKS][word / BANKS];
    }

    static uint8_t byte_of(const VlWide<DBYTES / 4> &v, unsigned k)
    {
        return (uint8_t)(v[k / 4] >> (8 * (k % 4)));
    }

    void put_buffer_byte(uint64_t addr, uint8_t value)
    {
        VlWide<DBYTES / 4> &v = buffer_word(addr / DBYTES);
        unsigned k = addr % DBYTES;
        v[k / 4] = (v[k / 4] & ~(0xffu << (8 * (k % 4)))) | (uint32_t)value << (8 * (k % 4));
    }

    // DRAM byte `at` as the output region holds it (its mirror, and the RTL's buffers)
    void put_region_byte(uint64_t at, uint8_t value)
    {
        chip_[at] = value;
        put_buffer_byte(OUT_BASE + at, value);
    }

    size_t gid(unsigned q, size_t i) const { return w_.first[q] + i; }

    // ---- inputs ----
    void drive(uint64_t c)
    {
        V &r = *rtl_;
        r.rst = c < 2;
        r.pm_we = 0;
        r.qc_we = 0;
        r.rm_we = 0;
        r.start = 0;
        r.burst_shift = (uint8_t)__builtin_ctzll(w_.dram.burst_bytes);
        size_t n = w_.first.back() + w_.prog.queues[NQ - 1].len;
        if (c >= 2 && c - 2 < n)
            load_insn(c - 2);
        if (c >= 2 && c - 2 < w_.runs.size()) {
            r.rm_we = 1;
            r.rm_addr = (uint32_t)(c - 2);
            r.rm_lo = (uint32_t)w_.runs[c - 2].lo;
            r.rm_hi = (uint32_t)w_.runs[c - 2].hi;
        }
        r.jt_we = 0;
        r.rt_we = 0;
        if (c >= 2 && c - 2 < w_.qjobs.size()) {
            const World::QJob &j = w_.qjobs[c - 2];
            r.jt_we = 1;
            r.jt_addr = (uint32_t)(c - 2);
            r.jt_rows = j.rows;
            r.jt_mode = (uint8_t)j.mode;
            r.jt_len = j.len;
            r.jt_m = j.m;
            r.jt_e = (uint8_t)j.e;
            r.jt_pb = (uint8_t)j.pb;
            r.jt_k = j.k;
            r.jt_beats = j.beats;
            r.jt_total = j.total;
            r.jt_step = (uint8_t)j.step;
        }
        r.dt_we = c >= 2 && c - 2 < w_.demand.size();
        if (r.dt_we) {
            const World::Demand &d = w_.demand[c - 2];
            r.dt_unit = (uint8_t)d.unit;
            r.dt_addr = d.job;
            r.dt_demand = d.bits;
        }
        r.port_bits = (uint32_t)w_.port_bits_per_cycle;
        if (c >= 2 && c - 2 < w_.qrows.size()) {
            const World::QRow &q = w_.qrows[c - 2];
            r.rt_we = 1;
            r.rt_addr = (uint32_t)(c - 2);
            r.rt_a = (uint32_t)q.a;
            r.rt_b = (uint32_t)q.b;
            r.rt_o = (uint32_t)q.o;
            r.rt_shift = (uint8_t)q.shift;
        }
        drive_array_tables(c);
        if (c >= 2 && c - 2 < NQ) {
            r.qc_we = 1;
            r.qc_q = (uint8_t)(c - 2);
            r.qc_base = (uint32_t)w_.first[c - 2];
            r.qc_len = (uint32_t)w_.prog.queues[c - 2].len;
        }
        qmm_drive(*w_.qmm, r, c >= 2 ? c - 2 : NOT_YET);
        r.start = c == start_;
        int64_t t = (int64_t)c - (int64_t)start_;
        uint32_t done = 0, ready = 0;
        for (unsigned u = 0; u + 2 < NQ; u++) {
            bool ending = t >= 0 && unit_end_[u + 2] == (uint64_t)t;
            done |= (uint32_t)ending << u;
            ready |= (uint32_t)(ending || unit_end_[u + 2] == NOT_YET) << u;
        }
        r.unit_done = done;
        r.job_ready = ready;
        drive_axi(t);
    }

    // ---- the array's tables (sys_array_job.v), written from cycle 2 on like the QUARK ones ----
    void drive_array_tables(uint64_t c)
    {
        V &r = *rtl_;
        r.ajt_we = 0;
        r.art_we = 0;
        r.act_we = 0;
        if (c >= 2 && c - 2 < w_.ajobs.size()) {
            const World::AJob &j = w_.ajobs[c - 2];
            r.ajt_we = 1;
            r.ajt_addr = (uint32_t)(c - 2);
            r.ajt_tm = (uint16_t)j.tm;
            r.ajt_tn = (uint16_t)j.tn;
            r.ajt_tk = (uint16_t)j.tk;
            r.ajt_row = (uint32_t)j.row;
            r.ajt_col = (uint32_t)j.col;
            r.ajt_bk = j.bk;
            r.ajt_ovl = j.ovl;
            r.ajt_shift = (uint8_t)j.shift;
            r.ajt_first = j.first;
            r.ajt_last = j.last;
        }
        if (c >= 2 && c - 2 < w_.arows.size()) {
            r.art_we = 1;
            r.art_addr = (uint32_t)(c - 2);
            r.art_a = (uint32_t)w_.arows[c - 2].a;
            r.art_o = (uint32_t)w_.arows[c - 2].o;
        }
        if (c >= 2 && c - 2 < w_.acols.size()) {
            r.act_we = 1;
            r.act_addr = (uint32_t)(c - 2);
            r.act_b = (uint32_t)w_.acols[c - 2];
        }
    }

    // An array job the RTL ran completes: each code of the tile must be the functional
    // golden's, bit for bit.
    bool check_array(uint64_t t, size_t i)
    {
        const World::AJob &j = w_.ajobs[i];
        const asim_insn_t &in = w_.prog.queues[w_.array_q].insns[i];
        const asim_op_t &op = w_.g.ops[in.op];
        if (!golden_values(w_))
            return fail_at(t, "no functional golden for the array outputs");
        data_.a_tiles++;
        if (!j.last) /* its partial sums stay in the sequencer: checked with its last k step */
            return true;
        for (uint32_t k = 0; k < j.tm; k++) {
            const World::ARow &row = w_.arows[j.row + k];
            for (uint32_t c = 0; c < j.tn; c++) {
                uint64_t b = row.o + c, d = b - OUT_BASE;
                uint8_t got = byte_of(buffer_word(b / DBYTES), (unsigned)(b % DBYTES));
                if (got != w_.golden[d])
                    return fail_at(t, "array op '%s' tile %llu row %u col %u: functional golden "
                                   "%d, RTL %d", op.name, (unsigned long long)in.tile, k, c,
                                   (int8_t)w_.golden[d], (int8_t)got);
                chip_[d] = got;
            }
            data_.a_codes += j.tn;
        }
        return true;
    }
    // ---- end of the array's tables and check ----

    void load_insn(size_t id)
    {
        unsigned q = 0;
        while (q + 1 < NQ && w_.first[q + 1] <= id)
            q++;
        const asim_insn_t &in = w_.prog.queues[q].insns[id - w_.first[q]];
        V &r = *rtl_;
        r.pm_we = 1;
        r.pm_addr = (uint32_t)id;
        r.pm_kind = in.kind;
        r.pm_op = in.op;
        r.pm_tile = (uint32_t)in.tile;
        r.pm_bits = in.bits;
        r.pm_nwaits = in.n_waits;
        r.pm_npushes = in.n_pushes;
        uint64_t wv = 0, pv = 0;
        for (unsigned k = 0; k < NW; k++) {
            if (k < in.n_waits)
                wv |= (uint64_t)in.waits[k] << (8 * k);
            if (k < in.n_pushes)
                pv |= (uint64_t)in.pushes[k] << (8 * k);
        }
        r.pm_waits = wv;
        r.pm_pushes = pv;
        r.pm_run = (uint32_t)w_.run_first[id];
        r.pm_nruns = (uint32_t)w_.run_count[id];
        r.pm_slot = in.kind == ASIM_INSN_LOAD ? in.slot : 0;
    }

    void drive_axi(int64_t t)
    {
        V &r = *rtl_;
        r.m_arready = 1;
        r.m_awready = 1;
        r.m_wready = 1;
        r.m_rvalid = 0;
        r.m_rlast = 0;
        r.m_bvalid = 0;
        for (unsigned k = 0; k < DBYTES / 4; k++)
            r.m_rdata[k] = 0;
        if (t < 0)
            return;
        uint64_t now = (uint64_t)t;
        if (!reads_.empty()) {
            const Burst &b = reads_.front();
            bool last = b.moved + 1 == b.beats;
            r.m_rvalid = now >= b.first_beat && (!last || now >= b.due);
            r.m_rlast = last;
            uint64_t at = b.addr + (uint64_t)b.moved * DBYTES;
            for (unsigned k = 0; k < DBYTES && at + k < dram_.size(); k++)
                r.m_rdata[k / 4] |= (uint32_t)dram_[at + k] << (8 * (k % 4));
        }
        if (!writes_.empty()) {
            const Burst &b = writes_.front();
            r.m_bvalid = b.moved == b.beats && now > b.first_beat && now >= b.due;
        }
    }

    // ---- the DRAM model, after the RTL's outputs settle ----
    bool accept_burst(uint64_t now, uint64_t addr, unsigned len, unsigned size, unsigned burst,
                      bool write)
    {
        if (size != (unsigned)__builtin_ctz(DBYTES) || burst != 1)
            return fail_at(now, "AXI %s burst of size %u and type %u: expected %u-byte INCR",
                           write ? "write" : "read", size, burst, DBYTES);
        if (xfer_bursts_ >= w_.burst_count[xfer_gid_])
            return fail_at(now, "%s: AXI %s burst %llu at address 0x%llx: its runs hold %zu "
                           "bursts", transfer_name(xfer_gid_).c_str(), write ? "write" : "read",
                           (unsigned long long)xfer_bursts_, (unsigned long long)addr,
                           w_.burst_count[xfer_gid_]);
        size_t k = w_.burst_first[xfer_gid_] + xfer_bursts_;
        uint64_t want = w_.burst_addr[k];
        if (addr != want)
            return fail_at(now, "%s: AXI %s burst %llu at address 0x%llx, expected 0x%llx",
                           transfer_name(xfer_gid_).c_str(), write ? "write" : "read",
                           (unsigned long long)xfer_bursts_, (unsigned long long)addr,
                           (unsigned long long)want);
        xfer_bursts_++;
        if (!xfer_active_) {
            xfer_active_ = true;
            xfer_start_ = now - 1; /* the DMA's issue cycle, before its request register */
            xfer_bytes_ = 0;
        }
        unsigned beats = len + 1;
        xfer_bytes_ += (uint64_t)beats * DBYTES;
        Burst b{xfer_start_ + w_.dram.cycles(xfer_bytes_), beats, 0, now + 1, addr,
                w_.bursts[k]};
        if (!write && b.due < now + beats)
            return fail_at(now, "the DRAM model answers this read burst at cycle %llu, before "
                           "the AXI port can carry it", (unsigned long long)b.due);
        (write ? writes_ : reads_).push_back(b);
        return true;
    }

    bool dram_cycle(uint64_t now)
    {
        V &r = *rtl_;
        if (r.m_arvalid &&
            !accept_burst(now, r.m_araddr, r.m_arlen, r.m_arsize, r.m_arburst, false))
            return false;
        if (r.m_awvalid &&
            !accept_burst(now, r.m_awaddr, r.m_awlen, r.m_awsize, r.m_awburst, true))
            return false;
        if (r.m_rvalid && r.m_rready)
            data_.r_beats++;
        if (r.m_wvalid) {
            auto it = writes_.begin();
            while (it != writes_.end() && it->moved == it->beats)
                ++it;
            if (it == writes_.end())
                return fail_at(now, "an AXI W beat with no write burst open");
            if (!write_beat(now, it->addr + (uint64_t)it->moved * DBYTES, it->run))
                return false;
            it->moved++;
            if ((it->moved == it->beats) != (bool)r.m_wlast)
                return fail_at(now, "AXI WLAST %u on beat %u of a %u-beat burst", r.m_wlast,
                               it->moved, it->beats);
            if (it->moved == it->beats) {
                it->first_beat = now; /* B comes after the last W beat */
                if (it->due <= now)
                    return fail_at(now, "the DRAM model answers this write burst at cycle %llu, "
                                   "before its data arrived", (unsigned long long)it->due);
            }
        }
        if (r.m_rvalid && r.m_rready) {
            reads_.front().moved++;
            if (reads_.front().moved == reads_.front().beats)
                reads_.pop_front();
        }
        if (r.m_bvalid && r.m_bready)
            writes_.pop_front();
        if (reads_.empty() && writes_.empty())
            xfer_active_ = false;
        return true;
    }

    std::string transfer_name(size_t id) const
    {
        unsigned q = id >= w_.first[1] ? 1 : 0;
        size_t i = id - w_.first[q];
        const asim_insn_t &in = w_.prog.queues[q].insns[i];
        char s[160];
        std::snprintf(s, sizeof s, "queue %u '%s' instruction %zu (%s op '%s' tile %llu)", q,
                      w_.prog.queues[q].name, i, kind_name(in.kind), w_.g.ops[in.op].name,
                      (unsigned long long)in.tile);
        return s;
    }

    // A W beat to DRAM address addr of a burst of run `run`: WSTRB must mark exactly the
    // run's bytes, and the data be what the bench put in the buffers' output region; DRAM
    // takes the strobed bytes.
    bool write_beat(uint64_t now, uint64_t addr, asim_run_t run)
    {
        V &r = *rtl_;
        uint64_t lo = run.lo, hi = run.hi;
        for (unsigned k = 0; k < DBYTES; k++) {
            uint64_t at = addr + k;
            bool strobe = (r.m_wstrb >> k) & 1, want = at >= lo && at <= hi;
            uint8_t got = byte_of(r.m_wdata, k);
            if (strobe != want)
                return fail_at(now, "%s: W beat at 0x%llx byte %u: WSTRB %u, expected %u",
                               transfer_name(xfer_gid_).c_str(), (unsigned long long)addr, k,
                               strobe, want);
            if (!strobe)
                continue;
            if (got != chip_[at])
                return fail_at(now, "%s: W beat at 0x%llx byte %u: data 0x%02x, expected 0x%02x "
                               "(the buffers' output region)", transfer_name(xfer_gid_).c_str(),
                               (unsigned long long)addr, k, got, chip_[at]);
            dram_[at] = got;
            written_[at] = 1;
        }
        data_.w_beats++;
        return true;
    }

    // After a load: its slot holds the DRAM bytes of its bursts, in order, word for word.
    bool check_load_data(uint64_t t, size_t id)
    {
        const asim_insn_t &in = w_.prog.queues[0].insns[id - w_.first[0]];
        uint64_t bb = w_.dram.burst_bytes, base = ((uint64_t)in.slot << SLOTW) / DBYTES;
        for (size_t j = 0; j < w_.burst_count[id]; j++) {
            uint64_t from = w_.burst_addr[w_.burst_first[id] + j];
            for (uint64_t k = j * bb; k < (j + 1) * bb; k++) {
                uint8_t got = byte_of(buffer_word(base + k / DBYTES), k % DBYTES);
                uint64_t at = from + k - j * bb;
                if (got != dram_[at])
                    return fail_at(t, "%s: buffer slot %u byte %llu (burst %zu) holds 0x%02x, "
                                   "DRAM 0x%llx has 0x%02x", transfer_name(id).c_str(), in.slot,
                                   (unsigned long long)k, j, got, (unsigned long long)at,
                                   dram_[at]);
            }
        }
        data_.loads++;
        return true;
    }

    // A compute job of (op, tile) completes: the output bytes of the tile's stores go into
    // the buffers' output region (the functional golden's values, in place of the unit's).
    bool write_outputs(uint64_t t, uint32_t op, uint64_t tile)
    {
        if (!w_.data_values)
            return true;
        if (!golden_values(w_))
            return fail_at(t, "no functional golden for the compute outputs");
        // every output code of the tile, where the output region mirrors it (a unit after
        // this one may read it from there: sys_quark_job.v)
        const asim_op_t &o = w_.g.ops[op];
        asim_tile_at_t at;
        asim_plan_locate(&w_.prog.plans[op], &o, tile, &at);
        bool gemm = o.kind == ASIM_OP_GEMM;
        uint64_t addr = w_.prog.addrs[op].out, bits = (uint64_t)o.out_bits;
        for (uint64_t g = at.m0; g < at.m0 + at.tm; g++) {
            uint64_t i = gemm ? at.inst : g / o.rows, r = gemm ? g : g % o.rows;
            uint64_t c0 = gemm ? at.n0 : 0, c1 = gemm ? at.n0 + at.tn : o.cols;
            for (uint64_t c = c0; c < c1; c++) {
                uint64_t idx = asim_out_index(&o, i, r, c);
                uint64_t lo = addr + idx * bits / 8, hi = addr + (idx * bits + bits - 1) / 8;
                for (uint64_t at2 = lo; at2 <= hi && hi < chip_.size() && hi < OUT_BASE; at2++)
                    put_region_byte(at2, w_.golden[at2]);
            }
        }
        auto it = w_.stores_of.find({op, tile});
        if (it == w_.stores_of.end())
            return true;
        for (size_t i : it->second) {
            size_t id = w_.first[1] + i;
            for (size_t k = 0; k < w_.run_count[id]; k++) {
                const asim_run_t &run = w_.runs[w_.run_first[id] + k];
                for (uint64_t at = run.lo; at <= run.hi; at++)
                    put_region_byte(at, w_.golden[at]);
            }
        }
        return true;
    }

    // A QUARK job that the RTL ran completes: the codes it wrote into the output region must
    // be the functional golden's, bit for bit.
    bool check_quark(uint64_t t, size_t i)
    {
        const World::QJob &j = w_.qjobs[i];
        const asim_insn_t &in = w_.prog.queues[w_.quark_q].insns[i];
        if (!golden_values(w_))
            return fail_at(t, "no functional golden for the QUARK outputs");
        for (uint32_t k = 0; k < j.rows; k++) {
            const World::QRow &row = w_.qrows[j.first_row + k];
            for (uint32_t c = 0; c < j.len; c++) {
                uint64_t b = row.o + c, d = b - OUT_BASE;
                uint8_t got = byte_of(buffer_word(b / DBYTES), (unsigned)(b % DBYTES));
                if (got != w_.golden[d])
                    return fail_at(t, "QUARK op '%s' tile %llu row %u col %u: functional golden "
                                   "%d, RTL %d", w_.g.ops[in.op].name,
                                   (unsigned long long)in.tile, k, c, (int8_t)w_.golden[d],
                                   (int8_t)got);
                chip_[d] = got;
            }
            data_.q_codes += j.len;
        }
        data_.q_tiles++;
        return true;
    }

    // A QMM job that the RTL ran completes (qmm_job.hpp).
    bool check_qmm(uint64_t t, size_t i)
    {
        if (!golden_values(w_))
            return fail_at(t, "no functional golden for the QMM outputs");
        std::string msg;
        auto read = [this](uint64_t b) {
            return byte_of(buffer_word(b / DBYTES), (unsigned)(b % DBYTES)); };
        if (!qmm_check_job(w_, *w_.qmm, i, read, chip_, qrun_.codes, msg))
            return fail_at(t, "%s", msg.c_str());
        qrun_.tiles++;
        qrun_.partial += !w_.qmm->jobs[i].last_k;
        return true;
    }

    // At the end: every code of a stored tensor whose bytes W beats wrote into DRAM, against
    // the plain integer reference; codes no W beat wrote are counted as not carried.
    bool compare_stored(uint64_t t)
    {
        if (w_.data_values && !golden_values(w_))
            return fail_at(t, "no functional golden to compare with");
        for (size_t o = 0; w_.ref_values && o < w_.g.len; o++) {
            if (!w_.prog.plans[o].n_stores)
                continue;
            asim_tensor_layout_t l;
            asim_tensor_layout(&w_.g.ops[o], ASIM_TENSOR_OUT, &l);
            uint64_t addr = w_.prog.addrs[o].out;
            for (uint64_t i = 0; i < l.rows * l.cols; i++) {
                uint64_t lo = addr + i * l.bits / 8, hi = addr + (i * l.bits + l.bits - 1) / 8;
                bool carried = true;
                for (uint64_t b = lo; b <= hi; b++)
                    carried = carried && written_[b];
                if (!carried) {
                    data_.codes_not_carried++;
                    continue;
                }
                int32_t got = asim_fn_get(dram_.data(), addr, i, l.bits);
                if (got != w_.ref_values[o][i])
                    return fail_at(t, "op '%s' in DRAM row %llu col %llu: reference %d, twin %d",
                                   w_.g.ops[o].name, (unsigned long long)(i / l.cols),
                                   (unsigned long long)(i % l.cols), w_.ref_values[o][i], got);
                data_.codes++;
            }
        }
        return true;
    }

    // ---- checks ----
    bool fail_at(uint64_t t, const char *fmt, ...)
    {
        va_list ap;
        va_start(ap, fmt);
        if (!quiet_) {
            std::printf("cosim: MISMATCH at cycle %llu: ", (unsigned long long)t);
            std::vprintf(fmt, ap);
            std::printf("\n");
        }
        va_end(ap);
        bad_cycle_ = t;
        return false;
    }

    bool instruction_mismatch(uint64_t t, unsigned q, size_t i, const char *what,
                              uint64_t expected, uint64_t actual)
    {
        const asim_insn_t &in = w_.prog.queues[q].insns[i];
        char act[32];
        if (actual == NOT_YET)
            std::snprintf(act, sizeof act, "not by %llu", (unsigned long long)t);
        else
            std::snprintf(act, sizeof act, "%llu", (unsigned long long)actual);
        return fail_at(t, "queue %u '%s' instruction %zu (%s op '%s' tile %llu): %s cycle "
                       "expected %llu, RTL %s", q, w_.prog.queues[q].name, i,
                       kind_name(in.kind), w_.g.ops[in.op].name, (unsigned long long)in.tile,
                       what, (unsigned long long)expected, act);
    }

    // Counts the RTL reports for queue q this cycle against the C stamps.
    bool check_stamps(uint64_t t, unsigned q, unsigned n, std::vector<size_t> &next,
                      const asim_cycle_t *stamps, const char *what)
    {
        size_t len = w_.prog.queues[q].len;
        for (unsigned k = 0; k < n; k++, next[q]++) {
            if (next[q] >= len)
                return fail_at(t, "queue %u '%s': the RTL %s more instructions than it has",
                               q, w_.prog.queues[q].name, what);
            uint64_t want = stamps[gid(q, next[q])];
            if (want != t)
                return instruction_mismatch(t, q, next[q], what, want, t);
        }
        if (next[q] < len && stamps[gid(q, next[q])] <= t)
            return instruction_mismatch(t, q, next[q], what, stamps[gid(q, next[q])], NOT_YET);
        return true;
    }

    // The sequencer that runs job i of queue q and completes it, or -1.
    int sequencer_of(unsigned q, size_t i) const
    {
        for (unsigned k = 0; k < SEQS; k++)
            if (w_.seq[k].queue == (int)q && w_.seq[k].rtl[i])
                return (int)k;
        return -1;
    }

    // Sequencer k's progress count (rows, or jobs, whose outputs are written).
    uint32_t progress_count(unsigned k) const
    {
        return k == SEQ_QUARK ? rtl_->q_rows_done
               : k == SEQ_ARRAY ? rtl_->a_jobs_done
                                : rtl_->m_rows_done;
    }

    // Each cycle: the jobs each sequencer's progress covers by now.
    void observe_progress(uint64_t t)
    {
        for (unsigned k = 0; k < SEQS; k++) {
            Progress &p = prog_[k];
            const World::Sequenced &s = w_.seq[k];
            uint32_t now = progress_count(k);
            while (p.next < s.covers.size() && s.covers[p.next] <= now)
                p.reached[p.next++] = t;
        }
    }

    // Job i of queue q, run by sequencer k, completes in cycle t: its outputs must all be
    // written (the progress covers it); later than that, the port budget held it.
    bool sequenced_done(uint64_t t, unsigned k, unsigned q, size_t i)
    {
        Progress &p = prog_[k];
        const asim_insn_t &in = w_.prog.queues[q].insns[i];
        if (p.reached[i] == NOT_YET)
            return fail_at(t, "%s job %zu (op '%s' tile %llu) completes with its outputs not "
                           "all written: progress %u, %llu due", SEQ_NAME[k], i,
                           w_.g.ops[in.op].name, (unsigned long long)in.tile, progress_count(k),
                           (unsigned long long)w_.seq[k].covers[i]);
        if (t > p.reached[i]) {
            p.held++;
            p.held_max = std::max(p.held_max, t - p.reached[i]);
        }
        return true;
    }

    bool start_job(uint64_t t, unsigned q, uint32_t op, uint32_t tile, unsigned shared)
    {
        size_t i = issued_[q] - 1;
        const asim_insn_t &in = w_.prog.queues[q].insns[i];
        if (op != in.op || tile != in.tile)
            return fail_at(t, "queue %u '%s' instruction %zu: job op %u tile %u, expected op %u "
                           "tile %llu", q, w_.prog.queues[q].name, i, op, tile, in.op,
                           (unsigned long long)in.tile);
        if (sequencer_of(q, i) >= 0)
            return true; // its sequencer completes it: the check is its completion stamp
        uint64_t cycles = unit_cycles(w_, w_.prog, q, in.op, in.tile, shared);
        if (cycles == 0)
            return fail_at(t, "queue %u instruction %zu costs 0 cycles: the unit model needs "
                           "at least 1", q, i);
        unit_end_[q] = t + cycles;
        return true;
    }

    // A transfer must move its runs' bursts, as the C model charges them
    // (asim_transfer_bursts); in its completion cycle the DRAM model still holds the
    // transfer's bytes.
    bool check_transfer(uint64_t t, unsigned q, size_t i)
    {
        const asim_insn_t &in = w_.prog.queues[q].insns[i];
        uint64_t bb = w_.dram.burst_bytes;
        uint64_t bytes = asim_transfer_bursts(&w_.prog, &w_.g, &in, bb) * bb;
        if (in.bits && xfer_bytes_ != bytes)
            return fail_at(t, "queue %u '%s' instruction %zu moved %llu bytes over AXI, "
                           "expected %llu", q, w_.prog.queues[q].name, i,
                           (unsigned long long)xfer_bytes_, (unsigned long long)bytes);
        return true;
    }

    // The nd instructions of queue q the RTL completes in cycle t.
    bool completions(uint64_t t, unsigned q, unsigned nd)
    {
        if (nd)
            rtl_total_ = t;
        if (q >= 2 && nd && unit_end_[q] == t)
            unit_end_[q] = NOT_YET;
        size_t done_before = done_[q];
        if (!check_stamps(t, q, nd, done_, w_.ref->done_at, "completion"))
            return false;
        for (size_t i = done_before; q < 2 && i < done_[q]; i++) {
            if (!check_transfer(t, q, i))
                return false;
            if (!w_.prog.queues[q].insns[i].bits)
                continue;
            data_.bursts += w_.burst_count[gid(q, i)];
            if (q == ASIM_QUEUE_LOAD) {
                check_load_at_ = t + 1; /* its last beat is in the buffers after this edge */
                check_load_id_ = gid(q, i);
            } else {
                data_.stores++;
            }
        }
        for (size_t i = done_before; q >= 2 && i < done_[q]; i++) {
            int k = sequencer_of(q, i);
            if (k >= 0 && !sequenced_done(t, (unsigned)k, q, i))
                return false;
            if (k == SEQ_QMM ? !check_qmm(t, i)
                : k == SEQ_QUARK ? !check_quark(t, i)
                : k == SEQ_ARRAY ? !check_array(t, i)
                                 : !write_outputs(t, w_.prog.queues[q].insns[i].op,
                                                  w_.prog.queues[q].insns[i].tile))
                return false;
            data_.q_not_rtl += (int)q == w_.quark_q && k < 0;
            data_.a_not_rtl += (int)q == w_.array_q && k < 0;
            qrun_.not_rtl += q == MQUEUE && w_.qmm->jobs.size() > i && k < 0;
        }
        return true;
    }

    // The ni instructions of queue q the RTL issues in cycle t (jobs: job_op, job_tile and
    // job_shared, per unit).
    bool issues(uint64_t t, unsigned q, unsigned ni, const std::vector<uint32_t> &wop,
                const std::vector<uint32_t> &wtile, uint64_t shared)
    {
        size_t issued_before = issued_[q];
        if (!check_stamps(t, q, ni, issued_, w_.ref->issued_at, "issue"))
            return false;
        for (size_t i = issued_before; q < 2 && i < issued_[q]; i++)
            if (w_.prog.queues[q].insns[i].bits) {
                xfer_gid_ = gid(q, i);
                xfer_bursts_ = 0;
            }
        if (q < 2)
            return true;
        bool job = (rtl_->job_valid >> (q - 2)) & 1;
        if (ni != (unsigned)job)
            return fail_at(t, "queue %u: %u issued but job_valid %u", q, ni, job);
        return !job || start_job(t, q, wop[q - 2], wtile[q - 2],
                                 (unsigned)(shared >> (8 * (q - 2))) & 0xff);
    }

    bool check(uint64_t t)
    {
        V &r = *rtl_;
        if (check_load_at_ == t && !check_load_data(t, check_load_id_))
            return false;
        if (r.err_passes)
            return fail_at(t, "the RTL ran out of issue passes (err_passes): raise PASSES");
        if (r.err_job)
            return fail_at(t, "the RTL offered a job to a unit that was not ready (err_job)");
        if (r.err_quark)
            return fail_at(t, "a QUARK job started while the previous one's rows were still "
                           "being fed (err_quark)");
        // ---- the array: its sequencer's error, and the cycle each job's outputs were written
        if (r.err_array)
            return fail_at(t, "an array job started while the previous one's beats were still "
                           "being fed (err_array)");
        // ---- end of the array
        if (r.err_qmm)
            return fail_at(t, "the QMM engine missed a beat or a job started while one was fed "
                           "(err_qmm)");
        observe_progress(t);
        std::vector<uint32_t> wi(2), wd(2), wop(2 * (NQ - 2)), wtile(2 * (NQ - 2)), wsh(2);
        cosim::vget(r.obs_issued, wi);
        cosim::vget(r.obs_done, wd);
        cosim::vget(r.job_op, wop);
        cosim::vget(r.job_tile, wtile);
        cosim::vget(r.job_shared, wsh);
        uint64_t shared = wsh[0] | (uint64_t)wsh[1] << 32;
        uint64_t iss = wi[0] | (uint64_t)wi[1] << 32, dn = wd[0] | (uint64_t)wd[1] << 32;
        if (!dram_cycle(t))
            return false;
        // a cycle's completions first: they are what lets its issues happen
        for (unsigned q = 0; q < NQ; q++)
            if (!completions(t, q, (unsigned)(dn >> (8 * q)) & 0xff))
                return false;
        for (unsigned q = 0; q < NQ; q++)
            if (!issues(t, q, (unsigned)(iss >> (8 * q)) & 0xff, wop, wtile, shared))
                return false;
        if (r.finished) {
            finished_ = true;
            if (rtl_total_ + 1 != t || rtl_total_ != w_.rep.total_cycles)
                return fail_at(t, "total cycles: expected %llu, RTL %llu (finished raised in "
                               "cycle %llu)", (unsigned long long)w_.rep.total_cycles,
                               (unsigned long long)rtl_total_, (unsigned long long)t);
            return compare_stored(t);
        }
        return true;
    }

    World &w_;
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<V> rtl_;
    uint64_t start_ = 0, bad_cycle_ = 0, rtl_total_ = 0;
    std::vector<size_t> issued_, done_;    // per queue: instructions the RTL issued, completed
    std::vector<uint64_t> unit_end_;       // per queue: its unit's job ends (NOT_YET: idle)
    std::deque<Burst> reads_, writes_;
    bool xfer_active_ = false, finished_ = false, quiet_ = false;
    uint64_t xfer_start_ = 0, xfer_bytes_ = 0;
    // data
    std::vector<uint8_t> dram_, chip_, written_; // DRAM; the output region as the bench
                                                 // wrote it; DRAM bytes a W beat wrote
    size_t xfer_gid_ = 0, check_load_id_ = 0;    // the transfer on the AXI port
    uint64_t xfer_bursts_ = 0, check_load_at_ = NOT_YET;
    DataCounts data_;
    Progress prog_[SEQS];                    // per sequencer (World::seq)
    QmmRun qrun_;                            // the QMM engine (qmm_job.hpp)
};

// Cycles in which two or more jobs (computes, transfers) complete in the C run: where the
// order the completions are handled in can matter.
size_t shared_completion_cycles(const World &w)
{
    std::vector<uint64_t> ends;
    for (size_t q = 0; q < w.prog.n_queues; q++)
        for (size_t i = 0; i < w.prog.queues[q].len; i++)
            if (q >= 2 || w.prog.queues[q].insns[i].bits)
                ends.push_back(w.ref->done_at[w.first[q] + i]);
    std::sort(ends.begin(), ends.end());
    size_t n = 0;
    for (size_t i = 1; i < ends.size(); i++)
        n += ends[i] == ends[i - 1] && (i < 2 || ends[i - 2] != ends[i]);
    return n;
}

// How a sequencer's jobs completed, for the run's lines.
std::string held_text(const Run::Progress &p)
{
    return "each completed by the RTL (" + std::to_string(p.held) + " held by the port budget "
           "past their last output, by at most " + std::to_string(p.held_max) + " cycles)";
}

// CPU time of this process, s (steadier than wall time on a loaded machine).
double cpu_s()
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// --bench: the median CPU time of `runs` C executor runs of this program (each of a copy
// compiled by a fresh simulator, the compile untimed), or a negative value on an error.
double c_executor_seconds(World &w, int runs)
{
    std::vector<double> t;
    for (int r = 0; r < runs; r++) {
        asim_error_t err;
        asim_sim_t *sim = nullptr;
        asim_program_t prog;
        asim_report_t rep;
        if (asim_sim_create(&w.cfg, &sim, &err) != ASIM_OK ||
            asim_compile(sim, &w.g, (asim_schedule_t)w.cfg.schedule, &prog, &err) != ASIM_OK) {
            asim_sim_free(sim);
            fail_c("bench", err);
            return -1;
        }
        double t0 = cpu_s();
        asim_status_t st = asim_execute(sim, &w.g, &prog, &rep, &err);
        t.push_back(cpu_s() - t0);
        uint64_t cycles = st == ASIM_OK ? rep.total_cycles : 0;
        if (st == ASIM_OK)
            asim_report_free(&rep);
        asim_sim_free(sim);
        if (st != ASIM_OK) {
            fail_c("bench", err);
            return -1;
        }
        if (cycles != w.rep.total_cycles) {
            std::printf("tb_system: bench: the C executor took %llu cycles, then %llu\n",
                        (unsigned long long)w.rep.total_cycles, (unsigned long long)cycles);
            return -1;
        }
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main(int argc, char **argv)
{
    Args a;
    if (!parse_args(argc, argv, a))
        return 2;
    World w;
    if (!build_world(a, w))
        return 1;
    std::string name = std::string("system_") + SYS_NAME;
    Run run(w);
    if (a.bench && !golden_values(w)) /* not timed as part of the RTL run */
        return 1;
    double t0 = cpu_s();
    int failed = run.run(nullptr, ~0ull);
    double rtl_s = cpu_s() - t0;
    if (failed != 0) {
        std::string vcd = a.vcd_dir + "/" + name + ".rtl.vcd";
        Run replay(w);
        replay.run(&vcd, run.mismatch_cycle());
        std::printf("cosim: %s FAILED (RTL ports in %s)\n", name.c_str(), vcd.c_str());
        return 1;
    }
    std::printf("cosim: %s: %zu instructions over %zu queues, every issue and completion "
                "cycle and the total (%llu cycles) match the C executor; %zu cycles with two "
                "or more completions\n", name.c_str(), asim_program_len(&w.prog),
                w.prog.n_queues, (unsigned long long)run.rtl_total(),
                shared_completion_cycles(w));
    const Run::DataCounts &d = run.data();
    std::printf("cosim: %s data: %llu loads and %llu stores moved %zu runs in %llu bursts: "
                "%llu R beats into the RTL buffers match DRAM, %llu W beats carry the buffers' "
                "bytes under exact strobes; %llu stored codes in DRAM match the plain C integer "
                "reference bit for bit, %llu stored codes not carried\n",
                name.c_str(), (unsigned long long)d.loads, (unsigned long long)d.stores,
                w.runs.size(), (unsigned long long)d.bursts, (unsigned long long)d.r_beats,
                (unsigned long long)d.w_beats, (unsigned long long)d.codes,
                (unsigned long long)d.codes_not_carried);
    std::string why;
    for (const auto &kv : w.q_not_rtl)
        why += "; " + std::to_string(kv.second) + " " + kv.first;
    std::printf("cosim: %s quark: %llu QUARK tiles (%llu codes) computed by the RTL unit from "
                "the buffers match the functional golden bit for bit, %s; %llu QUARK tiles not "
                "RTL (values and completion from C)%s\n", name.c_str(),
                (unsigned long long)d.q_tiles, (unsigned long long)d.q_codes,
                held_text(run.progress(SEQ_QUARK)).c_str(), (unsigned long long)d.q_not_rtl,
                why.c_str());
    // ---- the array ----
    std::string a_why;
    for (const auto &kv : w.a_not_rtl)
        a_why += "; " + std::to_string(kv.second) + " " + kv.first;
    std::printf("cosim: %s array: %llu array tiles (%llu codes) computed by the RTL %ux%u "
                "systolic array from the buffers match the functional golden bit for bit, %s; "
                "%llu array tiles not RTL (values and completion from C)%s\n", name.c_str(),
                (unsigned long long)d.a_tiles, (unsigned long long)d.a_codes, AR, AC,
                held_text(run.progress(SEQ_ARRAY)).c_str(), (unsigned long long)d.a_not_rtl,
                a_why.c_str());
    // ---- end of the array ----
    run.qmm().print(name, *w.qmm, held_text(run.progress(SEQ_QMM)));
    if (a.bench) {
        double c_s = c_executor_seconds(w, a.bench);
        if (c_s < 0)
            return 1;
        std::printf("bench: %s %s (CPU time): RTL run %.3f s (%.0f cycles/s, its testbench "
                    "included), C executor %.6f s (median of %d), C executor %.0fx faster\n",
                    a.config.c_str(), a.model.c_str(), rtl_s, (double)run.rtl_total() / rtl_s,
                    c_s, a.bench, rtl_s / c_s);
    }
    return 0;
}
