// tb_bad_programming.cpp: every kind of bad register access and bad job gets its TLM error
// response or error code, changes nothing it should not, and never stops the platform.
//
// Register accesses: unaligned, outside the window (inside the bus's span), wrong size,
// streaming width, byte enables, writes to read-only registers; START while a job runs
// (the running job finishes with the direct run's cycles, a DESC write meanwhile does not
// touch it). Jobs: bad magic, bad version, reserved word set, unknown model, a config that
// fails validation, a missing config, an op the unit cannot run, descriptor / string /
// result block outside memory, a descriptor in the register window, an address range that
// wraps, strings empty or without NUL. For each failing job: STATUS = ERROR, ERROR = code,
// IRQ_STATUS = ERROR and irq high, FAULT for DMA faults, the result block (when the
// descriptor is trusted) carries the code and accelsim's message, and irq rises exactly at
// START + the latency the memory annotated. Afterwards a good job still runs correctly.
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include <unistd.h>

#include "vp_platform.h"

using namespace sc_core;
using vp::check;

namespace {

const vp::job_layout GOOD = {0x100, 0x1000, 0x1400, 0x2000, 0, 0};
const uint64_t OUTSIDE = vp::MEM_SIZE + 0x1000;  // unmapped on the bus

// A link in the source tree (the guest's allowed folder) to /etc, made by sc_main.
std::string g_link;

struct bad_job {
    const char *what;
    std::string config, model;
    vp::job_layout layout;
    std::vector<unsigned char> desc;  // written at layout.desc when not empty (else built)
    uint32_t error;
    uint64_t fault;                   // FAULT register for ERR_DMA
    const char *message;              // in the result block, when there is one
    bool ran = false;                 // the job ran before it failed: irq after cycles * T
};

class cpu : public sc_module {
public:
    SC_HAS_PROCESS(cpu);
    cpu(sc_module_name name, vp::platform &pf, const vp::direct_result &good)
        : sc_module(name), pf_(pf), good_(good)
    {
        SC_THREAD(run);
    }

private:
    void run()
    {
        register_errors();
        start_while_busy();
        for (const bad_job &b : bad_jobs())
            run_bad(b);
        start_good("recovery after every error");
        std::printf("bad programming: %u register cases, %u bad jobs, recovery job done\n",
                    reg_cases_, bad_cases_);
    }

    tlm::tlm_response_status access(tlm::tlm_command cmd, uint32_t off, uint32_t len,
                                    bool byte_enable = false, uint32_t width = 0)
    {
        unsigned char data[8] = {1, 0, 0, 0, 1, 0, 0, 0};
        unsigned char be[8];
        std::memset(be, 0xFF, sizeof be);
        return pf_.access(cmd, vp::REG_BASE + off, data, len, byte_enable ? be : nullptr, width);
    }

    void expect_response(const char *what, tlm::tlm_response_status got,
                         tlm::tlm_response_status want)
    {
        reg_cases_++;
        check(got == want, "%s: response %d, want %d", what, (int)got, (int)want);
    }

    void register_errors()
    {
        using namespace asim::reg;
        using tlm::TLM_READ_COMMAND;
        using tlm::TLM_WRITE_COMMAND;
        pf_.set_reg(DESC_LO, 0x1234);
        pf_.set_reg(IRQ_ENABLE, asim::IRQ_ERROR);
        expect_response("unaligned read", access(TLM_READ_COMMAND, STATUS + 2, 4),
                        tlm::TLM_ADDRESS_ERROR_RESPONSE);
        expect_response("unaligned write", access(TLM_WRITE_COMMAND, DESC_LO + 1, 4),
                        tlm::TLM_ADDRESS_ERROR_RESPONSE);
        expect_response("read just past the window", access(TLM_READ_COMMAND, WINDOW, 4),
                        tlm::TLM_ADDRESS_ERROR_RESPONSE);
        expect_response("write at the end of the bus span",
                        access(TLM_WRITE_COMMAND, vp::REG_SPAN - 4, 4),
                        tlm::TLM_ADDRESS_ERROR_RESPONSE);
        expect_response("2-byte read", access(TLM_READ_COMMAND, STATUS, 2),
                        tlm::TLM_BURST_ERROR_RESPONSE);
        expect_response("8-byte write over DESC_LO/HI", access(TLM_WRITE_COMMAND, DESC_LO, 8),
                        tlm::TLM_BURST_ERROR_RESPONSE);
        expect_response("streaming width 2", access(TLM_READ_COMMAND, ID, 4, false, 2),
                        tlm::TLM_BURST_ERROR_RESPONSE);
        expect_response("byte enables", access(TLM_WRITE_COMMAND, IRQ_ENABLE, 4, true),
                        tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        for (uint32_t ro : {ID, VERSION, STATUS, ERROR, CYCLES_LO, ENERGY_HI, FAULT_LO, CLK_PERIOD})
            expect_response("write to a read-only register", access(TLM_WRITE_COMMAND, ro, 4),
                            tlm::TLM_COMMAND_ERROR_RESPONSE);
        check(pf_.reg(DESC_LO) == 0x1234 && pf_.reg(DESC_HI) == 0,
              "a refused access changed DESC");
        check(pf_.reg(IRQ_ENABLE) == asim::IRQ_ERROR && pf_.reg(STATUS) == 0 &&
                  pf_.reg(ID) == asim::ID_VALUE,
              "a refused access changed IRQ_ENABLE, STATUS or ID");
        check(!pf_.irq.read(), "irq high after refused accesses");
    }

    // Starts the good job and returns the START time.
    sc_time start(const vp::job_layout &l)
    {
        pf_.set_reg(asim::reg::DESC_LO, (uint32_t)l.desc);
        pf_.set_reg(asim::reg::DESC_HI, (uint32_t)(l.desc >> 32));
        pf_.set_reg(asim::reg::IRQ_ENABLE, asim::IRQ_DONE | asim::IRQ_ERROR);
        sc_time t0 = sc_time_stamp();
        pf_.set_reg(asim::reg::CTRL, asim::CTRL_START);
        return t0;
    }

    bool wait_irq(const char *what)
    {
        wait(sc_time(1, SC_SEC), pf_.irq.posedge_event());
        return check(pf_.irq.read(), "%s: no interrupt within 1 s", what);
    }

    void clear_irq()
    {
        pf_.set_reg(asim::reg::IRQ_STATUS, asim::IRQ_DONE | asim::IRQ_ERROR);
        wait(sc_time(1, SC_NS), pf_.irq.negedge_event());
        check(!pf_.irq.read(), "irq stays high after IRQ_STATUS is cleared");
    }

    void start_good(const char *what)
    {
        vp::write_job(pf_, GOOD, "configs/beta.yaml", "vit_tiny");
        start(GOOD);
        if (wait_irq(what))
            check(pf_.reg(asim::reg::STATUS) == asim::STATUS_DONE &&
                      pf_.reg(asim::reg::CYCLES_LO) == (uint32_t)good_.cycles &&
                      pf_.reg(asim::reg::CYCLES_HI) == (uint32_t)(good_.cycles >> 32),
                  "%s: STATUS 0x%x, CYCLES_LO %u, direct run %" PRIu64, what,
                  pf_.reg(asim::reg::STATUS), pf_.reg(asim::reg::CYCLES_LO), good_.cycles);
        clear_irq();
    }

    void start_while_busy()
    {
        vp::write_job(pf_, GOOD, "configs/beta.yaml", "vit_tiny");
        start(GOOD);
        expect_response("START while busy",
                        access(tlm::TLM_WRITE_COMMAND, asim::reg::CTRL, 4),
                        tlm::TLM_GENERIC_ERROR_RESPONSE);
        pf_.set_reg(asim::reg::DESC_LO, (uint32_t)OUTSIDE);  // latched at START: no effect
        check(pf_.reg(asim::reg::STATUS) == asim::STATUS_BUSY, "not busy after START");
        if (wait_irq("job under a second START"))
            check(pf_.reg(asim::reg::STATUS) == asim::STATUS_DONE &&
                      pf_.reg(asim::reg::CYCLES_LO) == (uint32_t)good_.cycles,
                  "the job under a second START and a DESC write: STATUS 0x%x, CYCLES_LO %u",
                  pf_.reg(asim::reg::STATUS), pf_.reg(asim::reg::CYCLES_LO));
        clear_irq();
    }

    std::vector<bad_job> bad_jobs() const
    {
        std::string beta = "configs/beta.yaml", sys = "configs/systolic_32x32.yaml";
        vp::job_layout l = GOOD;
        vp::job_layout cfg_out = l, model_out = l, result_out = l, in_regs = l, wraps = l,
                       desc_out = l;
        cfg_out.config = OUTSIDE;
        model_out.model = vp::MEM_SIZE - 64;  // a string running off the end of memory
        result_out.result = OUTSIDE;
        in_regs.desc = vp::REG_BASE;
        wraps.desc = ~0ull - 15;
        desc_out.desc = OUTSIDE;
        vp::job_layout tiny_window = l, window_wraps = l, window_out = l;
        tiny_window.tensors = 0x10000;
        tiny_window.tensors_size = 63;
        window_wraps.tensors = ~0ull - 1023;
        window_wraps.tensors_size = 4096;
        window_out.tensors = OUTSIDE;
        window_out.tensors_size = 4096;
        std::vector<unsigned char> reserved = vp::descriptor(l);
        reserved[asim::desc::RESERVED] = 1;
        std::string no_nul(asim::STRING_MAX, 'a');
        using namespace asim;
        return {
            {"bad magic", beta, "vit_tiny", l, vp::descriptor(l, 0x12345678), ERR_BAD_MAGIC, 0, ""},
            {"version 1 (no tensor window)", beta, "vit_tiny", l, vp::descriptor(l, DESC_MAGIC, 1),
             ERR_BAD_VERSION, 0, ""},
            {"reserved word set", beta, "vit_tiny", l, reserved, ERR_BAD_VERSION, 0, ""},
            {"unknown model", beta, "no_such_model", l, {}, ERR_MODEL, 0,
             "unknown model 'no_such_model'"},
            {"config fails validation", "tests/cli/data/negative_clock.yaml", "vit_tiny", l, {},
             ERR_CONFIG, 0, "negative_clock.yaml:2:12: clock_mhz = -200 is out"},
            {"missing config", "configs/no_such.yaml", "vit_tiny", l, {}, ERR_PATH, 0,
             "no_such.yaml: No such file or directory"},
            // The guest is untrusted: no absolute paths, no "..", no file outside the folder
            // the platform allows, nothing but regular files, and no file contents back.
            {"absolute config path", "/etc/passwd", "vit_tiny", l, {}, ERR_PATH, 0,
             "/etc/passwd: an absolute path"},
            {"config path climbing out", "configs/../../../../etc/passwd", "vit_tiny", l, {},
             ERR_PATH, 0, "'..' is not allowed"},
            {"config through a link out of the folder", g_link + "/passwd", "vit_tiny", l, {},
             ERR_PATH, 0, "outside the allowed folder"},
            {"config that is not a regular file", "tests/cli/data", "vit_tiny", l, {}, ERR_PATH,
             0, "is not a regular file"},
            {"model file outside the folder", beta, "/etc/passwd.csv", l, {}, ERR_PATH, 0,
             "an absolute path"},
            {"model over the work budget", beta, "bert_base:seq_len=1048576,layers=1024", l, {},
             ERR_BUDGET, 0, "over the work budget of 1000000000000"},
            {"config whose contents would leak", "tests/cli/data/unknown_key.yaml", "vit_tiny", l,
             {}, ERR_CONFIG, 0, "unknown key 'array.rowz'"},
            {"op the unit cannot run", sys, "vit_tiny:a_bits=16", l, {}, ERR_SIM, 0,
             "A operand is 16 bits"},
            {"empty model string", beta, "", l, {}, ERR_BAD_STRING, 0, "is empty"},
            {"config string without NUL", no_nul, "vit_tiny", l, {}, ERR_BAD_STRING, 0,
             "has no NUL"},
            {"descriptor outside memory", beta, "vit_tiny", desc_out, {}, ERR_DMA, OUTSIDE, ""},
            {"descriptor in the register window", beta, "vit_tiny", in_regs, {}, ERR_DMA,
             vp::REG_BASE, ""},
            {"descriptor range wraps the address space", beta, "vit_tiny", wraps, {}, ERR_DMA,
             wraps.desc, ""},
            {"config string outside memory", beta, "vit_tiny", cfg_out, {}, ERR_DMA, OUTSIDE,
             "DMA read"},
            {"model string runs off memory", beta, std::string(64, 'm'), model_out, {}, ERR_DMA,
             vp::MEM_SIZE, "DMA read"},
            {"result block outside memory", beta, "vit_tiny", result_out, {}, ERR_DMA, OUTSIDE,
             "", true},
            {"tensor window smaller than a burst", beta, "vit_tiny", tiny_window, {}, ERR_WINDOW,
             0, "smaller than one DMA burst (dram.burst_bytes = 64)"},
            {"tensor window wraps the address space", beta, "vit_tiny", window_wraps, {},
             ERR_WINDOW, 0, "wraps the address space"},
            // the first tensor load starts at cycle 0 and fails at once
            {"tensor window outside memory", beta, "vit_tiny", window_out, {}, ERR_DMA, OUTSIDE,
             "DMA read"},
        };
    }

    void run_bad(const bad_job &b)
    {
        bad_cases_++;
        const vp::job_layout &l = b.layout;
        std::vector<unsigned char> junk(asim::result::SIZE, 0xA5);
        pf_.write_bytes(GOOD.result, junk.data(), (uint32_t)junk.size());
        if (l.desc <= vp::MEM_SIZE - asim::desc::SIZE) {
            std::vector<unsigned char> d = b.desc.empty() ? vp::descriptor(l) : b.desc;
            pf_.write_bytes(l.desc, d.data(), (uint32_t)d.size());
        }
        pf_.write_bytes(GOOD.config, b.config.c_str(), (uint32_t)b.config.size() + 1);
        // The model string's NUL is left out when it would fall past the end of memory.
        uint32_t n = (uint32_t)b.model.size();
        pf_.write_bytes(l.model, b.model.c_str(), l.model + n < vp::MEM_SIZE ? n + 1 : n);
        sc_time mem_before = pf_.mem.annotated;
        sc_time t0 = start(l);
        if (!wait_irq(b.what))
            return;
        sc_time dma = pf_.mem.annotated - mem_before;
        sc_time period(1.0 / good_.clock_mhz, SC_US);  /* as tb_vp computes it */
        sc_time expect = t0 + dma +
                         (b.ran ? sc_time::from_value(good_.cycles * period.value())
                                : SC_ZERO_TIME);
        check(sc_time_stamp() == expect, "%s: irq at %s, want %s", b.what,
              sc_time_stamp().to_string().c_str(), expect.to_string().c_str());
        using namespace asim::reg;
        check(pf_.reg(STATUS) == asim::STATUS_ERROR && pf_.reg(ERROR) == b.error &&
                  pf_.reg(IRQ_STATUS) == asim::IRQ_ERROR,
              "%s: STATUS 0x%x ERROR %u IRQ_STATUS 0x%x, want 0x%x %u 0x%x", b.what,
              pf_.reg(STATUS), pf_.reg(ERROR), pf_.reg(IRQ_STATUS), asim::STATUS_ERROR, b.error,
              asim::IRQ_ERROR);
        if (b.error == asim::ERR_DMA)
            check(pf_.reg(FAULT_LO) == (uint32_t)b.fault &&
                      pf_.reg(FAULT_HI) == (uint32_t)(b.fault >> 32),
                  "%s: FAULT 0x%08x%08x, want 0x%" PRIx64, b.what, pf_.reg(FAULT_HI),
                  pf_.reg(FAULT_LO), b.fault);
        check_result_block(b);
        clear_irq();
        std::printf("bad job: %-42s -> ERROR %u, irq at START + %s: %s\n", b.what,
                    pf_.reg(ERROR), dma.to_string().c_str(),
                    pf_.reg(ERROR) == b.error ? "PASS" : "FAIL");
    }

    // A trusted descriptor with a reachable result block gets the code and the message; an
    // untrusted one (bad magic or version) or an unreachable block leaves memory alone.
    void check_result_block(const bad_job &b)
    {
        std::vector<unsigned char> r = pf_.read_bytes(GOOD.result, asim::result::SIZE);
        bool trusted = b.error != asim::ERR_BAD_MAGIC && b.error != asim::ERR_BAD_VERSION &&
                       b.layout.desc == GOOD.desc;
        if (!trusted || b.layout.result != GOOD.result) {
            bool untouched = true;
            for (unsigned char c : r)
                untouched &= c == 0xA5;
            check(untouched, "%s: result block written", b.what);
            return;
        }
        // The guest gets the fixed text of the code, never accelsim's message (which may
        // quote a host file); the host gets the message, in last_message() and its log.
        const char *msg = (const char *)&r[asim::result::MESSAGE];
        const char *fixed = asim::accel_tlm::guest_message(b.error);
        check(vp::le32(&r[asim::result::MAGIC]) == asim::RESULT_MAGIC &&
                  vp::le32(&r[asim::result::ERROR]) == b.error &&
                  std::memchr(msg, 0, asim::result::MESSAGE_SIZE) && std::strcmp(msg, fixed) == 0,
              "%s: result block error %u, message \"%.*s\", want %u and \"%s\"", b.what,
              vp::le32(&r[asim::result::ERROR]), (int)asim::result::MESSAGE_SIZE, msg, b.error,
              fixed);
        check(pf_.accel.last_message().find(b.message) != std::string::npos,
              "%s: last_message() \"%s\"", b.what, pf_.accel.last_message().c_str());
        check(!pf_.host_log.empty() && pf_.host_log.back() == pf_.accel.last_message(),
              "%s: the host log does not end with last_message()", b.what);
    }

    vp::platform &pf_;
    const vp::direct_result &good_;
    unsigned reg_cases_ = 0, bad_cases_ = 0;
};

}  // namespace

int sc_main(int, char *[])
{
    vp::direct_result good = vp::direct_run(vp::source_path("configs/beta.yaml"), "vit_tiny");
    if (!check(good.ok, "direct run: %s", good.message.c_str()))
        return 1;
    g_link = ".guest-link-" + std::to_string(getpid());
    if (!check(symlink("/etc", vp::source_path(g_link).c_str()) == 0, "cannot create %s",
               g_link.c_str()))
        return 1;
    vp::platform pf("platform");
    cpu c("cpu", pf, good);
    sc_start();
    unlink(vp::source_path(g_link).c_str());
    std::printf("bad programming: %u failures\n", vp::failures());
    return vp::failures() ? 1 : 0;
}
