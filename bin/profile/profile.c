/* SPDX-License-Identifier: MIT */
/*
 * profile.c - the profile model: storage, access, building and the
 * checks every profile passes before the tools use or write it.
 */
#include "config.h"

#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "profile_int.h"

#define ARENA_CHUNK	(1u << 20)

void *
dtool_arena_alloc(struct dtool_arena *a, size_t n, size_t align)
{
	uintptr_t cur = (uintptr_t)a->cur;
	size_t pad = (align - cur % align) % align;
	void *r;

	if (a->cur == NULL || pad + n > a->left) {
		size_t sz = n + align > ARENA_CHUNK ? n + align : ARENA_CHUNK;

		a->chunks = dtool_xreallocarray(a->chunks, a->nchunks + 1,
		    sizeof(*a->chunks));
		a->chunks[a->nchunks++] = a->cur = dtool_xmalloc(sz);
		a->left = sz;
		cur = (uintptr_t)a->cur;
		pad = (align - cur % align) % align;
	}
	r = a->cur + pad;
	a->cur += pad + n;
	a->left -= pad + n;
	return r;
}

char *
dtool_arena_strndup(struct dtool_arena *a, const char *s, size_t n)
{
	char *d = dtool_arena_alloc(a, n + 1, 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void
dtool_arena_free(struct dtool_arena *a)
{
	for (size_t i = 0; i < a->nchunks; i++)
		free(a->chunks[i]);
	free(a->chunks);
	memset(a, 0, sizeof(*a));
}

struct dtool_profile *
dtool__profile_alloc(void)
{
	return dtool_xcalloc(1, sizeof(struct dtool_profile));
}

void
dtool_profile_free(struct dtool_profile *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < (p->npps + DTOOL_PP_PAGE - 1) / DTOOL_PP_PAGE;
	    i++)
		free(p->pages[i]);
	free(p->pages);
	free(p->frames);
	dhat__index_free(&p->frame_index);
	dhat__index_free(&p->stack_index);
	dtool_arena_free(&p->arena);
	free(p);
}

struct dtool_pp *
dtool__profile_new_pp(struct dtool_profile *p)
{
	size_t page = p->npps / DTOOL_PP_PAGE;
	struct dtool_pp *pp;

	if (p->npps % DTOOL_PP_PAGE == 0) {
		p->pages = dtool_xreallocarray(p->pages, page + 1,
		    sizeof(*p->pages));
		p->pages[page] = dtool_xmalloc(DTOOL_PP_PAGE *
		    sizeof(struct dtool_pp));
	}
	pp = &p->pages[page][p->npps % DTOOL_PP_PAGE];
	memset(pp, 0, sizeof(*pp));
	p->npps++;
	return pp;
}

void
dtool__profile_push_frame(struct dtool_profile *p, const char *s, size_t len)
{
	if (p->nframes == p->frames_cap) {
		p->frames_cap = p->frames_cap ? 2 * p->frames_cap : 256;
		p->frames = dtool_xreallocarray(p->frames, p->frames_cap,
		    sizeof(*p->frames));
	}
	p->frames[p->nframes++] = dtool_arena_strndup(&p->arena, s, len);
}

const char *
dtool_mode_kind(const char *mode)
{
	return strncmp(mode, "rust-", 5) == 0 ? mode + 5 : mode;
}

const struct dtool_header *
dtool_profile_header(const struct dtool_profile *p)
{
	return &p->h;
}

size_t
dtool_profile_npps(const struct dtool_profile *p)
{
	return p->npps;
}

const struct dtool_pp *
dtool_profile_pp(const struct dtool_profile *p, size_t i)
{
	assert(i < p->npps);
	return &p->pages[i / DTOOL_PP_PAGE][i % DTOOL_PP_PAGE];
}

struct dtool_pp *
dtool_profile_pp_edit(struct dtool_profile *p, size_t i)
{
	assert(i < p->npps);
	return &p->pages[i / DTOOL_PP_PAGE][i % DTOOL_PP_PAGE];
}

size_t
dtool_profile_nframes(const struct dtool_profile *p)
{
	return p->nframes;
}

const char *
dtool_profile_frame(const struct dtool_profile *p, uint32_t i)
{
	assert(i < p->nframes);
	return p->frames[i];
}

static uint64_t
hash_stack(const uint32_t *fs, uint32_t nfs)
{
	return dhat__hash(fs, nfs * sizeof(*fs));
}

static const char *
copy_str(struct dtool_profile *p, const char *s)
{
	return s != NULL ? dtool_arena_strndup(&p->arena, s, strlen(s)) : NULL;
}

struct dtool_profile *
dtool_profile_new(const struct dtool_header *h)
{
	struct dtool_profile *p = dtool__profile_alloc();

	p->h = *h;
	p->h.version = 2;
	p->h.mode = copy_str(p, h->mode);
	p->h.verb = copy_str(p, h->verb);
	p->h.bu = copy_str(p, h->bu);
	p->h.bsu = copy_str(p, h->bsu);
	p->h.bksu = copy_str(p, h->bksu);
	p->h.tu = copy_str(p, h->tu);
	p->h.Mtu = copy_str(p, h->Mtu);
	p->h.cmd = copy_str(p, h->cmd);
	p->h.incomplete = copy_str(p, h->incomplete);
	p->h.end.by = copy_str(p, h->end.by);
	p->h.end.signal_name = copy_str(p, h->end.signal_name);
	if (h->ntimeline > 0) {
		uint64_t (*tl)[3] = dtool_arena_alloc(&p->arena,
		    h->ntimeline * sizeof(*tl), _Alignof(uint64_t));

		memcpy(tl, h->timeline, h->ntimeline * sizeof(*tl));
		p->h.timeline = (const uint64_t (*)[3])tl;
	}
	dtool__profile_push_frame(p, "[root]", 6);
	return p;
}

struct frame_key {
	const struct dtool_profile *p;
	const char *s;
};

static bool
same_frame(const void *ctx, uint32_t pos)
{
	const struct frame_key *k = ctx;

	return strcmp(k->p->frames[pos], k->s) == 0;
}

static uint64_t
hash_frame(const char *s)
{
	return dhat__hash(s, strlen(s));
}

uint32_t
dtool_profile_intern_frame(struct dtool_profile *p, const char *s)
{
	struct frame_key k = { p, s };
	uint32_t pos;

	/* The index covers every frame, also those that the reader added
	 * without it. */
	while (p->frame_index.n < p->nframes)
		dhat__index_add(&p->frame_index,
		    hash_frame(p->frames[p->frame_index.n]),
		    (uint32_t)p->frame_index.n);
	pos = dhat__index_intern(&p->frame_index, hash_frame(s), same_frame,
	    &k, (uint32_t)p->nframes);
	if (pos == p->nframes)
		dtool__profile_push_frame(p, s, strlen(s));
	return pos;
}

static struct dtool_pp *
pp_at(struct dtool_profile *p, size_t i)
{
	return &p->pages[i / DTOOL_PP_PAGE][i % DTOOL_PP_PAGE];
}

static bool
stack_equal(const struct dtool_pp *a, const uint32_t *fs, uint32_t nfs)
{
	return a->nfs == nfs &&
	    (nfs == 0 || memcmp(a->fs, fs, nfs * sizeof(*fs)) == 0);
}

struct stack_key {
	struct dtool_profile *p;
	const uint32_t *fs;
	uint32_t nfs;
};

static bool
same_pp_stack(const void *ctx, uint32_t pos)
{
	const struct stack_key *k = ctx;

	return stack_equal(pp_at(k->p, pos), k->fs, k->nfs);
}

/* Makes the stack index cover every PP; -1, with the positions of the
 * first two PPs found sharing a stack in *DUP_A and *DUP_B, when some
 * do (the index is then left empty: the profile is invalid). */
static int
stack_index_sync(struct dtool_profile *p, size_t *dup_a, size_t *dup_b)
{
	while (p->stack_index.n < p->npps) {
		uint32_t idx = (uint32_t)p->stack_index.n;
		struct dtool_pp *pp = pp_at(p, idx);
		struct stack_key k = { p, pp->fs, pp->nfs };
		uint32_t o = dhat__index_intern(&p->stack_index,
		    hash_stack(pp->fs, pp->nfs), same_pp_stack, &k, idx);

		if (o != idx) {
			*dup_a = o;
			*dup_b = idx;
			dhat__index_free(&p->stack_index);
			return -1;
		}
	}
	return 0;
}

struct dtool_pp *
dtool_profile_find_pp(struct dtool_profile *p, const uint32_t *fs,
    uint32_t nfs)
{
	struct stack_key k = { p, fs, nfs };
	size_t a, b;
	uint32_t pos;

	if (stack_index_sync(p, &a, &b) < 0)
		return NULL;
	pos = dhat__index_find(&p->stack_index, hash_stack(fs, nfs),
	    same_pp_stack, &k);
	return pos != DHAT__INDEX_NONE ? pp_at(p, pos) : NULL;
}

struct dtool_pp *
dtool_profile_add_pp(struct dtool_profile *p, const struct dtool_pp *src)
{
	struct dtool_pp *pp = dtool__profile_new_pp(p);
	uint32_t *fs;
	int32_t *acc = NULL;

	*pp = *src;
	fs = dtool_arena_alloc(&p->arena, (src->nfs + 1) * sizeof(*fs),
	    sizeof(*fs));
	if (src->nfs > 0)
		memcpy(fs, src->fs, src->nfs * sizeof(*fs));
	pp->fs = fs;
	if (src->nacc > 0) {
		acc = dtool_arena_alloc(&p->arena, src->nacc * sizeof(*acc),
		    sizeof(*acc));
		memcpy(acc, src->acc, src->nacc * sizeof(*acc));
	}
	pp->acc = acc;
	return pp;
}

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static const struct {
	unsigned bit;
	const char *name;
} pp_fields[] = {
	{ DTOOL_PP_MB, "mb" }, { DTOOL_PP_MBK, "mbk" },
	{ DTOOL_PP_GB, "gb" }, { DTOOL_PP_GBK, "gbk" },
	{ DTOOL_PP_EB, "eb" }, { DTOOL_PP_EBK, "ebk" },
	{ DTOOL_PP_RB, "rb" }, { DTOOL_PP_WB, "wb" },
};

int
dtool_profile_check(struct dtool_profile *p, char *err, size_t errlen)
{
	unsigned need = 0;
	size_t a, b;

	if (p->nframes == 0) {
		seterr(err, errlen, "'ftbl' is empty (it must start with "
		    "\"[root]\")");
		return -1;
	}
	if (p->h.bklt) {
		if (!(p->h.have & DTOOL_H_TG)) {
			seterr(err, errlen, "missing field 'tg' (required "
			    "when 'bklt' is true)");
			return -1;
		}
		if (!(p->h.have & DTOOL_H_TUTH)) {
			seterr(err, errlen, "missing field 'tuth' (required "
			    "when 'bklt' is true)");
			return -1;
		}
		need |= DTOOL_PP_BKLT;
	}
	if (p->h.bkacc)
		need |= DTOOL_PP_BKACC;
	for (size_t i = 0; i < p->npps; i++) {
		const struct dtool_pp *pp = pp_at(p, i);

		if ((pp->have & need) != need) {
			for (size_t k = 0; k < sizeof(pp_fields) /
			    sizeof(pp_fields[0]); k++)
				if ((need & pp_fields[k].bit) &&
				    !(pp->have & pp_fields[k].bit)) {
					seterr(err, errlen, "program point "
					    "%zu: missing field '%s' "
					    "(required when '%s' is true)",
					    i + 1, pp_fields[k].name,
					    pp_fields[k].bit & DTOOL_PP_BKLT ?
					    "bklt" : "bkacc");
					return -1;
				}
		}
		for (uint32_t k = 0; k < pp->nfs; k++) {
			if (pp->fs[k] == 0) {
				seterr(err, errlen, "program point %zu: frame "
				    "index 0 ([root]) inside a stack", i + 1);
				return -1;
			}
			if (pp->fs[k] >= p->nframes) {
				seterr(err, errlen, "program point %zu: frame "
				    "index %u out of range (ftbl has %zu "
				    "entries)", i + 1, pp->fs[k], p->nframes);
				return -1;
			}
		}
	}
	if (stack_index_sync(p, &a, &b) < 0) {
		seterr(err, errlen, "program points %zu and %zu have the same "
		    "stack (a repeated location)", a + 1, b + 1);
		return -1;
	}
	return 0;
}

static const struct {
	size_t off;
	const char *name;
} sum_fields[] = {
#define F(x)	{ offsetof(struct dtool_pp, x), #x }
	F(tb), F(tbk), F(tl), F(mb), F(mbk), F(gb), F(gbk), F(eb), F(ebk),
	F(rb), F(wb),
#undef F
};

int
dtool_pp_add(struct dtool_pp *dst, const struct dtool_pp *src, size_t ppno,
    char *err, size_t errlen)
{
	for (size_t k = 0; k < sizeof(sum_fields) / sizeof(sum_fields[0]);
	    k++) {
		uint64_t *d = (uint64_t *)((char *)dst + sum_fields[k].off);
		const uint64_t *s = (const uint64_t *)((const char *)src +
		    sum_fields[k].off);

		if (__builtin_add_overflow(*d, *s, d)) {
			seterr(err, errlen, "program point %zu: the sum of "
			    "'%s' is beyond 2^64-1", ppno, sum_fields[k].name);
			return -1;
		}
	}
	return 0;
}

void
dtool_pp_sum(struct dtool_pp *dst, const struct dtool_pp *src)
{
	char err[128];

	(void)dtool_pp_add(dst, src, 0, err, sizeof(err));
}

int
dtool_profile_check_sums(const struct dtool_profile *p, char *err,
    size_t errlen)
{
	struct dtool_pp tot;

	memset(&tot, 0, sizeof(tot));
	for (size_t i = 0; i < p->npps; i++)
		if (dtool_pp_add(&tot, dtool_profile_pp(p, i), i + 1, err,
		    errlen) < 0)
			return -1;
	return 0;
}
