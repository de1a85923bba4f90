/* SPDX-License-Identifier: MIT */
/*
 * flame.c - the flame tree: each frame-table entry's function key is
 * computed once, and each node finds its kid by (node, key) in a hash
 * index, so building costs one look-up per frame of each stack.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "flame.h"
#include "profile/frame.h"
#include "profile/metric.h"

struct name_key {
	const struct dtool_flame *f;
	const char *s;
};

static bool
same_name(const void *ctx, uint32_t id)
{
	const struct name_key *k = ctx;

	return strcmp(k->f->names[id], k->s) == 0;
}

/* The id of NAME, which is taken over (or freed when known). */
static uint32_t
name_intern(struct dtool_flame *f, char *name)
{
	struct name_key k = { f, name };
	uint32_t id = dhat__index_intern(&f->name_index,
	    dhat__hash(name, strlen(name)), same_name, &k,
	    (uint32_t)f->nnames);

	if (id != f->nnames) {
		free(name);
		return id;
	}
	if (f->nnames == f->capnames) {
		f->capnames = f->capnames ? 2 * f->capnames : 256;
		f->names = dtool_xreallocarray(f->names, f->capnames,
		    sizeof(*f->names));
	}
	f->names[f->nnames++] = name;
	return id;
}

struct kid_key {
	const struct dtool_flame *f;
	uint32_t parent, name;
};

static uint64_t
flame_kid_hash(uint32_t parent, uint32_t name)
{
	uint32_t key[2] = { parent, name };

	return dhat__hash(key, sizeof(key));
}

static bool
same_flame_kid(const void *ctx, uint32_t node)
{
	const struct kid_key *k = ctx;

	return k->f->nodes[node].parent == k->parent &&
	    k->f->nodes[node].name == k->name;
}

static uint32_t
node_new(struct dtool_flame *f, uint32_t parent, uint32_t name)
{
	struct dtool_flame_node *n;

	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 1024;
		f->nodes = dtool_xreallocarray(f->nodes, f->cap,
		    sizeof(*f->nodes));
	}
	n = &f->nodes[f->n];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->kid = n->next = DTOOL_FLAME_NONE;
	if (parent != DTOOL_FLAME_NONE) {
		n->next = f->nodes[parent].kid;
		f->nodes[parent].kid = (uint32_t)f->n;
		f->nodes[parent].nkids++;
	}
	return (uint32_t)f->n++;
}

/* PARENT's kid called NAME, made when new. */
static uint32_t
kid_of(struct dtool_flame *f, uint32_t parent, uint32_t name)
{
	struct kid_key k = { f, parent, name };
	uint64_t h = flame_kid_hash(parent, name);
	uint32_t node = dhat__index_find(&f->kid_index, h, same_flame_kid, &k);

	if (node != DHAT__INDEX_NONE)
		return node;
	node = node_new(f, parent, name);
	dhat__index_add(&f->kid_index, h, node);
	return node;
}

static void
add_weights(struct dtool_flame_node *n, const uint64_t *w)
{
	for (int i = 0; i < DTOOL_FLAME_METRICS; i++)
		n->w[i] += w[i];
}

/* Adds a stack of frame-table entries FS[STOP..NFS), innermost first,
 * whose names NAME_OF gives, weighing W. */
static void
add_stack(struct dtool_flame *f, const uint32_t *fs, uint32_t nfs,
    uint32_t stop, const uint32_t *name_of, const uint64_t *w)
{
	uint32_t node = 0;
	int depth = 1;

	add_weights(&f->nodes[0], w);
	for (uint32_t k = nfs; k-- > stop; depth++) {
		node = kid_of(f, node, name_of[fs[k]]);
		add_weights(&f->nodes[node], w);
	}
	if (depth > f->depth)
		f->depth = depth;
}

struct dtool_flame *
dtool_flame_build(const struct dtool_profile *p, const int *metrics,
    int nmetrics, int max_frames)
{
	struct dtool_flame *f = dtool_xcalloc(1, sizeof(*f));
	size_t nf = dtool_profile_nframes(p);
	uint32_t *name_of = dtool_xreallocarray(NULL, nf ? nf : 1,
	    sizeof(*name_of));

	node_new(f, DTOOL_FLAME_NONE, name_intern(f, dtool_xstrdup("all")));
	f->depth = 1;
	for (size_t i = 0; i < nf; i++)
		name_of[i] = name_intern(f, dtool_frame_key(
		    dtool_profile_frame(p, (uint32_t)i), DTOOL_MATCH_FUNCTION));
	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);
		uint64_t w[DTOOL_FLAME_METRICS] = { 0 }, any = 0;
		uint32_t stop = 0;

		for (int m = 0; m < nmetrics && m < DTOOL_FLAME_METRICS; m++)
			any |= w[m] = dtool_metric_value(metrics[m], pp);
		if (any == 0)
			continue;
		if (max_frames >= 0 && (uint32_t)max_frames < pp->nfs)
			stop = pp->nfs - (uint32_t)max_frames;
		add_stack(f, pp->fs, pp->nfs, stop, name_of, w);
	}
	free(name_of);
	return f;
}

void
dtool_flame_free(struct dtool_flame *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->nnames; i++)
		free(f->names[i]);
	free(f->names);
	free(f->nodes);
	dhat__index_free(&f->name_index);
	dhat__index_free(&f->kid_index);
	free(f);
}

static int
cmp_kid(const void *a, const void *b, void *ctx)
{
	const struct dtool_flame *f = ctx;
	uint32_t x = f->nodes[*(const uint32_t *)a].name;
	uint32_t y = f->nodes[*(const uint32_t *)b].name;

	return strcmp(f->names[x], f->names[y]);
}

size_t
dtool_flame_kids(const struct dtool_flame *f, uint32_t node, uint32_t **out)
{
	size_t n = 0;

	*out = dtool_xreallocarray(NULL, f->nodes[node].nkids + 1,
	    sizeof(**out));
	for (uint32_t k = f->nodes[node].kid; k != DTOOL_FLAME_NONE;
	    k = f->nodes[k].next)
		(*out)[n++] = k;
	qsort_r(*out, n, sizeof(**out), cmp_kid, (void *)f);
	return n;
}
