/* SPDX-License-Identifier: MIT */
/*
 * heap-order.c - operations of several threads, ordered by the program's
 * own synchronisation, are counted in that order: the peak and each
 * program point's share of it are exact although the threads log their
 * operations separately (lib/oplog.c).  Also a log that fills up, a free
 * of another thread's block, a thread that ends with operations still
 * in its log and a new thread after it.  Profile to argv[1].
 */
#include <pthread.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

#define NA 1500         /* more than a log holds (DHAT__LOG_N) */
#define NB 5

static pthread_barrier_t step, go_e;

/* The unit of phase 0's next run, 0 after the second (see phase0_a). */
static __attribute__((noinline)) size_t
next_unit(size_t unit)
{
	return unit == 0 ? 10 : unit == 10 ? 100 : 0;
}
static void *a_blocks[NA], *b_blocks[NB];

static void
sync_step(void)
{
	pthread_barrier_wait(&step);
}

/* One function per allocation site, so that each is a program point of
 * its own (noinline: the stack tells them apart). */
#define SITE(name, units)                                                      \
	static __attribute__((noinline)) void *name(size_t unit)               \
	{                                                                      \
		return malloc((units) * unit);                                 \
	}

SITE(site_x, 5)
SITE(site_y, 3)
SITE(site_z, 4)
SITE(site_a, 10)
SITE(site_b, 1000)
SITE(site_c, 7000)
SITE(site_d, 1)
SITE(site_e, 2)

/*
 * Phase 0, run twice from the same place: the first time (UNIT 10) fills
 * the threads' stack caches, so that the second (UNIT 100) is logged, and
 * each operation stays in its thread's log until main asks.  Only their
 * order across the logs gives the peak of 800 bytes (X and Y); applied
 * log by log it would be 700 or 1,200.
 */
static __attribute__((noinline)) void
phase0_a(size_t unit)
{
	void *x = site_x(unit);

	sync_step();                            /* 0.1: X */
	sync_step();                            /* 0.2: Y */
	free(x);
	sync_step();                            /* 0.3: X freed */
	sync_step();                            /* 0.4: Z */
	sync_step();                            /* 0.5: main looked */
	sync_step();                            /* 0.6: Y, Z freed */
}

static __attribute__((noinline)) void
phase0_b(size_t unit)
{
	void *y, *z;

	sync_step();                            /* 0.1 */
	y = site_y(unit);
	sync_step();                            /* 0.2 */
	sync_step();                            /* 0.3 */
	z = site_z(unit);
	sync_step();                            /* 0.4 */
	sync_step();                            /* 0.5 */
	free(y);
	free(z);
	sync_step();                            /* 0.6 */
}

static void *
thread_a(void *arg)
{
	void *d[100];
	int i;

	size_t unit = 0;

	(void)arg;
	sync_step();                            /* 0: the profiler runs */
	/* One call site for both runs: the stack cache is keyed by it. */
	while ((unit = next_unit(unit)) != 0)
		phase0_a(unit);
	sync_step();                            /* 1: start */
	for (i = 0; i < NA; i++)
		a_blocks[i] = site_a(1);
	sync_step();                            /* 2: A's blocks */
	sync_step();                            /* 3: B's blocks */
	sync_step();                            /* 4: main looked */
	for (i = 0; i < NA; i++)
		free(a_blocks[i]);
	for (i = 0; i < NB; i++)
		free(b_blocks[i]);              /* B's, freed here */
	sync_step();                            /* 5: all freed */
	sync_step();                            /* 5.5: main looked */
	sync_step();                            /* 6: B's big block */
	sync_step();                            /* 7: main looked */
	/* Ends with these still in its log. */
	for (i = 0; i < 100; i++)
		d[i] = site_d(1);
	for (i = 0; i < 50; i++)
		free(d[i]);
	return d[99];
}

static void *
thread_b(void *arg)
{
	size_t unit = 0;
	void *c;
	int i;

	(void)arg;
	sync_step();                            /* 0 */
	while ((unit = next_unit(unit)) != 0)
		phase0_b(unit);
	sync_step();                            /* 1 */
	sync_step();                            /* 2 */
	for (i = 0; i < NB; i++)
		b_blocks[i] = site_b(1);
	sync_step();                            /* 3 */
	sync_step();                            /* 4 */
	sync_step();                            /* 5 */
	sync_step();                            /* 5.5 */
	c = site_c(1);
	sync_step();                            /* 6 */
	sync_step();                            /* 7 */
	free(c);
	return NULL;
}

static void *
thread_e(void *arg)
{
	void *e[400];
	int i;

	(void)arg;
	pthread_barrier_wait(&go_e);
	for (i = 0; i < 400; i++)
		e[i] = site_e(1);
	for (i = 0; i < 400; i++)
		free(e[i]);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct dhat_heap_stats s;
	struct dhat_profiler *p;
	pthread_t a, b, e;
	void *ra, *rb;
	unsigned k;

	plan(21);
	pthread_barrier_init(&step, NULL, 3);
	pthread_barrier_init(&go_e, NULL, 2);
	/* The threads exist before the profiler starts (pthread_create's
	 * own allocations stay out), so the process logs from the first
	 * counted operation on. */
	pthread_create(&a, NULL, thread_a, NULL);
	pthread_create(&b, NULL, thread_b, NULL);
	pthread_create(&e, NULL, thread_e, NULL);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-order.json"));
	ok(p != NULL, "profiler started");
	sync_step();                            /* 0 */
	for (k = 0; k < 2; k++) {
		sync_step();                    /* 0.1 */
		sync_step();                    /* 0.2 */
		sync_step();                    /* 0.3 */
		sync_step();                    /* 0.4 */
		s = dhat_heap_stats_get();
		sync_step();                    /* 0.5 */
		sync_step();                    /* 0.6 */
	}
	is_uint(s.max_bytes, 800, "phase 0: the peak of the program's order");
	is_uint(s.max_blocks, 2, "phase 0: X and Y at the peak");
	is_uint(s.curr_bytes, 700, "phase 0: Y and Z live");
	sync_step();                            /* 1 */
	sync_step();                            /* 2 */
	sync_step();                            /* 3 */
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, 6 + NA + NB, "A's and B's blocks counted");
	is_uint(s.curr_bytes, NA * 10 + NB * 1000, "all of them live");
	is_uint(s.max_bytes, NA * 10 + NB * 1000, "the peak so far");
	is_uint(s.max_blocks, NA + NB, "... in 1,505 blocks");
	sync_step();                            /* 4 */
	sync_step();                            /* 5 */
	s = dhat_heap_stats_get();
	is_uint(s.curr_bytes, 0, "A freed its own blocks and B's");
	is_uint(s.curr_blocks, 0, "no block live");
	sync_step();                            /* 5.5 */
	sync_step();                            /* 6 */
	s = dhat_heap_stats_get();
	is_uint(s.curr_bytes, 7000, "B's big block live");
	is_uint(s.max_bytes, NA * 10 + NB * 1000,
	    "below the earlier peak, which stays");
	sync_step();                            /* 7 */
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, 6 + NA + NB + 1 + 100,
	    "A's last blocks, logged as it ended, counted");
	is_uint(s.curr_blocks, 50, "its 50 live ones");
	is_uint(s.curr_bytes, 50, "... of a byte each");
	/* A thread that logs for the first time after another ended. */
	pthread_barrier_wait(&go_e);
	pthread_join(e, NULL);
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, 6 + NA + NB + 1 + 100 + 400,
	    "a thread made after one ended counts");
	is_uint(s.total_bytes,
	    1320 + NA * 10 + NB * 1000 + 7000 + 100 + 800,
	    "total bytes");
	is_uint(s.curr_blocks, 50, "its blocks all freed");
	is_uint(s.max_bytes, NA * 10 + NB * 1000, "t-gmax bytes");
	is_uint(s.max_blocks, NA + NB, "t-gmax blocks");
	dhat_profiler_drop(p);
	free(ra);
	free(rb);
	ok(1, "profiler dropped");
	return done_testing();
}
