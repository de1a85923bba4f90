/* SPDX-License-Identifier: MIT */
/*
 * thread_stack.c - the calling thread's stack bounds
 * (lib/thread_stack.c) are pthread_getattr_np's: in the first thread
 * under the stack size limit it starts with, under a smaller and an
 * unlimited one, in another thread, and in a child forked by that
 * thread, which runs on that thread's stack.  The first thread's are
 * found without the heap, where glibc's stdio would leave blocks.
 */
#include "config.h"

#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "thread_stack.h"

/* Whether dhat__thread_stack gives what pthread_getattr_np gives. */
static bool
same_as_glibc(const char *where)
{
	pthread_attr_t a;
	uintptr_t lo = 0, hi = 0;
	void *addr;
	size_t size;
	bool got = dhat__thread_stack(&lo, &hi);

	if (pthread_getattr_np(pthread_self(), &a) != 0 ||
	    pthread_attr_getstack(&a, &addr, &size) != 0)
		bail("pthread_getattr_np failed");
	pthread_attr_destroy(&a);
	if (got && lo == (uintptr_t)addr && hi == (uintptr_t)addr + size)
		return true;
	diag("%s: %d [%#lx, %#lx) against glibc's [%#lx, %#lx)", where,
	    (int)got, (unsigned long)lo, (unsigned long)hi,
	    (unsigned long)addr, (unsigned long)addr + size);
	return false;
}

static void *
other_thread(void *arg)
{
	int *res = arg;
	pid_t pid;
	int st;

	res[0] = same_as_glibc("thread");
	pid = fork();
	if (pid == 0)
		_exit(same_as_glibc("child of the thread") ? 0 : 1);
	res[1] = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0;
	return NULL;
}

/* The first thread's bounds under a stack size limit of LIMIT. */
static void
with_limit(rlim_t limit, const char *what)
{
	struct rlimit old, rl;

	if (getrlimit(RLIMIT_STACK, &old) != 0)
		bail("getrlimit failed");
	rl = old;
	rl.rlim_cur = limit;
	if (setrlimit(RLIMIT_STACK, &rl) != 0) {
		ok(1, "# SKIP cannot set the limit to %s", what);
		return;
	}
	ok(same_as_glibc(what), "first thread, limit %s", what);
	(void)setrlimit(RLIMIT_STACK, &old);
}

int
main(void)
{
	struct mallinfo2 before, after;
	uintptr_t lo, hi;
	pthread_t t;
	int res[2] = { 0, 0 };

	plan(7);
	before = mallinfo2();
	ok(dhat__thread_stack(&lo, &hi) && lo < (uintptr_t)&lo &&
	    (uintptr_t)&lo < hi, "first thread: a local lies within");
	after = mallinfo2();
	ok(after.uordblks == before.uordblks && after.arena == before.arena,
	    "  found without the heap");
	/* glibc's answer reads /proc/self/maps through stdio, which makes
	 * the heap first: with no stack limit the stack reaches down to the
	 * mapping below it, which is then the heap.  Made here, it is there
	 * for both answers. */
	free(malloc(1));
	ok(same_as_glibc("first thread"), "first thread: glibc's bounds");
	with_limit((rlim_t)1 << 20, "1 MiB");
	with_limit(RLIM_INFINITY, "unlimited");
	if (pthread_create(&t, NULL, other_thread, res) != 0 ||
	    pthread_join(t, NULL) != 0)
		bail("no thread");
	ok(res[0], "another thread: glibc's bounds");
	ok(res[1], "a child forked by it: glibc's bounds");
	return done_testing();
}
