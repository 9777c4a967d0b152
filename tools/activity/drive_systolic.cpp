// drive_systolic.cpp: switching activity of rtl/systolic/systolic_array.v (activity.hpp).
// MODE is the dataflow, os or ws; the operand precision is the elaboration's (SYS_BITS).
// Tiles of T = 64 streamed steps over every row and column follow one another, overlapped.
#include "Vsystolic_array.h"
#include "activity.hpp"

int main(int argc, char **argv)
{
    activity::Args a = activity::parse(argc, argv, "DATAFLOW(os|ws)");
    if (a.mode != "os" && a.mode != "ws") {
        std::fprintf(stderr, "%s: DATAFLOW must be os or ws, got '%s'\n", argv[0], argv[1]);
        return 2;
    }
    bool real = a.data == "realistic";
    VerilatedContext ctx;
    Vsystolic_array top(&ctx);
    activity::Rng rng(a.seed);
    activity::run(ctx, top, a, [&](Vsystolic_array &t) {
        t.out_ready = 1;
        t.cmd_valid = 1;
        t.cmd_stat = a.mode == "ws";
        t.cmd_len = 64;
        t.cmd_rows = SYS_R;
        t.cmd_cols = SYS_C;
        t.cmd_acc = 0;
        t.cmd_ovl = 1;
        t.a_valid = 1;
        t.b_valid = 1;
        activity::fill(t.a_data, rng, real, SYS_BITS, SYS_R);
        activity::fill(t.b_data, rng, real, SYS_BITS, SYS_C);
    });
    return 0;
}
