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

/* A list of PG's sites by the budget metric BM. */
static struct dtool_sites
sites_by(const struct page *pg, int bm)
{
	struct dtool_sites l = { .f = pg->f, .p = pg->p, .bm = bm,
	    .bytes = pg->u.bytes, .width = pg->width, .indent = 4 };

	return l;
}

/* TITLE, then the first SITES_SHOWN sites by BM out of WHOLE. */
static void
top_sites(const struct page *pg, const char *title, int bm, uint64_t whole)
{
	struct dtool_sites l = sites_by(pg, bm);
	size_t *idx, k = dtool_sites_top(&l, &idx);
	char v[DTOOL_NUMBUF];

	fprintf(pg->f, "\n%s%s%s\n", dtool_bold(), title, dtool_reset());
	if (k == 0)
		fputs("    none\n", pg->f);
	dtool_sites_print(&l, idx, k < SITES_SHOWN ? k : SITES_SHOWN, whole);
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

/* What the program did with its blocks, when the profile says. */
static void
accesses(const struct page *pg)
{
	char r[DTOOL_NUMBUF], w[DTOOL_NUMBUF];

	fprintf(pg->f, "%s%-13s%s %s, written %s", dtool_bold(), "Read",
	    dtool_reset(), dtool_fmt_size(r, pg->tot.rb, pg->u.bytes),
	    dtool_fmt_size(w, pg->tot.wb, pg->u.bytes));
	fprintf(pg->f, " (%.2f and %.2f times per byte allocated)\n",
	    dtool_div((double)pg->tot.rb, (double)pg->tot.tb),
	    dtool_div((double)pg->tot.wb, (double)pg->tot.tb));
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
	if (h->bkacc)
		accesses(pg);
}

/* Blocks of the sites that meet metric M's condition (tiny,
 * short-lived), with the first of them. */
static void
condition(const struct page *pg, const char *title, int m)
{
	size_t n = dtool_profile_npps(pg->p), k = 0;
	uint64_t blocks = 0;
	size_t *idx = dtool_xreallocarray(NULL, n ? n : 1, sizeof(*idx));
	struct dtool_sites l = sites_by(pg, DTOOL_BM_TBK);
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
	dtool_sites_sort(&l, idx, k);
	dtool_sites_print(&l, idx, k < 3 ? k : 3, pg->tot.tbk);
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
		top_sites(&pg, "The peak (t-gmax) came from", DTOOL_BM_GB,
		    pg.tot.gb);
		top_sites(&pg, "Live at the end (t-end), by site", DTOOL_BM_EB,
		    pg.tot.eb);
	}
	if (strcmp(dtool_mode_kind(h->mode), "copy") == 0) {
		top_sites(&pg, "Most bytes copied", DTOOL_BM_TB, pg.tot.tb);
		top_sites(&pg, "Most copies", DTOOL_BM_TBK, pg.tot.tbk);
		goto more;
	}
	if (strcmp(dtool_mode_kind(h->mode), "heap") != 0) {
		/* Ad hoc events: no allocations, sizes or lifetimes. */
		top_sites(&pg, "Most events", DTOOL_BM_TBK, pg.tot.tbk);
		goto more;
	}
	top_sites(&pg, "Most allocation calls", DTOOL_BM_TBK,
	    pg.tot.tbk);
	if (h->bklt)
		condition(&pg, "Short-lived:", DTOOL_M_SHORT_LIVED);
	condition(&pg, "Tiny (at most 16 bytes on average):", DTOOL_M_TINY);
	if (h->bkacc) {
		condition(&pg, "Never read or never written:",
		    DTOOL_M_ZERO_RW_BLOCKS);
		condition(&pg, "Little used (read or written at most 0.4 "
		    "times per byte):", DTOOL_M_LOW_ACCESS_BLOCKS);
	}
	histogram(&pg);
more:
	fputs("\nMore: --top=N and --sort=METRIC list the program points, "
	    "--tree draws the\nviewer's tree, --leaks lists what is live at "
	    "the end, -F html writes a report.\n", pg.f);
}
