// quark_unit.v: the QUARK shared nonlinear unit, N lanes (docs/nonlinear.md, "The shared unit").
//
// Port contract, modes, timing and values: sim/quark/quark_step.h (the step model is this
// module's executable specification; tests/cosim/quark compares them every cycle).
// Pipeline, in enabled edges after the edge that takes a beat (t); out_ready is the clock
// enable of every register. T = clog2(N) is the depth of a registered reduction tree.
// Names carry the stage their value belongs to (c10: the side band at t+10).
//   t+0       f0: the beat's lanes (masked), its pass kind and the row's command fields
//   t+1       f1: x - max (softmax), y = x 2^14 - mean (normalisations)
//   t+2..t+7  input requantizer x N: two DSP products (M, P), their sum, the rounding shift
//             (two stages) and the saturation
//   t+8..t+10 GELU/tanh/SiLU multiplier x N/2 (M, P), then z, -z and z > 0
//   t+11      s1: the lane operands (softmax subtracts ln(sum) here)
//   t+12..t+20  stage A: Appro-Exp EXP_A x N | Appro-LN LN_A x N (8 stages each), then the
//             LN offset / ln(sigma)                                                     = s2
//   t+21..t+39  stage B: GELU pair sums, Appro-LN LN_B x N/2 (8), the exp argument,
//             Appro-Exp EXP_B x N (8), the sign                                         = s3
//   t+40..t+42  stage C: x * sigma (M, P) or the softmax width (shift, round), saturation -> y
// Row reductions and row constants (fed by the beats of the first passes):
//   max pass   max tree (T) -> rmax at t+T+1
//   mean pass  sum tree (T) -> rsum at t+T+1 -> mean multiplier (5) -> rmean at t+T+6
//   var pass   |y| (t+2), squares (M, P, sum, round: t+3..t+6), tree (T) -> racc at t+T+7
//   sum pass   EXP_A (t+19), tree (T) -> racc at t+T+20
//   ln         LN_R (64-bit racc) and LN_N (17-bit len), 8 stages -> rln 9 edges after racc
// so the passes wait (wait_r) T after max, T+5 after mean, T+5 after var, T+18 after sum:
// the first beat of the next pass reads the constant (rmax, rmean at t+1; rln at t+11) no
// earlier than it is written.
// MODES (bit m = mode m) strips modes: their decode is constant 0, so synthesis removes
// every lane operator only they use (the "separate units" of the resource comparison).
module quark_unit #(
    parameter N = 8,               // lanes, even, 2..64
    parameter IW = 8,              // input code width, 2..16
    parameter [15:0] MODES = 16'h0FFF  // enabled modes (bit m = cmd_mode m; 12 modes)
) (
    input  wire                      clk,
    input  wire                      rst,
    input  wire                      out_ready,
    input  wire                      cmd_valid,
    output wire                      cmd_ready,
    input  wire [3:0]                cmd_mode,
    input  wire [16:0]               cmd_len,
    input  wire [30:0]               cmd_m,
    input  wire [5:0]                cmd_e,
    input  wire [4:0]                cmd_pb,
    input  wire [47:0]               cmd_k,
    input  wire                      x_valid,
    output wire                      x_ready,
    input  wire [N*IW-1:0]           x_data,
    output reg                       y_valid,
    output reg                       y_last,
    output reg  [$clog2(N+1)-1:0]    y_count,
    output reg  [N*32-1:0]           y_data,
    output wire                      busy
);
    localparam HALF = N / 2;
    localparam CW = $clog2(N + 1);
    localparam T = $clog2(N);
    localparam LAT = 41;           // the last stage before the output register y (t+42)
    localparam [3:0] M_SM = 0, M_GELU = 1, M_LNORM = 2, M_EXP = 3, M_LN = 4, M_DIV = 5,
                     M_ADD = 6, M_TANH = 7, M_SILU = 8, M_RMS = 9, M_RELU = 10, M_MUL = 11,
                     M_NONE = 15;
    localparam [15:0] LIVE = MODES & 16'h0FFF;  // modes that exist and are enabled
    localparam [2:0] K_MAX = 0, K_MEAN = 1, K_VAR = 2, K_SUM = 3, K_OUT = 4;
    localparam [4:0] GAP_MAX = T[4:0], GAP_MEAN = GAP_MAX + 5'd5, GAP_VAR = GAP_MAX + 5'd5,
                     GAP_SUM = GAP_MAX + 5'd18;
    localparam signed [51:0] XLIM = 52'sd16777216;
    localparam SW = IW + 17;       // rsum width
    localparam BW = 12 + CW;       // side band: {lastrow, first, lastp, mode, cnt, pb}

    // Mode m is live only if MODES enables it (constant 0 otherwise).
    function automatic has(input [3:0] m, input [3:0] which);
        has = LIVE[which] && m == which;
    endfunction
    function automatic is_pair(input [3:0] m);
        is_pair = has(m, M_GELU) || has(m, M_TANH) || has(m, M_SILU) || has(m, M_DIV) ||
                  has(m, M_ADD) || has(m, M_MUL);
    endfunction
    // GELU, tanh and SiLU share the sigmoid path; LayerNorm and RMSNorm the normalisation.
    function automatic sig_path(input [3:0] m);
        sig_path = has(m, M_GELU) || has(m, M_TANH) || has(m, M_SILU);
    endfunction
    function automatic norm_path(input [3:0] m);
        norm_path = has(m, M_LNORM) || has(m, M_RMS);
    endfunction
    function automatic signed [31:0] sx32(input signed [IW-1:0] v);
        sx32 = {{(32-IW){v[IW-1]}}, v};
    endfunction

    integer l;
    genvar g;

    // ---- command and pass control ----
    reg        busy_r, first_r;
    reg [3:0]  mode_r;
    reg [4:0]  pb_r, wait_r;
    reg [1:0]  pass_r;
    reg [16:0] len_r, rem_r;
    reg [30:0] m_r;
    reg [5:0]  e_r;
    reg [47:0] k_r;
    // ---- row registers ----
    reg signed [IW-1:0] rmax;
    reg signed [SW-1:0] rsum;
    reg signed [31:0]   rmean, rln;
    reg [63:0]          racc_s, racc_v;  // row sums: exp+sum pass, var pass (64-bit adds)

    wire          pair = is_pair(mode_r);
    wire [16:0]   per = pair ? HALF[16:0] : N[16:0];
    wire [CW-1:0] cnt = rem_r < per ? rem_r[CW-1:0] : per[CW-1:0];
    wire          lastp = rem_r <= per;
    wire          three = has(mode_r, M_SM) || has(mode_r, M_LNORM);
    wire          lastpass = three ? pass_r == 2'd2 : has(mode_r, M_RMS) ? pass_r == 2'd1 : 1'b1;
    wire [2:0]    kind = has(mode_r, M_SM) ? (pass_r == 0 ? K_MAX : pass_r == 1 ? K_SUM : K_OUT)
                       : has(mode_r, M_LNORM) ? (pass_r == 0 ? K_MEAN : pass_r == 1 ? K_VAR : K_OUT)
                       : has(mode_r, M_RMS) ? (pass_r == 0 ? K_VAR : K_OUT)
                       : K_OUT;
    wire [4:0]    gap = has(mode_r, M_SM) ? (pass_r == 0 ? GAP_MAX : GAP_SUM)
                      : has(mode_r, M_LNORM) && pass_r == 0 ? GAP_MEAN : GAP_VAR;

    // Valid chains (reset): vo = output-bound beats (t+0 .. t+41 -> y), vs = exp+sum beats,
    // vm / vn / vv = max / mean / var beats; f* = a pass's last beat of that kind.
    reg [LAT:0] vo;
    reg [19+T:0] vs;
    reg [T:0]   vm, vn;
    reg [6+T:0] vv;
    assign cmd_ready = out_ready && !busy_r;
    assign x_ready = out_ready && busy_r && wait_r == 5'd0;
    assign busy = busy_r || (|vo) || y_valid;
    wire acc_x = x_valid && x_ready;
    wire acc_cmd = cmd_valid && cmd_ready;

    // ---- f0: the beat ----
    reg [N*IW-1:0] x0;
    reg [N-1:0]    ok0;            // lane < cnt
    reg [BW-1:0]   c0;             // side band
    reg [30:0]     m0;
    reg [5:0]      e0;
    reg [31:0]     k0;
    always @(posedge clk)
        if (out_ready && acc_x) begin
            for (l = 0; l < N; l = l + 1) begin
                x0[l*IW +: IW] <= ((pair ? l % HALF : l) < cnt) ? x_data[l*IW +: IW] : {IW{1'b0}};
                ok0[l] <= l < cnt;
            end
            c0 <= {lastp && lastpass, first_r, lastp, mode_r, cnt, pb_r};
            m0 <= m_r;
            e0 <= e_r;
            k0 <= k_r[31:0];
        end
    // Side band at stage t+j: c0 delayed (the beat's mode etc.).
    wire [BW-1:0] c1, c7, c10, c19, c29, c38, c39, c41;
    quark_pipe #(.W(BW), .D(1)) p_c1 (.clk(clk), .rst(rst), .ce(out_ready), .d(c0), .q(c1));
    quark_pipe #(.W(BW), .D(6)) p_c7 (.clk(clk), .rst(rst), .ce(out_ready), .d(c1), .q(c7));
    quark_pipe #(.W(BW), .D(3)) p_c10 (.clk(clk), .rst(rst), .ce(out_ready), .d(c7), .q(c10));
    quark_pipe #(.W(BW), .D(9)) p_c19 (.clk(clk), .rst(rst), .ce(out_ready), .d(c10), .q(c19));
    quark_pipe #(.W(BW), .D(10)) p_c29 (.clk(clk), .rst(rst), .ce(out_ready), .d(c19), .q(c29));
    quark_pipe #(.W(BW), .D(9)) p_c38 (.clk(clk), .rst(rst), .ce(out_ready), .d(c29), .q(c38));
    quark_pipe #(.W(BW), .D(1)) p_c39 (.clk(clk), .rst(rst), .ce(out_ready), .d(c38), .q(c39));
    quark_pipe #(.W(BW), .D(2)) p_c41 (.clk(clk), .rst(rst), .ce(out_ready), .d(c39), .q(c41));
`define PB(c) c[4:0]
`define CNT(c) c[CW+4:5]
`define MODE(c) c[CW+8:CW+5]
`define LASTP(c) c[CW+9]
`define FIRST(c) c[CW+10]
`define LASTROW(c) c[CW+11]

    // ---- max and mean passes: trees on f0 ----
    wire [N*IW-1:0] xmax;
    wire [N*SW-1:0] xsum;
    generate
        for (g = 0; g < N; g = g + 1) begin : red_in
            assign xmax[g*IW +: IW] = ok0[g] ? x0[g*IW +: IW] : {1'b1, {(IW-1){1'b0}}};
            assign xsum[g*SW +: SW] = {{17{x0[g*IW+IW-1]}}, x0[g*IW +: IW]};
        end
    endgenerate
    wire signed [IW-1:0] bmax;
    wire signed [SW-1:0] bsum;
    quark_tree #(.N(N), .W(IW), .MAX(1)) t_max (.clk(clk), .ce(out_ready), .d(xmax), .q(bmax));
    quark_tree #(.N(N), .W(SW), .MAX(0)) t_sum (.clk(clk), .ce(out_ready), .d(xsum), .q(bsum));
    wire [1:0] flT;                // {first, lastp} of the beat at the trees' outputs
    quark_pipe #(.W(2), .D(T)) p_flT (.clk(clk), .rst(rst), .ce(out_ready), .d({`FIRST(c0), `LASTP(c0)}),
                                      .q(flT));

    // ---- mean multiplier: rmean = rnd(rsum R_N / 2^32) (64-bit product) ----
    // rsum = b 2^17 + a (a unsigned 17 bits), k = k2 2^34 + k1 2^17 + k0.
    reg                mfin;       // rsum is final (t+T+1)
    reg  [3:0]         mf;         // mfin delayed 1..4
    reg signed [35:0]  ma0k0, ma0k1, ma1k0, ma0k2, ma1k1, ma1k2;
    /* verilator lint_off UNUSEDSIGNAL */
    reg signed [35:0]  pa0k0, pa0k1, pa1k0, pa0k2, pa1k1, pa1k2;
    /* verilator lint_on UNUSEDSIGNAL */
    reg signed [63:0]  msa, msb, msc, mt1, mt2;
    wire signed [17:0] ma0 = $signed({1'b0, rsum[16:0]});
    wire signed [17:0] ma1 = $signed({{(35-SW){rsum[SW-1]}}, rsum[SW-1:17]});
    wire signed [17:0] mk0 = $signed({1'b0, k_r[16:0]});
    wire signed [17:0] mk1 = $signed({1'b0, k_r[33:17]});
    wire signed [17:0] mk2 = $signed({4'b0, k_r[47:34]});
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [63:0] mp = mt1 + mt2;
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk)
        if (out_ready) begin
            ma0k0 <= ma0 * mk0; ma0k1 <= ma0 * mk1; ma1k0 <= ma1 * mk0;
            ma0k2 <= ma0 * mk2; ma1k1 <= ma1 * mk1; ma1k2 <= ma1 * mk2;
            {pa0k0, pa0k1, pa1k0} <= {ma0k0, ma0k1, ma1k0};
            {pa0k2, pa1k1, pa1k2} <= {ma0k2, ma1k1, ma1k2};
            msa <= {pa1k2[12:0], 16'd0, pa0k0[34:0] + 35'h080000000};  // + 2^31
            msb <= {{28{pa0k1[35]}}, pa0k1} + {{28{pa1k0[35]}}, pa1k0};
            msc <= {{28{pa0k2[35]}}, pa0k2} + {{28{pa1k1[35]}}, pa1k1};
            mt1 <= msa + (msb <<< 17);
            mt2 <= msc <<< 34;
        end

    // ---- f1 ----
    reg signed [17:0] cq1 [0:N-1];
    reg signed [31:0] yv1 [0:N-1];
    wire signed [31:0] mean = has(`MODE(c0), M_RMS) ? 32'sd0 : rmean;  // RMSNorm: mean 0
    always @(posedge clk)
        if (out_ready)
            for (l = 0; l < N; l = l + 1) begin
                cq1[l] <= has(`MODE(c0), M_SM)
                        ? $signed({{(18-IW){x0[l*IW+IW-1]}}, x0[l*IW +: IW]}) - $signed({{(18-IW){rmax[IW-1]}}, rmax})
                        : $signed({{(18-IW){x0[l*IW+IW-1]}}, x0[l*IW +: IW]});
                yv1[l] <= (sx32(x0[l*IW +: IW]) <<< 14) - mean;
            end
    wire [30:0] m1;
    wire [5:0]  e1, e3;
    quark_pipe #(.W(37), .D(1)) p_me1 (.clk(clk), .rst(rst), .ce(out_ready), .d({m0, e0}), .q({m1, e1}));
    quark_pipe #(.W(6), .D(2)) p_e3 (.clk(clk), .rst(rst), .ce(out_ready), .d(e1), .q(e3));

    // ---- input requantizer: q14 = sat(rnd(c m / 2^e), +-2^24) (asim_nl_quark_to_q14) ----
    // The rounding shift (p + 2^(s-1)) >>> s is ((p >>> (s-1)) + 1) >>> 1 for s >= 1; every
    // shift of 50 or more rounds |p| < 2^48 to 0, as the kernel's clamp at 62 does.
    reg signed [35:0] ql1 [0:N-1], ql2 [0:N-1];
    reg signed [32:0] qh1 [0:N-1], qh2 [0:N-1];
    reg signed [51:0] qp3 [0:N-1], qs4 [0:N-1], qr5 [0:N-1];
    reg signed [31:0] q14 [0:N-1];
    reg [5:0] s4, s5, sm4;         // s = min(e, 50) at t+4 and t+5, s - 1 at t+4
    always @(posedge clk)
        if (out_ready) begin
            s4 <= e3 > 6'd50 ? 6'd50 : e3;
            sm4 <= (e3 > 6'd50 ? 6'd50 : e3) - 6'd1;
            s5 <= s4;
            for (l = 0; l < N; l = l + 1) begin
                ql1[l] <= cq1[l] * $signed({1'b0, m1[16:0]});
                qh1[l] <= cq1[l] * $signed({1'b0, m1[30:17]});
                ql2[l] <= ql1[l];
                qh2[l] <= qh1[l];
                qp3[l] <= ({{19{qh2[l][32]}}, qh2[l]} <<< 17) + {{16{ql2[l][35]}}, ql2[l]};
                qs4[l] <= s4 == 6'd0 ? qp3[l] : qp3[l] >>> sm4;
                qr5[l] <= s5 == 6'd0 ? qs4[l] : (qs4[l] + 52'sd1) >>> 1;
                q14[l] <= qr5[l] < -XLIM ? -XLIM[31:0] : (qr5[l] > XLIM ? XLIM[31:0] : qr5[l][31:0]);
            end
        end

    // ---- GELU/tanh/SiLU multiplier: z = rnd(-k q14 / 2^14) for the pairs' lanes ----
    // |q14| < 2^24 fits the DSP's 25-bit port; at the clamp, -k (+-2^24) / 2^14 is -+k 2^10.
    wire signed [17:0] nk = has(`MODE(c7), M_GELU) ? -18'sd27886
                          : has(`MODE(c7), M_SILU) ? -18'sd16384 : -18'sd32768;
    reg signed [42:0] zm8 [0:HALF-1], zp9 [0:HALF-1];
    reg signed [31:0] zs8 [0:HALF-1], zs9 [0:HALF-1];    // z at the clamp
    reg [HALF-1:0]    sat8, sat9;
    reg signed [31:0] q8 [0:N-1], q9 [0:N-1], q10 [0:N-1];
    reg signed [31:0] z10 [0:HALF-1], nz10 [0:HALF-1];  // z and -z
    reg [HALF-1:0]    pos10;                            // z > 0
    /* verilator lint_off UNUSEDSIGNAL */
    reg signed [42:0] zc [0:HALF-1];   // z = rnd(-k q14 / 2^14), |z| < 2^26
    /* verilator lint_on UNUSEDSIGNAL */
    always @(posedge clk)
        if (out_ready) begin
            for (l = 0; l < N; l = l + 1) begin
                q8[l] <= q14[l];
                q9[l] <= q8[l];
            end
            for (l = 0; l < HALF; l = l + 1) begin
                zm8[l] <= nk * $signed(q14[l][24:0]);
                sat8[l] <= q14[l] == XLIM[31:0] || q14[l] == -XLIM[31:0];
                zs8[l] <= q14[l][31] ? -({{14{nk[17]}}, nk} <<< 10) : {{14{nk[17]}}, nk} <<< 10;
                zp9[l] <= zm8[l] + 43'sd8192;
                sat9[l] <= sat8[l];
                zs9[l] <= zs8[l];
            end
        end
    always @(posedge clk)          // resets so that q14 -> .. -> q10 is no SRL
        for (l = 0; l < N; l = l + 1)
            if (rst)
                q10[l] <= 32'sd0;
            else if (out_ready)
                q10[l] <= q9[l];
    always @*
        for (l = 0; l < HALF; l = l + 1)
            zc[l] = sat9[l] ? $signed({{11{zs9[l][31]}}, zs9[l]}) : zp9[l] >>> 14;
    always @(posedge clk)
        if (out_ready)
            for (l = 0; l < HALF; l = l + 1) begin
                z10[l] <= zc[l][31:0];
                nz10[l] <= -zc[l][31:0];
                pos10[l] <= zc[l] > 0;
            end
    wire [N*IW-1:0] x10;
    wire [N*32-1:0] yv10;
    wire [N-1:0]    ok5;
    wire [31:0]     k10;
    quark_pipe #(.W(N*IW), .D(10)) p_x10 (.clk(clk), .rst(rst), .ce(out_ready), .d(x0), .q(x10));
    quark_pipe #(.W(32), .D(10)) p_k10 (.clk(clk), .rst(rst), .ce(out_ready), .d(k0), .q(k10));
    quark_pipe #(.W(N), .D(5)) p_ok5 (.clk(clk), .rst(rst), .ce(out_ready), .d(ok0), .q(ok5));
    generate
        for (g = 0; g < N; g = g + 1) begin : yv_d
            quark_pipe #(.W(32), .D(9)) p_yv (.clk(clk), .rst(rst), .ce(out_ready), .d(yv1[g]),
                                             .q(yv10[g*32 +: 32]));
        end
    endgenerate

    // ---- s1 (t+10): the lane operands ----
    reg signed [31:0] s1_a [0:N-1];
    reg signed [31:0] s1_b [0:HALF-1];
    reg signed [IW-1:0] s1_x [0:HALF-1];
    reg [N-1:0]       s1_neg, s1_zero;
    reg signed [31:0] s1_k;
    reg signed [31:0] f_a [0:N-1], f_b [0:HALF-1];
    reg [N-1:0]       f_neg, f_zero;
    reg signed [IW-1:0] xl [0:N-1];
    /* verilator lint_off UNUSEDSIGNAL */
    reg signed [63:0] nmm, zm;
    reg signed [31:0] yv, nyv;
    /* verilator lint_on UNUSEDSIGNAL */
    wire [3:0] mode10 = `MODE(c10);
    wire       sum10 = vs[10];
    always @* begin
        f_neg = {N{1'b0}};
        f_zero = {N{1'b0}};
        nmm = 64'sd0;
        zm = 64'sd0;
        yv = 32'sd0;
        nyv = 32'sd0;
        for (l = 0; l < N; l = l + 1) begin
            xl[l] = x10[l*IW +: IW];
            yv = yv10[l*32 +: 32];
            nyv = -yv;
            f_a[l] = 32'sd0;
            if (sum10)
                f_a[l] = q10[l];
            else if (has(mode10, M_SM))
                f_a[l] = q10[l] - rln;
            else if (has(mode10, M_EXP))
                f_a[l] = q10[l];
            else if (has(mode10, M_LN))
                f_a[l] = xl[l] > 0 ? sx32(xl[l]) : 32'sd0;
            else if (has(mode10, M_RELU))
                f_a[l] = xl[l] > 0 ? sx32(xl[l]) <<< 14 : 32'sd0;
            else if (norm_path(mode10)) begin
                f_a[l] = yv < 0 ? nyv : yv;
                f_neg[l] = yv < 0;
                f_zero[l] = yv == 0;
            end
        end
        for (l = 0; l < HALF; l = l + 1) begin
            nmm = pos10[l] ? {{32{nz10[l][31]}}, nz10[l]} : 64'sd0;   // -max(z, 0)
            zm = pos10[l] ? 64'sd0 : {{32{z10[l][31]}}, z10[l]};     // z - max(z, 0)
            f_b[l] = nmm[31:0];
            if (sig_path(mode10)) begin
                f_a[2*l] = nmm[31:0];
                f_a[2*l+1] = zm[31:0];
            end else if (has(mode10, M_DIV)) begin
                f_a[l] = xl[l] < 0 ? -sx32(xl[l]) : sx32(xl[l]);
                f_a[l+HALF] = xl[l+HALF] < 0 ? -sx32(xl[l+HALF]) : sx32(xl[l+HALF]);
                f_neg[l] = (xl[l] < 0) != (xl[l+HALF] < 0);
                f_zero[l] = xl[l] == 0;
            end else if (has(mode10, M_ADD)) begin
                f_a[l] = sx32(xl[l]) + sx32(xl[l+HALF]);
                f_a[l+HALF] = 32'sd0;
            end else if (has(mode10, M_MUL)) begin  // b to stage C's multiplier, a in s1_x
                f_a[l] = sx32(xl[l+HALF]);
                f_a[l+HALF] = 32'sd0;
            end
        end
    end
    always @(posedge clk)
        if (out_ready) begin
            for (l = 0; l < N; l = l + 1)
                s1_a[l] <= f_a[l];
            for (l = 0; l < HALF; l = l + 1) begin
                s1_b[l] <= f_b[l];
                s1_x[l] <= xl[l];
            end
            s1_neg <= f_neg;
            s1_zero <= f_zero;
            s1_k <= has(mode10, M_LN) ? k10 : norm_path(mode10) ? rln : 32'sd0;
        end
    wire [3:0] mode11;
    quark_pipe #(.W(4), .D(1)) p_m11 (.clk(clk), .rst(rst), .ce(out_ready), .d(mode10), .q(mode11));

    // ---- stage A (t+11 .. t+19) ----
    wire [30:0]        exp_a [0:N-1];
    wire signed [31:0] ln_a [0:N-1], a19 [0:N-1];
    generate
        for (g = 0; g < N; g = g + 1) begin : lane_a
            quark_exp u_exp (.clk(clk), .rst(rst), .ce(out_ready), .x(s1_a[g]), .y(exp_a[g]));
            quark_ln #(.W(32)) u_ln (.clk(clk), .rst(rst), .ce(out_ready), .v(s1_a[g]),
                                     .frac14(norm_path(mode11)), .y(ln_a[g]));
            quark_pipe #(.W(32), .D(8)) p_a (.clk(clk), .rst(rst), .ce(out_ready), .d(s1_a[g]), .q(a19[g]));
        end
    endgenerate
    wire signed [31:0] k19;
    wire [HALF*32-1:0] b19;
    wire [HALF*IW-1:0] x19;
    wire [2*N-1:0]     nz19;
    wire [HALF*32-1:0] s1_bv;
    wire [HALF*IW-1:0] s1_xv;
    generate
        for (g = 0; g < HALF; g = g + 1) begin : pack_s1
            assign s1_bv[g*32 +: 32] = s1_b[g];
            assign s1_xv[g*IW +: IW] = s1_x[g];
        end
    endgenerate
    quark_pipe #(.W(32 + HALF*32 + HALF*IW + 2*N), .D(8)) p_s1 (.clk(clk), .rst(rst), .ce(out_ready),
        .d({s1_k, s1_bv, s1_xv, s1_neg, s1_zero}), .q({k19, b19, x19, nz19}));
    wire [3:0] mode19 = `MODE(c19);
    reg signed [31:0] s2_a [0:N-1];
    wire [N*64-1:0] sum_lanes;
    always @(posedge clk)
        if (out_ready)
            for (l = 0; l < N; l = l + 1)
                if (has(mode19, M_SM) || has(mode19, M_EXP) || sig_path(mode19))
                    s2_a[l] <= {1'b0, exp_a[l]};
                else if (has(mode19, M_LN))
                    s2_a[l] <= ln_a[l] + k19;
                else if (has(mode19, M_DIV))
                    s2_a[l] <= ln_a[l];
                else if (norm_path(mode19))
                    s2_a[l] <= ln_a[l] - k19;
                else
                    s2_a[l] <= a19[l];
    generate
        for (g = 0; g < N; g = g + 1) begin : sum_a
            assign sum_lanes[g*64 +: 64] = g < `CNT(c19) ? {33'd0, exp_a[g]} : 64'd0;
        end
    endgenerate
    wire [63:0] sumT;
    quark_tree #(.N(N), .W(64), .MAX(0)) t_exp (.clk(clk), .ce(out_ready), .d(sum_lanes), .q(sumT));
    wire [1:0] flS;                // {first, lastp} of the exp+sum beat at sumT (t+19+T)
    quark_pipe #(.W(2), .D(T)) p_flS (.clk(clk), .rst(rst), .ce(out_ready),
                                      .d({`FIRST(c19), `LASTP(c19)}), .q(flS));

    // ---- var pass: squares of y (64-bit), rounded, summed ----
    reg [31:0] u2 [0:N-1];
    reg [35:0] v00 [0:N-1], v01 [0:N-1], v11 [0:N-1];
    reg [35:0] w00 [0:N-1], w01 [0:N-1], w11 [0:N-1];
    reg [63:0] sq5 [0:N-1];
    wire [N*64-1:0] sq_lanes;
    reg  [63:0] sq6 [0:N-1];
    always @(posedge clk)
        if (out_ready)
            for (l = 0; l < N; l = l + 1) begin
                u2[l] <= yv1[l] < 0 ? -yv1[l] : yv1[l];
                v00[l] <= u2[l][16:0] * u2[l][16:0];
                v01[l] <= u2[l][16:0] * u2[l][31:17];
                v11[l] <= u2[l][31:17] * u2[l][31:17];
                {w00[l], w01[l], w11[l]} <= {v00[l], v01[l], v11[l]};
                sq5[l] <= {w11[l][29:0], w00[l][33:0]} + {14'd0, w01[l][31:0], 18'd0};
                sq6[l] <= ok5[l] ? (sq5[l] + 64'd8192) >> 14 : 64'd0;
            end
    generate
        for (g = 0; g < N; g = g + 1) begin : sq_pack
            assign sq_lanes[g*64 +: 64] = sq6[g];
        end
    endgenerate
    wire [63:0] sqT;
    quark_tree #(.N(N), .W(64), .MAX(0)) t_sq (.clk(clk), .ce(out_ready), .d(sq_lanes), .q(sqT));
    wire [1:0] flV;                // {first, lastp} of the var beat at sqT (t+6+T)
    quark_pipe #(.W(2), .D(6 + T)) p_flV (.clk(clk), .rst(rst), .ce(out_ready),
                                          .d({`FIRST(c0), `LASTP(c0)}), .q(flV));

    // ---- ln of the row sums: rln = ln(sum) or (ln(sum of squares) - ln(len)) / 2 ----
    reg  [1:0] rfin;               // racc is final: {var, sum}
    wire [1:0] rfin8;
    wire signed [31:0] ln_r, ln_n;
    // rfin is set with the final sum, so it selects the sum LN_R takes at the next edge.
    quark_ln #(.W(64)) u_ln_r (.clk(clk), .rst(rst), .ce(out_ready), .v(rfin[1] ? racc_v : racc_s),
                               .frac14(1'b1), .y(ln_r));
    reg [16:0] len_v;              // len_r taken with racc: the next row's command may follow
    quark_ln #(.W(17)) u_ln_n (.clk(clk), .rst(rst), .ce(out_ready), .v(len_v), .frac14(1'b0), .y(ln_n));
    reg  [15:0] rf;                // rfin delayed 1..8, two bits each
    assign rfin8 = rf[15:14];

    // ---- stage B (t+20 .. t+38) ----
    reg [15:0] ps21 [0:HALF-1];
    wire signed [31:0] ln_b [0:HALF-1];
    wire [N*32-1:0] s2v, a29;
    generate
        for (g = 0; g < N; g = g + 1) begin : pack_s2
            assign s2v[g*32 +: 32] = s2_a[g];
        end
        for (g = 0; g < HALF; g = g + 1) begin : lane_b_ln
            /* verilator lint_off UNUSEDSIGNAL */
            wire signed [31:0] pair_sum = s2_a[2*g] + s2_a[2*g+1];  // <= 2^15
            /* verilator lint_on UNUSEDSIGNAL */
            always @(posedge clk)
                if (out_ready)
                    ps21[g] <= pair_sum[15:0];
            quark_ln #(.W(16)) u_ln (.clk(clk), .rst(rst), .ce(out_ready), .v(ps21[g]), .frac14(1'b1),
                                     .y(ln_b[g]));
        end
    endgenerate
    wire [HALF*32-1:0] b29;
    wire [HALF*IW-1:0] x29;
    wire [2*N-1:0]     nz29;
    quark_pipe #(.W(N*32), .D(9)) p_a29 (.clk(clk), .rst(rst), .ce(out_ready), .d(s2v), .q(a29));
    quark_pipe #(.W(HALF*32 + HALF*IW + 2*N), .D(10)) p_s2 (.clk(clk), .rst(rst), .ce(out_ready),
        .d({b19, x19, nz19}), .q({b29, x29, nz29}));
    wire [3:0] mode29 = `MODE(c29);
    reg signed [31:0] eb [0:N-1];
    always @(posedge clk)
        if (out_ready) begin
            for (l = 0; l < N; l = l + 1)
                eb[l] <= a29[l*32 +: 32];
            for (l = 0; l < HALF; l = l + 1)
                if (sig_path(mode29))
                    eb[l] <= $signed(b29[l*32 +: 32]) - ln_b[l];
                else if (has(mode29, M_DIV))
                    eb[l] <= $signed(a29[l*32 +: 32]) - $signed(a29[(l+HALF)*32 +: 32]);
        end
    wire [30:0] exp_b [0:N-1];
    generate
        for (g = 0; g < N; g = g + 1) begin : lane_b_exp
            quark_exp u_exp (.clk(clk), .rst(rst), .ce(out_ready), .x(eb[g]), .y(exp_b[g]));
        end
    endgenerate
    wire [N*32-1:0]    a38;
    wire [HALF*IW-1:0] x38;
    wire [N-1:0]       neg38, zero38;
    quark_pipe #(.W(N*32), .D(9)) p_a38 (.clk(clk), .rst(rst), .ce(out_ready), .d(a29), .q(a38));
    quark_pipe #(.W(HALF*IW + 2*N), .D(9)) p_x38 (.clk(clk), .rst(rst), .ce(out_ready),
        .d({x29, nz29}), .q({x38, neg38, zero38}));
    wire [3:0] mode38 = `MODE(c38);
    reg signed [31:0] s3_a [0:N-1];
    wire [HALF*IW-1:0] s3_x;
    quark_pipe #(.W(HALF*IW), .D(1)) p_x39 (.clk(clk), .rst(rst), .ce(out_ready), .d(x38), .q(s3_x));
    always @(posedge clk)
        if (out_ready)
            for (l = 0; l < N; l = l + 1)
                if (sig_path(mode38))
                    s3_a[l] <= l < HALF ? {1'b0, exp_b[l]} : 32'sd0;
                else if (has(mode38, M_DIV))
                    s3_a[l] <= l >= HALF ? 32'sd0 : zero38[l] ? 32'sd0
                             : neg38[l] ? -{1'b0, exp_b[l]} : {1'b0, exp_b[l]};
                else if (norm_path(mode38))
                    s3_a[l] <= zero38[l] ? 32'sd0 : neg38[l] ? -{1'b0, exp_b[l]} : {1'b0, exp_b[l]};
                else
                    s3_a[l] <= a38[l*32 +: 32];

    // ---- stage C (t+39 .. t+41) ----
    // x * sigma and a * b: the pair modes' results are in lanes < N/2, and their lane value
    // (sigma <= 1.0, or an input code) fits the DSP's 25-bit port.
    wire [3:0] mode39 = `MODE(c39), mode41 = `MODE(c41);
    wire [4:0] pb39 = `PB(c39), pb41 = `PB(c41);
    reg signed [42:0] cm40 [0:HALF-1], cp41 [0:HALF-1];
    reg signed [63:0] cv40 [0:N-1], cv41 [0:N-1];
    reg signed [63:0] p, top;
    reg [31:0] c_next [0:N-1];
    always @(posedge clk)
        if (out_ready) begin
            for (l = 0; l < HALF; l = l + 1) begin
                cm40[l] <= $signed(s3_x[l*IW +: IW]) * $signed(s3_a[l][24:0]);
                cp41[l] <= cm40[l];
            end
            for (l = 0; l < N; l = l + 1) begin
                if (has(mode39, M_SM))
                    cv40[l] <= pb39 < 5'd14 ? $signed({{32{s3_a[l][31]}}, s3_a[l]}) >>> (5'd13 - pb39)
                             : $signed({{32{s3_a[l][31]}}, s3_a[l]}) <<< (pb39 - 5'd14);
                else if (has(mode39, M_TANH))
                    cv40[l] <= {{32{s3_a[l][31]}}, (s3_a[l] <<< 1) - 32'sd16384};
                else
                    cv40[l] <= {{32{s3_a[l][31]}}, s3_a[l]};
                cv41[l] <= has(`MODE(c40w), M_SM) && `PB(c40w) < 5'd14 ? (cv40[l] + 64'sd1) >>> 1
                                                                  : cv40[l];
            end
        end
    /* verilator lint_off UNUSEDSIGNAL */
    wire [BW-1:0] c40w;
    /* verilator lint_on UNUSEDSIGNAL */
    quark_pipe #(.W(BW), .D(1)) p_c40 (.clk(clk), .rst(rst), .ce(out_ready), .d(c39), .q(c40w));
    always @* begin
        top = ~(~64'sd0 <<< pb41);  // 2^pb - 1; p >= 0 exceeds it iff a bit above is set
        for (l = 0; l < N; l = l + 1) begin
            c_next[l] = 32'd0;
            p = cv41[l];
            if (vo[LAT] && l < `CNT(c41)) begin
                if (has(mode41, M_SM))
                    c_next[l] = p < 0 ? 32'd0 : (|(p & ~top) ? top[31:0] : p[31:0]);
                else if (has(mode41, M_GELU) || has(mode41, M_SILU) || has(mode41, M_MUL))
                    c_next[l] = l < HALF ? cp41[l % HALF][31:0] : 32'd0;
                else if (mode41 != M_NONE)
                    c_next[l] = p[31:0];
            end
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            busy_r <= 1'b0;
            wait_r <= 5'd0;
            vo <= {(LAT+1){1'b0}};
            vs <= {(20+T){1'b0}};
            vm <= {(T+1){1'b0}};
            vn <= {(T+1){1'b0}};
            vv <= {(7+T){1'b0}};
            mfin <= 1'b0;
            mf <= 4'd0;
            rfin <= 2'd0;
            rf <= 16'd0;
            y_valid <= 1'b0;
            y_last <= 1'b0;
            y_count <= {CW{1'b0}};
            y_data <= {(N*32){1'b0}};
        end else if (out_ready) begin
            // stage C: output register
            y_valid <= vo[LAT];
            y_last <= vo[LAT] && `LASTROW(c41);
            y_count <= vo[LAT] ? `CNT(c41) : {CW{1'b0}};
            for (l = 0; l < N; l = l + 1)
                y_data[l*32 +: 32] <= c_next[l];
            // valid chains
            vo <= {vo[LAT-1:0], acc_x && kind == K_OUT};
            vs <= {vs[18+T:0], acc_x && kind == K_SUM};
            vm <= {vm[T-1:0], acc_x && kind == K_MAX};
            vn <= {vn[T-1:0], acc_x && kind == K_MEAN};
            vv <= {vv[5+T:0], acc_x && kind == K_VAR};
            // row constants
            if (vm[T])
                rmax <= (flT[1] || bmax > rmax) ? bmax : rmax;
            mfin <= vn[T] && flT[0];
            if (vn[T])
                rsum <= (flT[1] ? {SW{1'b0}} : rsum) + bsum;
            mf <= {mf[2:0], mfin};
            if (mf[3])
                rmean <= mp[63:32];
            if (vs[19+T])
                racc_s <= (flS[1] ? 64'd0 : racc_s) + sumT;
            if (vv[6+T]) begin
                racc_v <= (flV[1] ? 64'd0 : racc_v) + sqT;
                len_v <= len_r;
            end
            rfin <= {vv[6+T] && flV[0], vs[19+T] && flS[0]};
            rf <= {rf[13:0], rfin};
            if (rfin8[1])
                rln <= (ln_r - ln_n) >>> 1;
            else if (rfin8[0])
                rln <= ln_r;
            // controller
            if (acc_x) begin
                if (lastp && lastpass) begin
                    busy_r <= 1'b0;
                end else if (lastp) begin
                    wait_r <= gap;
                    pass_r <= pass_r + 2'd1;
                    rem_r <= len_r;
                    first_r <= 1'b1;
                end else begin
                    rem_r <= rem_r - per;
                    first_r <= 1'b0;
                end
            end else if (busy_r && wait_r != 5'd0) begin
                wait_r <= wait_r - 5'd1;
            end
            if (acc_cmd) begin
                busy_r <= 1'b1;
                mode_r <= LIVE[cmd_mode] ? cmd_mode : M_NONE;
                len_r <= cmd_len;
                rem_r <= cmd_len;
                m_r <= cmd_m;
                e_r <= cmd_e;
                pb_r <= cmd_pb;
                k_r <= cmd_k;
                pass_r <= 2'd0;
                first_r <= 1'b1;
                wait_r <= 5'd0;
            end
        end
    end
`undef PB
`undef CNT
`undef MODE
`undef LASTP
`undef FIRST
`undef LASTROW
endmodule

// Helpers of this unit only (one file, so the file lists stay the unit's three).
/* verilator lint_off DECLFILENAME */

// D register stages of W bits. Only the last one resets: the others may become SRLs, whose
// clock-to-out (1.5 ns in cells_sim.v) would eat the next stage's time; a flip-flop with a
// reset cannot join an SRL. D = 0 is a wire.
module quark_pipe #(
    parameter W = 1,
    parameter D = 1
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         ce,
    input  wire [W-1:0] d,
    output wire [W-1:0] q
);
    generate
        if (D == 0) begin : wire_through
            assign q = d;
        end else begin : stages
            reg [W-1:0] r [0:D-1];
            integer j;
            always @(posedge clk)
                if (ce) begin
                    r[0] <= d;
                    for (j = 1; j < D - 1; j = j + 1)
                        r[j] <= r[j-1];
                end
            always @(posedge clk)
                if (rst)
                    r[D-1] <= {W{1'b0}};
                else if (ce)
                    r[D-1] <= D == 1 ? d : r[D == 1 ? 0 : D-2];
            assign q = r[D-1];
        end
    endgenerate
endmodule

// Registered reduction tree of N inputs of W bits: T = clog2(N) levels, one register each, so
// q is the reduction of the d registered T enabled edges earlier. MAX = 1: signed maximum
// (padding the most negative value), else the sum mod 2^W (padding 0).
module quark_tree #(
    parameter N = 2,
    parameter W = 8,
    parameter MAX = 0
) (
    input  wire           clk,
    input  wire           ce,
    input  wire [N*W-1:0] d,
    output wire [W-1:0]   q
);
    localparam T = $clog2(N);
    localparam P = 1 << T;
    localparam [W-1:0] PAD = MAX ? {1'b1, {(W-1){1'b0}}} : {W{1'b0}};
    // Heap order: node k (1 .. P-1) has children 2k and 2k+1; nodes P .. 2P-1 are the inputs.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [2*P*W-1:0] node;
    /* verilator lint_on UNUSEDSIGNAL */
    assign node[W-1:0] = {W{1'b0}};
    genvar k;
    generate
        for (k = 0; k < P; k = k + 1) begin : leaf
            assign node[(P+k)*W +: W] = k < N ? d[(k < N ? k : 0)*W +: W] : PAD;
        end
        for (k = 1; k < P; k = k + 1) begin : inner
            wire [W-1:0] a = node[(2*k)*W +: W], b = node[(2*k+1)*W +: W];
            reg [W-1:0] r;
            always @(posedge clk)
                if (ce)
                    r <= MAX ? ($signed(a) > $signed(b) ? a : b) : a + b;
            assign node[k*W +: W] = r;
        end
    endgenerate
    assign q = node[W +: W];
endmodule
