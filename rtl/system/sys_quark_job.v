// sys_quark_job.v: the QUARK queue's jobs inside the twin (docs/system-rtl.md, "QUARK in the
// twin"): a sequencer that runs rtl/quark/quark_unit.v on operand codes held in the buffers
// (sys_buffer.v) and writes the requantized outputs back into the buffers' output region.
//
// Contract:
//   - The bench fills, before start, a job table (one entry per job of the QUARK queue, in
//     queue order: rows, the unit's cmd fields, beats per pass and passes, the byte step of a
//     beat) and a row table (one entry per row, in job order: the buffer byte address of the
//     row's first input code, of its first output code, and the requantization shift).
//     A job with 0 rows is not run here (its values come from C; the bench counts it).
//   - `start` is high in the cycle the QUARK job issues (the controller's job_valid); the
//     first row's command is offered in that cycle, combinationally from the tables, and the
//     rows follow back to back, as the C job model (sim/quark/quark.c) times them.
//   - Codes are 8 bits (the unit's IW = 8); a beat of N codes is read as two consecutive
//     buffer words (different banks) one cycle ahead and realigned to the lanes.
//   - Outputs: each y beat's y_count lanes, requantized as sim/functional's vector_row does
//     (sat(round(y / 2^shift)) to 8 bits), are written with byte enables at the row's output
//     address + the codes already written; `rows_done` counts rows whose last code is written.
//   - Completion (sys_job_done.v): `own` is high while a job of the table (rows > 0) is in
//     flight, and `done` in the cycle it completes: its last row's last code is written
//     (rows_done covers it) and the buffer ports have carried its reads (the port budget, its
//     demand written through dt_*). A job of 0 rows is not `own`: its done comes from outside.
//   - `err` (sticky): a job started while the previous one's rows were still being fed.
module sys_quark_job #(
    parameter N = 8,            // the unit's lanes
    parameter BUFAW = 22,       // buffer byte address bits
    parameter DBYTES = 64,      // buffer word bytes
    parameter JDEPTH = 2048,    // job table entries (a power of two)
    parameter QDEPTH = 65536    // row table entries (a power of two)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    jt_we,
    input  wire [$clog2(JDEPTH)-1:0] jt_addr,
    input  wire [31:0]             jt_rows,
    input  wire [3:0]              jt_mode,
    input  wire [16:0]             jt_len,
    input  wire [30:0]             jt_m,
    input  wire [5:0]              jt_e,
    input  wire [4:0]              jt_pb,
    input  wire [47:0]             jt_k,
    input  wire [16:0]             jt_beats,    // beats per pass
    input  wire [16:0]             jt_total,    // beats per row (passes x beats)
    input  wire [7:0]              jt_step,     // bytes per beat (codes per beat)
    input  wire                    rt_we,
    input  wire [$clog2(QDEPTH)-1:0] rt_addr,
    input  wire [BUFAW-1:0]        rt_a,
    input  wire [BUFAW-1:0]        rt_b,        // second operand (binary ops; else = rt_a)
    input  wire [BUFAW-1:0]        rt_o,
    input  wire [5:0]              rt_shift,
    input  wire                    start,
    input  wire                    dt_we,       // the port budget (sys_job_done.v)
    input  wire [$clog2(JDEPTH)-1:0] dt_addr,
    input  wire [47:0]             dt_demand,
    input  wire [31:0]             port_bits,
    input  wire [7:0]              shared,
    output wire                    own,
    output wire                    done,
    output wire [BUFAW-$clog2(DBYTES)-1:0] rd_word,
    input  wire [2*DBYTES*8-1:0]   rd_data,     // words rd_word and rd_word + 1, a cycle later
    output wire [BUFAW-$clog2(DBYTES)-1:0] rd_word_b,  // the same for the second operand
    input  wire [2*DBYTES*8-1:0]   rd_data_b,
    output wire                    wr_en,
    output wire [BUFAW-$clog2(DBYTES)-1:0] wr_word,
    output wire [2*DBYTES*8-1:0]   wr_data,     // words wr_word and wr_word + 1
    output wire [2*DBYTES-1:0]     wr_be,
    output reg  [31:0]             rows_done,
    output reg                     err
);
    localparam JW = $clog2(JDEPTH);
    localparam QW = $clog2(QDEPTH);
    localparam OB = $clog2(DBYTES);
    localparam CW = $clog2(N + 1);

    reg [31:0] j_rows [0:JDEPTH-1];
    reg [3:0]  j_mode [0:JDEPTH-1];
    reg [16:0] j_len [0:JDEPTH-1];
    reg [30:0] j_m [0:JDEPTH-1];
    reg [5:0]  j_e [0:JDEPTH-1];
    reg [4:0]  j_pb [0:JDEPTH-1];
    reg [47:0] j_k [0:JDEPTH-1];
    reg [16:0] j_beats [0:JDEPTH-1];
    reg [16:0] j_total [0:JDEPTH-1];
    reg [7:0]  j_step [0:JDEPTH-1];
    reg [BUFAW-1:0] q_a [0:QDEPTH-1];
    reg [BUFAW-1:0] q_b [0:QDEPTH-1];
    reg [BUFAW-1:0] q_o [0:QDEPTH-1];
    reg [5:0]       q_shift [0:QDEPTH-1];

    always @(posedge clk) begin
        if (jt_we) begin
            j_rows[jt_addr] <= jt_rows;
            j_mode[jt_addr] <= jt_mode;
            j_len[jt_addr] <= jt_len;
            j_m[jt_addr] <= jt_m;
            j_e[jt_addr] <= jt_e;
            j_pb[jt_addr] <= jt_pb;
            j_k[jt_addr] <= jt_k;
            j_beats[jt_addr] <= jt_beats;
            j_total[jt_addr] <= jt_total;
            j_step[jt_addr] <= jt_step;
        end
        if (rt_we) begin
            q_a[rt_addr] <= rt_a;
            q_b[rt_addr] <= rt_b;
            q_o[rt_addr] <= rt_o;
            q_shift[rt_addr] <= rt_shift;
        end
    end

    // ---- the input side: commands and x beats ----
    reg [JW-1:0] jc;          // the current job (or the next one)
    reg          act;         // a job's rows are being fed
    reg          beats_phase; // 0: the row's command, 1: its beats
    reg [31:0]   left;        // rows of the job still to feed (the current one included)
    reg [QW-1:0] ir;          // the row being fed (global, in the row table)
    reg [16:0]   k, b;        // beat of the row, beat of the pass
    reg [OB-1:0] off_q, off_bq; // byte offsets of the beat read last cycle

    wire [31:0] rows_now = act ? left : j_rows[jc];
    wire        go = act || (start && j_rows[jc] != 32'd0);
    wire        cmd_valid = go && !beats_phase && rows_now != 32'd0;
    wire        x_valid = act && beats_phase;
    wire        cmd_ready, x_ready;
    wire        acc_cmd = cmd_valid && cmd_ready;
    wire        acc_x = x_valid && x_ready;
    wire        row_end = acc_x && k == j_total[jc] - 17'd1;

    // the beat offered next cycle: read now
    reg [QW-1:0] nr;
    reg [16:0]   nb;
    always @* begin
        nr = ir;
        nb = b;
        if (row_end) begin
            nr = ir + 1'b1;
            nb = 17'd0;
        end else if (acc_x)
            nb = b == j_beats[jc] - 17'd1 ? 17'd0 : b + 17'd1;
        else if (acc_cmd)
            nb = 17'd0;
    end
    wire [BUFAW+24:0] step_off = {{BUFAW{1'b0}}, nb} * {{(BUFAW+17){1'b0}}, j_step[jc]};
    wire [BUFAW-1:0] rd_byte = q_a[nr] + step_off[BUFAW-1:0];
    wire [BUFAW-1:0] rd_byte_b = q_b[nr] + step_off[BUFAW-1:0];
    assign rd_word = rd_byte[BUFAW-1:OB];
    assign rd_word_b = rd_byte_b[BUFAW-1:OB];
    wire [2*DBYTES*8-1:0] aligned = rd_data >> {off_q, 3'b000};
    wire [2*DBYTES*8-1:0] aligned_b = rd_data_b >> {off_bq, 3'b000};
    // pair modes take N/2 elements a beat, lane j + N/2 the second operand of lane j (unary
    // pair modes ignore it); the others N elements
    wire pair = j_step[jc] != N[7:0];
    wire [N*8-1:0] x_data = pair ? {aligned_b[N/2*8-1:0], aligned[N/2*8-1:0]} : aligned[N*8-1:0];
    wire unused_aligned = &{1'b0, aligned[2*DBYTES*8-1:N*8], aligned_b[2*DBYTES*8-1:N/2*8],
                            step_off[BUFAW+24:BUFAW]};

    always @(posedge clk) begin
        off_q <= rd_byte[OB-1:0];
        off_bq <= rd_byte_b[OB-1:0];
        if (rst) begin
            jc <= {JW{1'b0}};
            act <= 1'b0;
            beats_phase <= 1'b0;
            left <= 32'd0;
            ir <= {QW{1'b0}};
            k <= 17'd0;
            b <= 17'd0;
            err <= 1'b0;
        end else begin
            if (start && act)
                err <= 1'b1;
            if (start && !act) begin
                if (j_rows[jc] == 32'd0)
                    jc <= jc + 1'b1;
                else begin
                    act <= 1'b1;
                    left <= j_rows[jc];
                end
            end
            if (acc_cmd) begin
                beats_phase <= 1'b1;
                k <= 17'd0;
                b <= 17'd0;
            end
            if (acc_x) begin
                k <= k + 17'd1;
                b <= nb;
            end
            if (row_end) begin
                beats_phase <= 1'b0;
                ir <= ir + 1'b1;
                left <= left - 32'd1;
                if (left == 32'd1) begin
                    act <= 1'b0;
                    jc <= jc + 1'b1;
                end
            end
        end
    end

    // ---- the unit ----
    // clock enable: on while a job is fed or the unit has results in flight (`start` so that
    // it takes the first command in the issue cycle; rst so that it resets); off, every
    // register of it holds
    wire              y_valid, y_last, busy;
    wire              run_unit = rst || start || act || busy;
    wire [CW-1:0]     y_count;
    wire [N*32-1:0]   y_data;
    quark_unit #(.N(N), .IW(8)) unit (
        .clk(clk), .rst(rst), .out_ready(run_unit),
        .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_mode(j_mode[jc]),
        .cmd_len(j_len[jc]), .cmd_m(j_m[jc]), .cmd_e(j_e[jc]), .cmd_pb(j_pb[jc]),
        .cmd_k(j_k[jc]), .x_valid(x_valid), .x_ready(x_ready), .x_data(x_data),
        .y_valid(y_valid), .y_last(y_last), .y_count(y_count), .y_data(y_data), .busy(busy));

    // ---- the output side: requantize and write ----
    reg [QW-1:0] orow;       // the row whose outputs come next
    reg [16:0]   ocol;       // its codes already written
    wire [5:0]   sh = q_shift[orow];
    reg [N*8-1:0] codes;
    reg [N-1:0]   lanes_on;
    integer l;
    reg signed [63:0] v, r;
    always @* begin
        for (l = 0; l < N; l = l + 1) begin
            // sat(round(y / 2^sh)) to 8 bits: asim_fx_round_shr, then asim_fx_sat
            v = {{32{y_data[l*32+31]}}, y_data[l*32 +: 32]};
            r = sh == 6'd0 ? v : (v + (64'sd1 <<< (sh - 6'd1))) >>> sh;
            codes[l*8 +: 8] = r > 64'sd127 ? 8'h7f : r < -64'sd128 ? 8'h80 : r[7:0];
            lanes_on[l] = l < y_count;
        end
    end
    wire [BUFAW-1:0] wr_byte = q_o[orow] + {{(BUFAW-17){1'b0}}, ocol};
    wire [OB-1:0]    wr_off = wr_byte[OB-1:0];
    assign wr_en = y_valid && y_count != {CW{1'b0}};
    assign wr_word = wr_byte[BUFAW-1:OB];
    assign wr_data = {{(2*DBYTES-N){8'h00}}, codes} << {wr_off, 3'b000};
    assign wr_be = {{(2*DBYTES-N){1'b0}}, lanes_on} << wr_off;

    always @(posedge clk)
        if (rst) begin
            orow <= {QW{1'b0}};
            ocol <= 17'd0;
            rows_done <= 32'd0;
        end else if (y_valid) begin
            if (y_last) begin
                orow <= orow + 1'b1;
                ocol <= 17'd0;
                rows_done <= rows_done + 32'd1;
            end else
                ocol <= ocol + {{(17-CW){1'b0}}, y_count};
        end

    // ---- completion: every row written, and the port budget met ----
    sys_job_done #(.JDEPTH(JDEPTH)) completion (
        .clk(clk), .rst(rst), .dt_we(dt_we), .dt_addr(dt_addr), .dt_demand(dt_demand),
        .issue(start && j_rows[jc] != 32'd0), .job(jc), .count(j_rows[jc]),
        .progress(rows_done), .port_bits(port_bits), .shared(shared), .own(own), .done(done));

endmodule
