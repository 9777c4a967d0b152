// quark_exp.v: QUARK Appro-Exp, combinational: y = e^(x / 2^14) in Q.14, bit-exact with
// asim_nl_quark_exp (sim/nonlinear/nl_quark_kernels.c).
//   x clamped to +-2^24; t = x + (x>>>1) - (x>>>4) (x * 1.4375 ~ x log2 e; |t| < 2^25, so the
//   kernel's lower clamp of t never acts and is omitted); t clamped to 16.0;
//   q_i = ceil(t), f = t - q_i in (-1, 0]; h = rnd(2807 f) + 10890, p = rnd(h f) + 1.0
//   (Q.14, in [0.5066, 1.0]); y = p << q_i for q_i >= 0, else rnd(p >> -q_i). The kernel
//   clamps that right shift at 62; here at 16, which gives the same 0 since p <= 2^14.
module quark_exp (
    input  wire signed [31:0] x,
    output wire [30:0]        y
);
    localparam signed [31:0] LIM = 32'sd16777216;  // 2^24
    localparam signed [31:0] TMAX = 32'sd262144;   // 16.0
    wire signed [31:0] xc = x < -LIM ? -LIM : (x > LIM ? LIM : x);
    wire signed [31:0] t0 = xc + (xc >>> 1) - (xc >>> 4);
    wire signed [31:0] t = t0 > TMAX ? TMAX : t0;
    wire signed [31:0] nt = -t;
    wire signed [31:0] qi = -(nt >>> 14);               // ceil(t / 2^14): -1472 .. 16
    wire signed [31:0] f = t - (qi <<< 14);             // (-2^14, 0]
    wire signed [31:0] hm = 32'sd2807 * f;
    wire signed [31:0] h = ((hm + 32'sd8192) >>> 14) + 32'sd10890;
    wire signed [47:0] pm = h * f;
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [47:0] pw = ((pm + 48'sd8192) >>> 14) + 48'sd16384;
    /* verilator lint_on UNUSEDSIGNAL */
    wire signed [31:0] p = pw[31:0];
    wire        neg = qi[31];
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [31:0] nt_qi = -qi;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [4:0]  rs = (qi < -32'sd16) ? 5'd16 : nt_qi[4:0];  // right shift, used when neg
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] up = p << qi[4:0];
    wire [31:0] dn = (p + (32'sd1 <<< (rs - 5'd1))) >>> rs;
    /* verilator lint_on UNUSEDSIGNAL */
    assign y = neg ? dn[30:0] : up[30:0];
endmodule
