// systolic_array: R x C systolic array with its tile controller, output stationary (os) and
// weight/input stationary (ws/is: the same hardware; is feeds B west and A north).
// Step model and port contract: sim/systolic/systolic_step.h. Micro-architecture and timing:
// docs/systolic.md.
//
// Lanes are packed LSB first: a_data lane i = a_data[i*AW +: AW], likewise b_data, out_*.
// ACCW must be at least max(AW, BW) + 1; TW must be at least the width of 2R + C + 3.
module systolic_array #(
    parameter R = 4,
    parameter C = 4,
    parameter AW = 8,
    parameter BW = 8,
    parameter A_SIGNED = 1,
    parameter B_SIGNED = 1,
    parameter ACCW = 32,
    parameter TW = 16,
    parameter CB = $clog2(C + 1),           // derived: column count 0..C
    parameter RWB = $clog2(R + 1)           // derived: row count 0..R
) (
    input clk,
    input rst,
    input cmd_valid,
    output cmd_ready,
    input cmd_stat,
    input [TW-1:0] cmd_len,
    input [RWB-1:0] cmd_rows,
    input [CB-1:0] cmd_cols,
    input cmd_acc,
    input cmd_ovl,
    input a_valid,
    output a_ready,
    input [R*AW-1:0] a_data,
    input b_valid,
    output b_ready,
    input [C*BW-1:0] b_data,
    input out_ready,
    output [C-1:0] out_valid,
    output [C-1:0] out_acc,
    output [C*ACCW-1:0] out_data,
    output busy
);
    localparam RB = R > 1 ? $clog2(R) : 1;
    localparam SW = $clog2(2 * R + C + 4);
    localparam WB = 6 + CB + AW;
    localparam NB = 2 + RB + BW;
    localparam VB = 2 + ACCW;

    wire en = out_ready;
    wire mode, st_beat, st_first, st_last, st_buf, st_acc, st_stat, ld_beat, ld_buf;
    wire [RWB-1:0] st_rows, ld_rows;
    wire [CB-1:0] st_cols, ld_cols;
    wire [RB-1:0] ld_cnt;

    sys_ctrl #(.R(R), .C(C), .TW(TW), .CB(CB), .RWB(RWB), .RB(RB), .SW(SW)) ctrl (
        .clk(clk), .rst(rst), .en(en),
        .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_stat(cmd_stat), .cmd_acc(cmd_acc),
        .cmd_ovl(cmd_ovl), .cmd_len(cmd_len), .cmd_rows(cmd_rows), .cmd_cols(cmd_cols),
        .a_valid(a_valid), .a_ready(a_ready), .b_valid(b_valid), .b_ready(b_ready),
        .busy(busy), .mode(mode),
        .st_beat(st_beat), .st_first(st_first), .st_last(st_last), .st_buf(st_buf),
        .st_acc(st_acc), .st_stat(st_stat), .st_rows(st_rows), .st_cols(st_cols),
        .ld_beat(ld_beat), .ld_buf(ld_buf), .ld_cnt(ld_cnt), .ld_rows(ld_rows),
        .ld_cols(ld_cols));

    // Links: wlink[i*(C+1)+j] enters PE(i,j) from the west, nlink[i*C+j] and vlink[i*C+j]
    // from the north; the east column of wlink and the bottom row of nlink leave the array.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [WB-1:0] wlink [0:R*(C+1)-1];
    wire [NB-1:0] nlink [0:(R+1)*C-1];
    /* verilator lint_on UNUSEDSIGNAL */
    wire [VB-1:0] vlink [0:(R+1)*C-1];
    wire [C-1:0] cap;

    wire os_beat = st_beat & ~st_stat;
    wire ld_row_used = {{(RWB > RB ? RWB - RB : 0){1'b0}}, ld_cnt} < ld_rows;

    genvar i, j;
    generate
        for (i = 0; i < R; i = i + 1) begin : row
            localparam [RWB-1:0] I = i;
            wire ruse = I < st_rows;
            wire [AW-1:0] a = ruse ? a_data[i*AW +: AW] : {AW{1'b0}};
            wire [WB-1:0] lane = st_beat ?
                {1'b1, st_first, st_last, st_buf, st_acc, ruse, st_cols, a} : {WB{1'b0}};
            sys_skew #(.W(WB), .D(i + 1)) skew (
                .clk(clk), .rst(rst), .en(en), .d(lane), .q(wlink[i*(C+1)]));
        end
        for (j = 0; j < C; j = j + 1) begin : col
            localparam [CB-1:0] J = j;
            wire [BW-1:0] b = b_data[j*BW +: BW];
            wire [BW-1:0] b_os = J < st_cols ? b : {BW{1'b0}};
            wire [BW-1:0] b_ld = J < ld_cols && ld_row_used ? b : {BW{1'b0}};
            wire [NB-1:0] lane = os_beat ? {2'b00, {RB{1'b0}}, b_os} :
                                 ld_beat ? {1'b1, ld_buf, ld_cnt, b_ld} : {NB{1'b0}};
            sys_skew #(.W(NB), .D(j + 1)) skew (
                .clk(clk), .rst(rst), .en(en), .d(lane), .q(nlink[j]));
            assign vlink[j] = {VB{1'b0}};
            // The column captures its results when its last beat has left the bottom PE and
            // passed the PE pipeline (2 registers) into the bottom result register.
            wire [WB-1:0] bottom = wlink[(R-1)*(C+1) + j + 1];
            sys_skew #(.W(1), .D(2)) capline (
                .clk(clk), .rst(rst), .en(en), .d(~mode & bottom[WB-1] & bottom[WB-3]),
                .q(cap[j]));
            wire [VB-1:0] o = vlink[R*C + j];
            assign out_valid[j] = o[VB-1];
            assign out_acc[j] = o[VB-2];
            assign out_data[j*ACCW +: ACCW] = o[ACCW-1:0];
        end
        for (i = 0; i < R; i = i + 1) begin : pr
            for (j = 0; j < C; j = j + 1) begin : pc
                sys_pe #(.AW(AW), .BW(BW), .A_SIGNED(A_SIGNED), .B_SIGNED(B_SIGNED),
                         .ACCW(ACCW), .CB(CB), .RB(RB)) pe (
                    .clk(clk), .rst(rst), .en(en), .stat(mode), .cap(cap[j]),
                    .w_in(wlink[i*(C+1)+j]), .w_out(wlink[i*(C+1)+j+1]),
                    .n_in(nlink[i*C+j]), .n_out(nlink[(i+1)*C+j]),
                    .v_in(vlink[i*C+j]), .v_out(vlink[(i+1)*C+j]));
            end
        end
    endgenerate
endmodule
