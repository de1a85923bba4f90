/* SPDX-License-Identifier: MIT */
/*
 * dhat-merge - one DHAT profile from the profiles of several processes or
 * runs: program points with the same stack, compared without addresses,
 * are combined; counts add, peaks add as an upper bound.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/opts.h"
#include "merge/merge.h"
#include "profile/filter.h"
#include "profile/profile.h"

/* What the command line asks. */
struct args {
	const char *output;
	bool addresses;
};

static void
take_output(void *ctx, const char *arg)
{
	struct args *a = ctx;

	if (a->output != NULL)
		dtool_usage_error("more than one output given");
	if (*arg == '\0')
		dtool_usage_error("empty output file name");
	a->output = arg;
}

static void
take_addresses(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->addresses = true;
}

static const struct dtool_option options[] = {
	{ "output", 'o', "OUT", "write the merged profile to OUT (\"-\": "
	  "standard\noutput); OUT may not be one of the inputs", take_output },
	{ "addresses", 'a', NULL, "compare frames with their addresses "
	  "(profiles of\none binary at fixed addresses, as under Valgrind)",
	  take_addresses },
	DTOOL_FILTER_OPTIONS,
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct dtool_command command = {
	.synopsis = "-o OUT [OPTION]... FILE...",
	.purpose =
"Merge DHAT profiles of one mode into one (\"-\" reads standard input).\n"
"Program points with the same stack, compared without addresses, are\n"
"combined: counts add; peaks add as an upper bound.",
	.epilogue =
"Exit status: 0 success, 1 an input could not be read or merged (no\n"
"output is written), 2 usage error.\n",
	.options = options,
};

/* Standard input can be read once. */
static void
check_stdin_once(char **files, int nfiles)
{
	bool seen = false;

	for (int i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") != 0)
			continue;
		if (seen)
			dtool_usage_error("standard input ('-') given twice");
		seen = true;
	}
}

/* OUT may not be an input, by whatever name: the merge reads every input
 * before writing, but the atomic rename would still destroy the input
 * (and a symbolic link is written through). */
static void
check_output(const char *out, char **files, int nfiles)
{
	struct stat so, si;

	if (strcmp(out, "-") == 0 ? fstat(STDOUT_FILENO, &so) < 0 :
	    stat(out, &so) < 0)
		return;
	if (!S_ISREG(so.st_mode))
		return;
	for (int i = 0; i < nfiles; i++) {
		int r = strcmp(files[i], "-") == 0 ?
		    fstat(STDIN_FILENO, &si) : stat(files[i], &si);

		if (r == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			dtool_diex(1, "%s: the output is also the input %s",
			    out, files[i]);
	}
}

/* Merges the profile in PATH into M, or exits. */
static void
merge_file(struct dtool_merge *m, const char *path)
{
	struct dtool_profile *in;
	char err[512];

	in = dtool_filter_read(path, err, sizeof(err));
	if (in == NULL)
		dtool_diex(1, "%s: %s", path, err);
	if (dtool_merge_add(m, path, in, err, sizeof(err)) < 0) {
		/* Freed before exiting: memcheck runs of the tests count a
		 * lost input as a leak. */
		dtool_profile_free(in);
		dtool_diex(1, "%s: %s", path, err);
	}
	dtool_profile_free(in);
}

/* Writes OUT to PATH, or exits. */
static void
write_merged(struct dtool_profile *out, const char *path)
{
	char err[512];

	/* The inputs were valid, but two of them may name one frame by
	 * texts that a third reading would reject (say "[root]" inside a
	 * stack); never write what the readers refuse. */
	if (dtool_profile_check(out, err, sizeof(err)) < 0)
		dtool_diex(1, "%s: the merged profile would be invalid: %s",
		    path, err);
	if (dtool_profile_write(out, path, err, sizeof(err)) < 0)
		dtool_diex(1, "%s", err);
}

int
main(int argc, char **argv)
{
	struct args a = { NULL, false };
	struct dtool_merge *m;
	struct dtool_profile *out;
	int first;

	dtool_setprogname(argv[0]);
	first = dtool_options_parse(&command, argc, argv, &a);
	if (a.output == NULL)
		dtool_usage_error("no output given (-o OUT)");
	if (first == argc)
		dtool_usage_error("no profile given");
	check_stdin_once(argv + first, argc - first);
	check_output(a.output, argv + first, argc - first);

	m = dtool_merge_new(a.addresses);
	for (int i = first; i < argc; i++)
		merge_file(m, argv[i]);
	out = dtool_merge_finish(m);
	write_merged(out, a.output);
	dtool_profile_free(out);
	dtool_merge_free(m);
	dtool_filter_free();
	return 0;
}
