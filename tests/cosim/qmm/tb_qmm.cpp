// tb_qmm.cpp: lockstep cosim of rtl/qmm/qmm_engine.v against the step model
// (sim/qmm/qmm_step.c), with every group of outputs checked against a plain C reference:
// the integer GEMM (ref_gemm), wrapped to the accumulator width, then the requantizer
// (asim_fx_requant).
//
// One binary per engine configuration (compile definitions QMM_D, QMM_L, QMM_ACCW, QMM_M0W,
// QMM_BTW, QMM_SHW, QMM_OW, QMM_NAME, and the Verilated class QMM_VCLASS declared in
// QMM_VHEADER). Stimulus, all from --seed: a directed prologue (every activation precision,
// signed and unsigned, binary B and 2..8-bit B, with K = 1, K one over P(A), N one over D,
// and extreme operands, multipliers and column constants), then random jobs with
// corner-heavy shapes issued back to back; random stalls on the command and input streams
// and on out_ready (backpressure), and rare resets in the middle of a job. Bits the engine
// must ignore (elements past K, bus bits above P(A) elements, DPUs without a column, column
// constants off a group's last beat) carry random junk.
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include QMM_VHEADER

#include "cosim.hpp"
#include "ref_gemm.h"
#include "verilated_bench.hpp"

extern "C" {
#include "asim/fixed.h"
#include "qmm/qmm_step.h"
}

namespace {

constexpr unsigned D = QMM_D, L = QMM_L, ACCW = QMM_ACCW, M0W = QMM_M0W, BTW = QMM_BTW,
                   SHW = QMM_SHW, OW = QMM_OW, DIMW = 16;

enum PortId {
    P_RST, P_CMD_VALID, P_CMD_M, P_CMD_N, P_CMD_K, P_CMD_AMODE, P_CMD_ASIGNED, P_CMD_BBIN,
    P_CMD_BBITS, P_CMD_BSIGNED, P_CMD_M0, P_CMD_SHIFT, P_IN_VALID, P_IN_ACT, P_IN_B,
    P_IN_BETA, P_OUT_READY,
    P_CMD_READY, P_IN_READY, P_OUT_VALID, P_OUT_KEEP, P_OUT_DATA, P_BUSY, P_COUNT
};

std::vector<cosim::Port> port_table()
{
    return {
        {"rst", 1, true, 1}, {"cmd_valid", 1, true, 1}, {"cmd_m", DIMW, true, 1},
        {"cmd_n", DIMW, true, 1}, {"cmd_k", DIMW, true, 1}, {"cmd_amode", 2, true, 1},
        {"cmd_asigned", 1, true, 1}, {"cmd_bbin", 1, true, 1}, {"cmd_bbits", 4, true, 1},
        {"cmd_bsigned", 1, true, 1}, {"cmd_m0", M0W, true, 1}, {"cmd_shift", SHW, true, 1},
        {"in_valid", 1, true, 1}, {"in_act", 8 * L, true, L}, {"in_b", D * 8 * L, true, D},
        {"in_beta", D * BTW, true, D}, {"out_ready", 1, true, 1},
        {"cmd_ready", 1, false, 1}, {"in_ready", 1, false, 1}, {"out_valid", 1, false, 1},
        {"out_keep", D, false, D}, {"out_data", D * OW, false, D}, {"busy", 1, false, 1},
    };
}

struct Cmd {
    uint32_t m, n, k;
    unsigned amode, bbits, shift;
    bool asigned, bbin, bsigned;
    uint64_t m0;  // raw M0W bits
};

struct Job {
    unsigned id;
    Cmd cmd;
    std::vector<uint64_t> a_raw, b_raw;  // A-bit and b-bit codes, row-major
    std::vector<uint64_t> beta_raw;      // per column, raw BTW bits
    std::vector<int64_t> expect;         // requantized reference, per output
    size_t groups_left;
};

struct Group {
    std::shared_ptr<Job> job;
    size_t row, col0;
    unsigned cols;
};

struct Beat {
    std::vector<uint8_t> act, b;   // L and D x L bytes, junk where ignored
    std::vector<uint64_t> beta;    // D raw fields
};

class QmmBench : public cosim::VerilatedBench<QMM_VCLASS> {
public:
    QmmBench() : ports_(port_table()), rng_(1) {}
    ~QmmBench() override { asim_qmm_step_free(model_); }

    const std::vector<cosim::Port> &ports() const override { return ports_; }
    uint64_t warmup() const override { return 1; }

    void restart(uint64_t seed) override
    {
        new_rtl();
        asim_qmm_step_free(model_);
        asim_qmm_params_t p = {D, L, ACCW, M0W, BTW, SHW, OW, DIMW, DIMW, DIMW};
        asim_error_t err;
        if (asim_qmm_step_create(&p, &model_, &err) != ASIM_OK) {
            std::fprintf(stderr, "%s\n", err.msg);
            std::exit(2);
        }
        rng_ = cosim::Rng(seed);
        clear_driver();
        reset_.power_on();  // cycle 0: reset from power-on
        next_directed_ = 0;
        jobs_checked_ = groups_checked_ = beats_ = phase_left_ = saturated_ = 0;
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
        if (!rst && cmds_.size() < 2 && beats_q_.size() < 4096)
            new_job();
        put(in, P_RST, rst);
        bool cv = !rst && !cmds_.empty() && rng_.chance(p_cmd_);
        Cmd c = cv ? cmds_.front()
                   : Cmd{(uint32_t)rng_.next(), (uint32_t)rng_.next(), (uint32_t)rng_.next(),
                         (unsigned)rng_.next(), (unsigned)rng_.next(), (unsigned)rng_.next(),
                         rng_.chance(0.5), rng_.chance(0.5), rng_.chance(0.5), rng_.next()};
        put(in, P_CMD_VALID, cv);
        put(in, P_CMD_M, c.m);
        put(in, P_CMD_N, c.n);
        put(in, P_CMD_K, c.k);
        put(in, P_CMD_AMODE, c.amode);
        put(in, P_CMD_ASIGNED, c.asigned);
        put(in, P_CMD_BBIN, c.bbin);
        put(in, P_CMD_BBITS, c.bbits);
        put(in, P_CMD_BSIGNED, c.bsigned);
        put(in, P_CMD_M0, c.m0);
        put(in, P_CMD_SHIFT, c.shift);
        bool iv = !rst && !beats_q_.empty() && rng_.chance(p_in_);
        Beat junk;
        const Beat &b = iv ? beats_q_.front() : (junk = junk_beat());
        put(in, P_IN_VALID, iv);
        pack_bytes(in[P_IN_ACT], b.act);
        pack_bytes(in[P_IN_B], b.b);
        cosim::pack_lanes(in[P_IN_BETA], b.beta.data(), D, BTW);
        put(in, P_OUT_READY, rng_.chance(p_out_));
    }

    void model_cycle(const cosim::Words &in, cosim::Words &out) override
    {
        std::vector<uint8_t> act(L), b(D * L);
        uint64_t beta[D];
        unpack_bytes(in[P_IN_ACT], act);
        unpack_bytes(in[P_IN_B], b);
        cosim::unpack_lanes(in[P_IN_BETA], beta, D, BTW);
        asim_qmm_in_t i = {};
        i.rst = in[P_RST][0];
        i.out_ready = in[P_OUT_READY][0];
        i.cmd_valid = in[P_CMD_VALID][0];
        i.cmd_m = in[P_CMD_M][0];
        i.cmd_n = in[P_CMD_N][0];
        i.cmd_k = in[P_CMD_K][0];
        i.cmd_amode = in[P_CMD_AMODE][0];
        i.cmd_asigned = in[P_CMD_ASIGNED][0];
        i.cmd_bbin = in[P_CMD_BBIN][0];
        i.cmd_bbits = in[P_CMD_BBITS][0];
        i.cmd_bsigned = in[P_CMD_BSIGNED][0];
        i.cmd_m0 = word64(in[P_CMD_M0]);
        i.cmd_shift = in[P_CMD_SHIFT][0];
        i.in_valid = in[P_IN_VALID][0];
        i.in_act = act.data();
        i.in_b = b.data();
        i.in_beta = beta;
        asim_qmm_out_t o;
        asim_qmm_step(model_, &i, &o);
        put(out, P_CMD_READY, o.cmd_ready);
        put(out, P_IN_READY, o.in_ready);
        put(out, P_OUT_VALID, o.out_valid);
        put(out, P_BUSY, o.busy);
        uint64_t keep[D];
        for (unsigned d = 0; d < D; d++)
            keep[d] = o.out_keep[d];
        cosim::pack_lanes(out[P_OUT_KEEP], keep, D, 1);
        cosim::pack_lanes(out[P_OUT_DATA], o.out_data, D, OW);
    }

    void set_inputs(QMM_VCLASS &t, const cosim::Words &in) override
    {
        cosim::vset(t.rst, in[P_RST]);
        cosim::vset(t.cmd_valid, in[P_CMD_VALID]);
        cosim::vset(t.cmd_m, in[P_CMD_M]);
        cosim::vset(t.cmd_n, in[P_CMD_N]);
        cosim::vset(t.cmd_k, in[P_CMD_K]);
        cosim::vset(t.cmd_amode, in[P_CMD_AMODE]);
        cosim::vset(t.cmd_asigned, in[P_CMD_ASIGNED]);
        cosim::vset(t.cmd_bbin, in[P_CMD_BBIN]);
        cosim::vset(t.cmd_bbits, in[P_CMD_BBITS]);
        cosim::vset(t.cmd_bsigned, in[P_CMD_BSIGNED]);
        cosim::vset(t.cmd_m0, in[P_CMD_M0]);
        cosim::vset(t.cmd_shift, in[P_CMD_SHIFT]);
        cosim::vset(t.in_valid, in[P_IN_VALID]);
        cosim::vset(t.in_act, in[P_IN_ACT]);
        cosim::vset(t.in_b, in[P_IN_B]);
        cosim::vset(t.in_beta, in[P_IN_BETA]);
        cosim::vset(t.out_ready, in[P_OUT_READY]);
    }

    void get_outputs(QMM_VCLASS &t, cosim::Words &out) override
    {
        cosim::vget(t.cmd_ready, out[P_CMD_READY]);
        cosim::vget(t.in_ready, out[P_IN_READY]);
        cosim::vget(t.out_valid, out[P_OUT_VALID]);
        cosim::vget(t.out_keep, out[P_OUT_KEEP]);
        cosim::vget(t.out_data, out[P_OUT_DATA]);
        cosim::vget(t.busy, out[P_BUSY]);
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
        if (in[P_IN_VALID][0] && out[P_IN_READY][0]) {
            beats_q_.pop_front();
            beats_++;
            progress = true;
        }
        if (in[P_OUT_READY][0] && out[P_OUT_VALID][0]) {
            progress = true;
            if (!check_group(cycle, out))
                return false;
        }
        return true;
    }

    uint64_t jobs_checked() const override { return jobs_checked_; }

    std::string summary() const override
    {
        char s[240];
        std::snprintf(s, sizeof s,
                      "%llu jobs and %llu output groups checked against the reference GEMM + "
                      "requantizer (%llu outputs saturated), %llu beats, %llu resets",
                      (unsigned long long)jobs_checked_, (unsigned long long)groups_checked_,
                      (unsigned long long)saturated_, (unsigned long long)beats_,
                      (unsigned long long)reset_.pulses());
        return s;
    }

private:
    static void put(cosim::Words &w, int port, uint64_t v)
    {
        w[port][0] = (uint32_t)v;
        if (w[port].size() > 1)
            w[port][1] = (uint32_t)(v >> 32);
    }

    static uint64_t word64(const std::vector<uint32_t> &w)
    {
        return w[0] | (w.size() > 1 ? (uint64_t)w[1] << 32 : 0);
    }

    static void pack_bytes(std::vector<uint32_t> &w, const std::vector<uint8_t> &bytes)
    {
        std::fill(w.begin(), w.end(), 0u);
        for (size_t i = 0; i < bytes.size(); i++)
            w[i / 4] |= (uint32_t)bytes[i] << (8 * (i % 4));
    }

    static void unpack_bytes(const std::vector<uint32_t> &w, std::vector<uint8_t> &bytes)
    {
        for (size_t i = 0; i < bytes.size(); i++)
            bytes[i] = (uint8_t)(w[i / 4] >> (8 * (i % 4)));
    }

    void clear_driver()
    {
        cmds_.clear();
        beats_q_.clear();
        groups_.clear();
    }

    // Stall/backpressure phases of a few thousand cycles: no stalls, light, heavy.
    void new_phase()
    {
        static const double prob[3][3] = {{1, 1, 1}, {0.9, 0.85, 0.9}, {0.5, 0.4, 0.5}};
        int k = (int)rng_.below(3);
        p_cmd_ = prob[k][0];
        p_in_ = prob[k][1];
        p_out_ = prob[k][2];
        p_reset_ = rng_.chance(0.5) ? 0.0 : 1.0 / 20000;
        phase_left_ = 1000 + rng_.below(4000);
    }

    Beat junk_beat()
    {
        Beat b;
        b.act.resize(L);
        b.b.resize(D * L);
        b.beta.resize(D);
        for (auto &x : b.act)
            x = (uint8_t)rng_.next();
        for (auto &x : b.b)
            x = (uint8_t)rng_.next();
        for (auto &x : b.beta)
            x = rng_.next() & asim_fx_mask(BTW);
        return b;
    }

    // A field of `bits`, as a raw code: extreme (min or max) or uniform.
    uint64_t code(unsigned bits, bool sign, bool extreme)
    {
        int64_t lo = asim_fx_min(bits, sign), hi = asim_fx_max(bits, sign);
        int64_t v = extreme || rng_.chance(0.1) ? (rng_.chance(0.5) ? lo : hi)
                                                : lo + (int64_t)rng_.below((uint64_t)(hi - lo + 1));
        return asim_fx_wrap(v, bits);
    }

    // A dimension folded `len` at a time, corners first.
    size_t pick_dim(size_t len)
    {
        const size_t corners[] = {1, len, len + 1, 2 * len, len > 1 ? len - 1 : 1};
        if (rng_.chance(0.5))
            return corners[rng_.below(sizeof corners / sizeof corners[0])];
        return 1 + rng_.below(3 * len);
    }

    static unsigned elems_per_step(unsigned amode) { return 8 * L >> amode; }

    // Activation value of a raw A-bit code (A = 1 signed is +1/-1).
    static int64_t act_value(uint64_t raw, unsigned a_bits, bool sign)
    {
        if (a_bits == 1 && sign)
            return raw ? 1 : -1;
        return asim_fx_value(raw, a_bits, sign);
    }

    // The directed prologue: job i of 4 precisions x 2 signedness x 8 B modes (binary, 2..8
    // bits), each with a corner shape; every third one with extreme operands.
    bool directed(size_t i, Cmd &c, bool &extreme)
    {
        if (i >= 64)
            return false;
        c.amode = (unsigned)(i / 16);
        c.asigned = (i / 8) % 2;
        unsigned bm = (unsigned)(i % 8);
        c.bbin = bm == 0;
        c.bbits = c.bbin ? 1 : bm + 1;
        c.bsigned = i % 3 != 0;
        unsigned p = elems_per_step(c.amode);
        const uint32_t shapes[4][3] = {{1, 1, 1}, {2, D + 1, p + 1}, {1, 2 * D, 2 * p},
                                       {2, D > 1 ? D - 1 : 1, p > 1 ? p - 1 : 1}};
        const uint32_t *s = shapes[i % 4];
        c.m = s[0];
        c.n = s[1];
        c.k = s[2];
        extreme = i % 3 == 1;
        return true;
    }

    void new_job()
    {
        auto job = std::make_shared<Job>();
        job->id = next_id_++;
        Cmd &c = job->cmd;
        bool extreme = false;
        if (!directed(next_directed_++, c, extreme)) {
            c.amode = (unsigned)rng_.below(4);
            c.asigned = rng_.chance(0.5);
            c.bbin = rng_.chance(0.5);
            c.bbits = c.bbin ? 1 : 1 + (unsigned)rng_.below(8);
            c.bsigned = rng_.chance(0.5);
            c.m = 1 + (uint32_t)rng_.below(3);
            c.n = (uint32_t)pick_dim(D);
            c.k = (uint32_t)pick_dim(elems_per_step(c.amode));
            extreme = rng_.chance(0.1);
        }
        unsigned a_bits = 1u << c.amode, b_bits = c.bbin ? 1 : c.bbits;
        job->a_raw.resize((size_t)c.m * c.k);
        job->b_raw.resize((size_t)c.k * c.n);
        for (auto &x : job->a_raw)
            x = code(a_bits, c.asigned, extreme);
        for (auto &x : job->b_raw)
            x = code(b_bits, !c.bbin && c.bsigned, extreme);
        // Requantizer: m0 and shift put typical dot products into the output range, so both
        // rounding and (on extreme values) saturation happen.
        int64_t m0 = (int64_t)code(M0W, true, extreme && rng_.chance(0.5));
        m0 = asim_fx_value((uint64_t)m0, M0W, true);
        unsigned dot_bits = a_bits + b_bits + (unsigned)asim_fx_lod(c.k) / 2 + 1;
        int est = (int)dot_bits + (int)M0W - (int)OW;
        int max_shift = (int)asim_fx_mask(SHW);
        int sh = est - 3 + (int)rng_.below(7);
        c.shift = (unsigned)(sh < 0 ? 0 : sh > max_shift ? max_shift : sh);
        if (extreme && rng_.chance(0.3))
            c.shift = rng_.chance(0.5) ? 0 : (unsigned)max_shift;
        // Exact rounding ties in one job of ten: m0 = +-k 2^shift (k = 1..3) and beta = 2^(shift
        // - 1) mod 2^shift make every output that does not saturate a tie, which the
        // requantizer must round up (random m0 and beta almost never give one).
        bool ties = !extreme && max_shift >= 1 && rng_.chance(0.1);
        if (ties) {
            unsigned top = M0W - 3 < (unsigned)max_shift ? M0W - 3 : (unsigned)max_shift;
            c.shift = 1 + (unsigned)rng_.below(top);
            int64_t k = 1 + (int64_t)rng_.below(3);
            m0 = (rng_.chance(0.5) ? -k : k) * (INT64_C(1) << c.shift);
        }
        c.m0 = asim_fx_wrap(m0, M0W);
        job->beta_raw.resize(c.n);
        for (auto &x : job->beta_raw) {
            int64_t span = INT64_C(1) << (c.shift + OW < BTW ? c.shift + OW : BTW - 1);
            int64_t v = extreme ? asim_fx_value(code(BTW, true, true), BTW, true)
                                : (int64_t)rng_.below((uint64_t)span) - span / 2;
            if (ties)
                v = v - (v & ((INT64_C(1) << c.shift) - 1)) + (INT64_C(1) << (c.shift - 1));
            x = asim_fx_wrap(v, BTW);
        }
        reference(*job);
        issue(job);
        cmds_.push_back(c);
    }

    // Reference: integer GEMM of the operand values, wrapped to ACCW, then requantized.
    void reference(Job &g)
    {
        const Cmd &c = g.cmd;
        unsigned a_bits = 1u << c.amode;
        std::vector<int64_t> a(g.a_raw.size()), b(g.b_raw.size()), dot((size_t)c.m * c.n);
        for (size_t i = 0; i < a.size(); i++)
            a[i] = act_value(g.a_raw[i], a_bits, c.asigned);
        for (size_t i = 0; i < b.size(); i++)
            b[i] = c.bbin ? (g.b_raw[i] ? 1 : -1) : asim_fx_value(g.b_raw[i], c.bbits, c.bsigned);
        cosim_ref_gemm(c.m, c.n, c.k, a.data(), b.data(), dot.data());
        g.expect.resize(dot.size());
        int64_t m0 = asim_fx_value(c.m0, M0W, true);
        for (size_t i = 0; i < dot.size(); i++) {
            int64_t d = asim_fx_value(asim_fx_wrap(dot[i], ACCW), ACCW, true);
            g.expect[i] = asim_fx_requant(d, m0, asim_fx_value(g.beta_raw[i % c.n], BTW, true),
                                          c.shift, OW);
        }
    }

    // Beats (rows, groups, passes, steps) and the expected output groups of a job.
    void issue(const std::shared_ptr<Job> &job)
    {
        const Job &g = *job;
        const Cmd &c = g.cmd;
        unsigned a_bits = 1u << c.amode, p = elems_per_step(c.amode);
        unsigned passes = c.bbin ? 1 : c.bbits;
        size_t steps = (c.k + p - 1) / p;
        job->groups_left = 0;
        for (size_t m = 0; m < c.m; m++)
            for (size_t n0 = 0; n0 < c.n; n0 += D) {
                unsigned cols = (unsigned)std::min<size_t>(D, c.n - n0);
                for (unsigned pass = 0; pass < passes; pass++)
                    for (size_t s = 0; s < steps; s++) {
                        Beat bt = junk_beat();
                        size_t k0 = s * p;
                        unsigned nvalid = (unsigned)std::min<size_t>(p, c.k - k0);
                        for (unsigned e = 0; e < nvalid; e++) {
                            unsigned bit = e * a_bits;
                            uint8_t mask = (uint8_t)(asim_fx_mask(a_bits) << (bit % 8));
                            uint8_t v = (uint8_t)(g.a_raw[m * c.k + k0 + e] << (bit % 8));
                            bt.act[bit / 8] = (uint8_t)((bt.act[bit / 8] & ~mask) | v);
                        }
                        for (unsigned d = 0; d < cols; d++)
                            for (unsigned e = 0; e < nvalid; e++) {
                                unsigned bb = (g.b_raw[(k0 + e) * c.n + n0 + d] >> pass) & 1;
                                uint8_t &byte = bt.b[d * L + e / 8];
                                byte = (uint8_t)((byte & ~(1u << (e % 8))) | (bb << (e % 8)));
                            }
                        if (pass + 1 == passes && s + 1 == steps)
                            for (unsigned d = 0; d < cols; d++)
                                bt.beta[d] = g.beta_raw[n0 + d];
                        beats_q_.push_back(std::move(bt));
                    }
                groups_.push_back({job, m, n0, cols});
                job->groups_left++;
            }
    }

    bool check_group(uint64_t cycle, const cosim::Words &out)
    {
        if (groups_.empty()) {
            std::printf("cosim: cycle %llu: unexpected output group\n", (unsigned long long)cycle);
            return false;
        }
        Group gr = groups_.front();
        groups_.pop_front();
        const Job &g = *gr.job;
        uint64_t keep[D], data[D];
        cosim::unpack_lanes(out[P_OUT_KEEP], keep, D, 1);
        cosim::unpack_lanes(out[P_OUT_DATA], data, D, OW);
        for (unsigned d = 0; d < D; d++) {
            bool want_keep = d < gr.cols;
            if (keep[d] != want_keep) {
                std::printf("cosim: cycle %llu: job %u row %zu group at column %zu: out_keep[%u] "
                            "%d, expected %d\n",
                            (unsigned long long)cycle, g.id, gr.row, gr.col0, d, (int)keep[d],
                            want_keep);
                return false;
            }
            if (!want_keep)
                continue;
            int64_t want = g.expect[gr.row * g.cmd.n + gr.col0 + d];
            int64_t got = asim_fx_value(data[d], OW, true);
            if (got != want) {
                std::printf("cosim: cycle %llu: job %u (%ux%ux%u a%u%s b%u%s) C[%zu][%zu] = %lld, "
                            "reference %lld\n",
                            (unsigned long long)cycle, g.id, g.cmd.m, g.cmd.n, g.cmd.k,
                            1u << g.cmd.amode, g.cmd.asigned ? "s" : "u",
                            g.cmd.bbin ? 1 : g.cmd.bbits, g.cmd.bbin ? " binary" : "", gr.row,
                            gr.col0 + d, (long long)got, (long long)want);
                return false;
            }
            saturated_ += want == asim_fx_min(OW, true) || want == asim_fx_max(OW, true);
        }
        groups_checked_++;
        if (--gr.job->groups_left == 0)
            jobs_checked_++;
        return true;
    }

    std::vector<cosim::Port> ports_;
    cosim::Rng rng_;
    asim_qmm_step_t *model_ = nullptr;

    std::deque<Cmd> cmds_;
    std::deque<Beat> beats_q_;
    std::deque<Group> groups_;
    unsigned next_id_ = 0;
    cosim::ResetSchedule reset_;
    size_t next_directed_ = 0;
    uint64_t jobs_checked_ = 0, groups_checked_ = 0, beats_ = 0, phase_left_ = 0,
             saturated_ = 0;
    double p_cmd_ = 1, p_in_ = 1, p_out_ = 1, p_reset_ = 0;
};

}  // namespace

int main(int argc, char **argv)
{
    cosim::Options o;
    if (!cosim::parse_options(argc, argv, o))
        return 2;
    QmmBench b;
    return cosim::main_loop(b, QMM_NAME, o);
}
