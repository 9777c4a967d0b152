// bench_systolic.cpp: simulation speed of the three systolic models on one tile stream.
//
//   bench_systolic [--reps N]
//
// The same GEMM (os, tile overlap, 2 x 2 tiles of a 32 x 32 array, K = 512; then the same
// in ws) runs on the Verilated RTL, on the C step model and on the job model (closed form).
// Each model's rate is simulated cycles per wall-clock second; the table also gives the
// ratios. The RTL and the step model see identical inputs (every stream always valid, random
// operands from one seed, no backpressure); all three must agree on the cycle count, which
// the bench checks before it reports.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "Vbench_systolic.h"
#include "verilated.h"

extern "C" {
#include "asim/fixed.h"
#include "systolic/systolic.h"
#include "systolic/systolic_step.h"
}

namespace {

constexpr unsigned R = 32, C = 32, AW = 8, BW = 8, ACCW = 32, TW = 16;

struct Inputs {
    bool rst, cmd_valid, cmd_stat, cmd_ovl, a_valid, b_valid, out_ready;
    uint32_t cmd_len, cmd_rows, cmd_cols;
    uint64_t a[R], b[C];
};

// Tile commands of the GEMM and random operand lanes, identical for both stepped models.
class Stream {
public:
    Stream(const asim_systolic_geom_t &g, uint64_t t, uint64_t tiles)
        : g_(g), t_(t), tiles_(tiles) {}
    // Inputs of cycle `c`: reset in cycle 0, then every stream valid.
    void drive(uint64_t c, Inputs &in)
    {
        in.rst = c == 0;
        in.cmd_valid = c > 0 && issued_ < tiles_;
        in.cmd_stat = g_.dataflow != ASIM_DATAFLOW_OS;
        in.cmd_ovl = g_.tile_overlap;
        in.cmd_len = (uint32_t)t_;
        in.cmd_rows = R;
        in.cmd_cols = C;
        in.a_valid = in.b_valid = in.out_ready = true;
        for (unsigned i = 0; i < R; i++)
            in.a[i] = next() & 0xff;
        for (unsigned j = 0; j < C; j++)
            in.b[j] = next() & 0xff;
    }
    void accepted(bool cmd) { issued_ += cmd; }

private:
    uint64_t next() { return s_ = s_ * 6364136223846793005ull + 1442695040888963407ull, s_ >> 33; }
    asim_systolic_geom_t g_;
    uint64_t t_, tiles_, issued_ = 0, s_ = 1;
};

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs the GEMM on the Verilated RTL; returns its busy cycles.
uint64_t run_rtl(const asim_systolic_geom_t &g, uint64_t t, uint64_t tiles, double &secs)
{
    VerilatedContext ctx;
    Vbench_systolic top(&ctx);
    Stream s(g, t, tiles);
    Inputs in;
    uint64_t busy = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0;; c++) {
        s.drive(c, in);
        top.rst = in.rst;
        top.cmd_valid = in.cmd_valid;
        top.cmd_stat = in.cmd_stat;
        top.cmd_ovl = in.cmd_ovl;
        top.cmd_acc = 0;
        top.cmd_len = in.cmd_len;
        top.cmd_rows = in.cmd_rows;
        top.cmd_cols = in.cmd_cols;
        top.a_valid = in.a_valid;
        top.b_valid = in.b_valid;
        top.out_ready = in.out_ready;
        for (unsigned i = 0; i < R; i++)
            top.a_data[i / 4] = (top.a_data[i / 4] & ~(0xffu << (i % 4 * 8))) |
                                (uint32_t)in.a[i] << (i % 4 * 8);
        for (unsigned j = 0; j < C; j++)
            top.b_data[j / 4] = (top.b_data[j / 4] & ~(0xffu << (j % 4 * 8))) |
                                (uint32_t)in.b[j] << (j % 4 * 8);
        top.clk = 0;
        top.eval();
        bool cmd = in.cmd_valid && top.cmd_ready && !in.rst;
        bool b = top.busy && !in.rst;
        top.clk = 1;
        top.eval();
        busy += b;
        s.accepted(cmd);
        if (busy > 0 && !b)  // busy stays high from the first beat to the last output
            break;
    }
    secs = seconds_since(t0);
    return busy;
}

// Runs the GEMM on the step model; returns its busy cycles.
uint64_t run_step(const asim_systolic_geom_t &g, uint64_t t, uint64_t tiles, double &secs)
{
    asim_systolic_params_t p = {R, C, AW, BW, true, true, ACCW, TW};
    asim_systolic_step_t *m;
    asim_error_t err;
    if (asim_systolic_step_create(&p, &m, &err) != ASIM_OK) {
        std::fprintf(stderr, "%s\n", err.msg);
        std::exit(2);
    }
    Stream s(g, t, tiles);
    Inputs in;
    asim_systolic_out_t o;
    uint64_t busy = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0;; c++) {
        s.drive(c, in);
        asim_systolic_in_t i = {in.rst, in.out_ready, in.cmd_valid, in.cmd_stat, false,
                                in.cmd_ovl, in.cmd_len, in.cmd_rows, in.cmd_cols,
                                in.a_valid, in.b_valid, in.a, in.b};
        asim_systolic_step(m, &i, &o);
        bool cmd = in.cmd_valid && o.cmd_ready && !in.rst;
        bool b = o.busy && !in.rst;
        busy += b;
        s.accepted(cmd);
        if (busy > 0 && !b)  // busy stays high from the first beat to the last output
            break;
    }
    secs = seconds_since(t0);
    asim_systolic_step_free(m);
    return busy;
}

}  // namespace

int main(int argc, char **argv)
{
    unsigned reps = 3;
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) {
            reps = (unsigned)std::strtoul(argv[++i], nullptr, 0);
        } else {
            std::fprintf(stderr, "usage: %s [--reps N]\n", argv[0]);
            return 2;
        }
    }
    std::printf("%-4s %-10s %14s %12s %16s\n", "df", "model", "sim cycles", "wall s",
                "cycles / s");
    int status = 0;
    for (asim_dataflow_t df : {ASIM_DATAFLOW_OS, ASIM_DATAFLOW_WS}) {
        asim_systolic_geom_t g = {R, C, df, true};
        asim_gemm_shape_t shape = df == ASIM_DATAFLOW_OS ? asim_gemm_shape_t{2 * R, 2 * C, 512}
                                                         : asim_gemm_shape_t{512, 2 * C, 2 * R};
        asim_systolic_counts_t job;
        asim_systolic_job(&g, &shape, &job);
        uint64_t t = 512;
        double rtl_s = 0, step_s = 0, s;
        uint64_t rtl_cycles = 0, step_cycles = 0;
        for (unsigned r = 0; r < reps; r++) {
            rtl_cycles += run_rtl(g, t, job.tiles, s);
            rtl_s += s;
            step_cycles += run_step(g, t, job.tiles, s);
            step_s += s;
        }
        // The job model is timed over enough calls to measure (>= 0.2 s).
        uint64_t calls = 0, job_cycles = 0;
        auto t0 = std::chrono::steady_clock::now();
        double job_s;
        do {
            for (int k = 0; k < 100000; k++) {
                asim_systolic_counts_t c;
                asim_systolic_job(&g, &shape, &c);
                job_cycles += c.cycles;
            }
            calls += 100000;
            job_s = seconds_since(t0);
        } while (job_s < 0.2);
        bool agree = rtl_cycles == reps * job.cycles && step_cycles == reps * job.cycles &&
                     job_cycles == calls * job.cycles;
        if (!agree) {
            std::printf("cycle counts disagree: RTL %llu, step %llu, job %llu per run\n",
                        (unsigned long long)(rtl_cycles / reps),
                        (unsigned long long)(step_cycles / reps),
                        (unsigned long long)job.cycles);
            status = 1;
        }
        double rtl_rate = rtl_cycles / rtl_s, step_rate = step_cycles / step_s,
               job_rate = job_cycles / job_s;
        const char *name = asim_dataflow_name(df);
        std::printf("%-4s %-10s %14llu %12.4f %16.4g\n", name, "RTL", (unsigned long long)rtl_cycles,
                    rtl_s, rtl_rate);
        std::printf("%-4s %-10s %14llu %12.4f %16.4g\n", name, "step", (unsigned long long)step_cycles,
                    step_s, step_rate);
        std::printf("%-4s %-10s %14llu %12.4f %16.4g\n", name, "job", (unsigned long long)job_cycles,
                    job_s, job_rate);
        std::printf("%-4s ratios: step/RTL %.3g, job/RTL %.3g, job/step %.3g\n", name,
                    step_rate / rtl_rate, job_rate / rtl_rate, job_rate / step_rate);
    }
    return status;
}
