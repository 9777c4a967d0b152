/*
 * memory.h: asking the kernel for pages ahead of their first write; growing arrays.
 */
#ifndef ASIM_UTIL_MEMORY_H
#define ASIM_UTIL_MEMORY_H

#include <stddef.h>

/* Maps the whole pages inside [p, p + bytes) now, in one call (Linux's MADV_POPULATE_WRITE,
 * 5.14 on; elsewhere, or when it fails, a no-op), instead of one page fault per page at its
 * first write. Nothing for more than a quarter of the physical memory: a program that large
 * takes its pages as it is written, and runs out of memory where it would have anyway. For large arrays that will be written whole: on a virtual machine a page
 * fault costs microseconds, and a long program's instructions and stamps span hundreds of
 * megabytes. */
void asim_prefault(void *p, size_t bytes);
/* items (n of them used, *cap allocated, elem bytes each) with room for one more: as is, or
 * grown to twice *cap (first when empty), *cap updated; NULL when out of memory (items is
 * then unchanged). */
void *asim_grow(void *items, size_t n, size_t *cap, size_t elem, size_t first);

#endif
