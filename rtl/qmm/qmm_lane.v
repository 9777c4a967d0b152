// qmm_lane: one 8-bit activation lane of a DPU with lane unfolding (step model: lane terms
// in dpu_tree() of sim/units/qmm_step.c). Every lane is identical, so hierarchical synthesis
// maps it once.
//
// At activation precision A = 1 << amode the lane holds 8/A activations, element i in
// a[i*A +: A]; b[i] is element i's B bit of this pass (bits 8/A..7 are unused). Element i
// contributes only when i < nv (elements beyond K and unused bus bits contribute 0):
//   activation x: A-bit two's complement if asigned, else unsigned; for A = 1 and asigned,
//                 x = +1 when the bit is 1 and -1 when it is 0 (XNOR-popcount encoding);
//   term:         b ? x : (bbin ? -x : 0)   (binary B negates, a multi-bit plane gates).
// sum is the exact sum of the terms, |sum| <= 255, as 9-bit two's complement.
module qmm_lane (
    input [7:0] a,
    input [7:0] b,
    input [3:0] nv,
    input [1:0] amode,
    input asigned,
    input bbin,
    output [8:0] sum
);
    // Element i takes part (g) unless it is invalid or gated off by a 0 bit of a multi-bit
    // plane; it is negated (ng) for a 0 bit of binary B. A negation is done as the one's
    // complement plus one, the ones counted once per lane (nneg). Per precision the sums
    // are exact in their widths: 8 terms of 2 bits in 6, 4 of 3 in 6, 2 of 5 in 6.
    wire [7:0] g, ng;
    wire [1:0] t1 [0:7];
    wire [2:0] t2 [0:3];
    wire [4:0] t4 [0:1];
    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : e1
            localparam [3:0] I = i;
            wire ok = I < nv;
            assign g[i] = ok & (b[i] | bbin);
            assign ng[i] = ok & ~b[i] & bbin;
            wire [1:0] x = asigned ? {~a[i], 1'b1} : {1'b0, a[i]};
            assign t1[i] = g[i] ? x ^ {2{ng[i]}} : 2'd0;
        end
        for (i = 0; i < 4; i = i + 1) begin : e2
            wire [2:0] x = {asigned & a[2*i+1], a[2*i +: 2]};
            assign t2[i] = g[i] ? x ^ {3{ng[i]}} : 3'd0;
        end
        for (i = 0; i < 2; i = i + 1) begin : e4
            wire [4:0] x = {asigned & a[4*i+3], a[4*i +: 4]};
            assign t4[i] = g[i] ? x ^ {5{ng[i]}} : 5'd0;
        end
    endgenerate
    wire [8:0] x8 = {asigned & a[7], a};
    wire [8:0] t8 = g[0] ? x8 ^ {9{ng[0]}} : 9'd0;
    `define QMM_SX6(v, w) {{(6 - (w)){v[(w)-1]}}, v}
    wire [5:0] s1 = ((`QMM_SX6(t1[0], 2) + `QMM_SX6(t1[1], 2)) +
                     (`QMM_SX6(t1[2], 2) + `QMM_SX6(t1[3], 2))) +
                    ((`QMM_SX6(t1[4], 2) + `QMM_SX6(t1[5], 2)) +
                     (`QMM_SX6(t1[6], 2) + `QMM_SX6(t1[7], 2)));
    wire [5:0] s2 = (`QMM_SX6(t2[0], 3) + `QMM_SX6(t2[1], 3)) +
                    (`QMM_SX6(t2[2], 3) + `QMM_SX6(t2[3], 3));
    wire [5:0] s4 = `QMM_SX6(t4[0], 5) + `QMM_SX6(t4[1], 5);
    `undef QMM_SX6
    wire [5:0] s_low = amode == 2'd2 ? s4 : amode == 2'd1 ? s2 : s1;
    wire [8:0] s = amode == 2'd3 ? t8 : {{3{s_low[5]}}, s_low};
    wire [3:0] nneg = ({3'd0, ng[0]} + {3'd0, ng[1]} + {3'd0, ng[2]} + {3'd0, ng[3]}) +
                      ({3'd0, ng[4]} + {3'd0, ng[5]} + {3'd0, ng[6]} + {3'd0, ng[7]});
    assign sum = s + {5'd0, nneg};
endmodule
