// sys_buffer.v: the on-chip buffers of the program controller (sys_controller.v, docs/system-rtl.md):
// BANKS banks of DBYTES-byte words, interleaved by word (word address a lives in bank
// a mod BANKS, row a / BANKS), each bank a simple dual-port RAM.
//
// Contract:
//   - Addresses are word (AXI beat) addresses: byte address / DBYTES, BUFAW - log2(DBYTES) bits.
//   - we writes wdata to word waddr at the clock edge.
//   - re reads word raddr at the clock edge: rdata holds it from the next cycle until the next
//     re (a synchronous read, as a block RAM's); a read and a write of one word in one cycle
//     read the old word.
//   - The DMA (sys_dma.v): a load's R beats are written, a store's W beats are read. The
//     QUARK sequencer (sys_quark_job.v) reads and writes two consecutive words per access
//     (q_*; two such reads per cycle, one per operand). The QMM sequencer (sys_qmm_job.v)
//     reads MR pairs of consecutive words combinationally (m_*; the read is the engine's
//     input register) and writes a pair with byte enables; for a job with B transposed it
//     reads MC columns of B more (m_c*, one per DPU: CB bits from a bit address, within two
//     consecutive words), combinationally too, in the cycles m_cre is high (zeros otherwise). The other GEMM units do not sit
//     inside yet: the testbench reaches the memory `mem` directly (bank, row) in their place.
module sys_buffer #(
    parameter BANKS = 4,        // banks (a power of two)
    parameter BUFAW = 22,       // buffer byte address bits
    parameter DBYTES = 64,      // word bytes (one AXI beat)
    parameter NAR = 16,         // the array sequencer's byte reads (rows + columns)
    parameter NAW = 8,          // and byte writes (columns)
    parameter MR = 1,           // the QMM sequencer's two-word read ports
    parameter MC = 1,           // and its column reads (B transposed)
    parameter CB = 8            // of CB bits each
) (
    input  wire                          clk,
    input  wire                          we,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] waddr,
    input  wire [DBYTES*8-1:0]           wdata,
    input  wire                          re,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] raddr,
    output reg  [DBYTES*8-1:0]           rdata,
    // the QUARK sequencer's port (sys_quark_job.v): two consecutive words (two banks) per
    // access, read synchronously and written with byte enables
    input  wire [BUFAW-$clog2(DBYTES)-1:0] q_raddr,
    output reg  [2*DBYTES*8-1:0]         q_rdata,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] q_raddr_b,   // the second operand (binary ops)
    output reg  [2*DBYTES*8-1:0]         q_rdata_b,
    input  wire                          q_we,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] q_waddr,
    input  wire [2*DBYTES*8-1:0]         q_wdata,
    input  wire [2*DBYTES-1:0]           q_wbe,
    // ---- the array sequencer's port (sys_array_job.v): NAR byte reads (combinational) and
    // NAW byte writes, byte addresses ----
    input  wire                          a_re,      // the reads are used this cycle
    input  wire [NAR*BUFAW-1:0]          a_raddr,
    output reg  [NAR*8-1:0]              a_rdata,
    input  wire [NAW-1:0]                a_we,
    input  wire [NAW*BUFAW-1:0]          a_waddr,
    input  wire [NAW*8-1:0]              a_wdata,
    // ---- end of the array sequencer's port ----
    // ---- the QMM sequencer's port (sys_qmm_job.v) ----
    input  wire [MR*(BUFAW-$clog2(DBYTES))-1:0] m_raddr,
    output wire [MR*2*DBYTES*8-1:0]      m_rdata,
    input  wire                          m_cre,     // the column reads are used this cycle
    input  wire [MC*(BUFAW+3)-1:0]       m_craddr,  // bit addresses
    output reg  [MC*CB-1:0]              m_crdata,
    input  wire                          m_we,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] m_waddr,
    input  wire [2*DBYTES*8-1:0]         m_wdata,
    input  wire [2*DBYTES-1:0]           m_wbe
    // ---- end of the QMM sequencer's port ----
);
    localparam BEATW = BUFAW - $clog2(DBYTES);
    localparam BB = $clog2(BANKS);
    localparam OB = $clog2(DBYTES);
    localparam ROWS = 1 << (BEATW - BB);

    reg [DBYTES*8-1:0] mem [0:BANKS-1][0:ROWS-1] /*verilator public_flat_rw*/;

    wire [BB-1:0]       wbank = waddr[BB-1:0];
    wire [BEATW-BB-1:0] wrow = waddr[BEATW-1:BB];
    wire [BB-1:0]       rbank = raddr[BB-1:0];
    wire [BEATW-BB-1:0] rrow = raddr[BEATW-1:BB];

    wire [BEATW-1:0] qr1 = q_raddr + 1'b1;
    wire [BEATW-1:0] qb1 = q_raddr_b + 1'b1;
    wire [BEATW-1:0] qw1 = q_waddr + 1'b1;
    // ---- the QMM sequencer's reads: combinational; a word the DMA writes in this cycle is
    // read as written (a load completing as the QMM job that reads it issues) ----
    wire [BEATW-1:0] mw1 = m_waddr + 1'b1;
    genvar mi;
    generate
        for (mi = 0; mi < MR; mi = mi + 1) begin : mrd
            wire [BEATW-1:0] a0 = m_raddr[mi*BEATW +: BEATW];
            wire [BEATW-1:0] a1 = a0 + 1'b1;
            assign m_rdata[mi*2*DBYTES*8 +: 2*DBYTES*8] =
                {we && waddr == a1 ? wdata : mem[a1[BB-1:0]][a1[BEATW-1:BB]],
                 we && waddr == a0 ? wdata : mem[a0[BB-1:0]][a0[BEATW-1:BB]]};
        end
    endgenerate
    // the column reads only while m_cre (else zeros: a simulator skips them)
    reg [BEATW-1:0]      c0, c1;
    reg [2*DBYTES*8-1:0] cpair;
    integer ci;
    always @* begin
        m_crdata = {MC*CB{1'b0}};
        c0 = {BEATW{1'b0}};
        c1 = {BEATW{1'b0}};
        cpair = {2*DBYTES*8{1'b0}};
        for (ci = 0; m_cre && ci < MC; ci = ci + 1) begin
            c0 = m_craddr[ci*(BUFAW+3)+OB+3 +: BEATW];
            c1 = c0 + 1'b1;
            cpair = {we && waddr == c1 ? wdata : mem[c1[BB-1:0]][c1[BEATW-1:BB]],
                     we && waddr == c0 ? wdata : mem[c0[BB-1:0]][c0[BEATW-1:BB]]};
            m_crdata[ci*CB +: CB] = cpair[{1'b0, m_craddr[ci*(BUFAW+3) +: OB+3]} +: CB];
        end
    end
    // ---- end of the QMM sequencer's reads ----
    integer i;
    // ---- the array sequencer's byte reads: combinational, a word the DMA writes in this
    // cycle read as written (a load completing as the array job that reads it issues) ----
    reg [BEATW-1:0]    a_word;
    reg [DBYTES*8-1:0] a_w;
    integer n;
    always @* begin
        a_rdata = {NAR*8{1'b0}};
        a_word = {BEATW{1'b0}};
        a_w = {DBYTES*8{1'b0}};
        for (n = 0; a_re && n < NAR; n = n + 1) begin
            a_word = a_raddr[n*BUFAW+OB +: BEATW];
            a_w = we && waddr == a_word ? wdata : mem[a_word[BB-1:0]][a_word[BEATW-1:BB]];
            a_rdata[n*8 +: 8] = a_w[a_raddr[n*BUFAW +: OB]*8 +: 8];
        end
    end
    // ---- end of the array sequencer's byte reads ----
    always @(posedge clk) begin
        // a word the DMA writes in this cycle is read as written (a load completing as the
        // QUARK job that reads it issues)
        q_rdata <= {we && waddr == qr1 ? wdata : mem[qr1[BB-1:0]][qr1[BEATW-1:BB]],
                    we && waddr == q_raddr ? wdata : mem[q_raddr[BB-1:0]][q_raddr[BEATW-1:BB]]};
        q_rdata_b <= {we && waddr == qb1 ? wdata : mem[qb1[BB-1:0]][qb1[BEATW-1:BB]],
                      we && waddr == q_raddr_b ? wdata
                                               : mem[q_raddr_b[BB-1:0]][q_raddr_b[BEATW-1:BB]]};
        if (q_we)
            for (i = 0; i < DBYTES; i = i + 1) begin
                if (q_wbe[i])
                    mem[q_waddr[BB-1:0]][q_waddr[BEATW-1:BB]][i*8 +: 8] <= q_wdata[i*8 +: 8];
                if (q_wbe[DBYTES + i])
                    mem[qw1[BB-1:0]][qw1[BEATW-1:BB]][i*8 +: 8] <= q_wdata[(DBYTES+i)*8 +: 8];
            end
        // ---- the array sequencer's byte writes ----
        for (i = 0; i < NAW; i = i + 1)
            if (a_we[i])
                mem[a_waddr[i*BUFAW+OB +: BB]][a_waddr[i*BUFAW+OB+BB +: BEATW-BB]]
                    [a_waddr[i*BUFAW +: OB]*8 +: 8] <= a_wdata[i*8 +: 8];
        // ---- end of the array sequencer's byte writes ----
        if (m_we) // the QMM sequencer's write
            for (i = 0; i < DBYTES; i = i + 1) begin
                if (m_wbe[i])
                    mem[m_waddr[BB-1:0]][m_waddr[BEATW-1:BB]][i*8 +: 8] <= m_wdata[i*8 +: 8];
                if (m_wbe[DBYTES + i])
                    mem[mw1[BB-1:0]][mw1[BEATW-1:BB]][i*8 +: 8] <= m_wdata[(DBYTES+i)*8 +: 8];
            end
        if (we)
            mem[wbank][wrow] <= wdata;
        if (re)
            rdata <= mem[rbank][rrow];
    end
endmodule
