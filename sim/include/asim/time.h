/*
 * time.h: simulated time. Time is uint64_t cycles of one base clock (the configuration's
 * clock_mhz). Every conversion between cycles and seconds lives here.
 */
#ifndef ASIM_TIME_H
#define ASIM_TIME_H

#include <stdint.h>

typedef uint64_t asim_cycle_t;

#define ASIM_CYCLE_MAX UINT64_MAX

/* Seconds taken by `cycles` at `clock_mhz` (MHz). */
static inline double asim_cycles_to_s(asim_cycle_t cycles, double clock_mhz)
{
    return (double)cycles / (clock_mhz * 1e6);
}

/* Milliseconds taken by `cycles` at `clock_mhz` (MHz). */
static inline double asim_cycles_to_ms(asim_cycle_t cycles, double clock_mhz)
{
    return (double)cycles / (clock_mhz * 1e3);
}

#endif
