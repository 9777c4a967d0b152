// sys_run_walk.v: walks the runs of DRAM bytes of one transfer (the run memory of
// sys_controller.v, docs/system-rtl.md) in units of 2^unit_shift bytes, for the DMA
// (sys_dma.v): its requests walk bursts, its W beats walk beats.
//
// Contract:
//   - A run is DRAM bytes lo..hi. It covers the aligned bursts (2^burst_shift bytes) from lo
//     rounded down to a burst through hi rounded down to a burst, so its units run from lo
//     rounded down to a burst to the last unit of hi's burst. unit_shift <= burst_shift.
//   - go (one cycle) starts a walk of go_nruns runs from run go_run: valid from the next cycle,
//     addr the first unit of run go_run, lo and hi that run's bytes. go_nruns = 0 walks
//     nothing (valid stays low).
//   - step (only while valid) moves to the next unit at the clock edge: the next unit of the
//     run, else the first unit of the next run (no cycle between runs), else valid falls.
//   - The run memory is read combinationally at run_addr (the first run in the cycle of go,
//     else the run after the current one): run_lo and run_hi are its bytes.
//   - addr_next is the address addr takes at this edge (the first unit at go), for a reader
//     that must look one unit ahead.
module sys_run_walk #(
    parameter AW = 32,          // DRAM byte address bits
    parameter RW = 16           // run memory address bits
) (
    input  wire          clk,
    input  wire          rst,
    input  wire [4:0]    burst_shift,   // log2(burst bytes)
    input  wire [4:0]    unit_shift,    // log2(unit bytes)
    input  wire          go,
    input  wire [RW-1:0] go_run,
    input  wire [RW:0]   go_nruns,
    input  wire          step,
    output wire [RW-1:0] run_addr,      // run memory read port
    input  wire [AW-1:0] run_lo,
    input  wire [AW-1:0] run_hi,
    output reg           valid,
    output reg  [AW-1:0] addr,          // the current unit's first byte
    output reg  [AW-1:0] lo,            // the current run's bytes
    output reg  [AW-1:0] hi,
    output wire [AW-1:0] addr_next
);
    localparam [AW-1:0] ONE = {{(AW-1){1'b0}}, 1'b1};

    reg [RW-1:0] run;      // the current run
    reg [RW:0]   left;     // runs after it
    reg [AW-1:0] last;     // its last unit

    wire [AW-1:0] burst_mask = (ONE << burst_shift) - ONE;
    wire [AW-1:0] unit = ONE << unit_shift;
    wire [AW-1:0] run_first = run_lo & ~burst_mask;
    wire [AW-1:0] run_last = (run_hi | burst_mask) - (unit - ONE);
    wire at_last = addr == last;

    assign run_addr = go ? go_run : run + 1'b1;
    assign addr_next = go ? run_first : !step ? addr : at_last ? run_first : addr + unit;

    always @(posedge clk) begin
        if (rst) begin
            valid <= 1'b0;
            run <= {RW{1'b0}};
            left <= {(RW+1){1'b0}};
            addr <= {AW{1'b0}};
            last <= {AW{1'b0}};
            lo <= {AW{1'b0}};
            hi <= {AW{1'b0}};
        end else if (go || (step && at_last && left != 0)) begin
            // the first run of a walk, or the next run
            valid <= !go || go_nruns != 0;
            run <= run_addr;
            left <= go ? go_nruns - 1'b1 : left - 1'b1;
            addr <= run_first;
            last <= run_last;
            lo <= run_lo;
            hi <= run_hi;
        end else if (step && at_last) begin
            valid <= 1'b0;
        end else if (step) begin
            addr <= addr + unit;
        end
    end
endmodule
