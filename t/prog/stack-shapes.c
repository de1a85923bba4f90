/* SPDX-License-Identifier: MIT */
/*
 * stack-shapes.c - allocations whose stacks have little or no program
 * code between the allocator and glibc's start code, or glibc code in the
 * middle, for comparing dhat-run's stacks with Valgrind DHAT's.
 *
 *   main                      malloc(17)
 *   a constructor             malloc(11)
 *   a library's constructor   malloc(29) (t/prog/shapes-lib.c)
 *   tail_start, a thread      tail-calls malloc(100)
 *   strdup as a thread        strdup("hello"): 6
 *   worker, a thread          malloc(23) from worker_inner
 *   an atexit handler         malloc(13)
 *   qsort's comparison        malloc(19), qsort calling back into the
 *                             program (two elements: one comparison)
 *
 * Built with -O2 so that tail_start's call is a jump.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

extern void *volatile shapes_lib_block;

void *volatile sink[64];
static int nsink;

static void
keep(void *p)
{
	sink[nsink++] = p;
}

__attribute__((noinline, optimize("optimize-sibling-calls"))) static void *
tail_start(void *arg)
{
	(void)arg;
	return malloc(100);
}

__attribute__((noinline)) static void
worker_inner(void)
{
	keep(malloc(23));
}

__attribute__((noinline)) static void *
worker(void *arg)
{
	worker_inner();
	return arg;
}

__attribute__((constructor)) static void
ctor(void)
{
	keep(malloc(11));
}

static void
at_exit_handler(void)
{
	keep(malloc(13));
}

static int
cmp(const void *a, const void *b)
{
	keep(malloc(19));
	return *(const int *)a - *(const int *)b;
}

static void
thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r;

	if (pthread_create(&t, NULL, fn, arg) != 0 || pthread_join(t, &r) != 0)
		abort();
	if (r != arg)
		keep(r);
}

int
main(void)
{
	int v[2] = { 2, 1 };

	keep(shapes_lib_block);
	atexit(at_exit_handler);
	thread(tail_start, NULL);
	thread((void *(*)(void *))strdup, (void *)"hello");
	thread(worker, NULL);
	qsort(v, 2, sizeof v[0], cmp);
	keep(malloc(17));
	return 0;
}
