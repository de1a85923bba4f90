/* SPDX-License-Identifier: MIT */
/*
 * vgcmp.c - one deterministic allocation pattern, profiled by libdhat
 * (built with -DUSE_DHAT) and by Valgrind's DHAT (built plain): totals,
 * t-gmax and t-end must agree.  No stdio and no zero sizes while
 * allocating (Valgrind counts malloc(0) as 1 byte).
 */
#include <stdlib.h>
#include <string.h>

#ifdef USE_DHAT
#include "dhat.h"
#endif

static void *
make(size_t n)
{
	return malloc(n);
}

int
main(int argc, char **argv)
{
	void *v[64], *leak, *big;
	char *s;
	int i;
#ifdef USE_DHAT
	struct dhat_profiler *p = dhat_builder_build(dhat_builder_file_name(
	    dhat_builder_new(), argc > 1 ? argv[1] : "vgcmp.json"));
#endif

	(void)argc;
	(void)argv;
	for (i = 0; i < 64; i++)
		v[i] = make((size_t)(i * 7 % 50 + 1));
	for (i = 0; i < 64; i += 3)
		free(v[i]);
	for (i = 0; i < 64; i += 3)
		v[i] = calloc((size_t)i + 1, 4);
	big = make(5000);
	for (i = 1; i < 64; i += 2)
		v[i] = realloc(v[i], (size_t)(i * 13 % 200 + 1));
	free(big);
	s = strdup("a string of some length");
	for (i = 0; i < 64; i++)
		if (i % 5 != 0)
			free(v[i]);
	leak = make(77);
	free(s);
	(void)leak;
#ifdef USE_DHAT
	dhat_profiler_drop(p);
#endif
	return 0;
}
