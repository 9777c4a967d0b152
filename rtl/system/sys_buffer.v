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
//   - The DMA (sys_dma.v) is the one user today: a load's R beats are written, a store's W
//     beats are read. The compute units do not sit inside yet: the testbench reaches the
//     memory `mem` directly (bank, row) in their place.
module sys_buffer #(
    parameter BANKS = 4,        // banks (a power of two)
    parameter BUFAW = 22,       // buffer byte address bits
    parameter DBYTES = 64       // word bytes (one AXI beat)
) (
    input  wire                          clk,
    input  wire                          we,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] waddr,
    input  wire [DBYTES*8-1:0]           wdata,
    input  wire                          re,
    input  wire [BUFAW-$clog2(DBYTES)-1:0] raddr,
    output reg  [DBYTES*8-1:0]           rdata
);
    localparam BEATW = BUFAW - $clog2(DBYTES);
    localparam BB = $clog2(BANKS);
    localparam ROWS = 1 << (BEATW - BB);

    reg [DBYTES*8-1:0] mem [0:BANKS-1][0:ROWS-1] /*verilator public_flat_rw*/;

    wire [BB-1:0]       wbank = waddr[BB-1:0];
    wire [BEATW-BB-1:0] wrow = waddr[BEATW-1:BB];
    wire [BB-1:0]       rbank = raddr[BB-1:0];
    wire [BEATW-BB-1:0] rrow = raddr[BEATW-1:BB];

    always @(posedge clk) begin
        if (we)
            mem[wbank][wrow] <= wdata;
        if (re)
            rdata <= mem[rbank][rrow];
    end
endmodule
