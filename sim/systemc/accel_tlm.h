// accel_tlm.h: accelsim as a loosely-timed SystemC TLM-2.0 peripheral (docs/systemc.md).
//
// asim::accel_tlm runs one accelsim job at a time, exactly as `accelsim --config C --model M`
// would, and takes the simulated time the job takes:
//   - `regs` (target socket): 32-bit registers, one aligned word per access (map below and in
//     docs/systemc.md). A bad access changes nothing and gets an error response: outside the
//     window or unaligned: TLM_ADDRESS_ERROR_RESPONSE; length or streaming width other than 4:
//     TLM_BURST_ERROR_RESPONSE; byte enables: TLM_BYTE_ENABLE_ERROR_RESPONSE; a write to a
//     read-only register: TLM_COMMAND_ERROR_RESPONSE; START while a job runs:
//     TLM_GENERIC_ERROR_RESPONSE (the running job goes on undisturbed). Register accesses
//     add no delay of their own.
//   - `dma` (initiator socket): b_transport reads of the job descriptor and the two strings it
//     points to; while the job runs, the tensors the accelerator program's DMA moves (when
//     the descriptor names a tensor window); then writes of the layer table and the result
//     block. Every delay the targets annotate is summed and waited; an error response ends
//     the job with ERR_DMA.
//   - tensors: the C executor runs the job's compiled program (program/program.h) and calls
//     back for every DMA transfer it starts at cycle c; the module moves the transfer as
//     the DMA gathers it (docs/program.md, "Transfers: runs of DRAM bytes"): for each of its
//     runs of DRAM bytes, the aligned bursts of dram.burst_bytes that hold it, each one
//     b_transport of a whole burst (loads read, stores write) at the window's start plus the
//     burst's program address (modulo the window's size; a burst that would run past the
//     window's end goes to its start), with the local time offset c * T (temporal
//     decoupling: the job's start is the time base). The transfer takes
//     ceil(D / T) cycles, D being the time its bursts took (annotated delays, and any time a
//     target waited), or the DRAM model's cycles if that is longer; so a slow memory or
//     interconnect lengthens the job, and a zero-latency one leaves it exactly as the C
//     executor alone runs it.
//   - timing: a job whose START write takes effect at t0 (the write's time plus its annotated
//     delay) completes at
//         t0 + Dfetch + cycles * T + Dwrite
//     Dfetch: summed annotated delay of the descriptor and string reads; cycles: the
//     total_cycles accelsim reports for the job (tensor traffic included); T: 1 / clock_mhz
//     of the job's config, rounded to the SystemC time resolution as an sc_clock of that
//     frequency would be; Dwrite: summed annotated delay of the layer-table and result-block
//     writes. A job that fails stops where it fails (no cycles * T if accelsim refused it)
//     and still writes the result block when the descriptor named one.
//   - `irq`: level, high while IRQ_STATUS & IRQ_ENABLE is not zero.
// The simulation itself runs inside the module's thread (accelsim's job models take
// milliseconds of host time for a whole transformer); the module never prints: failures go
// to the ERROR register, the result block and last_message().
//
// The guest is untrusted (guest_policy below): it names files only inside the folder the
// platform allows, never reads their contents back (the result block carries a fixed text
// per error code; accelsim's own message, which may quote a file, goes to last_message()
// and the host's log), and each job's work is bounded.
#ifndef ASIM_SYSTEMC_ACCEL_TLM_H
#define ASIM_SYSTEMC_ACCEL_TLM_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace asim {

// Register offsets (bytes) in the `regs` window; every register is 32 bits.
namespace reg {
enum : uint32_t {
    ID = 0x00,          // RO  ID_VALUE
    VERSION = 0x04,     // RO  [31:24] register map version, [23:16].[15:8].[7:0] accelsim
    DESC_LO = 0x08,     // RW  job descriptor address, bits 31:0
    DESC_HI = 0x0C,     // RW  job descriptor address, bits 63:32
    CTRL = 0x10,        // WO  CTRL_START; reads 0
    STATUS = 0x14,      // RO  STATUS_* bits
    ERROR = 0x18,       // RO  ERR_* code of the last job
    IRQ_ENABLE = 0x1C,  // RW  IRQ_* bits
    IRQ_STATUS = 0x20,  // W1C IRQ_* bits: set at completion, cleared by writing 1
    CYCLES_LO = 0x24,   // RO  total cycles of the last job, bits 31:0
    CYCLES_HI = 0x28,   // RO  bits 63:32
    ENERGY_LO = 0x2C,   // RO  energy of the last job in pJ (rounded), bits 31:0
    ENERGY_HI = 0x30,   // RO  bits 63:32
    FAULT_LO = 0x34,    // RO  address of the DMA access that failed (ERR_DMA), bits 31:0
    FAULT_HI = 0x38,    // RO  bits 63:32
    CLK_PERIOD = 0x3C,  // RO  clock period T of the last job, in ps
    WINDOW = 0x40       // size of the register window
};
}  // namespace reg

constexpr uint32_t ID_VALUE = 0x4153494D;  // "ASIM"
constexpr uint32_t REG_MAP_VERSION = 1;
constexpr uint32_t CTRL_START = 1u << 0;
constexpr uint32_t STATUS_BUSY = 1u << 0;       // a job is running
constexpr uint32_t STATUS_DONE = 1u << 1;       // the last job completed without error
constexpr uint32_t STATUS_ERROR = 1u << 2;      // the last job failed: see ERROR
constexpr uint32_t STATUS_INCOMPLETE = 1u << 3; // the last job had ops no unit could run
constexpr uint32_t IRQ_DONE = 1u << 0;
constexpr uint32_t IRQ_ERROR = 1u << 1;

// ERROR register codes (also in the result block).
enum job_error : uint32_t {
    ERR_NONE = 0,
    ERR_DMA = 1,          // a DMA access got an error response; FAULT holds its address
    ERR_BAD_MAGIC = 2,    // descriptor magic is not DESC_MAGIC
    ERR_BAD_VERSION = 3,  // descriptor version is not DESC_VERSION or a reserved field is set
    ERR_BAD_STRING = 4,   // config or model string empty or longer than STRING_MAX - 1
    ERR_CONFIG = 5,       // the config (or its technology table) failed to load or validate
    ERR_MODEL = 6,        // the model is unknown or failed to load
    ERR_SIM = 7,          // accelsim refused the job (an op its unit cannot run)
    ERR_TIME_RANGE = 8,   // the clock period or cycles * period do not fit SystemC time
    ERR_PATH = 9,         // a path is outside guest_policy::root, not a regular file, or
                          // climbs with ".." (the config, its technology table, a model file)
    ERR_BUDGET = 10,      // the model's work is over guest_policy::max_work
    ERR_WINDOW = 11       // the tensor window is smaller than one DMA burst, or wraps the
                          // address space
};

// What the platform lets a guest do; set when the platform builds the module.
struct guest_policy {
    // The folder guest paths are relative to. A config or model path must be relative, must
    // not contain "..", and must name a regular file inside root once every symbolic link
    // is resolved (so /dev/stdin, FIFOs and links out of root are refused); the technology
    // table a config names must be inside root too. Empty: no file is allowed.
    std::string root;
    // Work budget of one job: multiply-accumulates plus vector-op elements of the model, all
    // ops summed; a larger model is refused with ERR_BUDGET before it runs. 0 = no budget.
    // The default, 10^12, is 20 times BERT-base at 512 tokens (4.8 x 10^10 MACs).
    uint64_t max_work = 1000000000000ull;
    // The host's log: called with accelsim's full message for every failed job (may be
    // empty). The guest never sees these messages.
    std::function<void(const std::string &)> log;
};

// Job descriptor in memory, little-endian, DESC_SIZE bytes at DESC.
namespace desc {
enum : uint32_t {
    MAGIC = 0x00,        // u32 DESC_MAGIC
    VERSION = 0x04,      // u32 DESC_VERSION
    CONFIG = 0x08,       // u64 address of the config path, NUL-terminated
    MODEL = 0x10,        // u64 address of the model spec, NUL-terminated
    RESULT = 0x18,       // u64 address of the result block (RESULT_SIZE bytes), 0 = none
    LAYERS = 0x20,       // u64 address of the layer table, 0 = none
    LAYERS_CAP = 0x28,   // u32 records the layer table holds
    RESERVED = 0x2C,     // u32 must be 0
    TENSORS = 0x30,      // u64 address of the tensor window the DMA moves tensors in
    TENSORS_SIZE = 0x38, // u64 its size in bytes; 0 = no tensor traffic
    SIZE = 0x40
};
}  // namespace desc
constexpr uint32_t DESC_MAGIC = 0x444A5341;  // "ASJD" in memory order
constexpr uint32_t DESC_VERSION = 2;
constexpr uint32_t STRING_MAX = 512;         // bytes, the NUL included

// Result block the DMA writes at desc::RESULT, little-endian.
namespace result {
enum : uint32_t {
    MAGIC = 0x00,         // u32 RESULT_MAGIC
    ERROR = 0x04,         // u32 ERR_* code
    CYCLES = 0x08,        // u64 total cycles
    MACS = 0x10,          // u64 multiply-accumulates
    LATENCY_MS = 0x18,    // f64
    ENERGY_MJ = 0x20,     // f64
    GOPS = 0x28,          // f64
    GOPS_PER_W = 0x30,    // f64
    LAYERS = 0x38,        // u32 layers in the model
    UNSUPPORTED = 0x3C,   // u32 layers no unit could run (not in the totals)
    PERIOD_PS = 0x40,     // u64 clock period T in ps
    MESSAGE = 0x48,       // char[MESSAGE_SIZE]: a fixed text for the ERROR code (never
                          // file contents), NUL-terminated; empty on success
    MESSAGE_SIZE = 0xB8,
    SIZE = 0x100
};
}  // namespace result
constexpr uint32_t RESULT_MAGIC = 0x524A5341;  // "ASJR" in memory order
constexpr uint32_t LAYER_RECORD_SIZE = 16;     // per layer: u64 start cycle, u64 cycles

class accel_tlm : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<accel_tlm> regs;
    tlm_utils::simple_initiator_socket<accel_tlm> dma;
    sc_core::sc_out<bool> irq;

    SC_HAS_PROCESS(accel_tlm);
    explicit accel_tlm(sc_core::sc_module_name name, guest_policy policy = {});

    // accelsim's full message for the last job ("" if it succeeded): host side only.
    const std::string &last_message() const { return message_; }
    // The fixed text the guest gets in the result block for an ERR_* code.
    static const char *guest_message(uint32_t error);

private:
    struct outcome {
        uint32_t error = ERR_NONE;
        uint64_t fault = 0;                   // address of the failed DMA access
        uint64_t cycles = 0, macs = 0, period_ps = 0;
        sc_core::sc_time compute_time;        // cycles * T; to the failing access if a
                                              // tensor transfer failed
        double latency_ms = 0, energy_mj = 0, gops = 0, gops_per_w = 0;
        uint32_t layers = 0, unsupported = 0;
        std::vector<uint64_t> layer_records;  // start, cycles per layer
        std::string message;
    };

    void b_transport(tlm::tlm_generic_payload &p, sc_core::sc_time &delay);
    tlm::tlm_response_status write_reg(uint32_t offset, uint32_t value,
                                       const sc_core::sc_time &delay);
    uint32_t read_reg(uint32_t offset) const;
    void job_thread();
    void irq_method();
    void run_job();
    struct tensor_traffic;  // the running job's tensor DMA (accel_tlm.cpp)
    void simulate(const std::string &config, const std::string &model, uint64_t tensors,
                  uint64_t tensors_size, outcome &o);
    bool allowed_path(const std::string &path, std::string &resolved, outcome &o) const;
    // One b_transport on the dma socket; `enable`, when given, is its byte enables (len bytes).
    bool dma_access(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, uint32_t len,
                    sc_core::sc_time &delay, outcome &o, unsigned char *enable = nullptr);
    bool fetch_string(uint64_t start, std::string &s, sc_core::sc_time &delay, outcome &o);
    void write_back(uint64_t result_addr, uint64_t layers_addr, uint32_t layers_cap,
                    sc_core::sc_time &delay, outcome &o);
    void finish(const outcome &o);

    sc_core::sc_event start_ev_, irq_ev_;
    uint64_t desc_ = 0, job_desc_ = 0, cycles_ = 0, energy_pj_ = 0, fault_ = 0;
    uint32_t status_ = 0, error_ = ERR_NONE, irq_enable_ = 0, irq_status_ = 0, period_ps_ = 0;
    std::string message_;
    guest_policy policy_;
};

}  // namespace asim

#endif
