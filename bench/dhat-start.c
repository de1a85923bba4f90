/* SPDX-License-Identifier: MIT */
/*
 * dhat-start.c - a stand-in for dhat-run while measuring: preloaded after
 * libdhat.so, it starts a heap profiler before main and drops it at exit.
 *
 *   LD_PRELOAD=/path/libdhat.so:/path/dhat-start.so DHAT_BENCH_OUT=out.json \
 *       PROGRAM ...
 *
 * Only for bench/run.sh on builds without dhat-run; it is not installed.
 */
#include <stdlib.h>

#include "dhat.h"

static struct dhat_profiler *prof;

static void
stop(void)
{
	dhat_profiler_drop(prof);
	prof = NULL;
}

__attribute__((constructor)) static void
start(void)
{
	const char *out = getenv("DHAT_BENCH_OUT");
	struct dhat_builder *b = dhat_builder_new();

	if (out != NULL)
		b = dhat_builder_file_name(b, out);
	prof = dhat_builder_build(b);
	atexit(stop);
}
