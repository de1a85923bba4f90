/* SPDX-License-Identifier: MIT */
/*
 * heap-fork-unwind.c - fork while other threads are inside the unwinder.
 * A thread starts short-lived threads one after the other; each allocates
 * from 256 different functions, so that every stack is unwound (a new
 * thread's stack cache is empty) and libunwind, whose cache of unwind
 * rules has fewer entries, keeps parsing them again under its own locks.
 * Meanwhile the main thread forks FORKS times, and each child allocates
 * at a site seen nowhere before, which needs an unwind of its own: a
 * child that inherited one of those locks held would wait forever.  Each
 * child gets 5 seconds; one that takes longer is killed and counted as
 * hung, and ends the test.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dhat.h"
#include "tap.h"

#define FORKS 100
#define CHILD_SECONDS 5

static int stop;

#define LEAF(x, y)                                                             \
	static __attribute__((noinline)) void leaf_##x##y(void)                \
	{                                                                      \
		void *volatile p = malloc(0x##x##y + 1);                       \
		free(p);                                                       \
	}
#define ROW(x)                                                                 \
	LEAF(x, 0) LEAF(x, 1) LEAF(x, 2) LEAF(x, 3) LEAF(x, 4) LEAF(x, 5)      \
	LEAF(x, 6) LEAF(x, 7) LEAF(x, 8) LEAF(x, 9) LEAF(x, a) LEAF(x, b)      \
	LEAF(x, c) LEAF(x, d) LEAF(x, e) LEAF(x, f)
ROW(0) ROW(1) ROW(2) ROW(3) ROW(4) ROW(5) ROW(6) ROW(7)
ROW(8) ROW(9) ROW(a) ROW(b) ROW(c) ROW(d) ROW(e) ROW(f)
#define REF(x, y) leaf_##x##y,
#define REFS(x)                                                                \
	REF(x, 0) REF(x, 1) REF(x, 2) REF(x, 3) REF(x, 4) REF(x, 5)            \
	REF(x, 6) REF(x, 7) REF(x, 8) REF(x, 9) REF(x, a) REF(x, b)            \
	REF(x, c) REF(x, d) REF(x, e) REF(x, f)
static void (*const leaves[256])(void) = {
	REFS(0) REFS(1) REFS(2) REFS(3) REFS(4) REFS(5) REFS(6) REFS(7)
	REFS(8) REFS(9) REFS(a) REFS(b) REFS(c) REFS(d) REFS(e) REFS(f)
};

static void *
alloc_everywhere(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 256; i++)
		leaves[i]();
	return NULL;
}

static void *
spawner(void *arg)
{
	pthread_t t;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		if (pthread_create(&t, NULL, alloc_everywhere, NULL) == 0)
			pthread_join(t, NULL);
	return NULL;
}

static __attribute__((noinline)) void *
site_child(void)
{
	return malloc(222);
}

/* Wait for PID at most CHILD_SECONDS: 0 when it exited with status 0,
 * 1 when it had to be killed, -1 otherwise. */
static int
reap(pid_t pid)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int st, i;

	for (i = 0; i < CHILD_SECONDS * 100; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
		if (r < 0)
			return -1;
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return 1;
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	pthread_t t;
	int i, good = 0, hung = 0, r;
	pid_t pid;

	plan(3);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-fork-unwind.json"));
	ok(p != NULL, "profiler started");
	pthread_create(&t, NULL, spawner, NULL);
	for (i = 0; i < FORKS; i++) {
		pid = fork();
		if (pid == 0) {
			void *volatile c = site_child();

			free(c);
			_exit(0);
		}
		if (pid < 0)
			continue;
		r = reap(pid);
		good += r == 0;
		hung += r == 1;
		if (hung != 0)
			break;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	is_int(hung, 0, "no child hung in the unwinder");
	is_int(good, FORKS, "every child allocated and exited");
	dhat_profiler_drop(p);
	return done_testing();
}
