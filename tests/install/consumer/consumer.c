/* consumer.c: a program built against an installed accelsim (tests/install): runs MODEL on
 * CONFIG through the public API only and prints the total cycles, which the test compares
 * with the accelsim program's report. */
#include <stdio.h>

#include "asim/config.h"
#include "asim/model.h"
#include "asim/sim.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: consumer CONFIG MODEL\n");
        return 2;
    }
    asim_error_t err;
    asim_config_t cfg;
    asim_graph_t g;
    asim_sim_t *sim;
    asim_report_t rep;
    if (asim_config_load(argv[1], NULL, 0, &cfg, &err) != ASIM_OK ||
        asim_model_load(argv[2], &g, &err) != ASIM_OK) {
        fprintf(stderr, "consumer: %s\n", err.msg);
        return 2;
    }
    int status = 1;
    if (asim_sim_create(&cfg, &sim, &err) == ASIM_OK) {
        if (asim_sim_run(sim, &g, &rep, &err) == ASIM_OK) {
            printf("%llu\n", (unsigned long long)rep.total_cycles);
            asim_report_free(&rep);
            status = 0;
        }
        asim_sim_free(sim);
    }
    if (status)
        fprintf(stderr, "consumer: %s\n", err.msg);
    asim_graph_free(&g);
    return status;
}
