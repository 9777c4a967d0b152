// qmm_lane: one 8-bit activation lane of a DPU with lane unfolding (step model: dpu_tree()
// in sim/qmm/qmm_step.c, which sums the same terms element by element). Every lane is
// identical, so hierarchical synthesis maps it once.
//
// The lane has one register stage (stage 2 of qmm_dpu.v, load ld, synchronous reset, clock
// enable en): the decode, the pair and quad levels of the tree and the count of negated
// elements are registered; the last level of the tree, the correction and the final add
// follow the register, so sum follows its inputs by one cycle.
//
// At activation precision A = 1 << amode the lane holds 8/A activations, element i in
// a[i*A +: A]; b[i] is element i's B bit of this pass (bits 8/A..7 are unused). Element i
// contributes only when i < nv (elements beyond K and unused bus bits contribute 0):
//   activation x: A-bit two's complement if asigned, else unsigned; for A = 1 and asigned,
//                 x = +1 when the bit is 1 and -1 when it is 0 (XNOR-popcount encoding);
//   term:         b ? x : (bbin ? -x : 0)   (binary B negates, a multi-bit plane gates).
// sum is the exact sum of the terms, |sum| <= 255, as 9-bit two's complement.
//
// One tree serves every precision. A negated element is its one's complement plus a
// correction (+1 if signed, 1 - 2^A if unsigned), so every activation bit p becomes a leaf
// in {-1, 0, +1}: its bit (flipped if its element is negated), weight -1 for the sign bit of
// a signed element, 0 if its element does not take part. The tree adds bit pairs, then
// pairs of pairs, then the two halves, shifting the upper operand of a level by the level's
// span when both operands belong to one element (A wider than the span), which gives every
// bit its weight 2^(p mod A). The corrections are added at the end.
module qmm_lane (
    input clk,
    input rst,
    input en,
    input ld,
    input [7:0] a,
    input [7:0] b,
    input [3:0] nv,
    input [1:0] amode,
    input asigned,
    input bbin,
    output [8:0] sum   // of the inputs of the previous load
);
    wire [7:0] ng;             // per element: negated
    wire [1:0] leaf [0:7];     // per bit: -1, 0, +1
    wire a1s = amode == 2'd0 & asigned;
    wire [3:0] vbits = nv << amode;                 // valid bits: nv * A <= 8
    wire [2:0] top = {amode == 2'd3, amode[1], amode != 2'd0};   // A - 1
    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : el
            localparam [3:0] I = i;
            localparam [2:0] P = i;
            assign ng[i] = I < nv & ~b[i] & bbin;
            wire bb = b[P >> amode];                    // B bit of bit i's element
            wire ok = I < vbits;
            wire take = ok & (bb | bbin);
            wire y = a[i] ^ (ok & ~bb & bbin);
            wire sign_bit = asigned & (amode != 2'd0) & ((P & top) == top);
            assign leaf[i] = ~take ? 2'b00 :
                             a1s ? (y ? 2'b01 : 2'b11) :
                             y ? (sign_bit ? 2'b11 : 2'b01) : 2'b00;
        end
    endgenerate

    wire [2:0] pair [0:3];
    wire [4:0] quad [0:1];
    generate
        for (i = 0; i < 4; i = i + 1) begin : pr
            wire [2:0] lo = {leaf[2*i][1], leaf[2*i]};
            wire [2:0] hi = {leaf[2*i+1][1], leaf[2*i+1]};
            assign pair[i] = lo + (amode != 2'd0 ? {hi[1:0], 1'b0} : hi);
        end
        for (i = 0; i < 2; i = i + 1) begin : qd
            wire [4:0] lo = {{2{pair[2*i][2]}}, pair[2*i]};
            wire [4:0] hi = {{2{pair[2*i+1][2]}}, pair[2*i+1]};
            assign quad[i] = lo + (amode[1] ? {hi[2:0], 2'b00} : hi);
        end
    endgenerate
    wire [8:0] q0 = {{4{quad[0][4]}}, quad[0]};
    wire [8:0] q1 = {{4{quad[1][4]}}, quad[1]};

    // corrections: nneg negated elements, each +1 (signed, A > 1) or 1 - 2^A (unsigned);
    // nneg and the mode are registered, the correction is formed after the register
    wire [3:0] nneg = ({3'd0, ng[0]} + {3'd0, ng[1]} + {3'd0, ng[2]} + {3'd0, ng[3]}) +
                      ({3'd0, ng[4]} + {3'd0, ng[5]} + {3'd0, ng[6]} + {3'd0, ng[7]});

    reg [8:0] q0_r, q1_r;
    reg [3:0] nneg_r;
    reg [1:0] amode_r;
    reg a1s_r, asigned_r;
    always @(posedge clk) begin
        if (rst) begin
            q0_r <= 9'd0;
            q1_r <= 9'd0;
            nneg_r <= 4'd0;
            amode_r <= 2'd0;
            a1s_r <= 1'b0;
            asigned_r <= 1'b0;
        end else if (en & ld) begin
            q0_r <= q0;
            q1_r <= q1;
            nneg_r <= nneg;
            amode_r <= amode;
            a1s_r <= a1s;
            asigned_r <= asigned;
        end
    end
    wire [8:0] nneg9 = {5'd0, nneg_r};
    wire [8:0] corr = a1s_r ? 9'd0 :
                      asigned_r ? nneg9 : nneg9 - (nneg9 << (4'd1 << amode_r));
    wire [8:0] q1s = amode_r == 2'd3 ? {q1_r[4:0], 4'b0000} : q1_r;
    assign sum = q0_r + q1s + corr;
endmodule
