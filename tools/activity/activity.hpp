// activity.hpp: the stimulus of the switching-activity benches (tools/activity/README.md).
// Each bench drives one block's Verilated RTL with every stream always valid and out_ready
// high (the job model's steady state), from a seeded generator, in one of two data sets:
//   random     every data bit uniform
//   realistic  activations ~ N(0, 1) quantized symmetric to `bits` bits over +-3 sigma
//              (clipped), weights of binary engines +-1 with p = 1/2, multi-bit weights like
//              activations
// and writes a VCD of every signal, one sample per clock cycle after the edge (zero-delay
// values, no glitches, as a SAIF from a functional simulation), over `cycles` steady-state
// cycles plus the sample before them (the reset and the first `warm` cycles are left out).
#ifndef ASIM_ACTIVITY_HPP
#define ASIM_ACTIVITY_HPP

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "verilated.h"
#include "verilated_vcd_c.h"

namespace activity {

// xorshift64*: small, seeded, the same sequence on every host.
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed * 2685821657736338717ull + 1) {}
    uint64_t next()
    {
        s_ ^= s_ >> 12;
        s_ ^= s_ << 25;
        s_ ^= s_ >> 27;
        return s_ * 2685821657736338717ull;
    }
    double uniform() { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }
    // Box-Muller, one value per call.
    double gauss()
    {
        double u = uniform(), v = uniform();
        return std::sqrt(-2.0 * std::log(u + 1e-300)) * std::cos(6.283185307179586 * v);
    }

private:
    uint64_t s_;
};

// A bits-wide two's-complement code of one value of the data set (masked to bits).
inline uint64_t code(Rng &rng, bool realistic, unsigned bits)
{
    uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    if (!realistic)
        return rng.next() & mask;
    if (bits == 1)
        return rng.gauss() >= 0.0;  // the sign: +1 / -1
    double top = (double)((1ll << (bits - 1)) - 1);
    double q = std::nearbyint(rng.gauss() / 3.0 * top);
    q = q > top ? top : q < -top - 1 ? -top - 1 : q;
    return (uint64_t)(int64_t)q & mask;
}

// Packs `count` codes of `bits` bits into a little-endian word array (Verilator's layout).
template <typename W>
inline void pack(W *words, unsigned nwords, Rng &rng, bool realistic, unsigned bits,
                 unsigned count)
{
    std::memset(words, 0, sizeof(W) * nwords);
    for (unsigned i = 0; i < count; i++) {
        uint64_t c = code(rng, realistic, bits);
        for (unsigned b = 0; b < bits; b++)
            if (c >> b & 1) {
                unsigned bit = i * bits + b;
                words[bit / (8 * sizeof(W))] |= (W)1 << (bit % (8 * sizeof(W)));
            }
    }
}

// fill(port, ...): `count` codes into a Verilated port of any width.
template <typename T>
inline void fill(T &port, Rng &rng, bool realistic, unsigned bits, unsigned count)
{
    uint64_t w;
    pack(&w, 1, rng, realistic, bits, count);
    port = (T)w;
}

template <std::size_t N>
inline void fill(VlWide<N> &port, Rng &rng, bool realistic, unsigned bits, unsigned count)
{
    pack(port.data(), (unsigned)N, rng, realistic, bits, count);
}

struct Args {
    std::string mode, data, out;
    uint64_t cycles = 4000, warm = 200, seed = 1;
};

inline Args parse(int argc, char **argv, const char *usage)
{
    Args a;
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s %s DATA CYCLES SEED VCD_FILE\n", argv[0], usage);
        std::exit(2);
    }
    a.mode = argv[1];
    a.data = argv[2];
    a.cycles = std::strtoull(argv[3], nullptr, 10);
    a.seed = std::strtoull(argv[4], nullptr, 10);
    a.out = argv[5];
    if (a.data != "random" && a.data != "realistic") {
        std::fprintf(stderr, "%s: data must be random or realistic, got '%s'\n", argv[0],
                     argv[2]);
        std::exit(2);
    }
    if (a.cycles == 0) {
        std::fprintf(stderr, "%s: CYCLES must be a positive integer, got '%s'\n", argv[0],
                     argv[3]);
        std::exit(2);
    }
    return a;
}

// Runs top for reset + warm + cycles rising edges; drive(top) sets the inputs, evaluated
// with the edge. The VCD holds the samples after edges warm .. warm + cycles.
template <typename Top, typename Drive>
inline void run(VerilatedContext &ctx, Top &top, const Args &a, Drive drive)
{
    ctx.traceEverOn(true);
    VerilatedVcdC vcd;
    top.trace(&vcd, 99);
    vcd.open(a.out.c_str());
    top.clk = 0;
    top.rst = 1;
    top.eval();
    for (int i = 0; i < 2; i++) {
        top.clk = 1;
        top.eval();
        top.clk = 0;
        top.eval();
    }
    top.rst = 0;
    for (uint64_t c = 0; c <= a.warm + a.cycles; c++) {
        drive(top);  // the new inputs arrive with the edge, as from registers upstream
        top.clk = 1;
        top.eval();
        if (c >= a.warm)
            vcd.dump(c - a.warm);
        top.clk = 0;
        top.eval();
    }
    vcd.close();
}

}  // namespace activity

#endif
