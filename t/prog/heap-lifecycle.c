/* SPDX-License-Identifier: MIT */
/*
 * heap-lifecycle.c - what the profiler's lifetime covers: blocks from
 * before it (freed inside: ignored; reallocated inside: a new block at the
 * realloc site), a second profiler while one runs (NULL, EBUSY and the
 * crate's message), blocks after the drop, and a second profiler after
 * the first that counts only its own lifetime.  Profiles to argv[1] and
 * argv[2]; hut-before.c asserts the figures of the same pattern.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhat.h"
#include "tap.h"

static void *
site_rea(void *p)
{
	return realloc(p, 200);
}

static void *
site_in(void)
{
	return malloc(10);
}

static void *
site_second(void)
{
	return malloc(7);
}

int
main(int argc, char **argv)
{
	struct dhat_heap_stats s;
	struct dhat_profiler *p, *q;
	void *b1, *b2, *b3, *x, *kept;

	if (argc > 1 && strcmp(argv[1], "--stats-without-profiler") == 0) {
		/* Aborts with the crate's message. */
		s = dhat_heap_stats_get();
		return (int)s.total_blocks;
	}
	plan(13);
	ok(dhat_builder_build(NULL) == NULL && errno == ENOMEM,
	    "build(NULL) is NULL with ENOMEM");
	ok(dhat_builder_file_name(NULL, "x") == NULL, "setters accept NULL");
	ok(dhat_builder_trim_backtraces(NULL, 3) == NULL, "... trim");
	ok(dhat_builder_eprint_json(NULL) == NULL, "... eprint_json");
	ok(dhat_builder_time_unit(NULL, DHAT_TIME_BYTES) == NULL,
	    "... time_unit");
	ok(dhat_builder_ad_hoc(NULL) == NULL, "... ad_hoc");
	ok(dhat_builder_testing(NULL) == NULL, "... testing");
	dhat_profiler_drop(NULL);
	dhat_builder_free(NULL);

	b1 = malloc(50);
	b2 = malloc(60);
	b3 = malloc(70);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-lifecycle-1.json"));
	ok(p != NULL, "first profiler started");
	errno = 0;
	q = dhat_profiler_new_heap();
	ok(q == NULL && errno == EBUSY, "a second profiler: NULL, EBUSY");
	free(b1);
	b2 = site_rea(b2);
	x = site_in();
	free(x);
	kept = site_in();
	dhat_profiler_drop(p);

	/* After the drop nothing counts. */
	free(b3);
	b3 = malloc(5);
	free(b2);

	q = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 2 ? argv[2] : "heap-lifecycle-2.json"));
	ok(q != NULL, "a profiler after the first one starts");
	free(kept);
	x = site_second();
	dhat_profiler_drop(q);
	free(x);
	free(b3);

	q = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    "/nonexistent-dir/x.json"));
	ok(q != NULL, "a third profiler with an unwritable file");
	dhat_profiler_drop(q);
	q = dhat_profiler_new_heap();
	ok(q != NULL, "profilers keep starting after a write failure");
	dhat_builder_free(dhat_builder_new());
	ok(1, "a builder can be freed unbuilt");
	/* Ends without dropping q: like the crate, nothing is written. */
	return done_testing();
}
