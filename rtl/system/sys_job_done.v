// sys_job_done.v: when a compute unit's job completes in the twin (docs/system-rtl.md, "QUARK
// in the twin", Time), shared by the unit sequencers (sys_quark_job.v, sys_array_job.v,
// sys_qmm_job.v): a job they run completes once its last output is written and the buffer
// ports have carried its reads.
//
// Contract:
//   - The bench fills, before start, a demand table (dt_*): per job of the unit's queue, in
//     queue order, its read demand in bits (the C cost model's SRAM read bits).
//   - `issue` is high in the cycle a job the sequencer runs issues (the controller's
//     job_valid, for a job of its table), `job` is its index in the queue and `count` the
//     progress units it adds (rows, or 1 for a job); `progress` is the sequencer's count of
//     units whose outputs are written (registered: it covers an output from the cycle after
//     its write).
//   - `own` is high from the cycle after the issue until the job completes; `done` in the
//     cycle it completes: `progress` covers every unit issued so far and the port budget is
//     met. The budget is the C executor's port share (sim/block/unit.c): the job's demand
//     at port_bits / (shared + 1) bits a cycle from its issue cycle, `shared` the other
//     compute units running as it issues; port_bits / (shared + 1) = 0 means no budget. A
//     job of c cycles whose reads need r cycles of the share so completes at issue +
//     max(c, r), as in the C executor. A job not run by the sequencer is not `own`: its
//     done comes from outside.
module sys_job_done #(
    parameter JDEPTH = 2048     // demand table entries (a power of two)
) (
    input  wire                    clk,
    input  wire                    rst,
    input  wire                    dt_we,
    input  wire [$clog2(JDEPTH)-1:0] dt_addr,
    input  wire [47:0]             dt_demand,   // SRAM read bits of job dt_addr
    input  wire                    issue,
    input  wire [$clog2(JDEPTH)-1:0] job,
    input  wire [31:0]             count,
    input  wire [31:0]             progress,
    input  wire [31:0]             port_bits,   // buffer port bits per cycle (0: no budget)
    input  wire [7:0]              shared,      // other compute units running at the issue
    output reg                     own,
    output wire                    done
);
    reg [47:0] j_demand [0:JDEPTH-1];
    always @(posedge clk)
        if (dt_we)
            j_demand[dt_addr] <= dt_demand;

    reg [31:0] target;       // progress once every job issued so far is written
    reg [47:0] demand, budget;
    reg [31:0] bpc;          // port bits per cycle of the job in flight
    wire [31:0] bpc_now = port_bits / ({24'd0, shared} + 32'd1);
    assign done = own && progress == target && (bpc == 32'd0 || budget >= demand);
    always @(posedge clk)
        if (rst) begin
            own <= 1'b0;
            target <= 32'd0;
            demand <= 48'd0;
            budget <= 48'd0;
            bpc <= 32'd0;
        end else if (issue) begin
            own <= 1'b1;
            target <= target + count;
            demand <= j_demand[job];
            budget <= {16'd0, bpc_now};   // what the ports carry by the cycle after issue
            bpc <= bpc_now;
        end else begin
            if (done)
                own <= 1'b0;
            if (own && budget < demand)
                budget <= budget + {16'd0, bpc};
        end
endmodule
