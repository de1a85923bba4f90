/* SPDX-License-Identifier: MIT */
/*
 * threads.c - allocator stress from several threads at once, for bench/.
 *
 * Usage: threads [THREADS [PAIRS]]  (defaults: 2 threads, 2,000,000 pairs)
 *
 * PAIRS malloc/free pairs in all, split evenly between THREADS threads
 * that run at the same time, so "threads 1 N" and "threads 2 N" do the
 * same total work: the profiler should slow two threads down, against
 * one thread doing the same work, no more than it slows one.  Each
 * thread allocates through 4 call paths, keeps a small ring of live
 * blocks (so the live table and the peak move) and frees the rest at
 * once.  Each thread keeps what it computes in a variable of its own
 * and adds it to the shared total once, at its end: a variable that all
 * threads wrote at every allocation would make them exchange its cache
 * line all along, so that the workload would measure that exchange as
 * much as the allocator and the profiler.  Build: gcc -O2
 * -g -fno-omit-frame-pointer -pthread.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define RING 32
#define MAX_THREADS 64

/* Keeps the calls' results alive: one per thread (see above). */
static __thread volatile uint64_t sink;
static uint64_t total;

static inline uint64_t
next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static __attribute__((noinline)) void *
leaf(size_t n)
{
	char *p = malloc(n);

	if (p == NULL) {
		perror("malloc");
		exit(1);
	}
	p[0] = (char)n;
	return p;
}

static __attribute__((noinline)) void *
mid(size_t n)
{
	void *p = leaf(n);

	sink += (uintptr_t)p & 1;
	return p;
}

static __attribute__((noinline)) void *
top(size_t n)
{
	void *p = mid(n);

	sink += (uintptr_t)p & 2;
	return p;
}

static __attribute__((noinline)) void *
zeroed(size_t n)
{
	void *p = calloc(1, n);

	if (p == NULL) {
		perror("calloc");
		exit(1);
	}
	return p;
}

struct job {
	long pairs;
	uint64_t seed;
};

static void *
work(void *arg)
{
	struct job *j = arg;
	void *ring[RING] = { 0 };
	uint64_t s = j->seed;
	long i;

	for (i = 0; i < j->pairs; i++) {
		uint64_t r = next(&s);
		size_t n = 16 + (r >> 8) % 240;
		void *p;

		switch (r & 3) {
		case 0: p = leaf(n); break;
		case 1: p = mid(n); break;
		case 2: p = top(n); break;
		default: p = zeroed(n); break;
		}
		if ((i & 3) == 0) {
			unsigned k = (unsigned)(r >> 40) % RING;

			free(ring[k]);
			ring[k] = p;
		} else {
			free(p);
		}
	}
	for (i = 0; i < RING; i++)
		free(ring[i]);
	__atomic_fetch_add(&total, sink, __ATOMIC_RELAXED);
	return NULL;
}

int
main(int argc, char **argv)
{
	int nt = argc > 1 ? atoi(argv[1]) : 2;
	long pairs = argc > 2 ? atol(argv[2]) : 2000000L;
	pthread_t tid[MAX_THREADS];
	struct job jobs[MAX_THREADS];
	int t;

	if (nt < 1 || nt > MAX_THREADS || pairs < 0) {
		fprintf(stderr, "usage: threads [1..%d [PAIRS]]\n",
		    MAX_THREADS);
		return 2;
	}
	for (t = 0; t < nt; t++) {
		jobs[t].pairs = pairs / nt + (t < pairs % nt);
		jobs[t].seed = 0x9E3779B97F4A7C15ull * (uint64_t)(t + 1);
		if (pthread_create(&tid[t], NULL, work, &jobs[t]) != 0) {
			perror("pthread_create");
			return 1;
		}
	}
	for (t = 0; t < nt; t++)
		pthread_join(tid[t], NULL);
	printf("threads=%d pairs=%ld sink=%llu\n", nt, pairs,
	    (unsigned long long)(total & 1));
	return 0;
}
