/* SPDX-License-Identifier: MIT */
/*
 * heap-basic.c - malloc and free with known figures: a block kept to the
 * end, one freed after making the peak, three short-lived small blocks and
 * a zero-sized one.  Profile to argv[1]; hut-malloc.c asserts the
 * figures of the same pattern.
 */
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

static void *
site_keep(void)
{
	return malloc(100);
}

static void *
site_temp(void)
{
	return malloc(1000);
}

static void *
site_small(void)
{
	return malloc(16);
}

static void *
site_zero(void)
{
	return malloc(0);
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	void *keep, *t, *z;
	int i;

	plan(2);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-basic.json"));
	ok(p != NULL, "profiler started");
	keep = site_keep();
	t = site_temp();
	free(t);
	for (i = 0; i < 3; i++)
		free(site_small());
	z = site_zero();
	ok(z != NULL, "malloc(0) returns a block");
	free(z);
	free(NULL);
	dhat_profiler_drop(p);
	(void)keep;
	return done_testing();
}
