/* SPDX-License-Identifier: MIT */
/*
 * livemem.c - the profiler's memory per live block, for bench/run.sh.
 *
 * Usage: livemem [BLOCKS]   (default 1,000,000)
 *
 * Allocates BLOCKS blocks of 16 bytes from one call site and keeps them
 * all live, then prints the resident set size (VmRSS, kB) read while they
 * are live, before anything frees them or a profiler writes its file.
 * Run it plain and profiled: the difference over BLOCKS is the profiler's
 * memory per live block (its live table, plus fixed costs spread thin).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000L, i;
	void **v;

	if (n <= 0) {
		fprintf(stderr, "livemem: BLOCKS must be positive\n");
		return 2;
	}
	v = malloc((size_t)n * sizeof *v);
	if (v == NULL) {
		perror("malloc");
		return 1;
	}
	for (i = 0; i < n; i++)
		if ((v[i] = malloc(16)) == NULL) {
			perror("malloc");
			return 1;
		}
	printf("%ld\n", rss_kb());
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return 0;
}
