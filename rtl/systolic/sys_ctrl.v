// sys_ctrl: tile controller of the systolic array (step model: ctrl_comb() and ctrl_update()
// in sim/systolic/systolic_step.c; the wires below carry the same names).
//
// A command waits in the pending register, then enters the load stage (ws/is: R beats of the
// north stream into the free weight buffer) or directly the stream stage (os); the stream
// stage takes cmd_len beats. Entry rules (docs/systolic.md derives them):
//   no overlap (cmd_ovl = 0 or a dataflow change): both stages empty and the last tile's
//     drain over (since >= R + C + 2 for ws/is, 2R + C + 2 for os; the 2 is the PE pipeline);
//   ws/is overlap: the load stage is free (its tile moves to the stream stage this cycle);
//   os overlap: the stream stage is free and since + cmd_len >= R, so the new tile's results
//     reach the shadow registers after the previous tile's column drains took them
//     (pend_need = max(R - cmd_len, 0), taken with the command, so the test is one compare).
// `since` counts cycles after the last beat of the last streamed tile and saturates at
// 2R + C + 3; busy holds while a stage is occupied or since <= the drain.
module sys_ctrl #(
    parameter R = 4,
    parameter C = 4,
    parameter TW = 16,
    parameter CB = 3,   // width of a column count 0..C
    parameter RWB = 3,  // width of a row count 0..R
    parameter RB = 2,   // width of a row index 0..R-1 (at least 1)
    parameter SW = 4    // width of since, holds 2R + C + 3
) (
    input clk,
    input rst,
    input en,
    input cmd_valid,
    output cmd_ready,
    input cmd_stat,
    input cmd_acc,
    input cmd_ovl,
    input [TW-1:0] cmd_len,
    input [RWB-1:0] cmd_rows,
    input [CB-1:0] cmd_cols,
    input a_valid,
    output a_ready,
    input b_valid,
    output b_ready,
    output busy,
    output reg mode,
    output st_beat,
    output st_first,
    output st_last,
    output reg st_buf,
    output reg st_acc,
    output reg st_stat,
    output reg [RWB-1:0] st_rows,
    output reg [CB-1:0] st_cols,
    output ld_beat,
    output reg ld_buf,
    output reg [RB-1:0] ld_cnt,
    output reg [RWB-1:0] ld_rows,
    output reg [CB-1:0] ld_cols
);
    localparam integer SMAX_I = 2 * R + C + 3;
    localparam integer DRAIN_OS_I = 2 * R + C + 2;
    localparam integer DRAIN_WS_I = R + C + 2;
    localparam integer LD_LAST_I = R - 1;
    localparam integer R_I = R;
    localparam [SW-1:0] SMAX = SMAX_I[SW-1:0];
    localparam [SW-1:0] DRAIN_OS = DRAIN_OS_I[SW-1:0];
    localparam [SW-1:0] DRAIN_WS = DRAIN_WS_I[SW-1:0];
    localparam [RB-1:0] LD_LAST = LD_LAST_I[RB-1:0];
    localparam [TW:0] RK = R_I[TW:0];

    reg pend_v, pend_stat, pend_acc, pend_ovl;
    reg [TW-1:0] pend_len;
    reg [RWB-1:0] pend_rows;
    reg [CB-1:0] pend_cols;
    reg ld_v, ld_done, ld_acc;
    reg [TW-1:0] ld_len;
    reg st_v;
    reg [TW-1:0] st_cnt, st_lenm1;   // st_lenm1: the stream's cmd_len - 1
    reg buf_ptr;
    reg [SW-1:0] since, pend_need;

    wire [SW-1:0] drain = mode ? DRAIN_WS : DRAIN_OS;
    assign a_ready = en & st_v & (st_stat | b_valid);
    assign b_ready = en & ((ld_v & ~ld_done) | (st_v & ~st_stat & a_valid));
    assign st_beat = a_ready & a_valid;
    assign st_first = st_cnt == {TW{1'b0}};
    assign st_last = st_cnt == st_lenm1;
    wire st_last_beat = st_beat & st_last;
    assign ld_beat = en & ld_v & ~ld_done & b_valid;
    wire ld_last_beat = ld_beat & (ld_cnt == LD_LAST);
    wire st_free = ~st_v | st_last_beat;
    wire move = ld_v & (ld_done | ld_last_beat) & st_free;
    wire overlap = pend_ovl & (pend_stat == mode);
    wire empty = ~ld_v & ~st_v & (since >= drain);
    wire [SW-1:0] since_now = st_last_beat ? {SW{1'b0}} : since;
    wire [SW-1:0] cmd_need = RK[SW-1:0] - cmd_len[SW-1:0];   // used when cmd_len < R
    wire os_ok = since_now >= pend_need;
    wire enter_ld = en & pend_v & pend_stat & (overlap ? (~ld_v | move) : empty);
    wire enter_st = en & pend_v & ~pend_stat & (overlap ? st_free & os_ok : empty);
    wire pend_enter = enter_ld | enter_st;
    assign cmd_ready = en & (~pend_v | pend_enter);
    assign busy = ld_v | st_v | (since <= drain);

    always @(posedge clk) begin
        if (rst) begin
            pend_v <= 1'b0; pend_stat <= 1'b0; pend_acc <= 1'b0; pend_ovl <= 1'b0;
            pend_len <= {TW{1'b0}}; pend_need <= {SW{1'b0}};
            pend_rows <= {RWB{1'b0}}; pend_cols <= {CB{1'b0}};
            ld_v <= 1'b0; ld_done <= 1'b0; ld_acc <= 1'b0; ld_buf <= 1'b0;
            ld_len <= {TW{1'b0}}; ld_rows <= {RWB{1'b0}}; ld_cols <= {CB{1'b0}};
            ld_cnt <= {RB{1'b0}};
            st_v <= 1'b0; st_stat <= 1'b0; st_acc <= 1'b0; st_buf <= 1'b0;
            st_lenm1 <= {TW{1'b0}}; st_rows <= {RWB{1'b0}}; st_cols <= {CB{1'b0}};
            st_cnt <= {TW{1'b0}};
            mode <= 1'b0; buf_ptr <= 1'b0; since <= SMAX;
        end else if (en) begin
            if (pend_enter) pend_v <= 1'b0;
            if (cmd_valid & cmd_ready) begin
                pend_v <= 1'b1;
                pend_stat <= cmd_stat; pend_acc <= cmd_acc; pend_ovl <= cmd_ovl;
                pend_len <= cmd_len;
                pend_need <= cmd_len >= RK[TW-1:0] ? {SW{1'b0}} : cmd_need;
                pend_rows <= cmd_rows; pend_cols <= cmd_cols;
            end
            if (enter_ld) begin
                ld_v <= 1'b1; ld_cnt <= {RB{1'b0}}; ld_done <= 1'b0;
                ld_acc <= pend_acc; ld_len <= pend_len; ld_rows <= pend_rows;
                ld_cols <= pend_cols; ld_buf <= buf_ptr;
                buf_ptr <= ~buf_ptr;
            end else if (move) begin
                ld_v <= 1'b0;
            end else if (ld_beat) begin
                ld_cnt <= ld_cnt + 1'b1;
                ld_done <= ld_last_beat;
            end
            if (move) begin
                st_v <= 1'b1; st_cnt <= {TW{1'b0}};
                st_stat <= 1'b1; st_acc <= ld_acc; st_lenm1 <= ld_len - 1'b1;
                st_rows <= ld_rows; st_cols <= ld_cols; st_buf <= ld_buf;
            end else if (enter_st) begin
                st_v <= 1'b1; st_cnt <= {TW{1'b0}};
                st_stat <= 1'b0; st_acc <= pend_acc; st_lenm1 <= pend_len - 1'b1;
                st_rows <= pend_rows; st_cols <= pend_cols; st_buf <= 1'b0;
            end else if (st_last_beat) begin
                st_v <= 1'b0;
            end else if (st_beat) begin
                st_cnt <= st_cnt + 1'b1;
            end
            if (pend_enter) mode <= pend_stat;
            if (st_last_beat) since <= {{(SW - 1){1'b0}}, 1'b1};
            else if (since != SMAX) since <= since + 1'b1;
        end
    end
endmodule
