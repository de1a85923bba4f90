/* SPDX-License-Identifier: MIT */
/*
 * json.c - dhat-summarize --format=json: one compact JSON object per
 * profile and line, with the header, the totals and the listed program
 * points under the DHAT field names (see dhat-summarize(1)).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/format.h"
#include "summary.h"

static void
jstr(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else
			putc(*c, f);
	}
	putc('"', f);
}

static void
jkey(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

static void
jnum(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, ",\"%s\":%" PRIu64, k, v);
}

static void
jfigures(FILE *f, const struct dtool_header *h, const struct dtool_pp *pp,
    bool with_max)
{
	fprintf(f, "\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64, pp->tb, pp->tbk);
	if (h->bklt) {
		jnum(f, "tl", pp->tl);
		if (with_max) {
			jnum(f, "mb", pp->mb);
			jnum(f, "mbk", pp->mbk);
		}
		jnum(f, "gb", pp->gb);
		jnum(f, "gbk", pp->gbk);
		jnum(f, "eb", pp->eb);
		jnum(f, "ebk", pp->ebk);
	}
	if (h->bkacc) {
		jnum(f, "rb", pp->rb);
		jnum(f, "wb", pp->wb);
	}
}

static void
jlist(FILE *f, const struct dtool_profile *p, const struct dtool_tree *t,
    const struct dtool_summary_opts *o, bool leaks)
{
	const struct dtool_header *h = dtool_profile_header(p);
	size_t show = (!leaks || o->top_given) ? (size_t)o->top : SIZE_MAX;
	size_t *idx, n = dtool_rank_pps(p, t, o->metric, leaks, show, &idx);

	if (n < show)
		show = n;
	jnum(f, leaks ? "leaking_program_points" : "qualifying_program_points",
	    n);
	jkey(f, leaks ? "leaks" : "top");
	putc('[', f);
	for (size_t i = 0; i < show; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, idx[i]);
		size_t nf = pp->nfs;

		if (o->max_frames >= 0 && (size_t)o->max_frames < nf)
			nf = (size_t)o->max_frames;
		fprintf(f, "%s{\"rank\":%zu,", i ? "," : "", i + 1);
		jfigures(f, h, pp, true);
		jnum(f, "frame_count", pp->nfs);
		jkey(f, "frames");
		putc('[', f);
		for (size_t k = 0; k < nf; k++) {
			if (k)
				putc(',', f);
			jstr(f, dtool_profile_frame(p, pp->fs[k]));
		}
		fputs("]}", f);
	}
	putc(']', f);
	free(idx);
}

void
dtool_print_json(const struct dtool_profile *p, struct dtool_tree *t,
    const char *name, const struct dtool_summary_opts *o)
{
	const struct dtool_header *h = dtool_profile_header(p);
	struct dtool_units u;
	struct dtool_pp tot;
	FILE *f = o->out;

	dtool_units(h, &u);
	dtool_tree_totals(t, &tot);
	fputs("{\"file\":", f);
	jstr(f, name);
	jkey(f, "mode");
	jstr(f, h->mode);
	jkey(f, "verb");
	jstr(f, h->verb);
	jkey(f, "cmd");
	jstr(f, h->cmd);
	jnum(f, "pid", h->pid);
	fprintf(f, ",\"bklt\":%s,\"bkacc\":%s", h->bklt ? "true" : "false",
	    h->bkacc ? "true" : "false");
	jkey(f, "tu");
	jstr(f, h->tu);
	jkey(f, "Mtu");
	jstr(f, h->Mtu);
	jnum(f, "te", h->te);
	if (h->bklt) {
		jnum(f, "tg", h->tg);
		jnum(f, "tuth", h->tuth);
	}
	jkey(f, "bytes_unit");
	jstr(f, u.bytes);
	jkey(f, "blocks_unit");
	jstr(f, u.blocks);
	jnum(f, "program_points", dtool_profile_npps(p));
	jnum(f, "frames", dtool_profile_nframes(p));
	jkey(f, "totals");
	putc('{', f);
	jfigures(f, h, &tot, false);
	putc('}', f);
	jkey(f, "sort");
	jstr(f, o->leaks ? "at-tend" : dtool_metric_name(o->metric));
	jlist(f, p, t, o, o->leaks);
	fputs("}\n", f);
}
