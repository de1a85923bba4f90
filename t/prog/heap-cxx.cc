// SPDX-License-Identifier: MIT
// heap-cxx.cc - C++ new and delete reach libdhat through libstdc++'s calls
// to malloc and free.  Profile to argv[1].
#include <cstdio>

#include "dhat.h"

static int *
cxx_site()
{
	return new int[25];
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p = dhat_builder_build(dhat_builder_file_name(
	    dhat_builder_new(), argc > 1 ? argv[1] : "heap-cxx.json"));
	int *a = cxx_site();
	struct dhat_heap_stats s = dhat_heap_stats_get();

	delete[] a;
	struct dhat_heap_stats e = dhat_heap_stats_get();
	dhat_profiler_drop(p);
	if (s.total_bytes != 100 || s.curr_blocks != 1 || e.curr_blocks != 0) {
		std::fprintf(stderr, "unexpected figures\n");
		return 1;
	}
	return 0;
}
