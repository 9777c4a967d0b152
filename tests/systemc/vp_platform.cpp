// vp_platform.cpp: the SystemC tests' virtual platform (see vp_platform.h).
#include "vp_platform.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

extern "C" {
#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"
}

namespace vp {

namespace {
unsigned failure_count = 0;

template <typename T> void put_le(std::vector<unsigned char> &b, uint64_t off, T v)
{
    for (unsigned i = 0; i < sizeof(T); i++)
        b[off + i] = (unsigned char)((uint64_t)v >> (8 * i));
}
}  // namespace

sc_core::sc_time mem_latency(uint64_t len, const sc_core::sc_time &access,
                             const sc_core::sc_time &per_8b)
{
    return access + per_8b * (double)((len + 7) / 8);
}

memory::memory(sc_core::sc_module_name name, uint64_t size)
    : sc_core::sc_module(name), socket("socket"), bytes(size, 0)
{
    socket.register_b_transport(this, &memory::b_transport);
}

void memory::b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
{
    uint64_t addr = p.get_address(), len = p.get_data_length();
    if (addr > bytes.size() || len > bytes.size() - addr) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const unsigned char *enable = p.get_byte_enable_ptr();
    uint64_t enable_len = p.get_byte_enable_length();
    if (enable && enable_len == 0) {
        p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (p.get_streaming_width() < len) {
        p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (!enable && p.is_read())
        std::memcpy(p.get_data_ptr(), &bytes[addr], len);
    else if (!enable && p.is_write()) {
        std::memcpy(&bytes[addr], p.get_data_ptr(), len);
        written += len;
    }
    for (uint64_t i = 0; enable && i < len; i++) { /* enables repeat every enable_len bytes */
        if (enable[i % enable_len] != TLM_BYTE_ENABLED)
            continue;
        if (p.is_read())
            p.get_data_ptr()[i] = bytes[addr + i];
        else if (p.is_write()) {
            bytes[addr + i] = p.get_data_ptr()[i];
            written++;
        }
    }
    sc_core::sc_time t = mem_latency(len, access, per_8b);
    annotated += t;
    if (waits) {
        sc_core::wait(delay + t);
        delay = sc_core::SC_ZERO_TIME;
    } else {
        delay += t;
    }
    accesses++;
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

bus::bus(sc_core::sc_module_name name) : sc_core::sc_module(name), in("in"), out("out")
{
    in.register_b_transport(this, &bus::b_transport);
}

void bus::map(unsigned port, uint64_t base, uint64_t size) { ranges_.push_back({port, base, size}); }

void bus::b_transport(int, tlm::tlm_generic_payload &p, sc_core::sc_time &delay)
{
    uint64_t addr = p.get_address(), len = p.get_data_length();
    for (const range &r : ranges_) {
        if (addr < r.base || addr - r.base >= r.size || len > r.size - (addr - r.base))
            continue;
        p.set_address(addr - r.base);
        out[r.port]->b_transport(p, delay);
        p.set_address(addr);
        return;
    }
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

platform::platform(sc_core::sc_module_name name)
    : sc_core::sc_module(name), cpu("cpu"), mem("mem", MEM_SIZE), interconnect("bus"),
      accel("accel", asim::guest_policy{ASIM_SOURCE_DIR, asim::guest_policy{}.max_work,
                                        [this](const std::string &m) { host_log.push_back(m); }}),
      irq("irq")
{
    cpu.bind(interconnect.in);
    accel.dma.bind(interconnect.in);
    interconnect.out.bind(mem.socket);
    interconnect.out.bind(accel.regs);
    interconnect.map(0, MEM_BASE, MEM_SIZE);
    interconnect.map(1, REG_BASE, REG_SPAN);
    accel.irq.bind(irq);
}

tlm::tlm_response_status platform::access(tlm::tlm_command cmd, uint64_t addr,
                                          unsigned char *data, uint32_t len,
                                          unsigned char *byte_enable, uint32_t streaming_width)
{
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(len);
    p.set_streaming_width(streaming_width ? streaming_width : len);
    p.set_byte_enable_ptr(byte_enable);
    p.set_byte_enable_length(byte_enable ? len : 0);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    cpu->b_transport(p, delay);
    wait(delay);
    return p.get_response_status();
}

uint32_t platform::read32(uint64_t addr)
{
    uint32_t v = 0;
    tlm::tlm_response_status st = access(tlm::TLM_READ_COMMAND, addr, (unsigned char *)&v, 4);
    check(st == tlm::TLM_OK_RESPONSE, "read32 0x%llx: response %d", (unsigned long long)addr,
          (int)st);
    return v;
}

void platform::write32(uint64_t addr, uint32_t v)
{
    tlm::tlm_response_status st = access(tlm::TLM_WRITE_COMMAND, addr, (unsigned char *)&v, 4);
    check(st == tlm::TLM_OK_RESPONSE, "write32 0x%llx: response %d", (unsigned long long)addr,
          (int)st);
}

void platform::write_bytes(uint64_t addr, const void *data, uint32_t len)
{
    std::vector<unsigned char> b((const unsigned char *)data, (const unsigned char *)data + len);
    tlm::tlm_response_status st = access(tlm::TLM_WRITE_COMMAND, addr, b.data(), len);
    check(st == tlm::TLM_OK_RESPONSE, "write of %u bytes at 0x%llx: response %d", len,
          (unsigned long long)addr, (int)st);
}

std::vector<unsigned char> platform::read_bytes(uint64_t addr, uint32_t len)
{
    std::vector<unsigned char> b(len);
    tlm::tlm_response_status st = access(tlm::TLM_READ_COMMAND, addr, b.data(), len);
    check(st == tlm::TLM_OK_RESPONSE, "read of %u bytes at 0x%llx: response %d", len,
          (unsigned long long)addr, (int)st);
    return b;
}

std::vector<unsigned char> descriptor(const job_layout &l, uint32_t magic, uint32_t version)
{
    std::vector<unsigned char> d(asim::desc::SIZE, 0);
    put_le<uint32_t>(d, asim::desc::MAGIC, magic);
    put_le<uint32_t>(d, asim::desc::VERSION, version);
    put_le<uint64_t>(d, asim::desc::CONFIG, l.config);
    put_le<uint64_t>(d, asim::desc::MODEL, l.model);
    put_le<uint64_t>(d, asim::desc::RESULT, l.result);
    put_le<uint64_t>(d, asim::desc::LAYERS, l.layers);
    put_le<uint32_t>(d, asim::desc::LAYERS_CAP, l.layers_cap);
    put_le<uint64_t>(d, asim::desc::TENSORS, l.tensors);
    put_le<uint64_t>(d, asim::desc::TENSORS_SIZE, l.tensors_size);
    return d;
}

void write_job(platform &pf, const job_layout &l, const std::string &config,
               const std::string &model)
{
    pf.write_bytes(l.config, config.c_str(), (uint32_t)config.size() + 1);
    pf.write_bytes(l.model, model.c_str(), (uint32_t)model.size() + 1);
    std::vector<unsigned char> d = descriptor(l);
    pf.write_bytes(l.desc, d.data(), (uint32_t)d.size());
}

static asim_cycle_t tensor_memory_time(void *ctx, asim_cycle_t now, bool store, uint64_t bits,
                                       const asim_run_t *runs, size_t n_runs)
{
    tensor_memory *m = static_cast<tensor_memory *>(ctx);
    (void)now;
    (void)bits;
    sc_core::sc_time took;
    for (size_t r = 0; r < n_runs; r++) { /* whole aligned bursts from lo through hi */
        m->store_bytes += store ? runs[r].hi - runs[r].lo + 1 : 0;
        uint64_t first = runs[r].lo - runs[r].lo % m->burst;
        for (uint64_t at = first; at <= runs[r].hi; at += m->burst) {
            took += mem_latency(m->burst, m->access, m->per_8b);
            m->accesses++;
        }
    }
    m->transfers++;
    m->latency += took;
    return (took.value() + m->period.value() - 1) / m->period.value();
}

direct_result direct_run(const std::string &config, const std::string &model, tensor_memory *mem)
{
    direct_result r;
    asim_error_t err;
    auto cfg = std::make_unique<asim_config_t>();
    asim_graph_t g;
    asim_sim_t *sim = nullptr;
    asim_report_t rep;
    if (asim_config_load(config.c_str(), nullptr, 0, cfg.get(), &err) != ASIM_OK ||
        asim_model_load(model.c_str(), &g, &err) != ASIM_OK) {
        r.message = err.msg;
        return r;
    }
    double burst = 0;
    asim_config_get(cfg.get(), "dram.burst_bytes", &burst);
    if (mem) {
        mem->burst = (uint64_t)burst;
        mem->period = sc_core::sc_time(1.0 / cfg->clock_mhz, sc_core::SC_US);
    }
    bool made = asim_sim_create(cfg.get(), &sim, &err) == ASIM_OK;
    if (made && mem)
        asim_sim_set_dma_timer(sim, tensor_memory_time, mem);
    if (made && asim_sim_run(sim, &g, &rep, &err) == ASIM_OK) {
        r.ok = true;
        r.cycles = rep.total_cycles;
        r.macs = rep.macs;
        r.latency_ms = rep.latency_ms;
        r.energy_mj = rep.energy_mj;
        r.gops = rep.gops;
        r.gops_per_w = rep.gops_per_w;
        r.clock_mhz = cfg->clock_mhz;
        r.layers = (uint32_t)rep.n_layers;
        r.unsupported = (uint32_t)rep.n_unsupported;
        for (size_t i = 0; i < rep.n_layers; i++) {
            r.layer_start.push_back(rep.layers[i].start);
            r.layer_cycles.push_back(rep.layers[i].cycles);
        }
        asim_report_free(&rep);
    } else {
        r.message = err.msg;
    }
    asim_sim_free(sim);
    asim_graph_free(&g);
    return r;
}

uint32_t le32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint64_t le64(const unsigned char *p) { return (uint64_t)le32(p + 4) << 32 | le32(p); }

double le_double(const unsigned char *p)
{
    uint64_t bits = le64(p);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

bool check(bool ok, const char *fmt, ...)
{
    if (ok)
        return true;
    failure_count++;
    std::va_list ap;
    va_start(ap, fmt);
    std::printf("FAIL [%s]: ", sc_core::sc_time_stamp().to_string().c_str());
    std::vprintf(fmt, ap);
    std::printf("\n");
    va_end(ap);
    return false;
}

unsigned failures() { return failure_count; }

std::string source_path(const std::string &rel) { return std::string(ASIM_SOURCE_DIR) + "/" + rel; }

}  // namespace vp
