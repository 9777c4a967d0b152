// tb_systolic_sc.cpp: rtl/systolic/systolic_array.v Verilated with --sc and its C step model
// (sim/systolic/systolic_step.h) in one SystemC kernel, compared on every output port at every
// rising clock edge.
//
// One configuration (compile definitions SYS_R, SYS_C, SYS_AW, SYS_BW, SYS_ACCW, SYS_TW,
// signed operands), class SYS_VCLASS in SYS_VHEADER. Clock: 10 ns, first rising edge at
// 5 ns; cycle c is the clock period that ends with the rising edge at 10c + 5 ns.
//   driver   (thread): drives every input port at time 0 and at each falling edge from a
//            seeded splitmix64: reset in cycle 0 and rarely later; command fields legal when
//            cmd_valid (junk otherwise); random operand lanes; valid and out_ready
//            probabilities that change every 1000-5000 cycles (no stalls, light, heavy).
//   lockstep (method, rising edge): reads the inputs and the RTL's outputs as they are just
//            before the edge (the Verilated model's own writes at this edge are not visible
//            yet), steps the C model with the same inputs, and compares cmd_ready, a_ready,
//            b_ready, out_valid, out_acc, out_data and busy from cycle 1 on (cycle 0 holds
//            power-on values). The first mismatch prints
//            "sc-cosim: MISMATCH at cycle N port P: model X rtl Y" and stops.
// The test also fails if the stimulus was dead (too few tiles or output beats), so a broken
// driver cannot pass by comparing idle ports.
#include <cinttypes>
#include <cstdio>
#include <memory>

#include SYS_VHEADER

#include "cosim.hpp"

extern "C" {
#include "systolic/systolic_step.h"
}

namespace {

constexpr unsigned R = SYS_R, C = SYS_C, AW = SYS_AW, BW = SYS_BW, ACCW = SYS_ACCW, TW = SYS_TW;
static_assert(R * AW <= 32 && C * BW <= 32 && C <= 32, "lanes must fit a 32-bit SystemC port");

// All ones over the bits of a port that holds 0..max.
constexpr uint32_t field_mask(uint32_t max) { return max ? field_mask(max >> 1) << 1 | 1 : 0; }

struct wires {
    sc_core::sc_signal<bool> rst{"rst"}, cmd_valid{"cmd_valid"}, cmd_ready{"cmd_ready"},
        cmd_stat{"cmd_stat"}, cmd_acc{"cmd_acc"}, cmd_ovl{"cmd_ovl"}, a_valid{"a_valid"},
        a_ready{"a_ready"}, b_valid{"b_valid"}, b_ready{"b_ready"}, out_ready{"out_ready"},
        busy{"busy"};
    sc_core::sc_signal<uint32_t> cmd_len{"cmd_len"}, cmd_rows{"cmd_rows"}, cmd_cols{"cmd_cols"},
        a_data{"a_data"}, b_data{"b_data"}, out_valid{"out_valid"}, out_acc{"out_acc"};
    sc_core::sc_signal<sc_dt::sc_bv<C * ACCW>> out_data{"out_data"};
};

class driver : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(driver);
    driver(sc_core::sc_module_name name, wires &w, sc_core::sc_clock &clk, uint64_t seed)
        : sc_module(name), w_(w), clk_(clk), rng_(seed)
    {
        SC_THREAD(run);
    }

private:
    void run()
    {
        for (uint64_t cycle = 0;; cycle++) {
            drive(cycle);
            wait(clk_.negedge_event());
        }
    }

    void drive(uint64_t cycle)
    {
        if (phase_left_ == 0)
            new_phase();
        phase_left_--;
        if (cycle == 0)
            rst_left_ = 1;
        else if (rst_left_ == 0 && rng_.chance(1.0 / 5000))
            rst_left_ = 1 + (unsigned)rng_.below(3);
        bool rst = rst_left_ > 0;
        rst_left_ -= rst;
        w_.rst.write(rst);
        bool cv = rng_.chance(p_cmd_);
        w_.cmd_valid.write(cv);
        w_.cmd_stat.write(rng_.chance(0.5));
        w_.cmd_acc.write(rng_.chance(0.5));
        w_.cmd_ovl.write(rng_.chance(0.6));
        const uint32_t lens[] = {1, R, R + 1, 2 * R + C + 1};
        uint32_t len = rng_.chance(0.5) ? lens[rng_.below(4)] : 1 + (uint32_t)rng_.below(4 * R);
        w_.cmd_len.write(cv ? len : (uint32_t)rng_.next() & field_mask((1u << TW) - 1));
        w_.cmd_rows.write(cv ? 1 + (uint32_t)rng_.below(R) : (uint32_t)rng_.next() & field_mask(R));
        w_.cmd_cols.write(cv ? 1 + (uint32_t)rng_.below(C) : (uint32_t)rng_.next() & field_mask(C));
        w_.a_valid.write(rng_.chance(p_a_));
        w_.b_valid.write(rng_.chance(p_b_));
        w_.a_data.write((uint32_t)rng_.next());
        w_.b_data.write((uint32_t)rng_.next());
        w_.out_ready.write(rng_.chance(p_out_));
    }

    void new_phase()
    {
        static const double prob[3][4] = {{1, 1, 1, 1}, {0.9, 0.85, 0.85, 0.9},
                                          {0.5, 0.4, 0.6, 0.5}};
        const double *p = prob[rng_.below(3)];
        p_cmd_ = p[0];
        p_a_ = p[1];
        p_b_ = p[2];
        p_out_ = p[3];
        phase_left_ = 1000 + rng_.below(4000);
    }

    wires &w_;
    sc_core::sc_clock &clk_;
    cosim::Rng rng_;
    uint64_t phase_left_ = 0;
    unsigned rst_left_ = 0;
    double p_cmd_ = 1, p_a_ = 1, p_b_ = 1, p_out_ = 1;
};

class lockstep : public sc_core::sc_module {
public:
    uint64_t compared = 0, tiles = 0, out_beats = 0;
    bool mismatch = false;

    SC_HAS_PROCESS(lockstep);
    lockstep(sc_core::sc_module_name name, wires &w, sc_core::sc_clock &clk, uint64_t cycles)
        : sc_module(name), w_(w), cycles_(cycles)
    {
        asim_systolic_params_t p = {R, C, AW, BW, true, true, ACCW, TW};
        asim_error_t err;
        if (asim_systolic_step_create(&p, &model_, &err) != ASIM_OK)
            SC_REPORT_FATAL("lockstep", err.msg);
        SC_METHOD(edge);
        sensitive << clk.posedge_event();
        dont_initialize();
    }
    ~lockstep() override { asim_systolic_step_free(model_); }

private:
    static void lanes(uint32_t word, uint64_t *out, unsigned n, unsigned width)
    {
        for (unsigned i = 0; i < n; i++)
            out[i] = (word >> (i * width)) & ((1u << width) - 1);
    }

    bool same(const char *port, uint64_t cycle, const std::string &model, const std::string &rtl)
    {
        if (model == rtl)
            return true;
        std::printf("sc-cosim: MISMATCH at cycle %" PRIu64 " port %s: model %s rtl %s\n", cycle,
                    port, model.c_str(), rtl.c_str());
        mismatch = true;
        sc_core::sc_stop();
        return false;
    }

    static std::string hex(uint64_t v)
    {
        char s[24];
        std::snprintf(s, sizeof s, "0x%" PRIx64, v);
        return s;
    }

    void edge()
    {
        uint64_t cycle = cycle_++;
        uint64_t a[R], b[C];
        lanes(w_.a_data.read(), a, R, AW);
        lanes(w_.b_data.read(), b, C, BW);
        asim_systolic_in_t in = {};
        in.rst = w_.rst.read();
        in.out_ready = w_.out_ready.read();
        in.cmd_valid = w_.cmd_valid.read();
        in.cmd_stat = w_.cmd_stat.read();
        in.cmd_acc = w_.cmd_acc.read();
        in.cmd_ovl = w_.cmd_ovl.read();
        in.cmd_len = w_.cmd_len.read();
        in.cmd_rows = w_.cmd_rows.read();
        in.cmd_cols = w_.cmd_cols.read();
        in.a_valid = w_.a_valid.read();
        in.b_valid = w_.b_valid.read();
        in.a_data = a;
        in.b_data = b;
        asim_systolic_out_t out;
        asim_systolic_step(model_, &in, &out);
        if (cycle >= 1 && !compare(cycle, out))
            return;
        if (!in.rst) {
            tiles += in.cmd_valid && out.cmd_ready;
            for (unsigned j = 0; in.out_ready && j < C; j++)
                out_beats += out.out_valid[j];
        }
        if (cycle_ == cycles_)
            sc_core::sc_stop();
    }

    bool compare(uint64_t cycle, const asim_systolic_out_t &o)
    {
        uint32_t valid = 0, acc = 0;
        sc_dt::sc_bv<C * ACCW> data;
        for (unsigned j = 0; j < C; j++) {
            valid |= (uint32_t)o.out_valid[j] << j;
            acc |= (uint32_t)o.out_acc[j] << j;
            data.range(j * ACCW + ACCW - 1, j * ACCW) = o.out_data[j];
        }
        compared++;
        return same("cmd_ready", cycle, hex(o.cmd_ready), hex(w_.cmd_ready.read())) &&
               same("a_ready", cycle, hex(o.a_ready), hex(w_.a_ready.read())) &&
               same("b_ready", cycle, hex(o.b_ready), hex(w_.b_ready.read())) &&
               same("out_valid", cycle, hex(valid), hex(w_.out_valid.read())) &&
               same("out_acc", cycle, hex(acc), hex(w_.out_acc.read())) &&
               same("out_data", cycle, data.to_string(sc_dt::SC_HEX_US),
                    w_.out_data.read().to_string(sc_dt::SC_HEX_US)) &&
               same("busy", cycle, hex(o.busy), hex(w_.busy.read()));
    }

    wires &w_;
    uint64_t cycles_, cycle_ = 0;
    asim_systolic_step_t *model_ = nullptr;
};

}  // namespace

int sc_main(int argc, char *argv[])
{
    cosim::Options o;
    o.cycles = 20000;
    if (!cosim::parse_options(argc, argv, o))
        return 2;
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING);  // "stopped by user"
    sc_core::sc_clock clk("clk", 10, sc_core::SC_NS, 0.5, 5, sc_core::SC_NS, true);
    wires w;
    SYS_VCLASS rtl("rtl");
    rtl.clk(clk);
    rtl.rst(w.rst);
    rtl.cmd_valid(w.cmd_valid);
    rtl.cmd_ready(w.cmd_ready);
    rtl.cmd_stat(w.cmd_stat);
    rtl.cmd_len(w.cmd_len);
    rtl.cmd_rows(w.cmd_rows);
    rtl.cmd_cols(w.cmd_cols);
    rtl.cmd_acc(w.cmd_acc);
    rtl.cmd_ovl(w.cmd_ovl);
    rtl.a_valid(w.a_valid);
    rtl.a_ready(w.a_ready);
    rtl.a_data(w.a_data);
    rtl.b_valid(w.b_valid);
    rtl.b_ready(w.b_ready);
    rtl.b_data(w.b_data);
    rtl.out_ready(w.out_ready);
    rtl.out_valid(w.out_valid);
    rtl.out_acc(w.out_acc);
    rtl.out_data(w.out_data);
    rtl.busy(w.busy);
    driver drv("driver", w, clk, o.seed);
    lockstep ls("lockstep", w, clk, o.cycles);
    sc_core::sc_start();
    std::printf("sc-cosim: systolic %ux%u %u-bit, seed %" PRIu64 ": %" PRIu64
                " cycles compared on 7 output ports at the rising edge, %" PRIu64
                " tiles, %" PRIu64 " output beats, ends at %s: %s\n",
                R, C, AW, o.seed, ls.compared, ls.tiles, ls.out_beats,
                sc_core::sc_time_stamp().to_string().c_str(), ls.mismatch ? "FAIL" : "PASS");
    if (ls.mismatch)
        return 1;
    bool live = ls.tiles >= ls.compared / 100 && ls.out_beats >= ls.compared / 10;
    if (!live)
        std::printf("sc-cosim: FAIL: the stimulus is too quiet (need a tile per 100 cycles and "
                    "an output beat per 10)\n");
    return live && ls.compared + 1 >= o.cycles ? 0 : 1;
}
