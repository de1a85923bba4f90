/* SPDX-License-Identifier: MIT */
/*
 * rename.c - dhat-diff --rename FROM=TO: functions and source files
 * renamed between the two profiles.  The old profile's frames are
 * spelt with the new names before matching, so that a renamed function
 * or file matches instead of making every site under it new or gone.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/opts.h"
#include "diff.h"
#include "merge/merge.h"

int
dtool_rename_parse(const char *arg, struct dtool_rename *r)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg || eq[1] == '\0' ||
	    strchr(eq + 1, '=') != NULL)
		return -1;
	r->from = dtool_xstrdup(arg);
	r->from[eq - arg] = '\0';
	r->to = r->from + (eq - arg) + 1;
	return 0;
}

/* FRAME ("0xADDR: FUNCTION (FILE:LINE:COL)") with its function, or the
 * base name of its file or object, replaced when one is R->from; a new
 * string. */
static char *
rename_frame(const char *frame, const struct dtool_rename *r)
{
	const char *s = dtool_frame_strip_address(frame);
	const char *open = strrchr(s, '(');
	size_t pre = (size_t)(s - frame), fn, from = strlen(r->from);
	const char *base, *end;
	char *out;

	fn = open != NULL && open > s + 1 && open[-1] == ' ' ?
	    (size_t)(open - 1 - s) : strlen(s);
	/* The function, with or without C++ parameters after it. */
	if ((fn == from || (fn > from && s[from] == '(')) &&
	    strncmp(s, r->from, from) == 0) {
		out = dtool_xmalloc(strlen(frame) - from + strlen(r->to) + 1);
		sprintf(out, "%.*s%s%s", (int)pre, frame, r->to, s + from);
		return out;
	}
	if (open == NULL || fn == strlen(s))
		return dtool_xstrdup(frame);
	/* The file's or object's base name: after the last '/', up to
	 * ':' or ')'. */
	end = open + 1 + strcspn(open + 1, ":)");
	base = end;
	while (base > open + 1 && base[-1] != '/' && base[-1] != ' ')
		base--;
	if ((size_t)(end - base) != from || strncmp(base, r->from, from) != 0)
		return dtool_xstrdup(frame);
	out = dtool_xmalloc(strlen(frame) - from + strlen(r->to) + 1);
	sprintf(out, "%.*s%s%s", (int)(base - frame), frame, r->to, end);
	return out;
}

struct dtool_profile *
dtool_rename_apply(struct dtool_profile *p, const struct dtool_rename *r,
    size_t n, char *err, size_t errlen)
{
	struct dtool_profile *tmp, *out;
	size_t nf = dtool_profile_nframes(p);
	uint32_t *map, *fs = NULL, cap = 0;

	if (n == 0)
		return p;
	tmp = dtool_profile_new(dtool_profile_header(p));
	map = dtool_xcalloc(nf ? nf : 1, sizeof(*map));
	for (size_t i = 1; i < nf; i++) {
		char *f = dtool_xstrdup(dtool_profile_frame(p, (uint32_t)i));

		for (size_t k = 0; k < n; k++) {
			char *g = rename_frame(f, &r[k]);

			free(f);
			f = g;
		}
		map[i] = dtool_profile_intern_frame(tmp, f);
		free(f);
	}
	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		struct dtool_pp c = *dtool_profile_pp(p, i);

		if (c.nfs > cap) {
			cap = c.nfs;
			fs = dtool_xreallocarray(fs, cap, sizeof(*fs));
		}
		for (uint32_t k = 0; k < c.nfs; k++)
			fs[k] = map[c.fs[k]];
		c.fs = fs;
		dtool_profile_add_pp(tmp, &c);
	}
	free(fs);
	free(map);
	/* Two functions renamed to one make their stacks one. */
	out = dtool_merge_self(tmp, err, errlen);
	dtool_profile_free(tmp);
	dtool_profile_free(p);
	return out;
}
