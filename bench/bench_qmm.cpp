// bench_qmm.cpp: simulation speed of the three QMM engine models on one job stream.
//
//   bench_qmm [--reps N]
//
// A binary-BERT-like job stream (binary weights at every activation precision, and
// activation x activation jobs with 4- and 8-bit B) runs on the Verilated RTL (16 DPUs x 2
// lanes, Verilator's default -Os), on the C step model and on the job model (closed form).
// Jobs run one after another, each command issued when the engine is idle; a job's cycles
// are counted from its first beat to its last output. The RTL and the step model see
// identical inputs (every stream valid, random operands from one seed, no backpressure).
// All three must agree on every job's cycles, which the bench checks before it reports
// simulated cycles per wall-clock second and the ratios.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "Vbench_qmm.h"
#include "verilated.h"

extern "C" {
#include "asim/fixed.h"
#include "qmm/qmm.h"
#include "qmm/qmm_step.h"
}

namespace {

constexpr unsigned D = 16, L = 2, ACCW = 24, M0W = 16, BTW = 32, SHW = 5, OW = 8;

struct Inputs {
    bool rst, cmd_valid, in_valid, out_ready;
    asim_qmm_job_t job;
    uint8_t act[L], b[D * L];
    uint64_t beta[D];
};

struct Outputs {
    bool cmd_ready, in_ready, out_valid, busy;
};

// The job stream and the per-cycle operand bytes, identical for both stepped models.
class Stream {
public:
    explicit Stream(const std::vector<asim_qmm_job_t> &jobs) : jobs_(jobs) {}
    // Inputs of cycle `c`: reset in cycle 0, then the current job's command until taken,
    // every stream valid, random operands.
    void drive(uint64_t c, Inputs &in)
    {
        in.rst = c == 0;
        in.cmd_valid = c > 0 && !issued_ && next_ < jobs_.size();
        in.job = jobs_[next_ < jobs_.size() ? next_ : 0];
        in.in_valid = in.out_ready = true;
        for (auto &x : in.act)
            x = (uint8_t)rng();
        for (auto &x : in.b)
            x = (uint8_t)rng();
        for (auto &x : in.beta)
            x = rng() & asim_fx_mask(BTW);
    }
    // Bookkeeping after a cycle; returns false when every job is done.
    bool after(uint64_t c, const Inputs &in, const Outputs &o)
    {
        if (in.cmd_valid && o.cmd_ready)
            issued_ = true;
        if (in.in_valid && o.in_ready && first_ == 0)
            first_ = c;
        if (o.out_valid)
            last_ = c;
        if (issued_ && !o.busy && c > 0 && first_ != 0) {
            cycles_.push_back(last_ - first_ + 1);
            first_ = 0;
            issued_ = false;
            next_++;
        }
        return next_ < jobs_.size();
    }
    const std::vector<uint64_t> &cycles() const { return cycles_; }

private:
    uint64_t rng()
    {
        uint64_t z = (s_ += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
    }

    const std::vector<asim_qmm_job_t> &jobs_;
    size_t next_ = 0;
    bool issued_ = false;
    uint64_t first_ = 0, last_ = 0, s_ = 7;
    std::vector<uint64_t> cycles_;
};

double now_s()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

unsigned amode_of(int act_bits)
{
    return (unsigned)asim_fx_lod((uint64_t)act_bits);
}

std::vector<uint64_t> run_rtl(const std::vector<asim_qmm_job_t> &jobs, double &wall)
{
    auto ctx = std::make_unique<VerilatedContext>();
    auto t = std::make_unique<Vbench_qmm>(ctx.get());
    Stream s(jobs);
    Inputs in;
    Outputs o;
    double t0 = now_s();
    for (uint64_t c = 0;; c++) {
        s.drive(c, in);
        t->rst = in.rst;
        t->cmd_valid = in.cmd_valid;
        t->cmd_m = (uint16_t)in.job.m;
        t->cmd_n = (uint16_t)in.job.n;
        t->cmd_k = (uint16_t)in.job.k;
        t->cmd_amode = (uint8_t)amode_of(in.job.act_bits);
        t->cmd_asigned = 1;
        t->cmd_bbin = in.job.b_binary;
        t->cmd_bbits = (uint8_t)in.job.b_bits;
        t->cmd_bsigned = 1;
        t->cmd_m0 = 1;
        t->cmd_shift = 8;
        t->in_valid = in.in_valid;
        t->out_ready = in.out_ready;
        t->in_act = (uint16_t)(in.act[0] | in.act[1] << 8);
        for (unsigned w = 0; w < D * L / 4; w++)
            t->in_b[w] = (uint32_t)in.b[4 * w] | (uint32_t)in.b[4 * w + 1] << 8 |
                         (uint32_t)in.b[4 * w + 2] << 16 | (uint32_t)in.b[4 * w + 3] << 24;
        for (unsigned d = 0; d < D; d++)
            t->in_beta[d] = (uint32_t)in.beta[d];
        t->clk = 0;
        t->eval();
        o = {(bool)t->cmd_ready, (bool)t->in_ready, (bool)t->out_valid, (bool)t->busy};
        t->clk = 1;
        t->eval();
        if (!s.after(c, in, o))
            break;
    }
    wall = now_s() - t0;
    return s.cycles();
}

std::vector<uint64_t> run_step(const std::vector<asim_qmm_job_t> &jobs, double &wall)
{
    asim_qmm_params_t p = {D, L, ACCW, M0W, BTW, SHW, OW, 16, 16, 16};
    asim_qmm_step_t *m;
    asim_error_t err;
    if (asim_qmm_step_create(&p, &m, &err) != ASIM_OK) {
        std::fprintf(stderr, "bench_qmm: %s\n", err.msg);
        std::exit(2);
    }
    Stream s(jobs);
    Inputs in;
    double t0 = now_s();
    for (uint64_t c = 0;; c++) {
        s.drive(c, in);
        asim_qmm_in_t i = {};
        i.rst = in.rst;
        i.out_ready = in.out_ready;
        i.cmd_valid = in.cmd_valid;
        i.cmd_m = (uint32_t)in.job.m;
        i.cmd_n = (uint32_t)in.job.n;
        i.cmd_k = (uint32_t)in.job.k;
        i.cmd_amode = amode_of(in.job.act_bits);
        i.cmd_asigned = true;
        i.cmd_bbin = in.job.b_binary;
        i.cmd_bbits = (unsigned)in.job.b_bits;
        i.cmd_bsigned = true;
        i.cmd_m0 = 1;
        i.cmd_shift = 8;
        i.in_valid = in.in_valid;
        i.in_act = in.act;
        i.in_b = in.b;
        i.in_beta = in.beta;
        asim_qmm_out_t q;
        asim_qmm_step(m, &i, &q);
        if (!s.after(c, in, Outputs{q.cmd_ready, q.in_ready, q.out_valid, q.busy}))
            break;
    }
    wall = now_s() - t0;
    asim_qmm_step_free(m);
    return s.cycles();
}

std::vector<uint64_t> run_job_model(const std::vector<asim_qmm_job_t> &jobs, unsigned reps,
                                    double &wall)
{
    asim_qmm_geom_t g = {D, L};
    std::vector<uint64_t> cycles(jobs.size());
    volatile uint64_t sink = 0;
    double t0 = now_s();
    for (unsigned r = 0; r < reps; r++)
        for (size_t i = 0; i < jobs.size(); i++) {
            asim_qmm_counts_t c;
            asim_qmm_job(&g, &jobs[i], &c);
            cycles[i] = c.cycles;
            sink = sink + c.cycles;
        }
    wall = (now_s() - t0) / reps;
    return cycles;
}

}  // namespace

int main(int argc, char **argv)
{
    unsigned reps = 100000;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = (unsigned)std::strtoul(argv[++i], nullptr, 0);
        } else {
            std::fprintf(stderr, "usage: %s [--reps N]\n", argv[0]);
            return 2;
        }
    }
    if (reps == 0)
        reps = 1;
    // Binary weights x a1/a2/a4/a8 (a QKV-like projection slice), then attention-like
    // activation x activation jobs with 4- and 8-bit B (bit-serial passes).
    std::vector<asim_qmm_job_t> jobs;
    for (int a = 1; a <= 8; a *= 2)
        jobs.push_back({32, 96, 192, a, 1, true});
    jobs.push_back({32, 32, 64, 4, 4, false});
    jobs.push_back({32, 32, 64, 8, 8, false});
    double w_rtl, w_step, w_job;
    std::vector<uint64_t> c_rtl = run_rtl(jobs, w_rtl);
    std::vector<uint64_t> c_step = run_step(jobs, w_step);
    std::vector<uint64_t> c_job = run_job_model(jobs, reps, w_job);
    uint64_t total = 0;
    for (size_t i = 0; i < jobs.size(); i++) {
        if (c_rtl[i] != c_step[i] || c_step[i] != c_job[i]) {
            std::fprintf(stderr, "bench_qmm: job %zu: cycles differ (RTL %llu, step %llu, job "
                         "model %llu)\n", i, (unsigned long long)c_rtl[i],
                         (unsigned long long)c_step[i], (unsigned long long)c_job[i]);
            return 1;
        }
        total += c_job[i];
    }
    double r_rtl = (double)total / w_rtl, r_step = (double)total / w_step,
           r_job = (double)total / w_job;
    std::printf("QMM engine D=%u L=%u, %zu jobs, %llu cycles (all three models agree)\n", D, L,
                jobs.size(), (unsigned long long)total);
    std::printf("%-22s %14s %14s %12s\n", "model", "wall s", "cycles/s", "x RTL");
    std::printf("%-22s %14.6f %14.3e %12.2f\n", "Verilator RTL (-Os)", w_rtl, r_rtl, 1.0);
    std::printf("%-22s %14.6f %14.3e %12.2f\n", "C step model", w_step, r_step, r_step / r_rtl);
    std::printf("%-22s %14.3e %14.3e %12.0f\n", "job model", w_job, r_job, r_job / r_rtl);
    return 0;
}
