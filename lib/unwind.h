/* SPDX-License-Identifier: MIT */
/*
 * unwind.h - the stack walk by the unwind tables (unwind.c).
 */
#ifndef DHAT_UNWIND_H
#define DHAT_UNWIND_H

#include <stdint.h>

#include "stack.h"

/* Up to CAP return addresses of the calling thread's stack, innermost
 * first, starting inside this call: unw_backtrace's result without its
 * locks, from unwind tables read here.  -1 when some frame needs
 * libunwind (and then nothing in BUF or W is meant).  What it read is
 * recorded in W, unless W is NULL (see struct dhat__walk).  Call it
 * between dhat__unwind_begin and dhat__unwind_end. */
int dhat__unwind_fast(uintptr_t *buf, int cap, struct dhat__walk *w);
/* The same walk from the frame that runs at stack address W->FROM: the
 * caller of a libdhat function that keeps a frame pointer and whose CFA
 * W->FROM is (dhat__heap_alloc); W's frame 0 is that frame.  KEEP (0:
 * none) is how many frames the caller keeps: the walk ends once
 * dhat__stack_walked_enough says so.  GUESS[0..NGUESS) are the return
 * addresses it may find, frame by frame from frame 0 (a hint only: any
 * of them may be wrong; NULL, 0: none). */
#define DHAT__HINT_FRAMES 32
int dhat__unwind_from(uintptr_t *buf, int cap, struct dhat__walk *w,
    size_t keep, const uintptr_t *guess, int nguess);
/* Code was unmapped: what the walk knows of code addresses is void. */
void dhat__unwind_forget(void);

#endif
