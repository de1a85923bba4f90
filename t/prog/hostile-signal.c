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
 * call dhat_heap_stats_get(), which holds the lock, guarded too.  A
 * handler that interrupts glibc's malloc itself (the program's call, or
 * libdhat's own inside it) would wait forever for the arena lock its
 * thread holds, with or without libdhat: the program marks its calls
 * into the allocator, and a handler that finds the mark allocates
 * nothing.
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
static __thread volatile sig_atomic_t in_malloc;
static volatile sig_atomic_t stop;
static unsigned long loops = 200000;
static unsigned long counted[2];

static void
handler(int sig)
{
	void *p;

	(void)sig;
	handled++;
	if (in_malloc)
		return;
	p = malloc(24);
	free(p);
}

/*
 * Before a thread ends: no handler may run while glibc tears the thread
 * down, which holds malloc's own arena list lock (a handler's malloc then
 * waits for it forever, with or without libdhat).  That is outside what
 * this program tests.
 */
static void
quiet(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGVTALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void *
allocator(void *arg)
{
	unsigned long i, *n = arg;

	for (i = 0; i < loops; i++) {
		void *p;

		in_malloc = 1;
		p = malloc(i % 100 + 1);
		free(p);
		in_malloc = 0;
		(*n)++;
		/* A handler may also interrupt a statistics call, which
		 * holds libdhat's lock. */
		if (i % 16 == 0)
			(void)dhat_heap_stats_get();
	}
	quiet();
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
	quiet();
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
	in_malloc = 1;		/* pthread_create allocates */
	pthread_create(&a, NULL, allocator, &counted[1]);
	pthread_create(&b, NULL, pester, &a);
	in_malloc = 0;
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
