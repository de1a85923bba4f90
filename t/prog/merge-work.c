/* SPDX-License-Identifier: MIT */
/*
 * merge-work.c - allocations chosen by the command line, so that two runs
 * have some stacks in common and some of their own: the inputs of the
 * dhat-merge tests.  Profile to argv[1]; each letter of argv[2] is one
 * step: 'c' a short-lived block, 'k' a block kept to the end, 'a' and 'b'
 * blocks of two sites only some runs use.
 */
#include <stdlib.h>

#include "dhat.h"

static void *
site_common(size_t n)
{
	return malloc(n);
}

static void *
site_a(void)
{
	return malloc(24);
}

static void *
site_b(void)
{
	return calloc(4, 8);
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	void *kept[64];
	int nkept = 0;

	if (argc != 3)
		return 2;
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argv[1]));
	if (p == NULL)
		return 1;
	for (const char *s = argv[2]; *s != '\0'; s++) {
		switch (*s) {
		case 'c':
			free(site_common(64));
			break;
		case 'k':
			if (nkept < 64)
				kept[nkept++] = site_common(100);
			break;
		case 'a':
			free(site_a());
			break;
		case 'b':
			free(site_b());
			break;
		default:
			return 2;
		}
	}
	dhat_profiler_drop(p);
	for (int i = 0; i < nkept; i++)
		free(kept[i]);
	return 0;
}
