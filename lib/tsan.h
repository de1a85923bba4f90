/* SPDX-License-Identifier: MIT */
/*
 * tsan.h - within libdhat-access: the count of one access, for the
 * standing-in C library functions (access_libc.c) as for the compiler's
 * calls (tsan.c).
 */
#ifndef DHAT_TSAN_H
#define DHAT_TSAN_H

#include <stdbool.h>
#include <stddef.h>

/* N bytes at A read (WRITE false) or written. */
void dhat__tsan_note(const volatile void *a, size_t n, bool write);

#endif
