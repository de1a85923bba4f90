/* SPDX-License-Identifier: MIT */
/*
 * hostile-oom.c - a program whose results must not change when libdhat's
 * own allocations fail (t/1101-oom.t runs it with DHAT_FAIL_ALLOC=N in a
 * --enable-fault-injection build).  It allocates on 300 distinct stacks,
 * grows blocks with realloc, keeps some to the end, and prints a checksum
 * of its work.  argv[1]: the profile's name.  A profiler that could not
 * be started is the API's documented answer (NULL, ENOMEM), not an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhat.h"

#define SITES 300

static uint64_t sum;

/* Each depth gives a distinct stack, so program points keep appearing. */
static char *
site(int depth, size_t n)
{
	char *p;

	if (depth > 0)
		return site(depth - 1, n);
	p = malloc(n);
	if (p == NULL)
		abort();
	memset(p, 'a' + (int)(n % 26), n);
	return p;
}

static char *
grow(char *p, size_t n)
{
	char *q = realloc(p, n);

	if (q == NULL)
		abort();
	q[n - 1] = 'z';
	return q;
}

int
main(int argc, char **argv)
{
	static char *keep[SITES];
	struct dhat_profiler *prof;
	int i;

	prof = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-oom.json"));
	if (prof == NULL)
		fprintf(stderr, "hostile-oom: no profiler\n");
	for (i = 0; i < SITES; i++) {
		char *p = site(i % 60, (size_t)(16 + i));

		p = grow(p, (size_t)(32 + 2 * i));
		sum += (unsigned char)p[0] + (unsigned char)p[31 + 2 * i];
		if (i % 3 == 0)
			keep[i] = p;
		else
			free(p);
	}
	for (i = 0; i < 2000; i++) {
		char *p = calloc(1, (size_t)i + 1);

		if (p == NULL)
			abort();
		sum += (uint64_t)i;
		free(p);
	}
	dhat_profiler_drop(prof);
	for (i = 0; i < SITES; i++)
		free(keep[i]);
	printf("result: %llu\n", (unsigned long long)sum);
	return 0;
}
