/* SPDX-License-Identifier: MIT */
/*
 * summarize.c - the table of dhat-summarize's formats, and one summary:
 * check that the profile can give what was asked, build the viewer's tree
 * when the format uses it, print.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "summary.h"

static const struct dtool_summary_format *const formats[] = {
	&dtool_summary_text, &dtool_summary_json, &dtool_summary_folded,
	&dtool_summary_svg, &dtool_summary_html, &dtool_summary_tap,
	&dtool_summary_junit, &dtool_summary_markdown,
};

const struct dtool_summary_format *
dtool_summary_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

int
dtool_summary_check(const struct dtool_profile *p,
    const struct dtool_summary_opts *o, char *err, size_t errlen)
{
	const struct dtool_header *h = dtool_profile_header(p);
	const char *why = dtool_metric_refusal(o->metric, h);

	if (why != NULL) {
		snprintf(err, errlen, "sort metric '%s' %s",
		    dtool_metric_name(o->metric), why);
		return -1;
	}
	if (o->leaks && !h->bklt) {
		snprintf(err, errlen, "--leaks needs block lifetimes (\"bklt\":"
		    " true), which this profile does not have");
		return -1;
	}
	return 0;
}

int
dtool_summarize(const struct dtool_profile *p, const char *name,
    const struct dtool_summary_opts *o, char *err, size_t errlen)
{
	struct dtool_summary s = { p, NULL, name, o };

	if (dtool_summary_check(p, o, err, errlen) < 0)
		return -1;
	if (o->format->tree)
		s.t = dtool_tree_build(p, o->tree);
	o->format->print(&s);
	dtool_tree_free(s.t);
	return 0;
}
