// qmm_engine: the configurable binary / multi-precision QMM engine (BETA): D DPUs on one
// broadcast bus of L 8-bit activation lanes, its job controller and the post-processing
// requantizers. Step model and port contract: sim/qmm/qmm_step.h. Micro-architecture and
// timing: docs/qmm.md.
//
// Buses are packed LSB first: in_b DPU d = in_b[d*8L +: 8L], in_beta DPU d =
// in_beta[d*BTW +: BTW], out_data DPU d = out_data[d*OW +: OW]. One input beat is one step:
// activation element e of the step in in_act[e*A +: A], its B bit for DPU d in bit e of
// DPU d's B bits. out_ready is the clock enable of the whole engine (backpressure holds
// everything). A beat reaches the output register 9 cycles after it is taken.
module qmm_engine #(
    parameter D = 4,
    parameter L = 2,
    parameter ACCW = 24,   // > 9 + clog2(L); ACCW + M0W <= 60
    parameter M0W = 16,
    parameter BTW = 32,    // <= 60
    parameter SHW = 5,     // 1..5
    parameter OW = 8,
    parameter MW = 16,
    parameter NW = 16,     // > clog2(D + 1)
    parameter KW = 16,     // > clog2(8L + 1)
    parameter NVW = $clog2(8 * L + 1),   // derived
    parameter CW = $clog2(D + 1)         // derived
) (
    input clk,
    input rst,
    input cmd_valid,
    output cmd_ready,
    input [MW-1:0] cmd_m,
    input [NW-1:0] cmd_n,
    input [KW-1:0] cmd_k,
    input [1:0] cmd_amode,
    input cmd_asigned,
    input cmd_bbin,
    input [3:0] cmd_bbits,
    input cmd_bsigned,
    input [M0W-1:0] cmd_m0,
    input [SHW-1:0] cmd_shift,
    input in_valid,
    output in_ready,
    input [8*L-1:0] in_act,
    input [D*8*L-1:0] in_b,
    input [D*BTW-1:0] in_beta,
    input out_ready,
    output out_valid,
    output [D-1:0] out_keep,
    output [D*OW-1:0] out_data,
    output busy
);
    wire en = out_ready;
    wire ctl_busy, beat, psign, glast, asigned, bbin;
    wire step_last;
    wire [NVW-1:0] krest;
    wire [CW-1:0] cols;
    wire [2:0] pshift;
    wire [1:0] amode;
    wire [M0W-1:0] m0;
    wire [SHW-1:0] shift;

    qmm_ctrl #(.D(D), .L(L), .MW(MW), .NW(NW), .KW(KW), .M0W(M0W), .SHW(SHW)) ctrl (
        .clk(clk), .rst(rst), .en(en),
        .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_m(cmd_m), .cmd_n(cmd_n),
        .cmd_k(cmd_k), .cmd_amode(cmd_amode), .cmd_asigned(cmd_asigned), .cmd_bbin(cmd_bbin),
        .cmd_bbits(cmd_bbits), .cmd_bsigned(cmd_bsigned), .cmd_m0(cmd_m0),
        .cmd_shift(cmd_shift), .in_valid(in_valid), .in_ready(in_ready), .ctl_busy(ctl_busy),
        .beat(beat), .step_last(step_last), .krest(krest), .cols(cols), .pshift(pshift),
        .psign(psign), .glast(glast), .amode(amode), .asigned(asigned), .bbin(bbin), .m0(m0),
        .shift(shift));

    // Shared pipeline registers: stage 1 (input register), 2 (lane partial sums, in the
    // lanes), 3 (lane sums), 4 (lane-sum tree), 5 (accumulator / double buffer), 6 (post
    // multiply), 7 (post add), 8 (rounding shift), 9 (saturation, the output register).
    reg v1, v2, v3, v4, v5, v6, v7, v8, v9;
    reg [8*L-1:0] act1;
    reg [4*L-1:0] nv1;
    reg [1:0] amode1;
    reg asigned1, bbin1;
    reg psign1, psign2, psign3, psign4;
    reg glast1, glast2, glast3, glast4;
    reg [2:0] pshift1, pshift2, pshift3;
    reg [CW-1:0] cols1, cols2, cols3, cols4, cols5, cols6, cols7, cols8, cols9;
    reg [M0W-1:0] m0_1, m0_2, m0_3, m0_4, m0_5;
    reg [SHW-1:0] shift1, shift2, shift3, shift4, shift5, shift6, shift7;
    wire [4*L-1:0] nv;

    always @(posedge clk) begin
        if (rst) begin
            v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0; v4 <= 1'b0; v5 <= 1'b0; v6 <= 1'b0; v7 <= 1'b0;
            v8 <= 1'b0; v9 <= 1'b0; act1 <= {(8*L){1'b0}}; nv1 <= {(4*L){1'b0}}; amode1 <= 2'd0;
            asigned1 <= 1'b0; bbin1 <= 1'b0; psign1 <= 1'b0; psign2 <= 1'b0; psign3 <= 1'b0;
            psign4 <= 1'b0; glast1 <= 1'b0; glast2 <= 1'b0; glast3 <= 1'b0; glast4 <= 1'b0;
            pshift1 <= 3'd0; pshift2 <= 3'd0; pshift3 <= 3'd0;
            cols1 <= {CW{1'b0}}; cols2 <= {CW{1'b0}}; cols3 <= {CW{1'b0}}; cols4 <= {CW{1'b0}};
            cols5 <= {CW{1'b0}}; cols6 <= {CW{1'b0}}; cols7 <= {CW{1'b0}}; cols8 <= {CW{1'b0}};
            cols9 <= {CW{1'b0}}; m0_1 <= {M0W{1'b0}}; m0_2 <= {M0W{1'b0}}; m0_3 <= {M0W{1'b0}};
            m0_4 <= {M0W{1'b0}}; m0_5 <= {M0W{1'b0}}; shift1 <= {SHW{1'b0}};
            shift2 <= {SHW{1'b0}}; shift3 <= {SHW{1'b0}}; shift4 <= {SHW{1'b0}};
            shift5 <= {SHW{1'b0}}; shift6 <= {SHW{1'b0}}; shift7 <= {SHW{1'b0}};
        end else if (en) begin
            v1 <= beat;
            v2 <= v1;
            v3 <= v2;
            v4 <= v3;
            v5 <= v4 & glast4;
            v6 <= v5;
            v7 <= v6;
            v8 <= v7;
            v9 <= v8;
            if (beat) begin
                act1 <= in_act; nv1 <= nv; amode1 <= amode; asigned1 <= asigned;
                bbin1 <= bbin; psign1 <= psign; glast1 <= glast; pshift1 <= pshift;
                cols1 <= cols; m0_1 <= m0; shift1 <= shift;
            end
            if (v1) begin
                psign2 <= psign1; glast2 <= glast1; pshift2 <= pshift1; cols2 <= cols1;
                m0_2 <= m0_1; shift2 <= shift1;
            end
            if (v2) begin
                psign3 <= psign2; glast3 <= glast2; pshift3 <= pshift2; cols3 <= cols2;
                m0_3 <= m0_2; shift3 <= shift2;
            end
            if (v3) begin
                psign4 <= psign3; glast4 <= glast3; cols4 <= cols3;
                m0_4 <= m0_3; shift4 <= shift3;
            end
            if (v4 & glast4) begin
                cols5 <= cols4; m0_5 <= m0_4; shift5 <= shift4;
            end
            if (v5) begin
                cols6 <= cols5; shift6 <= shift5;
            end
            if (v6) begin
                cols7 <= cols6; shift7 <= shift6;
            end
            if (v7) cols8 <= cols7;
            if (v8) cols9 <= cols8;
        end
    end
    assign busy = ctl_busy | v1 | v2 | v3 | v4 | v5 | v6 | v7 | v8 | v9;
    assign out_valid = v9;

    // Valid elements per lane of the beat (registered in nv1): lane l holds elements
    // l*E .. l*E + E - 1, E = 8 >> amode; all E unless the beat is its pass's last step,
    // which holds krest elements.
    wire [3:0] epl = 4'd8 >> amode;
    genvar l, d;
    generate
        for (l = 0; l < L; l = l + 1) begin : lane_nv
            localparam integer L8 = 8 * l;
            wire [NVW-1:0] base = L8[NVW-1:0] >> amode;
            wire [NVW+3:0] rest = {4'd0, krest - base};
            wire [3:0] nv_last = krest <= base ? 4'd0 :
                                 rest >= {{NVW{1'b0}}, epl} ? epl : rest[3:0];
            assign nv[4*l +: 4] = step_last ? nv_last : epl;
        end
        for (d = 0; d < D; d = d + 1) begin : dpu
            localparam [CW-1:0] DI = d;
            wire [ACCW-1:0] dot;
            wire [BTW-1:0] beta5;
            wire [OW-1:0] y9;
            qmm_dpu #(.L(L), .ACCW(ACCW), .BTW(BTW)) u (
                .clk(clk), .rst(rst), .en(en), .beat(beat),
                .in_b(in_b[d*8*L +: 8*L]), .in_beta(in_beta[d*BTW +: BTW]),
                .v1(v1), .act1(act1), .nv1(nv1), .amode1(amode1), .asigned1(asigned1),
                .bbin1(bbin1), .v2(v2), .v3(v3), .v4(v4), .glast4(glast4), .psign4(psign4),
                .pshift3(pshift3), .dot(dot), .beta5(beta5));
            qmm_post #(.ACCW(ACCW), .M0W(M0W), .BTW(BTW), .SHW(SHW), .OW(OW)) post (
                .clk(clk), .rst(rst), .en(en), .v5(v5), .dot(dot), .beta(beta5), .m0(m0_5),
                .v6(v6), .shift6(shift6), .v7(v7), .shift7(shift7), .v8(v8), .y9(y9));
            assign out_keep[d] = v9 & (DI < cols9);
            assign out_data[d*OW +: OW] = out_keep[d] ? y9 : {OW{1'b0}};
        end
    endgenerate
endmodule
