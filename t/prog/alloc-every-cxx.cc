// SPDX-License-Identifier: MIT
// alloc-every-cxx.cc - every form of C++ operator new and delete, a known
// number of times from a function of its own.
//
//   alloc-every-cxx [bad_alloc]
//       under dhat-run; built with -DDHAT_API it profiles itself to
//       alloc-every-cxx.json
//
// Counts (blocks, bytes): new 7/28, new[] 3/300, nothrow 3/104, aligned
// 2/256, aligned[] 1/384, sized 1/40, after_bad_alloc 1/4, malloc 1/10:
// 19 blocks, 1,126 bytes.  With "bad_alloc", a new that fails first
// throws std::bad_alloc, which must pass through the profiler and leave
// it counting (mimalloc aborts instead: its operator new is C).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#ifdef DHAT_API
#include "dhat.h"
#endif

struct alignas(64) Aligned {
	char c[128];
};

struct Sized {
	char c[40];
};

static int failures;

static void
check(bool ok, const char *what)
{
	if (!ok) {
		std::fprintf(stderr, "alloc-every-cxx: %s\n", what);
		failures++;
	}
}

__attribute__((noinline)) static void
site_new()
{
	for (int i = 0; i < 7; i++) {
		int *volatile p = new int(i);
		delete p;
	}
}

__attribute__((noinline)) static void
site_new_array()
{
	for (int i = 0; i < 3; i++) {
		char *volatile p = new char[100];
		delete[] p;
	}
}

__attribute__((noinline)) static void
site_nothrow()
{
	for (int i = 0; i < 2; i++) {
		char *volatile p = new (std::nothrow) char[50];
		check(p != nullptr, "nothrow new[]");
		delete[] p;
	}
	int *volatile q = new (std::nothrow) int(1);
	check(q != nullptr, "nothrow new");
	delete q;
}

__attribute__((noinline)) static void
site_aligned()
{
	for (int i = 0; i < 2; i++) {
		Aligned *volatile p = new Aligned;
		check(reinterpret_cast<std::uintptr_t>(p) % 64 == 0, "aligned");
		delete p;
	}
}

__attribute__((noinline)) static void
site_aligned_array()
{
	Aligned *volatile p = new Aligned[3];
	check(reinterpret_cast<std::uintptr_t>(p) % 64 == 0, "aligned[]");
	delete[] p;
}

__attribute__((noinline)) static void
site_sized()
{
	Sized *volatile p = new Sized;
	delete p;
}

__attribute__((noinline)) static void
site_bad_alloc()
{
	volatile std::size_t huge = SIZE_MAX / 2;

	try {
		char *p = new char[huge];
		check(false, "a new of SIZE_MAX / 2 bytes succeeded");
		delete[] p;
	} catch (const std::bad_alloc &) {
	}
}

__attribute__((noinline)) static void
site_after_bad_alloc()
{
	int *volatile p = new int(2);
	delete p;
}

__attribute__((noinline)) static void
site_malloc()
{
	void *volatile p = std::malloc(10);
	std::free(p);
}

int
main(int argc, char **argv)
{
#ifdef DHAT_API
	struct dhat_profiler *prof = dhat_builder_build(dhat_builder_file_name(
	    dhat_builder_new(), "alloc-every-cxx.json"));
#endif
	site_new();
	site_new_array();
	site_nothrow();
	site_aligned();
	site_aligned_array();
	site_sized();
	if (argc > 1 && std::string(argv[1]) == "bad_alloc")
		site_bad_alloc();
	site_after_bad_alloc();
	site_malloc();
#ifdef DHAT_API
	dhat_profiler_drop(prof);
#endif
	return failures != 0;
}
