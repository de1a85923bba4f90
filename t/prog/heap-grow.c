/* SPDX-License-Identifier: MIT */
/*
 * heap-grow.c - a million blocks of random sizes, a quarter of them freed
 * again at random while the others are allocated, then reallocated and
 * freed in random order: the live table grows in place several times
 * (lib/live_table.c) with blocks freed between growths, and every block
 * must still be found.  The statistics are compared with the program's
 * own count every 100,000 allocations.  Profile to argv[1].
 */
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"
#include "xorshift.h"

#define N 1000000
#define EVERY 100000

static uint64_t rs = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	return xorshift64(&rs);
}

static void *v[N];
static size_t sz[N];
static size_t live, bytes;

static void
drop(size_t k)
{
	if (v[k] == NULL)
		return;
	free(v[k]);
	v[k] = NULL;
	live--;
	bytes -= sz[k];
}

/* Whether the profiler's current figures are the program's. */
static int
agrees(void)
{
	struct dhat_heap_stats s = dhat_heap_stats_get();

	return s.curr_blocks == live && s.curr_bytes == bytes;
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	size_t i, k;
	int good = 1;

	plan(5);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-grow.json"));
	ok(p != NULL, "profiler started");
	for (i = 0; i < N; i++) {
		sz[i] = rnd() % 200;
		if ((v[i] = malloc(sz[i])) == NULL)
			return 1;
		live++;
		bytes += sz[i];
		if (rnd() % 4 == 0)
			drop(rnd() % (i + 1));
		if (i % EVERY == EVERY - 1)
			good &= agrees();
	}
	ok(good, "the live blocks agree at every 100,000 allocations");
	for (i = 0; i < N; i += 7) {
		size_t n = rnd() % 300 + 1;
		void *q;

		if (v[i] == NULL || (q = realloc(v[i], n)) == NULL)
			continue;
		bytes = bytes - sz[i] + n;
		sz[i] = n;
		v[i] = q;
	}
	ok(agrees(), "... and after every 7th is reallocated");
	for (i = 0; i < N; i++) {
		k = rnd() % N;
		drop(k);
	}
	for (i = 0; i < N; i++)
		drop(i);
	ok(agrees() && live == 0, "all found at their free");
	dhat_profiler_drop(p);
	ok(1, "profiler dropped");
	return done_testing();
}
