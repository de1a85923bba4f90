/* SPDX-License-Identifier: MIT */
/*
 * hostile-signal.c - signal handlers that allocate.  A timer interrupts
 * the main thread, which allocates in a loop, and a second thread sends
 * SIGUSR1 to a third that also allocates; both handlers call malloc and
 * free.  glibc's malloc is not async-signal-safe, so this program is
 * already on thin ice without libdhat; with it, a handler that interrupts
 * libdhat itself finds the thread's guard set and goes straight to glibc
 * (uncounted), and a handler on a thread outside libdhat waits for the
 * lock like any other caller: no deadlock either way.  The loops also
 * call dhat_heap_stats_get(), which holds the lock, guarded too.
 * argv[1]: the profile; argv[2]: loop count.  Prints the blocks it
 * allocated.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

#include "dhat.h"

static volatile sig_atomic_t handled;
static volatile sig_atomic_t stop;
static unsigned long loops = 200000;
static unsigned long counted[2];

static void
handler(int sig)
{
	void *p = malloc(24);

	(void)sig;
	free(p);
	handled++;
}

static void *
allocator(void *arg)
{
	unsigned long i, *n = arg;

	for (i = 0; i < loops; i++) {
		void *p = malloc(i % 100 + 1);

		free(p);
		(*n)++;
		/* A handler may also interrupt a statistics call, which
		 * holds libdhat's lock. */
		if (i % 16 == 0)
			(void)dhat_heap_stats_get();
	}
	return NULL;
}

static void *
pester(void *arg)
{
	pthread_t *victim = arg;

	while (!stop) {
		pthread_kill(*victim, SIGUSR1);
		usleep(50);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct itimerval it = { { 0, 100 }, { 0, 100 } };
	struct sigaction sa;
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	pthread_t a, b;

	alarm(120);     /* watchdog: SIGALRM is not the timer's signal */
	if (argc > 2)
		loops = strtoul(argv[2], NULL, 10);
	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-signal.json"));
	if (p == NULL)
		return 2;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	pthread_create(&a, NULL, allocator, &counted[1]);
	pthread_create(&b, NULL, pester, &a);
	allocator(&counted[0]);
	pthread_join(a, NULL);
	stop = 1;
	pthread_join(b, NULL);
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	s = dhat_heap_stats_get();
	dhat_profiler_drop(p);
	/* Handlers that interrupted libdhat were not counted; the others
	 * were, and so were thread stacks and the like. */
	printf("loop blocks: %lu\n", counted[0] + counted[1]);
	printf("handled: %s\n", handled > 0 ? "yes" : "no");
	printf("counted at least the loops: %s\n",
	    s.total_blocks >= counted[0] + counted[1] ? "yes" : "no");
	printf("counted at most loops + handlers + 64: %s\n",
	    s.total_blocks <= counted[0] + counted[1] +
	    (unsigned long)handled + 64 ? "yes" : "no");
	return 0;
}
