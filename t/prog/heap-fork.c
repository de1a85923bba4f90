/* SPDX-License-Identifier: MIT */
/*
 * heap-fork.c - fork in a threaded program while a profiler runs: another
 * thread allocates all the time, so a fork can catch libdhat's lock held;
 * the child must still allocate and end its copy of the profiler.  The
 * child's profile never overwrites the parent's file: with "%p" in the
 * name (argv[1]) each process writes its own, without it the child saves
 * nothing.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhat.h"
#include "tap.h"

#define FORKS 20

static int stop;

static void *
churn(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		free(malloc(32));
	return NULL;
}

static void *
site_parent(void)
{
	return malloc(111);
}

static void *
site_child(void)
{
	return malloc(222);
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	pthread_t t;
	void *keep;
	int i, st, good = 0;
	pid_t pid;

	plan(3);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-fork-%p.json"));
	ok(p != NULL, "profiler started");
	pthread_create(&t, NULL, churn, NULL);
	keep = site_parent();
	for (i = 0; i < FORKS; i++) {
		pid = fork();
		if (pid == 0) {
			void *c = site_child();

			free(malloc(10));
			/* Only the last child ends its profiler. */
			if (i == FORKS - 1)
				dhat_profiler_drop(p);
			free(c);
			_exit(0);
		}
		if (pid > 0 && waitpid(pid, &st, 0) == pid &&
		    WIFEXITED(st) && WEXITSTATUS(st) == 0)
			good++;
	}
	is_int(good, FORKS, "every child allocated and exited");
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	dhat_profiler_drop(p);
	free(keep);
	ok(1, "the parent ended its profiler");
	return done_testing();
}
