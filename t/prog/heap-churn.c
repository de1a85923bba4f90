/* SPDX-License-Identifier: MIT */
/*
 * heap-churn.c - profilers start and end, twenty times, while three other
 * threads allocate, reallocate and free without pause: no crash, no lost
 * lock, and each profile counts exactly the main thread's own blocks at
 * its site.  The last profile goes to argv[1].
 */
#include <pthread.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

#define CYCLES 20
#define PER_CYCLE 1000

static int stop;
/* Per thread: the blocks escape here so -O2 keeps them. */
static __thread void *volatile sink;

static void *
churn(void *arg)
{
	void *keep[64] = { 0 };
	unsigned i = 0, k;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		k = i++ % 64;
		keep[k] = realloc(keep[k], i % 300);
		sink = malloc(i % 50);
		free(sink);
	}
	for (k = 0; k < 64; k++)
		free(keep[k]);
	return NULL;
}

static void *
churn_site(void)
{
	return malloc(10);
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	pthread_t t[3];
	int i, r, k, fails = 0;

	plan(2);
	for (i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	for (r = 0; r < CYCLES; r++) {
		p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
		    r == CYCLES - 1 && argc > 1 ? argv[1] : "/dev/null"));
		if (p == NULL)
			fails++;
		for (k = 0; k < PER_CYCLE; k++) {
			sink = churn_site();
			free(sink);
		}
		if (dhat_heap_stats_get().total_blocks < PER_CYCLE)
			fails++;
		dhat_profiler_drop(p);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	is_int(fails, 0, "%d profilers started and counted", CYCLES);
	ok(1, "no crash or hang with threads allocating across drops");
	return done_testing();
}
