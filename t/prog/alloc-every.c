/* SPDX-License-Identifier: MIT */
/*
 * alloc-every.c - every C allocation entry point, a known number of times
 * from a function of its own, and checks that each behaves as the
 * allocator's own (alignment, usable size, errno).
 *
 *   alloc-every [OPTION...]   under dhat-run; built with -DDHAT_API it
 *                             profiles itself to alloc-every.json
 * Options: "pvalloc" also calls pvalloc (jemalloc has none, and glibc's
 * block would go back to jemalloc); "je" also calls jemalloc's mallocx,
 * rallocx, xallocx, sallocx, nallocx, sdallocx and dallocx; "extras"
 * mixes tcmalloc's tc_malloc and tc_free or mimalloc's mi_malloc and
 * mi_free (whichever the process has) with malloc and free.
 *
 * Counts (blocks, bytes): a first malloc 1/1 (the allocator's
 * setting up), malloc 10/1000, calloc 5/1000, realloc 2/330,
 * posix_memalign 3/768, aligned_alloc 2/256, memalign 2/192, valloc
 * 1/500, reallocarray 1/400, strdup 1/6: 28 blocks, 4,453 bytes; then
 * pvalloc 1/700; je 4/900 (mallocx 2/400, rallocx 1/400, and xallocx
 * shrinking a block in place 1/100); extras 1/60 (the malloc'ed block
 * that the allocator's own free gives back: libdhat does not see it).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef DHAT_API
#include "dhat.h"
#endif

void *mallocx(size_t, int) __attribute__((weak));
void *rallocx(void *, size_t, int) __attribute__((weak));
size_t xallocx(void *, size_t, size_t, int) __attribute__((weak));
size_t sallocx(const void *, int) __attribute__((weak));
size_t nallocx(size_t, int) __attribute__((weak));
void sdallocx(void *, size_t, int) __attribute__((weak));
void dallocx(void *, int) __attribute__((weak));

static int failures;

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "alloc-every: %s\n", what);
		failures++;
	}
}

/* A block of N bytes the allocator gave: usable, aligned to ALIGN, and
 * errno as it was. */
static void
check_block(void *p, size_t n, size_t align, const char *what)
{
	check(p != NULL, what);
	if (p == NULL)
		return;
	check(malloc_usable_size(p) >= n, what);
	check((uintptr_t)p % align == 0, what);
	memset(p, 0xa5, n);
	check(errno == 0, what);
}

static void
site_malloc(void)
{
	for (int i = 0; i < 10; i++) {
		void *p = malloc(100);

		check_block(p, 100, 16, "malloc");
		free(p);
	}
}

static void
site_calloc(void)
{
	for (int i = 0; i < 5; i++) {
		unsigned char *p = calloc(10, 20);

		check(p != NULL && p[0] == 0 && p[199] == 0, "calloc zeroes");
		check_block(p, 200, 16, "calloc");
		free(p);
	}
}

static void
site_realloc(void)
{
	char *p = malloc(30), *q;

	check_block(p, 30, 16, "realloc's malloc");
	q = realloc(p, 300);
	check_block(q, 300, 16, "realloc");
	check(q[29] == (char)0xa5, "realloc keeps the contents");
	free(q);
}

static void
site_posix_memalign(void)
{
	void *p;

	for (int i = 0; i < 3; i++) {
		check(posix_memalign(&p, 64, 256) == 0, "posix_memalign");
		check_block(p, 256, 64, "posix_memalign");
		free(p);
	}
	p = &p;
	check(posix_memalign(&p, 3, 10) == EINVAL && p == (void *)&p,
	    "posix_memalign: EINVAL, nothing stored");
}

static void
site_aligned_alloc(void)
{
	for (int i = 0; i < 2; i++) {
		void *p = aligned_alloc(64, 128);

		check_block(p, 128, 64, "aligned_alloc");
		free(p);
	}
}

static void
site_memalign(void)
{
	for (int i = 0; i < 2; i++) {
		void *p = memalign(32, 96);

		check_block(p, 96, 32, "memalign");
		free(p);
	}
}

static void
site_valloc(void)
{
	void *p = valloc(500);

	check_block(p, 500, (size_t)getpagesize(), "valloc");
	free(p);
}

static void
site_pvalloc(void)
{
	void *p = pvalloc(700);

	check_block(p, 700, (size_t)getpagesize(), "pvalloc");
	free(p);
}

static void
site_reallocarray(void)
{
	volatile size_t half = SIZE_MAX / 2;
	void *p = reallocarray(NULL, 10, 40);

	check_block(p, 400, 16, "reallocarray");
	check(reallocarray(p, half, 4) == NULL && errno == ENOMEM,
	    "reallocarray: overflow is ENOMEM");
	errno = 0;
	free(p);
}

static void
site_strdup(void)
{
	char *s = strdup("hello");

	check(s != NULL && strcmp(s, "hello") == 0, "strdup");
	free(s);
}

static void
site_mallocx(void)
{
	void *a = mallocx(200, 0), *b = mallocx(200, 0x40 /* zero */);

	check_block(a, 200, 16, "mallocx");
	check(b != NULL && ((unsigned char *)b)[199] == 0, "mallocx zeroes");
	check(sallocx(a, 0) >= 200 && nallocx(200, 0) >= 200, "sallocx");
	check(xallocx(a, 100, 0, 0) >= 100, "xallocx keeps it in place");
	b = rallocx(b, 400, 0);
	check_block(b, 400, 16, "rallocx");
	sdallocx(a, 200, 0);
	dallocx(b, 0);
}

/* The allocator's own entry points, which libdhat does not count: their
 * blocks go through free, and free'd through them, without harm.  (A
 * dlsym that finds nothing allocates its message: not in site_extras.) */
static void
site_extras(void *(*x_malloc)(size_t), void (*x_free)(void *))
{
	void *p = x_malloc(50);

	check_block(p, 50, 16, "the allocator's own malloc");
	free(p);
	p = malloc(60);
	check_block(p, 60, 16, "malloc, for the allocator's own free");
	x_free(p);
	for (int i = 0; i < 100; i++)
		free(x_malloc(60));
}

static void
extras(void)
{
	void *(*x_malloc)(size_t) = (void *(*)(size_t))dlsym(RTLD_DEFAULT,
	    "tc_malloc");
	void (*x_free)(void *) = (void (*)(void *))dlsym(RTLD_DEFAULT,
	    "tc_free");

	if (x_malloc == NULL || x_free == NULL) {
		x_malloc = (void *(*)(size_t))dlsym(RTLD_DEFAULT, "mi_malloc");
		x_free = (void (*)(void *))dlsym(RTLD_DEFAULT, "mi_free");
	}
	check(x_malloc != NULL && x_free != NULL, "no tc_malloc or mi_malloc");
	if (x_malloc != NULL && x_free != NULL)
		site_extras(x_malloc, x_free);
}

int
main(int argc, char **argv)
{
	int pvalloc_too = 0, je = 0, mixed = 0;

	for (int i = 1; i < argc; i++) {
		pvalloc_too |= strcmp(argv[i], "pvalloc") == 0;
		je |= strcmp(argv[i], "je") == 0;
		mixed |= strcmp(argv[i], "extras") == 0;
	}
#ifdef DHAT_API
	struct dhat_profiler *prof = dhat_builder_build(dhat_builder_file_name(
	    dhat_builder_new(), "alloc-every.json"));
#endif
	/* An allocator may set errno while it sets itself up in its first
	 * call, with or without libdhat (mimalloc's probe of NUMA nodes
	 * leaves ENOENT): errno is watched from the second call on. */
	free(malloc(1));
	errno = 0;
	site_malloc();
	site_calloc();
	site_realloc();
	site_posix_memalign();
	site_aligned_alloc();
	site_memalign();
	site_valloc();
	site_reallocarray();
	site_strdup();
	if (pvalloc_too)
		site_pvalloc();
	if (je && mallocx != NULL)
		site_mallocx();
	else if (je)
		check(0, "no mallocx");
	if (mixed)
		extras();
#ifdef DHAT_API
	dhat_profiler_drop(prof);
#endif
	return failures != 0;
}
