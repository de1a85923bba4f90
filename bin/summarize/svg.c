/* SPDX-License-Identifier: MIT */
/*
 * svg.c - a self-contained SVG flame graph of one profile: the stacks
 * (outermost at the bottom, frames without addresses) merged into a
 * tree, box widths proportional to the sort metric, a <title> on every
 * box for its tooltip.  No script, no external resources.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/frame.h"
#include "summary.h"

#define WIDTH		1200.0
#define PAD		10.0
#define ROW		16.0
#define MIN_WIDTH	0.1	/* narrower boxes are not drawn */

struct fnode {
	const char *name;
	uint64_t w;
	struct fnode **kids;
	size_t nkids, cap;
};

static struct fnode *
kid(struct fnode *n, const char *name)
{
	struct fnode *k;

	/* Linear: flame graphs are read for their few wide boxes and the
	 * fan-out per frame name is small in practice. */
	for (size_t i = 0; i < n->nkids; i++)
		if (strcmp(n->kids[i]->name, name) == 0)
			return n->kids[i];
	if (n->nkids == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 4;
		n->kids = dtool_xreallocarray(n->kids, n->cap,
		    sizeof(*n->kids));
	}
	k = dtool_xcalloc(1, sizeof(*k));
	k->name = name;
	n->kids[n->nkids++] = k;
	return k;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct fnode *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void
free_tree(struct fnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		free_tree(n->kids[i]);
	free(n->kids);
	free(n);
}

/* XML text by the tools' one rule (format.h), so that the document
 * stays well-formed whatever the frame strings hold; at most MAX
 * characters, then "..". */
static void
xml(FILE *f, const char *s, size_t max)
{
	if (!dtool_fputs_style(s, f, DTOOL_S_XML, max))
		fputs("..", f);
}

static int
depth_of(const struct fnode *n)
{
	int d = 0;

	for (size_t i = 0; i < n->nkids; i++) {
		int k = depth_of(n->kids[i]);

		if (k > d)
			d = k;
	}
	return d + 1;
}

struct draw {
	FILE *f;
	double scale;
	uint64_t total;
	int depth;
	const char *unit;
};

static void
box(struct draw *d, const struct fnode *n, double x, int level)
{
	double w = (double)n->w * d->scale;
	double y = PAD * 3 + (d->depth - level - 1) * ROW;
	char a[DTOOL_NUMBUF], p[DTOOL_NUMBUF];
	unsigned hash = 0;

	if (w < MIN_WIDTH)
		return;
	for (const char *c = n->name; *c; c++)
		hash = hash * 31 + (unsigned char)*c;
	fprintf(d->f, "<g><title>");
	xml(d->f, n->name, SIZE_MAX);
	fprintf(d->f, " (%s ", dtool_fmt_u64(a, n->w));
	xml(d->f, d->unit, SIZE_MAX);
	fprintf(d->f, ", %s)</title>", dtool_fmt_perc(p,
	    dtool_div((double)n->w, (double)d->total)));
	fprintf(d->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	    "height=\"%.1f\" fill=\"rgb(%u,%u,%u)\" rx=\"2\"/>", x, y, w,
	    ROW - 1, 205 + hash % 50, 80 + (hash >> 8) % 130,
	    (hash >> 16) % 55);
	if (w > 30) {
		fprintf(d->f, "<text x=\"%.1f\" y=\"%.1f\">", x + 3,
		    y + ROW - 4.5);
		xml(d->f, n->name, (size_t)((w - 6) / 7));
		fputs("</text>", d->f);
	}
	fputs("</g>\n", d->f);
	for (size_t i = 0; i < n->nkids; i++) {
		box(d, n->kids[i], x, level + 1);
		x += (double)n->kids[i]->w * d->scale;
	}
}

static void
sort_tree(struct fnode *n)
{
	if (n->nkids > 1)
		qsort(n->kids, n->nkids, sizeof(*n->kids), cmp_name);
	for (size_t i = 0; i < n->nkids; i++)
		sort_tree(n->kids[i]);
}

static void
print_svg(const struct dtool_summary *s)
{
	const struct dtool_profile *p = s->p;
	const char *name = s->name;
	const struct dtool_summary_opts *o = s->o;
	const struct dtool_header *h = dtool_profile_header(p);
	struct fnode *root = dtool_xcalloc(1, sizeof(*root));
	struct dtool_units u;
	struct draw d;
	char label[256];
	double height;

	dtool_units(h, &u);
	dtool_metric_label(o->metric, h, label, sizeof(label));
	root->name = "all";
	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);
		uint64_t w = dtool_metric_value(o->metric, pp);
		struct fnode *n = root;
		uint32_t k = pp->nfs, stop = 0;

		if (w == 0)
			continue;
		if (o->max_frames >= 0 && (uint32_t)o->max_frames < k)
			stop = k - (uint32_t)o->max_frames;
		root->w += w;
		while (k-- > stop) {
			n = kid(n, dtool_frame_strip_address(dtool_profile_frame(p,
			    pp->fs[k])));
			n->w += w;
		}
	}
	sort_tree(root);
	d.f = o->out;
	d.total = root->w;
	d.depth = depth_of(root);
	d.scale = root->w > 0 ? (WIDTH - 2 * PAD) / (double)root->w : 0;
	d.unit = strcmp(dtool_metric_field(o->metric), "tbk") == 0 ?
	    u.blocks : u.bytes;
	height = PAD * 4 + d.depth * ROW;
	fprintf(d.f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"monospace\" font-size=\"12\">\n", WIDTH, height,
	    WIDTH, height);
	fprintf(d.f, "<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"#f8f8f8\"/>\n<text x=\"%.0f\" y=\"%.0f\" "
	    "font-size=\"14\">", PAD, PAD * 2);
	xml(d.f, name, SIZE_MAX);
	fputs(": ", d.f);
	xml(d.f, label, SIZE_MAX);
	fputs(" \xe2\x80\x94 ", d.f);
	xml(d.f, h->cmd, 120);
	fputs("</text>\n", d.f);
	if (root->w > 0)
		box(&d, root, PAD, 0);
	fputs("</svg>\n", d.f);
	free_tree(root);
}

const struct dtool_summary_format dtool_summary_svg = {
	.name = "svg", .one_profile = true, .print = print_svg,
};
