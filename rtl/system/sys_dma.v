// sys_dma.v: the DMA engine of the program controller (sys_controller.v): one transfer at a
// time, loads as AXI4 reads and stores as AXI4 writes, in INCR bursts of 2^burst_shift bytes,
// gathering a transfer's runs of DRAM bytes (docs/system-rtl.md).
//
// Contract:
//   - go (one cycle, only while idle) starts a transfer of go_nruns runs (at least 1) from
//     run go_run of the controller's run memory; go_store picks the direction. A run is DRAM
//     bytes lo..hi; the transfer moves, run after run, each run's aligned bursts from lo
//     rounded down to a burst through hi rounded down to a burst (sys_run_walk.v). A burst is
//     aligned to its size, so none crosses a 4 KiB boundary. Two runs sharing a burst move it
//     twice: the C DRAM model charges the same bursts (asim_runs_bursts).
//   - Buffers (sys_buffer.v, word addresses): a load writes its k-th R beat to word k of
//     slot go_slot (byte address go_slot x 2^SLOTW); a store sends, for each burst, the output
//     region's copy of that burst (byte address 2^(BUFAW-1) + burst address), read a cycle
//     ahead, with WSTRB set only on the bytes inside that burst's run.
//   - The first AR or AW is presented the cycle after go (the request register), then one
//     burst per cycle while the slave is ready, with no cycle between runs; W beats stream
//     from that same cycle, one per cycle while the slave is ready (AXI lets write data lead
//     its address). rready and bready are always high.
//   - done is high, combinationally, in the cycle of the last burst's last R beat (loads) or
//     its B response (stores): that cycle is the transfer's completion cycle.
// The burst has 2^(burst_shift - log2(DBYTES)) beats; burst_shift must be at least
// log2(DBYTES) and at most 12 (an AXI burst may not cross 4 KiB; at most 256 beats).
module sys_dma #(
    parameter AW = 32,          // AXI address bits
    parameter DBYTES = 64,      // AXI data bytes per beat (a power of two)
    parameter RW = 16,          // run memory address bits
    parameter BUFAW = 22,       // buffer byte address bits (the upper half: the output region)
    parameter SLOTW = 20        // log2(bytes of a load slot)
) (
    input  wire                   clk,
    input  wire                   rst,
    input  wire [4:0]             burst_shift,  // log2(burst bytes)
    input  wire                   go,
    input  wire                   go_store,
    input  wire [RW-1:0]          go_run,       // the transfer's first run, and its runs
    input  wire [RW:0]            go_nruns,
    input  wire [1:0]             go_slot,      // loads: the buffer slot
    output wire                   done,
    // run memory (sys_controller.v), two combinational read ports: requests, W beats
    output wire [RW-1:0]          req_run,
    input  wire [AW-1:0]          req_run_lo,
    input  wire [AW-1:0]          req_run_hi,
    output wire [RW-1:0]          w_run,
    input  wire [AW-1:0]          w_run_lo,
    input  wire [AW-1:0]          w_run_hi,
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
    localparam BEATW = BUFAW - DSHIFT;
    localparam [AW-1:0] ONE = {{(AW-1){1'b0}}, 1'b1};

    reg              active, store;
    reg [AW-1:0]     pend;                  // bursts requested and not answered yet
    reg [BEATW-1:0]  r_word;                // buffer word of the next R beat

    wire [4:0]  beat_shift = burst_shift - DSHIFT[4:0];
    wire [8:0]  beats = 9'd1 << beat_shift;
    wire [7:0]  len = beats[7:0] - 8'd1;
    wire [AW-1:0] burst_bytes = ONE << burst_shift;
    wire [BUFAW-1:0] go_slot_byte = {{(BUFAW-2){1'b0}}, go_slot} << SLOTW;

    wire ar_fire = arvalid && arready;
    wire aw_fire = awvalid && awready;
    wire w_fire = wvalid && wready;
    wire r_fire = active && !store && rvalid;
    wire r_last_fire = r_fire && rlast;
    wire b_fire = active && store && bvalid;

    // the bursts to request, run after run
    wire          rq_valid;
    wire [AW-1:0] rq_addr, rq_lo, rq_hi, rq_next;
    sys_run_walk #(.AW(AW), .RW(RW)) requests (
        .clk(clk), .rst(rst), .burst_shift(burst_shift), .unit_shift(burst_shift),
        .go(go), .go_run(go_run), .go_nruns(go_nruns), .step(ar_fire || aw_fire),
        .run_addr(req_run), .run_lo(req_run_lo), .run_hi(req_run_hi), .valid(rq_valid),
        .addr(rq_addr), .lo(rq_lo), .hi(rq_hi), .addr_next(rq_next));

    // a store's W beats, run after run, with their run's bytes for the strobes
    wire          wk_valid;
    wire [AW-1:0] w_addr, w_lo, w_hi, w_next;
    sys_run_walk #(.AW(AW), .RW(RW)) beats_out (
        .clk(clk), .rst(rst), .burst_shift(burst_shift), .unit_shift(DSHIFT[4:0]),
        .go(go && go_store), .go_run(go_run), .go_nruns(go_nruns), .step(w_fire),
        .run_addr(w_run), .run_lo(w_run_lo), .run_hi(w_run_hi), .valid(wk_valid),
        .addr(w_addr), .lo(w_lo), .hi(w_hi), .addr_next(w_next));

    assign done = (r_last_fire || b_fire) && !rq_valid && pend == ONE;

    assign arvalid = active && !store && rq_valid;
    assign araddr = rq_addr;
    assign arlen = len;
    assign arsize = DSHIFT[2:0];
    assign arburst = 2'b01;
    assign rready = 1'b1;

    assign awvalid = active && store && rq_valid;
    assign awaddr = rq_addr;
    assign awlen = len;
    assign awsize = DSHIFT[2:0];
    assign awburst = 2'b01;
    assign wvalid = active && store && wk_valid;
    assign wdata = buf_rdata;
    genvar gi;
    generate
        for (gi = 0; gi < DBYTES; gi = gi + 1) begin : strobe
            wire [AW-1:0] byte_addr = w_addr + gi;
            assign wstrb[gi] = byte_addr >= w_lo && byte_addr <= w_hi;
        end
    endgenerate
    assign wlast = ((w_addr + DBYTES[AW-1:0]) & (burst_bytes - ONE)) == {AW{1'b0}};
    assign bready = 1'b1;

    assign buf_we = r_fire;
    assign buf_waddr = r_word;
    assign buf_wdata = rdata;
    // the word of the next W beat, in the output region, read a cycle ahead (the first at go)
    assign buf_re = (go && go_store) || w_fire;
    assign buf_raddr = {1'b1, w_next[BUFAW-2:DSHIFT]};

    always @(posedge clk) begin
        if (rst) begin
            active <= 1'b0;
            store <= 1'b0;
            pend <= {AW{1'b0}};
            r_word <= {BEATW{1'b0}};
        end else begin
            pend <= pend + ((ar_fire || aw_fire) ? ONE : {AW{1'b0}})
                         - ((r_last_fire || b_fire) ? ONE : {AW{1'b0}});
            if (r_fire)
                r_word <= r_word + 1'b1;
            if (done)
                active <= 1'b0;
            // last: a transfer may start in its predecessor's completion cycle
            if (go) begin
                active <= 1'b1;
                store <= go_store;
                pend <= {AW{1'b0}};
                r_word <= go_slot_byte[BUFAW-1:DSHIFT];
            end
        end
    end

    wire unused = &{1'b0, beats[8], rq_lo, rq_hi, rq_next, w_next[AW-1:BUFAW-1], w_next[DSHIFT-1:0],
                    go_slot_byte[DSHIFT-1:0]};
endmodule
