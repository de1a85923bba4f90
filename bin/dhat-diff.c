/* SPDX-License-Identifier: MIT */
/*
 * dhat-diff - compare two DHAT profiles, typically of two builds of one
 * program: totals side by side, the program points that changed most,
 * the new and the gone ones, matched on their stacks without code
 * addresses; and budgets on the growth of the totals for CI, with an
 * exit status of 1 when one is exceeded.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/frame.h"
#include "common/opts.h"
#include "profile/profile.h"
#include "profile/tree.h"
#include "diff/diff.h"

/* Exit statuses: 1 is kept for "a budget was exceeded". */
#define EXIT_BUDGET	1
#define EXIT_TROUBLE	2

static void
usage(FILE *f, int status)
{
	fprintf(f,
"Usage: %s [OPTION]... OLD NEW\n"
"Compare two DHAT profiles (\"-\" reads standard input) and check budgets.\n"
"\n"
"  -m, --match=RULE       how frames are matched: function (default;\n"
"                         function and file), line (and line), address\n"
"                         (the whole frame string)\n"
"  -s, --sort=METRIC      rank changes by METRIC (default total-bytes)\n"
"  -n, --top=N            list at most N changed, new and gone program\n"
"                         points each (default 10)\n"
"  -f, --frames=N|all     show at most N frames per stack (default all)\n"
"  -u, --unchanged        also list matched program points whose METRIC\n"
"                         did not change\n"
"      --fail-if=BUDGET   exit 1 when BUDGET is exceeded (repeatable);\n"
"                         BUDGET is TOTAL>LIMIT or TOTAL>=LIMIT\n"
"  -F, --format=FORMAT    text (default), json or tap\n"
"      --color=WHEN       auto (default), always or never\n"
"  -h, --help             display this help and exit\n"
"  -V, --version          output version information and exit\n"
"\n"
"Metrics for --sort (the viewer's sort metrics, by name or index 0-13):\n"
"  total-bytes, total-blocks, tiny, short-lived, zero-rw-bytes,\n"
"  zero-rw-blocks, low-access-bytes, low-access-blocks, at-tgmax, at-tend,\n"
"  reads, reads-high, writes, writes-high.\n"
"\n"
"Totals for --fail-if: total-bytes, total-blocks, tgmax-bytes,\n"
"tgmax-blocks, tend-bytes, tend-blocks, reads, writes.  LIMIT is the\n"
"allowed growth NEW - OLD: a count with an optional unit for bytes (B;\n"
"kB, MB, GB, TB = 1000^n; KiB, MiB, GiB, TiB = 1024^n), as in +1MiB, 0,\n"
"1.5MB, or a percentage of OLD, as in +5%%.\n"
"  Example: --fail-if 'tgmax-bytes>+64KiB' --fail-if 'total-blocks>+5%%'\n"
"\n"
"Exit status: 0 within budget (or no budgets), 1 a budget exceeded,\n"
"2 trouble (unreadable profile, mismatched modes, usage error).\n",
	    dtool_getprogname());
	exit(status);
}

static struct dtool_profile *
load(const char *path)
{
	char err[512];
	struct dtool_profile *p = dtool_profile_read(path, err, sizeof(err));

	/* Totals and groups are sums over a file's PPs. */
	if (p != NULL && dtool_profile_check_sums(p, err, sizeof(err)) < 0) {
		dtool_profile_free(p);
		p = NULL;
	}
	if (p == NULL)
		dtool_diex(EXIT_TROUBLE, "%s: %s", path, err);
	return p;
}

static void
check_pair(const struct dtool_profile *old, const char *oldname,
    const struct dtool_profile *new, const char *newname)
{
	const struct dtool_header *ho = dtool_profile_header(old);
	const struct dtool_header *hn = dtool_profile_header(new);
	char a[128], b[128];

	if (strcmp(dtool_mode_kind(ho->mode), dtool_mode_kind(hn->mode)) != 0)
		dtool_diex(EXIT_TROUBLE, "%s: mode '%s' cannot be compared "
		    "with mode '%s' of %s", newname,
		    dtool_text(a, sizeof(a), hn->mode),
		    dtool_text(b, sizeof(b), ho->mode), oldname);
}

/* After every check that could fail: a warning, then the diff. */
static void
warn_pair(const struct dtool_profile *old, const char *oldname,
    const struct dtool_profile *new, const char *newname)
{
	const struct dtool_header *ho = dtool_profile_header(old);
	const struct dtool_header *hn = dtool_profile_header(new);
	char a[128], b[128];

	if (strcmp(ho->tu, hn->tu) != 0)
		dtool_warnx("warning: time units differ (%s: '%s', %s: '%s'); "
		    "lifetimes and times are not comparable", oldname,
		    dtool_text(a, sizeof(a), ho->tu), newname,
		    dtool_text(b, sizeof(b), hn->tu));
}

/* What the sort metric and the budgets need, in both files. */
static void
check_needs(const struct dtool_profile *p, const char *name, int metric,
    const struct dtool_budget *b, size_t nb)
{
	const struct dtool_header *h = dtool_profile_header(p);
	const char *why = dtool_metric_refusal(metric, h);

	if (why != NULL)
		dtool_diex(EXIT_TROUBLE, "%s: sort metric '%s' %s", name,
		    dtool_metric_name(metric), why);
	for (size_t i = 0; i < nb; i++) {
		why = dtool_budget_refusal(&b[i], h);
		if (why != NULL)
			dtool_diex(EXIT_TROUBLE, "%s: budget metric '%s' %s",
			    name, dtool_budget_metric_name(b[i].metric), why);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "match", required_argument, NULL, 'm' },
		{ "sort", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 'n' },
		{ "frames", required_argument, NULL, 'f' },
		{ "unchanged", no_argument, NULL, 'u' },
		{ "fail-if", required_argument, NULL, 'B' },
		{ "format", required_argument, NULL, 'F' },
		{ "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* Static: the budgets it points to stay reachable when --version
	 * or a usage error exits (LeakSanitizer counted them lost). */
	static struct dtool_diff_out o = {
		.format = DTOOL_DFMT_TEXT, .top = 10, .max_frames = -1,
	};
	struct dtool_profile *old, *new;
	struct dtool_diff d;
	int c, colour = -1, match = DTOOL_MATCH_FUNCTION;
	int metric = DTOOL_M_TOTAL_BYTES;
	bool unchanged = false;
	size_t exceeded = 0;
	char err[512];

	dtool_setprogname(argv[0]);
	dtool_set_oom_status(EXIT_TROUBLE);
	o.budgets = dtool_xreallocarray(NULL, (size_t)argc,
	    sizeof(*o.budgets));
	while ((c = getopt_long(argc, argv, "m:s:n:f:uF:hV", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'm':
			match = dtool_match_parse(optarg);
			if (match < 0)
				dtool_usage_error("unknown --match rule '%s' "
				    "(function, line or address)", optarg);
			break;
		case 's':
			metric = dtool_metric_parse(optarg);
			if (metric < 0)
				dtool_usage_error("unknown sort metric '%s' "
				    "(see --help)", optarg);
			break;
		case 'n':
			o.top = dtool_parse_count(optarg, "--top", false);
			break;
		case 'f':
			o.max_frames = dtool_parse_count(optarg, "--frames",
			    true);
			break;
		case 'u':
			unchanged = true;
			break;
		case 'B':
			if (dtool_budget_parse(optarg,
			    &o.budgets[o.nbudgets], err, sizeof(err)) < 0)
				dtool_usage_error("%s", err);
			o.nbudgets++;
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				o.format = DTOOL_DFMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.format = DTOOL_DFMT_JSON;
			else if (strcmp(optarg, "tap") == 0)
				o.format = DTOOL_DFMT_TAP;
			else
				dtool_usage_error("unknown format '%s' (text, "
				    "json or tap)", optarg);
			break;
		case 'C':
			colour = dtool_parse_colour(optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			dtool_version("dhat-diff");
		default:
			dtool_try_help();
		}
	}
	if (argc - optind != 2)
		dtool_usage_error("%s", argc - optind < 2 ?
		    "two profiles needed: OLD NEW" :
		    "too many profiles (only OLD NEW)");
	if (strcmp(argv[optind], "-") == 0 &&
	    strcmp(argv[optind + 1], "-") == 0)
		dtool_usage_error("only one profile can be standard input");
	dtool_colour_set(o.format == DTOOL_DFMT_TEXT &&
	    dtool_colour_decide(colour));
	o.out = stdout;

	old = load(argv[optind]);
	new = load(argv[optind + 1]);
	check_pair(old, argv[optind], new, argv[optind + 1]);
	check_needs(old, argv[optind], metric, o.budgets, o.nbudgets);
	check_needs(new, argv[optind + 1], metric, o.budgets, o.nbudgets);
	warn_pair(old, argv[optind], new, argv[optind + 1]);

	dtool_diff_build(&d, old, argv[optind], new, argv[optind + 1], match,
	    metric, unchanged, (size_t)o.top);
	for (size_t i = 0; i < o.nbudgets; i++)
		exceeded += dtool_budget_eval(&o.budgets[i], &d);
	switch (o.format) {
	case DTOOL_DFMT_JSON:
		dtool_diff_print_json(&d, &o);
		break;
	case DTOOL_DFMT_TAP:
		dtool_diff_print_tap(&d, &o);
		break;
	default:
		dtool_diff_print_text(&d, &o);
		break;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		dtool_die(EXIT_TROUBLE, "writing standard output");
	for (size_t i = 0; i < o.nbudgets; i++) {
		if (!o.budgets[i].breached)
			continue;
		dtool_budget_describe(&o.budgets[i], &d, false, err,
		    sizeof(err));
		dtool_warnx("budget exceeded: %s", err);
	}
	dtool_diff_free(&d);
	dtool_profile_free(old);
	dtool_profile_free(new);
	free(o.budgets);
	return exceeded > 0 ? EXIT_BUDGET : 0;
}
