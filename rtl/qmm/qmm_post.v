// qmm_post: the post-processing requantizer of one DPU, the computation-flow rewrite's one
// multiply-add per output (step model: asim_fx_requant() in sim/include/asim/fixed.h).
//   stage 6  prod6 = dot * m0 (signed; the DSP48's M register), beta6 = beta
//   stage 7  sum7  = prod6 + beta6, exact in SW bits (the DSP48's P register), and the
//                    rounding constant half7 = 2^(shift-1) (0 for shift = 0)
//   stage 8  q8    = floor((sum7 + half7) / 2^shift) (shift = 0: sum7), rounding to
//                    nearest with ties toward +infinity
//   stage 9  y9    = q8 saturated to OW-bit two's complement
// The multiply, the add, the rounding shift and the saturation have a register each so that
// none of them limits the clock (docs/fmax.md).
// Loads: stage 6 on v5, 7 on v6, 8 on v7, 9 on v8; synchronous reset, clock enable en.
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
    input v5,
    input [ACCW-1:0] dot,
    input [BTW-1:0] beta,
    input [M0W-1:0] m0,
    input v6,
    input [SHW-1:0] shift6,
    input v7,
    input [SHW-1:0] shift7,
    input v8,
    output reg [OW-1:0] y9
);
    localparam [RW-1:0] ONE = {{(RW - 1){1'b0}}, 1'b1};
    localparam [RW-1:0] YMAX = {{(RW - OW + 1){1'b0}}, {(OW - 1){1'b1}}};
    localparam [RW-1:0] YMIN = ~YMAX;

    reg [PW-1:0] prod6;
    reg [BTW-1:0] beta6;
    reg [SW-1:0] sum7;
    reg [RW-1:0] half7;
    reg [RW-1:0] q8;
    wire signed [PW-1:0] prod = $signed(dot) * $signed(m0);
    wire [SW-1:0] sum = {{(SW - PW){prod6[PW-1]}}, prod6} + {{(SW - BTW){beta6[BTW-1]}}, beta6};

    wire [RW-1:0] s = {{(RW - SW){sum7[SW-1]}}, sum7};
    wire [RW-1:0] half = shift6 == {SHW{1'b0}} ? {RW{1'b0}} : ONE << (shift6 - 1'b1);
    wire signed [RW-1:0] q = $signed(s + half7) >>> shift7;
    wire over = $signed(q8) > $signed(YMAX);
    wire under = $signed(q8) < $signed(YMIN);
    wire [OW-1:0] y = over ? YMAX[OW-1:0] : under ? YMIN[OW-1:0] : q8[OW-1:0];

    always @(posedge clk) begin
        if (rst) begin
            prod6 <= {PW{1'b0}};
            beta6 <= {BTW{1'b0}};
            sum7 <= {SW{1'b0}};
            half7 <= {RW{1'b0}};
            q8 <= {RW{1'b0}};
            y9 <= {OW{1'b0}};
        end else if (en) begin
            if (v5) begin
                prod6 <= prod;
                beta6 <= beta;
            end
            if (v6) begin
                sum7 <= sum;
                half7 <= half;
            end
            if (v7) q8 <= q;
            if (v8) y9 <= y;
        end
    end
endmodule
