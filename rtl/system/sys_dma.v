// sys_dma.v: the DMA engine of the program controller (sys_controller.v): one transfer at a
// time, loads as AXI4 reads and stores as AXI4 writes, in INCR bursts of 2^burst_shift bytes.
//
// Contract:
//   - go (one cycle, only while idle) starts a transfer of go_bits bits: ceil(go_bits / 8)
//     bytes rounded up to whole bursts (as the C DRAM model charges them); go_store picks the
//     direction. go_first and go_last are the first and last DRAM byte the transfer's codes
//     occupy (the program's, docs/system-rtl.md): the bursts run from go_first rounded down
//     to a burst, one after another (its window), so each is aligned to its size and none
//     crosses a 4 KiB boundary. A window shorter than go_last - go_first moves only its part.
//   - Buffers (sys_buffer.v, word addresses): a load writes its k-th R beat to word k of
//     slot go_slot (byte address go_slot x 2^SLOTW); a store sends as its k-th W beat word k
//     of its window's copy in the output region (byte address 2^(BUFAW-1) + window start),
//     read a cycle ahead, with WSTRB set on the bytes from go_first to go_last only.
//   - The first AR or AW is presented the cycle after go (the request register), then one
//     burst per cycle while the slave is ready; W beats stream from that same cycle, one per
//     cycle while the slave is ready (AXI lets write data lead its address). rready and
//     bready are always high.
//   - done is high, combinationally, in the cycle of the last burst's last R beat (loads) or
//     its B response (stores): that cycle is the transfer's completion cycle.
// The burst has 2^(burst_shift - log2(DBYTES)) beats; burst_shift must be at least
// log2(DBYTES) and at most 12 (an AXI burst may not cross 4 KiB; at most 256 beats).
module sys_dma #(
    parameter AW = 32,          // AXI address bits
    parameter DBYTES = 64,      // AXI data bytes per beat (a power of two)
    parameter BITSW = 48,       // transfer size field, bits
    parameter BUFAW = 22,       // buffer byte address bits (the upper half: the output region)
    parameter SLOTW = 20        // log2(bytes of a load slot)
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire [4:0]             burst_shift,  // log2(burst bytes)
    input  wire                   go,
    input  wire                   go_store,
    input  wire [BITSW-1:0]       go_bits,
    input  wire [AW-1:0]          go_first,     // first and last DRAM byte of its codes
    input  wire [AW-1:0]          go_last,
    input  wire [1:0]             go_slot,      // loads: the buffer slot
    output wire                   done,
    // buffers (sys_buffer.v), word addresses
    output wire                   buf_we,
    output wire [BUFAW-$clog2(DBYTES)-1:0] buf_waddr,
    output wire [DBYTES*8-1:0]    buf_wdata,
    output wire                   buf_re,
    output wire [BUFAW-$clog2(DBYTES)-1:0] buf_raddr,
    input  wire [DBYTES*8-1:0]    buf_rdata,
    // AXI4 master: read address and data
    output wire                   arvalid,
    input  wire                   arready,
    output wire [AW-1:0]          araddr,
    output wire [7:0]             arlen,
    output wire [2:0]             arsize,
    output wire [1:0]             arburst,
    input  wire                   rvalid,
    output wire                   rready,
    input  wire [DBYTES*8-1:0]    rdata,
    input  wire                   rlast,
    // write address, data and response
    output wire                   awvalid,
    input  wire                   awready,
    output wire [AW-1:0]          awaddr,
    output wire [7:0]             awlen,
    output wire [2:0]             awsize,
    output wire [1:0]             awburst,
    output wire                   wvalid,
    input  wire                   wready,
    output wire [DBYTES*8-1:0]    wdata,
    output wire [DBYTES-1:0]      wstrb,
    output wire                   wlast,
    input  wire                   bvalid,
    output wire                   bready
);
    localparam DSHIFT = $clog2(DBYTES);
    localparam BYTESW = BITSW - 2;
    localparam BEATW = BUFAW - DSHIFT;

    reg              active, store;
    reg [BYTESW-1:0] req_left, resp_left;   // bursts still to request, still to complete
    reg [BYTESW-1:0] w_left;                // bursts whose W beats are still to send
    reg [8:0]        w_beat;                // beats of the current W burst sent
    reg [AW-1:0]     rd_addr, wr_addr, w_addr;
    reg [AW-1:0]     first, last;           // the transfer's code bytes (W strobes)
    reg [BEATW-1:0]  r_word, w_word;        // buffer word of the next R beat, of the W beat

    wire [4:0]  beat_shift = burst_shift - DSHIFT[4:0];
    wire [8:0]  beats = 9'd1 << beat_shift;
    wire [7:0]  len = beats[7:0] - 8'd1;
    wire [AW-1:0] burst_bytes = {{(AW-1){1'b0}}, 1'b1} << burst_shift;
    // bursts of a transfer: ceil(ceil(bits / 8) / burst bytes)
    wire [BITSW-1:0] go_bytes = (go_bits + {{(BITSW-3){1'b0}}, 3'd7}) >> 3;
    wire [BITSW-1:0] go_bursts = (go_bytes + {{(BITSW-AW){1'b0}}, burst_bytes}
                                  - {{(BITSW-1){1'b0}}, 1'b1}) >> burst_shift;
    wire [AW-1:0] go_window = go_first & ~(burst_bytes - {{(AW-1){1'b0}}, 1'b1});
    // a load's slot, a store's copy of its window in the output region (word addresses)
    wire [BUFAW-1:0] go_slot_byte = {{(BUFAW-2){1'b0}}, go_slot} << SLOTW;
    wire [BUFAW-1:0] go_out_byte = {1'b1, go_window[BUFAW-2:0]};
    wire [BEATW-1:0] go_word = go_store ? go_out_byte[BUFAW-1:DSHIFT]
                                        : go_slot_byte[BUFAW-1:DSHIFT];

    wire ar_fire = arvalid && arready;
    wire aw_fire = awvalid && awready;
    wire w_fire = wvalid && wready;
    wire r_last_fire = active && !store && rvalid && rlast;
    wire b_fire = active && store && bvalid;

    assign done = (r_last_fire || b_fire) && resp_left == {{(BYTESW-1){1'b0}}, 1'b1};

    assign arvalid = active && !store && req_left != 0;
    assign araddr = rd_addr;
    assign arlen = len;
    assign arsize = DSHIFT[2:0];
    assign arburst = 2'b01;
    assign rready = 1'b1;

    assign awvalid = active && store && req_left != 0;
    assign awaddr = wr_addr;
    assign awlen = len;
    assign awsize = DSHIFT[2:0];
    assign awburst = 2'b01;
    assign wvalid = active && store && w_left != 0;
    assign wdata = buf_rdata;
    genvar gi;
    generate
        for (gi = 0; gi < DBYTES; gi = gi + 1) begin : strobe
            wire [AW-1:0] byte_addr = w_addr + gi;
            assign wstrb[gi] = byte_addr >= first && byte_addr <= last;
        end
    endgenerate
    assign wlast = w_beat == beats - 9'd1;
    assign bready = 1'b1;

    wire r_fire = active && !store && rvalid;
    assign buf_we = r_fire;
    assign buf_waddr = r_word;
    assign buf_wdata = rdata;
    // the word of the next W beat, read a cycle ahead (the first at go)
    assign buf_re = (go && go_store) || w_fire;
    assign buf_raddr = go ? go_word : w_word + 1'b1;

    always @(posedge clk) begin
        if (rst) begin
            active <= 1'b0;
            store <= 1'b0;
            req_left <= 0;
            resp_left <= 0;
            w_left <= 0;
            w_beat <= 9'd0;
            rd_addr <= {AW{1'b0}};
            wr_addr <= {AW{1'b0}};
            w_addr <= {AW{1'b0}};
            first <= {AW{1'b0}};
            last <= {AW{1'b0}};
            r_word <= {BEATW{1'b0}};
            w_word <= {BEATW{1'b0}};
        end else begin
            if (ar_fire) begin
                req_left <= req_left - 1'b1;
                rd_addr <= rd_addr + burst_bytes;
            end
            if (aw_fire) begin
                req_left <= req_left - 1'b1;
                wr_addr <= wr_addr + burst_bytes;
            end
            if (w_fire && wlast)
                w_left <= w_left - 1'b1;
            if (w_fire) begin
                w_beat <= wlast ? 9'd0 : w_beat + 9'd1;
                w_addr <= w_addr + DBYTES[AW-1:0];
                w_word <= w_word + 1'b1;
            end
            if (r_fire)
                r_word <= r_word + 1'b1;
            if (r_last_fire || b_fire) begin
                resp_left <= resp_left - 1'b1;
                if (done)
                    active <= 1'b0;
            end
            // last: a transfer may start in its predecessor's completion cycle
            if (go) begin
                active <= 1'b1;
                store <= go_store;
                req_left <= go_bursts[BYTESW-1:0];
                resp_left <= go_bursts[BYTESW-1:0];
                w_left <= go_store ? go_bursts[BYTESW-1:0] : 0;
                w_beat <= 9'd0;
                rd_addr <= go_window;
                wr_addr <= go_window;
                w_addr <= go_window;
                first <= go_first;
                last <= go_last;
                r_word <= go_word;
                w_word <= go_word;
            end
        end
    end

    wire unused = &{1'b0, go_bytes[BITSW-1:BITSW-3], go_bursts[BITSW-1:BYTESW],
                    go_window[AW-1:BUFAW-1], go_out_byte[DSHIFT-1:0], go_slot_byte[DSHIFT-1:0]};
endmodule
