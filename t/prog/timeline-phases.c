/* SPDX-License-Identifier: MIT */
/*
 * timeline-phases.c - phases of known live bytes for the timeline: ten
 * blocks of 1,000 bytes, five of them freed, one of 20,000 (the peak:
 * 25,000 bytes in 6 blocks), then all but three freed (the end: 3,000
 * bytes in 3 blocks); then, with "many", a million short-lived blocks,
 * for the bound on the number of points.  Profiles to argv[1], with time
 * in bytes when argv[2] is "bytes".
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhat.h"

static void
pause_a_little(void)
{
	const struct timespec ms = { 0, 2 * 1000 * 1000 };

	nanosleep(&ms, NULL);
}

int
main(int argc, char **argv)
{
	struct dhat_builder *b = dhat_builder_new();
	struct dhat_profiler *p;
	char *v[10], *big;

	if (argc < 3)
		return 2;
	b = dhat_builder_file_name(b, argv[1]);
	if (strcmp(argv[2], "bytes") == 0)
		b = dhat_builder_time_unit(b, DHAT_TIME_BYTES);
	p = dhat_builder_build(b);
	for (int i = 0; i < 10; i++)
		v[i] = malloc(1000);
	pause_a_little();
	for (int i = 5; i < 10; i++)
		free(v[i]);
	pause_a_little();
	big = malloc(20000);
	pause_a_little();
	free(big);
	free(v[0]);
	free(v[1]);
	pause_a_little();
	for (int i = 0; argc > 3 && i < 1000000; i++)
		free(malloc(16));
	dhat_profiler_drop(p);
	free(v[2]);
	free(v[3]);
	free(v[4]);
	return 0;
}
