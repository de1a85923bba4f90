/* SPDX-License-Identifier: MIT */
/* heap_stubs.c - see heap_stubs.h. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "guard.h"
#include "preload.h"
#include "profiler.h"
#include "stack.h"
#include "heap_stubs.h"

__thread int dhat__guard __attribute__((tls_model("initial-exec")));
/* A heap profiler counts: the tests call the heap functions as the
 * allocator entry points would while one does. */
int dhat__heap_running = 1;
struct dhat__prof dhat__prof;
/* No fatal signal is ever caught here. */
int dhat__fatal_pending;
void
dhat__fatal_serve(void)
{
}

/* No dhat-run here. */
void
dhat__preload_decide(void)
{
}

uintptr_t stub_site;
size_t stub_depth = 1;

void
dhat__stack_capture(struct dhat__stack *s, size_t max, uintptr_t from)
{
	(void)max;
	s->heap = NULL;
	s->walk.from = from;
	s->walk.first = -1;
	s->buf[0] = stub_site;
	s->buf[1] = 0x42;
	s->ips = s->buf;
	s->n = stub_depth;
}

void
dhat__stack_release(struct dhat__stack *s)
{
	(void)s;
}

/* No stack cache: every allocation goes through the fake capture. */
uint32_t
dhat__stack_cached(uintptr_t ip0, uintptr_t cfa, uint64_t gen)
{
	(void)ip0;
	(void)cfa;
	(void)gen;
	return DHAT__PP_NONE;
}

void
dhat__stack_cache_make(void)
{
}

void
dhat__stack_remember(uintptr_t ip0, uintptr_t cfa, uint64_t gen,
    const struct dhat__stack *s, uint32_t pp)
{
	(void)ip0;
	(void)cfa;
	(void)gen;
	(void)s;
	(void)pp;
}
