/* SPDX-License-Identifier: MIT */
/*
 * run-copy-signal.c - copies made by a signal handler while the program
 * allocates, for dhat-run --mode=copy: memcpy is async-signal-safe, so a
 * handler may call it whatever it interrupted, the allocator included.
 * Each signal copies from a stack of its own (the bits of a counter
 * choose which of two functions recurses at each of 16 levels), so that
 * counting the copy makes a new program point, which needs memory.
 *
 * Usage: run-copy-signal [threads]: with "threads", a second thread
 * allocates too, holding the allocator's lock when the signal comes.
 * Prints the number of signals handled; exits 0 after 3,000.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define SIGNALS 3000
#define LEVELS 16

/* Called through a volatile pointer: a copy the compiler cannot inline. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;
static char to[64], from[64] = "signal";
static volatile sig_atomic_t handled;
static volatile int stop;

static void left(unsigned bits, int level);
static void right(unsigned bits, int level);

/* Two functions that differ only in name, so that the path through them
 * is the stack; the barrier keeps each call a call, not a jump. */
#define LEVEL(name)                                                     \
	static __attribute__((noinline)) void                           \
	name(unsigned bits, int level)                                  \
	{                                                               \
		if (level == 0)                                         \
			copy(to, from, 8);                              \
		else if (bits & 1)                                      \
			right(bits >> 1, level - 1);                    \
		else                                                    \
			left(bits >> 1, level - 1);                     \
		__asm__ __volatile__("" ::: "memory");                  \
	}
LEVEL(left)
LEVEL(right)

static void
on_alarm(int sig)
{
	(void)sig;
	left((unsigned)handled * 2654435761u, LEVELS);
	handled++;
}

/* Allocate and free blocks of many sizes until told to stop. */
static void *
churn(void *arg)
{
	void *slot[64] = { 0 };
	unsigned long i;

	for (i = 0; !stop; i++) {
		unsigned k = (unsigned)(i * 2654435761u) % 64;

		free(slot[k]);
		slot[k] = malloc(16 + i % 4000);
	}
	for (i = 0; i < 64; i++)
		free(slot[i]);
	return arg;
}

static void *
watch(void *arg)
{
	struct timespec ms = { 0, 1000000 };

	while (handled < SIGNALS)
		nanosleep(&ms, NULL);
	stop = 1;
	return arg;
}

int
main(int argc, char **argv)
{
	struct itimerval every = { { 0, 50 }, { 0, 50 } };
	sigset_t alarm;
	pthread_t other, watcher;
	int threads = argc > 1 && strcmp(argv[1], "threads") == 0;

	/* The signal goes to the main thread only. */
	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm, NULL);
	if (pthread_create(&watcher, NULL, watch, NULL) != 0 ||
	    (threads && pthread_create(&other, NULL, churn, NULL) != 0)) {
		perror("pthread_create");
		return 1;
	}
	pthread_sigmask(SIG_UNBLOCK, &alarm, NULL);
	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &every, NULL);
	churn(NULL);
	every.it_value.tv_usec = every.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &every, NULL);
	pthread_join(watcher, NULL);
	if (threads)
		pthread_join(other, NULL);
	printf("handled %d\n", handled >= SIGNALS ? SIGNALS : -1);
	return 0;
}
