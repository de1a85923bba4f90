/* SPDX-License-Identifier: MIT */
/*
 * stack.h - the program's stack at an allocation, and the per-thread
 * cache of stacks seen before (stack.c).
 */
#ifndef DHAT_STACK_H
#define DHAT_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHAT__STACK_BUF 64
#define DHAT__PP_NONE UINT32_MAX

/*
 * What the stack walk (unwind.c) read to find each frame's caller, from
 * the frame running at stack address FROM outwards: the stack cache
 * checks these words.  Frame I (FIRST + I in the walk) found its return
 * address at RA_AT[I] (0: none, the outermost frame); a frame whose CFA
 * the tables put at rbp plus an offset took rbp's value BP[I] from the
 * word at BP_AT[I] (0: the register as the walk began); BP_AT[I] is 1
 * for a frame whose CFA is sp-based.  LEN counts the frames walked from
 * FIRST on, N those of them recorded; WHOLE says the walk ended by itself,
 * at a frame without a caller or a return address of 0, which frame
 * LEN - 1 then read at RA_AT[LEN - 1] (when recorded and not 0).  CUT
 * says it ended early instead, at a frame past the ones its caller keeps
 * that the start code's trimming stops at (dhat__unwind_from), which it
 * counts in LEN without recording it.
 */
#define DHAT__WALK_FRAMES 30

struct dhat__walk {
	uintptr_t from;
	int first;           /* -1: no frame at FROM, nothing recorded */
	int len, n;
	bool whole, cut;
	uintptr_t ra_at[DHAT__WALK_FRAMES];
	uintptr_t bp_at[DHAT__WALK_FRAMES];
	uintptr_t bp[DHAT__WALK_FRAMES];
};

struct dhat__stack {
	uintptr_t *ips;      /* ips[0] is the allocator entry point */
	size_t n;
	uintptr_t *heap;     /* grown buffer (unlimited depth), or NULL */
	uintptr_t buf[DHAT__STACK_BUF];
	struct dhat__walk walk;     /* for the stack cache */
};

/* Find libdhat's own code; called when a profiler starts.  0 or -1. */
int dhat__stack_init(void);
/* The object whose code holds ADDR (libdhat-copy) counts as libdhat's
 * own in the captures from now on; called when a profiler starts.  0 or
 * -1. */
int dhat__stack_own_also(uintptr_t addr);
/* Capture the caller's stack: libdhat's frames dropped except the
 * outermost (the entry point the program called), and the C library's
 * start code below main or a thread's start routine; at most MAX frames
 * of what remains.  FROM, when not 0, is dhat__heap_alloc's CFA: the walk
 * starts at the frame running there, the entry point's, and what it read
 * from there on is kept in S->walk for dhat__stack_remember (FROM 0: the
 * walk starts here, and nothing is kept). */
void dhat__stack_capture(struct dhat__stack *s, size_t max, uintptr_t from);
/* The walk's frames IPS[0..N) go far enough for a caller that keeps
 * KEEP frames: past them, up to a frame that program_end's trimming of
 * the start code cannot pass, so none of the kept frames can be trimmed
 * whatever lies beyond. */
bool dhat__stack_walked_enough(const uintptr_t *ips, size_t n, size_t keep);
/* Around every call into libunwind: a fork waits for the unwinds in
 * flight (stack.c).  The fork handlers' halves of it. */
void dhat__unwind_begin(void);
void dhat__unwind_end(void);
void dhat__unwind_fork_prepare(void);
/* The fork's half, for any caller outside the walks: false (and nothing
 * held) when this thread is inside one. */
bool dhat__unwind_lock_all(void);
void dhat__unwind_unlock_all(void);
/* This thread's stack, [*LO, *HI); false when not known. */
bool dhat__stack_bounds(uintptr_t *lo, uintptr_t *hi);
void dhat__unwind_fork_parent(void);
void dhat__unwind_fork_child(void);
void dhat__stack_release(struct dhat__stack *s);

/* The per-thread cache of captured stacks.  IP0 is the return address
 * into the allocator entry point (the stack's first frame), CFA the stack
 * address just above that return address's slot; GEN the PP table's
 * epoch (dhat__pp_epoch: PP indices die with a reset). */
void dhat__stack_cache_init(void);
/* The PP of the current stack when the cache vouches for it, else
 * DHAT__PP_NONE.  Lock-free, reads only this thread's stack. */
uint32_t dhat__stack_cached(uintptr_t ip0, uintptr_t cfa, uint64_t gen);
/* The thread's cache made, if it has none yet (at its first miss, with
 * the cache on or off). */
void dhat__stack_cache_make(void);
/* Record that S, just captured at (IP0, CFA) with FROM = CFA, is PP, in
 * the cache dhat__stack_cache_make made before the capture. */
void dhat__stack_remember(uintptr_t ip0, uintptr_t cfa, uint64_t gen,
    const struct dhat__stack *s, uint32_t pp);
/* Code was unmapped: every thread's cached stacks are void. */
void dhat__stack_cache_flush(void);

#endif
