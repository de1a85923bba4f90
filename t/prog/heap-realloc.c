/* SPDX-License-Identifier: MIT */
/*
 * heap-realloc.c - realloc and reallocarray: growing and shrinking a
 * block (it stays on its program point and keeps its birth time),
 * realloc(NULL, n), a failing realloc, realloc(p, 0).  Time is counted in
 * bytes so that the lifetimes are exact.  Profile to argv[1];
 * hut-realloc.c asserts the figures of the same pattern.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhat.h"
#include "tap.h"

static char *
site_a(void)
{
	return malloc(10);
}

static char *
site_a_grow(char *a)
{
	return realloc(a, 100);
}

static char *
site_a_shrink(char *a)
{
	return realloc(a, 50);
}

static char *
site_b(void)
{
	return realloc(NULL, 20);
}

static char *
site_c(void)
{
	return malloc(30);
}

static char *
site_d(void)
{
	return reallocarray(NULL, 4, 8);
}

/* Failing calls, out of the compiler's sight (it warns about constant
 * impossible sizes and about using a pointer after realloc). */
static volatile size_t huge = SIZE_MAX - 4096;

static void *
try_realloc(void *p, size_t n)
{
	return realloc(p, n);
}

static void *
try_reallocarray(void *p, size_t m, size_t n)
{
	return reallocarray(p, m, n);
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	char *a, *b, *c, *d, *q;

	plan(10);
	p = dhat_builder_build(dhat_builder_time_unit(dhat_builder_file_name(
	    dhat_builder_new(), argc > 1 ? argv[1] : "heap-realloc.json"),
	    DHAT_TIME_BYTES));
	ok(p != NULL, "profiler started");
	a = site_a();
	memcpy(a, "012345678", 10);
	a = site_a_grow(a);
	ok(strcmp(a, "012345678") == 0, "realloc keeps the contents");
	a = site_a_shrink(a);
	b = site_b();
	errno = 0;
	q = try_realloc(b, huge);
	ok(q == NULL && errno == ENOMEM, "huge realloc fails with ENOMEM");
	c = site_c();
	q = realloc(c, 0);
	ok(q == NULL, "realloc(p, 0) frees and returns NULL");
	free(b);
	free(a);
	d = site_d();
	errno = 0;
	q = try_reallocarray(d, huge, 2);
	ok(q == NULL && errno == ENOMEM, "overflowing reallocarray: ENOMEM");
	free(d);
	dhat_profiler_drop(p);

	/* Outside a profiler every function still works. */
	a = realloc(NULL, 8);
	ok(a != NULL, "realloc(NULL) without a profiler");
	a = realloc(a, 4000);
	ok(a != NULL, "realloc grows without a profiler");
	d = reallocarray(a, 10, 10);
	ok(d != NULL, "reallocarray without a profiler");
	errno = 0;
	ok(try_reallocarray(d, huge, 4) == NULL && errno == ENOMEM,
	    "reallocarray overflow without a profiler");
	ok(try_realloc(d, 0) == NULL, "realloc(p, 0) without a profiler");
	return done_testing();
}
