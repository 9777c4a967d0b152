// cosim.cpp: see cosim.hpp.
#include "cosim.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "vcd_writer.h"

namespace cosim {

uint64_t Rng::next()
{
    uint64_t z = (s_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

bool parse_options(int argc, char **argv, Options &o)
{
    bool cycles_given = false;
    const char *env = std::getenv("ASIM_COSIM_LONG");
    o.long_mode = env && *env && std::strcmp(env, "0") != 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!std::strcmp(a, "--long")) {
            o.long_mode = true;
        } else if (!std::strcmp(a, "--seed") && has_value) {
            o.seed = std::strtoull(argv[++i], nullptr, 0);
        } else if (!std::strcmp(a, "--cycles") && has_value) {
            o.cycles = std::strtoull(argv[++i], nullptr, 0);
            cycles_given = true;
        } else if (!std::strcmp(a, "--vcd-dir") && has_value) {
            o.vcd_dir = argv[++i];
        } else {
            std::fprintf(stderr,
                         "usage: %s [--seed N] [--cycles N] [--long] [--vcd-dir DIR]\n"
                         "  --long (or ASIM_COSIM_LONG=1): 10^7 cycles unless --cycles\n",
                         argv[0]);
            return false;
        }
    }
    if (o.long_mode && !cycles_given)
        o.cycles = 10000000;
    return true;
}

void pack_lanes(std::vector<uint32_t> &w, const uint64_t *lanes, unsigned n, unsigned width)
{
    std::fill(w.begin(), w.end(), 0u);
    for (unsigned i = 0; i < n; i++)
        for (unsigned b = 0; b < width; b++)
            if ((lanes[i] >> b) & 1) {
                unsigned bit = i * width + b;
                w[bit / 32] |= 1u << (bit % 32);
            }
}

void unpack_lanes(const std::vector<uint32_t> &w, uint64_t *lanes, unsigned n, unsigned width)
{
    for (unsigned i = 0; i < n; i++) {
        lanes[i] = 0;
        for (unsigned b = 0; b < width; b++) {
            unsigned bit = i * width + b;
            lanes[i] |= (uint64_t)((w[bit / 32] >> (bit % 32)) & 1) << b;
        }
    }
}

static Words make_words(const std::vector<Port> &ports)
{
    Words w(ports.size());
    for (size_t i = 0; i < ports.size(); i++)
        w[i].assign((ports[i].width + 31) / 32, 0u);
    return w;
}

static std::string hex(const std::vector<uint32_t> &w, unsigned width)
{
    std::string s = "0x";
    char buf[16];
    for (size_t i = w.size(); i-- > 0;) {
        unsigned bits = i + 1 == w.size() && width % 32 ? width % 32 : 32;
        std::snprintf(buf, sizeof buf, "%0*x", (int)((bits + 3) / 4), w[i]);
        s += buf;
    }
    return s;
}

// Model-side VCD with the port table's names, plus clk, in scope TOP like Verilator's.
class ModelVcd {
public:
    ModelVcd(const std::string &path, const std::vector<Port> &ports)
    {
        ok_ = cosim_vcd_open(&v_, path.c_str(), "TOP") == 0 && cosim_vcd_add(&v_, "clk", 1) == 0;
        for (const Port &p : ports)
            ok_ = ok_ && cosim_vcd_add(&v_, p.name.c_str(), p.width) == 0;
    }
    ~ModelVcd() { cosim_vcd_close(&v_); }
    bool ok() const { return ok_; }
    // Inputs and outputs of one cycle: clk low at 10c, high at 10c + 5.
    void cycle(uint64_t c, const std::vector<Port> &ports, const Words &in, const Words &out)
    {
        static const uint32_t zero = 0, one = 1;
        cosim_vcd_time(&v_, 10 * c);
        cosim_vcd_value(&v_, 0, &zero);
        for (size_t i = 0; i < ports.size(); i++)
            cosim_vcd_value(&v_, (unsigned)i + 1, ports[i].input ? in[i].data() : out[i].data());
        cosim_vcd_time(&v_, 10 * c + 5);
        cosim_vcd_value(&v_, 0, &one);
    }

private:
    cosim_vcd_t v_;
    bool ok_ = false;
};

struct RunResult {
    uint64_t cycles = 0, values = 0, bits = 0;
    int64_t mismatch = -1;  // cycle of the first mismatch or functional error
};

// One run from cycle 0; stops at the first mismatch, or at `stop` when tracing.
static RunResult run(Bench &b, const Options &o, uint64_t stop, ModelVcd *vcd,
                     const std::string &rtl_vcd, bool report)
{
    const std::vector<Port> &ports = b.ports();
    Words in = make_words(ports), model = make_words(ports), rtl = make_words(ports);
    RunResult r;
    b.restart(o.seed);
    if (vcd)
        b.rtl_trace_open(rtl_vcd);
    for (uint64_t c = 0; c < stop; c++) {
        b.drive(c, in);
        for (size_t i = 0; i < ports.size(); i++)
            if (ports[i].input && ports[i].width % 32)
                in[i].back() &= (1u << (ports[i].width % 32)) - 1;
        b.model_cycle(in, model);
        b.rtl_cycle(c, in, rtl);
        if (vcd)
            vcd->cycle(c, ports, in, model);
        bool same = true;
        for (size_t i = 0; i < ports.size() && c >= b.warmup(); i++) {
            if (ports[i].input)
                continue;
            r.values += ports[i].lanes;
            r.bits += ports[i].width;
            if (model[i] != rtl[i]) {
                same = false;
                if (report)
                    std::printf("cosim: MISMATCH at cycle %" PRIu64 " port %s: expected %s "
                                "(step model), actual %s (RTL)\n",
                                c, ports[i].name.c_str(), hex(model[i], ports[i].width).c_str(),
                                hex(rtl[i], ports[i].width).c_str());
            }
        }
        r.cycles = c + 1;
        if (!same || !b.observe(c, in, model)) {
            if (r.mismatch < 0)
                r.mismatch = (int64_t)c;
            if (!vcd)
                return r;
        }
    }
    return r;
}

int main_loop(Bench &b, const std::string &name, const Options &o)
{
    RunResult r = run(b, o, o.cycles, nullptr, "", true);
    if (r.mismatch < 0) {
        std::printf("cosim %s: PASS seed %" PRIu64 " (%s mode): %" PRIu64 " cycles, %" PRIu64
                    " output values (%" PRIu64 " bits) compared; %s\n",
                    name.c_str(), o.seed, o.long_mode ? "long" : "CI", r.cycles, r.values,
                    r.bits, b.summary().c_str());
        return 0;
    }
    std::string base = o.vcd_dir + "/" + name;
    {
        ModelVcd vcd(base + ".model.vcd", b.ports());
        if (vcd.ok()) {
            run(b, o, (uint64_t)r.mismatch + 3, &vcd, base + ".rtl.vcd", false);
            b.rtl_trace_close();
        }
        std::printf("cosim %s: FAIL seed %" PRIu64 " at cycle %" PRIu64 "; VCD %s: %s.rtl.vcd, "
                    "%s.model.vcd\n",
                    name.c_str(), o.seed, (uint64_t)r.mismatch,
                    vcd.ok() ? "written" : "NOT written", base.c_str(), base.c_str());
    }
    return 1;
}

}  // namespace cosim
