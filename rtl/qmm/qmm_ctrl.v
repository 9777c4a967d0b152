// qmm_ctrl: job controller of the QMM engine (step model: ctrl_comb() and ctrl_update() in
// sim/qmm/qmm_step.c; the wires below carry the same names).
//
// A command waits in the pending register and becomes the active job when no job is active
// or the active job takes its last beat (so jobs follow back to back). The active job takes
// one input beat per step, in this order: rows of A (m_left counts down), groups of D output
// columns (n_left), passes over B's bit planes (pass, least significant first; one pass for
// binary B), steps of P(A) = 8L >> amode elements (k_left). Per beat it tells the datapath
// how many elements are valid (min(P, k_left): all P unless step_last, then krest =
// k_left), how many columns (cols =
// min(D, n_left)), the bit-plane shift and sign, and whether the beat ends its group.
// Commands must have m, n, k >= 1 and, for multi-bit B, bbits in 1..8.
module qmm_ctrl #(
    parameter D = 4,
    parameter L = 2,
    parameter MW = 16,
    parameter NW = 16,   // > CW
    parameter KW = 16,   // > NVW
    parameter M0W = 16,
    parameter SHW = 5,
    parameter NVW = $clog2(8 * L + 1),   // derived: width of an element count 0..8L
    parameter CW = $clog2(D + 1)         // derived: width of a column count 0..D
) (
    input clk,
    input rst,
    input en,
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
    output ctl_busy,
    output beat,
    output step_last,
    output [NVW-1:0] krest,
    output [CW-1:0] cols,
    output [2:0] pshift,
    output psign,
    output glast,
    output reg [1:0] amode,
    output reg asigned,
    output reg bbin,
    output reg [M0W-1:0] m0,
    output reg [SHW-1:0] shift
);
    localparam integer P8_I = 8 * L;
    localparam integer D_I = D;
    localparam [NVW-1:0] P8 = P8_I[NVW-1:0];
    localparam [CW-1:0] DC = D_I[CW-1:0];
    localparam [NW-1:0] DN = D_I[NW-1:0];
    localparam [MW-1:0] M_ONE = {{(MW - 1){1'b0}}, 1'b1};

    reg pend_v, pend_asigned, pend_bbin, pend_bsigned;
    reg [MW-1:0] pend_m;
    reg [NW-1:0] pend_n;
    reg [KW-1:0] pend_k;
    reg [1:0] pend_amode;
    reg [3:0] pend_bbits;
    reg [M0W-1:0] pend_m0;
    reg [SHW-1:0] pend_shift;

    reg act_v, bsigned;
    reg [NW-1:0] job_n, n_left;
    reg [KW-1:0] job_k, k_left;
    reg [MW-1:0] m_left;
    reg [3:0] bbits;
    reg [2:0] pass;

    reg [NVW-1:0] p;   // P(A) = 8L >> amode, the elements of a step, set with the job
    wire [KW-1:0] p_k = {{(KW - NVW){1'b0}}, p};
    assign step_last = k_left <= p_k;
    wire pass_last = bbin | ({1'b0, pass} == bbits - 4'd1);
    wire col_last = n_left <= DN;
    wire row_last = m_left == M_ONE;
    assign glast = step_last & pass_last;
    wire job_last = glast & col_last & row_last;
    assign in_ready = en & act_v;
    assign beat = in_ready & in_valid;
    wire job_end = beat & job_last;
    wire pend_enter = en & pend_v & (~act_v | job_end);
    assign cmd_ready = en & (~pend_v | pend_enter);
    assign ctl_busy = pend_v | act_v;
    assign krest = k_left[NVW-1:0];
    assign cols = col_last ? n_left[CW-1:0] : DC;
    assign pshift = pass;
    assign psign = ~bbin & bsigned & pass_last;

    always @(posedge clk) begin
        if (rst) begin
            pend_v <= 1'b0; pend_asigned <= 1'b0; pend_bbin <= 1'b0; pend_bsigned <= 1'b0;
            pend_m <= {MW{1'b0}}; pend_n <= {NW{1'b0}}; pend_k <= {KW{1'b0}};
            pend_amode <= 2'd0; pend_bbits <= 4'd0; pend_m0 <= {M0W{1'b0}};
            pend_shift <= {SHW{1'b0}};
            act_v <= 1'b0; p <= {NVW{1'b0}}; amode <= 2'd0; asigned <= 1'b0; bbin <= 1'b0;
            bsigned <= 1'b0;
            bbits <= 4'd0; m0 <= {M0W{1'b0}}; shift <= {SHW{1'b0}};
            job_n <= {NW{1'b0}}; job_k <= {KW{1'b0}};
            m_left <= {MW{1'b0}}; n_left <= {NW{1'b0}}; k_left <= {KW{1'b0}}; pass <= 3'd0;
        end else if (en) begin
            if (pend_enter) pend_v <= 1'b0;
            if (cmd_valid & cmd_ready) begin
                pend_v <= 1'b1;
                pend_m <= cmd_m; pend_n <= cmd_n; pend_k <= cmd_k;
                pend_amode <= cmd_amode; pend_asigned <= cmd_asigned;
                pend_bbin <= cmd_bbin; pend_bbits <= cmd_bbits; pend_bsigned <= cmd_bsigned;
                pend_m0 <= cmd_m0; pend_shift <= cmd_shift;
            end
            if (pend_enter) begin
                act_v <= 1'b1;
                p <= P8 >> pend_amode;
                amode <= pend_amode; asigned <= pend_asigned; bbin <= pend_bbin;
                bbits <= pend_bbits; bsigned <= pend_bsigned; m0 <= pend_m0;
                shift <= pend_shift; job_n <= pend_n; job_k <= pend_k;
                m_left <= pend_m; n_left <= pend_n; k_left <= pend_k; pass <= 3'd0;
            end else if (beat) begin
                if (job_last) act_v <= 1'b0;
                if (!step_last) begin
                    k_left <= k_left - p_k;
                end else begin
                    k_left <= job_k;
                    if (!pass_last) begin
                        pass <= pass + 3'd1;
                    end else begin
                        pass <= 3'd0;
                        if (!col_last) begin
                            n_left <= n_left - DN;
                        end else begin
                            n_left <= job_n;
                            m_left <= m_left - 1'b1;
                        end
                    end
                end
            end
        end
    end
endmodule
