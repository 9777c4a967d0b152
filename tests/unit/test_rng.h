/*
 * test_rng.h: the reproducible random numbers of the property tests (splitmix64). A test
 * seeds it once, `*test_rng_seed() = seed;`, before its tests run, so every run draws the
 * same jobs.
 */
#ifndef ASIM_TEST_RNG_H
#define ASIM_TEST_RNG_H

#include <stdint.h>

static inline uint64_t *test_rng_seed(void)
{
    static uint64_t state;
    return &state;
}

static inline uint64_t rng_next(void)
{
    uint64_t z = (*test_rng_seed() += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform enough in [0, n) for test jobs (n > 0). */
static inline uint64_t rng_below(uint64_t n)
{
    return rng_next() % n;
}

#endif
