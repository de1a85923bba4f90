/* SPDX-License-Identifier: MIT */
/*
 * collect.c - what the file will hold: every distinct instruction pointer
 * symbolized once (once per module generation whose stacks hold it, for
 * an address where a module was unloaded since: see unload.c), its frame
 * strings interned in a table whose indices, in order of first use,
 * become "ftbl" ("[root]" is 0).  A stack ends before its first frame
 * below main or a thread's start routine, unless that would leave the
 * allocator frame alone.  Program points whose frame strings coincide
 * are merged, because the viewer refuses two with the same "fs".
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "collect.h"
#include "heap.h"
#include "memory.h"
#include "pp_table.h"
#include "unload.h"
#include "index.h"
#include "symbolize.h"

int
dhat__vec_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return 0;
	p = dhat__realloc(*v, c * size);
	if (p == NULL)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

struct str_key {
	const struct dhat__collection *b;
	const char *s;
	size_t len;
};

static bool
same_str(const void *ctx, uint32_t id)
{
	const struct str_key *k = ctx;
	const struct str *e = &k->b->strs.v[id];

	return e->len == k->len && memcmp(e->s, k->s, k->len) == 0;
}

/* The id of frame string S, added if new; UINT32_MAX when out of memory. */
static uint32_t
str_intern(struct dhat__collection *b, const char *s, size_t len)
{
	struct str_key k = { b, s, len };
	uint64_t h = dhat__hash(s, len);
	uint32_t id = dhat__index_find(&b->str_index, h, same_str, &k);
	struct str *e;

	if (id != DHAT__INDEX_NONE)
		return id;
	if (VEC_RESERVE(b->strs, 1) < 0)
		return UINT32_MAX;
	e = &b->strs.v[b->strs.n];
	e->s = dhat__malloc(len + 1);
	if (e->s == NULL)
		return UINT32_MAX;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->len = len;
	if (!dhat__index_add(&b->str_index, h, (uint32_t)b->strs.n)) {
		dhat__own_free(e->s);
		return UINT32_MAX;
	}
	return (uint32_t)b->strs.n++;
}

static int
collect_frame(void *ctx, const char *frame)
{
	struct dhat__collection *b = ctx;
	uint32_t id;
	int r = 0;

	/* Called back from inside the symbolizer: our own allocations
	 * here may fail even though libdw's may not. */
	DHAT__FAULT_RESUME();
	id = str_intern(b, frame, strlen(frame));
	if (id == UINT32_MAX || VEC_RESERVE(b->cur, 1) < 0) {
		b->oom = true;
		r = 1;
	} else {
		b->cur.v[b->cur.n++] = id;
	}
	DHAT__FAULT_PAUSE();
	return r;
}

struct ip_key {
	const struct dhat__collection *b;
	uintptr_t ip;
	uint64_t gen;
};

static bool
same_ip(const void *ctx, uint32_t pos)
{
	const struct ip_key *k = ctx;
	const struct ipent *e = &k->b->ips.v[pos];

	return e->ip == k->ip && e->gen == k->gen;
}

static uint64_t
ip_hash(uintptr_t ip, uint64_t gen)
{
	uint64_t key[2] = { ip, gen };

	return dhat__hash(key, sizeof key);
}

/* The frame strings of IP in a stack of module generation GEN,
 * symbolized on first sight; NULL on OOM. */
static const struct ipent *
ip_lookup(struct dhat__collection *b, uintptr_t ip, uint64_t gen)
{
	struct ip_key k = { b, ip, gen };
	uint64_t h = ip_hash(ip, gen);
	uint32_t pos = dhat__index_find(&b->ip_index, h, same_ip, &k);
	struct ipent *e;
	char fallback[64];
	int kind;

	if (pos != DHAT__INDEX_NONE)
		return &b->ips.v[pos];
	b->cur.n = 0;
	kind = DHAT__FRAME_NORMAL;
	/* Every captured address is a return address, the allocator
	 * frame's included (it is where malloc called into libdhat). */
	if (b->sym != NULL) {
		DHAT__FAULT_PAUSE();
		kind = dhat__symbolize(b->sym, ip,
		    dhat__symbolize_era(b->sym, ip, gen), true, collect_frame,
		    b);
		DHAT__FAULT_RESUME();
	}
	if (b->oom || kind < 0)
		return NULL;
	if (kind == DHAT__FRAME_NORMAL && b->cur.n == 0) {
		snprintf(fallback, sizeof fallback, "0x%lx: ???",
		    (unsigned long)ip);
		if (collect_frame(b, fallback) != 0)
			return NULL;
	}
	if (VEC_RESERVE(b->ipstrs, b->cur.n) < 0 ||
	    VEC_RESERVE(b->ips, 1) < 0 ||
	    !dhat__index_add(&b->ip_index, h, (uint32_t)b->ips.n))
		return NULL;
	e = &b->ips.v[b->ips.n++];
	e->ip = ip;
	e->gen = gen;
	e->kind = kind;
	e->first = (uint32_t)b->ipstrs.n;
	e->n = (uint32_t)b->cur.n;
	if (b->cur.n > 0)
		memcpy(b->ipstrs.v + b->ipstrs.n, b->cur.v,
		    b->cur.n * sizeof *b->cur.v);
	b->ipstrs.n += b->cur.n;
	return e;
}

struct opp_key {
	const struct dhat__collection *b;
	const uint32_t *fs;
	size_t nfs;
};

static bool
same_opp(const void *ctx, uint32_t pos)
{
	const struct opp_key *k = ctx;
	const struct opp *o = &k->b->opps.v[pos];

	return o->nfs == k->nfs && memcmp(k->b->fsids.v + o->fs, k->fs,
	    k->nfs * sizeof *k->fs) == 0;
}

/* The output PP of the frame strings that are the last NFS entries of
 * fsids, made if new (the strings then stay; else they are dropped);
 * NULL when out of memory. */
static struct opp *
opp_of(struct dhat__collection *b, size_t nfs)
{
	const uint32_t *fs = b->fsids.v + b->fsids.n - nfs;
	struct opp_key k = { b, fs, nfs };
	uint64_t h = dhat__hash(fs, nfs * sizeof *fs);
	uint32_t pos = dhat__index_find(&b->opp_index, h, same_opp, &k);
	struct opp *o;

	if (pos != DHAT__INDEX_NONE) {
		b->fsids.n -= nfs;
		return &b->opps.v[pos];
	}
	if (VEC_RESERVE(b->opps, 1) < 0 ||
	    !dhat__index_add(&b->opp_index, h, (uint32_t)b->opps.n))
		return NULL;
	o = &b->opps.v[b->opps.n++];
	memset(o, 0, sizeof *o);
	o->fs = b->fsids.n - nfs;
	o->nfs = nfs;
	return o;
}

/* Adds PP's figures to the output PP of its frame strings, the last NFS
 * entries of fsids.  PPs whose stacks name the same frames are merged:
 * their peaks may not coincide, so mb is an upper bound. */
static int
opp_add(struct dhat__collection *b, const struct dhat__pp *pp, size_t nfs)
{
	struct opp *o = opp_of(b, nfs);

	if (o == NULL)
		return -1;
	o->tb += pp->tb;
	o->tbk += pp->tbk;
	o->tl += pp->tl;
	o->mb += pp->max_bytes;
	o->mbk += pp->max_blocks;
	o->gb += pp->g_bytes;
	o->gbk += pp->g_blocks;
	o->eb += pp->curr_bytes;
	o->ebk += pp->curr_blocks;
	if (b->c->access != NULL)
		dhat__access_merge(&o->acc, &b->c->access[pp - b->c->pps]);
	return 0;
}

static int
collect_pps(struct dhat__collection *b)
{
	size_t i, k, n = b->c->n, start;
	bool bare;

	if (str_intern(b, "[root]", 6) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct dhat__pp *pp = &b->c->pps[i];

		start = b->fsids.n;
		bare = false;
		for (k = 0; k < pp->n_ips; k++) {
			const struct ipent *e = ip_lookup(b, pp->ips[k],
			    pp->modgen);

			if (e == NULL)
				return -1;
			/* The start code ends a stack, unless nothing but
			 * the allocator frame would be left (stack.c). */
			if (e->kind == DHAT__FRAME_OUTER && k == 1)
				bare = true;
			if (e->kind == DHAT__FRAME_OUTER && !bare)
				break;
			if (VEC_RESERVE(b->fsids, e->n) < 0)
				return -1;
			if (k == 0 && e->n > 0) {
				/* The allocator frame is libdhat's: only the
				 * entry point, not what is inlined into it. */
				b->fsids.v[b->fsids.n++] =
				    b->ipstrs.v[e->first + e->n - 1];
				continue;
			}
			memcpy(b->fsids.v + b->fsids.n, b->ipstrs.v + e->first,
			    e->n * sizeof(uint32_t));
			b->fsids.n += e->n;
		}
		if (opp_add(b, pp, b->fsids.n - start) < 0)
			return -1;
	}
	return 0;
}

/* Number the frame strings in order of first use in the output PPs and
 * rewrite the fs lists with those numbers; strings no stack uses (what
 * was inlined into an allocator entry point) are left out. */
static int
number_frames(struct dhat__collection *b)
{
	uint32_t *idx = dhat__calloc(b->strs.n, sizeof *idx);
	size_t i;

	b->order = dhat__malloc(b->strs.n * sizeof *b->order);
	if (idx == NULL || b->order == NULL) {
		dhat__own_free(idx);
		return -1;
	}
	b->order[0] = 0;        /* "[root]" */
	b->norder = 1;
	for (i = 0; i < b->opps.n; i++) {
		uint32_t *fs = b->fsids.v + b->opps.v[i].fs;
		size_t j;

		for (j = 0; j < b->opps.v[i].nfs; j++) {
			if (idx[fs[j]] == 0) {
				idx[fs[j]] = (uint32_t)b->norder;
				b->order[b->norder++] = fs[j];
			}
			fs[j] = idx[fs[j]];
		}
	}
	dhat__own_free(idx);
	return 0;
}

void
dhat__collection_free(struct dhat__collection *b)
{
	size_t i;

	for (i = 0; i < b->strs.n; i++)
		dhat__own_free(b->strs.v[i].s);
	dhat__own_free(b->strs.v);
	dhat__index_free(&b->str_index);
	dhat__own_free(b->ips.v);
	dhat__index_free(&b->ip_index);
	dhat__own_free(b->ipstrs.v);
	dhat__own_free(b->fsids.v);
	for (i = 0; i < b->opps.n; i++)
		dhat__own_free(b->opps.v[i].acc.acc);
	dhat__own_free(b->opps.v);
	dhat__index_free(&b->opp_index);
	dhat__own_free(b->cur.v);
	dhat__own_free(b->order);
	if (b->sym != NULL) {
		DHAT__FAULT_PAUSE();
		dhat__symbolizer_free(b->sym);
		DHAT__FAULT_RESUME();
	}
}

int
dhat__collect(struct dhat__collection *b, const struct dhat__closed *c)
{
	struct dhat__gone_module *gone = NULL;
	size_t ngone = dhat__gone_modules(&gone);

	memset(b, 0, sizeof *b);
	b->c = c;
	DHAT__FAULT_PAUSE();
	b->sym = dhat__symbolizer_new_with(gone, ngone);
	DHAT__FAULT_RESUME();
	dhat__own_free(gone);
	return collect_pps(b) < 0 || number_frames(b) < 0 ? -1 : 0;
}
