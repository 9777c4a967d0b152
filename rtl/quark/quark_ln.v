// quark_ln.v: QUARK Appro-LN, pipelined: y = ln(v / 2^frac) in Q.14 (frac = 14 if frac14,
// else 0), bit-exact with asim_nl_quark_ln (sim/nonlinear/nl_quark_kernels.c); v == 0 gives
// "ln 0" = -64.0. LAT = 8 register stages: y is the value of the v (and frac14) registered 8
// enabled edges earlier; ce (the unit's out_ready) enables them all.
//   l1  leading-one detector q_m
//   l2  mantissa q_n = v * 2^14 / 2^q_m, truncated (Q.14 in [1, 2))
//   l3  hm = -5520 q_n (DSP M register)
//   l4  h = rnd(hm / 2^14) + 32686 (DSP P register: hm + 8192 + 32686 * 2^14)
//   l5  gm = h q_n (DSP M)
//   l6  g = rnd(gm / 2^14) - 27034 (DSP P)
//   l7  g - (g>>>2) - (g>>>4), and (q_m - frac) 11264
//   l8  y = their sum, or -64.0 for v == 0. The kernel forms L = (q_m - frac) 2^14 + g and
//       L - (L>>>2) - (L>>>4); the first term is a multiple of 16, so its share is exactly
//       (q_m - frac) 2^14 (1 - 1/4 - 1/16) = (q_m - frac) 11264.
module quark_ln #(
    parameter W = 32  // width of v, 1..64
) (
    input  wire               clk,
    input  wire               rst,  // resets only the ends of the control chains (no SRLs)
    input  wire               ce,
    input  wire [W-1:0]       v,
    input  wire               frac14,
    output reg  signed [31:0] y
);
    integer i;
    reg [6:0] qm;
    always @* begin
        qm = 7'd0;
        for (i = 0; i < W; i = i + 1)
            if (v[i])
                qm = i[6:0];
    end
    reg [W-1:0]       v1;
    reg [6:0]         qm1, qm2, qm3, qm4, qm5, qm6;
    reg [1:0]         fz1, fz2, fz3, fz4, fz5, fz6;  // {frac14, v == 0}
    reg [14:0]        qn2, qn3, qn4;
    /* verilator lint_off UNUSEDSIGNAL */
    reg signed [31:0] hm3, hp4, gm5, gp6, gq7, qq7;
    /* verilator lint_on UNUSEDSIGNAL */
    reg               z7;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [W+13:0] vs = {v1, 14'b0} >> qm1;
    wire signed [31:0] g = gp6 >>> 14;
    /* verilator lint_on UNUSEDSIGNAL */
    // h in [21647, 27166]: hp4 is positive and below 2^29.
    wire signed [31:0] qd = $signed({25'b0, qm6}) - (fz6[1] ? 32'sd14 : 32'sd0);
    wire signed [15:0] h = $signed({1'b0, hp4[28:14]});
    always @(posedge clk)
        if (rst)
            {qm6, fz6} <= 9'd0;
        else if (ce)
            {qm6, fz6} <= {qm5, fz5};
    always @(posedge clk) begin
        if (ce) begin
            v1 <= v;
            qm1 <= qm;
            fz1 <= {frac14, v == {W{1'b0}}};
            qn2 <= vs[14:0];
            {qm2, fz2} <= {qm1, fz1};
            hm3 <= -32'sd5520 * $signed({1'b0, qn2});
            {qm3, fz3, qn3} <= {qm2, fz2, qn2};
            hp4 <= hm3 + 32'sd535535616;   // 8192 + 32686 * 2^14
            {qm4, fz4, qn4} <= {qm3, fz3, qn3};
            gm5 <= h * $signed({1'b0, qn4});
            {qm5, fz5} <= {qm4, fz4};
            gp6 <= gm5 - 32'sd442916864;   // 8192 - 27034 * 2^14
            gq7 <= g - (g >>> 2) - (g >>> 4);
            qq7 <= (qd <<< 13) + (qd <<< 11) + (qd <<< 10);  // qd 11264
            z7 <= fz6[0];
            y <= z7 ? -32'sd1048576 : qq7 + gq7;
        end
    end
endmodule
