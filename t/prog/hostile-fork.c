/* SPDX-License-Identifier: MIT */
/*
 * hostile-fork.c - fork, many times, while eight threads allocate and
 * free.  libdhat holds its lock over fork, so no child inherits it taken.
 * Each child allocates 10 blocks of 100 bytes and checks that its figures
 * grew by exactly that, then ends with _exit (no profile).  A watchdog in
 * parent and child ends a deadlock.  argv[1]: the profile.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhat.h"

#define NTHREADS 8
#define NFORKS 50

static volatile int stop;

static void *
churn(void *arg)
{
	unsigned long i = 0;

	(void)arg;
	while (!stop) {
		void *p = malloc(i++ % 200 + 1);

		free(realloc(p, 300));
	}
	return NULL;
}

static int
child(void)
{
	struct dhat_heap_stats a, b;
	void *p[10];
	int i;

	alarm(20);
	a = dhat_heap_stats_get();
	for (i = 0; i < 10; i++)
		p[i] = malloc(100);
	b = dhat_heap_stats_get();
	for (i = 0; i < 10; i++)
		free(p[i]);
	if (b.total_blocks - a.total_blocks != 10 ||
	    b.total_bytes - a.total_bytes != 1000 ||
	    b.curr_blocks - a.curr_blocks != 10 ||
	    b.curr_bytes - a.curr_bytes != 1000)
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *prof;
	pthread_t t[NTHREADS];
	int i, bad = 0, status;
	pid_t pid;

	alarm(120);
	prof = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-fork.json"));
	if (prof == NULL)
		return 2;
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (i = 0; i < NFORKS; i++) {
		pid = fork();
		if (pid == 0)
			_exit(child());
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	}
	stop = 1;
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	dhat_profiler_drop(prof);
	printf("children with wrong figures or no clean exit: %d of %d\n",
	    bad, NFORKS);
	return bad != 0;
}
