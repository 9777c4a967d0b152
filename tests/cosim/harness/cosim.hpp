// cosim.hpp: generic lockstep harness: a Verilated RTL model and its C step model get the
// same inputs every cycle and every output port is compared every cycle.
//
// A block's testbench implements cosim::Bench (its port table, its stimulus driver, one
// cycle of each model) and calls cosim::main_loop(). The loop, per cycle:
//   drive(cycle, in)        inputs for this cycle (valid never depends on this cycle's ready)
//   model_cycle(in, model)  step model: outputs during the cycle, then the clock edge
//   rtl_cycle(c, in, rtl)   RTL: set inputs, eval with clk low, read outputs, clk high, eval
//                           (and, while a trace is open, dump at 10c and 10c + 5)
//   compare every output port; the step model is the expected value
//   observe(cycle, in, model, progress)  the driver sees the model's outputs (handshakes,
//                           results) and says whether a handshake happened
// Every run is checked for life, so that a dead stimulus cannot pass:
//   hang guard      no handshake for --hang-limit cycles fails the run; the limit must be
//                   below the run length (checked at start; the default is halved for runs
//                   shorter than it), so the guard can fire;
//   minimum activity at the end of a run, at least 1 + cycles / 10000 jobs checked against
//                   the block's oracle, and the busy output high in at least 25% of cycles.
// --dead holds every *_valid input low (a dead stimulus); tests/cosim proves with it that
// both checks fire (AsimCosim.cmake, asim_cosim_dead_stimulus).
// Seeds: each configuration runs --seeds N runs with seeds S, S + 1, ... from the base seed S
// (--seed, else ASIM_COSIM_SEED in the environment, else the build's default: 48 bits of the
// commit hash at configure time); each run prints its seed, and --seed S --seeds 1
// reproduces it.
// On the first mismatch it prints cycle, port, expected and actual, then replays the same
// seed from the start with tracing on and writes <name>.rtl.vcd (Verilator) and
// <name>.model.vcd (step model ports, same names) up to two cycles past the mismatch.
// Times in both VCDs: cycle c has clk low at 10c and high at 10c + 5.
#ifndef COSIM_HPP
#define COSIM_HPP

#include <cstdint>
#include <string>
#include <vector>

namespace cosim {

// Command line: --seed N, --seeds N, --cycles N (per seed), --hang-limit N (0 = off),
// --dead, --long (or ASIM_COSIM_LONG=1 in the environment), --vcd-dir DIR. CI default: 3
// seeds of 40000 cycles; long mode: 25x the cycles (given or default) and 10 seeds unless
// --seeds.
struct Options {
    uint64_t seed = 1;
    uint64_t seeds = 3;
    uint64_t cycles = 40000;
    uint64_t hang_limit = 2000;
    bool dead = false;
    bool long_mode = false;
    std::string vcd_dir = ".";
};
// Parses argv; prints usage and returns false on a bad argument.
bool parse_options(int argc, char **argv, Options &o);

// splitmix64: small, seedable, identical on every platform.
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next();
    uint64_t below(uint64_t n) { return n ? next() % n : 0; }
    bool chance(double p) { return (double)(next() >> 11) * 0x1.0p-53 < p; }

private:
    uint64_t s_;
};

// Reset pulses of a random stimulus: one cycle from power-on, then, with probability p per
// cycle, a new pulse of 1 to 3 cycles. next() says whether reset is asserted this cycle and
// sets `began` on a random pulse's first cycle, when the bench must drop its pending
// stimulus. Draws from the bench's Rng only when no pulse is running.
class ResetSchedule {
public:
    void power_on()
    {
        left_ = 1;
        pulses_ = 0;
    }
    bool next(Rng &rng, double p, bool &began)
    {
        began = false;
        if (left_ > 0) {
            left_--;
            return true;
        }
        if (!rng.chance(p))
            return false;
        began = true;
        left_ = (unsigned)rng.below(3);
        pulses_++;
        return true;
    }
    uint64_t pulses() const { return pulses_; }

private:
    unsigned left_ = 0;
    uint64_t pulses_ = 0;
};

struct Port {
    std::string name;  // the RTL port name
    unsigned width;    // bits
    bool input;
    unsigned lanes;    // values it carries (lanes of a packed bus), for the statistics
};

// One value per port (in port-table order), as little-endian 32-bit words.
using Words = std::vector<std::vector<uint32_t>>;

// Packs n lanes of `width` bits (lane i at bit i*width) into words, and back.
void pack_lanes(std::vector<uint32_t> &w, const uint64_t *lanes, unsigned n, unsigned width);
void unpack_lanes(const std::vector<uint32_t> &w, uint64_t *lanes, unsigned n, unsigned width);

class Bench {
public:
    virtual ~Bench() = default;
    virtual const std::vector<Port> &ports() const = 0;
    // Cycles at the start whose outputs are not compared: the driver resets the design in
    // them, and registers before the first reset edge hold power-on values.
    virtual uint64_t warmup() const = 0;
    // Rebuilds both models and the driver from the seed (cycle 0 of a run).
    virtual void restart(uint64_t seed) = 0;
    virtual void drive(uint64_t cycle, Words &in) = 0;
    virtual void model_cycle(const Words &in, Words &out) = 0;
    virtual void rtl_cycle(uint64_t cycle, const Words &in, Words &out) = 0;
    // Checks the model's outputs against the block's own oracle (reference GEMM, ...);
    // prints a message and returns false on a functional error. Sets progress when a
    // handshake (command, input beat or output) happened in this cycle.
    virtual bool observe(uint64_t cycle, const Words &in, const Words &out, bool &progress) = 0;
    // Jobs (GEMMs, rows) completed and checked against the oracle since restart().
    virtual uint64_t jobs_checked() const = 0;
    // RTL tracing for the replay, opened right after restart().
    virtual void rtl_trace_open(const std::string &path) = 0;
    virtual void rtl_trace_close() = 0;
    // One line of block-specific statistics for the summary.
    virtual std::string summary() const = 0;
};

// Runs the lockstep loop; returns 0 on success, 1 on a mismatch or functional error.
int main_loop(Bench &b, const std::string &name, const Options &o);

}  // namespace cosim

#endif
