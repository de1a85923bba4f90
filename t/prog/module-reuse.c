/* SPDX-License-Identifier: MIT */
/*
 * module-reuse.c - allocate from a dlopen'ed module A, dlclose it, dlopen
 * module B, which the loader usually maps where A was, and allocate from
 * B: 3 blocks of 1000 bytes from A, 5 of 2000 from B, through one call
 * site here.  Prints "a=BASE b=BASE", the two load addresses, for the
 * test to tell whether B really took A's place.
 *
 * Built twice: plain, for dhat-run, with the modules as argv[1] and
 * argv[2]; with WITH_LIBDHAT, profiling itself to argv[1], the modules
 * then being argv[2] and argv[3].  There, an argv[4] is renamed over A's
 * file before the profile is written: A's file is then another build.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef WITH_LIBDHAT
#include "dhat.h"
#endif

/* Load PATH, allocate COUNT blocks of SIZE bytes from it, unload it if
 * UNLOAD; its base, or 0 when it cannot be used. */
static uintptr_t
use(const char *path, size_t size, int count, int unload)
{
	void *(*fn)(size_t);
	struct link_map *lm;
	uintptr_t base;
	void *h;
	int i;

	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0) {
		fprintf(stderr, "module-reuse: %s\n", dlerror());
		return 0;
	}
	*(void **)&fn = dlsym(h, "reuse_alloc");
	if (fn == NULL)
		return 0;
	base = lm->l_addr;
	for (i = 0; i < count; i++)
		free(fn(size));
	if (unload && dlclose(h) != 0)
		return 0;
	return base;
}

int
main(int argc, char **argv)
{
	/* Through volatile: the loop below must stay a loop, one call site
	 * for both modules (where B took A's place, their stacks are then
	 * the same addresses), and a compiler that knew its count would
	 * unroll it. */
	volatile int modules = 2;
	uintptr_t base[2] = { 0, 0 }, *volatile out = base;
	int arg = 1, i;
#ifdef WITH_LIBDHAT
	struct dhat_profiler *p;

	if (argc != 4 && argc != 5)
		return 2;
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argv[arg++]));
	if (p == NULL)
		return 2;
#else
	if (argc != 3)
		return 2;
#endif
	for (i = 0; i < modules; i++) {
		out[i] = use(argv[arg + i], 1000 * (size_t)(i + 1), 3 + 2 * i,
		    i == 0);
		if (out[i] == 0)
			return 3;
	}
#ifdef WITH_LIBDHAT
	if (argc == 5 && rename(argv[4], argv[2]) != 0)
		return 4;
	dhat_profiler_drop(p);
#endif
	printf("a=%#lx b=%#lx\n", (unsigned long)base[0],
	    (unsigned long)base[1]);
	return 0;
}
