/* SPDX-License-Identifier: MIT */
/*
 * hostile-thread-exit.c - a thread calls exit() while main waits for it.
 * The profiler is dropped from an atexit handler, which then runs on the
 * exiting thread: the profile is written once, with main's and the
 * thread's allocations, and the exit status is the thread's.
 * argv[1]: the profile.
 */
#include <pthread.h>
#include <stdlib.h>

#include "dhat.h"

static struct dhat_profiler *prof;

static void
drop(void)
{
	dhat_profiler_drop(prof);
}

static void *
leaver(void *arg)
{
	(void)arg;
	malloc(300);                /* live at the end */
	free(malloc(200));
	exit(5);
}

int
main(int argc, char **argv)
{
	pthread_t t;

	prof = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-thread-exit.json"));
	if (prof == NULL)
		return 2;
	atexit(drop);
	free(malloc(1000));
	malloc(10);                 /* live at the end */
	/* Thread creation allocates too (its TLS vector): counted. */
	pthread_create(&t, NULL, leaver, NULL);
	pthread_join(t, NULL);
	return 0;
}
