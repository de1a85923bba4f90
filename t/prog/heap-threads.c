/* SPDX-License-Identifier: MIT */
/*
 * heap-threads.c - threads allocate and free at the same time; the
 * totals are exact.  Profile to argv[1]; argv[2] threads (default 4, at
 * most 64: with many, more logs have entries waiting at once than the
 * merge keeps track of).
 */
#include <pthread.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

#define MAX_THREADS 64
#define ITERS 20000

/* Threads are created before the profiler starts and joined after it
 * ends: pthread_create's own allocations (the TLS vector) stay out. */
static pthread_barrier_t start, done;

static void *
worker(void *arg)
{
	void *keep[ITERS / 2];
	void *last;
	size_t i, n = 0;

	(void)arg;
	pthread_barrier_wait(&start);
	for (i = 0; i < ITERS; i++) {
		void *q = malloc(i % 64 + 1);

		if (i % 2 == 0)
			free(q);
		else
			keep[n++] = q;
		if (i % 7 == 0) {
			q = realloc(NULL, 8);
			free(q);
		}
	}
	while (n > 0)
		free(keep[--n]);
	last = malloc(1000);
	pthread_barrier_wait(&done);
	return last;
}

int
main(int argc, char **argv)
{
	struct dhat_heap_stats s;
	struct dhat_profiler *p;
	pthread_t t[MAX_THREADS];
	void *ret[MAX_THREADS];
	unsigned long long bytes = 0, blocks = 0;
	int i, k, nthreads = argc > 2 ? atoi(argv[2]) : 4;

	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	plan(5);
	pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
	pthread_barrier_init(&done, NULL, (unsigned)nthreads + 1);
	for (i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, NULL);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-threads.json"));
	ok(p != NULL, "profiler started");
	pthread_barrier_wait(&start);
	pthread_barrier_wait(&done);
	for (k = 0; k < ITERS; k++) {
		bytes += (unsigned)(k % 64 + 1);
		blocks++;
		if (k % 7 == 0) {
			bytes += 8;
			blocks++;
		}
	}
	bytes = bytes * (unsigned)nthreads + 1000 * (unsigned)nthreads;
	blocks = blocks * (unsigned)nthreads + (unsigned)nthreads;
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, blocks, "total blocks of the threads");
	is_uint(s.total_bytes, bytes, "total bytes of the threads");
	is_uint(s.curr_blocks, (unsigned)nthreads, "current blocks");
	is_uint(s.curr_bytes, 1000 * (unsigned)nthreads, "current bytes");
	dhat_profiler_drop(p);
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], &ret[i]);
		free(ret[i]);
	}
	return done_testing();
}
