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

#ifndef COSIM_DEFAULT_SEED
#define COSIM_DEFAULT_SEED 1
#endif

// A whole unsigned number (decimal, 0x hex), or false.
static bool parse_u64(const char *text, uint64_t &v)
{
    char *end = nullptr;
    if (!*text || *text == '-')
        return false;
    v = std::strtoull(text, &end, 0);
    return *end == '\0';
}

bool parse_options(int argc, char **argv, Options &o)
{
    bool seeds_given = false, hang_given = false, ok = true;
    const char *env = std::getenv("ASIM_COSIM_LONG");
    o.long_mode = env && *env && std::strcmp(env, "0") != 0;
    const char *seed_env = std::getenv("ASIM_COSIM_SEED");
    o.seed = COSIM_DEFAULT_SEED;
    if (seed_env && *seed_env && !parse_u64(seed_env, o.seed)) {
        std::fprintf(stderr, "ASIM_COSIM_SEED='%s' is not a number\n", seed_env);
        return false;
    }
    for (int i = 1; i < argc && ok; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!std::strcmp(a, "--long")) {
            o.long_mode = true;
        } else if (!std::strcmp(a, "--dead")) {
            o.dead = true;
        } else if (!std::strcmp(a, "--seed") && has_value) {
            ok = parse_u64(argv[++i], o.seed);
        } else if (!std::strcmp(a, "--seeds") && has_value) {
            ok = parse_u64(argv[++i], o.seeds) && o.seeds > 0;
            seeds_given = true;
        } else if (!std::strcmp(a, "--cycles") && has_value) {
            ok = parse_u64(argv[++i], o.cycles) && o.cycles > 0;
        } else if (!std::strcmp(a, "--hang-limit") && has_value) {
            ok = parse_u64(argv[++i], o.hang_limit);
            hang_given = true;
        } else if (!std::strcmp(a, "--vcd-dir") && has_value) {
            o.vcd_dir = argv[++i];
        } else {
            ok = false;
        }
    }
    if (o.long_mode) {
        o.cycles *= 25; /* CI's 40000 become 10^6 */
        if (!seeds_given)
            o.seeds = 10;
    }
    if (!hang_given && o.hang_limit >= o.cycles)
        o.hang_limit = o.cycles / 2; /* a short run keeps a guard that can fire */
    if (ok && o.hang_limit >= o.cycles) {
        std::fprintf(stderr, "--hang-limit %llu must be below the run length (--cycles %llu), "
                             "or the guard could never fire\n",
                     (unsigned long long)o.hang_limit, (unsigned long long)o.cycles);
        return false;
    }
    if (!ok)
        std::fprintf(stderr,
                     "usage: %s [--seed N] [--seeds N] [--cycles N] [--hang-limit N] [--dead] "
                     "[--long] [--vcd-dir DIR]\n"
                     "  --long (or ASIM_COSIM_LONG=1): 25x the cycles, 10 seeds unless --seeds\n",
                     argv[0]);
    return ok;
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
    uint64_t cycles = 0, values = 0, bits = 0, busy = 0, longest_idle = 0;
    int64_t mismatch = -1;  // cycle of the first mismatch or functional error
};

static bool ends_with(const std::string &s, const char *suffix)
{
    size_t n = std::strlen(suffix);
    return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

// One run of `seed` from cycle 0; stops at the first mismatch, functional error or hang, or
// at `stop` when tracing.
static RunResult run(Bench &b, const Options &o, uint64_t seed, uint64_t stop, ModelVcd *vcd,
                     const std::string &rtl_vcd, bool report)
{
    const std::vector<Port> &ports = b.ports();
    Words in = make_words(ports), model = make_words(ports), rtl = make_words(ports);
    RunResult r;
    size_t busy_port = ports.size();
    for (size_t i = 0; i < ports.size(); i++)
        if (!ports[i].input && ports[i].name == "busy")
            busy_port = i;
    uint64_t idle = 0;
    b.restart(seed);
    if (vcd)
        b.rtl_trace_open(rtl_vcd);
    for (uint64_t c = 0; c < stop; c++) {
        b.drive(c, in);
        for (size_t i = 0; i < ports.size(); i++) {
            if (ports[i].input && ports[i].width % 32)
                in[i].back() &= (1u << (ports[i].width % 32)) - 1;
            if (o.dead && ports[i].input && ends_with(ports[i].name, "_valid"))
                std::fill(in[i].begin(), in[i].end(), 0u);
        }
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
        if (busy_port < ports.size() && model[busy_port][0])
            r.busy++;
        bool progress = false, ok = same && b.observe(c, in, model, progress);
        idle = progress ? 0 : idle + 1;
        r.longest_idle = idle > r.longest_idle ? idle : r.longest_idle;
        if (ok && o.hang_limit && idle > o.hang_limit && c >= b.warmup()) {
            if (report)
                std::printf("cosim: cycle %" PRIu64 ": no handshake for %" PRIu64
                            " cycles (hang)\n", c, o.hang_limit);
            ok = false;
        }
        if (!ok) {
            if (r.mismatch < 0)
                r.mismatch = (int64_t)c;
            if (!vcd)
                return r;
        }
    }
    return r;
}

// The minimum activity of a completed run (cosim.hpp); prints why not.
static bool lively(const Bench &b, const RunResult &r)
{
    uint64_t want_jobs = 1 + r.cycles / 10000, jobs = b.jobs_checked();
    if (jobs >= want_jobs && 4 * r.busy >= r.cycles)
        return true;
    std::printf("cosim: too little activity: %" PRIu64 " jobs checked (at least %" PRIu64
                "), busy %" PRIu64 " of %" PRIu64 " cycles (at least 25%%)\n",
                jobs, want_jobs, r.busy, r.cycles);
    return false;
}

// One seed: the run, then on failure the replay that writes both VCDs. 0 = pass.
static int run_seed(Bench &b, const std::string &name, const Options &o, uint64_t seed)
{
    RunResult r = run(b, o, seed, o.cycles, nullptr, "", true);
    if (r.mismatch < 0 && lively(b, r)) {
        std::printf("cosim %s: PASS seed %" PRIu64 " (%s mode): %" PRIu64 " cycles, %" PRIu64
                    " output values (%" PRIu64 " bits) compared, busy %.0f%%, longest gap "
                    "between handshakes %" PRIu64 " cycles; %s\n",
                    name.c_str(), seed, o.long_mode ? "long" : "CI", r.cycles, r.values,
                    r.bits, 100.0 * (double)r.busy / (double)r.cycles, r.longest_idle,
                    b.summary().c_str());
        return 0;
    }
    if (r.mismatch < 0) {
        std::printf("cosim %s: FAIL seed %" PRIu64 " (reproduce: --seed %" PRIu64
                    " --seeds 1 --cycles %" PRIu64 ")\n",
                    name.c_str(), seed, seed, o.cycles);
        return 1;
    }
    std::string base = o.vcd_dir + "/" + name;
    ModelVcd vcd(base + ".model.vcd", b.ports());
    if (vcd.ok()) {
        run(b, o, seed, (uint64_t)r.mismatch + 3, &vcd, base + ".rtl.vcd", false);
        b.rtl_trace_close();
    }
    std::printf("cosim %s: FAIL seed %" PRIu64 " at cycle %" PRIu64 " (reproduce: --seed %" PRIu64
                " --seeds 1); VCD %s: %s.rtl.vcd, %s.model.vcd\n",
                name.c_str(), seed, (uint64_t)r.mismatch, seed,
                vcd.ok() ? "written" : "NOT written", base.c_str(), base.c_str());
    return 1;
}

int main_loop(Bench &b, const std::string &name, const Options &o)
{
    for (uint64_t i = 0; i < o.seeds; i++)
        if (run_seed(b, name, o, o.seed + i) != 0)
            return 1;
    return 0;
}

}  // namespace cosim
