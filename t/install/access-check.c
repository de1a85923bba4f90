/* SPDX-License-Identifier: MIT */
/*
 * access-check.c - built by `make installcheck` for access profiling with
 * nothing but the installed dhat-access.pc (compiled and linked in two
 * steps): one block of 64 bytes written once and read twice, then copied
 * with a memcpy of a known size (which GCC would expand inline, unseen,
 * without dhat-access.pc's options) into a second block, under a heap
 * profiler of its own.  The profile must say so (checked by the caller):
 * the first block read 192 bytes and written 64, the second written 64.
 */
#include <dhat.h>
#include <stdlib.h>
#include <string.h>

char *volatile sink, *volatile sink2;

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	volatile long t = 0;
	char *v;

	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "access-check.json"));
	if (p == NULL)
		return 1;
	v = malloc(64);
	sink = v;
	for (int i = 0; i < 64; i++)
		v[i] = (char)i;
	for (int r = 0; r < 2; r++)
		for (int i = 0; i < 64; i++)
			t += v[i];
	sink2 = malloc(64);
	memcpy(sink2, v, 64);
	free(sink2);
	free(v);
	dhat_profiler_drop(p);
	return t == 2 * 2016 ? 0 : 1;
}
