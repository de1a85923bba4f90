/* SPDX-License-Identifier: MIT */
/*
 * hostile-dlopen.c - allocate from a dlopen'ed module, dlclose it, then
 * write the profile: the stacks of the module's blocks point into code
 * that is no longer mapped when libdhat symbolizes.  argv[1]: the
 * profile; argv[2]: the module (libhostile-dl.so).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "dhat.h"

int
main(int argc, char **argv)
{
	void *(*fn)(size_t);
	struct dhat_profiler *p;
	void *h, *keep;

	if (argc < 3)
		return 2;
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argv[1]));
	if (p == NULL)
		return 2;
	h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		fprintf(stderr, "hostile-dlopen: %s\n", dlerror());
		return 3;
	}
	*(void **)&fn = dlsym(h, "hostile_dl_alloc");
	if (fn == NULL)
		return 3;
	keep = fn(777);
	free(fn(555));
	if (dlclose(h) != 0)
		return 4;
	free(malloc(111));
	dhat_profiler_drop(p);
	free(keep);
	printf("done\n");
	return 0;
}
