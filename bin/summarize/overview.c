/* SPDX-License-Identifier: MIT */
/*
 * overview.c - what "dhat-summarize FILE" prints: one page on the whole
 * profile, as a C programmer first wants it: what was allocated, the peak
 * and what made it, what was still live at the end and where it came
 * from, the sites that allocate most often, temporary and tiny
 * allocations, and the sizes.  Sites are named by their first frame that
 * is not the allocator's own entry point, and its caller.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/frame.h"
#include "profile/metric.h"
#include "summary.h"

#define SITES_SHOWN	5

struct page {
	FILE *f;
	const struct dtool_profile *p;
	const struct dtool_header *h;
	struct dtool_units u;	/* shown by the text rule (format.h) */
	char bytes[64], blocks[64], tu[64];
	struct dtool_pp tot;
	int width;		/* columns for a line */
};

int
dtool_text_width(FILE *f)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");

	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 40)
		return ws.ws_col;
	if (env != NULL && atoi(env) >= 40)
		return atoi(env);
	return 100;
}

/* FRAME's function, without its location. */
static void
function_of(const struct page *pg, uint32_t frame, char *buf, size_t len)
{
	char *paren;

	dtool_frame_short(buf, len, dtool_profile_frame(pg->p, frame));
	if ((paren = strrchr(buf, '(')) != NULL && paren > buf)
		paren[-1] = '\0';
}

/* PP's name: its first frame that is not the allocator's own, and that
 * frame's caller's function.  When an earlier site of the same list,
 * SAME, has the same name, the first frame where their stacks part is
 * added, so that no two lines read alike. */
static void
site_name(const struct page *pg, const struct dtool_pp *pp,
    const struct dtool_pp *same, char *buf, size_t len)
{
	char a[512], b[512], c[512] = "";
	uint32_t i = 0, k;

	if (pp->nfs == 0) {
		snprintf(buf, len, "[root]");
		return;
	}
	while (i + 1 < pp->nfs && dtool_frame_is_allocator(
	    dtool_profile_frame(pg->p, pp->fs[i])))
		i++;
	dtool_frame_short(a, sizeof(a), dtool_profile_frame(pg->p, pp->fs[i]));
	if (i + 1 < pp->nfs)
		function_of(pg, pp->fs[i + 1], b, sizeof(b));
	for (k = 0; same != NULL && k < pp->nfs && k < same->nfs &&
	    pp->fs[k] == same->fs[k]; k++)
		;
	if (same != NULL && k > i + 1 && k < pp->nfs)
		function_of(pg, pp->fs[k], c, sizeof(c));
	snprintf(buf, len, "%.400s%s%.300s%s%.300s", a,
	    i + 1 < pp->nfs ? " \xe2\x86\x90 " : "", i + 1 < pp->nfs ? b : "",
	    c[0] != '\0' ? " \xe2\x86\x90 \xe2\x80\xa6 \xe2\x86\x90 " : "", c);
}

/* One line of a list: VALUE (right-aligned), its share of WHOLE, and the
 * site's NAME, cut to the line. */
static void
site_line(const struct page *pg, const char *value, uint64_t part,
    uint64_t whole, const char *name)
{
	char pc[DTOOL_NUMBUF];
	int room = pg->width - 4 - 12 - 2 - 7 - 2;

	dtool_fmt_perc(pc, dtool_div((double)part, (double)whole));
	fprintf(pg->f, "    %12s  %6s  ", value, part > 0 &&
	    strcmp(pc, "0%") == 0 ? "<0.01%" : pc);
	if (!dtool_fputs_style(name, pg->f, DTOOL_S_TEXT,
	    room > 10 ? (size_t)room : 10))
		fputs("..", pg->f);
	fputc('\n', pg->f);
}

/* The sites of a list, named apart: IDX[0..N) are their PPs. */
static void
list_sites(const struct page *pg, const size_t *idx, size_t n,
    int field, uint64_t whole, bool blocks)
{
	char (*names)[1024] = dtool_xcalloc(n ? n : 1, sizeof(*names));
	char v[DTOOL_NUMBUF];

	for (size_t i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(pg->p, idx[i]);
		const struct dtool_pp *same = NULL;
		uint64_t x = field == 0 ? pp->gb : field == 1 ? pp->eb :
		    pp->tbk;

		site_name(pg, pp, NULL, names[i], sizeof(names[i]));
		for (size_t j = 0; j < i && same == NULL; j++)
			if (strcmp(names[i], names[j]) == 0)
				same = dtool_profile_pp(pg->p, idx[j]);
		if (same != NULL)
			site_name(pg, pp, same, names[i], sizeof(names[i]));
		if (blocks)
			dtool_fmt_u64(v, x);
		else
			dtool_fmt_size(v, x, pg->u.bytes);
		site_line(pg, v, x, whole, names[i]);
	}
	free(names);
}

struct pick {
	const struct dtool_profile *p;
	int field;		/* 0 gb, 1 eb, 2 tbk */
};

static uint64_t
pick_field(const struct dtool_pp *pp, int field)
{
	return field == 0 ? pp->gb : field == 1 ? pp->eb : pp->tbk;
}

static int
cmp_pick(const void *a, const void *b, void *ctx)
{
	const struct pick *c = ctx;
	uint64_t x = pick_field(dtool_profile_pp(c->p, *(const size_t *)a),
	    c->field);
	uint64_t y = pick_field(dtool_profile_pp(c->p, *(const size_t *)b),
	    c->field);

	if (x != y)
		return x < y ? 1 : -1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* TITLE, then the first SITES_SHOWN sites by FIELD out of WHOLE. */
static void
top_sites(const struct page *pg, const char *title, int field,
    uint64_t whole, bool blocks)
{
	size_t n = dtool_profile_npps(pg->p), k = 0;
	size_t *idx = dtool_xreallocarray(NULL, n ? n : 1, sizeof(*idx));
	struct pick c = { pg->p, field };
	char v[DTOOL_NUMBUF];

	for (size_t i = 0; i < n; i++)
		if (pick_field(dtool_profile_pp(pg->p, i), field) > 0)
			idx[k++] = i;
	fprintf(pg->f, "\n%s%s%s\n", dtool_bold(), title, dtool_reset());
	if (k == 0)
		fputs("    none\n", pg->f);
	qsort_r(idx, k, sizeof(*idx), cmp_pick, &c);
	list_sites(pg, idx, k < SITES_SHOWN ? k : SITES_SHOWN, field, whole,
	    blocks);
	if (k > SITES_SHOWN)
		fprintf(pg->f, "    ... and %s more\n", dtool_fmt_u64(v,
		    k - SITES_SHOWN));
	free(idx);
}

static void
total_line(const struct page *pg, const char *title, uint64_t bytes,
    uint64_t blocks, const char *tail)
{
	char a[DTOOL_NUMBUF], b[DTOOL_NUMBUF];

	fprintf(pg->f, "%s%-13s%s %s in %s ", dtool_bold(), title,
	    dtool_reset(), dtool_fmt_size(a, bytes, pg->u.bytes),
	    dtool_fmt_u64(b, blocks));
	dtool_fputs_text(blocks == 1 && strcmp(pg->u.blocks, "blocks") == 0 ?
	    "block" : pg->u.blocks, pg->f);
	fprintf(pg->f, "%s\n", tail);
}

static void
totals(const struct page *pg)
{
	const struct dtool_header *h = pg->h;
	char t[128], a[DTOOL_NUMBUF], b[DTOOL_NUMBUF], c[DTOOL_NUMBUF];
	char verb[32];

	snprintf(t, sizeof(t), " (average %s)", dtool_fmt_size(a,
	    pg->tot.tbk ? pg->tot.tb / pg->tot.tbk : 0, pg->u.bytes));
	total_line(pg, dtool_text(verb, sizeof(verb), h->verb != NULL ? h->verb :
	    "Allocated"), pg->tot.tb, pg->tot.tbk, t);
	if (!h->bklt)
		return;
	snprintf(t, sizeof(t), ", at t-gmax %s of %s %.20s (%s of the run)",
	    dtool_fmt_u64(a, h->tg), dtool_fmt_u64(b, h->te), pg->tu,
	    dtool_fmt_perc(c, dtool_div((double)h->tg, (double)h->te)));
	total_line(pg, "Peak", pg->tot.gb, pg->tot.gbk, t);
	total_line(pg, "Live at end", pg->tot.eb, pg->tot.ebk, "");
}

/* Blocks of the sites that meet metric M's condition (tiny,
 * short-lived), with the first of them. */
static void
condition(const struct page *pg, const char *title, int m)
{
	size_t n = dtool_profile_npps(pg->p), k = 0;
	uint64_t blocks = 0;
	size_t *idx = dtool_xreallocarray(NULL, n ? n : 1, sizeof(*idx));
	struct pick c = { pg->p, 2 };
	char v[DTOOL_NUMBUF], pc[DTOOL_NUMBUF];

	for (size_t i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(pg->p, i);
		struct dtool_sums s;

		dtool_sums_of_pp(pp, &s);
		if (pp->tbk == 0 || !dtool_metric_cond(m, &s, pg->h->tuth))
			continue;
		idx[k++] = i;
		blocks += pp->tbk;
	}
	fprintf(pg->f, "\n%s%s%s %s ", dtool_bold(), title, dtool_reset(),
	    dtool_fmt_u64(v, blocks));
	dtool_fputs_text(pg->u.blocks, pg->f);
	fprintf(pg->f, ", %s of all\n", dtool_fmt_perc(pc,
	    dtool_div((double)blocks, (double)pg->tot.tbk)));
	qsort_r(idx, k, sizeof(*idx), cmp_pick, &c);
	list_sites(pg, idx, k < 3 ? k : 3, 2, pg->tot.tbk, true);
	free(idx);
}

/* Blocks by their site's average size, in powers of four. */
static void
histogram(const struct page *pg)
{
	static const char *const label[] = { "<= 16 B", "<= 64 B",
	    "<= 256 B", "<= 1 KiB", "<= 4 KiB", "<= 16 KiB", "<= 64 KiB",
	    "<= 1 MiB", "> 1 MiB" };
	static const uint64_t limit[] = { 16, 64, 256, 1024, 4096, 16384,
	    65536, 1048576, UINT64_MAX };
	uint64_t count[9] = { 0 }, most = 0;
	char v[DTOOL_NUMBUF], pc[DTOOL_NUMBUF];

	for (size_t i = 0; i < dtool_profile_npps(pg->p); i++) {
		const struct dtool_pp *pp = dtool_profile_pp(pg->p, i);
		uint64_t avg = pp->tbk ? pp->tb / pp->tbk : 0;
		int b = 0;

		while (avg > limit[b])
			b++;
		count[b] += pp->tbk;
	}
	for (int b = 0; b < 9; b++)
		if (count[b] > most)
			most = count[b];
	fprintf(pg->f, "\n%sBlock sizes%s (each site's blocks at its average "
	    "size)\n", dtool_bold(), dtool_reset());
	for (int b = 0; b < 9; b++) {
		int bar = most ? (int)((count[b] * 30 + most - 1) / most) : 0;

		if (count[b] == 0)
			continue;
		fprintf(pg->f, "    %-9s %12s  %6s  ", label[b],
		    dtool_fmt_u64(v, count[b]), dtool_fmt_perc(pc,
		    dtool_div((double)count[b], (double)pg->tot.tbk)));
		for (int i = 0; i < bar; i++)
			fputs("\xe2\x96\x87", pg->f);
		fputc('\n', pg->f);
	}
}

void
dtool_print_overview(const struct dtool_summary *s, const struct dtool_pp *tot)
{
	struct page pg = { .f = s->o->out, .p = s->p,
	    .h = dtool_profile_header(s->p), .tot = *tot,
	    .width = dtool_text_width(s->o->out) };
	const struct dtool_header *h = pg.h;

	dtool_units(h, &pg.u);
	pg.u.bytes = dtool_text(pg.bytes, sizeof(pg.bytes), pg.u.bytes);
	pg.u.blocks = dtool_text(pg.blocks, sizeof(pg.blocks), pg.u.blocks);
	dtool_text(pg.tu, sizeof(pg.tu), h->tu);
	totals(&pg);
	if (h->ntimeline > 0) {
		fprintf(pg.f, "\n%sMemory over time%s (live %s; # marks the "
		    "peak; --timeline draws it larger)\n", dtool_bold(),
		    dtool_reset(), pg.u.bytes);
		dtool_print_timeline(pg.f, h, pg.width, 8);
	}
	if (h->bklt) {
		top_sites(&pg, "The peak (t-gmax) came from", 0, pg.tot.gb,
		    false);
		top_sites(&pg, "Live at the end (t-end), by site", 1, pg.tot.eb,
		    false);
	}
	if (strcmp(dtool_mode_kind(h->mode), "heap") != 0) {
		/* Ad hoc events: no allocations, sizes or lifetimes. */
		top_sites(&pg, "Most events", 2, pg.tot.tbk, true);
		goto more;
	}
	top_sites(&pg, "Most allocation calls", 2, pg.tot.tbk, true);
	if (h->bklt)
		condition(&pg, "Short-lived:", DTOOL_M_SHORT_LIVED);
	condition(&pg, "Tiny (at most 16 bytes on average):", DTOOL_M_TINY);
	histogram(&pg);
more:
	fputs("\nMore: --top=N and --sort=METRIC list the program points, "
	    "--tree draws the\nviewer's tree, --leaks lists what is live at "
	    "the end, -F html writes a report.\n", pg.f);
}
