// quark_ln.v: QUARK Appro-LN, combinational: y = ln(v / 2^frac) in Q.14 (frac = 14 if frac14,
// else 0), bit-exact with asim_nl_quark_ln (sim/nonlinear/nl_quark_kernels.c); v == 0 gives "ln 0" =
// -64.0. Leading-one detector q_m; mantissa q_n = v * 2^14 / 2^q_m, truncated (Q.14 in
// [1, 2)); h = rnd(-5520 q_n) + 32686, g = rnd(h q_n) + (-27034); L = (q_m - frac) * 2^14 + g
// (log2); y = L - (L>>>2) - (L>>>4).
module quark_ln #(
    parameter W = 32  // width of v, 1..64
) (
    input  wire [W-1:0]       v,
    input  wire               frac14,
    output wire signed [31:0] y
);
    integer i;
    reg [6:0] qm;
    always @* begin
        qm = 7'd0;
        for (i = 0; i < W; i = i + 1)
            if (v[i])
                qm = i[6:0];
    end
    /* verilator lint_off UNUSEDSIGNAL */
    wire [W+13:0] vs = {v, 14'b0} >> qm;
    /* verilator lint_on UNUSEDSIGNAL */
    wire signed [31:0] qn = {17'b0, vs[14:0]};
    wire signed [31:0] hm = -32'sd5520 * qn;
    wire signed [31:0] h = ((hm + 32'sd8192) >>> 14) + 32'sd32686;
    wire signed [47:0] gm = h * qn;
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [47:0] gw = ((gm + 48'sd8192) >>> 14) - 48'sd27034;
    /* verilator lint_on UNUSEDSIGNAL */
    wire signed [31:0] g = gw[31:0];
    wire signed [31:0] l = (($signed({25'b0, qm}) - (frac14 ? 32'sd14 : 32'sd0)) <<< 14) + g;
    assign y = (v == 0) ? -32'sd1048576 : l - (l >>> 2) - (l >>> 4);
endmodule
