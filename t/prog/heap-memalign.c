/* SPDX-License-Identifier: MIT */
/*
 * heap-memalign.c - the aligned allocators: posix_memalign (EINVAL for a
 * bad alignment, counts nothing, leaves errno alone), aligned_alloc,
 * memalign, valloc, pvalloc; alignment and usable size as glibc gives
 * them.  Profile to argv[1]; hut-memalign.c asserts the figures of the
 * same pattern.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "dhat.h"
#include "tap.h"

static void *
site_pm(void)
{
	void *p = NULL;

	return posix_memalign(&p, 64, 100) == 0 ? p : NULL;
}

static void *
site_aa(void)
{
	return aligned_alloc(128, 256);
}

static void *
site_ma(void)
{
	return memalign(256, 10);
}

static void *
site_va(void)
{
	return valloc(100);
}

static void *
site_pva(void)
{
	return pvalloc(100);
}

static volatile size_t huge = SIZE_MAX;

static int
aligned(const void *p, size_t a)
{
	return p != NULL && (uintptr_t)p % a == 0;
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	void *pm, *aa, *ma, *va, *pva, *bad = &bad;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int r;

	plan(13);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-memalign.json"));
	ok(p != NULL, "profiler started");
	errno = EDOM;
	r = posix_memalign(&bad, 3, 10);
	is_int(r, EINVAL, "posix_memalign(3) is EINVAL");
	ok(bad == (void *)&bad, "... and leaves the pointer alone");
	is_int(errno, EDOM, "... and errno");
	r = posix_memalign(&bad, 48, 10);
	is_int(r, EINVAL, "posix_memalign(48) is EINVAL");
	errno = 0;
	ok(memalign(huge, 10) == NULL && errno == EINVAL,
	    "memalign(SIZE_MAX) fails with EINVAL");
	pm = site_pm();
	ok(aligned(pm, 64), "posix_memalign aligns to 64");
	aa = site_aa();
	ok(aligned(aa, 128), "aligned_alloc aligns to 128");
	ma = site_ma();
	ok(aligned(ma, 256), "memalign aligns to 256");
	va = site_va();
	ok(aligned(va, page), "valloc aligns to a page");
	pva = site_pva();
	ok(aligned(pva, page), "pvalloc aligns to a page");
	ok(malloc_usable_size(pva) >= page, "pvalloc rounds up to a page");
	ok(malloc_usable_size(pm) >= 100, "malloc_usable_size passes through");
	free(pm);
	free(ma);
	free(va);
	free(pva);
	dhat_profiler_drop(p);
	free(aa);
	return done_testing();
}
