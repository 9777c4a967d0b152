// tb_vp.cpp: the example virtual platform (vp_platform.h) running real jobs on
// asim::accel_tlm, checked against direct in-process accelsim runs of the same config and
// model.
//
// A CPU thread checks every register's reset value, then for each job writes the strings
// and the descriptor into memory, programs DESC and starts the accelerator, and checks:
//   - timing: at t0 + Dfetch + cycles * T + Dwrite - 1 ps the accelerator is still busy and
//     irq is low; irq rises exactly at t0 + Dfetch + cycles * T + Dwrite, where cycles is the
//     direct run's total, T = 1 / clock_mhz, and Dfetch / Dwrite are the memory latencies of
//     the DMA accesses the descriptor implies (descriptor, 64-byte string blocks, layer table,
//     result block), also cross-checked against the latency the memory annotated;
//   - results: STATUS, ERROR, CYCLES, ENERGY and CLK_PERIOD registers; the result block (all
//     fields bit for bit) and the layer table (start and cycles of every layer, truncated to
//     the descriptor's capacity, nothing written past it) against the direct run.
// One job runs with the interrupt disabled and is polled instead; enabling the interrupt
// afterwards raises irq at once (it is a level of IRQ_STATUS & IRQ_ENABLE).
//
// Tensor traffic: two jobs name a tensor window, so the accelerator program's DMA moves its
// tensors through the bus to the memory. On a zero-latency memory the job must take exactly
// the plain C executor's cycles. On a slow memory the direct run is the C executor with the
// test's own account of the memory (vp::tensor_memory: each transfer's bytes in bursts of
// dram.burst_bytes, each burst the memory's latency, rounded up to whole cycles), so irq
// must rise exactly when that account says, later than the plain run by what the memory's
// latency implies; and the memory must have annotated exactly the latency of the bursts
// that account counts, and served exactly their number.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "vp_platform.h"

using namespace sc_core;
using asim::reg::CLK_PERIOD;
using vp::check;

namespace {

struct job_case {
    const char *config, *model;
    bool result_block;   // the descriptor names a result block and a layer table
    uint32_t layers_cap;
    bool irq_enabled;    // else the CPU polls STATUS
    bool tensors;        // the descriptor names the tensor window
    sc_time access, per_8b;   // the memory's latency during the job
    bool memory_waits;        // the memory waits its latency instead of annotating it
    vp::direct_result direct; // what the job must match
    vp::direct_result plain;  // the C executor alone (no platform memory)
    vp::tensor_memory mem;    // the test's account of the tensor traffic
};

const vp::job_layout BASE = {0x100, 0x1000, 0x1400, 0x2000, 0x4000, 0, 0, 0};
const uint64_t TENSORS = 0x10000, TENSORS_SIZE = vp::MEM_SIZE - TENSORS;
const uint64_t LAYERS_SPAN = 0x8000;  // bytes the test fills with a sentinel before each job
const unsigned char SENTINEL = 0xA5;

uint64_t reg64(vp::platform &pf, uint32_t lo) { return pf.reg(lo) | (uint64_t)pf.reg(lo + 4) << 32; }

// The DMA reads of a NUL-terminated string at a 64-byte aligned address: whole 64-byte
// blocks up to the one holding the NUL.
uint64_t string_blocks(const std::string &s) { return s.size() / 64 + 1; }

class cpu : public sc_module {
public:
    SC_HAS_PROCESS(cpu);
    cpu(sc_module_name name, vp::platform &pf, std::vector<job_case> &jobs)
        : sc_module(name), pf_(pf), jobs_(jobs)
    {
        SC_THREAD(run);
    }

private:
    void run()
    {
        reset_values();
        for (job_case &j : jobs_)
            run_job(j);
    }

    void reset_values()
    {
        using namespace asim::reg;
        const struct { uint32_t off, value; } expect[] = {
            {ID, asim::ID_VALUE}, {DESC_LO, 0}, {DESC_HI, 0}, {CTRL, 0}, {STATUS, 0},
            {ERROR, 0}, {IRQ_ENABLE, 0}, {IRQ_STATUS, 0}, {CYCLES_LO, 0}, {CYCLES_HI, 0},
            {ENERGY_LO, 0}, {ENERGY_HI, 0}, {FAULT_LO, 0}, {FAULT_HI, 0}, {CLK_PERIOD, 0}};
        for (const auto &e : expect)
            check(pf_.reg(e.off) == e.value, "reset value of register 0x%02x: 0x%x, want 0x%x",
                  e.off, pf_.reg(e.off), e.value);
        uint32_t v = pf_.reg(VERSION);
        check(v >> 24 == asim::REG_MAP_VERSION && (v & 0xFFFFFF) == 0x000100,
              "VERSION 0x%08x: want map 1, accelsim 0.1.0", v);
        check(!pf_.irq.read(), "irq high after reset");
    }

    void run_job(job_case &j)
    {
        const vp::direct_result &d = j.direct;
        if (!check(d.ok, "direct run of %s %s: %s", j.config, j.model, d.message.c_str()))
            return;
        vp::job_layout l = BASE;
        l.result = j.result_block ? BASE.result : 0;
        l.layers = j.result_block ? BASE.layers : 0;
        l.layers_cap = j.layers_cap;
        l.tensors = j.tensors ? TENSORS : 0;
        l.tensors_size = j.tensors ? TENSORS_SIZE : 0;
        std::string config = j.config;  // relative to the platform's guest_policy::root
        std::vector<unsigned char> fill(LAYERS_SPAN, SENTINEL);
        pf_.write_bytes(BASE.layers, fill.data(), (uint32_t)fill.size());
        pf_.write_bytes(BASE.result, fill.data(), asim::result::SIZE);
        vp::write_job(pf_, l, config, j.model);
        pf_.set_reg(asim::reg::DESC_LO, (uint32_t)l.desc);
        pf_.set_reg(asim::reg::DESC_HI, (uint32_t)(l.desc >> 32));
        pf_.set_reg(asim::reg::IRQ_ENABLE, j.irq_enabled ? asim::IRQ_DONE | asim::IRQ_ERROR : 0);

        uint32_t written = std::min<uint32_t>(j.layers_cap, d.layers);
        auto latency = [&](uint64_t len) { return vp::mem_latency(len, j.access, j.per_8b); };
        uint64_t blocks = string_blocks(config) + string_blocks(j.model);
        sc_time fetch = latency(asim::desc::SIZE) + latency(64) * (double)blocks;
        sc_time write = j.result_block ? latency(asim::result::SIZE) +
                                             (written ? latency(16ull * written) : SC_ZERO_TIME)
                                       : SC_ZERO_TIME;
        uint64_t accesses = 1 + blocks + (j.result_block ? 1 + (written > 0) : 0) +
                            j.mem.accesses;
        sc_time period(1.0 / d.clock_mhz, SC_US);
        sc_time compute = sc_time::from_value(d.cycles * period.value());
        pf_.mem.access = j.access;
        pf_.mem.per_8b = j.per_8b;
        pf_.mem.waits = j.memory_waits;
        sc_time mem_before = pf_.mem.annotated;
        uint64_t accesses_before = pf_.mem.accesses, written_before = pf_.mem.written;
        sc_time t0 = sc_time_stamp();
        pf_.set_reg(asim::reg::CTRL, asim::CTRL_START);
        sc_time expect = t0 + fetch + compute + write;

        wait(expect - sc_time(1, SC_PS) - sc_time_stamp());
        check(pf_.reg(asim::reg::STATUS) == asim::STATUS_BUSY && !pf_.irq.read(),
              "%s %s: not busy, or irq high, 1 ps before %s", j.config, j.model,
              expect.to_string().c_str());
        if (j.irq_enabled) {
            wait(sc_time(2, SC_PS), pf_.irq.posedge_event());
            check(pf_.irq.read() && sc_time_stamp() == expect, "%s %s: irq at %s, want %s",
                  j.config, j.model, sc_time_stamp().to_string().c_str(),
                  expect.to_string().c_str());
        } else {
            wait(sc_time(1, SC_PS));
            wait(SC_ZERO_TIME);  // the completion runs in the first delta of its time step
            check(pf_.reg(asim::reg::IRQ_STATUS) == asim::IRQ_DONE,
                  "%s %s: IRQ_STATUS not DONE when polled at the completion time", j.config,
                  j.model);
        }
        sc_time seen = sc_time_stamp();
        sc_time dma = pf_.mem.annotated - mem_before;
        check(dma == fetch + write + j.mem.latency,
              "%s %s: memory annotated %s, the DMA accesses imply %s", j.config, j.model,
              dma.to_string().c_str(), (fetch + write + j.mem.latency).to_string().c_str());
        check(pf_.mem.accesses - accesses_before == accesses,
              "%s %s: memory served %" PRIu64 " accesses, the DMA implies %" PRIu64, j.config,
              j.model, pf_.mem.accesses - accesses_before, accesses);
        // the bytes written: the result block, the layer table, and the stores' own bytes
        // (byte enables keep the rest of each store burst as it was)
        uint64_t bytes = (j.result_block ? asim::result::SIZE + 16ull * written : 0) +
                         j.mem.store_bytes;
        check(pf_.mem.written - written_before == bytes,
              "%s %s: memory took %" PRIu64 " written bytes, the DMA implies %" PRIu64,
              j.config, j.model, pf_.mem.written - written_before, bytes);
        if (j.tensors)
            check_tensor_time(j);
        bool ok = check_registers(j) && check_result_block(j, l);
        sc_time now = sc_time_stamp();
        if (!j.irq_enabled) {
            ok &= check(!pf_.irq.read(), "%s %s: irq high while disabled", j.config, j.model);
            pf_.set_reg(asim::reg::IRQ_ENABLE, asim::IRQ_DONE);
            wait(sc_time(1, SC_NS), pf_.irq.posedge_event());
            check(pf_.irq.read() && sc_time_stamp() == now,
                  "%s %s: enabling the pending DONE interrupt did not raise irq at once",
                  j.config, j.model);
        }
        pf_.set_reg(asim::reg::IRQ_STATUS, asim::IRQ_DONE | asim::IRQ_ERROR);
        wait(sc_time(1, SC_NS), pf_.irq.negedge_event());
        check(!pf_.irq.read() && sc_time_stamp() == now, "%s %s: irq not cleared at once",
              j.config, j.model);
        std::printf("vp: %-26s %-15s %10" PRIu64 " cycles x %s + DMA %s = %s after START, "
                    "irq %s; registers%s agree with the direct run: %s\n",
                    j.config, j.model, d.cycles, period.to_string().c_str(),
                    (dma - j.mem.latency).to_string().c_str(), (expect - t0).to_string().c_str(),
                    j.irq_enabled ? "on time" : "masked (polled)",
                    j.result_block ? ", result block and layer table" : "",
                    ok && seen == expect ? "PASS" : "FAIL");
    }

    // A tensor job against the plain C executor: equal on a zero-latency memory, later by
    // what the memory's latency implies (the test's account) otherwise.
    void check_tensor_time(const job_case &j)
    {
        bool free = j.access == SC_ZERO_TIME && j.per_8b == SC_ZERO_TIME;
        const vp::direct_result &d = j.direct, &p = j.plain;
        check(j.mem.transfers > 0, "%s %s: no tensor transfer", j.config, j.model);
        if (free)
            check(d.cycles == p.cycles, "%s %s on a zero-latency memory: %" PRIu64
                  " cycles, the C executor alone %" PRIu64, j.config, j.model, d.cycles, p.cycles);
        else
            check(d.cycles > p.cycles, "%s %s on a slow memory: %" PRIu64
                  " cycles, not more than the C executor alone (%" PRIu64 ")", j.config, j.model,
                  d.cycles, p.cycles);
        std::printf("vp: tensors of %s %s through the bus: %" PRIu64 " transfers, %" PRIu64
                    " bursts (stores write %" PRIu64 " bytes under byte enables), memory "
                    "latency %s (%s + %s per 8 bytes, %s): %" PRIu64
                    " cycles, the C executor alone %" PRIu64 " (+%" PRIu64 ")\n",
                    j.config, j.model, j.mem.transfers, j.mem.accesses, j.mem.store_bytes,
                    j.mem.latency.to_string().c_str(), j.access.to_string().c_str(),
                    j.per_8b.to_string().c_str(), j.memory_waits ? "waited" : "annotated",
                    d.cycles, p.cycles, d.cycles - p.cycles);
    }

    bool check_registers(const job_case &j)
    {
        const vp::direct_result &d = j.direct;
        uint32_t status = asim::STATUS_DONE | (d.unsupported ? asim::STATUS_INCOMPLETE : 0);
        uint64_t pj = (uint64_t)std::llround(d.energy_mj * 1e9);
        bool ok = check(pf_.reg(asim::reg::STATUS) == status, "STATUS 0x%x, want 0x%x",
                        pf_.reg(asim::reg::STATUS), status);
        ok &= check(pf_.reg(asim::reg::ERROR) == asim::ERR_NONE, "ERROR %u",
                    pf_.reg(asim::reg::ERROR));
        ok &= check(reg64(pf_, asim::reg::CYCLES_LO) == d.cycles, "CYCLES %" PRIu64 ", direct %" PRIu64,
                    reg64(pf_, asim::reg::CYCLES_LO), d.cycles);
        ok &= check(reg64(pf_, asim::reg::ENERGY_LO) == pj, "ENERGY %" PRIu64 " pJ, direct %" PRIu64,
                    reg64(pf_, asim::reg::ENERGY_LO), pj);
        uint32_t period_ps = (uint32_t)std::llround(1e6 / d.clock_mhz);
        ok &= check(pf_.reg(CLK_PERIOD) == period_ps, "CLK_PERIOD %u ps, want %u",
                    pf_.reg(CLK_PERIOD), period_ps);
        return ok;
    }

    bool check_result_block(const job_case &j, const vp::job_layout &l)
    {
        std::vector<unsigned char> r = pf_.read_bytes(BASE.result, asim::result::SIZE);
        std::vector<unsigned char> t = pf_.read_bytes(BASE.layers, (uint32_t)LAYERS_SPAN);
        if (!j.result_block) {
            bool untouched = true;
            for (unsigned char c : r)
                untouched &= c == SENTINEL;
            for (unsigned char c : t)
                untouched &= c == SENTINEL;
            return check(untouched, "%s %s: memory written without a result block",
                         j.config, j.model);
        }
        const vp::direct_result &d = j.direct;
        using namespace asim::result;
        auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
        bool ok = check(vp::le32(&r[MAGIC]) == asim::RESULT_MAGIC && vp::le32(&r[ERROR]) == 0,
                        "result block magic/error");
        ok &= check(vp::le64(&r[CYCLES]) == d.cycles && vp::le64(&r[MACS]) == d.macs,
                    "result block cycles %" PRIu64 " / MACs %" PRIu64, vp::le64(&r[CYCLES]),
                    vp::le64(&r[MACS]));
        ok &= check(same(vp::le_double(&r[LATENCY_MS]), d.latency_ms) &&
                        same(vp::le_double(&r[ENERGY_MJ]), d.energy_mj) &&
                        same(vp::le_double(&r[GOPS]), d.gops) &&
                        same(vp::le_double(&r[GOPS_PER_W]), d.gops_per_w),
                    "result block latency/energy/GOPS/GOPS per W differ from the direct run");
        ok &= check(vp::le32(&r[LAYERS]) == d.layers && vp::le32(&r[UNSUPPORTED]) == d.unsupported,
                    "result block layers %u / unsupported %u", vp::le32(&r[LAYERS]),
                    vp::le32(&r[UNSUPPORTED]));
        ok &= check(vp::le64(&r[PERIOD_PS]) == (uint64_t)std::llround(1e6 / d.clock_mhz) &&
                        r[MESSAGE] == 0,
                    "result block period or message");
        uint32_t n = std::min(l.layers_cap, d.layers);
        for (uint32_t i = 0; i < n; i++)
            ok &= check(vp::le64(&t[16 * i]) == d.layer_start[i] &&
                            vp::le64(&t[16 * i + 8]) == d.layer_cycles[i],
                        "layer %u: start %" PRIu64 " cycles %" PRIu64 ", direct %" PRIu64
                        " %" PRIu64, i, vp::le64(&t[16 * i]), vp::le64(&t[16 * i + 8]),
                        d.layer_start[i], d.layer_cycles[i]);
        bool past = true;
        for (size_t i = 16 * n; i < t.size(); i++)
            past &= t[i] == SENTINEL;
        ok &= check(past, "layer table written past its %u records", n);
        return ok;
    }

    vp::platform &pf_;
    std::vector<job_case> &jobs_;
};

}  // namespace

int sc_main(int, char *[])
{
    const sc_time A = vp::MEM_ACCESS, B = vp::MEM_PER_8B, NONE = SC_ZERO_TIME;
    const sc_time SLOW_A(200, SC_NS), SLOW_B(4, SC_NS);
    std::vector<job_case> jobs = {
        {"configs/beta.yaml", "vit_tiny", true, 1024, true, false, A, B, false, {}, {}, {}},
        {"configs/systolic_32x32.yaml", "bert_base_w1a4", true, 1024, true, false, A, B, false, {},
         {}, {}},
        {"configs/beta.yaml", "bert_base_w1a4", true, 4, true, false, A, B, false, {}, {}, {}},
        {"configs/systolic_32x32.yaml", "vit_tiny", false, 0, false, false, A, B, false, {}, {}, {}},
        {"configs/beta.yaml", "vit_tiny", true, 1024, true, true, NONE, NONE, false, {}, {}, {}},
        {"configs/beta.yaml", "vit_tiny", true, 1024, true, true, SLOW_A, SLOW_B, false, {}, {}, {}},
        {"configs/beta.yaml", "vit_tiny", true, 1024, true, true, SLOW_A, SLOW_B, true, {}, {}, {}},
        {"configs/quark.yaml", "vit_tiny:layers=2", true, 1024, true, true, A, B, false, {}, {}, {}},
    };
    for (job_case &j : jobs) {
        j.plain = vp::direct_run(vp::source_path(j.config), j.model);
        j.mem.access = j.access;
        j.mem.per_8b = j.per_8b;
        j.direct = j.tensors ? vp::direct_run(vp::source_path(j.config), j.model, &j.mem)
                             : j.plain;
    }
    vp::platform pf("platform");
    cpu c("cpu", pf, jobs);
    sc_start();
    std::printf("vp: %zu jobs, %u failures\n", jobs.size(), vp::failures());
    return vp::failures() ? 1 : 0;
}
