// sys_pe: one processing element of the systolic array (step model: pe_next() in
// sim/systolic/systolic_step.c). Every PE is identical (no position parameters), so
// hierarchical synthesis maps it once.
//
// Links (all outputs registered, synchronous reset, clock enable en):
//   w_in/w_out  west bundle {v, first, last, sel, acc, ruse, cols[CB], a[AW]}: one streamed
//               beat; cols counts the used columns left, so this PE's column is used if > 0
//   n_in/n_out  north bundle {ld, buf, hops[RB], b[BW]}: os operand, or a ws/is load beat
//               captured into weight buffer `buf` by the PE where hops reaches 0
//   v_in/v_out  vertical bundle {val, acc, sum[ACCW]}: os drain chain / ws partial sums
// stat selects ws/is (1) or os (0) for the whole array; cap (os) loads the column's drain
// chain from the result registers.
// Arithmetic follows sim/include/asim/fixed.h: operands extended by their sign (or a zero),
// product and sums in ACCW bits, wrapping.
// Pipeline: the product and the beat's flags pass two registers (m, p: the DSP48's M and P
// registers) before the accumulate, so the multiply and the accumulate are separate timing
// paths; a beat's os MAC and its ws/is partial sum happen two cycles after it enters.
module sys_pe #(
    parameter AW = 8,
    parameter BW = 8,
    parameter A_SIGNED = 1,
    parameter B_SIGNED = 1,
    parameter ACCW = 32,   // >= max(AW, BW) + 1
    parameter CB = 3,
    parameter RB = 2,
    parameter WB = 6 + CB + AW,   // derived: west bundle width
    parameter NB = 2 + RB + BW,   // derived: north bundle width
    parameter VB = 2 + ACCW       // derived: vertical bundle width
) (
    input clk,
    input rst,
    input en,
    input stat,
    input cap,
    input [WB-1:0] w_in,
    output reg [WB-1:0] w_out,
    input [NB-1:0] n_in,
    output reg [NB-1:0] n_out,
    input [VB-1:0] v_in,
    output reg [VB-1:0] v_out
);
    wire wv = w_in[WB-1];
    wire wfirst = w_in[WB-2];
    wire wlast = w_in[WB-3];
    wire wsel = w_in[WB-4];
    wire wacc = w_in[WB-5];
    wire wruse = w_in[WB-6];
    wire [CB-1:0] wcols = w_in[AW +: CB];
    wire [AW-1:0] wa = w_in[AW-1:0];
    wire nld = n_in[NB-1];
    wire nbuf = n_in[NB-2];
    wire [RB-1:0] nhops = n_in[BW +: RB];
    wire [BW-1:0] nb = n_in[BW-1:0];
    wire [ACCW-1:0] vsum = v_in[ACCW-1:0];

    reg [BW-1:0] wbuf0, wbuf1;
    reg [ACCW-1:0] acc;
    reg [VB-1:0] res;

    wire cuse = |wcols;
    wire [CB-1:0] cols_next = cuse ? wcols - 1'b1 : {CB{1'b0}};
    wire hop = |nhops;
    wire [RB-1:0] hops_next = hop ? nhops - 1'b1 : {RB{1'b0}};
    wire [BW-1:0] bop = stat ? (wsel ? wbuf1 : wbuf0) : nb;
    wire a_top = A_SIGNED != 0 ? wa[AW-1] : 1'b0;
    wire b_top = B_SIGNED != 0 ? bop[BW-1] : 1'b0;
    wire signed [AW:0] ax = {a_top, wa};
    wire signed [BW:0] bx = {b_top, bop};
    wire signed [ACCW-1:0] prod = ax * bx;  // operands sign-extended to ACCW first

    // The two pipeline stages: product and flags {v, first, last, acc, ruse, cuse}.
    reg [ACCW-1:0] prod_m, prod_p;
    reg [5:0] flag_m, flag_p;
    wire pv = flag_p[5];
    wire pfirst = flag_p[4];
    wire plast = flag_p[3];
    wire pacc = flag_p[2];
    wire pruse = flag_p[1];
    wire pcuse = flag_p[0];
    wire [ACCW-1:0] mac = pfirst ? prod_p : acc + prod_p;
    wire [ACCW-1:0] psum = vsum + prod_p;

    always @(posedge clk) begin
        if (rst) begin
            w_out <= {WB{1'b0}};
            n_out <= {NB{1'b0}};
            v_out <= {VB{1'b0}};
            wbuf0 <= {BW{1'b0}};
            wbuf1 <= {BW{1'b0}};
            acc <= {ACCW{1'b0}};
            res <= {VB{1'b0}};
            prod_m <= {ACCW{1'b0}};
            prod_p <= {ACCW{1'b0}};
            flag_m <= 6'd0;
            flag_p <= 6'd0;
        end else if (en) begin
            prod_m <= prod;
            prod_p <= prod_m;
            flag_m <= {wv, wfirst, wlast, wacc, wruse, cuse};
            flag_p <= flag_m;
            w_out <= {w_in[WB-1:AW+CB], cols_next, wa};
            n_out <= {nld & hop, nbuf, hops_next, nb};
            if (nld && !hop) begin
                if (nbuf) wbuf1 <= nb;
                else wbuf0 <= nb;
            end
            if (!stat && pv) begin
                acc <= mac;
                if (plast) res <= {pruse & pcuse, pacc, mac};
            end
            if (stat) v_out <= {pv & pcuse, pacc, psum};
            else if (cap) v_out <= res;
            else v_out <= v_in;
        end
    end
endmodule
