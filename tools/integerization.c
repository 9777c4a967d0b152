/*
 * integerization.c: Lin & Shah's operand reordering, measured. For a ViT at 8, 4 and 3 bits
 * it runs the same 32x32 systolic array (configs/systolic_32x32.yaml, placeholder nonlinear
 * unit so the run is complete) in the integerized flow (PEs as wide as the codes, scales
 * applied per output) and in the dequantize-first flow (16-bit PEs, every operand
 * dequantized), and prints a Markdown table of PE resources, energy per MAC and total energy.
 * usage: integerization [CONFIG] [MODEL]   (defaults: configs/systolic_32x32.yaml vit_tiny)
 */
#include <stdio.h>
#include <string.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"

#define DEQUANT_BITS 16

typedef struct {
    double pe_lut, pe_ff, pe_dsp;    /* per PE */
    double mac_pj;                   /* array logic and DSP energy per MAC */
    double array_mj, total_mj;
    double latency_ms;
} flow_result_t;

static int run(const char *config, const char *model, int bits, bool dequantize,
               flow_result_t *out)
{
    char spec[128], a[48], w[48], flow[48];
    int pe = dequantize ? DEQUANT_BITS : bits;
    snprintf(spec, sizeof spec, "%s:a_bits=%d,w_bits=%d", model, bits, bits);
    snprintf(a, sizeof a, "array.act_bits=%d", pe);
    snprintf(w, sizeof w, "array.weight_bits=%d", pe);
    snprintf(flow, sizeof flow, "array.dequantize_first=%s", dequantize ? "true" : "false");
    const char *sets[] = {a, w, flow, "nonlinear.unit=placeholder"};
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    asim_report_t rep;
    asim_error_t err;
    if (asim_config_load(config, sets, 4, &cfg, &err) || asim_model_load(spec, &g, &err) ||
        asim_sim_create(&cfg, &sim, &err) || asim_sim_run(sim, &g, &rep, &err)) {
        fprintf(stderr, "integerization: %s\n", err.msg);
        return 1;
    }
    double rows = 0, cols = 0, compute = 0, macs = 0;
    asim_config_get(&cfg, "array.rows", &rows);
    asim_config_get(&cfg, "array.cols", &cols);
    double pes = rows * cols;
    for (size_t i = 0; i < rep.n_layers; i++)
        if (!strcmp(rep.layers[i].unit, "array")) {
            compute += rep.layers[i].energy.pj[ASIM_EK_LOGIC] + rep.layers[i].energy.pj[ASIM_EK_DSP];
            macs += (double)rep.layers[i].act.macs;
        }
    for (size_t i = 0; i < rep.n_units; i++)
        if (!strcmp(rep.unit_resources[i].name, "array")) {
            const asim_unit_resources_t *u = &rep.unit_resources[i];
            out->pe_lut = u->res.lut / pes;
            out->pe_ff = u->res.ff / pes;
            out->pe_dsp = u->res.dsp / pes;
            out->array_mj = u->energy_pj * 1e-9;
        }
    out->mac_pj = compute / macs;
    out->total_mj = rep.energy_mj;
    out->latency_ms = rep.latency_ms;
    asim_report_free(&rep);
    asim_sim_free(sim);
    asim_graph_free(&g);
    return 0;
}

int main(int argc, char **argv)
{
    const char *config = argc > 1 ? argv[1] : "configs/systolic_32x32.yaml";
    const char *model = argc > 2 ? argv[2] : "vit_tiny";
    printf("%s on %s; integerized = PEs as wide as the codes, scales after the matmul; "
           "dequantize-first = %d-bit PEs.\n\n", model, config, DEQUANT_BITS);
    printf("| bits | flow | LUT/PE | FF/PE | DSP/PE | pJ/MAC | array mJ | total mJ | "
           "latency ms |\n|---|---|---|---|---|---|---|---|---|\n");
    const int bits[] = {8, 4, 3};
    for (int i = 0; i < 3; i++) {
        flow_result_t r[2];
        for (int d = 0; d < 2; d++) {
            if (run(config, model, bits[i], d == 1, &r[d]))
                return 1;
            printf("| %d | %s | %.1f | %.1f | %.0f | %.3f | %.3f | %.3f | %.3f |\n", bits[i],
                   d ? "dequantize-first" : "integerized", r[d].pe_lut, r[d].pe_ff, r[d].pe_dsp,
                   r[d].mac_pj, r[d].array_mj, r[d].total_mj, r[d].latency_ms);
        }
        printf("| %d | saving | %.0f%% | %.0f%% | | %.0f%% | %.0f%% | %.0f%% | |\n", bits[i],
               100.0 * (1 - r[0].pe_lut / r[1].pe_lut), 100.0 * (1 - r[0].pe_ff / r[1].pe_ff),
               100.0 * (1 - r[0].mac_pj / r[1].mac_pj),
               100.0 * (1 - r[0].array_mj / r[1].array_mj),
               100.0 * (1 - r[0].total_mj / r[1].total_mj));
    }
    return 0;
}
