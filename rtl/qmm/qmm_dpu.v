// qmm_dpu: one dot-product unit of the QMM engine (step model: the per-DPU registers of
// sim/qmm/qmm_step.c). Every DPU is identical, so hierarchical synthesis maps it once.
//
// Pipeline (all registers: synchronous reset, clock enable en, load enables below):
//   stage 1  b1, beta1   this DPU's B bits and column constant of the beat (load: beat)
//   stage 2  beta2       (load: v1); each lane's register (qmm_lane.v) holds its decoded
//                        partial sums
//   stage 3  ls3, beta3  the L lane sums (load: v2)
//   stage 4  tree4       their sum (the lane-sum tree) shifted by the bit plane,
//                        tree << pshift3, in ACCW bits (load: v3), beta4
//   acc      accumulator: acc +/- tree4, wrapping in ACCW bits (on v4); it
//            clears on the group's last beat, whose total moves to the double buffer:
//   stage 5  dot, beta5  the finished dot product and its column constant (load: v4 & glast4)
// The lane sums and the tree have a register each so that neither the lane decode nor the
// tree limits the clock (docs/fmax.md).
// B bits of the beat: element e of the step is in_b[e]; lane l at A = 1 << amode1 takes
// elements l*8/A .. l*8/A + 8/A - 1. The beta of a group is the one driven with its last beat.
module qmm_dpu #(
    parameter L = 2,
    parameter ACCW = 24,   // > TRW
    parameter BTW = 32,
    parameter TRW = 9 + $clog2(L)   // derived: exact width of the lane-sum tree
) (
    input clk,
    input rst,
    input en,
    input beat,
    input [8*L-1:0] in_b,
    input [BTW-1:0] in_beta,
    input v1,
    input [8*L-1:0] act1,
    input [4*L-1:0] nv1,    // valid elements per lane, 0..8, lane l at [4l +: 4]
    input [1:0] amode1,
    input asigned1,
    input bbin1,
    input v2,
    input v3,
    input [2:0] pshift3,
    input v4,
    input glast4,
    input psign4,
    output reg [ACCW-1:0] dot,
    output reg [BTW-1:0] beta5
);
    reg [8*L-1:0] b1;
    reg [BTW-1:0] beta1, beta2, beta3, beta4;
    reg [9*L-1:0] ls3;
    reg [ACCW-1:0] tree4;
    reg [ACCW-1:0] acc;

    wire [9*L-1:0] lsum;
    genvar l;
    generate
        for (l = 0; l < L; l = l + 1) begin : lane
            wire [7:0] bsel = amode1 == 2'd3 ? {7'd0, b1[l]} :
                              amode1 == 2'd2 ? {6'd0, b1[2*l +: 2]} :
                              amode1 == 2'd1 ? {4'd0, b1[4*l +: 4]} : b1[8*l +: 8];
            qmm_lane u (.clk(clk), .rst(rst), .en(en), .ld(v1), .a(act1[8*l +: 8]), .b(bsel),
                        .nv(nv1[4*l +: 4]), .amode(amode1), .asigned(asigned1), .bbin(bbin1),
                        .sum(lsum[9*l +: 9]));
        end
    endgenerate

    reg [TRW-1:0] tree;
    /* verilator lint_off UNUSEDSIGNAL */
    reg [TRW+8:0] wide;   // one lane sum, sign-extended (the low TRW bits are used)
    /* verilator lint_on UNUSEDSIGNAL */
    integer k;
    always @* begin
        tree = {TRW{1'b0}};
        for (k = 0; k < L; k = k + 1) begin
            wide = {{TRW{ls3[9*k+8]}}, ls3[9*k +: 9]};
            tree = tree + wide[TRW-1:0];
        end
    end

    wire [ACCW-1:0] ext = {{(ACCW - TRW){tree[TRW-1]}}, tree};
    wire [ACCW-1:0] acc_next = psign4 ? acc - tree4 : acc + tree4;

    always @(posedge clk) begin
        if (rst) begin
            b1 <= {(8*L){1'b0}};
            beta1 <= {BTW{1'b0}};
            beta2 <= {BTW{1'b0}};
            ls3 <= {(9*L){1'b0}};
            beta3 <= {BTW{1'b0}};
            tree4 <= {ACCW{1'b0}};
            beta4 <= {BTW{1'b0}};
            acc <= {ACCW{1'b0}};
            dot <= {ACCW{1'b0}};
            beta5 <= {BTW{1'b0}};
        end else if (en) begin
            if (beat) begin
                b1 <= in_b;
                beta1 <= in_beta;
            end
            if (v1) beta2 <= beta1;
            if (v2) begin
                ls3 <= lsum;
                beta3 <= beta2;
            end
            if (v3) begin
                tree4 <= ext << pshift3;
                beta4 <= beta3;
            end
            if (v4) begin
                acc <= glast4 ? {ACCW{1'b0}} : acc_next;
                if (glast4) begin
                    dot <= acc_next;
                    beta5 <= beta4;
                end
            end
        end
    end
endmodule
