// vp_platform.h: a minimal virtual platform around asim::accel_tlm, shared by the SystemC
// tests: a memory with a fixed latency, a bus that decodes addresses, and CPU accessors
// that a test thread calls. Memory map (bus addresses):
//   MEM_BASE .. MEM_BASE + MEM_SIZE    memory (latency: MEM_ACCESS + MEM_PER_8B per 8 bytes)
//   REG_BASE .. REG_BASE + REG_SPAN    the accelerator's register window (and holes: its
//                                      own errors beyond reg::WINDOW)
// Anything else gets TLM_ADDRESS_ERROR_RESPONSE from the bus. Both the CPU and the
// accelerator's DMA go through the bus, so a DMA address is a bus address.
#ifndef ASIM_TESTS_VP_PLATFORM_H
#define ASIM_TESTS_VP_PLATFORM_H

#include <cstdarg>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "accel_tlm.h"

namespace vp {

constexpr uint64_t MEM_BASE = 0x0, MEM_SIZE = 1u << 20;
constexpr uint64_t REG_BASE = 0x40000000, REG_SPAN = 0x1000;
const sc_core::sc_time MEM_ACCESS(40, sc_core::SC_NS), MEM_PER_8B(1, sc_core::SC_NS);

// Latency of one access of len bytes: access + per_8b per 8 bytes (or part).
sc_core::sc_time mem_latency(uint64_t len, const sc_core::sc_time &access = MEM_ACCESS,
                             const sc_core::sc_time &per_8b = MEM_PER_8B);

// Byte-addressed memory; charges mem_latency(len, access, per_8b) on every access and sums
// what it charged. It annotates the latency to the transaction, or, with `waits`, syncs
// (waits the incoming delay plus its latency and returns a zero delay), as an LT target may.
// A test may change its latency and mode between jobs.
class memory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<memory> socket;
    std::vector<unsigned char> bytes;
    sc_core::sc_time access = MEM_ACCESS, per_8b = MEM_PER_8B;
    bool waits = false;
    sc_core::sc_time annotated;  // sum of the latencies charged so far
    uint64_t accesses = 0;
    uint64_t written = 0;        // bytes written (those enabled, under byte enables)

    memory(sc_core::sc_module_name name, uint64_t size);

private:
    void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
};

// Address decoder: forwards each transaction to the target whose range holds all of it.
class bus : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<bus> in;
    tlm_utils::multi_passthrough_initiator_socket<bus> out;

    explicit bus(sc_core::sc_module_name name);
    // Out port `port` serves [base, base + size).
    void map(unsigned port, uint64_t base, uint64_t size);

private:
    struct range {
        unsigned port;
        uint64_t base, size;
    };
    void b_transport(int id, tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
    std::vector<range> ranges_;
};

// Memory, bus, accelerator and the CPU's initiator socket, bound together. The guest may
// name files in the source tree (guest_policy::root), by paths relative to it.
class platform : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<platform> cpu;
    memory mem;
    bus interconnect;
    asim::accel_tlm accel;
    sc_core::sc_signal<bool> irq;
    std::vector<std::string> host_log;  // what the accelerator logged for failed jobs

    explicit platform(sc_core::sc_module_name name);

    // CPU accesses; each waits the delay annotated to it (call from a thread).
    tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, unsigned char *data,
                                    uint32_t len, unsigned char *byte_enable = nullptr,
                                    uint32_t streaming_width = 0);
    uint32_t read32(uint64_t addr);            // counts a failure unless the response is OK
    void write32(uint64_t addr, uint32_t v);   // same
    uint32_t reg(uint32_t offset) { return read32(REG_BASE + offset); }
    void set_reg(uint32_t offset, uint32_t v) { write32(REG_BASE + offset, v); }
    void write_bytes(uint64_t addr, const void *data, uint32_t len);
    std::vector<unsigned char> read_bytes(uint64_t addr, uint32_t len);
};

// Where a test puts a job in memory.
struct job_layout {
    uint64_t desc, config, model, result, layers;
    uint32_t layers_cap;
    uint64_t tensors = 0, tensors_size = 0;  // the tensor window (size 0: no tensor traffic)
};
// A job descriptor with these fields, ready to write at layout.desc.
std::vector<unsigned char> descriptor(const job_layout &l, uint32_t magic = asim::DESC_MAGIC,
                                      uint32_t version = asim::DESC_VERSION);
// Writes both strings (NUL-terminated) and the descriptor through the CPU.
void write_job(platform &pf, const job_layout &l, const std::string &config,
               const std::string &model);

// What accelsim reports for config + model, run directly through its C API in this process.
struct direct_result {
    bool ok = false;
    std::string message;
    uint64_t cycles = 0, macs = 0;
    double latency_ms = 0, energy_mj = 0, gops = 0, gops_per_w = 0, clock_mhz = 0;
    uint32_t layers = 0, unsupported = 0;
    std::vector<uint64_t> layer_start, layer_cycles;
};
// The test's own account of the tensor traffic on a memory of latency (access, per_8b), for
// direct_run: each DMA transfer is, for each of its runs of DRAM bytes, one access of
// dram.burst_bytes bytes per aligned burst from the run's first byte through its last, one
// after another, and takes ceil(sum of their latencies / T) cycles of the accelerator clock
// (T). Sums what it implied.
struct tensor_memory {
    sc_core::sc_time access, per_8b;
    uint64_t burst = 0;        // set by direct_run from the config
    sc_core::sc_time period;   // likewise
    uint64_t transfers = 0, accesses = 0;
    uint64_t store_bytes = 0;  // the stores' own bytes (their runs')
    sc_core::sc_time latency;  // of every access
};
// With mem, each DMA transfer takes the longer of the DRAM model and mem's account of it.
direct_result direct_run(const std::string &config, const std::string &model,
                         tensor_memory *mem = nullptr);

// Little-endian fields of a byte buffer.
uint32_t le32(const unsigned char *p);
uint64_t le64(const unsigned char *p);
double le_double(const unsigned char *p);

// Test bookkeeping: check() prints "FAIL: ..." and counts; failures() for the exit status.
bool check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned failures();
// An absolute path of a file in the source tree.
std::string source_path(const std::string &rel);

}  // namespace vp

#endif
