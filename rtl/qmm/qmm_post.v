// qmm_post: the post-processing requantizer of one DPU, the computation-flow rewrite's one
// multiply-add per output (step model: asim_fx_requant() in sim/include/asim/fixed.h).
//   stage 4  sum4 = dot * m0 + beta, exact in SW bits (dot, m0, beta two's complement)
//   stage 5  y5   = saturate_OW(floor((sum4 + 2^(shift-1)) / 2^shift)) (shift = 0: sum4),
//                   rounding to nearest with ties toward +infinity, saturating to OW-bit
//                   two's complement
// Loads: stage 4 on v3, stage 5 on v4; synchronous reset, clock enable en.
module qmm_post #(
    parameter ACCW = 24,
    parameter M0W = 16,
    parameter BTW = 32,
    parameter SHW = 5,     // <= 5: shifts 0..31
    parameter OW = 8,
    parameter PW = ACCW + M0W,                        // derived: product width
    parameter SW = (PW > BTW ? PW : BTW) + 1,         // derived: sum width
    parameter RW = (SW > 32 ? SW : 32) + 1            // derived: rounding width
) (
    input clk,
    input rst,
    input en,
    input v3,
    input [ACCW-1:0] dot,
    input [BTW-1:0] beta,
    input [M0W-1:0] m0,
    input v4,
    input [SHW-1:0] shift4,
    output reg [OW-1:0] y5
);
    localparam [RW-1:0] ONE = {{(RW - 1){1'b0}}, 1'b1};
    localparam [RW-1:0] YMAX = {{(RW - OW + 1){1'b0}}, {(OW - 1){1'b1}}};
    localparam [RW-1:0] YMIN = ~YMAX;

    reg [SW-1:0] sum4;
    wire signed [PW-1:0] prod = $signed(dot) * $signed(m0);
    wire [SW-1:0] sum = {{(SW - PW){prod[PW-1]}}, prod} + {{(SW - BTW){beta[BTW-1]}}, beta};

    wire [RW-1:0] s = {{(RW - SW){sum4[SW-1]}}, sum4};
    wire [RW-1:0] half = shift4 == {SHW{1'b0}} ? {RW{1'b0}} : ONE << (shift4 - 1'b1);
    wire signed [RW-1:0] q = $signed(s + half) >>> shift4;
    wire over = q > $signed(YMAX);
    wire under = q < $signed(YMIN);
    wire [OW-1:0] y = over ? YMAX[OW-1:0] : under ? YMIN[OW-1:0] : q[OW-1:0];

    always @(posedge clk) begin
        if (rst) begin
            sum4 <= {SW{1'b0}};
            y5 <= {OW{1'b0}};
        end else if (en) begin
            if (v3) sum4 <= sum;
            if (v4) y5 <= y;
        end
    end
endmodule
