/* SPDX-License-Identifier: MIT */
/*
 * stack_trim.h - lib/stack.c in a shared object of its own (libstack-trim),
 * standing for libdhat in t/unit/stack_trim: its functions are the
 * "allocator entry points", the test program's are the program's.
 */
#ifndef STACK_TRIM_H
#define STACK_TRIM_H

#include <stddef.h>
#include <stdint.h>

/* dhat__stack_init: 0, or -1 when libdhat's own text was not found. */
int trim_init(void);
/* Capture the caller's stack, at most MAX frames; the first ROOM go to
 * OUT.  Returns the number of frames kept, the entry point included. */
size_t trim_capture(uintptr_t *out, size_t room, size_t max);

/* A thread start routine inside "libdhat": captures 10 frames into the
 * struct trim_result ARG points to. */
struct trim_result {
	uintptr_t ips[16];
	size_t n;
};
void *trim_thread(void *arg);

#endif
