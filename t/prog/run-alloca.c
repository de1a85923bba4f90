/* SPDX-License-Identifier: MIT */
/*
 * run-alloca.c - two call paths that the stack cache can mix up: a
 * function whose frame changes size between calls (alloca) leaves, in
 * the memory that is a plain buffer on the second path, a copy of the
 * return address that the first path had there.
 *
 * h() reaches f() from two call sites, inlined from site_a() and
 * site_b(), after alloca(16) or alloca(144); f() itself takes 256 or 128
 * bytes of alloca.  malloc is then at the same stack depth on both paths,
 * with the same return addresses everywhere but one: f's return into h,
 * which sits 128 bytes lower on path B.  Where it sat on path A, path B
 * has the untouched bytes of its alloca(144), still holding path A's
 * return address.  Ten blocks of 100 bytes from site A, then ten of 200
 * from site B, all kept until the end, so that no other call overwrites
 * that copy in between.
 *
 * Built twice: plain, for dhat-run; with WITH_LIBDHAT, profiling itself
 * to argv[1], with dhat_builder_no_stack_cache() when argv[2] is
 * "nocache".
 */
#include <alloca.h>
#include <stdlib.h>
#include <string.h>
#ifdef WITH_LIBDHAT
#include "dhat.h"
#endif

__attribute__((noinline)) static void *
g(size_t n)
{
	void *p = malloc(n);

	__asm__ volatile("" : : : "memory");
	return p;
}

__attribute__((noinline)) static void *
f(size_t pad, size_t n)
{
	volatile char *b = alloca(pad);
	void *p;

	b[0] = 0;
	p = g(n);
	__asm__ volatile("" : : : "memory");
	return p;
}

static inline __attribute__((always_inline)) void *
site_a(size_t n)
{
	return f(256, n);
}

static inline __attribute__((always_inline)) void *
site_b(size_t n)
{
	return f(128, n);
}

__attribute__((noinline)) static void *
h(int which, size_t n)
{
	volatile char *a;
	void *p;

	if (which == 0) {
		a = alloca(16);
		a[0] = 0;
		p = site_a(n);
	} else {
		a = alloca(144);
		a[0] = 0;
		p = site_b(n);
	}
	__asm__ volatile("" : : : "memory");
	return p;
}

int
main(int argc, char **argv)
{
	static void *keep[20];
	int i;
#ifdef WITH_LIBDHAT
	struct dhat_builder *b = dhat_builder_new();
	struct dhat_profiler *prof;

	b = dhat_builder_file_name(b, argc > 1 ? argv[1] : "alloca.json");
	if (argc > 2 && strcmp(argv[2], "nocache") == 0)
		b = dhat_builder_no_stack_cache(b);
	prof = dhat_builder_build(b);
	if (prof == NULL)
		return 1;
#else
	(void)argc;
	(void)argv;
#endif
	for (i = 0; i < 20; i++)
		keep[i] = h(i >= 10, i >= 10 ? 200 : 100);
	for (i = 0; i < 20; i++)
		free(keep[i]);
#ifdef WITH_LIBDHAT
	dhat_profiler_drop(prof);
#endif
	return 0;
}
