/* SPDX-License-Identifier: MIT */
/*
 * hostile-stress.c - four threads make ITERS mixed allocations each
 * (malloc, calloc, realloc, free), and hand blocks over to one another
 * through a locked queue, so that many blocks are freed by a thread that
 * did not allocate them.  The program keeps its own plain counters of
 * what the heap figures must be, and compares them with
 * dhat_heap_stats_get() at the end: totals and live figures are exact.
 * A watchdog alarm ends a deadlocked run.  argv[1]: the profile's name;
 * argv[2]: ITERS per thread (default 1,000,000).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "dhat.h"
#include "tap.h"
#include "xorshift.h"

#define NTHREADS 4
#define STASH 64
#define QUEUE 1024

struct blk {
	void *p;
	size_t size;
};

/* What one thread did, in the profiler's terms. */
struct tally {
	uint64_t total_blocks, total_bytes;
	int64_t curr_blocks, curr_bytes;  /* may go negative per thread */
	uint64_t handed, taken;
};

static struct {
	pthread_mutex_t lock;
	struct blk q[QUEUE];
	size_t head, n;
} queue = { PTHREAD_MUTEX_INITIALIZER, { { NULL, 0 } }, 0, 0 };

static pthread_barrier_t start, done;
static unsigned long iters = 1000000;
static struct blk stash[NTHREADS][STASH];
static size_t nstash[NTHREADS];
static struct tally tallies[NTHREADS];

static int
give(struct blk b)
{
	int ok_ = 0;

	pthread_mutex_lock(&queue.lock);
	if (queue.n < QUEUE) {
		queue.q[(queue.head + queue.n++) % QUEUE] = b;
		ok_ = 1;
	}
	pthread_mutex_unlock(&queue.lock);
	return ok_;
}

static int
take(struct blk *b)
{
	int ok_ = 0;

	pthread_mutex_lock(&queue.lock);
	if (queue.n > 0) {
		*b = queue.q[queue.head];
		queue.head = (queue.head + 1) % QUEUE;
		queue.n--;
		ok_ = 1;
	}
	pthread_mutex_unlock(&queue.lock);
	return ok_;
}

static void
counted_free(struct tally *t, struct blk b)
{
	free(b.p);
	t->curr_blocks--;
	t->curr_bytes -= (int64_t)b.size;
}

static void *
worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	struct tally *t = &tallies[id];
	struct blk *st = stash[id];
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1);
	unsigned long i;
	size_t *n = &nstash[id];

	pthread_barrier_wait(&start);
	for (i = 0; i < iters; i++) {
		uint64_t r = xorshift64(&rng);
		unsigned op = (unsigned)(r % 100);
		size_t size = (size_t)(r >> 32) % 512;
		struct blk b;

		if (op < 30 && *n < STASH) {
			b.p = op < 25 ? malloc(size) : calloc(1, size);
			if (b.p == NULL)
				abort();
			b.size = size;
			st[(*n)++] = b;
			t->total_blocks++;
			t->total_bytes += size;
			t->curr_blocks++;
			t->curr_bytes += (int64_t)size;
		} else if (op < 45 && *n > 0) {
			struct blk *e = &st[r % *n];
			void *q;

			size = size + 1;      /* realloc(p, 0) would free */
			q = realloc(e->p, size);
			if (q == NULL)
				abort();
			t->total_blocks++;
			t->total_bytes += size;
			t->curr_bytes += (int64_t)size - (int64_t)e->size;
			e->p = q;
			e->size = size;
		} else if (op < 65 && *n > 0) {
			size_t k = r % *n;

			counted_free(t, st[k]);
			st[k] = st[--*n];
		} else if (op < 85 && *n > 0) {
			size_t k = r % *n;

			if (give(st[k])) {
				st[k] = st[--*n];
				t->handed++;
			}
		} else if (take(&b)) {
			/* Freed by a thread that did not allocate it. */
			counted_free(t, b);
			t->taken++;
		}
	}
	pthread_barrier_wait(&done);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t th[NTHREADS];
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	struct tally sum = { 0, 0, 0, 0, 0, 0 };
	int i;

	alarm(600);     /* a deadlock ends the run */
	if (argc > 2)
		iters = strtoul(argv[2], NULL, 10);
	plan(8);
	pthread_barrier_init(&start, NULL, NTHREADS + 1);
	pthread_barrier_init(&done, NULL, NTHREADS + 1);
	/* Threads exist before the profiler starts and are joined after it
	 * ends, so pthread's own allocations stay out of the figures. */
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-stress.json"));
	ok(p != NULL, "profiler started");
	pthread_barrier_wait(&start);
	pthread_barrier_wait(&done);
	for (i = 0; i < NTHREADS; i++) {
		sum.total_blocks += tallies[i].total_blocks;
		sum.total_bytes += tallies[i].total_bytes;
		sum.curr_blocks += tallies[i].curr_blocks;
		sum.curr_bytes += tallies[i].curr_bytes;
		sum.handed += tallies[i].handed;
		sum.taken += tallies[i].taken;
	}
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, sum.total_blocks, "total blocks");
	is_uint(s.total_bytes, sum.total_bytes, "total bytes");
	is_uint(s.curr_blocks, (uint64_t)sum.curr_blocks, "live blocks");
	is_uint(s.curr_bytes, (uint64_t)sum.curr_bytes, "live bytes");
	ok(s.max_bytes >= s.curr_bytes, "peak at least the live bytes");
	ok(sum.taken > 0 && sum.taken + queue.n == sum.handed,
	    "blocks crossed threads (%llu freed by another thread)",
	    (unsigned long long)sum.taken);
	diag("%lu operations per thread, %llu blocks allocated",
	    iters, (unsigned long long)sum.total_blocks);
	dhat_profiler_drop(p);
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		while (nstash[i] > 0)
			free(stash[i][--nstash[i]].p);
	}
	while (queue.n > 0) {
		free(queue.q[queue.head].p);
		queue.head = (queue.head + 1) % QUEUE;
		queue.n--;
	}
	ok(1, "no deadlock");
	return done_testing();
}
