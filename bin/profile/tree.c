/* SPDX-License-Identifier: MIT */
/*
 * tree.c - the viewer's radix tree of program points, its sort metrics,
 * significance rules and text rendering, rewritten in C from reading
 * dh_view.js so that "dhat-summarize --tree" shows the viewer's figures.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "common/index.h"
#include "tree.h"

#define ACC_INF	UINT64_MAX	/* 65535 = "at least 65535": infinity */

enum { K_LEAF = 1, K_INTERNAL, K_AGG };
enum { ACC_UNSET, ACC_NONE, ACC_HAVE };
enum { SIG_NONE = 1, SIG_DESC, SIG_SELF };

struct sums {
	uint64_t tb, tbk, tl, mb, mbk, gb, gbk, eb, ebk, rb, wb;
};

struct dtool_node {
	int kind;
	int sig;
	struct sums s;
	const uint32_t *frames;
	uint32_t nframes;
	uint32_t parent;	/* the node's, once it has one */
	uint32_t *kids;
	uint32_t nkids, capkids;
	int accst;
	uint64_t *acc;
	uint32_t nacc;
	char *aggname;
};

struct dtool_tree {
	const struct dtool_profile *p;
	const struct dtool_header *h;
	struct dtool_node *nodes;
	size_t n, cap;
	uint32_t *rootframes;
	struct dtool_units u;
	/* (parent node, first frame) -> kid, so that nodes with thousands
	 * of kids (malloc's callers) are searched in O(1), not as the
	 * viewer does it. */
	struct dtool_index kids;
};

/* ------------------------------------------------------------------ */
/* Metrics */

enum { NEED_NONE, NEED_BKLT, NEED_BKACC };
enum { FLD_TB, FLD_TBK, FLD_GB, FLD_EB, FLD_RB, FLD_WB };
enum {
	C_NONE, C_TINY, C_SHORT, C_ZERO_RW, C_LOW_ACCESS, C_HIGH_ACCESS
};

/* Which parts of a node the metric highlights: they are also what an
 * insignificant node still shows, as in the viewer. */
#define B_TOTAL_TITLE	0x001u
#define B_TOTAL_BYTES	0x002u
#define B_TOTAL_BLOCKS	0x004u
#define B_TOTAL_AVGSIZE	0x008u
#define B_TOTAL_AVGLIFE	0x010u
#define B_GMAX_TITLE	0x020u
#define B_GMAX_BYTES	0x040u
#define B_END_TITLE	0x080u
#define B_END_BYTES	0x100u
#define B_READS_TITLE	0x200u
#define B_READS_BYTES	0x400u
#define B_READS_APB	0x800u
#define B_WRITES_TITLE	0x1000u
#define B_WRITES_BYTES	0x2000u
#define B_WRITES_APB	0x4000u

#define B_RW_BYTES	(B_READS_TITLE | B_READS_BYTES | B_WRITES_TITLE | \
			 B_WRITES_BYTES)
#define B_RW_APB	(B_READS_TITLE | B_READS_APB | B_WRITES_TITLE | \
			 B_WRITES_APB)

static const struct metric {
	const char *name;
	const char *alias;
	int field;
	int need;
	double thresh;
	int cond;
	unsigned bolds;
} metrics[DTOOL_M_COUNT] = {
	{ "total-bytes", "bytes", FLD_TB, NEED_NONE, 0.01, C_NONE,
	  B_TOTAL_TITLE | B_TOTAL_BYTES },
	{ "total-blocks", "blocks", FLD_TBK, NEED_NONE, 0.01, C_NONE,
	  B_TOTAL_TITLE | B_TOTAL_BLOCKS },
	{ "tiny", "total-blocks-tiny", FLD_TBK, NEED_NONE, 0.005, C_TINY,
	  B_TOTAL_TITLE | B_TOTAL_BLOCKS | B_TOTAL_AVGSIZE },
	{ "short-lived", "total-blocks-short-lived", FLD_TBK, NEED_BKLT,
	  0.005, C_SHORT, B_TOTAL_TITLE | B_TOTAL_BLOCKS | B_TOTAL_AVGLIFE },
	{ "zero-rw-bytes", "zero-reads-writes-bytes", FLD_TB, NEED_BKACC,
	  0.005, C_ZERO_RW, B_TOTAL_TITLE | B_TOTAL_BYTES | B_RW_BYTES },
	{ "zero-rw-blocks", "zero-reads-writes-blocks", FLD_TBK, NEED_BKACC,
	  0.005, C_ZERO_RW, B_TOTAL_TITLE | B_TOTAL_BLOCKS | B_RW_BYTES },
	{ "low-access-bytes", "total-bytes-low-access", FLD_TB, NEED_BKACC,
	  0.005, C_LOW_ACCESS, B_TOTAL_TITLE | B_TOTAL_BYTES | B_RW_APB },
	{ "low-access-blocks", "total-blocks-low-access", FLD_TBK,
	  NEED_BKACC, 0.005, C_LOW_ACCESS,
	  B_TOTAL_TITLE | B_TOTAL_BLOCKS | B_RW_APB },
	{ "at-tgmax", "tgmax-bytes", FLD_GB, NEED_BKLT, 0.01, C_NONE,
	  B_GMAX_TITLE | B_GMAX_BYTES },
	{ "at-tend", "tend-bytes", FLD_EB, NEED_BKLT, 0.01, C_NONE,
	  B_END_TITLE | B_END_BYTES },
	{ "reads", "reads-bytes", FLD_RB, NEED_BKACC, 0.01, C_NONE,
	  B_READS_TITLE | B_READS_BYTES },
	{ "reads-high", "reads-high-access", FLD_RB, NEED_BKACC, 0.005,
	  C_HIGH_ACCESS, B_READS_TITLE | B_READS_BYTES | B_READS_APB },
	{ "writes", "writes-bytes", FLD_WB, NEED_BKACC, 0.01, C_NONE,
	  B_WRITES_TITLE | B_WRITES_BYTES },
	{ "writes-high", "writes-high-access", FLD_WB, NEED_BKACC, 0.005,
	  C_HIGH_ACCESS, B_WRITES_TITLE | B_WRITES_BYTES | B_WRITES_APB },
};

int
dtool_metric_parse(const char *s)
{
	char *end;
	long v;

	for (int m = 0; m < DTOOL_M_COUNT; m++)
		if (strcmp(s, metrics[m].name) == 0 ||
		    strcmp(s, metrics[m].alias) == 0)
			return m;
	v = strtol(s, &end, 10);
	if (*s != '\0' && *end == '\0' && v >= 0 && v < DTOOL_M_COUNT)
		return (int)v;
	return -1;
}

const char *
dtool_metric_name(int m)
{
	return metrics[m].name;
}

void
dtool_metric_label(int m, const struct dtool_header *h, char *buf,
    size_t len)
{
	static const char *const fmt[DTOOL_M_COUNT] = {
		"Total (%1$s)", "Total (%2$s)", "Total (%2$s), tiny",
		"Total (blocks), short-lived",
		"Total (%1$s), zero reads or zero writes",
		"Total (%2$s), zero reads or zero writes",
		"Total (%1$s), low-access", "Total (%2$s), low-access",
		"At t-gmax (%1$s)", "At t-end (%1$s)", "Reads (%1$s)",
		"Reads (%1$s), high-access", "Writes (%1$s)",
		"Writes (%1$s), high-access",
	};
	struct dtool_units u;

	dtool_units(h, &u);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (m == DTOOL_M_SHORT_LIVED)
		snprintf(buf, len, "%s", fmt[m]);
	else if (strstr(fmt[m], "%2$s") != NULL)
		snprintf(buf, len, fmt[m], u.bytes, u.blocks);
	else
		snprintf(buf, len, fmt[m], u.bytes);
#pragma GCC diagnostic pop
}

const char *
dtool_metric_refusal(int m, const struct dtool_header *h)
{
	if (metrics[m].need == NEED_BKLT && !h->bklt)
		return "needs block lifetimes (\"bklt\": true), which this "
		    "profile does not have";
	if (metrics[m].need == NEED_BKACC && !h->bkacc)
		return "needs block accesses (\"bkacc\": true), which this "
		    "profile does not have";
	return NULL;
}

const char *
dtool_metric_field(int m)
{
	static const char *const names[] = {
		"tb", "tbk", "gb", "eb", "rb", "wb"
	};

	return names[metrics[m].field];
}

static uint64_t
field_of(int field, const struct sums *s)
{
	switch (field) {
	case FLD_TB: return s->tb;
	case FLD_TBK: return s->tbk;
	case FLD_GB: return s->gb;
	case FLD_EB: return s->eb;
	case FLD_RB: return s->rb;
	default: return s->wb;
	}
}

static void
pp_sums(const struct dtool_pp *pp, struct sums *s)
{
	s->tb = pp->tb;
	s->tbk = pp->tbk;
	s->tl = pp->tl;
	s->mb = pp->mb;
	s->mbk = pp->mbk;
	s->gb = pp->gb;
	s->gbk = pp->gbk;
	s->eb = pp->eb;
	s->ebk = pp->ebk;
	s->rb = pp->rb;
	s->wb = pp->wb;
}

uint64_t
dtool_metric_value(int m, const struct dtool_pp *pp)
{
	struct sums s;

	pp_sums(pp, &s);
	return field_of(metrics[m].field, &s);
}

static bool
cond_sums(const struct dtool_tree *t, int m, const struct sums *s)
{
	double rapb = dtool_div((double)s->rb, (double)s->tb);
	double wapb = dtool_div((double)s->wb, (double)s->tb);

	switch (metrics[m].cond) {
	case C_TINY:
		return dtool_div((double)s->tb, (double)s->tbk) <= 16;
	case C_SHORT:
		return dtool_div((double)s->tl, (double)s->tbk) <=
		    (double)t->h->tuth;
	case C_ZERO_RW:
		return s->rb == 0 || s->wb == 0;
	case C_LOW_ACCESS:
		return s->rb != 0 && s->wb != 0 && (rapb <= 0.4 || wapb <= 0.4);
	case C_HIGH_ACCESS:
		return rapb >= 1000 || wapb >= 1000;
	default:
		return true;
	}
}

static bool
sig_sums(const struct dtool_tree *t, int m, double threshold,
    const struct sums *s)
{
	const struct sums *root = &t->nodes[0].s;
	int f = metrics[m].field;
	double th = threshold >= 0 ? threshold : metrics[m].thresh;

	return (double)field_of(f, s) >= th * (double)field_of(f, root) &&
	    cond_sums(t, m, s);
}

bool
dtool_sig_pp(const struct dtool_tree *t, int metric, double threshold,
    const struct dtool_pp *pp)
{
	struct sums s;

	pp_sums(pp, &s);
	return sig_sums(t, metric, threshold, &s);
}

bool
dtool_cond_pp(const struct dtool_tree *t, int metric,
    const struct dtool_pp *pp)
{
	struct sums s;

	pp_sums(pp, &s);
	return cond_sums(t, metric, &s);
}

/* ------------------------------------------------------------------ */
/* Building */

static uint32_t
new_node(struct dtool_tree *t, int kind, const uint32_t *frames,
    uint32_t nframes)
{
	struct dtool_node *n;

	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->nodes = dtool_xreallocarray(t->nodes, t->cap,
		    sizeof(*t->nodes));
	}
	n = &t->nodes[t->n];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->frames = frames;
	n->nframes = nframes;
	return (uint32_t)t->n++;
}

static uint64_t
kid_hash(uint32_t parent, uint32_t frame)
{
	uint32_t key[2] = { parent, frame };

	return dtool_hash(key, sizeof(key));
}

struct kid_key {
	const struct dtool_tree *t;
	uint32_t parent, frame;
};

static bool
same_kid(const void *ctx, uint32_t kid)
{
	const struct kid_key *k = ctx;
	const struct dtool_node *n = &k->t->nodes[kid];

	return n->parent == k->parent && n->frames[0] == k->frame;
}

/* PARENT's kid whose first frame is FRAME; UINT32_MAX when none. */
static uint32_t
kid_find(const struct dtool_tree *t, uint32_t parent, uint32_t frame)
{
	struct kid_key k = { t, parent, frame };
	uint32_t kid = dtool_index_find(&t->kids, kid_hash(parent, frame),
	    same_kid, &k);

	return kid != DTOOL_INDEX_NONE ? kid : UINT32_MAX;
}

static void
push_kid_raw(struct dtool_node *n, uint32_t kid)
{
	if (n->nkids == n->capkids) {
		n->capkids = n->capkids ? 2 * n->capkids : 2;
		n->kids = dtool_xreallocarray(n->kids, n->capkids,
		    sizeof(*n->kids));
	}
	n->kids[n->nkids++] = kid;
}

static void
push_kid(struct dtool_tree *t, uint32_t parent, uint32_t kid)
{
	push_kid_raw(&t->nodes[parent], kid);
	t->nodes[kid].parent = parent;
	if (t->nodes[kid].nframes > 0)
		dtool_index_add(&t->kids, kid_hash(parent,
		    t->nodes[kid].frames[0]), kid);
}

/* The viewer's TreeNode._add(), sums and access-array rules included. */
static void
node_add(struct dtool_node *n, const struct sums *s, int accst,
    const uint64_t *acc, uint32_t nacc)
{
	n->s.tb += s->tb;
	n->s.tbk += s->tbk;
	n->s.tl += s->tl;
	if (n->kind == K_LEAF) {
		n->s.mb += s->mb;
		n->s.mbk += s->mbk;
	}
	n->s.gb += s->gb;
	n->s.gbk += s->gbk;
	n->s.eb += s->eb;
	n->s.ebk += s->ebk;
	n->s.rb += s->rb;
	n->s.wb += s->wb;
	if (n->kind == K_AGG)
		return;
	if (n->accst == ACC_UNSET && accst == ACC_HAVE) {
		n->acc = dtool_xreallocarray(NULL, nacc, sizeof(*acc));
		memcpy(n->acc, acc, nacc * sizeof(*acc));
		n->nacc = nacc;
		n->accst = ACC_HAVE;
	} else if (n->accst == ACC_HAVE && accst == ACC_HAVE &&
	    n->nacc == nacc) {
		for (uint32_t i = 0; i < nacc; i++)
			n->acc[i] = n->acc[i] == ACC_INF || acc[i] == ACC_INF ?
			    ACC_INF : n->acc[i] + acc[i];
	} else {
		free(n->acc);
		n->acc = NULL;
		n->nacc = 0;
		n->accst = ACC_NONE;
	}
}

struct ppv {
	struct sums s;
	int accst;
	uint64_t *acc;
	uint32_t nacc;
	const struct dtool_pp *pp;
};

static void
add_pp(struct dtool_tree *t, uint32_t ni, const struct ppv *v)
{
	node_add(&t->nodes[ni], &v->s, v->accst, v->acc, v->nacc);
}

static void
add_node(struct dtool_tree *t, uint32_t dst, uint32_t src)
{
	struct dtool_node *s = &t->nodes[src];

	node_add(&t->nodes[dst], &s->s, s->accst == ACC_UNSET ? ACC_NONE :
	    s->accst, s->acc, s->nacc);
}

/* The viewer's _split(): T keeps frames [0, ti]; the first kid inherits
 * the rest with T's kids and sums, the second gets NEW frames and PP. */
static void
split(struct dtool_tree *t, uint32_t ni, uint32_t ti, const struct ppv *v,
    const uint32_t *nf, uint32_t nnf)
{
	struct dtool_node *n = &t->nodes[ni];
	uint32_t k1, k2;

	k1 = new_node(t, n->kind, n->frames + ti + 1, n->nframes - ti - 1);
	n = &t->nodes[ni];
	t->nodes[k1].kids = n->kids;
	t->nodes[k1].nkids = n->nkids;
	t->nodes[k1].capkids = n->capkids;
	n->kids = NULL;
	n->nkids = n->capkids = 0;
	/* The kids moved: file them under their new parent. */
	for (uint32_t k = 0; k < t->nodes[k1].nkids; k++) {
		uint32_t kid = t->nodes[k1].kids[k];
		uint32_t f;

		t->nodes[kid].parent = k1;
		if (t->nodes[kid].nframes == 0)
			continue;
		f = t->nodes[kid].frames[0];
		dtool_index_remove(&t->kids, kid_hash(ni, f), kid);
		dtool_index_add(&t->kids, kid_hash(k1, f), kid);
	}
	add_node(t, k1, ni);
	k2 = new_node(t, K_LEAF, nf, nnf);
	add_pp(t, k2, v);
	n = &t->nodes[ni];
	if (n->kind == K_LEAF) {
		n->kind = K_INTERNAL;
		n->s.mb = n->s.mbk = 0;
	}
	n->nframes = ti + 1;
	push_kid(t, ni, k1);
	push_kid(t, ni, k2);
	add_pp(t, ni, v);
}

static void
decode_acc(const struct dtool_pp *pp, struct ppv *v, uint64_t **buf,
    size_t *cap)
{
	size_t n = 0;

	v->accst = ACC_UNSET;
	if (!(pp->have & DTOOL_PP_ACC))
		return;
	for (uint32_t i = 0; i < pp->nacc; i++) {
		uint64_t reps = 1, val;

		if (pp->acc[i] < 0) {
			reps = (uint64_t)-(int64_t)pp->acc[i];
			i++;
		}
		val = pp->acc[i] == 65535 ? ACC_INF : (uint64_t)pp->acc[i];
		if (n + reps > *cap) {
			while (n + reps > *cap)
				*cap = *cap ? 2 * *cap : 1024;
			*buf = dtool_xreallocarray(*buf, *cap, sizeof(**buf));
		}
		for (uint64_t r = 0; r < reps; r++)
			(*buf)[n++] = val;
	}
	v->accst = ACC_HAVE;
	v->acc = *buf;
	v->nacc = (uint32_t)n;
}

static void
insert(struct dtool_tree *t, const struct ppv *v)
{
	const uint32_t *fs = v->pp->fs;
	uint32_t nfs = v->pp->nfs;
	uint32_t ni = 0, ti = 0;

	for (uint32_t j = 0; j < nfs; j++) {
		struct dtool_node *n = &t->nodes[ni];
		uint32_t kid = UINT32_MAX;

		if (ti + 1 < n->nframes) {
			if (n->frames[ti + 1] == fs[j]) {
				ti++;
				continue;
			}
			split(t, ni, ti, v, fs + j, nfs - j);
			return;
		}
		if (n->nkids == 0) {
			split(t, ni, ti, v, fs + j, nfs - j);
			return;
		}
		add_pp(t, ni, v);
		kid = kid_find(t, ni, fs[j]);
		if (kid != UINT32_MAX) {
			ni = kid;
			ti = 0;
			continue;
		}
		kid = new_node(t, K_LEAF, fs + j, nfs - j);
		add_pp(t, kid, v);
		push_kid(t, ni, kid);
		return;
	}
	/* The stack ended: a prefix of an existing one.  The reader
	 * rejected exact repeats, so a node ending here is new. */
	if (ti + 1 < t->nodes[ni].nframes) {
		split(t, ni, ti, v, fs + nfs, 0);
	} else {
		uint32_t kid = new_node(t, K_LEAF, fs + nfs, 0);

		add_pp(t, kid, v);
		push_kid(t, ni, kid);
		add_pp(t, ni, v);
	}
}

struct dtool_tree *
dtool_tree_build(const struct dtool_profile *p, bool full)
{
	struct dtool_tree *t = dtool_xcalloc(1, sizeof(*t));
	size_t npps = dtool_profile_npps(p);
	uint64_t *accbuf = NULL;
	size_t acccap = 0;

	t->p = p;
	t->h = dtool_profile_header(p);
	dtool_units(t->h, &t->u);
	for (size_t i = 0; i < npps; i++) {
		struct ppv v;

		memset(&v, 0, sizeof(v));
		v.pp = dtool_profile_pp(p, i);
		pp_sums(v.pp, &v.s);
		if (!full) {
			if (i == 0) {
				t->rootframes = dtool_xcalloc(1,
				    sizeof(uint32_t));
				new_node(t, K_INTERNAL, t->rootframes, 1);
			}
			node_add(&t->nodes[0], &v.s, ACC_NONE, NULL, 0);
			continue;
		}
		decode_acc(v.pp, &v, &accbuf, &acccap);
		if (i == 0) {
			t->rootframes = dtool_xreallocarray(NULL,
			    v.pp->nfs + 1, sizeof(uint32_t));
			t->rootframes[0] = 0;
			memcpy(t->rootframes + 1, v.pp->fs,
			    v.pp->nfs * sizeof(uint32_t));
			new_node(t, K_LEAF, t->rootframes, v.pp->nfs + 1);
			add_pp(t, 0, &v);
			continue;
		}
		insert(t, &v);
	}
	if (npps == 0) {
		t->rootframes = dtool_xcalloc(1, sizeof(uint32_t));
		new_node(t, K_LEAF, t->rootframes, 1);
	}
	free(accbuf);
	return t;
}

void
dtool_tree_free(struct dtool_tree *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->nodes[i].kids);
		free(t->nodes[i].acc);
		free(t->nodes[i].aggname);
	}
	free(t->nodes);
	free(t->rootframes);
	dtool_index_free(&t->kids);
	free(t);
}

void
dtool_tree_totals(const struct dtool_tree *t, struct dtool_pp *out)
{
	const struct sums *s = &t->nodes[0].s;

	memset(out, 0, sizeof(*out));
	out->tb = s->tb;
	out->tbk = s->tbk;
	out->tl = s->tl;
	out->gb = s->gb;
	out->gbk = s->gbk;
	out->eb = s->eb;
	out->ebk = s->ebk;
	out->rb = s->rb;
	out->wb = s->wb;
}

/* ------------------------------------------------------------------ */
/* Rendering */

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
	const struct sums *root = &c->t->nodes[0].s;
	const struct sums *s = &n->s;
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
	frb(c, "  Total:     ", B_TOTAL_TITLE);
	frb(c, amount_perc_rate(c, b1, sizeof(b1), (double)s->tb,
	    (double)root->tb, u->bytes), B_TOTAL_BYTES);
	fr(c, " in ", false, false);
	frb(c, amount_perc_rate(c, b2, sizeof(b2), (double)s->tbk,
	    (double)root->tbk, u->blocks), B_TOTAL_BLOCKS);
	fr(c, ", ", c->bolds & B_TOTAL_AVGSIZE, false);
	snprintf(b3, sizeof(b3), "avg size %s",
	    amount(b1, sizeof(b1), dtool_div((double)s->tb, (double)s->tbk),
	    u->bytes));
	frb(c, b3, B_TOTAL_AVGSIZE);
	if (h->bklt) {
		fr(c, ", ", c->bolds & B_TOTAL_AVGLIFE, false);
		avglife = dtool_div((double)s->tl, (double)s->tbk);
		snprintf(b3, sizeof(b3), "avg lifetime %s %s (%s of program "
		    "duration)", dtool_fmt_num(n1, avglife), h->tu,
		    dtool_fmt_perc(p1, dtool_div(avglife, (double)h->te)));
		frb(c, b3, B_TOTAL_AVGLIFE);
	}
	nl(c, c->bolds & B_TOTAL_TITLE);

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
		    B_GMAX_TITLE, B_GMAX_BYTES);
		print_at(c, "  At t-end:  ", s->eb, s->ebk, root->eb, root->ebk,
		    B_END_TITLE, B_END_BYTES);
	}
	if (h->bkacc) {
		print_access(c, "  Reads:     ", s->rb, root->rb, s->tb,
		    B_READS_TITLE, B_READS_BYTES, B_READS_APB);
		print_access(c, "  Writes:    ", s->wb, root->wb, s->tb,
		    B_WRITES_TITLE, B_WRITES_BYTES, B_WRITES_APB);

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
	if (sig_sums(t, m, th, &t->nodes[ni].s)) {
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
				agg = new_node(t, K_AGG, NULL, 0);
				t->nodes[agg].sig = SIG_NONE;
				kids[nk].node = agg;
				kids[nk].pos = nk;
				nk++;
			}
			nagg++;
			add_node(t, agg, kid);
		}
		if (agg != UINT32_MAX) {
			char s[48];

			snprintf(s, sizeof(s), "[%u insignificant]", nagg);
			t->nodes[agg].aggname = dtool_xstrdup(s);
		}
		for (uint32_t k = 0; k < nk; k++) {
			kids[k].key = field_of(metrics[m].field,
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
				dtool_diex(1, "tree too deep");
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
	const struct sums *root = &t->nodes[0].s;
	const struct dtool_units *u = &t->u;
	double f = th >= 0 ? th : metrics[m].thresh;
	double rv = (double)field_of(metrics[m].field, root);
	const char *unit = metrics[m].field == FLD_TBK ? u->blocks : u->bytes;
	static const char *const what[] = {
		"total", "total", "at-t-gmax", "at-t-end", "reads", "writes"
	};
	char a[160], b[DTOOL_NUMBUF], z[64];
	int n;

	amount_perc(a, sizeof(a), f * rv, rv, unit);
	n = snprintf(buf, len, "%s%s >= %s%s", metrics[m].cond ? "(" : "",
	    what[metrics[m].field], a, metrics[m].cond ? ")" : "");
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= (size_t)n;
	snprintf(z, sizeof(z), "%s %s", dtool_fmt_num(b, 0), u->bytes);
	switch (metrics[m].cond) {
	case C_TINY:
		snprintf(buf, len, " && (avg size <= %s %s)",
		    dtool_fmt_num(b, 16), u->bytes);
		break;
	case C_SHORT:
		snprintf(buf, len, " && (avg lifetime <= %s %s)",
		    dtool_fmt_num(b, (double)t->h->tuth), t->h->tu);
		break;
	case C_ZERO_RW:
		snprintf(buf, len, " && ((reads == %s) || (writes == %s))",
		    z, z);
		break;
	case C_LOW_ACCESS:
		snprintf(buf, len, " && (reads != %s) && (writes != %s) && "
		    "((reads <= 0.4/%s) || (writes <= 0.4/%s))", z, z,
		    u->byte, u->byte);
		break;
	case C_HIGH_ACCESS:
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
	c.bolds = metrics[r->metric].bolds;
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
	struct ppv v;
	uint64_t *buf = NULL;
	size_t cap = 0;

	memset(&c, 0, sizeof(c));
	memset(&n, 0, sizeof(n));
	memset(&v, 0, sizeof(v));
	v.pp = pp;
	pp_sums(pp, &v.s);
	decode_acc(pp, &v, &buf, &cap);
	n.kind = K_LEAF;
	n.frames = pp->fs;
	n.nframes = pp->nfs;
	node_add(&n, &v.s, v.accst, v.acc, v.nacc);
	c.t = t;
	c.r = r;
	c.f = r->out;
	c.bolds = metrics[r->metric].bolds;
	c.first = true;
	c.tlfirst = "";
	c.tlrest = "";
	c.arrow = "";
	c.self = true;
	print_node_body(&c, &n, false, id, -1, NULL, 0);
	free(n.acc);
	free(buf);
}
