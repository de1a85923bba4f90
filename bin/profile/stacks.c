/* SPDX-License-Identifier: MIT */
/*
 * stacks.c - stack ids shared by several profiles: each frame reduced to
 * the key it is matched on (normal.c), the frames the writers add around
 * the program's own left out, and each stack of keys interned once, so
 * that matching costs one hash lookup per frame of a frame table and one
 * per program point.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "frame.h"
#include "index.h"

struct dtool_stacks {
	int match;
	uint32_t depth;		/* frames kept, innermost first; 0: all */
	/* Interned frame keys, and the first spelling of each as a frame
	 * key (dtool_frame_key()), to be shown. */
	char **keys, **shown;
	size_t nkeys, capkeys;
	struct dhat__index key_index;
	/* Stacks as runs of key ids in POOL. */
	uint32_t *pool;
	size_t npool, cappool;
	size_t *off;
	uint32_t *len;
	size_t nstacks, capstacks;
	struct dhat__index stack_index;
};

struct dtool_stacks *
dtool_stacks_new(int match)
{
	struct dtool_stacks *s = dtool_xcalloc(1, sizeof(*s));

	s->match = match;
	return s;
}

void
dtool_stacks_free(struct dtool_stacks *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nkeys; i++) {
		free(s->keys[i]);
		free(s->shown[i]);
	}
	free(s->keys);
	free(s->shown);
	dhat__index_free(&s->key_index);
	free(s->pool);
	free(s->off);
	free(s->len);
	dhat__index_free(&s->stack_index);
	free(s);
}

struct key_ref {
	const struct dtool_stacks *s;
	const char *key;
};

static bool
same_key(const void *ctx, uint32_t id)
{
	const struct key_ref *r = ctx;

	return strcmp(r->s->keys[id], r->key) == 0;
}

/* The id of FRAME's key. */
static uint32_t
key_intern(struct dtool_stacks *s, const char *frame)
{
	char *key = dtool_frame_match_key(frame, s->match);
	struct key_ref r = { s, key };
	uint32_t id;

	id = dhat__index_intern(&s->key_index, dhat__hash(key, strlen(key)),
	    same_key, &r, (uint32_t)s->nkeys);
	if (id != s->nkeys) {
		free(key);
		return id;
	}
	if (s->nkeys == s->capkeys) {
		s->capkeys = s->capkeys ? 2 * s->capkeys : 256;
		s->keys = dtool_xreallocarray(s->keys, s->capkeys,
		    sizeof(*s->keys));
		s->shown = dtool_xreallocarray(s->shown, s->capkeys,
		    sizeof(*s->shown));
	}
	s->keys[s->nkeys] = key;
	s->shown[s->nkeys] = dtool_frame_key(frame, s->match);
	return (uint32_t)s->nkeys++;
}

struct stack_ref {
	const struct dtool_stacks *s;
	const uint32_t *keys;
	uint32_t n;
};

static bool
same_key_stack(const void *ctx, uint32_t id)
{
	const struct stack_ref *r = ctx;

	return r->s->len[id] == r->n && (r->n == 0 ||
	    memcmp(r->s->pool + r->s->off[id], r->keys,
	    r->n * sizeof(*r->keys)) == 0);
}

static void
stack_push(struct dtool_stacks *s, const uint32_t *keys, uint32_t n)
{
	if (s->nstacks == s->capstacks) {
		s->capstacks = s->capstacks ? 2 * s->capstacks : 256;
		s->off = dtool_xreallocarray(s->off, s->capstacks,
		    sizeof(*s->off));
		s->len = dtool_xreallocarray(s->len, s->capstacks,
		    sizeof(*s->len));
	}
	while (s->npool + n > s->cappool) {
		s->cappool = s->cappool ? 2 * s->cappool : 4096;
		s->pool = dtool_xreallocarray(s->pool, s->cappool,
		    sizeof(*s->pool));
	}
	if (n > 0)
		memcpy(s->pool + s->npool, keys, n * sizeof(*keys));
	s->off[s->nstacks] = s->npool;
	s->len[s->nstacks] = n;
	s->npool += n;
	s->nstacks++;
}

static uint32_t
stack_intern(struct dtool_stacks *s, const uint32_t *keys, uint32_t n)
{
	struct stack_ref r = { s, keys, n };
	uint32_t id;

	id = dhat__index_intern(&s->stack_index,
	    dhat__hash(keys, n * sizeof(*keys)), same_key_stack, &r,
	    (uint32_t)s->nstacks);
	if (id == s->nstacks)
		stack_push(s, keys, n);
	return id;
}

/* What of a frame table entry a stack keeps: which frames the writers
 * add around the program's own. */
enum { KEEP, WRAPPER, BELOW_MAIN };

/* Whether FRAME is code that runs before main as Valgrind shows it:
 * "(below main)", or the dynamic loader without debugging information,
 * which Valgrind names "???" where libdhat finds _dl_start_user. */
static bool
is_start_code(const char *frame)
{
	const char *s = dtool_frame_strip_address(frame);
	const char *in = strstr(s, " (in ");

	return strncmp(s, "(below main)", 12) == 0 ||
	    (in != NULL && strstr(in, "/ld-linux") != NULL);
}

/* Under MATCH: matching on whole frames keeps every one. */
static unsigned char *
frame_kinds(const struct dtool_profile *p, int match)
{
	size_t nf = dtool_profile_nframes(p);
	unsigned char *kind = dtool_xmalloc(nf ? nf : 1);

	for (size_t i = 0; i < nf; i++) {
		const char *f = dtool_profile_frame(p, (uint32_t)i);

		kind[i] = match == DTOOL_MATCH_ADDRESS ? KEEP :
		    dtool_frame_is_wrapper(f) ? WRAPPER :
		    is_start_code(f) ? BELOW_MAIN : KEEP;
	}
	return kind;
}

/* The frames of PP that are the program's: [*FIRST, *FIRST + return).
 * The allocator's frames go from the inside, Valgrind's "(below main)"
 * from the outside; a stack of the allocator alone keeps its innermost
 * frame. */
static uint32_t
kept(const struct dtool_pp *pp, const unsigned char *kind, uint32_t *first)
{
	uint32_t a = 0, b = pp->nfs;

	while (a + 1 < b && kind[pp->fs[a]] == WRAPPER)
		a++;
	while (b > a + 1 && kind[pp->fs[b - 1]] == BELOW_MAIN)
		b--;
	*first = a;
	return b - a;
}

uint32_t
dtool_stacks_usual_depth(const struct dtool_profile *p)
{
	unsigned char *kind = frame_kinds(p, DTOOL_MATCH_FUNCTION);
	size_t *count = NULL;
	uint32_t cap = 0, usual = 0, first;

	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		uint32_t n = kept(dtool_profile_pp(p, i), kind, &first);

		if (n >= cap) {
			count = dtool_xreallocarray(count, (size_t)n + 1,
			    sizeof(*count));
			memset(count + cap, 0, ((size_t)n + 1 - cap) *
			    sizeof(*count));
			cap = n + 1;
		}
		count[n]++;
	}
	for (uint32_t n = 0; n < cap; n++)
		if (count[n] >= count[usual])
			usual = n;
	free(count);
	free(kind);
	return usual;
}

uint32_t
dtool_stacks_max_depth(const struct dtool_profile *p)
{
	unsigned char *kind = frame_kinds(p, DTOOL_MATCH_FUNCTION);
	uint32_t most = 0, first;

	for (size_t i = 0; i < dtool_profile_npps(p); i++) {
		uint32_t n = kept(dtool_profile_pp(p, i), kind, &first);

		if (n > most)
			most = n;
	}
	free(kind);
	return most;
}

void
dtool_stacks_limit(struct dtool_stacks *s, uint32_t depth)
{
	s->depth = depth;
}

uint32_t *
dtool_stacks_add(struct dtool_stacks *s, const struct dtool_profile *p)
{
	size_t nf = dtool_profile_nframes(p), npps = dtool_profile_npps(p);
	uint32_t *fkey = dtool_xreallocarray(NULL, nf ? nf : 1, sizeof(*fkey));
	uint32_t *ids = dtool_xreallocarray(NULL, npps ? npps : 1,
	    sizeof(*ids));
	unsigned char *kind = frame_kinds(p, s->match);
	uint32_t *buf = NULL, cap = 0;

	for (size_t i = 0; i < nf; i++)
		fkey[i] = key_intern(s, dtool_profile_frame(p, (uint32_t)i));
	for (size_t i = 0; i < npps; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);
		uint32_t first, n = kept(pp, kind, &first);

		if (s->depth > 0 && n > s->depth)
			n = s->depth;
		if (n > cap) {
			cap = n;
			buf = dtool_xreallocarray(buf, cap, sizeof(*buf));
		}
		for (uint32_t k = 0; k < n; k++)
			buf[k] = fkey[pp->fs[first + k]];
		ids[i] = stack_intern(s, buf, n);
	}
	free(buf);
	free(kind);
	free(fkey);
	return ids;
}

size_t
dtool_stacks_count(const struct dtool_stacks *s)
{
	return s->nstacks;
}

uint32_t
dtool_stacks_depth(const struct dtool_stacks *s, uint32_t id)
{
	return s->len[id];
}

const char *
dtool_stacks_key(const struct dtool_stacks *s, uint32_t id, uint32_t i)
{
	return s->shown[s->pool[s->off[id] + i]];
}
