/* SPDX-License-Identifier: MIT */
/*
 * fault.c - out-of-memory injection for libdhat's own allocations, in
 * builds configured with --enable-fault-injection and nowhere else.
 *
 * Every allocation libdhat makes for itself is numbered from 1 in the
 * order it happens: the tables' (through dhat__malloc and friends) and
 * whatever the unwinder, the symbolizer or the loader allocate while the
 * guard is set (the interposed entry points ask dhat__fault() first).
 * DHAT_FAIL_ALLOC=N, or dhat__fault_set(N) from a unit test, makes
 * allocation N alone fail, so a test can walk N = 1, 2, ... until
 * dhat__fault_report() says N was never reached: every failure point
 * has then been visited once.  The program's own allocations are never
 * numbered and never fail.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memory.h"

#ifdef DHAT_FAULT_INJECTION

__thread int dhat__fault_paused __attribute__((tls_model("initial-exec")));

/* Shared by every thread, each field read and written atomically. */
static struct {
	uint64_t fail_at;       /* the allocation to fail; 0: never */
	uint64_t count;         /* allocations so far */
	int ready;              /* fail_at read from the environment */
	int failed;             /* fail_at was reached */
} fault;

static void
init(void)
{
	/* secure_getenv neither allocates nor takes a lock: safe inside
	 * malloc.  Two threads racing here compute the same value. */
	const char *s = secure_getenv("DHAT_FAIL_ALLOC");
	uint64_t n = 0;

	for (; s != NULL && *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (uint64_t)(*s - '0');
	__atomic_store_n(&fault.fail_at, n, __ATOMIC_RELAXED);
	__atomic_store_n(&fault.ready, 1, __ATOMIC_RELEASE);
}

bool
dhat__fault(void)
{
	uint64_t n;

	if (dhat__fault_paused > 0)
		return false;
	if (!__atomic_load_n(&fault.ready, __ATOMIC_ACQUIRE))
		init();
	n = __atomic_add_fetch(&fault.count, 1, __ATOMIC_RELAXED);
	if (n != __atomic_load_n(&fault.fail_at, __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&fault.failed, 1, __ATOMIC_RELAXED);
	return true;
}

void
dhat__fault_set(uint64_t n)
{
	__atomic_store_n(&fault.count, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault.failed, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fault.fail_at, n, __ATOMIC_RELAXED);
	__atomic_store_n(&fault.ready, 1, __ATOMIC_RELEASE);
}

int
dhat__fault_state(uint64_t *allocs)
{
	if (allocs != NULL)
		*allocs = __atomic_load_n(&fault.count, __ATOMIC_RELAXED);
	return __atomic_load_n(&fault.failed, __ATOMIC_RELAXED);
}

/* At exit (or unload), so that a test also learns about failures that
 * kept a profiler from starting at all. */
__attribute__((destructor)) void
dhat__fault_report(void)
{
	char line[128];

	if (!__atomic_load_n(&fault.ready, __ATOMIC_ACQUIRE) ||
	    fault.fail_at == 0)
		return;
	snprintf(line, sizeof line, "dhat: fault injection: allocation "
	    "%llu %s (%llu so far)\n", (unsigned long long)fault.fail_at,
	    fault.failed ? "failed" : "not reached",
	    (unsigned long long)__atomic_load_n(&fault.count,
	    __ATOMIC_RELAXED));
	/* write(2) itself: unit tests link this file without the writer. */
	if (write(STDERR_FILENO, line, strlen(line)) < 0)
		return;
}

#endif /* DHAT_FAULT_INJECTION */
