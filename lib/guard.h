/* SPDX-License-Identifier: MIT */
/*
 * guard.h - the re-entrancy guard (profiler.c).
 *
 * Everything in libdhat runs inside the program's allocator calls,
 * possibly before any constructor and from any thread, so state is static
 * and zero initialised, and the guard is checked before libdhat does
 * anything that could allocate: while it is set, the allocator entry
 * points count nothing and serve the thread's own allocations (memory.h:
 * the program's allocator as a rule), which is how libdhat's own
 * allocations (unwinder, symbolizer, writer) stay invisible.
 */
#ifndef DHAT_GUARD_H
#define DHAT_GUARD_H

#include <stdbool.h>

#include "compiler.h"

/* Non-zero while this thread runs libdhat code.  initial-exec TLS: glibc
 * requires it of malloc replacements, dynamic TLS could allocate. */
extern __thread int dhat__guard __attribute__((tls_model("initial-exec")));

/* Non-zero while a heap profiler counts (1); read relaxed on every
 * entry.  It starts as DHAT__HEAP_UNDECIDED, so that the process's first
 * counted allocation asks dhat__preload_decide whether dhat-run's
 * profiler starts there: counting begins at the first allocation, not at
 * libdhat's constructor, after which libraries initialised earlier have
 * allocated already.  While a copy or ad hoc profiler runs it is
 * DHAT__HEAP_SHIELD: the entry points then count nothing but set the
 * guard around the allocator's work, so that a copy made by a signal
 * handler that interrupted the allocator is not counted (counting
 * allocates, and would re-enter the allocator under its own lock). */
extern int dhat__heap_running;
#define DHAT__HEAP_UNDECIDED 2
#define DHAT__HEAP_SHIELD 3

static inline int
dhat__heap_on(void)
{
	return __atomic_load_n(&dhat__heap_running, __ATOMIC_RELAXED);
}

/* Enter libdhat from a public function: returns the previous guard. */
static inline int
dhat__enter(void)
{
	int g = dhat__guard;

	dhat__guard = 1;
	return g;
}

/*
 * A signal whose default action ends the process, caught while its
 * thread was inside libdhat or the allocator (fatal.c): zero, or the
 * signal.  It is acted on when a thread next leaves libdhat, where no
 * lock is held and the tables are whole.
 */
extern int dhat__fatal_pending;
void dhat__fatal_serve(void);

static inline void
dhat__leave(int g)
{
	dhat__guard = g;
	if (DHAT__UNLIKELY(__atomic_load_n(&dhat__fatal_pending,
	    __ATOMIC_RELAXED) != 0) && g == 0)
		dhat__fatal_serve();
}

#endif
