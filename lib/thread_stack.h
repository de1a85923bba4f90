/* SPDX-License-Identifier: MIT */
/*
 * thread_stack.h - the calling thread's stack bounds (thread_stack.c).
 */
#ifndef DHAT_THREAD_STACK_H
#define DHAT_THREAD_STACK_H

#include <stdbool.h>
#include <stdint.h>

/* The calling thread's stack, [*LO, *HI), as pthread_getattr_np gives
 * it; false when it cannot be found. */
bool dhat__thread_stack(uintptr_t *lo, uintptr_t *hi);

#endif
