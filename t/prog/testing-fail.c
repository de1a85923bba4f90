/* SPDX-License-Identifier: MIT */
/*
 * testing-fail.c - assertions that fail and misuse that aborts, one case
 * per run: `testing-fail CASE`.  Profiles go to the default files
 * (dhat-heap.json, dhat-ad-hoc.json).  The "...-after" cases catch the
 * first abort with a SIGABRT handler and carry on, as a Rust test catches
 * the crate's panic.  1011 checks the exit status, the messages and the
 * profiles.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhat.h"

static void *keep, *late;

static void *
site_keep(void)
{
	return malloc(1000);
}

static void *
site_temp(void)
{
	return malloc(24);
}

/* Called for the failure message, so after the profile was written: its
 * block must not be in the profile. */
static const char *
site_late(void)
{
	late = malloc(50);
	return "";
}

static void
site_event(uint64_t weight)
{
	dhat_ad_hoc_event(weight);
}

static struct dhat_profiler *
testing(void)
{
	return dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
}

/* The heap profile of every failing heap case: 1,024 bytes in 2 blocks
 * at t-gmax, 1,000 bytes in 1 block at the end. */
static struct dhat_heap_stats
setup(void)
{
	(void)testing();
	keep = site_keep();
	free(site_temp());
	return dhat_heap_stats_get();
}

/* Out of the optimiser's sight: unrolled, the loop would make a program
 * point per copy of the call. */
static volatile int two = 2;

static sigjmp_buf env;

static void
on_abort(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

/* Fail the heap assertion "curr_bytes == 999" with abort() caught. */
static void
fail_caught(struct dhat_heap_stats s)
{
	signal(SIGABRT, on_abort);
	if (sigsetjmp(env, 1) == 0) {
		DHAT_ASSERT_EQ(s.curr_bytes, 999);
		exit(1);
	}
	signal(SIGABRT, SIG_DFL);
}

static int calls;

static int
counted(int v)
{
	calls++;
	return v;
}

/* Each operand once, in order; the message only on failure. */
static void
evaluate_once(void)
{
	int i = 0, j = 0, m = 0, n = 3;

	(void)testing();
	DHAT_ASSERT(counted(1) == 1, "%d", m++);
	DHAT_ASSERT_EQ(counted(2), counted(2), "%d", m++);
	DHAT_ASSERT_NE(i++, 5);
	DHAT_ASSERT_EQ(j++, 0, "%d", m++);
	/* The operand is 3; the message, evaluated after it, sees 4. */
	DHAT_ASSERT_EQ(n++, 10, "calls %d, i %d, j %d, m %d, n %d", calls, i,
	    j, m, n);
}

int
main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	const char *name = "a,c";
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	int8_t i8 = -128;
	int i;

	/* Failing assertions: the profile, the message, abort(). */
	if (strcmp(c, "eq") == 0) {
		s = setup();
		DHAT_ASSERT_EQ(s.curr_bytes, 999);
	} else if (strcmp(c, "eq-msg") == 0) {
		s = setup();
		DHAT_ASSERT_EQ(s.curr_bytes, 999, "msg %d%s", 1, site_late());
	} else if (strcmp(c, "ne") == 0) {
		s = setup();
		DHAT_ASSERT_NE(s.total_blocks, 2);
	} else if (strcmp(c, "ne-msg") == 0) {
		s = setup();
		DHAT_ASSERT_NE(s.total_blocks, 2, "%d blocks, %s", 2, "alas");
	} else if (strcmp(c, "assert") == 0) {
		s = setup();
		DHAT_ASSERT(s.curr_blocks == 0);
	} else if (strcmp(c, "assert-msg") == 0) {
		(void)setup();
		DHAT_ASSERT(strcmp(name, "a,b") == 0, "name is \"%s\"", name);
	} else if (strcmp(c, "signed") == 0) {
		(void)setup();
		DHAT_ASSERT_EQ(i8, INT64_MIN);
	} else if (strcmp(c, "unsigned") == 0) {
		(void)setup();
		DHAT_ASSERT_EQ(-1, UINT64_MAX, "-1 is not UINT64_MAX");
	} else if (strcmp(c, "unsigned-ne") == 0) {
		(void)setup();
		DHAT_ASSERT_NE(UINT64_MAX, (uint64_t)-1);
	} else if (strcmp(c, "short") == 0) {
		(void)setup();
		DHAT_ASSERT_EQ((short)-2, (unsigned short)65534);
	} else if (strcmp(c, "once") == 0) {
		evaluate_once();

	/* Misuse: the crate's message, abort(), no profile. */
	} else if (strcmp(c, "no-profiler") == 0) {
		DHAT_ASSERT(1);
	} else if (strcmp(c, "not-testing") == 0) {
		(void)dhat_profiler_new_heap();
		DHAT_ASSERT_EQ(1, 1);
	} else if (strcmp(c, "heap-stats-none") == 0) {
		(void)dhat_heap_stats_get();
	} else if (strcmp(c, "ad-hoc-stats-none") == 0) {
		(void)dhat_ad_hoc_stats_get();
	} else if (strcmp(c, "heap-stats-ad-hoc") == 0) {
		(void)dhat_profiler_new_ad_hoc();
		(void)dhat_heap_stats_get();
	} else if (strcmp(c, "ad-hoc-stats-heap") == 0) {
		(void)dhat_profiler_new_heap();
		(void)dhat_ad_hoc_stats_get();

	/* After a failed assertion (caught). */
	} else if (strcmp(c, "assert-after") == 0) {
		fail_caught(setup());
		DHAT_ASSERT(1);
	} else if (strcmp(c, "heap-stats-after") == 0) {
		fail_caught(setup());
		(void)dhat_heap_stats_get();
	} else if (strcmp(c, "ad-hoc-stats-after") == 0) {
		(void)dhat_builder_build(dhat_builder_testing(
		    dhat_builder_ad_hoc(dhat_builder_new())));
		for (i = 0; i < two; i++)
			site_event(3);
		signal(SIGABRT, on_abort);
		if (sigsetjmp(env, 1) == 0)
			DHAT_ASSERT_EQ(dhat_ad_hoc_stats_get().total_units, 7);
		signal(SIGABRT, SIG_DFL);
		site_event(100);        /* ignored, silently */
		(void)dhat_ad_hoc_stats_get();
	} else if (strcmp(c, "drop-after") == 0) {
		/* Silent, and back to ready: a new profiler counts alone. */
		p = testing();
		keep = site_keep();
		fail_caught(dhat_heap_stats_get());
		dhat_profiler_drop(p);
		p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
		    "after.json"));
		free(keep);
		keep = site_temp();
		dhat_profiler_drop(p);
		return 0;
	} else {
		fprintf(stderr, "testing-fail: unknown case '%s'\n", c);
		return 2;
	}
	return 1;
}
