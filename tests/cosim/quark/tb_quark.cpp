// tb_nonlinear.cpp: lockstep cosim of rtl/quark/quark_unit.v against the step model
// (sim/quark/quark_step.c), with every result also checked against the bit-exact C kernels
// (asim_quark_row_kernel: asim_nl_run with impl quark, the tanh and ReLU kernels, a + b and
// a * b). The kernels and the step model share Appro-Exp and Appro-LN (asim_nl_quark_exp /
// _ln), so every row whose real inputs lie in [-8, 8] is also checked against plain double
// math (nl_ref.c: exp, log, erf; std::tanh, max(x, 0)) within the per-mode bounds of
// reference_bound() below, which the kernels' measured worst cases
// (docs/nonlinear-accuracy.md, 8-bit inputs spanning [-8, 8)) set.
//
// One binary per configuration (compile definitions QUARK_N, QUARK_IW, QUARK_MODES, QUARK_NAME and
// the Verilated class QUARK_VCLASS declared in QUARK_VHEADER). Stimulus, all from --seed: a
// directed prologue (every mode on rows of 1, N - 1, N + 1 and 2N + 1 elements; all-equal
// rows: softmax ties and zero-variance LayerNorm; very negative rows; the extreme codes;
// long rows), then random rows of random mode, length, scale and softmax width, issued back
// to back; random stalls of the command and beat streams, phases of output backpressure
// (out_ready low) and rare resets in the middle of a row. Lanes past a row's end carry junk.
// Rows in a mode the unit lacks (QUARK_MODES) must come out as zeros.
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include QUARK_VHEADER
#include "cosim.hpp"
#include "verilated_bench.hpp"

extern "C" {
#include "asim/fixed.h"
#include "nonlinear/nl_kernels.h"
#include "quark/quark_step.h"
}

namespace {

constexpr unsigned N = QUARK_N, IW = QUARK_IW, MODES = QUARK_MODES, HALF = N / 2;

unsigned bits_for(unsigned max_value)
{
    unsigned b = 0;
    while ((1u << b) <= max_value)
        b++;
    return b;
}

enum PortId {
    P_RST, P_OUT_READY, P_CMD_VALID, P_CMD_MODE, P_CMD_LEN, P_CMD_M, P_CMD_E, P_CMD_PB, P_CMD_K,
    P_X_VALID, P_X_DATA,
    P_CMD_READY, P_X_READY, P_BUSY, P_Y_VALID, P_Y_LAST, P_Y_COUNT, P_Y_DATA, P_COUNT
};

std::vector<cosim::Port> port_table()
{
    return {
        {"rst", 1, true, 1}, {"out_ready", 1, true, 1}, {"cmd_valid", 1, true, 1},
        {"cmd_mode", ASIM_QUARK_MODE_BITS, true, 1}, {"cmd_len", ASIM_QUARK_LEN_BITS, true, 1},
        {"cmd_m", 31, true, 1}, {"cmd_e", 6, true, 1}, {"cmd_pb", 5, true, 1},
        {"cmd_k", ASIM_QUARK_K_BITS, true, 1}, {"x_valid", 1, true, 1},
        {"x_data", N * IW, true, N},
        {"cmd_ready", 1, false, 1}, {"x_ready", 1, false, 1}, {"busy", 1, false, 1},
        {"y_valid", 1, false, 1}, {"y_last", 1, false, 1}, {"y_count", bits_for(N), false, 1},
        {"y_data", N * ASIM_QUARK_OUT_BITS, false, N},
    };
}

struct Cmd {
    unsigned mode, pb, e;
    uint32_t len, m;
    uint64_t k;
};

struct Row {
    unsigned id;
    asim_quark_mode_t mode;
    std::vector<int32_t> want;  // kernel outputs
    size_t got = 0;             // outputs received
    std::vector<int32_t> x, b;  // input codes (b: the divisor)
    double scale = 0, out_scale = 0;
    unsigned prob_bits = 0;
};

// How far a QUARK output may be from the double reference for an input x = scale * code in
// [-8, 8], from the published approximations rather than from our code:
// - softmax, GELU, LayerNorm, SiLU, RMSNorm: about 1.5x the kernels' measured worst case
//   (docs/nonlinear-accuracy.md: 0.0121, 0.0421, 0.0298, 0.0417, 0.0312), plus the softmax
//   output's LSB;
// - exp, relative: the 2^f polynomial (1.3% near f = -1) plus Appro-Exp's log2(e) ~= 1.4375
//   (1.4427 exact), off by ln 2 * 0.0052 |x| = 0.36% per unit of |x|;
// - ln: the mantissa polynomial (0.0081 in log2) plus Appro-LN's ln 2 ~= 0.6875 (0.6931
//   exact), off by 0.0057 per unit of log2 of the value it sees. The unit takes the ln of the
//   code and adds ln(scale) (the K register), so that term grows with log2 |code|: up to 0.085
//   for 16-bit codes, beyond the 0.044 that 8-bit codes show in the accuracy table;
// - div, relative: the two ln errors' 0.0057 terms cancel but for log2 |a / b| <= 7; 12%,
//   plus the Q.14 output's LSB for tiny quotients;
// - tanh = 2 sigmoid(2x) - 1: twice the sigmoid's error, 0.03;
// - ReLU: exact.
double reference_bound(asim_quark_mode_t mode, unsigned prob_bits, double ref, double x,
                       int32_t code)
{
    switch (mode) {
    case ASIM_QUARK_SOFTMAX: return 0.02 + std::ldexp(1.0, -(int)prob_bits);
    case ASIM_QUARK_GELU: return 0.065;
    case ASIM_QUARK_LAYERNORM: return 0.045;
    case ASIM_QUARK_EXP: return 0.002 + (0.02 + 0.0055 * std::fabs(x)) * std::fabs(ref);
    case ASIM_QUARK_LN: return 0.012 + 0.0058 * std::log2(std::fabs((double)code));
    case ASIM_QUARK_DIV: return 0.12 * std::fabs(ref) + std::ldexp(1.0, -ASIM_NL_QF);
    case ASIM_QUARK_SILU: return 0.065;
    case ASIM_QUARK_RMSNORM: return 0.047;
    case ASIM_QUARK_RELU: return 0.0;
    default: return 0.03; /* tanh */
    }
}

class NonlinearBench : public cosim::VerilatedBench<QUARK_VCLASS> {
public:
    NonlinearBench() : ports_(port_table()), rng_(1) {}
    ~NonlinearBench() override { asim_quark_step_free(model_); }

    const std::vector<cosim::Port> &ports() const override { return ports_; }
    uint64_t warmup() const override { return 1; }

    void restart(uint64_t seed) override
    {
        new_rtl();
        asim_quark_step_free(model_);
        asim_quark_params_t p = {N, IW, MODES};
        asim_error_t err;
        if (asim_quark_step_create(&p, &model_, &err) != ASIM_OK) {
            std::fprintf(stderr, "%s\n", err.msg);
            std::exit(2);
        }
        rng_ = cosim::Rng(seed);
        clear_driver();
        reset_.power_on();
        next_directed_ = 0;
        for (int m = 0; m < ASIM_QUARK_MODE_COUNT; m++) {
            rows_checked_[m] = rows_vs_reference_[m] = 0;
            worst_ratio_[m] = 0.0;
        }
        phase_left_ = 0;
    }

    void drive(uint64_t cycle, cosim::Words &in) override
    {
        (void)cycle;
        if (phase_left_ == 0)
            new_phase();
        phase_left_--;
        bool began;
        bool rst = reset_.next(rng_, p_reset_, began);
        if (began)
            clear_driver();
        if (!rst && cmds_.size() < 2)
            new_row();
        put(in, P_RST, rst);
        put(in, P_OUT_READY, rng_.chance(p_out_));
        bool cv = !rst && !cmds_.empty() && rng_.chance(p_cmd_);
        Cmd c = cv ? cmds_.front()
                   : Cmd{(unsigned)rng_.below(1u << ASIM_QUARK_MODE_BITS), (unsigned)rng_.below(32), (unsigned)rng_.below(64),
                         (uint32_t)rng_.next(), (uint32_t)rng_.next(), rng_.next()};
        put(in, P_CMD_VALID, cv);
        put(in, P_CMD_MODE, c.mode);
        put(in, P_CMD_LEN, c.len & asim_fx_mask(ASIM_QUARK_LEN_BITS));
        put(in, P_CMD_M, c.m & 0x7fffffffu);
        put(in, P_CMD_E, c.e & 63u);
        put(in, P_CMD_PB, c.pb & 31u);
        put(in, P_CMD_K, c.k & asim_fx_mask(ASIM_QUARK_K_BITS));
        bool xv = !rst && !beats_.empty() && rng_.chance(p_x_);
        put(in, P_X_VALID, xv);
        uint64_t lanes[N];
        for (unsigned i = 0; i < N; i++) {
            uint64_t v = xv ? beats_.front()[i] : JUNK;
            lanes[i] = v == JUNK ? rng_.next() & asim_fx_mask(IW) : v;
        }
        cosim::pack_lanes(in[P_X_DATA], lanes, N, IW);
    }

    void model_cycle(const cosim::Words &in, cosim::Words &out) override
    {
        uint64_t x[N];
        cosim::unpack_lanes(in[P_X_DATA], x, N, IW);
        asim_quark_in_t i = {};
        i.rst = in[P_RST][0];
        i.out_ready = in[P_OUT_READY][0];
        i.cmd_valid = in[P_CMD_VALID][0];
        i.cmd_mode = in[P_CMD_MODE][0];
        i.cmd_len = in[P_CMD_LEN][0];
        i.cmd_m = in[P_CMD_M][0];
        i.cmd_e = in[P_CMD_E][0];
        i.cmd_pb = in[P_CMD_PB][0];
        i.cmd_k = in[P_CMD_K][0] | (uint64_t)in[P_CMD_K][1] << 32;
        i.x_valid = in[P_X_VALID][0];
        i.x_data = x;
        asim_quark_out_t o;
        asim_quark_step(model_, &i, &o);
        put(out, P_CMD_READY, o.cmd_ready);
        put(out, P_X_READY, o.x_ready);
        put(out, P_BUSY, o.busy);
        put(out, P_Y_VALID, o.y_valid);
        put(out, P_Y_LAST, o.y_last);
        put(out, P_Y_COUNT, o.y_count);
        cosim::pack_lanes(out[P_Y_DATA], o.y_data, N, ASIM_QUARK_OUT_BITS);
    }

    bool observe(uint64_t cycle, const cosim::Words &in, const cosim::Words &out,
                 bool &progress) override
    {
        if (in[P_RST][0])
            return true;
        if (in[P_CMD_VALID][0] && out[P_CMD_READY][0]) {
            cmds_.pop_front();
            progress = true;
        }
        if (in[P_X_VALID][0] && out[P_X_READY][0]) {
            beats_.pop_front();
            progress = true;
        }
        if (in[P_OUT_READY][0] && out[P_Y_VALID][0]) {
            progress = true;
            if (!check_outputs(cycle, out))
                return false;
        }
        return true;
    }

    uint64_t jobs_checked() const override
    {
        uint64_t n = 0;
        for (uint64_t r : rows_checked_)
            n += r;
        return n;
    }

    std::string summary() const override
    {
        std::string s = "rows checked against the kernels:";
        for (int m = 0; m < ASIM_QUARK_MODE_COUNT; m++) {
            char b[40];
            std::snprintf(b, sizeof b, " %s %llu", asim_quark_mode_name((asim_quark_mode_t)m),
                          (unsigned long long)rows_checked_[m]);
            s += b;
        }
        s += "; against double math (rows, worst error / bound):";
        for (int m = 0; m < ASIM_QUARK_MODE_COUNT; m++) {
            char b[64];
            if (exact_mode((asim_quark_mode_t)m))
                continue;
            std::snprintf(b, sizeof b, " %s %llu %.2f", asim_quark_mode_name((asim_quark_mode_t)m),
                          (unsigned long long)rows_vs_reference_[m], worst_ratio_[m]);
            s += b;
        }
        char b[40];
        std::snprintf(b, sizeof b, "; %llu resets", (unsigned long long)reset_.pulses());
        return s + b;
    }

protected:
    void set_inputs(QUARK_VCLASS &t, const cosim::Words &in) override
    {
        cosim::vset(t.rst, in[P_RST]);
        cosim::vset(t.out_ready, in[P_OUT_READY]);
        cosim::vset(t.cmd_valid, in[P_CMD_VALID]);
        cosim::vset(t.cmd_mode, in[P_CMD_MODE]);
        cosim::vset(t.cmd_len, in[P_CMD_LEN]);
        cosim::vset(t.cmd_m, in[P_CMD_M]);
        cosim::vset(t.cmd_e, in[P_CMD_E]);
        cosim::vset(t.cmd_pb, in[P_CMD_PB]);
        cosim::vset(t.cmd_k, in[P_CMD_K]);
        cosim::vset(t.x_valid, in[P_X_VALID]);
        cosim::vset(t.x_data, in[P_X_DATA]);
    }

    void get_outputs(QUARK_VCLASS &t, cosim::Words &out) override
    {
        cosim::vget(t.cmd_ready, out[P_CMD_READY]);
        cosim::vget(t.x_ready, out[P_X_READY]);
        cosim::vget(t.busy, out[P_BUSY]);
        cosim::vget(t.y_valid, out[P_Y_VALID]);
        cosim::vget(t.y_last, out[P_Y_LAST]);
        cosim::vget(t.y_count, out[P_Y_COUNT]);
        cosim::vget(t.y_data, out[P_Y_DATA]);
    }

private:
    static void put(cosim::Words &w, int port, uint64_t v)
    {
        w[port][0] = (uint32_t)v;
        if (w[port].size() > 1)
            w[port][1] = (uint32_t)(v >> 32);
    }

    void clear_driver()
    {
        cmds_.clear();
        beats_.clear();
        rows_.clear();
    }

    // Phases of a few thousand cycles: no stalls, light stalls, heavy stalls.
    void new_phase()
    {
        static const double prob[3][3] = {{1, 1, 1}, {0.9, 0.85, 0.9}, {0.5, 0.5, 0.6}};
        int k = (int)rng_.below(3);
        p_cmd_ = prob[k][0];
        p_x_ = prob[k][1];
        p_out_ = prob[k][2];
        p_reset_ = rng_.chance(0.5) ? 0.0 : 1.0 / 15000;
        phase_left_ = 1000 + rng_.below(4000);
    }

    static bool enabled(unsigned mode) { return (MODES >> mode) & 1u; }

    // Modes whose results are exact integers: no double reference needed.
    static bool exact_mode(asim_quark_mode_t mode)
    {
        return mode == ASIM_QUARK_ADD || mode == ASIM_QUARK_MUL;
    }

    int32_t code(int lo, int hi) { return lo + (int32_t)rng_.below((uint64_t)(hi - lo + 1)); }

    // Builds one row (directed prologue first), its command, its beats and its expected
    // outputs.
    void new_row()
    {
        const int lo = (int)asim_fx_min(IW, true), hi = (int)asim_fx_max(IW, true);
        enum Fill { RANDOM, EQUAL, LOWEST, EXTREME };
        struct D { asim_quark_mode_t mode; size_t n; Fill fill; };
        const D directed[] = {
            {ASIM_QUARK_SOFTMAX, 1, RANDOM},        {ASIM_QUARK_LAYERNORM, 1, RANDOM},
            {ASIM_QUARK_GELU, 1, RANDOM},           {ASIM_QUARK_DIV, 1, RANDOM},
            {ASIM_QUARK_SOFTMAX, N - 1, RANDOM},    {ASIM_QUARK_SOFTMAX, N + 1, EQUAL},
            {ASIM_QUARK_LAYERNORM, 2 * N + 1, EQUAL}, {ASIM_QUARK_LAYERNORM, N, EXTREME},
            {ASIM_QUARK_SOFTMAX, 2 * N + 1, LOWEST}, {ASIM_QUARK_SOFTMAX, 3 * N, EXTREME},
            {ASIM_QUARK_GELU, N + 1, EXTREME},      {ASIM_QUARK_TANH, HALF + 1, EXTREME},
            {ASIM_QUARK_EXP, N + 1, EXTREME},       {ASIM_QUARK_LN, N - 1, EXTREME},
            {ASIM_QUARK_DIV, HALF + 1, EXTREME},    {ASIM_QUARK_ADD, N + 1, EXTREME},
            {ASIM_QUARK_SOFTMAX, 197, RANDOM},      {ASIM_QUARK_LAYERNORM, 192, RANDOM},
            {ASIM_QUARK_SILU, 1, RANDOM},           {ASIM_QUARK_SILU, N + 1, EXTREME},
            {ASIM_QUARK_RMSNORM, 1, RANDOM},        {ASIM_QUARK_RMSNORM, N - 1, RANDOM},
            {ASIM_QUARK_RMSNORM, 2 * N + 1, EQUAL}, {ASIM_QUARK_RMSNORM, N, EXTREME},
            {ASIM_QUARK_RMSNORM, 768, RANDOM},      {ASIM_QUARK_RELU, N + 1, EXTREME},
            {ASIM_QUARK_MUL, 1, RANDOM},            {ASIM_QUARK_MUL, HALF + 1, EXTREME},
        };
        asim_quark_mode_t mode;
        size_t n;
        Fill fill = RANDOM;
        if (next_directed_ < sizeof directed / sizeof directed[0]) {
            const D &d = directed[next_directed_++];
            mode = d.mode;
            n = d.n;
            fill = d.fill;
        } else {
            mode = (asim_quark_mode_t)rng_.below(ASIM_QUARK_MODE_COUNT);
            n = rng_.chance(0.05) ? 1 + rng_.below(400) : 1 + rng_.below(5 * N);
            fill = rng_.chance(0.1) ? (rng_.chance(0.5) ? EQUAL : EXTREME) : RANDOM;
        }
        std::vector<int32_t> x(n), b(n);
        int32_t same = code(lo, hi);
        for (size_t i = 0; i < n; i++) {
            switch (fill) {
            case EQUAL: x[i] = same; break;
            case LOWEST: x[i] = rng_.chance(0.5) ? lo : lo + 1; break;
            case EXTREME: x[i] = rng_.chance(0.5) ? lo : hi; break;
            default: x[i] = code(lo, hi); break;
            }
            b[i] = rng_.chance(0.2) ? (rng_.chance(0.5) ? lo : hi) : code(lo, hi);
            if (b[i] == 0)
                b[i] = 1;
            if (mode == ASIM_QUARK_LN && x[i] <= 0)
                x[i] = x[i] == lo ? hi : (x[i] == 0 ? 1 : -x[i]);
        }
        // Scale: a power of two or any value in [2^-14, 2^6], keeping the codes' real range
        // within +-2^10 (the Appro-Exp clamp) most of the time.
        int exp2 = 4 - (int)IW - (int)rng_.below(4);
        double scale = rng_.chance(0.5) ? std::ldexp(1.0, exp2 < -14 ? -14 : exp2)
                                        : std::ldexp(1.0 + (double)rng_.below(1000) / 1000.0,
                                                     -(int)rng_.below(15));
        unsigned pb = 2 + (unsigned)rng_.below(15);
        asim_nl_fmt_t in = {IW, true, scale}, out;
        asim_nl_dyadic_t dy;
        if (asim_nl_dyadic_from(std::ldexp(scale, ASIM_NL_QF), &dy) != ASIM_OK)
            std::abort();
        Row row;
        row.id = next_id_++;
        row.mode = mode;
        row.want.assign(n, 0);
        row.x = x;
        row.b = b;
        row.scale = scale;
        row.prob_bits = pb;
        Cmd c = {mode, pb, dy.e, (uint32_t)n, (uint32_t)dy.m, asim_quark_cmd_k(mode, n, scale)};
        asim_status_t st = ASIM_OK;
        out.scale = 0;
        if (enabled(mode)) /* else zeros */
            st = asim_quark_row_kernel(mode, x.data(), b.data(), n, &in, pb, row.want.data(),
                                       &out);
        row.out_scale = out.scale;
        if (st != ASIM_OK) {
            std::printf("cosim: kernel refused row %u (%s, %zu elements)\n", row.id,
                        asim_quark_mode_name(mode), n);
            std::exit(2);
        }
        cmds_.push_back(c);
        rows_.push_back(row);
        bool pair = enabled(mode) && asim_quark_is_pair(mode);
        unsigned per = pair ? HALF : N;
        unsigned passes = asim_quark_passes(mode, MODES);
        size_t beats = (n + per - 1) / per;
        for (unsigned p = 0; p < passes; p++)
            for (size_t bt = 0; bt < beats; bt++) {
                std::vector<uint64_t> lanes(N, JUNK);
                for (unsigned i = 0; i < N; i++) {
                    size_t e = bt * per + (pair ? i % per : i);
                    if (e < n)
                        lanes[i] = asim_fx_wrap(pair && i >= per ? b[e] : x[e], IW);
                }
                beats_.push_back(lanes);
            }
    }

    bool check_outputs(uint64_t cycle, const cosim::Words &out)
    {
        uint64_t y[N];
        cosim::unpack_lanes(out[P_Y_DATA], y, N, ASIM_QUARK_OUT_BITS);
        unsigned count = out[P_Y_COUNT][0];
        if (rows_.empty()) {
            std::printf("cosim: cycle %llu: output beat with no row pending\n",
                        (unsigned long long)cycle);
            return false;
        }
        Row &r = rows_.front();
        for (unsigned i = 0; i < count; i++, r.got++) {
            int32_t v = (int32_t)asim_fx_value(y[i], ASIM_QUARK_OUT_BITS, true);
            if (r.got >= r.want.size() || v != r.want[r.got]) {
                std::printf("cosim: cycle %llu: row %u (%s, %zu elements) element %zu = %d, "
                            "kernel %d\n",
                            (unsigned long long)cycle, r.id, asim_quark_mode_name(r.mode),
                            r.want.size(), r.got, v,
                            r.got < r.want.size() ? r.want[r.got] : 0);
                return false;
            }
        }
        bool done = r.got == r.want.size();
        if (done != (out[P_Y_LAST][0] != 0)) {
            std::printf("cosim: cycle %llu: row %u y_last %u after %zu of %zu outputs\n",
                        (unsigned long long)cycle, r.id, out[P_Y_LAST][0], r.got,
                        r.want.size());
            return false;
        }
        if (done && enabled(r.mode) && !check_reference(cycle, r))
            return false;
        if (done) {
            rows_checked_[r.mode]++;
            rows_.pop_front();
        }
        return true;
    }

    // The independent oracle: row r's outputs against double math within reference_bound(),
    // for rows whose real inputs (and divisors) lie in [-8, 8] and, for div, whose quotients
    // stay within 128 (the kernels' measured range); other rows and the exact add and
    // multiply are left to the bit-exact check.
    bool check_reference(uint64_t cycle, const Row &r)
    {
        if (exact_mode(r.mode))
            return true;
        size_t n = r.x.size();
        for (size_t i = 0; i < n; i++)
            if (std::fabs(r.scale * r.x[i]) > 8.0 ||
                (r.mode == ASIM_QUARK_DIV && std::fabs(r.scale * r.b[i]) > 8.0))
                return true;
        std::vector<double> v(n), ref(n);
        if (r.mode == ASIM_QUARK_TANH) {
            for (size_t i = 0; i < n; i++)
                ref[i] = std::tanh(r.scale * r.x[i]);
        } else if (r.mode == ASIM_QUARK_RELU) {
            for (size_t i = 0; i < n; i++)
                ref[i] = r.x[i] > 0 ? r.scale * r.x[i] : 0.0;
        } else {
            static const asim_nl_func_t func[] = {
                ASIM_NL_SOFTMAX, ASIM_NL_GELU, ASIM_NL_LAYERNORM, ASIM_NL_EXP, ASIM_NL_LN,
                ASIM_NL_DIV, ASIM_NL_FUNC_COUNT, ASIM_NL_FUNC_COUNT, ASIM_NL_SILU,
                ASIM_NL_RMSNORM};
            asim_nl_ref_codes(func[r.mode], r.x.data(), r.b.data(), n, r.scale, r.scale,
                              v.data(), ref.data());
        }
        for (size_t i = 0; i < n; i++) {
            if (r.mode == ASIM_QUARK_DIV && std::fabs(ref[i]) > 128.0)
                return true;
        }
        double &worst = worst_ratio_[r.mode];
        for (size_t i = 0; i < n; i++) {
            double got = r.out_scale * r.want[i], err = std::fabs(got - ref[i]);
            double bound = reference_bound(r.mode, r.prob_bits, ref[i], r.scale * r.x[i],
                                           r.x[i]);
            worst = err / bound > worst ? err / bound : worst;
            if (err > bound) {
                std::printf("cosim: cycle %llu: row %u (%s, %zu elements, scale %g) element %zu "
                            "= %g, double reference %g: error %g over the bound %g\n",
                            (unsigned long long)cycle, r.id, asim_quark_mode_name(r.mode), n,
                            r.scale, i, got, ref[i], err, bound);
                return false;
            }
        }
        rows_vs_reference_[r.mode]++;
        return true;
    }

    static constexpr uint64_t JUNK = ~0ull;

    std::vector<cosim::Port> ports_;
    cosim::Rng rng_;
    asim_quark_step_t *model_ = nullptr;
    std::deque<Cmd> cmds_;
    std::deque<std::vector<uint64_t>> beats_;
    std::deque<Row> rows_;
    unsigned next_id_ = 0;
    cosim::ResetSchedule reset_;
    size_t next_directed_ = 0;
    uint64_t rows_checked_[ASIM_QUARK_MODE_COUNT] = {}, phase_left_ = 0;
    uint64_t rows_vs_reference_[ASIM_QUARK_MODE_COUNT] = {};
    double worst_ratio_[ASIM_QUARK_MODE_COUNT] = {}; // largest error / bound seen
    double p_cmd_ = 1, p_x_ = 1, p_out_ = 1, p_reset_ = 0;
};

}  // namespace

int main(int argc, char **argv)
{
    cosim::Options o;
    if (!cosim::parse_options(argc, argv, o))
        return 2;
    NonlinearBench b;
    return cosim::main_loop(b, QUARK_NAME, o);
}
