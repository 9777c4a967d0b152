// sys_controller.v: the accelerator program's controller (docs/program.md, docs/system-rtl.md):
// a program memory, one head pointer per queue, a token counter per channel, the issue logic
// of the C executor (sim/accel/execute.c), the DMA engine (sys_dma.v, AXI4 master), the
// banked on-chip buffers (sys_buffer.v) and a job port per compute unit.
//
// Queues: 0 load, 1 store (both run by the DMA), 2..NQ-1 one per compute unit (unit q-2).
// The testbench loads the program before `start`: instruction fields through the pm_* write
// port (at pm_addr), each queue's base address and length through the qc_* port, and the
// run memory through the rm_* port. A transfer's fields include the index of its first run
// and its run count in the run memory (each run a range of DRAM bytes it moves) and, for a
// load, its buffer slot (sys_dma.v says how they become AXI and buffer addresses).
//
// Cycle convention. `start` is cycle 0. An instruction that issues in cycle t takes its tokens
// in t; a compute job's first cycle is t (job_valid is high in t, combinationally, and the
// unit must take it: job_ready is checked, not waited for); a transfer's first cycle is t
// (its first AXI request is in t + 1). job_shared counts the other compute units running as
// the job starts (the C executor gives the job 1/(job_shared + 1) of the buffer ports). An
// instruction completes in the cycle its unit reports done (unit_done, or the DMA's last R
// beat / B response) and its tokens are usable in that same cycle. A 0-bit load or store
// issues and completes in one cycle without the DMA.
//
// Issue rule, exactly the C executor's. The C executor handles the completions of one cycle
// one at a time, oldest job first (its event order), and after each one tries every queue
// in the order store, load, compute queues, again and again until nothing issues. This logic
// does the same in one clock cycle: up to NQ - 1 steps (the cycle's completions, oldest issue
// first, by a sequence number each job gets at issue; on `start`, one step without a
// completion), each followed by PASSES passes over the queues. A head issues when its unit is
// free and every channel it waits on holds a token. If a last extra pass could still issue,
// err_passes rises (raise PASSES); a job offered to a unit that is not ready raises err_job.
module sys_controller #(
    parameter NQ = 4,           // queues (2 + compute units)
    parameter NCH = 8,          // token channels (a power of two)
    parameter DEPTH = 2048,     // program memory, instructions (a power of two)
    parameter NW = 6,           // waits and pushes per instruction (ASIM_INSN_MAX_DEPS)
    parameter PASSES = 4,       // issue passes per step
    parameter TOKW = 16,        // token counter bits
    parameter AW = 32,          // AXI address bits
    parameter DBYTES = 64,      // AXI data bytes per beat
    parameter BITSW = 48,       // transfer size field, bits
    parameter RDEPTH = 65536,   // run memory, runs (a power of two)
    parameter BANKS = 4,        // buffer banks
    parameter BUFAW = 22,       // buffer byte address bits (upper half: the output region)
    parameter SLOTW = 20,       // log2(bytes of a load slot)
    parameter QN = 8,           // the QUARK unit's lanes (sys_quark_job.v)
    parameter QUNIT = 1,        // the compute unit that is the QUARK unit (queue QUNIT + 2)
    parameter JDEPTH = DEPTH,   // QUARK job table entries (a job per instruction at most)
    parameter QDEPTH = 65536,   // QUARK row table entries
    // ---- the systolic array (sys_array_job.v) ----
    parameter AR = 8,           // the array's rows
    parameter AC = 8,           // and columns
    parameter AUNIT = 0,        // the compute unit that is the array (queue AUNIT + 2)
    parameter ATDEPTH = 65536,  // its row and column table entries
    // ---- end of the systolic array's parameters ----
    // ---- the QMM engine (sys_qmm_job.v); MD = 0: none in this build ----
    parameter MD = 0,           // its DPUs
    parameter ML = 1,           // its 8-bit lanes
    parameter MUNIT = 0,        // the compute unit that is the QMM engine (queue MUNIT + 2)
    parameter MRDEPTH = 65536,  // QMM row table entries
    parameter MKDEPTH = 65536   // QMM k table entries
    // ---- end of the QMM engine's parameters ----
) (
    input  wire                   clk,
    input  wire                   rst,
    // program load
    input  wire                   pm_we,
    input  wire [$clog2(DEPTH)-1:0] pm_addr,
    input  wire [1:0]             pm_kind,      // 0 load, 1 compute, 2 store
    input  wire [31:0]            pm_op,
    input  wire [31:0]            pm_tile,
    input  wire [BITSW-1:0]       pm_bits,
    input  wire [3:0]             pm_nwaits,
    input  wire [3:0]             pm_npushes,
    input  wire [NW*8-1:0]        pm_waits,     // channel ids, 8 bits each
    input  wire [NW*8-1:0]        pm_pushes,
    input  wire [$clog2(RDEPTH)-1:0] pm_run,    // transfers: first run, and run count
    input  wire [$clog2(RDEPTH):0] pm_nruns,
    input  wire [1:0]             pm_slot,      // loads: the buffer slot
    input  wire                   rm_we,        // run memory: run rm_addr is bytes lo..hi
    input  wire [$clog2(RDEPTH)-1:0] rm_addr,
    input  wire [AW-1:0]          rm_lo,
    input  wire [AW-1:0]          rm_hi,
    input  wire                   qc_we,
    input  wire [7:0]             qc_q,
    input  wire [$clog2(DEPTH)-1:0] qc_base,
    input  wire [$clog2(DEPTH):0] qc_len,
    input  wire [4:0]             burst_shift,  // log2(DRAM burst bytes)
    input  wire                   start,
    output wire                   finished,
    output reg                    err_passes,
    output reg                    err_job,
    // observation: instructions issued and completed in this cycle, 8 bits per queue
    output reg  [NQ*8-1:0]        obs_issued,
    output reg  [NQ*8-1:0]        obs_done,
    // compute units (unit u runs queue u + 2)
    output reg  [NQ-3:0]          job_valid,
    input  wire [NQ-3:0]          job_ready,
    output reg  [(NQ-2)*32-1:0]   job_op,
    output reg  [(NQ-2)*32-1:0]   job_tile,
    output reg  [(NQ-2)*8-1:0]    job_shared,   // other units running as the job starts
    input  wire [NQ-3:0]          unit_done,
    // the port budget of the jobs the units' sequencers complete (sys_job_done.v): the read
    // demand of job dt_addr of unit dt_unit, and the buffers' port bits per cycle
    input  wire                   dt_we,
    input  wire [7:0]             dt_unit,
    input  wire [$clog2(JDEPTH)-1:0] dt_addr,
    input  wire [47:0]            dt_demand,
    input  wire [31:0]            port_bits,    // both ports of every bank
    // the QUARK unit's job and row tables (sys_quark_job.v), and its progress
    input  wire                   jt_we,
    input  wire [$clog2(JDEPTH)-1:0] jt_addr,
    input  wire [31:0]            jt_rows,
    input  wire [3:0]             jt_mode,
    input  wire [16:0]            jt_len,
    input  wire [30:0]            jt_m,
    input  wire [5:0]             jt_e,
    input  wire [4:0]             jt_pb,
    input  wire [47:0]            jt_k,
    input  wire [16:0]            jt_beats,
    input  wire [16:0]            jt_total,
    input  wire [7:0]             jt_step,
    input  wire                   rt_we,
    input  wire [$clog2(QDEPTH)-1:0] rt_addr,
    input  wire [BUFAW-1:0]       rt_a,
    input  wire [BUFAW-1:0]       rt_b,
    input  wire [BUFAW-1:0]       rt_o,
    input  wire [5:0]             rt_shift,
    output wire [31:0]            q_rows_done,
    output wire                   err_quark,
    // ---- the array's job, row and column tables (sys_array_job.v), and its progress ----
    input  wire                   ajt_we,
    input  wire [$clog2(JDEPTH)-1:0] ajt_addr,
    input  wire [15:0]            ajt_tm,
    input  wire [15:0]            ajt_tn,
    input  wire [15:0]            ajt_tk,
    input  wire [$clog2(ATDEPTH)-1:0] ajt_row,
    input  wire [$clog2(ATDEPTH)-1:0] ajt_col,
    input  wire                   ajt_bk,
    input  wire                   ajt_ovl,
    input  wire [5:0]             ajt_shift,
    input  wire                   ajt_first,
    input  wire                   ajt_last,
    input  wire                   art_we,
    input  wire [$clog2(ATDEPTH)-1:0] art_addr,
    input  wire [BUFAW-1:0]       art_a,
    input  wire [BUFAW-1:0]       art_o,
    input  wire                   act_we,
    input  wire [$clog2(ATDEPTH)-1:0] act_addr,
    input  wire [BUFAW-1:0]       act_b,
    output wire [31:0]            a_jobs_done,
    output wire                   err_array,
    // ---- end of the array's ports ----
    // ---- the QMM engine's job, row and k tables (sys_qmm_job.v), and its progress ----
    input  wire                   mt_we,
    input  wire [$clog2(JDEPTH)-1:0] mt_addr,
    input  wire [255:0]           mt_data,
    input  wire                   mr_we,
    input  wire [$clog2(MRDEPTH)-1:0] mr_addr,
    input  wire [95:0]            mr_data,
    input  wire                   mk_we,
    input  wire [$clog2(MKDEPTH)-1:0] mk_addr,
    input  wire [31:0]            mk_data,
    input  wire [31:0]            m_first,
    output wire [31:0]            m_rows_done,
    output wire                   err_qmm,
    // ---- end of the QMM engine's ports ----
    // AXI4 master (sys_dma.v)
    output wire                   m_arvalid,
    input  wire                   m_arready,
    output wire [AW-1:0]          m_araddr,
    output wire [7:0]             m_arlen,
    output wire [2:0]             m_arsize,
    output wire [1:0]             m_arburst,
    input  wire                   m_rvalid,
    output wire                   m_rready,
    input  wire [DBYTES*8-1:0]    m_rdata,
    input  wire                   m_rlast,
    output wire                   m_awvalid,
    input  wire                   m_awready,
    output wire [AW-1:0]          m_awaddr,
    output wire [7:0]             m_awlen,
    output wire [2:0]             m_awsize,
    output wire [1:0]             m_awburst,
    output wire                   m_wvalid,
    input  wire                   m_wready,
    output wire [DBYTES*8-1:0]    m_wdata,
    output wire [DBYTES-1:0]      m_wstrb,
    output wire                   m_wlast,
    input  wire                   m_bvalid,
    output wire                   m_bready
);
    localparam PW = $clog2(DEPTH);
    localparam RW = $clog2(RDEPTH);
    localparam SEQW = 32;

    // ---- program memory and queue registers ----
    reg [1:0]        m_kind [0:DEPTH-1];
    reg [31:0]       m_op [0:DEPTH-1];
    reg [31:0]       m_tile [0:DEPTH-1];
    reg [BITSW-1:0]  m_bits [0:DEPTH-1];
    reg [3:0]        m_nw [0:DEPTH-1];
    reg [3:0]        m_np [0:DEPTH-1];
    reg [NW*8-1:0]   m_w [0:DEPTH-1];
    reg [NW*8-1:0]   m_p [0:DEPTH-1];
    reg [RW-1:0]     m_run [0:DEPTH-1];
    reg [RW:0]       m_nruns [0:DEPTH-1];
    reg [1:0]        m_slot [0:DEPTH-1];
    reg [AW-1:0]     r_lo [0:RDEPTH-1];     // the run memory: DRAM bytes lo..hi per run
    reg [AW-1:0]     r_hi [0:RDEPTH-1];
    reg [PW-1:0]     base [0:NQ-1];
    reg [PW:0]       len [0:NQ-1];

    // ---- run state ----
    reg              running;
    reg [PW:0]       head [0:NQ-1];     // next instruction to issue, per queue
    reg [TOKW-1:0]   tok [0:NCH-1];     // tokens per channel
    reg [NQ-1:0]     busy;              // an instruction in flight (DMA queues: its transfer)
    reg [SEQW-1:0]   seq [0:NQ-1];      // issue number of the queue's job in flight
    reg [SEQW-1:0]   seq_next;

    wire dma_done;

    // completions this cycle: the DMA's transfer (for the queue that issued it), and units.
    // A unit sequencer completes the jobs it runs itself (own: one is in flight; done: it
    // completes now, sys_job_done.v); a job it does not run (0 rows in its table), and a unit
    // without a sequencer, complete when unit_done says.
    wire q_own, q_done, a_own, a_done, m_own, m_done;
    function [NQ-3:0] at_unit(input b, input integer u);
        at_unit = {{(NQ-3){1'b0}}, b} << u;
    endfunction
    wire [NQ-3:0] mine = at_unit(q_own, QUNIT) | at_unit(a_own, AUNIT) | at_unit(m_own, MUNIT);
    wire [NQ-3:0] says = at_unit(q_done, QUNIT) | at_unit(a_done, AUNIT) |
                         at_unit(m_done, MUNIT);
    wire [NQ-3:0] units_done = (unit_done & ~mine) | says;
    wire [NQ-3:0] units_ready = (job_ready & ~mine) | says;
    wire [NQ-3:0] dt_for = at_unit(dt_we, {24'd0, dt_unit});  // whose demand table dt_* writes
    wire [NQ-1:0] completing = {units_done & busy[NQ-1:2],
                                dma_done & busy[1], dma_done & busy[0]};

    // ---- the issue network (combinational) ----
    reg [PW:0]       h [0:NQ-1];
    reg [TOKW-1:0]   t [0:NCH-1];
    reg [NQ-1:0]     b, applied;
    reg [SEQW-1:0]   s [0:NQ-1];
    reg [SEQW-1:0]   sn;
    reg              dma_go, dma_go_store;
    reg [RW-1:0]     dma_go_run;
    reg [RW:0]       dma_go_nruns;
    reg [1:0]        dma_go_slot;
    reg              found, have, can, passes_over;
    reg [PW-1:0]     a;
    integer          step, pass, i, q, k, pick;

    // The queue tried i-th in a pass: store, load, then the compute queues.
    function integer queue_at(input integer idx);
        queue_at = (idx == 0) ? 1 : (idx == 1) ? 0 : idx;
    endfunction

    // Whether channel ch is among the first n ids of a packed wait or push list (a program
    // lists a channel at most once per instruction).
    function lists(input [NW*8-1:0] v, input [3:0] n, input integer ch);
        integer j;
        begin
            lists = 1'b0;
            for (j = 0; j < NW; j = j + 1)
                if (j < {28'd0, n} && {24'd0, v[j*8 +: 8]} == ch)
                    lists = 1'b1;
        end
    endfunction

    always @* begin
        for (q = 0; q < NQ; q = q + 1) begin
            h[q] = head[q];
            s[q] = seq[q];
        end
        for (k = 0; k < NCH; k = k + 1)
            t[k] = tok[k];
        b = busy;
        applied = {NQ{1'b0}};
        sn = seq_next;
        dma_go = 1'b0;
        dma_go_store = 1'b0;
        dma_go_run = {RW{1'b0}};
        dma_go_nruns = {(RW+1){1'b0}};
        dma_go_slot = 2'd0;
        passes_over = 1'b0;
        obs_issued = {(NQ*8){1'b0}};
        obs_done = {(NQ*8){1'b0}};
        job_valid = {(NQ-2){1'b0}};
        job_op = {((NQ-2)*32){1'b0}};
        job_tile = {((NQ-2)*32){1'b0}};
        job_shared = {((NQ-2)*8){1'b0}};
        pick = 0;
        a = {PW{1'b0}};
        can = 1'b0;
        for (step = 0; step < NQ; step = step + 1) begin
            // the step's completion: the oldest not yet handled
            found = step == 0 && start && !running;
            have = 1'b0;
            pick = 0;
            if (step > 0)
                for (q = 0; q < NQ; q = q + 1)
                    if (completing[q] && !applied[q] && (!have || seq[q] < seq[pick])) begin
                        have = 1'b1;
                        pick = q;
                    end
            if (have) begin
                found = 1'b1;
                applied[pick] = 1'b1;
                a = base[pick] + h[pick][PW-1:0] - 1'b1;
                for (k = 0; k < NCH; k = k + 1)
                    if (lists(m_p[a], m_np[a], k))
                        t[k] = t[k] + 1'b1;
                b[pick] = 1'b0;
                obs_done[pick*8 +: 8] = obs_done[pick*8 +: 8] + 8'd1;
            end
            for (pass = 0; pass <= PASSES; pass = pass + 1)
                if (found)
                    for (i = 0; i < NQ; i = i + 1) begin
                        q = queue_at(i);
                        a = base[q] + h[q][PW-1:0];
                        can = h[q] < len[q] && !(q < 2 ? (b[0] || b[1]) : b[q]);
                        for (k = 0; k < NCH; k = k + 1)
                            if (lists(m_w[a], m_nw[a], k) && t[k] == {TOKW{1'b0}})
                                can = 1'b0;
                        if (can && pass == PASSES)
                            passes_over = 1'b1;
                        else if (can) begin
                            for (k = 0; k < NCH; k = k + 1)
                                if (lists(m_w[a], m_nw[a], k))
                                    t[k] = t[k] - 1'b1;
                            h[q] = h[q] + 1'b1;
                            obs_issued[q*8 +: 8] = obs_issued[q*8 +: 8] + 8'd1;
                            if (q < 2 && m_bits[a] == {BITSW{1'b0}}) begin
                                // nothing to move: done as it issues
                                for (k = 0; k < NCH; k = k + 1)
                                    if (lists(m_p[a], m_np[a], k))
                                        t[k] = t[k] + 1'b1;
                                obs_done[q*8 +: 8] = obs_done[q*8 +: 8] + 8'd1;
                            end else begin
                                b[q] = 1'b1;
                                s[q] = sn;
                                sn = sn + 1'b1;
                                if (q < 2) begin
                                    dma_go = 1'b1;
                                    dma_go_store = m_kind[a] == 2'd2;
                                    dma_go_run = m_run[a];
                                    dma_go_nruns = m_nruns[a];
                                    dma_go_slot = m_slot[a];
                                end else begin
                                    job_valid[q-2] = 1'b1;
                                    job_op[(q-2)*32 +: 32] = m_op[a];
                                    job_tile[(q-2)*32 +: 32] = m_tile[a];
                                    for (k = 2; k < NQ; k = k + 1)
                                        if (k != q && b[k])
                                            job_shared[(q-2)*8 +: 8] =
                                                job_shared[(q-2)*8 +: 8] + 8'd1;
                                end
                            end
                        end
                    end
        end
    end

    // ---- registers ----
    always @(posedge clk) begin
        if (pm_we) begin
            m_kind[pm_addr] <= pm_kind;
            m_op[pm_addr] <= pm_op;
            m_tile[pm_addr] <= pm_tile;
            m_bits[pm_addr] <= pm_bits;
            m_nw[pm_addr] <= pm_nwaits;
            m_np[pm_addr] <= pm_npushes;
            m_w[pm_addr] <= pm_waits;
            m_p[pm_addr] <= pm_pushes;
            m_run[pm_addr] <= pm_run;
            m_nruns[pm_addr] <= pm_nruns;
            m_slot[pm_addr] <= pm_slot;
        end
        if (rm_we) begin
            r_lo[rm_addr] <= rm_lo;
            r_hi[rm_addr] <= rm_hi;
        end
        if (qc_we && {24'd0, qc_q} < NQ) begin
            base[qc_q[$clog2(NQ)-1:0]] <= qc_base;
            len[qc_q[$clog2(NQ)-1:0]] <= qc_len;
        end
    end

    always @(posedge clk) begin
        if (rst) begin
            running <= 1'b0;
            busy <= {NQ{1'b0}};
            seq_next <= {SEQW{1'b0}};
            err_passes <= 1'b0;
            err_job <= 1'b0;
            for (q = 0; q < NQ; q = q + 1) begin
                head[q] <= {(PW+1){1'b0}};
                seq[q] <= {SEQW{1'b0}};
            end
            for (k = 0; k < NCH; k = k + 1)
                tok[k] <= {TOKW{1'b0}};
        end else begin
            if (start)
                running <= 1'b1;
            for (q = 0; q < NQ; q = q + 1) begin
                head[q] <= h[q];
                seq[q] <= s[q];
            end
            for (k = 0; k < NCH; k = k + 1)
                tok[k] <= t[k];
            busy <= b;
            seq_next <= sn;
            if (passes_over)
                err_passes <= 1'b1;
            if ((job_valid & ~units_ready) != {(NQ-2){1'b0}})
                err_job <= 1'b1;
        end
    end

    reg all_issued;
    always @* begin
        all_issued = 1'b1;
        for (q = 0; q < NQ; q = q + 1)
            if (head[q] != len[q])
                all_issued = 1'b0;
    end
    assign finished = running && all_issued && busy == {NQ{1'b0}};

    localparam BEATW = BUFAW - $clog2(DBYTES);
    wire                 buf_we, buf_re;
    wire [BEATW-1:0]     buf_waddr, buf_raddr;
    wire [DBYTES*8-1:0]  buf_wdata, buf_rdata;
    wire [RW-1:0]        req_run, w_run;

    wire [BEATW-1:0]      q_raddr, q_raddr_b, q_waddr;
    wire [2*DBYTES*8-1:0] q_rdata, q_rdata_b, q_wdata;
    wire [2*DBYTES-1:0]   q_wbe;
    wire                  q_we;

    // ---- the systolic array's sequencer ----
    wire                     a_re;
    wire [(AR+AC)*BUFAW-1:0] a_raddr;
    wire [(AR+AC)*8-1:0]     a_rdata;
    wire [AC-1:0]            a_we;
    wire [AC*BUFAW-1:0]      a_waddr;
    wire [AC*8-1:0]          a_wdata;
    sys_array_job #(.R(AR), .C(AC), .BUFAW(BUFAW), .JDEPTH(JDEPTH), .TDEPTH(ATDEPTH)) array (
        .clk(clk), .rst(rst), .jt_we(ajt_we), .jt_addr(ajt_addr), .jt_tm(ajt_tm),
        .jt_tn(ajt_tn), .jt_tk(ajt_tk), .jt_row(ajt_row), .jt_col(ajt_col), .jt_bk(ajt_bk),
        .jt_ovl(ajt_ovl), .jt_shift(ajt_shift), .jt_first(ajt_first), .jt_last(ajt_last),
        .rt_we(art_we), .rt_addr(art_addr), .rt_a(art_a), .rt_o(art_o), .ct_we(act_we),
        .ct_addr(act_addr), .ct_b(act_b), .go(start), .start(job_valid[AUNIT]),
        .dt_we(dt_for[AUNIT]), .dt_addr(dt_addr), .dt_demand(dt_demand), .port_bits(port_bits),
        .shared(job_shared[AUNIT*8 +: 8]), .own(a_own), .done(a_done), .rd_en(a_re),
        .rd_addr(a_raddr), .rd_data(a_rdata), .wr_en(a_we), .wr_addr(a_waddr),
        .wr_data(a_wdata), .jobs_done(a_jobs_done), .err(err_array));
    // ---- end of the systolic array's sequencer ----

    // ---- the QMM engine's buffer port (sys_qmm_job.v) ----
    localparam MR = MD > 0 ? ML + 1 : 1;
    localparam MC = MD > 0 ? MD : 1;          // its column reads (B transposed), 8L bits each
    wire [MR*BEATW-1:0]       mq_raddr;
    wire [MR*2*DBYTES*8-1:0]  mq_rdata;
    wire                      mq_cre;
    wire [MC*(BUFAW+3)-1:0]   mq_craddr;
    wire [MC*8*ML-1:0]        mq_crdata;
    wire [BEATW-1:0]          mq_waddr;
    wire [2*DBYTES*8-1:0]     mq_wdata;
    wire [2*DBYTES-1:0]       mq_wbe;
    wire                      mq_we;
    // ---- end of the QMM engine's buffer port ----

    sys_buffer #(.BANKS(BANKS), .BUFAW(BUFAW), .DBYTES(DBYTES), .NAR(AR + AC), .NAW(AC),
                .MR(MR), .MC(MC), .CB(8 * ML)) buffers (
        .clk(clk), .we(buf_we), .waddr(buf_waddr), .wdata(buf_wdata),
        .re(buf_re), .raddr(buf_raddr), .rdata(buf_rdata),
        .q_raddr(q_raddr), .q_rdata(q_rdata), .q_raddr_b(q_raddr_b),
        .q_rdata_b(q_rdata_b), .q_we(q_we), .q_waddr(q_waddr),
        .q_wdata(q_wdata), .q_wbe(q_wbe),
        .a_re(a_re), .a_raddr(a_raddr), .a_rdata(a_rdata), .a_we(a_we), .a_waddr(a_waddr),
        .a_wdata(a_wdata),
        .m_raddr(mq_raddr), .m_rdata(mq_rdata), .m_cre(mq_cre), .m_craddr(mq_craddr),
        .m_crdata(mq_crdata), .m_we(mq_we), .m_waddr(mq_waddr),
        .m_wdata(mq_wdata), .m_wbe(mq_wbe));

    // ---- the QMM engine (sys_qmm_job.v), when this build has one ----
    generate
        if (MD > 0) begin : qmm
            sys_qmm_job #(.D(MD), .L(ML), .BUFAW(BUFAW), .DBYTES(DBYTES), .JDEPTH(JDEPTH),
                          .RDEPTH(MRDEPTH), .KDEPTH(MKDEPTH)) seq (
                .clk(clk), .rst(rst), .run(start), .jt_we(mt_we), .jt_addr(mt_addr),
                .jt_data(mt_data), .rt_we(mr_we), .rt_addr(mr_addr), .rt_data(mr_data),
                .kt_we(mk_we), .kt_addr(mk_addr), .kt_data(mk_data), .first(m_first),
                .start(job_valid[MUNIT]), .dt_we(dt_for[MUNIT]), .dt_addr(dt_addr),
                .dt_demand(dt_demand), .port_bits(port_bits),
                .shared(job_shared[MUNIT*8 +: 8]), .own(m_own), .done(m_done),
                .rd_word(mq_raddr), .rd_data(mq_rdata), .cr_en(mq_cre),
                .cr_bit(mq_craddr), .cr_data(mq_crdata),
                .wr_en(mq_we), .wr_word(mq_waddr), .wr_data(mq_wdata), .wr_be(mq_wbe),
                .rows_done(m_rows_done), .err(err_qmm));
        end else begin : no_qmm
            assign mq_raddr = {MR*BEATW{1'b0}};
            assign mq_cre = 1'b0;
            assign mq_craddr = {MC*(BUFAW+3){1'b0}};
            assign mq_we = 1'b0;
            assign mq_waddr = {BEATW{1'b0}};
            assign mq_wdata = {2*DBYTES*8{1'b0}};
            assign mq_wbe = {2*DBYTES{1'b0}};
            assign m_rows_done = 32'd0;
            assign err_qmm = 1'b0;
            assign m_own = 1'b0;
            assign m_done = 1'b0;
            wire unused_qmm = &{1'b0, mt_we, mt_addr, mt_data, mr_we, mr_addr, mr_data, mk_we,
                                mk_addr, mk_data, m_first, mq_rdata, mq_crdata};
        end
    endgenerate
    // ---- end of the QMM engine ----

    sys_quark_job #(.N(QN), .BUFAW(BUFAW), .DBYTES(DBYTES), .JDEPTH(JDEPTH),
                    .QDEPTH(QDEPTH)) quark (
        .clk(clk), .rst(rst), .jt_we(jt_we), .jt_addr(jt_addr), .jt_rows(jt_rows),
        .jt_mode(jt_mode), .jt_len(jt_len), .jt_m(jt_m), .jt_e(jt_e), .jt_pb(jt_pb),
        .jt_k(jt_k), .jt_beats(jt_beats), .jt_total(jt_total), .jt_step(jt_step),
        .dt_we(dt_for[QUNIT]), .dt_addr(dt_addr), .dt_demand(dt_demand), .port_bits(port_bits),
        .shared(job_shared[QUNIT*8 +: 8]), .own(q_own), .done(q_done),
        .rt_we(rt_we), .rt_addr(rt_addr), .rt_a(rt_a), .rt_b(rt_b), .rt_o(rt_o),
        .rt_shift(rt_shift),
        .start(job_valid[QUNIT]), .rd_word(q_raddr), .rd_data(q_rdata),
        .rd_word_b(q_raddr_b), .rd_data_b(q_rdata_b), .wr_en(q_we),
        .wr_word(q_waddr), .wr_data(q_wdata), .wr_be(q_wbe), .rows_done(q_rows_done),
        .err(err_quark));

    sys_dma #(.AW(AW), .DBYTES(DBYTES), .RW(RW), .BUFAW(BUFAW), .SLOTW(SLOTW)) dma (
        .clk(clk), .rst(rst), .burst_shift(burst_shift),
        .go(dma_go), .go_store(dma_go_store), .go_run(dma_go_run), .go_nruns(dma_go_nruns),
        .go_slot(dma_go_slot), .done(dma_done),
        .req_run(req_run), .req_run_lo(r_lo[req_run]), .req_run_hi(r_hi[req_run]),
        .w_run(w_run), .w_run_lo(r_lo[w_run]), .w_run_hi(r_hi[w_run]),
        .buf_we(buf_we), .buf_waddr(buf_waddr), .buf_wdata(buf_wdata), .buf_re(buf_re),
        .buf_raddr(buf_raddr), .buf_rdata(buf_rdata),
        .arvalid(m_arvalid), .arready(m_arready), .araddr(m_araddr), .arlen(m_arlen),
        .arsize(m_arsize), .arburst(m_arburst), .rvalid(m_rvalid), .rready(m_rready),
        .rdata(m_rdata), .rlast(m_rlast),
        .awvalid(m_awvalid), .awready(m_awready), .awaddr(m_awaddr), .awlen(m_awlen),
        .awsize(m_awsize), .awburst(m_awburst), .wvalid(m_wvalid), .wready(m_wready),
        .wdata(m_wdata), .wstrb(m_wstrb), .wlast(m_wlast), .bvalid(m_bvalid),
        .bready(m_bready));
endmodule
