/* SPDX-License-Identifier: MIT */
/*
 * viewer.c - the viewer's text rendering of its tree ("dhat-summarize
 * --tree") and of one program point as a leaf node (the top list), line
 * for line as dh_view.js draws them, significance and bold parts
 * included.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/tree_int.h"
#include "viewer.h"

struct rctx {
	struct dtool_tree *t;
	const struct dtool_render *r;
	unsigned bolds;
	FILE *f;
	/* current line state */
	bool first;
	const char *tlfirst, *tlrest, *arrow;
	bool self;
	bool line_open;
};

static void
line_start(struct rctx *c)
{
	if (c->line_open)
		return;
	c->line_open = true;
	if (c->first) {
		fprintf(c->f, "%s%s", c->tlfirst, c->arrow);
		c->first = false;
	} else {
		fputs(c->tlrest, c->f);
	}
}

/* The viewer's fr(): show S when the node is significant, or when
 * SHOW_INSIG; bold when BOLD. */
static void
fr(struct rctx *c, const char *s, bool show_insig, bool bold)
{
	if (!show_insig && !c->self)
		return;
	line_start(c);
	if (bold)
		fputs(dtool_bold(), c->f);
	dtool_fputs_text(s, c->f);
	if (bold)
		fputs(dtool_reset(), c->f);
}

static void
frb(struct rctx *c, const char *s, unsigned bit)
{
	bool b = (c->bolds & bit) != 0;

	fr(c, s, b, b);
}

/* The viewer's nl(): end the line if it is shown. */
static void
nl(struct rctx *c, bool show_insig)
{
	if (!show_insig && !c->self)
		return;
	line_start(c);
	fputc('\n', c->f);
	c->line_open = false;
}

static const char *
amount(char *buf, size_t len, double v, const char *unit)
{
	char n[DTOOL_NUMBUF];

	snprintf(buf, len, "%s %s", dtool_fmt_num(n, v), unit);
	return buf;
}

static const char *
amount_perc(char *buf, size_t len, double v, double total, const char *unit)
{
	char n[DTOOL_NUMBUF], p[DTOOL_NUMBUF];

	snprintf(buf, len, "%s %s (%s)", dtool_fmt_num(n, v), unit,
	    dtool_fmt_perc(p, dtool_div(v, total)));
	return buf;
}

static const char *
amount_perc_rate(struct rctx *c, char *buf, size_t len, double v,
    double total, const char *unit)
{
	char n[DTOOL_NUMBUF], p[DTOOL_NUMBUF], r[DTOOL_NUMBUF];

	snprintf(buf, len, "%s %s (%s, %s/%s)", dtool_fmt_num(n, v), unit,
	    dtool_fmt_perc(p, dtool_div(v, total)),
	    dtool_fmt_num(r, dtool_div(1000000 * v, (double)c->t->h->te)),
	    c->t->h->Mtu);
	return buf;
}

static const char *
access_str(char *buf, uint64_t v)
{
	if (v == 0)
		return "-";
	if (v == ACC_INF)
		return "∞";
	snprintf(buf, 32, "%" PRIu64, v);
	return buf;
}

static void
print_frames(struct rctx *c, const struct dtool_node *n, bool is_root,
    const uint32_t *old, size_t nold)
{
	const struct dtool_header *h = c->t->h;
	const struct dtool_profile *p = c->t->p;
	char buf[64];
	size_t shown = 0, limit;
	int i = is_root ? 0 : 1;

	limit = c->r->max_frames < 0 ? SIZE_MAX : (size_t)c->r->max_frames;
	fr(c, "  ", true, false);
	fr(c, h->verb, true, false);
	fr(c, " at {", true, false);
	nl(c, true);
	if (n->kind == K_AGG) {
		fr(c, "    ", true, false);
		fr(c, n->aggname, true, false);
		nl(c, true);
	} else {
		for (size_t j = 1; j < nold; j++, i++) {
			if (shown++ >= limit)
				continue;
			snprintf(buf, sizeof(buf), "    ^%d: ", i);
			fr(c, buf, false, false);
			fr(c, dtool_profile_frame(p, old[j]), false, false);
			nl(c, false);
		}
		for (uint32_t j = 0; j < n->nframes; j++, i++) {
			if (shown++ >= limit)
				continue;
			snprintf(buf, sizeof(buf), "    #%d: ", i);
			fr(c, buf, true, false);
			fr(c, dtool_profile_frame(p, n->frames[j]), true,
			    false);
			nl(c, true);
		}
		if (shown > limit) {
			snprintf(buf, sizeof(buf), "    ... %zu more",
			    shown - limit);
			fr(c, buf, true, false);
			nl(c, true);
		}
	}
	fr(c, "  }", true, false);
	nl(c, true);
}

static void
print_accesses(struct rctx *c, const struct dtool_node *n)
{
	char buf[256], a[32];
	uint64_t prev = 0;

	fr(c, "  Accesses: {", false, false);
	for (uint32_t i = 0; i < n->nacc; i++) {
		uint64_t v = n->acc[i];

		if (i % 32 == 0) {
			nl(c, false);
			snprintf(buf, sizeof(buf), "    [%3u]  %s ", i,
			    access_str(a, v));
			fr(c, buf, false, false);
		} else {
			fr(c, v == prev && v != 0 ? "〃 " : access_str(a, v),
			    false, false);
			if (!(v == prev && v != 0))
				fr(c, " ", false, false);
		}
		prev = v;
	}
	nl(c, false);
	fr(c, "  }", false, false);
	nl(c, false);
}

/* "  At t-gmax: " and "  At t-end:  " lines: bytes and blocks at one
 * point in time, against the root's, with their average size. */
static void
print_at(struct rctx *c, const char *title, uint64_t b, uint64_t bk,
    uint64_t root_b, uint64_t root_bk, unsigned bold_title,
    unsigned bold_bytes)
{
	const struct dtool_units *u = &c->t->u;
	char b1[256], b3[1024];

	frb(c, title, bold_title);
	frb(c, amount_perc(b1, sizeof(b1), (double)b, (double)root_b,
	    u->bytes), bold_bytes);
	snprintf(b3, sizeof(b3), " in %s, avg size %s",
	    amount_perc(b1, 128, (double)bk, (double)root_bk, u->blocks),
	    amount(b1 + 128, 128, dtool_div((double)b, (double)bk),
	    u->bytes));
	fr(c, b3, false, false);
	nl(c, c->bolds & bold_title);
}

/* "  Reads:     " and "  Writes:    " lines: bytes accessed, against
 * the root's, and per byte allocated (TB). */
static void
print_access(struct rctx *c, const char *title, uint64_t b, uint64_t root_b,
    uint64_t tb, unsigned bold_title, unsigned bold_bytes, unsigned bold_apb)
{
	const struct dtool_units *u = &c->t->u;
	char b1[256], b3[1024], n1[DTOOL_NUMBUF];

	frb(c, title, bold_title);
	frb(c, amount_perc_rate(c, b1, sizeof(b1), (double)b, (double)root_b,
	    u->bytes), bold_bytes);
	fr(c, ", ", (c->bolds & bold_bytes) && (c->bolds & bold_apb), false);
	snprintf(b3, sizeof(b3), "%s/%s", dtool_fmt_num(n1,
	    dtool_div((double)b, (double)tb)), u->byte);
	frb(c, b3, bold_apb);
	nl(c, c->bolds & bold_title);
}

/* One node's text, as the viewer's appendTreeInner() builds it. */
static void
print_node_body(struct rctx *c, const struct dtool_node *n, bool is_root,
    const char *id, int nkids, const uint32_t *old, size_t nold)
{
	const struct dtool_header *h = c->t->h;
	const struct dtool_sums *root = &c->t->nodes[0].s;
	const struct dtool_sums *s = &n->s;
	const struct dtool_units *u = &c->t->u;
	char b1[256], b2[256], b3[1024];
	char n1[DTOOL_NUMBUF], p1[DTOOL_NUMBUF];
	double avglife;

	if (nkids >= 0)
		snprintf(b1, sizeof(b1), "PP %s (%d children) {", id, nkids);
	else
		snprintf(b1, sizeof(b1), "PP %s {", id);
	fr(c, b1, true, false);
	nl(c, true);

	/* Total */
	frb(c, "  Total:     ", DTOOL_BOLD_TOTAL_TITLE);
	frb(c, amount_perc_rate(c, b1, sizeof(b1), (double)s->tb,
	    (double)root->tb, u->bytes), DTOOL_BOLD_TOTAL_BYTES);
	fr(c, " in ", false, false);
	frb(c, amount_perc_rate(c, b2, sizeof(b2), (double)s->tbk,
	    (double)root->tbk, u->blocks), DTOOL_BOLD_TOTAL_BLOCKS);
	fr(c, ", ", c->bolds & DTOOL_BOLD_TOTAL_AVGSIZE, false);
	snprintf(b3, sizeof(b3), "avg size %s",
	    amount(b1, sizeof(b1), dtool_div((double)s->tb, (double)s->tbk),
	    u->bytes));
	frb(c, b3, DTOOL_BOLD_TOTAL_AVGSIZE);
	if (h->bklt) {
		fr(c, ", ", c->bolds & DTOOL_BOLD_TOTAL_AVGLIFE, false);
		avglife = dtool_div((double)s->tl, (double)s->tbk);
		snprintf(b3, sizeof(b3), "avg lifetime %s %s (%s of program "
		    "duration)", dtool_fmt_num(n1, avglife), h->tu,
		    dtool_fmt_perc(p1, dtool_div(avglife, (double)h->te)));
		frb(c, b3, DTOOL_BOLD_TOTAL_AVGLIFE);
	}
	nl(c, c->bolds & DTOOL_BOLD_TOTAL_TITLE);

	if (h->bklt) {
		if (!is_root && n->kind == K_LEAF) {
			snprintf(b3, sizeof(b3), "  Max:       %s in %s, "
			    "avg size %s",
			    amount(b1, sizeof(b1), (double)s->mb, u->bytes),
			    amount(b2, 128, (double)s->mbk, u->blocks),
			    amount(b2 + 128, 128, dtool_div((double)s->mb,
			    (double)s->mbk), u->bytes));
			fr(c, b3, false, false);
			nl(c, false);
		}
		print_at(c, "  At t-gmax: ", s->gb, s->gbk, root->gb, root->gbk,
		    DTOOL_BOLD_GMAX_TITLE, DTOOL_BOLD_GMAX_BYTES);
		print_at(c, "  At t-end:  ", s->eb, s->ebk, root->eb, root->ebk,
		    DTOOL_BOLD_END_TITLE, DTOOL_BOLD_END_BYTES);
	}
	if (h->bkacc) {
		print_access(c, "  Reads:     ", s->rb, root->rb, s->tb,
		    DTOOL_BOLD_READS_TITLE, DTOOL_BOLD_READS_BYTES, DTOOL_BOLD_READS_APB);
		print_access(c, "  Writes:    ", s->wb, root->wb, s->tb,
		    DTOOL_BOLD_WRITES_TITLE, DTOOL_BOLD_WRITES_BYTES, DTOOL_BOLD_WRITES_APB);

		if (n->kind != K_AGG && n->accst == ACC_HAVE && n->nacc > 0)
			print_accesses(c, n);
	}
	print_frames(c, n, is_root, old, nold);
	fr(c, "}", true, false);
	nl(c, true);
}

static int
sig_tree(struct dtool_tree *t, uint32_t ni, int m, double th)
{
	bool any = false;

	for (uint32_t k = 0; k < t->nodes[ni].nkids; k++)
		any |= sig_tree(t, t->nodes[ni].kids[k], m, th);
	if (dtool_metric_significant(m, th, &t->nodes[ni].s, &t->nodes[0].s,
	    t->h->tuth)) {
		t->nodes[ni].sig = SIG_SELF;
		return true;
	}
	t->nodes[ni].sig = any ? SIG_DESC : SIG_NONE;
	return any;
}

struct sortent {
	uint32_t node;
	uint32_t pos;
	uint64_t key, tb;
};

static int
cmp_sortent(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	if (x->tb != y->tb)
		return x->tb < y->tb ? 1 : -1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

struct path {
	uint32_t *v;
	size_t n, cap;
};

static void
path_push(struct path *p, const uint32_t *f, size_t n)
{
	if (p->n + n > p->cap) {
		while (p->n + n > p->cap)
			p->cap = p->cap ? 2 * p->cap : 64;
		p->v = dtool_xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	memcpy(p->v + p->n, f, n * sizeof(*f));
	p->n += n;
}

static void
print_inner(struct rctx *c, uint32_t ni, char *id, size_t idlen,
    int nsibs, struct path *old, const char *tlfirst, const char *tlrest)
{
	struct dtool_tree *t = c->t;
	struct sortent *kids = NULL;
	uint32_t nk = 0, agg = UINT32_MAX, nagg = 0;
	char idbuf[32];
	size_t idl = strlen(id);
	int m = c->r->metric;

	if (t->nodes[ni].nkids > 0) {
		kids = dtool_xreallocarray(NULL, t->nodes[ni].nkids,
		    sizeof(*kids));
		for (uint32_t k = 0; k < t->nodes[ni].nkids; k++) {
			uint32_t kid = t->nodes[ni].kids[k];

			if (t->nodes[kid].sig != SIG_NONE) {
				kids[nk].node = kid;
				kids[nk].pos = nk;
				nk++;
				continue;
			}
			if (agg == UINT32_MAX) {
				agg = dtool__tree_new_node(t, K_AGG, NULL, 0);
				t->nodes[agg].sig = SIG_NONE;
				kids[nk].node = agg;
				kids[nk].pos = nk;
				nk++;
			}
			nagg++;
			dtool__tree_add_node(t, agg, kid);
		}
		if (agg != UINT32_MAX) {
			char s[48];

			snprintf(s, sizeof(s), "[%u insignificant]", nagg);
			t->nodes[agg].aggname = dtool_xstrdup(s);
		}
		for (uint32_t k = 0; k < nk; k++) {
			kids[k].key = dtool_metric_sum(m,
			    &t->nodes[kids[k].node].s);
			kids[k].tb = t->nodes[kids[k].node].s.tb;
		}
		qsort(kids, nk, sizeof(*kids), cmp_sortent);
	}

	c->first = true;
	c->line_open = false;
	c->tlfirst = tlfirst;
	c->tlrest = tlrest;
	c->arrow = kids != NULL ? "▼ " : "─ ";
	c->self = t->nodes[ni].sig == SIG_SELF;
	snprintf(idbuf, sizeof(idbuf), "/%d", nsibs + 1);
	{
		char *full = dtool_xmalloc(idl + strlen(idbuf) + 1);

		strcpy(full, id);
		strcat(full, idbuf);
		print_node_body(c, &t->nodes[ni], ni == 0, full,
		    kids != NULL ? (int)nk : -1, old->v, old->n);
		free(full);
	}

	if (kids != NULL) {
		size_t tl = strlen(tlrest);
		char *tfm = dtool_xmalloc(tl + 16);
		char *trm = dtool_xmalloc(tl + 16);
		char *tfl = dtool_xmalloc(tl + 16);
		char *trl = dtool_xmalloc(tl + 16);
		size_t nframes = t->nodes[ni].nframes;

		sprintf(tfm, "%s├─", tlrest);
		sprintf(trm, "%s│   ", tlrest);
		sprintf(tfl, "%s└─", tlrest);
		sprintf(trl, "%s    ", tlrest);
		for (uint32_t k = 0; k < nk; k++) {
			bool last = k == nk - 1;
			size_t need = idl + 16;

			if (need > idlen)
				dtool_diex(dtool_trouble_status(), "tree too deep");
			path_push(old, t->nodes[ni].frames, nframes);
			snprintf(id + idl, idlen - idl, ".%u", k + 1);
			print_inner(c, kids[k].node, id, idlen, (int)nk - 1,
			    old, last ? tfl : tfm, last ? trl : trm);
			id[idl] = '\0';
			old->n -= nframes;
		}
		free(tfm);
		free(trm);
		free(tfl);
		free(trl);
	}
	free(kids);
}

void
dtool_print_invocation(const struct dtool_header *h, FILE *out)
{
	char n[DTOOL_NUMBUF], p[DTOOL_NUMBUF];

	fputs("Invocation {\n  Mode:    ", out);
	dtool_fputs_text(h->mode, out);
	fputs("\n  Command: ", out);
	dtool_fputs_text(h->cmd, out);
	fprintf(out, "\n  PID:     %" PRIu64 "\n}\n\n", h->pid);
	fprintf(out, "Times {\n");
	if (h->bklt) {
		fprintf(out, "  t-gmax: %s ", dtool_fmt_num(n, (double)h->tg));
		dtool_fputs_text(h->tu, out);
		fprintf(out, " (%s of program duration)\n",
		    dtool_fmt_perc(p, dtool_div((double)h->tg,
		    (double)h->te)));
	}
	fprintf(out, "  t-end:  %s ", dtool_fmt_num(n, (double)h->te));
	dtool_fputs_text(h->tu, out);
	fputs("\n}\n\n", out);
}

static void
sig_label(struct dtool_tree *t, int m, double th, char *buf, size_t len)
{
	const struct dtool_sums *root = &t->nodes[0].s;
	const struct dtool_units *u = &t->u;
	double f = dtool_metric_threshold(m, th);
	double rv = (double)dtool_metric_sum(m, root);
	const char *unit = dtool_metric_counts_blocks(m) ? u->blocks : u->bytes;
	int cond = dtool_metric_condition(m);
	char a[160], b[DTOOL_NUMBUF], z[64];
	int n;

	amount_perc(a, sizeof(a), f * rv, rv, unit);
	n = snprintf(buf, len, "%s%s >= %s%s", cond ? "(" : "",
	    dtool_metric_where(m), a, cond ? ")" : "");
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	snprintf(z, sizeof(z), "%s %s", dtool_fmt_num(b, 0), u->bytes);
	switch (cond) {
	case DTOOL_COND_TINY:
		snprintf(buf, len, " && (avg size <= %s %s)",
		    dtool_fmt_num(b, 16), u->bytes);
		break;
	case DTOOL_COND_SHORT:
		snprintf(buf, len, " && (avg lifetime <= %s %s)",
		    dtool_fmt_num(b, (double)t->h->tuth), t->h->tu);
		break;
	case DTOOL_COND_ZERO_RW:
		snprintf(buf, len, " && ((reads == %s) || (writes == %s))",
		    z, z);
		break;
	case DTOOL_COND_LOW_ACCESS:
		snprintf(buf, len, " && (reads != %s) && (writes != %s) && "
		    "((reads <= 0.4/%s) || (writes <= 0.4/%s))", z, z,
		    u->byte, u->byte);
		break;
	case DTOOL_COND_HIGH_ACCESS:
		snprintf(buf, len, " && ((reads >= 1,000/%s) || "
		    "(writes >= 1,000/%s))", u->byte, u->byte);
		break;
	default:
		break;
	}
}

void
dtool_tree_print(struct dtool_tree *t, const struct dtool_render *r)
{
	struct rctx c;
	struct path old = { NULL, 0, 0 };
	char id[4096] = "1";
	char label[1024];

	memset(&c, 0, sizeof(c));
	c.t = t;
	c.r = r;
	c.f = r->out;
	c.bolds = dtool_metric_bolds(r->metric);
	dtool_print_invocation(t->h, r->out);
	sig_tree(t, 0, r->metric, r->threshold);
	print_inner(&c, 0, id, sizeof(id), 0, &old, "", "  ");
	sig_label(t, r->metric, r->threshold, label, sizeof(label));
	fputs("\nPP significance threshold: ", r->out);
	dtool_fputs_text(label, r->out);
	fputc('\n', r->out);
	free(old.v);
}

void
dtool_tree_print_pp(struct dtool_tree *t, const struct dtool_render *r,
    const struct dtool_pp *pp, const char *id)
{
	struct rctx c;
	struct dtool_node n;
	struct dtool_ppv v;
	uint64_t *buf = NULL;
	size_t cap = 0;

	memset(&c, 0, sizeof(c));
	memset(&n, 0, sizeof(n));
	dtool__ppv_of(pp, &v, &buf, &cap);
	n.kind = K_LEAF;
	n.frames = pp->fs;
	n.nframes = pp->nfs;
	dtool__node_add(&n, &v.s, v.accst, v.acc, v.nacc);
	c.t = t;
	c.r = r;
	c.f = r->out;
	c.bolds = dtool_metric_bolds(r->metric);
	c.first = true;
	c.tlfirst = "";
	c.tlrest = "";
	c.arrow = "";
	c.self = true;
	print_node_body(&c, &n, false, id, -1, NULL, 0);
	free(n.acc);
	free(buf);
}
