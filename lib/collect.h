/* SPDX-License-Identifier: MIT */
/*
 * collect.h - a closed profile's program points with their frames named,
 * as the JSON file numbers them (collect.c), for json.c to write.
 */
#ifndef DHAT_COLLECT_H
#define DHAT_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "heap.h"
#include "index.h"

/* A growable array of T, from libdhat's own memory. */
#define VEC(T) struct { T *v; size_t n, cap; }

int dhat__vec_grow(void **v, size_t *cap, size_t need, size_t size);

/* Room for K more elements in VEC A; -1 when out of memory. */
#define VEC_RESERVE(a, k)                                                      \
	((a).n + (k) <= (a).cap ? 0 :                                          \
	    dhat__vec_grow((void **)&(a).v, &(a).cap, (a).n + (k),            \
	    sizeof *(a).v))

struct str {
	char *s;
	size_t len;
};

struct ipent {
	uintptr_t ip;
	uint64_t gen;          /* the PP's module generation */
	uint32_t first, n;     /* string ids in ipstrs[first .. first+n) */
	int kind;
};

struct opp {
	uint64_t tb, tbk, tl;
	uint64_t mb, mbk, gb, gbk, eb, ebk;
	struct dhat__pp_access acc;  /* when accesses were counted */
	size_t fs, nfs;        /* in fsids */
};

struct dhat__collection {
	const struct dhat__closed *c;  /* the figures written */
	struct dhat__symbolizer *sym;
	VEC(struct str) strs;     /* id 0 = "[root]" */
	struct dhat__index str_index;
	VEC(struct ipent) ips;
	struct dhat__index ip_index;
	VEC(uint32_t) ipstrs;
	VEC(uint32_t) fsids;
	VEC(struct opp) opps;
	struct dhat__index opp_index;
	VEC(uint32_t) cur;        /* ids of the IP being symbolized */
	uint32_t *order;          /* ftbl index -> string id */
	size_t norder;
	bool oom;
};

/* Collects C's program points into B; -1 when out of memory (B must be
 * freed all the same). */
int dhat__collect(struct dhat__collection *b, const struct dhat__closed *c);
void dhat__collection_free(struct dhat__collection *b);

#endif
