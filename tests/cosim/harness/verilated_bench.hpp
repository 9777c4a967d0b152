// verilated_bench.hpp: the Verilator half of a cosim::Bench, shared by every block's
// testbench: owns the Verilated model V and its context, runs one RTL cycle (inputs set by
// the caller, eval with clk low, outputs read by the caller, eval with clk high, trace dumps
// at 10c and 10c + 5), opens and closes the replay trace, and reads/writes ports of any
// Verilator type. Also a hang guard for drivers.
#ifndef COSIM_VERILATED_BENCH_HPP
#define COSIM_VERILATED_BENCH_HPP

#include <cstdio>
#include <memory>
#include <string>

#include "cosim.hpp"
#include "verilated.h"
#include "verilated_vcd_c.h"

namespace cosim {

// Port access for every C type Verilator uses: CData .. QData (one value) and VlWide<N>.
template <typename T> void vset(T &dst, const std::vector<uint32_t> &w)
{
    uint64_t v = w[0];
    if (w.size() > 1)
        v |= (uint64_t)w[1] << 32;
    dst = (T)v;
}
template <std::size_t N> void vset(VlWide<N> &dst, const std::vector<uint32_t> &w)
{
    for (std::size_t i = 0; i < N; i++)
        dst[i] = w[i];
}
template <typename T> void vget(const T &src, std::vector<uint32_t> &w)
{
    uint64_t v = src;
    w[0] = (uint32_t)v;
    if (w.size() > 1)
        w[1] = (uint32_t)(v >> 32);
}
template <std::size_t N> void vget(const VlWide<N> &src, std::vector<uint32_t> &w)
{
    for (std::size_t i = 0; i < N; i++)
        w[i] = src[i];
}

template <class V> class VerilatedBench : public Bench {
public:
    void rtl_trace_open(const std::string &path) override
    {
        trace_ = std::make_unique<VerilatedVcdC>();
        rtl_->trace(trace_.get(), 99);
        trace_->open(path.c_str());
    }

    void rtl_trace_close() override
    {
        if (trace_)
            trace_->close();
        trace_.reset();
    }

    void rtl_cycle(uint64_t cycle, const Words &in, Words &out) override
    {
        set_inputs(*rtl_, in);
        rtl_->clk = 0;
        rtl_->eval();
        if (trace_)
            trace_->dump(10 * cycle);
        get_outputs(*rtl_, out);
        rtl_->clk = 1;
        rtl_->eval();
        if (trace_)
            trace_->dump(10 * cycle + 5);
    }

protected:
    ~VerilatedBench() override { free_rtl(); }
    // A fresh model in a fresh context (for Bench::restart).
    void new_rtl()
    {
        free_rtl();
        ctx_ = std::make_unique<VerilatedContext>();
        ctx_->traceEverOn(true);
        rtl_ = std::make_unique<V>(ctx_.get());
    }
    // The block's port table, in both directions (use vset / vget).
    virtual void set_inputs(V &rtl, const Words &in) = 0;
    virtual void get_outputs(V &rtl, Words &out) = 0;

private:
    void free_rtl()
    {
        rtl_trace_close();
        rtl_.reset();
        ctx_.reset();
    }

    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<V> rtl_;
    std::unique_ptr<VerilatedVcdC> trace_;
};

}  // namespace cosim

#endif
