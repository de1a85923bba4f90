/* SPDX-License-Identifier: MIT */
/*
 * dhat-summarize - print what matters in DHAT profiles: totals, the top
 * program points by any of the viewer's sort metrics, the viewer's tree,
 * what is live at the end, folded stacks and SVG flame graphs.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/format.h"
#include "common/opts.h"
#include "profile/profile.h"
#include "summarize/summary.h"
#include "profile/tree.h"

static void
usage(FILE *f, int status)
{
	fprintf(f,
"Usage: %s [OPTION]... FILE...\n"
"Summarize DHAT profiles (\"-\" reads standard input).\n"
"\n"
"  -n, --top=N            show the N first program points (default 10)\n"
"  -s, --sort=METRIC      order by METRIC (default total-bytes)\n"
"  -f, --frames=N|all     show at most N frames per stack (default all)\n"
"  -t, --tree             print the viewer's tree instead of a top list\n"
"      --threshold=PCT    significance threshold for --tree, in percent\n"
"                         (default: the viewer's 1%% or 0.5%%)\n"
"  -l, --leaks            list what is live at t-end, largest first\n"
"  -F, --format=FORMAT    text (default), json, folded or svg\n"
"      --color=WHEN       auto (default), always or never\n"
"  -h, --help             display this help and exit\n"
"  -V, --version          output version information and exit\n"
"\n"
"Metrics (the viewer's sort metrics, by name or menu index 0-13):\n"
"  total-bytes, total-blocks, tiny, short-lived (needs lifetimes),\n"
"  zero-rw-bytes, zero-rw-blocks, low-access-bytes, low-access-blocks,\n"
"  at-tgmax, at-tend (need lifetimes), reads, reads-high, writes,\n"
"  writes-high (need accesses).\n"
"\n"
"Exit status: 0 success, 1 a profile could not be read or summarized,\n"
"2 usage error.\n", dtool_getprogname());
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'f' },
		{ "tree", no_argument, NULL, 't' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "leaks", no_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'F' },
		{ "color", required_argument, NULL, 'C' },
		{ "colour", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct dtool_summary_opts o;
	int c, status = 0, colour = -1;
	bool printed = false;

	dtool_setprogname(argv[0]);
	memset(&o, 0, sizeof(o));
	o.top = 10;
	o.metric = DTOOL_M_TOTAL_BYTES;
	o.max_frames = -1;
	o.threshold = -1;
	o.format = DTOOL_FMT_TEXT;
	while ((c = getopt_long(argc, argv, "n:s:f:tlF:hV", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'n':
			o.top = dtool_parse_count(optarg, "--top", false);
			o.top_given = true;
			break;
		case 's':
			o.metric = dtool_metric_parse(optarg);
			if (o.metric < 0)
				dtool_usage_error("unknown sort metric '%s' "
				    "(see --help)", optarg);
			break;
		case 'f':
			o.max_frames = dtool_parse_count(optarg, "--frames",
			    true);
			break;
		case 't':
			o.tree = true;
			break;
		case 'T': {
			char *end;
			double v;

			errno = 0;
			v = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    !(v >= 0 && v <= 100))
				dtool_usage_error("invalid --threshold '%s' (a "
				    "percentage from 0 to 100)", optarg);
			o.threshold = v / 100;
			break;
		}
		case 'l':
			o.leaks = true;
			break;
		case 'F':
			if (strcmp(optarg, "text") == 0)
				o.format = DTOOL_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.format = DTOOL_FMT_JSON;
			else if (strcmp(optarg, "folded") == 0)
				o.format = DTOOL_FMT_FOLDED;
			else if (strcmp(optarg, "svg") == 0)
				o.format = DTOOL_FMT_SVG;
			else
				dtool_usage_error("unknown format '%s' (text, "
				    "json, folded or svg)", optarg);
			break;
		case 'C':
			colour = dtool_parse_colour(optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		case 'V':
			dtool_version("dhat-summarize");
		default:
			dtool_try_help();
		}
	}
	if (optind == argc)
		dtool_usage_error("no profile given");
	if (o.format == DTOOL_FMT_SVG && argc - optind > 1)
		dtool_usage_error("--format=svg takes exactly one profile");
	dtool_colour_set(o.format == DTOOL_FMT_TEXT &&
	    dtool_colour_decide(colour));
	o.out = stdout;
	for (int i = optind; i < argc; i++) {
		char err[512];
		struct dtool_profile *p;

		p = dtool_profile_read(argv[i], err, sizeof(err));
		if (p == NULL) {
			dtool_warnx("%s: %s", argv[i], err);
			status = 1;
			continue;
		}
		if (dtool_profile_header(p)->incomplete != NULL)
			dtool_warnx("%s: warning: the profile is incomplete: %s",
			    argv[i], dtool_profile_header(p)->incomplete);
		if (dtool_profile_check_sums(p, err, sizeof(err)) < 0 ||
		    dtool_summary_check(p, &o, err, sizeof(err)) < 0) {
			dtool_warnx("%s: %s", argv[i], err);
			status = 1;
			dtool_profile_free(p);
			continue;
		}
		/* Several text summaries: a head line each, as head(1). */
		if (o.format == DTOOL_FMT_TEXT && argc - optind > 1) {
			printf("%s==> ", printed ? "\n" : "");
			dtool_fputs_text(argv[i], stdout);
			printf(" <==\n\n");
			printed = true;
		}
		if (dtool_summarize(p, argv[i], &o, err, sizeof(err)) < 0) {
			dtool_warnx("%s: %s", argv[i], err);
			status = 1;
		}
		dtool_profile_free(p);
		if (fflush(stdout) != 0 || ferror(stdout))
			dtool_die(1, "writing standard output");
	}
	return status;
}
