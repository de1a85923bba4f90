/* SPDX-License-Identifier: MIT */
/*
 * filter.c - --focus, --exclude, --hide and --suppressions (see
 * filter.h).  A filtered profile is built as a copy whose stacks may
 * repeat (hidden frames make them so), then merged with itself by the
 * merge of dhat-merge, which adds up the program points of one stack.
 */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/opts.h"
#include "filter.h"
#include "frame.h"
#include "merge/merge.h"

enum { FOCUS, EXCLUDE, HIDE, SUPPRESS, NKINDS };

/* The expressions of each kind, as the options gave them. */
static struct filter_state {
	regex_t *re[NKINDS];
	size_t n[NKINDS];
} fl;

static void
add(int kind, const char *expr, const char *what)
{
	regex_t *re;
	char msg[256];
	int rc;

	fl.re[kind] = dtool_xreallocarray(fl.re[kind], fl.n[kind] + 1,
	    sizeof(*fl.re[kind]));
	re = &fl.re[kind][fl.n[kind]];
	rc = regcomp(re, expr, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, re, msg, sizeof(msg));
		dtool_usage_error("invalid regular expression '%s' %s: %s",
		    expr, what, msg);
	}
	fl.n[kind]++;
}

void
dtool_filter_take_focus(void *ctx, const char *arg)
{
	(void)ctx;
	add(FOCUS, arg, "in --focus");
}

void
dtool_filter_take_exclude(void *ctx, const char *arg)
{
	(void)ctx;
	add(EXCLUDE, arg, "in --exclude");
}

void
dtool_filter_take_hide(void *ctx, const char *arg)
{
	(void)ctx;
	add(HIDE, arg, "in --hide");
}

/* One line of a suppressions file: "leak:REGEX", a comment or blank. */
static void
suppression(const char *path, unsigned no, char *line)
{
	char where[600];
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
	    line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '\0' || *line == '#')
		return;
	if (strncmp(line, "leak:", 5) != 0 || line[5] == '\0')
		dtool_usage_error("%s:%u: expected leak:REGEX", path, no);
	snprintf(where, sizeof(where), "at %.500s:%u", path, no);
	add(SUPPRESS, line + 5, where);
}

void
dtool_filter_take_suppressions(void *ctx, const char *arg)
{
	FILE *f = fopen(arg, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned no = 0;

	(void)ctx;
	if (f == NULL)
		dtool_usage_error("--suppressions: %s: %s", arg,
		    strerror(errno));
	while (getline(&line, &cap, f) >= 0)
		suppression(arg, ++no, line);
	if (ferror(f))
		dtool_usage_error("--suppressions: %s: %s", arg,
		    strerror(errno));
	free(line);
	fclose(f);
}

bool
dtool_filter_active(void)
{
	for (int k = 0; k < NKINDS; k++)
		if (fl.n[k] > 0)
			return true;
	return false;
}

/* Whether frame I of P matches an expression of KIND. */
static bool
matches(const struct dtool_profile *p, uint32_t i, int kind)
{
	const char *s = dtool_frame_strip_address(dtool_profile_frame(p, i));

	for (size_t k = 0; k < fl.n[kind]; k++)
		if (regexec(&fl.re[kind][k], s, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* Whether a frame of PP matches an expression of KIND. */
static bool
any_frame(const struct dtool_profile *p, const struct dtool_pp *pp,
    int kind)
{
	for (uint32_t k = 0; k < pp->nfs; k++)
		if (matches(p, pp->fs[k], kind))
			return true;
	return false;
}

/* The copy of P's kept program points, frames hidden and accepted leaks
 * not live at t-end; its stacks may repeat. */
static struct dtool_profile *
copy(const struct dtool_profile *p)
{
	const struct dtool_header *h = dtool_profile_header(p);
	struct dtool_header nh = *h;
	struct dtool_profile *out;
	uint32_t *fs = NULL, cap = 0;

	/* The timeline is the whole program's: it does not describe a part
	 * of it. */
	if (fl.n[FOCUS] + fl.n[EXCLUDE] + fl.n[SUPPRESS] > 0) {
		nh.timeline = NULL;
		nh.ntimeline = 0;
	}
	out = dtool_profile_new(&nh);
	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		struct dtool_pp c = *dtool_profile_pp(p, i);
		uint32_t n = 0;

		if ((fl.n[FOCUS] > 0 && !any_frame(p, &c, FOCUS)) ||
		    any_frame(p, &c, EXCLUDE))
			continue;
		if (c.nfs > cap) {
			cap = c.nfs;
			fs = dtool_xreallocarray(fs, cap, sizeof(*fs));
		}
		for (uint32_t k = 0; k < c.nfs; k++)
			if (!matches(p, c.fs[k], HIDE))
				fs[n++] = dtool_profile_intern_frame(out,
				    dtool_profile_frame(p, c.fs[k]));
		/* A stack of hidden frames only keeps its outermost. */
		if (n == 0 && c.nfs > 0)
			fs[n++] = dtool_profile_intern_frame(out,
			    dtool_profile_frame(p, c.fs[c.nfs - 1]));
		if (any_frame(p, &c, SUPPRESS))
			c.eb = c.ebk = 0;
		c.fs = fs;
		c.nfs = n;
		dtool_profile_add_pp(out, &c);
	}
	free(fs);
	return out;
}

struct dtool_profile *
dtool_filter_apply(struct dtool_profile *p, char *err, size_t errlen)
{
	struct dtool_profile *tmp, *out;

	if (!dtool_filter_active())
		return p;
	tmp = copy(p);
	out = dtool_merge_self(tmp, err, errlen);
	dtool_profile_free(tmp);
	dtool_profile_free(p);
	return out;
}

struct dtool_profile *
dtool_filter_read(const char *path, char *err, size_t errlen)
{
	struct dtool_profile *p = dtool_profile_read(path, err, errlen);

	return p != NULL ? dtool_filter_apply(p, err, errlen) : NULL;
}

void
dtool_filter_free(void)
{
	for (int k = 0; k < NKINDS; k++) {
		for (size_t i = 0; i < fl.n[k]; i++)
			regfree(&fl.re[k][i]);
		free(fl.re[k]);
		fl.re[k] = NULL;
		fl.n[k] = 0;
	}
}
