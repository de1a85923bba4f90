/* SPDX-License-Identifier: MIT */
/*
 * tree.c - the viewer's radix tree of program points, built as dh_view.js
 * builds it (read to learn its rules) so that "dhat-summarize --tree"
 * shows the viewer's figures in the viewer's order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tree_int.h"

uint32_t
dtool__tree_new_node(struct dtool_tree *t, int kind, const uint32_t *frames,
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

	return dhat__hash(key, sizeof(key));
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
	uint32_t kid = dhat__index_find(&t->kids, kid_hash(parent, frame),
	    same_kid, &k);

	return kid != DHAT__INDEX_NONE ? kid : UINT32_MAX;
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
		dhat__index_add(&t->kids, kid_hash(parent,
		    t->nodes[kid].frames[0]), kid);
}

/* The viewer's TreeNode._add(), sums and access-array rules included. */
void
dtool__node_add(struct dtool_node *n, const struct dtool_sums *s, int accst,
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

static void
add_pp(struct dtool_tree *t, uint32_t ni, const struct dtool_ppv *v)
{
	dtool__node_add(&t->nodes[ni], &v->s, v->accst, v->acc, v->nacc);
}

void
dtool__tree_add_node(struct dtool_tree *t, uint32_t dst, uint32_t src)
{
	struct dtool_node *s = &t->nodes[src];

	dtool__node_add(&t->nodes[dst], &s->s, s->accst == ACC_UNSET ? ACC_NONE :
	    s->accst, s->acc, s->nacc);
}

/* The viewer's _split(): T keeps frames [0, ti]; the first kid inherits
 * the rest with T's kids and sums, the second gets NEW frames and PP. */
static void
split(struct dtool_tree *t, uint32_t ni, uint32_t ti, const struct dtool_ppv *v,
    const uint32_t *nf, uint32_t nnf)
{
	struct dtool_node *n = &t->nodes[ni];
	uint32_t k1, k2;

	k1 = dtool__tree_new_node(t, n->kind, n->frames + ti + 1, n->nframes - ti - 1);
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
		dhat__index_remove(&t->kids, kid_hash(ni, f), kid);
		dhat__index_add(&t->kids, kid_hash(k1, f), kid);
	}
	dtool__tree_add_node(t, k1, ni);
	k2 = dtool__tree_new_node(t, K_LEAF, nf, nnf);
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
decode_acc(const struct dtool_pp *pp, struct dtool_ppv *v, uint64_t **buf,
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

void
dtool__ppv_of(const struct dtool_pp *pp, struct dtool_ppv *v, uint64_t **buf,
    size_t *cap)
{
	memset(v, 0, sizeof(*v));
	v->pp = pp;
	dtool_sums_of_pp(pp, &v->s);
	decode_acc(pp, v, buf, cap);
}

static void
insert(struct dtool_tree *t, const struct dtool_ppv *v)
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
		kid = dtool__tree_new_node(t, K_LEAF, fs + j, nfs - j);
		add_pp(t, kid, v);
		push_kid(t, ni, kid);
		return;
	}
	/* The stack ended: a prefix of an existing one.  The reader
	 * rejected exact repeats, so a node ending here is new. */
	if (ti + 1 < t->nodes[ni].nframes) {
		split(t, ni, ti, v, fs + nfs, 0);
	} else {
		uint32_t kid = dtool__tree_new_node(t, K_LEAF, fs + nfs, 0);

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
		struct dtool_ppv v;

		memset(&v, 0, sizeof(v));
		v.pp = dtool_profile_pp(p, i);
		dtool_sums_of_pp(v.pp, &v.s);
		if (!full) {
			if (i == 0) {
				t->rootframes = dtool_xcalloc(1,
				    sizeof(uint32_t));
				dtool__tree_new_node(t, K_INTERNAL, t->rootframes, 1);
			}
			dtool__node_add(&t->nodes[0], &v.s, ACC_NONE, NULL, 0);
			continue;
		}
		decode_acc(v.pp, &v, &accbuf, &acccap);
		if (i == 0) {
			t->rootframes = dtool_xreallocarray(NULL,
			    v.pp->nfs + 1, sizeof(uint32_t));
			t->rootframes[0] = 0;
			memcpy(t->rootframes + 1, v.pp->fs,
			    v.pp->nfs * sizeof(uint32_t));
			dtool__tree_new_node(t, K_LEAF, t->rootframes, v.pp->nfs + 1);
			add_pp(t, 0, &v);
			continue;
		}
		insert(t, &v);
	}
	if (npps == 0) {
		t->rootframes = dtool_xcalloc(1, sizeof(uint32_t));
		dtool__tree_new_node(t, K_LEAF, t->rootframes, 1);
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
	dhat__index_free(&t->kids);
	free(t);
}

void
dtool_tree_totals(const struct dtool_tree *t, struct dtool_pp *out)
{
	const struct dtool_sums *s = &t->nodes[0].s;

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

bool
dtool_sig_pp(const struct dtool_tree *t, int metric, double threshold,
    const struct dtool_pp *pp)
{
	struct dtool_sums s;

	dtool_sums_of_pp(pp, &s);
	return dtool_metric_significant(metric, threshold, &s,
	    &t->nodes[0].s, t->h->tuth);
}

bool
dtool_cond_pp(const struct dtool_tree *t, int metric,
    const struct dtool_pp *pp)
{
	struct dtool_sums s;

	dtool_sums_of_pp(pp, &s);
	return dtool_metric_cond(metric, &s, t->h->tuth);
}
