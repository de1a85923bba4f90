/* SPDX-License-Identifier: MIT */
/*
 * heap-calloc.c - calloc: a kept block, an overflowing request (nothing
 * counted) and a zero-sized block that makes a later peak of equal bytes
 * (the latest peak wins).  Profile to argv[1]; hut-calloc.c asserts the
 * figures of the same pattern.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

static void *
site_calloc(void)
{
	return calloc(4, 8);
}

static void *
site_czero(void)
{
	return calloc(0, 5);
}

/* Out of the compiler's sight: it rejects constant impossible sizes. */
static volatile size_t half = SIZE_MAX / 2;

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	unsigned char *c;
	void *z, *big;
	int i, zeroed = 1;

	plan(4);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-calloc.json"));
	ok(p != NULL, "profiler started");
	c = site_calloc();
	for (i = 0; i < 32; i++)
		zeroed &= c[i] == 0;
	ok(zeroed, "calloc'd memory is zeroed");
	errno = 0;
	big = calloc(half, 4);
	ok(big == NULL && errno == ENOMEM, "overflowing calloc fails, ENOMEM");
	z = site_czero();
	ok(z != NULL, "calloc(0, 5) returns a block");
	free(z);
	dhat_profiler_drop(p);
	free(c);
	return done_testing();
}
