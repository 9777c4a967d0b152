// accel_tlm.cpp: the TLM-2.0 wrapper around the C simulator (contract in accel_tlm.h).
#include "accel_tlm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#include <sys/stat.h>

extern "C" {
#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"
}

namespace asim {

namespace {

// accelsim's own thread needs more than SystemC's default 64 KiB coroutine stack (the YAML
// parser recurses; ASan enlarges every frame).
constexpr std::size_t JOB_STACK_BYTES = 8u << 20;

uint32_t get_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t get_le64(const unsigned char *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void put_le64(unsigned char *p, uint64_t v)
{
    put_le32(p, (uint32_t)v);
    put_le32(p + 4, (uint32_t)(v >> 32));
}

void put_le_double(unsigned char *p, double v)
{
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    put_le64(p, bits);
}

// Owners of what the C API allocates, so every early return frees it.
struct sim_deleter {
    void operator()(asim_sim_t *s) const { asim_sim_free(s); }
};
struct graph_deleter {
    void operator()(asim_graph_t *g) const
    {
        asim_graph_free(g);
        delete g;
    }
};
struct report_deleter {
    void operator()(asim_report_t *r) const
    {
        asim_report_free(r);
        delete r;
    }
};

// Waits t; a zero t costs no delta cycle, so a job always completes in the first delta of
// its completion time.
void advance(const sc_core::sc_time &t)
{
    if (t != sc_core::SC_ZERO_TIME)
        sc_core::wait(t);
}

std::string hex(uint64_t v)
{
    char s[24];
    std::snprintf(s, sizeof s, "0x%llx", (unsigned long long)v);
    return s;
}

constexpr uint32_t version_value()
{
    return REG_MAP_VERSION << 24 | (uint32_t)ASIM_VERSION_MAJOR << 16 |
           (uint32_t)ASIM_VERSION_MINOR << 8 | (uint32_t)ASIM_VERSION_PATCH;
}

}  // namespace

accel_tlm::accel_tlm(sc_core::sc_module_name name, guest_policy policy)
    : sc_core::sc_module(name), regs("regs"), dma("dma"), irq("irq"), policy_(std::move(policy))
{
    regs.register_b_transport(this, &accel_tlm::b_transport);
    SC_THREAD(job_thread);
    set_stack_size(JOB_STACK_BYTES);
    SC_METHOD(irq_method);
    sensitive << irq_ev_;
    irq.initialize(false);
}

void accel_tlm::irq_method() { irq.write((irq_status_ & irq_enable_) != 0); }

uint32_t accel_tlm::read_reg(uint32_t offset) const
{
    switch (offset) {
    case reg::ID: return ID_VALUE;
    case reg::VERSION: return version_value();
    case reg::DESC_LO: return (uint32_t)desc_;
    case reg::DESC_HI: return (uint32_t)(desc_ >> 32);
    case reg::STATUS: return status_;
    case reg::ERROR: return error_;
    case reg::IRQ_ENABLE: return irq_enable_;
    case reg::IRQ_STATUS: return irq_status_;
    case reg::CYCLES_LO: return (uint32_t)cycles_;
    case reg::CYCLES_HI: return (uint32_t)(cycles_ >> 32);
    case reg::ENERGY_LO: return (uint32_t)energy_pj_;
    case reg::ENERGY_HI: return (uint32_t)(energy_pj_ >> 32);
    case reg::FAULT_LO: return (uint32_t)fault_;
    case reg::FAULT_HI: return (uint32_t)(fault_ >> 32);
    case reg::CLK_PERIOD: return period_ps_;
    default: return 0;  // CTRL
    }
}

tlm::tlm_response_status accel_tlm::write_reg(uint32_t offset, uint32_t value,
                                              const sc_core::sc_time &delay)
{
    switch (offset) {
    case reg::DESC_LO:
        desc_ = (desc_ & ~0xFFFFFFFFull) | value;
        return tlm::TLM_OK_RESPONSE;
    case reg::DESC_HI:
        desc_ = (desc_ & 0xFFFFFFFFull) | (uint64_t)value << 32;
        return tlm::TLM_OK_RESPONSE;
    case reg::CTRL:
        if (!(value & CTRL_START))
            return tlm::TLM_OK_RESPONSE;
        if (status_ & STATUS_BUSY)
            return tlm::TLM_GENERIC_ERROR_RESPONSE;
        status_ = STATUS_BUSY;
        job_desc_ = desc_;
        start_ev_.notify(delay);
        return tlm::TLM_OK_RESPONSE;
    case reg::IRQ_ENABLE:
        irq_enable_ = value & (IRQ_DONE | IRQ_ERROR);
        irq_ev_.notify(delay);
        return tlm::TLM_OK_RESPONSE;
    case reg::IRQ_STATUS:
        irq_status_ &= ~value;
        irq_ev_.notify(delay);
        return tlm::TLM_OK_RESPONSE;
    default:
        return tlm::TLM_COMMAND_ERROR_RESPONSE;  // read-only
    }
}

void accel_tlm::b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
{
    uint64_t addr = p.get_address();
    tlm::tlm_command cmd = p.get_command();
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        p.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (addr >= reg::WINDOW || addr % 4 != 0) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (p.get_data_length() != 4 || p.get_streaming_width() != 4) {
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (p.get_byte_enable_ptr()) {
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    uint32_t value;
    if (cmd == tlm::TLM_READ_COMMAND) {
        value = read_reg((uint32_t)addr);
        std::memcpy(p.get_data_ptr(), &value, 4);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    } else {
        std::memcpy(&value, p.get_data_ptr(), 4);
        p.set_response_status(write_reg((uint32_t)addr, value, delay));
    }
}

void accel_tlm::job_thread()
{
    for (;;) {
        sc_core::wait(start_ev_);
        run_job();
    }
}

bool accel_tlm::dma_access(tlm::tlm_command cmd, uint64_t addr, unsigned char *data,
                           uint32_t len, sc_core::sc_time &delay, outcome &o,
                           unsigned char *enable)
{
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(enable);
    p.set_byte_enable_length(enable ? len : 0);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (addr + len >= addr)  // an access that wraps the address space is never issued
        dma->b_transport(p, delay);
    if (p.is_response_ok())
        return true;
    o.fault = addr;
    o.error = ERR_DMA;
    o.message = "DMA " + std::string(cmd == tlm::TLM_READ_COMMAND ? "read" : "write") + " of " +
                std::to_string(len) + " bytes at " + hex(addr) + ": " + p.get_response_string();
    return false;
}

// Reads a NUL-terminated string in pieces that stay within 64-byte blocks, so a short string
// at the end of a memory is never read past that memory's end.
bool accel_tlm::fetch_string(uint64_t start, std::string &s, sc_core::sc_time &delay,
                             outcome &o)
{
    constexpr uint64_t BLOCK = 64;
    uint64_t addr = start;
    s.clear();
    while (s.size() < STRING_MAX) {
        unsigned char buf[BLOCK];
        uint32_t len = (uint32_t)(BLOCK - addr % BLOCK);
        if (!dma_access(tlm::TLM_READ_COMMAND, addr, buf, len, delay, o))
            return false;
        const void *nul = std::memchr(buf, 0, len);
        std::size_t n = nul ? (std::size_t)((const unsigned char *)nul - buf) : len;
        s.append((const char *)buf, n);
        if (nul)
            break;
        addr += len;
    }
    if (s.empty() || s.size() >= STRING_MAX) {
        o.error = ERR_BAD_STRING;
        o.message = "string at " + hex(start) +
                    (s.empty() ? " is empty" : " has no NUL within " + std::to_string(STRING_MAX) +
                                                   " bytes");
        return false;
    }
    return true;
}

const char *accel_tlm::guest_message(uint32_t error)
{
    switch (error) {
    case ERR_NONE: return "";
    case ERR_DMA: return "a DMA access failed; FAULT holds its address";
    case ERR_BAD_MAGIC: return "bad descriptor magic";
    case ERR_BAD_VERSION: return "bad descriptor version or reserved word";
    case ERR_BAD_STRING: return "config or model string empty or without NUL";
    case ERR_CONFIG: return "the configuration does not load or validate";
    case ERR_MODEL: return "the model is unknown or does not load";
    case ERR_SIM: return "the simulator refused the job";
    case ERR_TIME_RANGE: return "the job's time does not fit SystemC time";
    case ERR_PATH: return "a path is not allowed";
    case ERR_BUDGET: return "the model is over the work budget";
    case ERR_WINDOW: return "the tensor window is too small or wraps";
    default: return "error";
    }
}

// Resolves host path full (every link followed) into resolved if it is a regular file
// inside root; otherwise says why not.
static bool inside_root(const std::string &root, const std::string &full, std::string &resolved,
                        std::string &why)
{
    std::unique_ptr<char, decltype(&std::free)> real(realpath(full.c_str(), nullptr), std::free);
    int real_errno = errno;
    std::unique_ptr<char, decltype(&std::free)> top(realpath(root.c_str(), nullptr), std::free);
    struct stat st;
    if (!top)
        why = "the allowed folder " + root + " does not resolve: " + std::strerror(errno);
    else if (!real)
        why = full + ": " + std::strerror(real_errno);
    else if (std::strncmp(real.get(), top.get(), std::strlen(top.get())) != 0 ||
             real.get()[std::strlen(top.get())] != '/')
        why = full + " resolves to " + real.get() + ", outside the allowed folder " + top.get();
    else if (stat(real.get(), &st) != 0 || !S_ISREG(st.st_mode))
        why = full + " is not a regular file";
    else {
        resolved = real.get();
        return true;
    }
    return false;
}

bool accel_tlm::allowed_path(const std::string &path, std::string &resolved, outcome &o) const
{
    std::string why;
    bool climbs = path == ".." || path.rfind("../", 0) == 0 ||
                  path.find("/../") != std::string::npos ||
                  (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0);
    if (policy_.root.empty())
        why = "the platform allows no files (guest_policy::root is empty)";
    else if (path[0] == '/')
        why = path + ": an absolute path; paths are relative to the allowed folder";
    else if (climbs)
        why = path + ": '..' is not allowed";
    else if (inside_root(policy_.root, policy_.root + "/" + path, resolved, why))
        return true;
    o.error = ERR_PATH;
    o.message = why;
    return false;
}

static bool is_model_file(const std::string &spec)
{
    auto ends = [&](const char *x) {
        std::size_t n = std::strlen(x);
        return spec.size() >= n && spec.compare(spec.size() - n, n, x) == 0;
    };
    return spec.find('/') != std::string::npos || ends(".yaml") || ends(".yml") || ends(".csv");
}

// MACs plus vector-op elements of every op, saturating.
static uint64_t graph_work(const asim_graph_t *g)
{
    uint64_t total = 0;
    for (std::size_t i = 0; i < g->len; i++) {
        const asim_op_t *op = &g->ops[i];
        uint64_t work = op->kind == ASIM_OP_GEMM ? asim_op_macs(op) : asim_op_outputs(op);
        if (__builtin_add_overflow(total, work, &total))
            return UINT64_MAX;
    }
    return total;
}

// The tensor traffic of the running job: each DMA transfer the C executor starts, as
// b_transport bursts in the tensor window (contract in accel_tlm.h). The bytes carry no
// tensor values (accelsim models time, not values): loads are read and dropped, stores
// write zeros, under byte enables that cover only the run's own bytes of the burst.
struct accel_tlm::tensor_traffic {
    accel_tlm *self;
    outcome *o;
    uint64_t base, size, burst;
    sc_core::sc_time start, period;  // the job's compute start (the time base), T
    std::vector<unsigned char> buf;  // one burst
    bool failed = false;
    std::vector<unsigned char> enable = {};  // a store burst's byte enables

    static asim_cycle_t timer(void *ctx, asim_cycle_t now, bool store, uint64_t bits,
                              const asim_run_t *runs, size_t n_runs)
    {
        (void)bits;
        return static_cast<tensor_traffic *>(ctx)->transfer(now, store, runs, n_runs);
    }

    asim_cycle_t transfer(asim_cycle_t now, bool store, const asim_run_t *runs, size_t n_runs)
    {
        uint64_t ticks;
        if (failed)
            return 0;
        if (__builtin_mul_overflow(now, period.value(), &ticks)) {
            failed = true;
            o->error = ERR_TIME_RANGE;
            o->message = "cycle " + std::to_string(now) + " of the job does not fit SystemC time";
            return 0;
        }
        sc_core::sc_time begin = start + sc_core::sc_time::from_value(ticks);
        sc_core::sc_time delay = begin - std::min(begin, sc_core::sc_time_stamp());
        tlm::tlm_command cmd = store ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND;
        if (store)
            std::fill(buf.begin(), buf.end(), 0);
        for (size_t r = 0; r < n_runs; r++)
            for (uint64_t b = runs[r].lo / burst; b <= runs[r].hi / burst; b++) {
                uint64_t offset = b * burst % size;
                if (burst > size - offset)
                    offset = 0;
                if (store) { /* the bytes of the run in this burst, and no others */
                    uint64_t at = b * burst, lo = std::max(runs[r].lo, at) - at,
                             hi = std::min(runs[r].hi, at + burst - 1) - at;
                    std::fill(enable.begin(), enable.end(), TLM_BYTE_DISABLED);
                    std::fill(enable.begin() + (long)lo, enable.begin() + (long)hi + 1,
                              TLM_BYTE_ENABLED);
                }
                if (!self->dma_access(cmd, base + offset, buf.data(), (uint32_t)burst, delay,
                                      *o, store ? enable.data() : nullptr)) {
                    failed = true;
                    o->compute_time = sc_core::sc_time_stamp() + delay - start;
                    return 0;
                }
            }
        uint64_t took = (sc_core::sc_time_stamp() + delay - begin).value();
        return took / period.value() + (took % period.value() != 0);
    }
};

// Runs config + model through accelsim, as the accelsim program does, within the guest
// policy, with the program's tensor traffic in [tensors, tensors + tensors_size) when the
// size is not 0; fills the outcome.
void accel_tlm::simulate(const std::string &config, const std::string &model, uint64_t tensors,
                         uint64_t tensors_size, outcome &o)
{
    asim_error_t err;
    asim_error_clear(&err);
    std::string config_path, model_spec = model, why;
    if (!allowed_path(config, config_path, o))
        return;
    auto cfg = std::make_unique<asim_config_t>();
    if (asim_config_load(config_path.c_str(), nullptr, 0, cfg.get(), &err) != ASIM_OK) {
        o.error = ERR_CONFIG;
        o.message = err.msg;
        return;
    }
    char dir[ASIM_PATH_MAX];
    asim_config_dir(cfg.get(), dir, sizeof dir);
    std::string tech = cfg->tech[0] == '/' ? std::string(cfg->tech)
                                           : std::string(dir) + "/" + cfg->tech, resolved;
    if (!inside_root(policy_.root, tech, resolved, why)) {
        o.error = ERR_PATH;
        o.message = "technology table: " + why;
        return;
    }
    if (is_model_file(model) && !allowed_path(model, model_spec, o))
        return;
    std::unique_ptr<asim_graph_t, graph_deleter> graph;
    {
        auto g = std::make_unique<asim_graph_t>();
        if (asim_model_load(model_spec.c_str(), g.get(), &err) != ASIM_OK) {
            o.error = ERR_MODEL;
            o.message = err.msg;
            return;
        }
        graph.reset(g.release());
    }
    uint64_t work = graph_work(graph.get());
    if (policy_.max_work && work > policy_.max_work) {
        o.error = ERR_BUDGET;
        o.message = "model " + model + ": " + std::to_string(work) +
                    " MACs and vector elements, over the work budget of " +
                    std::to_string(policy_.max_work) + " (guest_policy::max_work)";
        return;
    }
    asim_sim_t *raw = nullptr;
    if (asim_sim_create(cfg.get(), &raw, &err) != ASIM_OK) {
        o.error = ERR_CONFIG;
        o.message = err.msg;
        return;
    }
    std::unique_ptr<asim_sim_t, sim_deleter> sim(raw);
    sc_core::sc_time period(1.0 / cfg->clock_mhz, sc_core::SC_US);
    double burst = 0;
    asim_config_get(cfg.get(), "dram.burst_bytes", &burst);
    tensor_traffic traffic{this, &o, tensors, tensors_size, (uint64_t)burst,
                           sc_core::sc_time_stamp(), period, {}, false};
    if (tensors_size && (tensors_size < traffic.burst || tensors + tensors_size < tensors)) {
        o.error = ERR_WINDOW;
        o.message = "tensor window of " + std::to_string(tensors_size) + " bytes at " +
                    hex(tensors) + (tensors_size < traffic.burst
                                        ? ": smaller than one DMA burst (dram.burst_bytes = " +
                                              std::to_string(traffic.burst) + ")"
                                        : ": wraps the address space");
        return;
    }
    if (tensors_size) {
        if (period == sc_core::SC_ZERO_TIME) {
            o.error = ERR_TIME_RANGE;
            o.message = "clock period " + period.to_string() + " is 0 at this time resolution";
            return;
        }
        traffic.buf.resize(traffic.burst);
        traffic.enable.resize(traffic.burst);
        asim_sim_set_dma_timer(sim.get(), tensor_traffic::timer, &traffic);
    }
    std::unique_ptr<asim_report_t, report_deleter> rep(new asim_report_t());
    asim_status_t st = asim_sim_run(sim.get(), graph.get(), rep.get(), &err);
    if (traffic.failed)
        return;  // the access that failed set the outcome
    if (st != ASIM_OK) {
        o.error = ERR_SIM;
        o.message = err.msg;
        return;
    }
    o.cycles = rep->total_cycles;
    o.period_ps = (uint64_t)std::llround(period.to_seconds() * 1e12);
    o.macs = rep->macs;
    o.latency_ms = rep->latency_ms;
    o.energy_mj = rep->energy_mj;
    o.gops = rep->gops;
    o.gops_per_w = rep->gops_per_w;
    o.layers = (uint32_t)rep->n_layers;
    o.unsupported = (uint32_t)rep->n_unsupported;
    for (std::size_t i = 0; i < rep->n_layers; i++) {
        o.layer_records.push_back(rep->layers[i].start);
        o.layer_records.push_back(rep->layers[i].cycles);
    }
    uint64_t ticks;
    if (period == sc_core::SC_ZERO_TIME ||
        __builtin_mul_overflow(o.cycles, period.value(), &ticks)) {
        o.error = ERR_TIME_RANGE;
        o.message = "clock period " + period.to_string() + " times " +
                    std::to_string(o.cycles) + " cycles does not fit SystemC time";
        return;
    }
    o.compute_time = sc_core::sc_time::from_value(ticks);
}

void accel_tlm::run_job()
{
    outcome o;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    unsigned char d[desc::SIZE];
    std::string config, model;
    // Only a descriptor with the right magic and version is trusted to name a result block.
    bool trusted = false;
    if (dma_access(tlm::TLM_READ_COMMAND, job_desc_, d, desc::SIZE, delay, o)) {
        if (get_le32(d + desc::MAGIC) != DESC_MAGIC) {
            o.error = ERR_BAD_MAGIC;
            o.message = "descriptor at " + hex(job_desc_) + ": magic is not " + hex(DESC_MAGIC);
        } else if (get_le32(d + desc::VERSION) != DESC_VERSION ||
                   get_le32(d + desc::RESERVED) != 0) {
            o.error = ERR_BAD_VERSION;
            o.message = "descriptor at " + hex(job_desc_) + ": version is not " +
                        std::to_string(DESC_VERSION) + " or the reserved word is not 0";
        } else {
            trusted = true;
        }
    }
    if (trusted && fetch_string(get_le64(d + desc::CONFIG), config, delay, o) &&
        fetch_string(get_le64(d + desc::MODEL), model, delay, o)) {
        advance(delay);
        delay = sc_core::SC_ZERO_TIME;
        sc_core::sc_time start = sc_core::sc_time_stamp();
        simulate(config, model, get_le64(d + desc::TENSORS), get_le64(d + desc::TENSORS_SIZE),
                 o);
        // the compute phase ends compute_time after its start; a target that waited inside
        // a tensor transfer has already spent part of it
        sc_core::sc_time end = start + o.compute_time;
        advance(end - std::min(end, sc_core::sc_time_stamp()));
    }
    if (trusted)
        write_back(get_le64(d + desc::RESULT), get_le64(d + desc::LAYERS),
                   get_le32(d + desc::LAYERS_CAP), delay, o);
    advance(delay);
    finish(o);
}

void accel_tlm::write_back(uint64_t result_addr, uint64_t layers_addr, uint32_t layers_cap,
                           sc_core::sc_time &delay, outcome &o)
{
    std::size_t n = std::min<std::size_t>(layers_cap, o.layers);
    if (layers_addr && n && o.error == ERR_NONE) {
        std::vector<unsigned char> t(n * LAYER_RECORD_SIZE);
        for (std::size_t i = 0; i < 2 * n; i++)
            put_le64(&t[8 * i], o.layer_records[i]);
        if (!dma_access(tlm::TLM_WRITE_COMMAND, layers_addr, t.data(),
                        (uint32_t)t.size(), delay, o))
            return;
    }
    if (!result_addr)
        return;
    unsigned char r[result::SIZE] = {};
    put_le32(r + result::MAGIC, RESULT_MAGIC);
    put_le32(r + result::ERROR, o.error);
    put_le64(r + result::CYCLES, o.cycles);
    put_le64(r + result::MACS, o.macs);
    put_le_double(r + result::LATENCY_MS, o.latency_ms);
    put_le_double(r + result::ENERGY_MJ, o.energy_mj);
    put_le_double(r + result::GOPS, o.gops);
    put_le_double(r + result::GOPS_PER_W, o.gops_per_w);
    put_le32(r + result::LAYERS, o.layers);
    put_le32(r + result::UNSUPPORTED, o.unsupported);
    put_le64(r + result::PERIOD_PS, o.period_ps);
    std::snprintf((char *)r + result::MESSAGE, result::MESSAGE_SIZE, "%s",
                  guest_message(o.error));
    dma_access(tlm::TLM_WRITE_COMMAND, result_addr, r, result::SIZE, delay, o);
}

void accel_tlm::finish(const outcome &o)
{
    error_ = o.error;
    fault_ = o.fault;
    cycles_ = o.cycles;
    energy_pj_ = (uint64_t)std::llround(o.energy_mj * 1e9);
    period_ps_ = (uint32_t)o.period_ps;
    message_ = o.message;
    if (o.error != ERR_NONE && policy_.log)
        policy_.log(o.message);
    status_ = o.error != ERR_NONE ? STATUS_ERROR
                                  : STATUS_DONE | (o.unsupported ? STATUS_INCOMPLETE : 0);
    irq_status_ |= o.error != ERR_NONE ? IRQ_ERROR : IRQ_DONE;
    irq_ev_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace asim
