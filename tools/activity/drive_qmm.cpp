// drive_qmm.cpp: switching activity of rtl/qmm/qmm_engine.v (activity.hpp). MODE is the
// activation precision 1, 2, 4 or 8 with binary weights (BETA's a x w1); jobs of m = 64,
// n = D, k = 768 follow one another.
#include "Vqmm_engine.h"
#include "activity.hpp"

int main(int argc, char **argv)
{
    activity::Args a = activity::parse(argc, argv, "ABITS(1|2|4|8)");
    unsigned abits = (unsigned)std::atoi(a.mode.c_str());
    unsigned amode = abits == 1 ? 0 : abits == 2 ? 1 : abits == 4 ? 2 : abits == 8 ? 3 : 9;
    if (amode > 3) {
        std::fprintf(stderr, "%s: ABITS must be 1, 2, 4 or 8, got '%s'\n", argv[0], argv[1]);
        return 2;
    }
    bool real = a.data == "realistic";
    VerilatedContext ctx;
    Vqmm_engine top(&ctx);
    activity::Rng rng(a.seed);
    const unsigned lanes_bits = sizeof top.in_act * 8;  // 8L
    activity::run(ctx, top, a, [&](Vqmm_engine &t) {
        t.out_ready = 1;
        t.cmd_valid = 1;
        t.cmd_m = 64;
        t.cmd_n = QMM_D;
        t.cmd_k = 768;
        t.cmd_amode = amode;
        t.cmd_asigned = 1;
        t.cmd_bbin = 1;
        t.cmd_bbits = 1;
        t.cmd_bsigned = 0;
        t.cmd_m0 = 0x4000;
        t.cmd_shift = 4;
        t.in_valid = 1;
        uint64_t act = 0;
        for (unsigned e = 0; e < lanes_bits / abits; e++)
            act |= activity::code(rng, real, abits) << (e * abits);
        t.in_act = act;
        activity::fill(t.in_b, rng, false, 1, QMM_D * lanes_bits);
        activity::fill(t.in_beta, rng, real, 16, QMM_D);
    });
    return 0;
}
