// SPDX-License-Identifier: MIT
// testing-cxx.cc - the DHAT_ASSERT macros in C++: integers of every kind
// (bool, char, enumerations, std::size_t, signed and unsigned of each
// width), each operand evaluated once.  With "fail", an assertion on the
// heap figures of a std::vector fails.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dhat.h"

enum colour { RED = 2 };

static int calls;

static long
counted(long v)
{
	calls++;
	return v;
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p = dhat_builder_build(
	    dhat_builder_testing(dhat_builder_new()));
	std::vector<int> v(25);
	dhat_heap_stats s = dhat_heap_stats_get();
	std::size_t z = 100;
	signed char sc = -5;
	unsigned char uc = 200;
	std::int64_t big = INT64_MIN;

	DHAT_ASSERT(s.total_blocks == 1);
	DHAT_ASSERT_EQ(s.total_bytes, 25 * sizeof(int), "one vector");
	DHAT_ASSERT_EQ(s.curr_bytes, z);
	DHAT_ASSERT_EQ(sc, -5);
	DHAT_ASSERT_EQ(uc, 200LL);
	DHAT_ASSERT_EQ(true, 1);
	DHAT_ASSERT_EQ('a', 97);
	DHAT_ASSERT_EQ(RED, 2u);
	DHAT_ASSERT_EQ(big, INT64_MIN);
	DHAT_ASSERT_NE(-1, UINT64_MAX);
	DHAT_ASSERT_NE(counted(1), counted(2));
	DHAT_ASSERT(calls == 2, "calls = %d", calls);
	if (argc > 1 && std::strcmp(argv[1], "fail") == 0)
		DHAT_ASSERT_EQ(-static_cast<long long>(s.curr_blocks), z,
		    "vector of %zu ints", v.size());
	dhat_profiler_drop(p);
	return 0;
}
