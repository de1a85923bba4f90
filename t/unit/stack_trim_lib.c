/* SPDX-License-Identifier: MIT */
/*
 * stack_trim_lib.c - see stack_trim.h.  Built with lib/stack.c (and
 * lib/fault.c, for builds with fault injection) into libstack-trim.so.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "entry.h"
#include "lock.h"
#include "stack.h"
#include "stack_trim.h"

#ifdef HAVE_VALGRIND_HELGRIND_H
int dhat__valgrind;     /* heap.c's, which is not linked here */
#endif

int
trim_init(void)
{
	return dhat__stack_init();
}

size_t
trim_capture(uintptr_t *out, size_t room, size_t max)
{
	struct dhat__stack s;
	size_t n;

	dhat__stack_capture(&s, max, 0);
	n = s.n < room ? s.n : room;
	memcpy(out, s.ips, n * sizeof *out);
	dhat__stack_release(&s);
	return s.n;
}

void *
trim_thread(void *arg)
{
	struct trim_result *r = arg;

	r->n = trim_capture(r->ips, 16, 10);
	DHAT__NO_TAILCALL();
	return NULL;
}
