// quark_exp.v: QUARK Appro-Exp, pipelined: y = e^(x / 2^14) in Q.14, bit-exact with
// asim_nl_quark_exp (sim/nonlinear/nl_quark_kernels.c). LAT = 8 register stages: y is the
// value of the x registered 8 enabled edges earlier; ce (the unit's out_ready) enables them all.
//   e1  t0 = x + (x>>>1) - (x>>>4), 34 bits (x * 1.4375 ~ x log2 e)
//   e2  t = clamp(t0, t0(-2^24), 16.0): the kernel clamps x to +-2^24 first, and t0 is
//       monotone in x, so clamping t0 at t0(-2^24) = -24117248 gives the same t
//   e3  q_i = ceil(t), f = t - q_i in (-1, 0] (Q.14: 0, or t's low 14 bits - 2^14);
//       hm = 2807 f (DSP M register)
//   e4  ... and the output shift decoded from q_i
//   e4  h = rnd(hm / 2^14) + 10890 (DSP P register: hm + 8192 + 10890 * 2^14)
//   e5  pm = h f (DSP M)
//   e6  p = rnd(pm / 2^14) + 1.0 (DSP P), in [0.5066, 1.0]
//   e7  q_i >= 0: p << q_i; else p >> (r - 1), r = min(-q_i, 16)
//   e8  q_i < 0: (that + 1) >> 1 = rnd(p >> r) (p >= 0); the kernel clamps r at 62, which
//       gives the same 0 since p <= 2^14
module quark_exp (
    input  wire               clk,
    input  wire               rst,  // resets only the ends of the control chains (no SRLs)
    input  wire               ce,
    input  wire signed [31:0] x,
    output reg         [30:0] y
);
    localparam signed [33:0] TLO = -34'sd24117248;  // t0(-2^24)
    localparam signed [33:0] THI = 34'sd262144;     // 16.0
    reg signed [33:0] t0;
    reg signed [33:0] tc;
    reg signed [14:0] f3, f4;
    /* verilator lint_off UNUSEDSIGNAL */
    reg signed [31:0] hm3, hp4, pm5, pp6;
    /* verilator lint_on UNUSEDSIGNAL */
    reg signed [11:0] qi3;
    reg               ng4, ng5, ng6, ng7;
    reg [4:0]         sh4, sh5, sh6;
    reg [31:0]        v7;
    wire signed [33:0] x34 = $signed({{2{x[31]}}, x});
    wire [13:0] tlo = tc[13:0];
    wire signed [14:0] f = tlo == 14'd0 ? 15'sd0 : $signed({1'b1, tlo});
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [33:0] qi = (tc >>> 14) + (tlo != 14'd0 ? 34'sd1 : 34'sd0);  // -1472 .. 16
    /* verilator lint_on UNUSEDSIGNAL */
    // h in [8083, 10890] and p in [8300, 16384]: hp4 and pp6 are positive and below 2^28
    // and 2^29, so their quotients by 2^14 are these bit fields.
    wire signed [14:0] h = $signed({1'b0, hp4[27:14]});
    wire [14:0] p = pp6[28:14];
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] r7 = v7 + 32'd1;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk)
        if (rst)
            {ng6, sh6, ng7} <= 7'd0;
        else if (ce)
            {ng6, sh6, ng7} <= {ng5, sh5, ng6};
    always @(posedge clk) begin
        if (ce) begin
            t0 <= x34 + (x34 >>> 1) - (x34 >>> 4);
            tc <= t0 < TLO ? TLO : (t0 > THI ? THI : t0);
            hm3 <= 32'sd2807 * f;
            f3 <= f;
            qi3 <= qi[11:0];
            hp4 <= hm3 + 32'sd178429952;   // 8192 + 10890 * 2^14
            f4 <= f3;
            ng4 <= qi3 < 0;
            sh4 <= qi3 < 0 ? (qi3 < -12'sd16 ? 5'd15 : ~qi3[4:0]) : qi3[4:0];  // -q_i - 1 = ~q_i
            pm5 <= h * f4;
            {ng5, sh5} <= {ng4, sh4};
            pp6 <= pm5 + 32'sd268443648;   // 8192 + 2^14 * 2^14
            v7 <= ng6 ? {17'd0, p} >> sh6 : {17'd0, p} << sh6;
            y <= ng7 ? r7[31:1] : v7[30:0];
        end
    end
endmodule
