/* SPDX-License-Identifier: MIT */
/*
 * stack-cache.c - stacks that a cache of captured stacks could confuse,
 * each allocated N times, interleaved, so that cached stacks are looked up
 * again and again.  Profile (every frame) to argv[1].
 *
 *  1. one call site reached through two callers with identical frames,
 *     called from one call site through a function pointer: only the
 *     return address two frames up differs (sizes 11 and 12);
 *  2. the same, three frames up (13 and 14);
 *  3. recursion to depths 1 to 5 and 18 (sizes 100 + depth);
 *  4. longjmp out of an allocating chain, then the same depth through
 *     another chain, whose frames lie on the stale ones (21 and 22);
 *  5. a signal handler allocating, raised from two callers with identical
 *     frames (31 and 32).
 *
 * Built without optimisation (T_PROG_CFLAGS): the twin functions keep
 * identical frames and no call becomes a jump.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

#define N 200

static void *keep[64];
static unsigned nkeep;

/* Free at once, except a few kept to the end (t-end is then non-zero). */
static void
done(void *p)
{
	if (nkeep < 64 && (nkeep & 1) == 0)
		keep[nkeep] = p;
	else
		free(p);
	nkeep++;
}

/* 1 */
static void
site(size_t n)
{
	done(malloc(n));
}

static void
twin_a(void)
{
	site(11);
}

static void
twin_b(void)
{
	site(12);
}

/* 2 */
static void
mid(size_t n)
{
	site(n);
}

static void
upper(size_t n)
{
	mid(n);
}

static void
outer_a(void)
{
	upper(13);
}

static void
outer_b(void)
{
	upper(14);
}

/* 3 */
static void
rec(int d, size_t n)
{
	if (d == 0)
		done(malloc(n));
	else
		rec(d - 1, n);
}

/* 4 */
static jmp_buf env;

static void
jsite(size_t n)
{
	done(malloc(n));
}

static void
jump_a(void)
{
	jsite(21);
	longjmp(env, 1);
}

static void
jump_b(void)
{
	jsite(22);
}

/* 5 */
static volatile size_t sigsize;

static void
handler(int sig)
{
	(void)sig;
	done(malloc(sigsize));
}

static void
raise_a(void)
{
	sigsize = 31;
	raise(SIGUSR1);
}

static void
raise_b(void)
{
	sigsize = 32;
	raise(SIGUSR1);
}

int
main(int argc, char **argv)
{
	static const int depths[] = { 1, 2, 3, 4, 5, 18 };
	void (*const twins[])(void) = { twin_a, twin_b };
	void (*const outers[])(void) = { outer_a, outer_b };
	void (*const raisers[])(void) = { raise_a, raise_b };
	struct dhat_builder *b;
	struct dhat_profiler *p;
	struct sigaction sa = { 0 };
	unsigned i, k;

	plan(2);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	ok(sigaction(SIGUSR1, &sa, NULL) == 0, "handler installed");
	b = dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "stack-cache.json");
	b = dhat_builder_trim_backtraces(b, DHAT_FRAMES_ALL);
	p = dhat_builder_build(b);
	ok(p != NULL, "profiler started");
	for (i = 0; i < 2 * N; i++) {
		twins[i & 1]();
		outers[i & 1]();
		for (k = 0; k < sizeof depths / sizeof depths[0]; k++)
			if (i < N)
				rec(depths[k], 100 + (size_t)depths[k]);
		if ((i & 1) == 0) {
			if (setjmp(env) == 0)
				jump_a();
		} else {
			jump_b();
		}
		raisers[i & 1]();
	}
	dhat_profiler_drop(p);
	for (i = 0; i < 64; i++)
		free(keep[i]);
	return done_testing();
}
