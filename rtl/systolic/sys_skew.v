// sys_skew: a D-register delay line (D >= 1) with synchronous reset and clock enable.
// Row lane i of the array uses D = i + 1, column lane j D = j + 1: the first register is the
// array's input register, the rest is the systolic skew.
module sys_skew #(
    parameter W = 8,
    parameter D = 1
) (
    input clk,
    input rst,
    input en,
    input [W-1:0] d,
    output [W-1:0] q
);
    reg [W-1:0] r [0:D-1];
    integer k;
    always @(posedge clk) begin
        if (rst) begin
            for (k = 0; k < D; k = k + 1) r[k] <= {W{1'b0}};
        end else if (en) begin
            r[0] <= d;
            for (k = 1; k < D; k = k + 1) r[k] <= r[k-1];
        end
    end
    assign q = r[D-1];
endmodule
