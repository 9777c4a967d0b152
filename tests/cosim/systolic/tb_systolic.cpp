// tb_systolic.cpp: lockstep cosim of rtl/systolic/systolic_array.v against the step model
// (sim/systolic/systolic_step.c), with GEMM results checked against a plain C reference GEMM.
//
// One binary per array configuration (compile definitions SYS_R, SYS_C, SYS_AW, SYS_BW,
// SYS_AS, SYS_BS, SYS_ACCW, SYS_TW, SYS_NAME, and the Verilated class SYS_VCLASS declared in
// SYS_VHEADER). Stimulus, all from --seed: a directed prologue
// (full tiles of each dataflow, edge tiles, K = 1, T < R back to back, extreme values), then
// random GEMM jobs of random dataflow and overlap with corner-heavy shapes, issued back to
// back; random stalls on the command, A and B streams and on out_ready (backpressure), and
// rare resets in the middle of a job. Operand lanes that must be ignored (no beat, unused
// row or column) carry random junk.
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include SYS_VHEADER

#include "cosim.hpp"
#include "ref_gemm.h"
#include "verilated_bench.hpp"

extern "C" {
#include "asim/fixed.h"
#include "systolic/systolic_step.h"
}

namespace {

constexpr unsigned R = SYS_R, C = SYS_C, AW = SYS_AW, BW = SYS_BW, ACCW = SYS_ACCW, TW = SYS_TW;
constexpr bool AS = SYS_AS, BS = SYS_BS;

unsigned bits_for(unsigned max_value)
{
    unsigned b = 0;
    while ((1u << b) <= max_value)
        b++;
    return b ? b : 1;
}

enum PortId {
    P_RST, P_CMD_VALID, P_CMD_STAT, P_CMD_LEN, P_CMD_ROWS, P_CMD_COLS, P_CMD_ACC, P_CMD_OVL,
    P_A_VALID, P_A_DATA, P_B_VALID, P_B_DATA, P_OUT_READY,
    P_CMD_READY, P_A_READY, P_B_READY, P_OUT_VALID, P_OUT_ACC, P_OUT_DATA, P_BUSY, P_COUNT
};

std::vector<cosim::Port> port_table()
{
    return {
        {"rst", 1, true, 1}, {"cmd_valid", 1, true, 1}, {"cmd_stat", 1, true, 1},
        {"cmd_len", TW, true, 1}, {"cmd_rows", bits_for(R), true, 1},
        {"cmd_cols", bits_for(C), true, 1}, {"cmd_acc", 1, true, 1}, {"cmd_ovl", 1, true, 1},
        {"a_valid", 1, true, 1}, {"a_data", R * AW, true, R}, {"b_valid", 1, true, 1},
        {"b_data", C * BW, true, C}, {"out_ready", 1, true, 1},
        {"cmd_ready", 1, false, 1}, {"a_ready", 1, false, 1}, {"b_ready", 1, false, 1},
        {"out_valid", C, false, C}, {"out_acc", C, false, C}, {"out_data", C * ACCW, false, C},
        {"busy", 1, false, 1},
    };
}

struct Job {
    unsigned id;
    asim_dataflow_t df;
    bool ovl;
    size_t m, n, k;
    std::vector<int64_t> a, b, expect;  // expect: reference GEMM
    std::vector<uint64_t> got;          // collected outputs, wrapped to ACCW
    size_t outstanding;                 // outputs still to come
};

struct Dest {
    std::shared_ptr<Job> job;
    size_t index;  // into job->got
    bool acc;      // expected out_acc
};

struct Cmd {
    bool stat, acc, ovl;
    uint32_t len, rows, cols;
};

class SystolicBench : public cosim::VerilatedBench<SYS_VCLASS> {
public:
    SystolicBench() : ports_(port_table()), rng_(1) {}
    ~SystolicBench() override { asim_systolic_step_free(model_); }

    const std::vector<cosim::Port> &ports() const override { return ports_; }
    uint64_t warmup() const override { return 1; }

    void restart(uint64_t seed) override
    {
        new_rtl();
        asim_systolic_step_free(model_);
        asim_systolic_params_t p = {R, C, AW, BW, AS, BS, ACCW, TW};
        asim_error_t err;
        if (asim_systolic_step_create(&p, &model_, &err) != ASIM_OK) {
            std::fprintf(stderr, "%s\n", err.msg);
            std::exit(2);
        }
        rng_ = cosim::Rng(seed);
        clear_driver();
        reset_.power_on();  // cycle 0: reset from power-on
        next_directed_ = 0;
        jobs_checked_ = tiles_ = 0;
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
            new_job();
        put(in, P_RST, rst);
        bool cv = !rst && !cmds_.empty() && rng_.chance(p_cmd_);
        Cmd c = cv ? cmds_.front() : Cmd{rng_.chance(0.5), rng_.chance(0.5), rng_.chance(0.5),
                                         (uint32_t)rng_.next(), (uint32_t)rng_.next(),
                                         (uint32_t)rng_.next()};
        put(in, P_CMD_VALID, cv);
        put(in, P_CMD_STAT, c.stat);
        put(in, P_CMD_LEN, c.len);
        put(in, P_CMD_ROWS, c.rows);
        put(in, P_CMD_COLS, c.cols);
        put(in, P_CMD_ACC, c.acc);
        put(in, P_CMD_OVL, c.ovl);
        bool av = !rst && !abeats_.empty() && rng_.chance(p_a_);
        bool bv = !rst && !bbeats_.empty() && rng_.chance(p_b_);
        put(in, P_A_VALID, av);
        put(in, P_B_VALID, bv);
        put_lanes(in, P_A_DATA, av ? &abeats_.front() : nullptr, R, AW);
        put_lanes(in, P_B_DATA, bv ? &bbeats_.front() : nullptr, C, BW);
        put(in, P_OUT_READY, rng_.chance(p_out_));
    }

    void model_cycle(const cosim::Words &in, cosim::Words &out) override
    {
        uint64_t a[R], b[C];
        cosim::unpack_lanes(in[P_A_DATA], a, R, AW);
        cosim::unpack_lanes(in[P_B_DATA], b, C, BW);
        asim_systolic_in_t i = {};
        i.rst = in[P_RST][0];
        i.out_ready = in[P_OUT_READY][0];
        i.cmd_valid = in[P_CMD_VALID][0];
        i.cmd_stat = in[P_CMD_STAT][0];
        i.cmd_acc = in[P_CMD_ACC][0];
        i.cmd_ovl = in[P_CMD_OVL][0];
        i.cmd_len = in[P_CMD_LEN][0];
        i.cmd_rows = in[P_CMD_ROWS][0];
        i.cmd_cols = in[P_CMD_COLS][0];
        i.a_valid = in[P_A_VALID][0];
        i.b_valid = in[P_B_VALID][0];
        i.a_data = a;
        i.b_data = b;
        asim_systolic_out_t o;
        asim_systolic_step(model_, &i, &o);
        put(out, P_CMD_READY, o.cmd_ready);
        put(out, P_A_READY, o.a_ready);
        put(out, P_B_READY, o.b_ready);
        put(out, P_BUSY, o.busy);
        uint64_t v[C], acc[C];
        for (unsigned j = 0; j < C; j++) {
            v[j] = o.out_valid[j];
            acc[j] = o.out_acc[j];
        }
        cosim::pack_lanes(out[P_OUT_VALID], v, C, 1);
        cosim::pack_lanes(out[P_OUT_ACC], acc, C, 1);
        cosim::pack_lanes(out[P_OUT_DATA], o.out_data, C, ACCW);
    }

    void set_inputs(SYS_VCLASS &t, const cosim::Words &in) override
    {
        using cosim::vset;
        vset(t.rst, in[P_RST]);
        vset(t.cmd_valid, in[P_CMD_VALID]);
        vset(t.cmd_stat, in[P_CMD_STAT]);
        vset(t.cmd_len, in[P_CMD_LEN]);
        vset(t.cmd_rows, in[P_CMD_ROWS]);
        vset(t.cmd_cols, in[P_CMD_COLS]);
        vset(t.cmd_acc, in[P_CMD_ACC]);
        vset(t.cmd_ovl, in[P_CMD_OVL]);
        vset(t.a_valid, in[P_A_VALID]);
        vset(t.a_data, in[P_A_DATA]);
        vset(t.b_valid, in[P_B_VALID]);
        vset(t.b_data, in[P_B_DATA]);
        vset(t.out_ready, in[P_OUT_READY]);
    }

    void get_outputs(SYS_VCLASS &t, cosim::Words &out) override
    {
        using cosim::vget;
        vget(t.cmd_ready, out[P_CMD_READY]);
        vget(t.a_ready, out[P_A_READY]);
        vget(t.b_ready, out[P_B_READY]);
        vget(t.out_valid, out[P_OUT_VALID]);
        vget(t.out_acc, out[P_OUT_ACC]);
        vget(t.out_data, out[P_OUT_DATA]);
        vget(t.busy, out[P_BUSY]);
    }

    bool observe(uint64_t cycle, const cosim::Words &in, const cosim::Words &out,
                 bool &progress) override
    {
        if (in[P_RST][0])
            return true;
        if (in[P_CMD_VALID][0] && out[P_CMD_READY][0]) {
            cmds_.pop_front();
            tiles_++;
            progress = true;
        }
        if (in[P_A_VALID][0] && out[P_A_READY][0]) {
            abeats_.pop_front();
            progress = true;
        }
        if (in[P_B_VALID][0] && out[P_B_READY][0]) {
            bbeats_.pop_front();
            progress = true;
        }
        uint64_t data[C];
        cosim::unpack_lanes(out[P_OUT_DATA], data, C, ACCW);
        for (unsigned j = 0; in[P_OUT_READY][0] && j < C; j++) {
            if (!((out[P_OUT_VALID][0] >> j) & 1))
                continue;
            progress = true;
            if (dests_[j].empty()) {
                std::printf("cosim: cycle %llu: unexpected output on column %u\n",
                            (unsigned long long)cycle, j);
                return false;
            }
            Dest d = dests_[j].front();
            dests_[j].pop_front();
            if (((out[P_OUT_ACC][0] >> j) & 1) != d.acc) {
                std::printf("cosim: cycle %llu: column %u out_acc %d, expected %d (job %u)\n",
                            (unsigned long long)cycle, j, !d.acc, d.acc, d.job->id);
                return false;
            }
            uint64_t &g = d.job->got[d.index];
            g = asim_fx_wrap((int64_t)(g + data[j]), ACCW);
            if (--d.job->outstanding == 0 && !check_job(*d.job, cycle))
                return false;
        }
        return true;
    }

    uint64_t jobs_checked() const override { return jobs_checked_; }

    std::string summary() const override
    {
        char s[200];
        std::snprintf(s, sizeof s,
                      "%llu GEMM jobs checked against the reference GEMM, %llu tiles, "
                      "%llu resets",
                      (unsigned long long)jobs_checked_, (unsigned long long)tiles_,
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

    void put_lanes(cosim::Words &w, int port, const std::vector<uint64_t> *beat, unsigned n,
                   unsigned width)
    {
        std::vector<uint64_t> lanes(n);
        for (unsigned i = 0; i < n; i++)
            lanes[i] = beat && (*beat)[i] != JUNK ? (*beat)[i]
                                                  : rng_.next() & asim_fx_mask(width);
        cosim::pack_lanes(w[port], lanes.data(), n, width);
    }

    void clear_driver()
    {
        cmds_.clear();
        abeats_.clear();
        bbeats_.clear();
        dests_.assign(C, {});
    }

    // Stall/backpressure phases of a few thousand cycles: no stalls, light, heavy.
    void new_phase()
    {
        static const double prob[3][4] = {{1, 1, 1, 1}, {0.9, 0.85, 0.85, 0.9}, {0.5, 0.4, 0.6, 0.5}};
        int k = (int)rng_.below(3);
        p_cmd_ = prob[k][0];
        p_a_ = prob[k][1];
        p_b_ = prob[k][2];
        p_out_ = prob[k][3];
        p_reset_ = rng_.chance(0.5) ? 0.0 : 1.0 / 20000;
        phase_left_ = 1000 + rng_.below(4000);
    }

    int64_t operand(unsigned bits, bool sign, bool extreme)
    {
        int64_t lo = asim_fx_min(bits, sign), hi = asim_fx_max(bits, sign);
        if (extreme || rng_.chance(0.1))
            return rng_.chance(0.5) ? lo : hi;
        return lo + (int64_t)rng_.below((uint64_t)(hi - lo + 1));
    }

    // A dimension folded on `len` PEs, corners first.
    size_t pick_dim(unsigned len, unsigned span)
    {
        const size_t corners[] = {1, len, len + 1u, 2u * len, len > 1 ? len - 1u : 1};
        if (rng_.chance(0.5))
            return corners[rng_.below(sizeof corners / sizeof corners[0])];
        return 1 + rng_.below(span * len);
    }

    void new_job()
    {
        auto job = std::make_shared<Job>();
        job->id = next_id_++;
        bool extreme = false;
        // Directed prologue: (dataflow, overlap, rows_dim, cols_dim, T, extreme).
        const struct { int df; bool ovl; size_t rd, cd, t; bool ext; } directed[] = {
            {0, false, R, C, R, false},          // os full tile
            {1, false, R, C, C, false},          // ws full tile
            {2, false, R, C, R, false},          // is full tile
            {0, true, R + 1, C + 1, 1, false},   // os edge tiles, K = 1, back to back
            {1, true, 2 * R + 1, C + 1, 1, false},  // ws K folds (psum), M = 1
            {2, true, 2 * R, 2 * C, 1, false},   // is exact multiples, N = 1
            {0, true, R, C, 3 * R, true},        // os extreme values, long K
            {1, true, 2 * R, C, 2 * R, true},    // ws extreme values, K folds
            {0, true, 2 * R, 2 * C, 1, false},   // os T < R back to back
            {1, true, R, 2 * C + 1, 1, false},   // ws T < R back to back
        };
        size_t rd, cd, t;
        if (next_directed_ < sizeof directed / sizeof directed[0]) {
            const auto &d = directed[next_directed_++];
            job->df = (asim_dataflow_t)d.df;
            job->ovl = d.ovl;
            rd = d.rd;
            cd = d.cd;
            t = d.t;
            extreme = d.ext;
        } else {
            job->df = (asim_dataflow_t)rng_.below(3);
            job->ovl = rng_.chance(0.6);
            rd = pick_dim(R, 3);
            cd = pick_dim(C, 3);
            t = pick_dim(R, 4);
            extreme = rng_.chance(0.1);
        }
        switch (job->df) {
        case ASIM_DATAFLOW_OS: job->m = rd; job->n = cd; job->k = t; break;
        case ASIM_DATAFLOW_WS: job->k = rd; job->n = cd; job->m = t; break;
        default:               job->k = rd; job->m = cd; job->n = t; break;
        }
        // The west port carries A (os, ws) or B (is); each matrix takes its port's type.
        bool a_west = job->df != ASIM_DATAFLOW_IS;
        job->a.resize(job->m * job->k);
        job->b.resize(job->k * job->n);
        for (auto &x : job->a)
            x = a_west ? operand(AW, AS, extreme) : operand(BW, BS, extreme);
        for (auto &x : job->b)
            x = a_west ? operand(BW, BS, extreme) : operand(AW, AS, extreme);
        job->expect.resize(job->m * job->n);
        cosim_ref_gemm(job->m, job->n, job->k, job->a.data(), job->b.data(), job->expect.data());
        job->got.assign(job->m * job->n, 0);
        job->outstanding = 0;
        issue_tiles(job, rd, cd, t);
    }

    // Commands, beats and expected output destinations of every tile, in fold order.
    void issue_tiles(const std::shared_ptr<Job> &job, size_t rd, size_t cd, size_t t)
    {
        const Job &g = *job;
        size_t fr = (rd + R - 1) / R, fc = (cd + C - 1) / C;
        unsigned west_bits = g.df == ASIM_DATAFLOW_IS ? BW : AW;
        unsigned north_bits = g.df == ASIM_DATAFLOW_IS ? AW : BW;
        for (size_t tr = 0; tr < fr; tr++)
            for (size_t tc = 0; tc < fc; tc++) {
                size_t r0 = tr * R, c0 = tc * C;
                unsigned ru = (unsigned)std::min<size_t>(R, rd - r0);
                unsigned cu = (unsigned)std::min<size_t>(C, cd - c0);
                bool stat = g.df != ASIM_DATAFLOW_OS;
                cmds_.push_back({stat, stat && tr > 0, g.ovl, (uint32_t)t, ru, cu});
                if (stat) {
                    for (unsigned r = 0; r < R; r++) {
                        std::vector<uint64_t> beat(C, JUNK);
                        for (unsigned j = 0; r < ru && j < cu; j++)
                            beat[j] = asim_fx_wrap(north(g, r0 + r, c0 + j), north_bits);
                        bbeats_.push_back(beat);
                    }
                }
                for (size_t s = 0; s < t; s++) {
                    std::vector<uint64_t> a(R, JUNK), b(C, JUNK);
                    for (unsigned i = 0; i < ru; i++)
                        a[i] = asim_fx_wrap(west(g, r0 + i, s), west_bits);
                    abeats_.push_back(a);
                    if (!stat) {
                        for (unsigned j = 0; j < cu; j++)
                            b[j] = asim_fx_wrap(g.b[s * g.n + c0 + j], BW);
                        bbeats_.push_back(b);
                    }
                }
                for (unsigned j = 0; j < cu; j++) {
                    if (!stat) {
                        for (unsigned r = ru; r-- > 0;)
                            dests_[j].push_back({job, (r0 + r) * g.n + c0 + j, false});
                    } else {
                        for (size_t s = 0; s < t; s++) {
                            size_t idx = g.df == ASIM_DATAFLOW_WS ? s * g.n + c0 + j
                                                                  : (c0 + j) * g.n + s;
                            dests_[j].push_back({job, idx, tr > 0});
                        }
                    }
                    job->outstanding += stat ? t : ru;
                }
            }
    }

    // West-lane operand of array row `row` at streamed step `s`: os A[row][s], ws A[s][row],
    // is B[row][s].
    static int64_t west(const Job &g, size_t row, size_t s)
    {
        switch (g.df) {
        case ASIM_DATAFLOW_OS: return g.a[row * g.k + s];
        case ASIM_DATAFLOW_WS: return g.a[s * g.k + row];
        default:               return g.b[row * g.n + s];
        }
    }

    // Stationary operand at array (row, col): ws B[row][col], is A[col][row].
    static int64_t north(const Job &g, size_t row, size_t col)
    {
        return g.df == ASIM_DATAFLOW_WS ? g.b[row * g.n + col] : g.a[col * g.k + row];
    }

    bool check_job(const Job &g, uint64_t cycle)
    {
        for (size_t i = 0; i < g.expect.size(); i++) {
            uint64_t want = asim_fx_wrap(g.expect[i], ACCW);
            if (g.got[i] != want) {
                std::printf("cosim: cycle %llu: job %u (%s %zux%zux%zu) C[%zu][%zu] = 0x%llx, "
                            "reference GEMM 0x%llx\n",
                            (unsigned long long)cycle, g.id, asim_dataflow_name(g.df), g.m, g.n,
                            g.k, i / g.n, i % g.n, (unsigned long long)g.got[i],
                            (unsigned long long)want);
                return false;
            }
        }
        jobs_checked_++;
        return true;
    }

    static constexpr uint64_t JUNK = ~0ull;  // lane the array must ignore: driven random

    std::vector<cosim::Port> ports_;
    cosim::Rng rng_;
    asim_systolic_step_t *model_ = nullptr;

    std::deque<Cmd> cmds_;
    std::deque<std::vector<uint64_t>> abeats_, bbeats_;
    std::vector<std::deque<Dest>> dests_;
    unsigned next_id_ = 0;
    cosim::ResetSchedule reset_;
    size_t next_directed_ = 0;
    uint64_t jobs_checked_ = 0, tiles_ = 0, phase_left_ = 0;
    double p_cmd_ = 1, p_a_ = 1, p_b_ = 1, p_out_ = 1, p_reset_ = 0;
};

}  // namespace

int main(int argc, char **argv)
{
    cosim::Options o;
    if (!cosim::parse_options(argc, argv, o))
        return 2;
    SystolicBench b;
    return cosim::main_loop(b, SYS_NAME, o);
}
