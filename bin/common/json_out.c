/* SPDX-License-Identifier: MIT */
/*
 * json_out.c - JSON strings and members for the tools' output, so that a
 * profile's strings are escaped the same way in every tool's JSON.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>

#include "format.h"
#include "json_out.h"

void
dtool_json_string(FILE *f, const char *s)
{
	putc('"', f);
	dtool_fputs_style(s, f, DTOOL_S_JSON, SIZE_MAX);
	putc('"', f);
}

void
dtool_json_key(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

void
dtool_json_u64(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, ",\"%s\":%" PRIu64, k, v);
}

void
dtool_json_bool(FILE *f, const char *k, bool v)
{
	fprintf(f, ",\"%s\":%s", k, v ? "true" : "false");
}

void
dtool_json_str(FILE *f, const char *k, const char *v)
{
	dtool_json_key(f, k);
	dtool_json_string(f, v);
}

void
dtool_json_end(FILE *f, const struct dtool_header *h)
{
	fputs("{\"by\":", f);
	dtool_json_string(f, h->end.by);
	if (h->have & DTOOL_H_STATUS)
		dtool_json_u64(f, "status", h->end.status);
	if (h->have & DTOOL_H_SIGNAL)
		dtool_json_u64(f, "signal", h->end.signal);
	if (h->end.signal_name != NULL)
		dtool_json_str(f, "signalName", h->end.signal_name);
	fputc('}', f);
}

void
dtool_json_profile_head(FILE *f, const char *name,
    const struct dtool_header *h)
{
	fputs("{\"file\":", f);
	dtool_json_string(f, name);
	dtool_json_str(f, "mode", h->mode);
	dtool_json_str(f, "verb", h->verb);
	dtool_json_str(f, "cmd", h->cmd);
	dtool_json_u64(f, "pid", h->pid);
	if (h->partial)
		dtool_json_bool(f, "partial", true);
	if (h->end.by != NULL) {
		dtool_json_key(f, "end");
		dtool_json_end(f, h);
	}
	dtool_json_bool(f, "bklt", h->bklt);
	dtool_json_bool(f, "bkacc", h->bkacc);
	dtool_json_str(f, "tu", h->tu);
}

void
dtool_json_figures(FILE *f, const struct dtool_pp *pp, bool bklt,
    bool bkacc, bool max)
{
	fprintf(f, "\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64, pp->tb, pp->tbk);
	if (bklt) {
		dtool_json_u64(f, "tl", pp->tl);
		if (max) {
			dtool_json_u64(f, "mb", pp->mb);
			dtool_json_u64(f, "mbk", pp->mbk);
		}
		dtool_json_u64(f, "gb", pp->gb);
		dtool_json_u64(f, "gbk", pp->gbk);
		dtool_json_u64(f, "eb", pp->eb);
		dtool_json_u64(f, "ebk", pp->ebk);
	}
	if (bkacc) {
		dtool_json_u64(f, "rb", pp->rb);
		dtool_json_u64(f, "wb", pp->wb);
	}
}

void
dtool_json_timeline(FILE *f, const struct dtool_header *h)
{
	dtool_json_key(f, "timeline");
	if (h->ntimeline == 0) {
		fputs("null", f);
		return;
	}
	putc('[', f);
	for (size_t i = 0; i < h->ntimeline; i++)
		fprintf(f, "%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
		    i ? "," : "", h->timeline[i][0], h->timeline[i][1],
		    h->timeline[i][2]);
	putc(']', f);
}

void
dtool_json_frames(FILE *f, const struct dtool_profile *p,
    const struct dtool_pp *pp, size_t nf)
{
	dtool_json_key(f, "frames");
	putc('[', f);
	for (size_t k = 0; k < nf && k < pp->nfs; k++) {
		if (k)
			putc(',', f);
		dtool_json_string(f, dtool_profile_frame(p, pp->fs[k]));
	}
	putc(']', f);
}

void
dtool_json_budget(FILE *f, const struct dtool_budget *b)
{
	fputs("{\"budget\":", f);
	dtool_json_string(f, b->text);
	dtool_json_str(f, "metric", dtool_budget_metric_name(b->metric));
	dtool_json_str(f, "op", b->ge ? ">=" : ">");
}
