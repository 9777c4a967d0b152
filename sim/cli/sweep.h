/*
 * sweep.h: the `accelsim sweep` command (run, --merge, --plot), called from main.c.
 *
 * Command-line code, part of the accelsim program and not of the library: it prints (errors,
 * the progress bar) and may install signal handlers for SIGINT and SIGTERM.
 * Exit status: 0 done, 2 bad input, 1 other failure, 130 stopped by SIGINT or SIGTERM.
 */
#ifndef ASIM_CLI_SWEEP_H
#define ASIM_CLI_SWEEP_H

/* argv[1] is "sweep". */
int asim_cli_sweep(int argc, char **argv);

#endif
