// quark_unit.v: the QUARK shared nonlinear unit, N lanes (docs/nonlinear.md, "The shared unit").
//
// Port contract, modes, timing and values: sim/quark/quark_step.h (the step model is this
// module's executable specification; tests/cosim/quark compares them every cycle).
// Pipeline, one register stage per line; out_ready is the clock enable of every register:
//   front    beat taken: lane masking; max / mean / variance row reductions; input
//            requantizer (N), GELU/tanh/SiLU multiplier (N/2), squares (N)     -> s1
//   stage A  Appro-Exp EXP_A (N) | Appro-LN LN_A (N); exp+sum adder tree -> racc -> s2
//   stage B  Appro-LN LN_B (N/2) of GELU pair sums, Appro-Exp EXP_B (N)         -> s3
//   stage C  output formatting (softmax width and saturation, x * sigma or the
//            element-wise product a * b, 2s - 1)                              -> y
//   row      the edge after a pass: mean (one multiplier), ln(sum), ln(sigma) (LN_R, LN_N)
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
    localparam [3:0] M_SM = 0, M_GELU = 1, M_LNORM = 2, M_EXP = 3, M_LN = 4, M_DIV = 5,
                     M_ADD = 6, M_TANH = 7, M_SILU = 8, M_RMS = 9, M_RELU = 10, M_MUL = 11,
                     M_NONE = 15;
    localparam [15:0] LIVE = MODES & 16'h0FFF;  // modes that exist and are enabled
    localparam [2:0] K_MAX = 0, K_MEAN = 1, K_VAR = 2, K_SUM = 3, K_OUT = 4;
    localparam [1:0] FIN_NONE = 0, FIN_MEAN = 1, FIN_VAR = 2, FIN_SUM = 3;
    localparam signed [51:0] XLIM = 52'sd16777216;

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
    // Sign extensions of an input code.
    function automatic signed [17:0] sx18(input signed [IW-1:0] v);
        sx18 = {{(18-IW){v[IW-1]}}, v};
    endfunction
    function automatic signed [31:0] sx32(input signed [IW-1:0] v);
        sx32 = {{(32-IW){v[IW-1]}}, v};
    endfunction
    // asim_nl_quark_to_q14: sat(rnd(c * m / 2^e), +-2^24); e = 0 passes. |c * m| < 2^48, so
    // every shift of 50 or more rounds to 0: the kernel's clamp at 62 acts here at 50.
    function automatic signed [31:0] to_q14(input signed [17:0] c, input [30:0] m,
                                            input [5:0] e);
        reg signed [51:0] p;
        reg [5:0] s;
        begin
            p = c * $signed({1'b0, m});
            s = e > 6'd50 ? 6'd50 : e;
            if (s != 0)
                p = (p + (52'sd1 <<< (s - 6'd1))) >>> s;
            p = p < -XLIM ? -XLIM : (p > XLIM ? XLIM : p);
            to_q14 = p[31:0];
        end
    endfunction

    // ---- command and pass control ----
    reg        busy_r, first_r;
    reg [3:0]  mode_r;
    reg [4:0]  pb_r;
    reg [1:0]  pass_r, wait_r;
    reg [16:0] len_r, rem_r;
    reg [30:0] m_r;
    reg [5:0]  e_r;
    reg [47:0] k_r;
    // ---- row registers ----
    reg signed [IW-1:0]  rmax;
    reg signed [IW+16:0] rsum;
    reg signed [31:0]    rmean, rln;
    reg [63:0]           racc;
    reg [1:0]            fin;
    // ---- pipeline registers ----
    reg              s1_v, s1_first, s1_lastp, s1_lastrow;
    reg [2:0]        s1_kind;
    reg [3:0]        s1_mode, s2_mode, s3_mode;
    reg [CW-1:0]     s1_cnt, s2_cnt, s3_cnt;
    reg [4:0]        s1_pb, s2_pb, s3_pb;
    reg signed [31:0] s1_k;
    reg signed [31:0] s1_a [0:N-1], s2_a [0:N-1], s3_a [0:N-1];
    reg signed [31:0] s1_b [0:HALF-1], s2_b [0:HALF-1];
    reg signed [IW-1:0] s1_x [0:HALF-1], s2_x [0:HALF-1], s3_x [0:HALF-1];
    reg [N-1:0]      s1_neg, s1_zero, s2_neg, s2_zero;
    reg              s2_v, s2_lastrow, s3_v, s3_lastrow;

    assign cmd_ready = out_ready && !busy_r;
    assign x_ready = out_ready && busy_r && wait_r == 2'd0;
    assign busy = busy_r || s1_v || s2_v || s3_v || y_valid || fin != FIN_NONE;
    wire acc_x = x_valid && x_ready;
    wire acc_cmd = cmd_valid && cmd_ready;

    // ---- front ----
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
    wire [1:0]    gap = has(mode_r, M_SM) ? (pass_r == 0 ? 2'd0 : 2'd2) : 2'd1;
    wire signed [63:0] gelu_k = has(mode_r, M_GELU) ? 64'sd27886
                              : has(mode_r, M_SILU) ? 64'sd16384 : 64'sd32768;
    wire signed [31:0] mean = has(mode_r, M_RMS) ? 32'sd0 : rmean;  // RMSNorm: mean 0

    integer l;
    reg signed [IW-1:0] xl [0:N-1];
    reg signed [IW-1:0] bmax;
    reg signed [IW+16:0] bsum;
    reg [63:0] bsq;
    reg signed [63:0] sq;
    /* verilator lint_off UNUSEDSIGNAL */
    reg signed [31:0] yv, nyv;
    reg signed [63:0] z, mm, nmm, zm;
    /* verilator lint_on UNUSEDSIGNAL */
    reg signed [31:0] q14 [0:N-1];
    reg signed [31:0] f_a [0:N-1], f_b [0:HALF-1];
    reg [N-1:0] f_neg, f_zero;
    always @* begin
        bmax = {1'b1, {(IW-1){1'b0}}};
        bsum = 0;
        bsq = 64'd0;
        sq = 64'sd0;
        z = 64'sd0;
        mm = 64'sd0;
        nmm = 64'sd0;
        zm = 64'sd0;
        f_neg = {N{1'b0}};
        f_zero = {N{1'b0}};
        for (l = 0; l < N; l = l + 1) begin
            xl[l] = ((pair ? l % HALF : l) < cnt) ? x_data[l*IW +: IW] : {IW{1'b0}};
            q14[l] = to_q14(has(mode_r, M_SM) ? sx18(xl[l]) - sx18(rmax) : sx18(xl[l]), m_r, e_r);
            yv = (sx32(xl[l]) <<< 14) - mean;
            nyv = -yv;
            f_a[l] = 32'sd0;
            if (l < cnt) begin
                if (xl[l] > bmax)
                    bmax = xl[l];
                bsum = bsum + {{17{xl[l][IW-1]}}, xl[l]};
                sq = yv * yv;
                bsq = bsq + ((sq + 64'sd8192) >>> 14);
            end
            if (kind == K_SUM)
                f_a[l] = q14[l];
            else if (has(mode_r, M_SM))
                f_a[l] = q14[l] - rln;
            else if (has(mode_r, M_EXP))
                f_a[l] = q14[l];
            else if (has(mode_r, M_LN))
                f_a[l] = xl[l] > 0 ? sx32(xl[l]) : 32'sd0;
            else if (has(mode_r, M_RELU))
                f_a[l] = xl[l] > 0 ? sx32(xl[l]) <<< 14 : 32'sd0;
            else if (norm_path(mode_r)) begin
                f_a[l] = yv < 0 ? nyv : yv;
                f_neg[l] = yv < 0;
                f_zero[l] = yv == 0;
            end
        end
        for (l = 0; l < HALF; l = l + 1) begin
            z = (-(gelu_k * q14[l]) + 64'sd8192) >>> 14;
            mm = z > 0 ? z : 64'sd0;
            nmm = -mm;
            zm = z - mm;
            f_b[l] = nmm[31:0];
            if (sig_path(mode_r)) begin
                f_a[2*l] = nmm[31:0];
                f_a[2*l+1] = zm[31:0];
            end else if (has(mode_r, M_DIV)) begin
                f_a[l] = xl[l] < 0 ? -sx32(xl[l]) : sx32(xl[l]);
                f_a[l+HALF] = xl[l+HALF] < 0 ? -sx32(xl[l+HALF]) : sx32(xl[l+HALF]);
                f_neg[l] = (xl[l] < 0) != (xl[l+HALF] < 0);
                f_zero[l] = xl[l] == 0;
            end else if (has(mode_r, M_ADD)) begin
                f_a[l] = sx32(xl[l]) + sx32(xl[l+HALF]);
                f_a[l+HALF] = 32'sd0;
            end else if (has(mode_r, M_MUL)) begin  // b to stage C's multiplier, a in s1_x
                f_a[l] = sx32(xl[l+HALF]);
                f_a[l+HALF] = 32'sd0;
            end
        end
    end

    // ---- stage A ----
    wire [30:0]        exp_a [0:N-1];
    wire signed [31:0] ln_a [0:N-1];
    genvar g;
    generate
        for (g = 0; g < N; g = g + 1) begin : lane_a
            quark_exp u_exp (.x(s1_a[g]), .y(exp_a[g]));
            quark_ln #(.W(32)) u_ln (.v(s1_a[g]), .frac14(norm_path(s1_mode)), .y(ln_a[g]));
        end
    endgenerate
    reg [63:0] sum_a;
    reg signed [31:0] a_next [0:N-1];
    always @* begin
        sum_a = 64'd0;
        for (l = 0; l < N; l = l + 1) begin
            if (l < s1_cnt)
                sum_a = sum_a + {33'd0, exp_a[l]};
            if (has(s1_mode, M_SM) || has(s1_mode, M_EXP) || sig_path(s1_mode))
                a_next[l] = {1'b0, exp_a[l]};
            else if (has(s1_mode, M_LN))
                a_next[l] = ln_a[l] + s1_k;
            else if (has(s1_mode, M_DIV))
                a_next[l] = ln_a[l];
            else if (norm_path(s1_mode))
                a_next[l] = ln_a[l] - s1_k;
            else
                a_next[l] = s1_a[l];
        end
    end

    // ---- stage B ----
    wire signed [31:0] ln_b [0:HALF-1];
    wire [30:0]        exp_b [0:N-1];
    reg signed [31:0]  eb_in [0:N-1];
    generate
        for (g = 0; g < HALF; g = g + 1) begin : lane_b_ln
            /* verilator lint_off UNUSEDSIGNAL */
            wire signed [31:0] pair_sum = s2_a[2*g] + s2_a[2*g+1];  // <= 2^15
            /* verilator lint_on UNUSEDSIGNAL */
            quark_ln #(.W(16)) u_ln (.v(pair_sum[15:0]), .frac14(1'b1), .y(ln_b[g]));
        end
        for (g = 0; g < N; g = g + 1) begin : lane_b_exp
            quark_exp u_exp (.x(eb_in[g]), .y(exp_b[g]));
        end
    endgenerate
    reg signed [31:0] b_next [0:N-1];
    always @* begin
        for (l = 0; l < N; l = l + 1) begin
            eb_in[l] = s2_a[l];
            b_next[l] = s2_a[l];
        end
        for (l = 0; l < HALF; l = l + 1) begin
            if (sig_path(s2_mode))
                eb_in[l] = s2_b[l] - ln_b[l];
            else if (has(s2_mode, M_DIV))
                eb_in[l] = s2_a[l] - s2_a[l+HALF];
        end
        for (l = 0; l < N; l = l + 1) begin
            if (sig_path(s2_mode))
                b_next[l] = l < HALF ? {1'b0, exp_b[l]} : 32'sd0;
            else if (has(s2_mode, M_DIV))
                b_next[l] = l >= HALF ? 32'sd0 : s2_zero[l] ? 32'sd0
                          : s2_neg[l] ? -{1'b0, exp_b[l]} : {1'b0, exp_b[l]};
            else if (norm_path(s2_mode))
                b_next[l] = s2_zero[l] ? 32'sd0 : s2_neg[l] ? -{1'b0, exp_b[l]} : {1'b0, exp_b[l]};
        end
    end

    // ---- stage C ----
    reg signed [63:0] p, top;
    reg [31:0] c_next [0:N-1];
    always @* begin
        top = (64'sd1 <<< s3_pb) - 64'sd1;
        for (l = 0; l < N; l = l + 1) begin
            c_next[l] = 32'd0;
            p = {{32{s3_a[l][31]}}, s3_a[l]};
            if (s3_v && l < s3_cnt) begin
                if (has(s3_mode, M_SM)) begin
                    if (s3_pb < 5'd14)
                        p = (p + (64'sd1 <<< (5'd13 - s3_pb))) >>> (5'd14 - s3_pb);
                    else
                        p = p <<< (s3_pb - 5'd14);
                    p = p < 0 ? 64'sd0 : (p > top ? top : p);
                    c_next[l] = p[31:0];
                end else if (has(s3_mode, M_GELU) || has(s3_mode, M_SILU) || has(s3_mode, M_MUL))
                    c_next[l] = sx32(s3_x[l % HALF]) * s3_a[l];
                else if (has(s3_mode, M_TANH))
                    c_next[l] = (s3_a[l] <<< 1) - 32'sd16384;
                else if (s3_mode != M_NONE)
                    c_next[l] = s3_a[l];
            end
        end
    end

    // ---- row constants ----
    wire signed [31:0] ln_r, ln_n;
    quark_ln #(.W(64)) u_ln_r (.v(racc), .frac14(1'b1), .y(ln_r));
    quark_ln #(.W(17)) u_ln_n (.v(len_r), .frac14(1'b0), .y(ln_n));
    wire signed [63:0] mean_p = rsum * $signed({1'b0, k_r});
    /* verilator lint_off UNUSEDSIGNAL */
    wire signed [63:0] mean_r = (mean_p + 64'sd2147483648) >>> 32;  // |mean_r| < 2^30
    /* verilator lint_on UNUSEDSIGNAL */

    always @(posedge clk) begin
        if (rst) begin
            busy_r <= 1'b0;
            wait_r <= 2'd0;
            fin <= FIN_NONE;
            s1_v <= 1'b0;
            s2_v <= 1'b0;
            s3_v <= 1'b0;
            y_valid <= 1'b0;
            y_last <= 1'b0;
            y_count <= {CW{1'b0}};
            y_data <= {(N*32){1'b0}};
        end else if (out_ready) begin
            // stage C
            y_valid <= s3_v;
            y_last <= s3_v && s3_lastrow;
            y_count <= s3_v ? s3_cnt : {CW{1'b0}};
            for (l = 0; l < N; l = l + 1)
                y_data[l*32 +: 32] <= c_next[l];
            // stage B
            s3_v <= s2_v;
            s3_lastrow <= s2_lastrow;
            s3_mode <= s2_mode;
            s3_cnt <= s2_cnt;
            s3_pb <= s2_pb;
            for (l = 0; l < N; l = l + 1)
                s3_a[l] <= b_next[l];
            for (l = 0; l < HALF; l = l + 1)
                s3_x[l] <= s2_x[l];
            // stage A
            s2_v <= s1_v && s1_kind == K_OUT;
            s2_lastrow <= s1_lastrow;
            s2_mode <= s1_mode;
            s2_cnt <= s1_cnt;
            s2_pb <= s1_pb;
            s2_neg <= s1_neg;
            s2_zero <= s1_zero;
            for (l = 0; l < N; l = l + 1)
                s2_a[l] <= a_next[l];
            for (l = 0; l < HALF; l = l + 1) begin
                s2_b[l] <= s1_b[l];
                s2_x[l] <= s1_x[l];
            end
            fin <= FIN_NONE;
            if (s1_v && s1_kind == K_SUM) begin
                racc <= (s1_first ? 64'd0 : racc) + sum_a;
                if (s1_lastp)
                    fin <= FIN_SUM;
            end
            // row constants
            if (fin == FIN_MEAN)
                rmean <= mean_r[31:0];
            else if (fin == FIN_VAR)
                rln <= (ln_r - ln_n) >>> 1;
            else if (fin == FIN_SUM)
                rln <= ln_r;
            // front
            s1_v <= acc_x && (kind == K_SUM || kind == K_OUT);
            s1_first <= first_r;
            s1_lastp <= lastp;
            s1_lastrow <= lastp && lastpass;
            s1_kind <= kind;
            s1_mode <= mode_r;
            s1_cnt <= cnt;
            s1_pb <= pb_r;
            s1_k <= has(mode_r, M_LN) ? k_r[31:0] : norm_path(mode_r) ? rln : 32'sd0;
            s1_neg <= f_neg;
            s1_zero <= f_zero;
            for (l = 0; l < N; l = l + 1)
                s1_a[l] <= f_a[l];
            for (l = 0; l < HALF; l = l + 1) begin
                s1_b[l] <= f_b[l];
                s1_x[l] <= xl[l];
            end
            if (acc_x) begin
                if (kind == K_MAX)
                    rmax <= (first_r || bmax > rmax) ? bmax : rmax;
                if (kind == K_MEAN) begin
                    rsum <= (first_r ? {(IW+17){1'b0}} : rsum) + bsum;
                    if (lastp)
                        fin <= FIN_MEAN;
                end
                if (kind == K_VAR) begin
                    racc <= (first_r ? 64'd0 : racc) + bsq;
                    if (lastp)
                        fin <= FIN_VAR;
                end
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
            end else if (busy_r && wait_r != 2'd0) begin
                wait_r <= wait_r - 2'd1;
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
                wait_r <= 2'd0;
            end
        end
    end
endmodule
