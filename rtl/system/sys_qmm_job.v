// sys_qmm_job.v: the QMM engine's jobs inside the twin (docs/system-rtl.md, "The QMM engine
// in the twin"): a sequencer that runs rtl/qmm/qmm_engine.v (D DPUs x L lanes) on operand codes
// held in the buffers (sys_buffer.v) and writes the requantized outputs into the buffers'
// output region.
//
// Contract:
//   - The bench fills, before start, a job table (one entry per job of the QMM queue, in queue
//     order), a row table (per row of A of a job: the buffer bit address of its first code,
//     and the byte address of its first output code) and a k table (per k of a job: the
//     buffer bit address of B's code (k, first column); B's codes of one k are consecutive;
//     for a job with B transposed, per column n of the tile instead: the bit address of B's
//     code (first k, n), B's codes of one column consecutive along k).
//     A job with 0 rows is not run here (its values come from C; the bench counts it).
//     Job entry, 32-bit words LSB first: 0 rows | n << 16; 1 k | amode << 16 | bbin << 18 |
//     bbits << 19 | bsigned << 23 | shift << 24; 2 m0 | passes << 16 | B code bits << 20 |
//     elements per step << 24; 3 steps | groups << 16; 4 first row-table entry; 5 first
//     k-table entry; 6 the next job the engine runs (bit 31: none); 7 first k tile |
//     last k tile << 1 | partial-sum shift << 4 | B transposed << 8. `first`: the first job
//     the engine runs.
//     Row entry: A's bit address, the output byte address, the row's first partial sum.
//   - K split over tiles (sim/functional's partial sums): a tile that is not its output's
//     first k tile adds the partial sums in the sequencer's memory (`ps`, 32 bits, one per
//     output of the op) as the requantizer's column constant (shifted left by the job's
//     partial-sum shift when the requantizer multiplies: m0 = 2^that); a tile that is not
//     the last one writes dot + partial sum back there (m0 = 1, shift 0), the last one the
//     requantized codes into the output region. The engine's outputs are 32 bits; the
//     sequencer saturates them to 8.
//   - From `run` (the program's start) the command of the next job to run waits in the
//     engine's pending register (or is active, waiting for beats), so its first beat can
//     follow its issue at once: `start` is high in the cycle the QMM job issues (the
//     controller's job_valid), and that cycle is its first beat. The beats follow back to
//     back in the engine's order (rows, groups of D columns, passes over B's bit planes, steps
//     of P elements). A beat's operands are read combinationally from the buffers (the read
//     is the engine's input register, stage 1): P codes of A at the row's bit address + step
//     x 8L bits; for element e of the step, the D codes of B at the k table's bit address of
//     k = step x P + e, + group x D x code bits; DPU d's bit e is bit `pass` of its code.
//     B transposed: DPU d reads 8L bits of its column instead (cr_*, only then), from the k
//     table's bit address of column group x D + d, + step x P x code bits, and its bit e is
//     bit e x code bits + `pass` of those (columns past the tile's n read whatever the table
//     holds there; the engine keeps no output of theirs). The beats, their order and time are
//     the same either way.
//     At most L elements a step (8-bit activations; narrower ones are not run here).
//   - Outputs: the engine requantizes (m0, shift; column constant 0) and saturates to 8 bits;
//     a group's kept outputs are written with byte enables at the row's output address +
//     group x D. `rows_done` counts rows whose last group is written.
//   - Completion (sys_job_done.v): `own` is high while a job of the table (rows > 0) is in
//     flight, and `done` in the cycle it completes: its last row is written (rows_done covers
//     it) and the buffer ports have carried its reads (the port budget, its demand written
//     through dt_*). A job of 0 rows is not `own`: its done comes from outside.
//   - Clock enable: the engine runs in reset, while a command enters, in its beats and the 9
//     cycles after its last beat; idle, every register of it holds. The enable gates the
//     engine's clock (a latch-free gate: the enable is sampled on the falling edge), which is
//     the engine's out_ready held high: so a simulator evaluates none of its logic while it
//     is idle (Verilator: 64 x 8 lanes of combinational logic every cycle made beta.yaml's
//     cases minutes long at -O0).
//   - `err` (sticky): a beat the engine did not take, or a job started while one was fed.
module sys_qmm_job #(
    parameter D = 4,             // the engine's DPUs
    parameter L = 2,             // its 8-bit lanes
    parameter BUFAW = 22,        // buffer byte address bits
    parameter DBYTES = 64,       // buffer word bytes
    parameter JDEPTH = 2048,     // job table entries (a power of two)
    parameter RDEPTH = 65536,    // row table entries (a power of two)
    parameter KDEPTH = 65536,    // k table entries (a power of two)
    parameter PDEPTH = 1048576   // partial sums (a power of two)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    run,
    input  wire                    jt_we,
    input  wire [$clog2(JDEPTH)-1:0] jt_addr,
    input  wire [255:0]            jt_data,
    input  wire                    rt_we,
    input  wire [$clog2(RDEPTH)-1:0] rt_addr,
    input  wire [95:0]             rt_data,
    input  wire                    kt_we,
    input  wire [$clog2(KDEPTH)-1:0] kt_addr,
    input  wire [31:0]             kt_data,
    input  wire [31:0]             first,
    input  wire                    start,
    input  wire                    dt_we,       // the port budget (sys_job_done.v)
    input  wire [$clog2(JDEPTH)-1:0] dt_addr,
    input  wire [47:0]             dt_demand,
    input  wire [31:0]             port_bits,
    input  wire [7:0]              shared,
    output wire                    own,
    output wire                    done,
    // reads: port 0 the A codes, port 1 + e the B codes of element e (two words each)
    output wire [(L+1)*(BUFAW-$clog2(DBYTES))-1:0] rd_word,
    input  wire [(L+1)*2*DBYTES*8-1:0] rd_data,
    // B transposed: DPU d's column of B, 8L bits from a bit address, read while cr_en
    output wire                    cr_en,
    output wire [D*(BUFAW+3)-1:0]  cr_bit,
    input  wire [D*8*L-1:0]        cr_data,
    output wire                    wr_en,
    output wire [BUFAW-$clog2(DBYTES)-1:0] wr_word,
    output wire [2*DBYTES*8-1:0]   wr_data,     // words wr_word and wr_word + 1
    output wire [2*DBYTES-1:0]     wr_be,
    output reg  [31:0]             rows_done,
    output reg                     err
);
    localparam JW = $clog2(JDEPTH);
    localparam RW = $clog2(RDEPTH);
    localparam KW = $clog2(KDEPTH);
    localparam OB = $clog2(DBYTES);
    localparam BEATW = BUFAW - OB;
    localparam WB = 2 * DBYTES * 8;   // bits of a two-word read
    localparam OBB = OB + 3;          // bit offset bits within a word pair's first word

    localparam PW = $clog2(PDEPTH);
    reg [255:0] jt [0:JDEPTH-1];
    reg [95:0]  rt [0:RDEPTH-1];
    reg [31:0]  ps [0:PDEPTH-1];
    reg [31:0]  kt [0:KDEPTH-1];
    always @(posedge clk) begin
        if (jt_we)
            jt[jt_addr] <= jt_data;
        if (rt_we)
            rt[rt_addr] <= rt_data;
        if (kt_we)
            kt[kt_addr] <= kt_data;
    end

    // ---- commands: the next job's command waits in the engine ----
    reg         on;              // the program has started
    reg  [31:0] jp;              // the next job whose command goes to the engine (bit 31: none)
    reg  [1:0]  eng;             // commands taken whose last beat is not
    reg         settle;          // a command entered an idle engine: one more cycle to activate
    wire [255:0] cj = jt[jp[JW-1:0]];
    wire        cmd_valid = on && !jp[31] && (eng == 2'd0 || (eng == 2'd1 && !settle));
    wire        cmd_ready;
    wire        acc_cmd = cmd_valid && cmd_ready;

    // ---- beats ----
    reg  [JW-1:0] jc;            // the queue's next job (counts `start`)
    reg  [JW-1:0] cur;           // the job being fed (and whose outputs come)
    reg           feed;          // beats after the first one
    reg  [15:0]   r, g, s;       // row, group, step of the beat
    reg  [3:0]    p;             // pass
    wire [255:0]  jn = jt[jc];
    wire          go = start && jn[15:0] != 16'd0;
    wire [255:0]  fj = feed ? jt[cur] : jn;   // the job of this cycle's beat
    wire          in_valid = feed || go;
    wire          in_ready;
    wire          beat = in_valid && in_ready;
    wire s_last = s == fj[111:96] - 16'd1;
    wire p_last = p == fj[83:80] - 4'd1;
    wire g_last = g == fj[127:112] - 16'd1;
    wire r_last = r == fj[15:0] - 16'd1;
    wire job_end = beat && s_last && p_last && g_last && r_last;

    // this beat's reads
    wire [31:0] ar = fj[159:128] + {16'd0, r};
    wire [95:0] arow = rt[ar[RW-1:0]];
    wire [31:0] a_bit = arow[31:0] + {13'd0, s, 3'd0} * L;
    wire [31:0] k0 = fj[191:160] + {16'd0, s} * {24'd0, fj[95:88]};
    wire [31:0] g_bits = {16'd0, g} * D * {28'd0, fj[87:84]};
    reg  [31:0] b_bit [0:L-1];
    integer e;
    always @*
        for (e = 0; e < L; e = e + 1)
            b_bit[e] = kt[k0[KW-1:0] + e[KW-1:0]] + g_bits;
    // B transposed: a line per column, the k table indexed by column
    wire          bt = fj[232];
    wire [31:0]   c0 = fj[191:160] + {16'd0, g} * D;
    wire [31:0]   s_bits = {16'd0, s} * {24'd0, fj[95:88]} * {28'd0, fj[87:84]};
    reg  [31:0]   c_bit [0:D-1];
    reg  [D*(BUFAW+3)-1:0] c_addr;
    integer dk;
    always @*
        for (dk = 0; dk < D; dk = dk + 1) begin
            c_bit[dk] = cr_en ? kt[c0[KW-1:0] + dk[KW-1:0]] + s_bits : 32'd0;
            c_addr[dk*(BUFAW+3) +: BUFAW+3] = c_bit[dk][BUFAW+2:0];
        end
    assign cr_en = in_valid && bt;
    assign cr_bit = c_addr;
    genvar pe;
    generate
        for (pe = 0; pe <= L; pe = pe + 1) begin : rd
            wire [31:0] bit_at = pe == 0 ? a_bit : b_bit[pe == 0 ? 0 : pe - 1];
            assign rd_word[pe*BEATW +: BEATW] = bit_at[OBB+BEATW-1:OBB];
            wire unused_bit = &{1'b0, bit_at};
        end
    endgenerate

    // (the wide shifts and loops below only in a beat's cycle: a simulator skips them
    // otherwise)
    reg  [WB-1:0] a_al;
    reg  [D*8*L-1:0] in_b;
    reg  [WB-1:0] line;
    integer d, e2;
    always @* begin
        a_al = {WB{1'b0}};
        in_b = {(D*8*L){1'b0}};
        line = {WB{1'b0}};
        if (in_valid)
            a_al = rd_data[0 +: WB] >> a_bit[OBB-1:0];
        for (e2 = 0; e2 < L && in_valid && !bt; e2 = e2 + 1) begin
            line = rd_data[(e2+1)*WB +: WB] >> b_bit[e2][OBB-1:0];
            for (d = 0; d < D; d = d + 1)
                in_b[d*8*L + e2] = line[d * fj[87:84] + {28'd0, p}];
        end
        for (d = 0; d < D && cr_en; d = d + 1)
            for (e2 = 0; e2 < L; e2 = e2 + 1)
                in_b[d*8*L + e2] = cr_data[d*8*L + e2 * fj[87:84] + {28'd0, p}];
    end
    wire [8*L-1:0] in_act = a_al[8*L-1:0];

    // the column constants: 0 on an output's first k tile, else its partial sums
    reg  [D*32-1:0] in_beta;
    reg  [31:0]     pidx;
    integer db;
    always @* begin
        in_beta = {(D*32){1'b0}};
        pidx = 32'd0;
        for (db = 0; db < D && in_valid && !fj[224]; db = db + 1) begin
            pidx = arow[95:64] + {16'd0, g} * D + db;
            in_beta[db*32 +: 32] = ps[pidx[PW-1:0]] << fj[231:228];
        end
    end

    // ---- the engine ----
    reg  [3:0] tail;             // cycles of the pipeline still to run after the last beat
    wire       en = rst || cmd_valid || settle || in_valid || tail != 4'd0;
    reg        en_l;
    always @(negedge clk)
        en_l <= en;
    wire       gclk = clk & en_l;
    wire       out_valid, busy;
    wire [D-1:0]   out_keep;
    wire [D*32-1:0] out_data;
    qmm_engine #(.D(D), .L(L), .ACCW(32), .M0W(16), .BTW(32), .SHW(5), .OW(32)) engine (
        .clk(gclk), .rst(rst), .cmd_valid(cmd_valid), .cmd_ready(cmd_ready),
        .cmd_m(cj[15:0]), .cmd_n(cj[31:16]), .cmd_k(cj[47:32]), .cmd_amode(cj[49:48]),
        .cmd_asigned(1'b1), .cmd_bbin(cj[50]), .cmd_bbits(cj[54:51]), .cmd_bsigned(cj[55]),
        .cmd_m0(cj[79:64]), .cmd_shift(cj[60:56]), .in_valid(in_valid), .in_ready(in_ready),
        .in_act(in_act), .in_b(in_b), .in_beta(in_beta), .out_ready(1'b1),
        .out_valid(out_valid), .out_keep(out_keep), .out_data(out_data), .busy(busy));
    wire unused = &{1'b0, busy, cj, arow, jn, fj, a_al, k0, a_bit, ar, jp, pidx, c0};

    always @(posedge clk) begin
        if (rst) begin
            on <= 1'b0;
            jp <= 32'h8000_0000;
            eng <= 2'd0;
            settle <= 1'b0;
            jc <= {JW{1'b0}};
            cur <= {JW{1'b0}};
            feed <= 1'b0;
            r <= 16'd0;
            g <= 16'd0;
            s <= 16'd0;
            p <= 4'd0;
            tail <= 4'd0;
            err <= 1'b0;
        end else begin
            if (run && !on) begin
                on <= 1'b1;
                jp <= first;
            end
            if (acc_cmd)
                jp <= cj[223:192];
            eng <= eng + {1'b0, acc_cmd} - {1'b0, job_end};
            settle <= acc_cmd && eng == 2'd0;
            if (in_valid && !in_ready)
                err <= 1'b1;
            if (start && feed)
                err <= 1'b1;
            if (start)
                jc <= jc + 1'b1;
            if (go)
                cur <= jc;
            if (beat) begin
                feed <= !job_end;
                tail <= 4'd9;
                if (!s_last)
                    s <= s + 16'd1;
                else begin
                    s <= 16'd0;
                    if (!p_last)
                        p <= p + 4'd1;
                    else begin
                        p <= 4'd0;
                        if (!g_last)
                            g <= g + 16'd1;
                        else begin
                            g <= 16'd0;
                            r <= r_last ? 16'd0 : r + 16'd1;
                        end
                    end
                end
            end else if (tail != 4'd0)
                tail <= tail - 4'd1;
        end
    end

    // ---- the output side: a group's outputs into the output region ----
    reg  [15:0] orow, og;
    wire [255:0] oj = jt[cur];
    wire [31:0]  orr = oj[159:128] + {16'd0, orow};
    wire [95:0]  orw = rt[orr[RW-1:0]];
    wire [31:0]  o_byte = orw[63:32] + {16'd0, og} * D;
    wire [OB-1:0] o_off = o_byte[OB-1:0];
    wire         o_last = oj[225];   // the last k tile: codes; else partial sums
    reg  [D*8-1:0] codes;
    integer dc;
    always @* begin
        codes = {(D*8){1'b0}};
        for (dc = 0; dc < D && out_valid; dc = dc + 1)
            codes[dc*8 +: 8] = $signed(out_data[dc*32 +: 32]) > 32'sd127 ? 8'h7f
                             : $signed(out_data[dc*32 +: 32]) < -32'sd128 ? 8'h80
                             : out_data[dc*32 +: 8];
    end
    assign wr_en = out_valid && en && o_last;
    assign wr_word = o_byte[OB+BEATW-1:OB];
    assign wr_data = wr_en ? {{(2*DBYTES-D){8'h00}}, codes} << {o_off, 3'b000} : {WB{1'b0}};
    assign wr_be = {{(2*DBYTES-D){1'b0}}, out_keep} << o_off;
    wire unused_o = &{1'b0, oj, orw, o_byte, orr, po};

    // partial sums of a tile that is not its output's last k tile
    wire [31:0] po = orw[95:64] + {16'd0, og} * D;
    integer dp;
    always @(posedge clk)
        if (out_valid && en && !o_last)
            for (dp = 0; dp < D; dp = dp + 1)
                if (out_keep[dp])
                    ps[po[PW-1:0] + dp[PW-1:0]] <= out_data[dp*32 +: 32];

    always @(posedge clk)
        if (rst) begin
            orow <= 16'd0;
            og <= 16'd0;
            rows_done <= 32'd0;
        end else if (out_valid && en) begin
            if (og == oj[127:112] - 16'd1) begin
                og <= 16'd0;
                orow <= orow == oj[15:0] - 16'd1 ? 16'd0 : orow + 16'd1;
                rows_done <= rows_done + 32'd1;
            end else
                og <= og + 16'd1;
        end

    // ---- completion: every row written, and the port budget met ----
    sys_job_done #(.JDEPTH(JDEPTH)) completion (
        .clk(clk), .rst(rst), .dt_we(dt_we), .dt_addr(dt_addr), .dt_demand(dt_demand),
        .issue(go), .job(jc), .count({16'd0, jn[15:0]}), .progress(rows_done),
        .port_bits(port_bits), .shared(shared), .own(own), .done(done));
endmodule
