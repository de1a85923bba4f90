/* SPDX-License-Identifier: MIT */
/*
 * heap-json.c - a small profile for the output tests.  argv[1]: the file
 * name ("-": the default); argv[2]: options, "e" eprint_json, "b" time in
 * bytes, "s" print a line on stdout first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhat.h"

static void *
json_big(void)
{
	return malloc(1000);
}

static void *
json_small(void)
{
	return malloc(256);
}

int
main(int argc, char **argv)
{
	const char *opt = argc > 2 ? argv[2] : "";
	struct dhat_builder *b = dhat_builder_new();
	struct dhat_profiler *p;
	void *x, *y;

	if (strchr(opt, 's') != NULL) {
		fputs("before the profile\n", stdout);
		fflush(stdout);
	}
	if (argc > 1 && strcmp(argv[1], "-") != 0)
		b = dhat_builder_file_name(b, argv[1]);
	if (strchr(opt, 'e') != NULL)
		b = dhat_builder_eprint_json(b);
	if (strchr(opt, 'b') != NULL)
		b = dhat_builder_time_unit(b, DHAT_TIME_BYTES);
	p = dhat_builder_build(b);
	if (p == NULL)
		return 1;
	x = json_big();
	y = json_small();
	free(x);
	dhat_profiler_drop(p);
	free(y);
	return 0;
}
