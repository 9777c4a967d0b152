// sys_array_job.v: the systolic array's queue inside the twin (docs/system-rtl.md, "The array
// in the twin"): a sequencer that runs each GEMM tile of the array's queue on
// rtl/systolic/systolic_array.v (R x C, output stationary), operands read from the buffers
// (sys_buffer.v), outputs requantized and written back into the buffers' output region.
//
// Contract:
//   - The bench fills, before start, a job table (one entry per job of the array's queue, in
//     queue order: the tile's rows tm (0: not run here, its values come from C), columns tn
//     and depth tk, its first entries in the row and column tables, whether B is read along
//     its rows (B[k][n0..] contiguous) or its columns, overlap, and the requantization shift),
//     a row table (per tile row r: the buffer byte address of A[r][k0] and of out[r][n0]) and
//     a column table (B along rows: per k, the address of B[k][n0]; else per column c, the
//     address of B[k0][c]). Row r of A and of the output, and the table's run of B, are
//     contiguous in the buffers.
//   - `start` is high in the cycle the array's job issues (the controller's job_valid); the
//     first fold's command is offered in that cycle, combinationally from the tables. The job
//     is the array's folds of R rows x C columns, rows outer (asim_systolic_job's order), each
//     streaming tk beats of A (west, lane i = A[r0 + i][s]) and B (north, lane j =
//     B[s][c0 + j]), as tests/cosim/systolic/tb_systolic.cpp feeds the array. Every fold
//     runs on all C columns (lanes past the tile's columns carry zeros and their outputs are
//     dropped): an edge fold pays the array's full skew, as the C job model charges it
//     (docs/systolic.md), so the job's last output comes at the model's cycle.
//   - Operands are 8-bit codes (AW = BW = 8, signed), read byte by byte, combinationally (a
//     word the DMA writes in this cycle is read as written).
//   - Outputs: column j of a fold drains its rows bottom first; each 32-bit sum (plus the
//     tile's partial sum from its earlier k steps, when it is split over k: those are
//     consecutive jobs, and every step but the last keeps its sums in `psum`) is requantized
//     as sim/functional's run_gemm does (sat(round(acc / 2^shift)) to 8 bits) and written,
//     one byte per column and cycle, at out[r][c] of the row table. `jobs_done`
//     counts the jobs run here whose every output is written.
//   - Completion (sys_job_done.v): `own` is high while a job of the table (tm > 0) is in
//     flight, and `done` in the cycle it completes: its last output is written (jobs_done
//     covers it) and the buffer ports have carried its reads (the port budget, its demand
//     written through dt_*). A job of 0 rows is not `own`: its done comes from outside.
//   - `err` (sticky): a job started while the previous one's beats were still being fed.
module sys_array_job #(
    parameter R = 8,            // array rows
    parameter C = 8,            // array columns
    parameter BUFAW = 22,       // buffer byte address bits
    parameter JDEPTH = 2048,    // job table entries (a power of two)
    parameter TDEPTH = 65536,   // row and column table entries (a power of two)
    parameter PDEPTH = 65536    // partial sums of a tile split over k steps (a power of two)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    jt_we,
    input  wire [$clog2(JDEPTH)-1:0] jt_addr,
    input  wire [15:0]             jt_tm,
    input  wire [15:0]             jt_tn,
    input  wire [15:0]             jt_tk,
    input  wire [$clog2(TDEPTH)-1:0] jt_row,   // first row table entry
    input  wire [$clog2(TDEPTH)-1:0] jt_col,   // first column table entry
    input  wire                    jt_bk,      // B read along its rows (per k entries)
    input  wire                    jt_ovl,
    input  wire [5:0]              jt_shift,
    input  wire                    jt_first,   // the tile's first k step: sums start at 0
    input  wire                    jt_last,    // its last k step: outputs requantized, written
    input  wire                    rt_we,
    input  wire [$clog2(TDEPTH)-1:0] rt_addr,
    input  wire [BUFAW-1:0]        rt_a,
    input  wire [BUFAW-1:0]        rt_o,
    input  wire                    ct_we,
    input  wire [$clog2(TDEPTH)-1:0] ct_addr,
    input  wire [BUFAW-1:0]        ct_b,
    input  wire                    go,         // the run starts (the tables are loaded)
    input  wire                    start,
    input  wire                    dt_we,       // the port budget (sys_job_done.v)
    input  wire [$clog2(JDEPTH)-1:0] dt_addr,
    input  wire [47:0]             dt_demand,
    input  wire [31:0]             port_bits,
    input  wire [7:0]              shared,
    output wire                    own,
    output wire                    done,
    output wire                    rd_en,      // a beat is offered: its bytes are read
    output reg  [(R+C)*BUFAW-1:0]  rd_addr,    // byte lanes: R west operands, C north
    input  wire [(R+C)*8-1:0]      rd_data,    // their bytes (combinational)
    output reg  [C-1:0]            wr_en,      // one output byte per column
    output reg  [C*BUFAW-1:0]      wr_addr,
    output reg  [C*8-1:0]          wr_data,
    output reg  [31:0]             jobs_done,
    output reg                     err
);
    localparam JW = $clog2(JDEPTH);
    localparam TW = $clog2(TDEPTH);
    // a 16-bit count as a table offset (TW bits, at most 32; bits past TW unused)
    /* verilator lint_off UNUSEDSIGNAL */
    function [TW-1:0] tix(input [15:0] v);
        reg [31:0] w;
        begin
            w = {16'd0, v};
            tix = w[TW-1:0];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */
    localparam RWB = $clog2(R + 1);
    localparam CB = $clog2(C + 1);

    reg [15:0]   j_tm [0:JDEPTH-1];
    reg [15:0]   j_tn [0:JDEPTH-1];
    reg [15:0]   j_tk [0:JDEPTH-1];
    reg [TW-1:0] j_row [0:JDEPTH-1];
    reg [TW-1:0] j_col [0:JDEPTH-1];
    reg          j_bk [0:JDEPTH-1];
    reg          j_ovl [0:JDEPTH-1];
    reg [5:0]    j_shift [0:JDEPTH-1];
    reg          j_first [0:JDEPTH-1];
    reg          j_last [0:JDEPTH-1];
    reg [BUFAW-1:0] t_a [0:TDEPTH-1];
    reg [BUFAW-1:0] t_o [0:TDEPTH-1];
    reg [BUFAW-1:0] t_b [0:TDEPTH-1];

    always @(posedge clk) begin
        if (jt_we) begin
            j_tm[jt_addr] <= jt_tm;
            j_tn[jt_addr] <= jt_tn;
            j_tk[jt_addr] <= jt_tk;
            j_row[jt_addr] <= jt_row;
            j_col[jt_addr] <= jt_col;
            j_bk[jt_addr] <= jt_bk;
            j_ovl[jt_addr] <= jt_ovl;
            j_shift[jt_addr] <= jt_shift;
            j_first[jt_addr] <= jt_first;
            j_last[jt_addr] <= jt_last;
        end
        if (rt_we) begin
            t_a[rt_addr] <= rt_a;
            t_o[rt_addr] <= rt_o;
        end
        if (ct_we)
            t_b[ct_addr] <= ct_b;
    end

    // rows (or columns) of fold index f of a dimension of n: min(unit, n - f x unit)
    function [15:0] part(input [15:0] n, input [15:0] f, input [15:0] unit);
        reg [31:0] rest;
        begin
            rest = {16'd0, n} - {16'd0, f} * {16'd0, unit};
            part = rest > {16'd0, unit} ? unit : rest[15:0];
        end
    endfunction

    // ---- the input side: fold commands and operand beats ----
    // Commands run ahead of the beats: once the last beat of job jc - 1 is taken, the folds of
    // job jc are offered (from the run's start for the first job), so that its first fold
    // waits in the array's stream stage and takes its first beat in the job's issue cycle.
    reg          running;       // the run has started (the tables are loaded)
    reg [JW-1:0] jc;            // the job being fed (or the next one)
    reg          act;           // job jc's beats are being fed
    reg [15:0]   cr, cc;        // the fold whose command is offered next (row, column fold)
    reg          cmds_done;     // every fold of job jc has its command taken
    reg [15:0]   br, bc, bs;    // the fold whose beats are fed, and the beat
    localparam integer R_I = R, C_I = C;
    localparam [15:0] R16 = R_I[15:0];
    localparam [15:0] C16 = C_I[15:0];
    wire [15:0] tm = j_tm[jc], tn = j_tn[jc], tk = j_tk[jc];
    wire [15:0] fr = (tm + R16 - 16'd1) / R16, fc = (tn + C16 - 16'd1) / C16;
    wire        cmd_valid = running && tm != 16'd0 && !cmds_done;
    wire        a_valid = act || (start && tm != 16'd0);  // one beat of A and one of B
    wire        cmd_ready, a_ready, b_ready;
    wire [15:0] b_r = act ? br : 16'd0, b_c = act ? bc : 16'd0, b_s = act ? bs : 16'd0;
    wire        acc_cmd = cmd_valid && cmd_ready;
    wire        acc_beat = a_valid && a_ready;
    wire [15:0] c_rows = part(tm, cr, R16);
    localparam [CB-1:0] C_ALL = C_I[CB-1:0];
    wire [15:0] b_rows = part(tm, b_r, R16), b_cols = part(tn, b_c, C16);
    wire        c_cc_last = cc == fc - 16'd1;
    wire        last_cmd = c_cc_last && cr == fr - 16'd1;
    wire        last_beat_fold = b_s == tk - 16'd1;
    wire        last_beat = last_beat_fold && b_c == fc - 16'd1 && b_r == fr - 16'd1;
    wire        next_job = (start && !act && tm == 16'd0) || (acc_beat && last_beat);

    assign rd_en = a_valid;

    // operand addresses of the beat offered now
    integer i, j;
    reg [15:0] ri, cj;
    always @* begin
        rd_addr = {(R+C)*BUFAW{1'b0}};
        ri = 16'd0;
        cj = 16'd0;
        // (computed only while a beat is offered: an idle array costs no simulation time)
        for (i = 0; a_valid && i < R; i = i + 1) begin
            ri = b_r * R16 + i[15:0];
            rd_addr[i*BUFAW +: BUFAW] = t_a[j_row[jc] + tix(ri)] + {{(BUFAW-16){1'b0}}, b_s};
        end
        for (j = 0; a_valid && j < C; j = j + 1) begin
            cj = b_c * C16 + j[15:0];
            rd_addr[(R+j)*BUFAW +: BUFAW] = j_bk[jc]
                ? t_b[j_col[jc] + tix(b_s)] + {{(BUFAW-16){1'b0}}, cj}
                : t_b[j_col[jc] + tix(cj)] + {{(BUFAW-16){1'b0}}, b_s};
        end
    end
    reg [R*8-1:0] a_data;
    reg [C*8-1:0] b_data;
    always @* begin
        for (i = 0; i < R; i = i + 1)
            a_data[i*8 +: 8] = i < b_rows ? rd_data[i*8 +: 8] : 8'h00;
        for (j = 0; j < C; j = j + 1)
            b_data[j*8 +: 8] = j < b_cols ? rd_data[(R+j)*8 +: 8] : 8'h00;
    end

    always @(posedge clk)
        if (rst) begin
            running <= 1'b0;
            jc <= {JW{1'b0}};
            act <= 1'b0;
            cr <= 16'd0;
            cc <= 16'd0;
            cmds_done <= 1'b0;
            br <= 16'd0;
            bc <= 16'd0;
            bs <= 16'd0;
            err <= 1'b0;
        end else begin
            if (go)
                running <= 1'b1;
            if (start && act)
                err <= 1'b1;
            if (acc_cmd) begin
                cc <= c_cc_last ? 16'd0 : cc + 16'd1;
                cr <= c_cc_last ? cr + 16'd1 : cr;
                if (last_cmd)
                    cmds_done <= 1'b1;
            end
            if (start && !act && tm != 16'd0)
                act <= 1'b1;
            if (acc_beat) begin
                bs <= last_beat_fold ? 16'd0 : b_s + 16'd1;
                bc <= !last_beat_fold ? b_c : b_c == fc - 16'd1 ? 16'd0 : b_c + 16'd1;
                br <= last_beat_fold && b_c == fc - 16'd1 ? b_r + 16'd1 : b_r;
            end
            if (next_job) begin
                act <= 1'b0;
                jc <= jc + 1'b1;
                cr <= 16'd0;
                cc <= 16'd0;
                cmds_done <= 1'b0;
                br <= 16'd0;
                bc <= 16'd0;
                bs <= 16'd0;
            end
        end

    // ---- the array ----
    // clock enable: on while a job is fed, a command is offered or was just taken, or a job's
    // outputs are still to come (`start` so that it takes the first beat in the issue cycle;
    // rst so that it resets); off, every register of it holds (a pre-issued fold waits in the
    // stream stage)
    wire         busy;
    reg          cmd_taken;          // a command was taken last cycle: it enters a stage now
    always @(posedge clk)
        cmd_taken <= acc_cmd;
    wire         run_array = rst || start || act || cmd_valid || cmd_taken || oj != jc;
    wire [C-1:0] out_valid, out_acc;
    wire [C*32-1:0] out_data;
    systolic_array #(.R(R), .C(C), .AW(8), .BW(8), .A_SIGNED(1), .B_SIGNED(1), .ACCW(32),
                     .TW(16)) array (
        .clk(clk), .rst(rst), .cmd_valid(cmd_valid), .cmd_ready(cmd_ready), .cmd_stat(1'b0),
        .cmd_len(tk), .cmd_rows(c_rows[RWB-1:0]), .cmd_cols(C_ALL), .cmd_acc(1'b0),
        .cmd_ovl(j_ovl[jc]), .a_valid(a_valid), .a_ready(a_ready), .a_data(a_data),
        .b_valid(a_valid), .b_ready(b_ready), .b_data(b_data), .out_ready(run_array),
        .out_valid(out_valid), .out_acc(out_acc), .out_data(out_data), .busy(busy));
    wire unused_array = &{1'b0, b_ready, out_acc, busy, c_rows[15:RWB]};

    // ---- the output side: per column, the fold and row its next output belongs to ----
    reg [JW-1:0] oj;                 // the job whose outputs come next
    reg [15:0]   o_r [0:C-1];        // row fold
    reg [15:0]   o_c [0:C-1];        // column fold
    reg [15:0]   o_left [0:C-1];     // rows of the fold still to drain
    reg [C-1:0]  o_done;             // the column has no more outputs in job oj
    reg          fresh;              // the columns are not set up for a job yet
    wire [15:0]  otm = j_tm[oj], otn = j_tn[oj];
    wire [15:0]  ofr = (otm + R16 - 16'd1) / R16;
    wire [5:0]   sh = j_shift[oj];
    reg [C-1:0]  finish;             // the column's last output of the job is this cycle
    reg [C-1:0]  out_now;            // the column has an output this cycle
    reg [15:0]   row, col, nc;
    reg [31:0]   sum;
    /* verilator lint_off UNUSEDSIGNAL */
    reg [31:0]   pidx;               // its low PW bits address psum
    /* verilator lint_on UNUSEDSIGNAL */
    reg signed [63:0] v, q;
    // a tile split over k steps (consecutive jobs of the queue) keeps its 32-bit sums here,
    // element (row, col) of the tile at row x tn + col, between its steps
    localparam PW = $clog2(PDEPTH);
    reg [31:0]   psum [0:PDEPTH-1];
    reg [C-1:0]  ps_we;
    reg [C*PW-1:0] ps_addr;
    reg [C*32-1:0] ps_data;
    wire         o_first = j_first[oj], o_last = j_last[oj];
    always @* begin
        {finish, out_now, wr_en, ps_we} = {4*C{1'b0}};
        {wr_addr, ps_addr, ps_data, wr_data} = {C*(BUFAW+PW+32+8){1'b0}};
        {row, col, nc, sum, pidx, v, q} = {3*16+2*32+2*64{1'b0}};
        for (j = 0; !fresh && |out_valid && j < C; j = j + 1) begin
            row = o_r[j] * R16 + o_left[j] - 16'd1;
            col = o_c[j] * C16 + j[15:0];
            pidx = {16'd0, row} * {16'd0, otn} + {16'd0, col};
            sum = out_data[j*32 +: 32] + (o_first ? 32'd0 : psum[pidx[PW-1:0]]);
            v = {{32{sum[31]}}, sum};
            q = sh == 6'd0 ? v : (v + (64'sd1 <<< (sh - 6'd1))) >>> sh;
            out_now[j] = !fresh && run_array && out_valid[j];
            wr_en[j] = out_now[j] && o_last && col < otn;
            ps_we[j] = out_now[j] && !o_last && col < otn;
            ps_addr[j*PW +: PW] = pidx[PW-1:0];
            ps_data[j*32 +: 32] = sum;
            wr_addr[j*BUFAW +: BUFAW] = t_o[j_row[oj] + tix(row)] + {{(BUFAW-16){1'b0}}, col};
            wr_data[j*8 +: 8] = q > 64'sd127 ? 8'h7f : q < -64'sd128 ? 8'h80 : q[7:0];
            nc = o_c[j] + 16'd1;
            finish[j] = out_now[j] && o_left[j] == 16'd1 && o_r[j] == ofr - 16'd1 &&
                        nc * C16 >= otn;
        end
    end
    wire all_done = &(o_done | finish);
    wire [JW-1:0] oj_next = oj + 1'b1;
    wire [15:0]  stm = fresh ? otm : j_tm[oj_next];

    always @(posedge clk)
        for (j = 0; j < C; j = j + 1)
            if (ps_we[j])
                psum[ps_addr[j*PW +: PW]] <= ps_data[j*32 +: 32];

    always @(posedge clk)
        if (rst) begin
            oj <= {JW{1'b0}};
            jobs_done <= 32'd0;
            fresh <= 1'b1;
            o_done <= {C{1'b1}};
        end else if (fresh || all_done) begin
            // set up the columns for a job: job 0 at the first start (the tables are loaded
            // by then), then the next job as soon as every column is done with this one
            if (!fresh) begin
                oj <= oj_next;
                jobs_done <= jobs_done + {31'd0, otm != 16'd0};
            end
            if (!fresh || start) begin
                fresh <= 1'b0;
                for (j = 0; j < C; j = j + 1) begin
                    o_r[j] <= 16'd0;
                    o_c[j] <= 16'd0;
                    o_left[j] <= part(stm, 16'd0, R16);
                    o_done[j] <= stm == 16'd0;
                end
            end
        end else
            for (j = 0; j < C; j = j + 1)
                if (out_now[j]) begin
                    if (o_left[j] != 16'd1)
                        o_left[j] <= o_left[j] - 16'd1;
                    else begin
                        // the next fold: column folds, then rows
                        if ((o_c[j] + 16'd1) * C16 < otn) begin
                            o_c[j] <= o_c[j] + 16'd1;
                            o_left[j] <= part(otm, o_r[j], R16);
                        end else begin
                            o_c[j] <= 16'd0;
                            o_r[j] <= o_r[j] + 16'd1;
                            o_left[j] <= part(otm, o_r[j] + 16'd1, R16);
                        end
                        if (finish[j])
                            o_done[j] <= 1'b1;
                    end
                end

    // ---- completion: every output written, and the port budget met ----
    sys_job_done #(.JDEPTH(JDEPTH)) completion (
        .clk(clk), .rst(rst), .dt_we(dt_we), .dt_addr(dt_addr), .dt_demand(dt_demand),
        .issue(start && tm != 16'd0), .job(jc), .count(32'd1), .progress(jobs_done),
        .port_bits(port_bits), .shared(shared), .own(own), .done(done));
endmodule
