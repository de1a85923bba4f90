/* SPDX-License-Identifier: MIT */
/*
 * dtool-copy.c - test helper: read a profile with the tool library and
 * write it back (dtool-copy IN OUT), or rebuild it through the building
 * API first (dtool-copy -b IN OUT), as dhat-merge will.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "profile/profile.h"

static struct dtool_profile *
rebuild(const struct dtool_profile *in)
{
	struct dtool_profile *out = dtool_profile_new(dtool_profile_header(in));
	uint32_t map[4096], fs[512];

	for (size_t i = 0; i < dtool_profile_npps(in); i++) {
		const struct dtool_pp *pp = dtool_profile_pp(in, i);
		struct dtool_pp c = *pp;

		if (pp->nfs > 512)
			dtool_diex(1, "stack too deep for this helper");
		for (uint32_t k = 0; k < pp->nfs; k++) {
			if (pp->fs[k] >= 4096)
				dtool_diex(1, "too many frames for this "
				    "helper");
			map[pp->fs[k]] = dtool_profile_intern_frame(out,
			    dtool_profile_frame(in, pp->fs[k]));
			fs[k] = map[pp->fs[k]];
		}
		c.fs = fs;
		if (dtool_profile_find_pp(out, fs, pp->nfs) != NULL)
			dtool_diex(1, "duplicate stack after rebuilding");
		dtool_profile_add_pp(out, &c);
	}
	return out;
}

int
main(int argc, char **argv)
{
	struct dtool_profile *p, *q;
	char err[512];
	int b = argc == 4 && strcmp(argv[1], "-b") == 0;

	dtool_setprogname(argv[0]);
	if (argc != 3 + b)
		dtool_diex(2, "usage: dtool-copy [-b] IN OUT");
	p = dtool_profile_read(argv[1 + b], err, sizeof(err));
	if (p == NULL)
		dtool_diex(1, "%s: %s", argv[1 + b], err);
	if (b) {
		q = rebuild(p);
		dtool_profile_free(p);
		p = q;
		if (dtool_profile_check(p, err, sizeof(err)) < 0)
			dtool_diex(1, "rebuilt profile: %s", err);
	}
	if (dtool_profile_write(p, argv[2 + b], err, sizeof(err)) < 0)
		dtool_diex(1, "%s", err);
	dtool_profile_free(p);
	return 0;
}
