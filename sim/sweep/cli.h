/*
 * cli.h: the `accelsim sweep` command (run, --merge, --plot), called from sim/cli/main.c.
 *
 * This is command-line code: unlike the rest of the library it prints (errors, the
 * progress bar) and it may install signal handlers for SIGINT and SIGTERM. It lives under
 * sim/sweep/ so that the accelsim program links it from the library.
 * Exit status: 0 done, 2 bad input, 1 other failure, 130 stopped by SIGINT or SIGTERM.
 */
#ifndef ASIM_SWEEP_CLI_H
#define ASIM_SWEEP_CLI_H

/* argv[1] is "sweep". */
int asim_cli_sweep(int argc, char **argv);

#endif
