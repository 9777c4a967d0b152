// drive_quark.cpp: switching activity of rtl/quark/quark_unit.v (activity.hpp). MODE is the
// nonlinear op: softmax, gelu, layernorm or add; rows of 768 elements (BERT-base's hidden
// size; softmax rows of 128, the sequence) follow one another. The requantizer takes an 8-bit
// code of scale 1/16 (m / 2^e = 2^14 / 16); layernorm's R_N is 2^32 / len, the rest of the
// command is fixed.
#include "Vquark_unit.h"
#include "activity.hpp"

int main(int argc, char **argv)
{
    activity::Args a = activity::parse(argc, argv, "OP(softmax|gelu|layernorm|add)");
    const char *ops[] = {"softmax", "gelu", "layernorm", "add"};
    const unsigned modes[] = {0, 1, 2, 6};  // asim_quark_mode_t
    int op = -1;
    for (int i = 0; i < 4; i++)
        if (a.mode == ops[i])
            op = i;
    if (op < 0) {
        std::fprintf(stderr, "%s: OP must be softmax, gelu, layernorm or add, got '%s'\n",
                     argv[0], argv[1]);
        return 2;
    }
    bool real = a.data == "realistic";
    unsigned len = op == 0 ? 128 : 768;
    VerilatedContext ctx;
    Vquark_unit top(&ctx);
    activity::Rng rng(a.seed);
    activity::run(ctx, top, a, [&](Vquark_unit &t) {
        t.out_ready = 1;
        t.cmd_valid = 1;
        t.cmd_mode = modes[op];
        t.cmd_len = len;
        t.cmd_m = 1u << 10;
        t.cmd_e = 0;
        t.cmd_pb = 8;
        t.cmd_k = (1ull << 32) / len;
        t.x_valid = 1;
        activity::fill(t.x_data, rng, real, QUARK_IW, QUARK_N);
    });
    return 0;
}
