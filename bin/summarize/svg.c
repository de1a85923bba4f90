/* SPDX-License-Identifier: MIT */
/*
 * svg.c - a self-contained SVG flame graph of one profile: the flame tree
 * (flame.c) drawn with the outermost frames at the bottom, box widths
 * proportional to the sort metric, a tooltip on every box, labels cut
 * to their box, and a script of its own (no external resource) that
 * zooms into a box when it is clicked and highlights the functions that
 * a search matches.  Boxes narrower than a pixel are not drawn one by
 * one: a parent's narrow kids become one "other" box.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "flame.h"
#include "profile/metric.h"
#include "summary.h"

#define WIDTH		1200.0
#define PAD		10.0
#define ROW		16.0
#define TOP		(PAD * 4)	/* the title and the buttons */
#define MIN_BOX		1.0	/* narrower kids become "other" */
#define MIN_OTHER	0.1	/* an "other" narrower than this is left out */
#define CHAR_WIDTH	7.2	/* of the 12-pixel monospace font */

struct draw {
	FILE *f;
	const struct dtool_flame *t;
	double scale;		/* pixels per unit of weight */
	uint64_t total;
	const char *unit;
	int depth;		/* levels that hold a box */
};

/* XML text by the tools' one rule (format.h), so that the document
 * stays well-formed whatever the frame strings hold; at most MAX
 * characters, then "..". */
static void
xml(FILE *f, const char *s, size_t max)
{
	if (!dtool_fputs_style(s, f, DTOOL_S_XML, max))
		fputs("..", f);
}

static double
row_y(const struct draw *d, int level)
{
	return TOP + (d->depth - level - 1) * ROW;
}

/* A warm colour that depends on the name only, so that a function has
 * the same colour wherever it appears. */
static void
colour(FILE *f, const char *name)
{
	unsigned h = 0;

	for (const char *c = name; *c; c++)
		h = h * 31 + (unsigned char)*c;
	fprintf(f, "rgb(%u,%u,%u)", 205 + h % 50, 80 + (h >> 8) % 130,
	    (h >> 16) % 55);
}

/* One box: NAME's tooltip with its weight W, the rectangle, and the
 * label when at least three characters fit. */
static void
draw_box(struct draw *d, const char *name, uint64_t w, double x, int level)
{
	double width = (double)w * d->scale, y = row_y(d, level);
	char a[DTOOL_NUMBUF], p[DTOOL_NUMBUF];
	double chars = (width - 6) / CHAR_WIDTH;

	fputs("<g class=\"f\"><title>", d->f);
	xml(d->f, name, SIZE_MAX);
	fprintf(d->f, " (%s ", dtool_fmt_u64(a, w));
	xml(d->f, d->unit, SIZE_MAX);
	fprintf(d->f, ", %s)</title><rect x=\"%.2f\" y=\"%.1f\" "
	    "width=\"%.2f\" height=\"%.1f\" fill=\"", dtool_fmt_perc(p,
	    dtool_div((double)w, (double)d->total)), x, y, width, ROW - 1);
	colour(d->f, name);
	fputs("\" rx=\"2\"/>", d->f);
	if (chars >= 3) {
		fprintf(d->f, "<text x=\"%.2f\" y=\"%.1f\">", x + 3,
		    y + ROW - 4.5);
		xml(d->f, name, (size_t)chars - 2);
		fputs("</text>", d->f);
	}
	fputs("</g>\n", d->f);
}

/* The levels that hold a box, NODE's level (LEVEL) and those of its kids
 * that are drawn; an "other" box adds a level too. */
static int
drawn_depth(const struct draw *d, uint32_t node, int level)
{
	int depth = level + 1, k;
	uint64_t other = 0;

	for (uint32_t kid = d->t->nodes[node].kid; kid != DTOOL_FLAME_NONE;
	    kid = d->t->nodes[kid].next) {
		uint64_t w = d->t->nodes[kid].w[0];

		if ((double)w * d->scale < MIN_BOX) {
			other += w;
			continue;
		}
		k = drawn_depth(d, kid, level + 1);
		if (k > depth)
			depth = k;
	}
	if ((double)other * d->scale >= MIN_OTHER && depth < level + 2)
		depth = level + 2;
	return depth;
}

/* NODE at X on LEVEL, then its kids above it: the wide ones in order of
 * name, the narrow ones together as "other" at the end. */
static void
draw_node(struct draw *d, uint32_t node, double x, int level)
{
	const struct dtool_flame_node *n = &d->t->nodes[node];
	uint64_t other = 0;
	uint32_t *kids, nother = 0;
	size_t nk = dtool_flame_kids(d->t, node, &kids);
	char name[64];

	draw_box(d, d->t->names[n->name], n->w[0], x, level);
	for (size_t i = 0; i < nk; i++) {
		uint64_t w = d->t->nodes[kids[i]].w[0];

		if ((double)w * d->scale < MIN_BOX) {
			other += w;
			nother++;
			continue;
		}
		draw_node(d, kids[i], x, level + 1);
		x += (double)w * d->scale;
	}
	if ((double)other * d->scale >= MIN_OTHER) {
		snprintf(name, sizeof(name), "other: %" PRIu32 " function%s",
		    nother, nother == 1 ? "" : "s");
		draw_box(d, name, other, x, level + 1);
	}
	free(kids);
}

/* The script: click a box to zoom into it (its ancestors stay, dimmed,
 * for the way back), "Reset zoom" or Escape to zoom out, "Search" or
 * Ctrl-F to highlight the boxes whose function matches a regular
 * expression and see their share. */
static const char script[] =
"<script type=\"text/ecmascript\"><![CDATA[\n"
"\"use strict\";\n"
"var NS = \"http://www.w3.org/2000/svg\", W = 1200, PAD = 10, boxes = [];\n"
"var details, matched, unzoom;\n"
"function fit(b, x, w) {\n"
"  var n = Math.floor((w - 6) / 7.2);\n"
"  b.r.setAttribute(\"x\", x.toFixed(2));\n"
"  b.r.setAttribute(\"width\", w.toFixed(2));\n"
"  if (n < 3) { if (b.t) b.t.textContent = \"\"; return; }\n"
"  if (!b.t) {\n"
"    b.t = document.createElementNS(NS, \"text\");\n"
"    b.t.setAttribute(\"y\", (b.y + 11.5).toFixed(1));\n"
"    b.g.appendChild(b.t);\n"
"  }\n"
"  b.t.setAttribute(\"x\", (x + 3).toFixed(2));\n"
"  b.t.textContent = b.name.length <= n ? b.name :\n"
"    b.name.substring(0, n - 2) + \"..\";\n"
"}\n"
"function zoom(z) {\n"
"  var x0 = z ? z.x : PAD, w0 = z ? z.w : W - 2 * PAD;\n"
"  var s = (W - 2 * PAD) / w0, e = 0.001;\n"
"  boxes.forEach(function (b) {\n"
"    var below = z && b.y > z.y && b.x <= z.x + e &&\n"
"      b.x + b.w >= z.x + z.w - e;\n"
"    var inside = !z || (b.y <= z.y && b.x >= x0 - e &&\n"
"      b.x + b.w <= x0 + w0 + e);\n"
"    b.g.style.display = below || inside ? \"\" : \"none\";\n"
"    b.g.style.opacity = below ? \"0.6\" : \"\";\n"
"    if (below) fit(b, PAD, W - 2 * PAD);\n"
"    else if (inside) fit(b, PAD + (b.x - x0) * s, b.w * s);\n"
"  });\n"
"  unzoom.style.display = z ? \"\" : \"none\";\n"
"}\n"
"function mark(rx) {\n"
"  var spans = [], total = 0, end = -1;\n"
"  boxes.forEach(function (b) {\n"
"    var hit = rx !== null && rx.test(b.name);\n"
"    b.r.setAttribute(\"fill\", hit ? \"rgb(230,0,230)\" : b.fill);\n"
"    if (hit) spans.push([b.x, b.x + b.w]);\n"
"  });\n"
"  spans.sort(function (a, c) { return a[0] - c[0]; });\n"
"  spans.forEach(function (sp) {\n"
"    var from = Math.max(sp[0], end);\n"
"    if (sp[1] > from) total += sp[1] - from;\n"
"    end = Math.max(end, sp[1]);\n"
"  });\n"
"  matched.textContent = rx === null ? \"\" :\n"
"    \"Matched: \" + (100 * total / (W - 2 * PAD)).toFixed(1) + \"%\";\n"
"}\n"
"function search() {\n"
"  var re = window.prompt(\"Search for (a regular expression):\", \"\");\n"
"  if (re === null) return;\n"
"  try { mark(re === \"\" ? null : new RegExp(re)); }\n"
"  catch (err) { matched.textContent = \"Not a regular expression\"; }\n"
"}\n"
"function init() {\n"
"  details = document.getElementById(\"details\");\n"
"  matched = document.getElementById(\"matched\");\n"
"  unzoom = document.getElementById(\"unzoom\");\n"
"  Array.prototype.forEach.call(document.querySelectorAll(\"g.f\"),\n"
"    function (g) {\n"
"      var r = g.querySelector(\"rect\");\n"
"      var title = g.querySelector(\"title\").textContent;\n"
"      var b = { g: g, r: r, t: g.querySelector(\"text\"),\n"
"        name: title.substring(0, title.lastIndexOf(\" (\")),\n"
"        title: title, fill: r.getAttribute(\"fill\"),\n"
"        x: +r.getAttribute(\"x\"), y: +r.getAttribute(\"y\"),\n"
"        w: +r.getAttribute(\"width\") };\n"
"      boxes.push(b);\n"
"      g.addEventListener(\"click\", function () { zoom(b); });\n"
"      g.addEventListener(\"mouseover\", function () {\n"
"        details.textContent = b.title; });\n"
"      g.addEventListener(\"mouseout\", function () {\n"
"        details.textContent = \"\"; });\n"
"    });\n"
"  unzoom.addEventListener(\"click\", function () { zoom(null); });\n"
"  document.getElementById(\"search\").addEventListener(\"click\", search);\n"
"  document.addEventListener(\"keydown\", function (e) {\n"
"    if ((e.ctrlKey || e.metaKey) && e.key === \"f\") {\n"
"      e.preventDefault(); search();\n"
"    } else if (e.key === \"Escape\") { zoom(null); mark(null); }\n"
"  });\n"
"}\n"
"window.addEventListener(\"load\", init);\n"
"]]></script>\n";

/* The title line, the buttons and the line that names the box under the
 * pointer. */
static void
print_head(struct draw *d, const char *name, const char *label,
    const char *cmd, double height)
{
	fprintf(d->f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	    "width=\"100%%\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"monospace\" font-size=\"12\">\n", WIDTH, height);
	fputs("<style>g.f:hover rect { stroke: #000; stroke-width: 0.5; }"
	    " g.f, .button { cursor: pointer; }</style>\n", d->f);
	fputs(script, d->f);
	fprintf(d->f, "<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"#f8f8f8\"/>\n<text x=\"%.0f\" y=\"%.0f\" "
	    "font-size=\"14\">", PAD, PAD * 2);
	xml(d->f, name, SIZE_MAX);
	fputs(": ", d->f);
	xml(d->f, label, SIZE_MAX);
	fputs(" \xe2\x80\x94 ", d->f);
	xml(d->f, cmd, 100);
	fprintf(d->f, "</text>\n<text id=\"unzoom\" class=\"button\" "
	    "x=\"%.0f\" y=\"%.0f\" style=\"display: none\">Reset zoom</text>\n"
	    "<text id=\"search\" class=\"button\" x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"end\">Search</text>\n"
	    "<text id=\"matched\" x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"end\"></text>\n"
	    "<text id=\"details\" x=\"%.0f\" y=\"%.0f\"></text>\n",
	    PAD, PAD * 3.5, WIDTH - PAD, PAD * 3.5, WIDTH - PAD,
	    height - PAD / 2, PAD, height - PAD / 2);
}

static void
print_svg(const struct dtool_summary *s)
{
	const struct dtool_summary_opts *o = s->o;
	const struct dtool_header *h = dtool_profile_header(s->p);
	struct dtool_flame *t = dtool_flame_build(s->p, &o->metric, 1,
	    o->max_frames);
	struct dtool_units u;
	struct draw d;
	char label[256];

	dtool_units(h, &u);
	dtool_metric_label(o->metric, h, label, sizeof(label));
	d.f = o->out;
	d.t = t;
	d.total = t->nodes[0].w[0];
	d.scale = d.total > 0 ? (WIDTH - 2 * PAD) / (double)d.total : 0;
	d.unit = dtool_metric_counts_blocks(o->metric) ? u.blocks : u.bytes;
	d.depth = d.total > 0 ? drawn_depth(&d, 0, 0) : 1;
	print_head(&d, s->name, label, h->cmd, TOP + d.depth * ROW + PAD * 2);
	if (d.total > 0)
		draw_node(&d, 0, PAD, 0);
	fputs("</svg>\n", d.f);
	dtool_flame_free(t);
}

const struct dtool_summary_format dtool_summary_svg = {
	.name = "svg", .one_profile = true, .print = print_svg,
};
