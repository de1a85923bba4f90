/* SPDX-License-Identifier: MIT */
/*
 * frame.c - keys of frame strings without their addresses, and stack ids
 * shared by several profiles (see frame.h for the rules).  Keys are
 * interned once per frame table entry, so matching costs one hash lookup
 * per frame of the table and one per program point.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "frame.h"
#include "index.h"

static const char *const match_names[] = { "function", "line", "address" };

int
dtool_match_parse(const char *s)
{
	for (int m = 0; m < 3; m++)
		if (strcmp(s, match_names[m]) == 0)
			return m;
	return -1;
}

const char *
dtool_match_name(int match)
{
	return match_names[match];
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *
dtool_frame_strip_address(const char *frame)
{
	const char *p = frame;

	if (p[0] != '0' || p[1] != 'x' || !is_hex(p[2]))
		return frame;
	for (p += 2; is_hex(*p); p++)
		continue;
	return p[0] == ':' && p[1] == ' ' ? p + 2 : frame;
}

/* Strips one ":<digits>" from the end of [S, S+*N); true when it did. */
static bool
strip_number(const char *s, size_t *n)
{
	size_t i = *n;

	while (i > 0 && is_digit(s[i - 1]))
		i--;
	if (i == *n || i == 0 || s[i - 1] != ':')
		return false;
	*n = i - 1;
	return true;
}

char *
dtool_frame_key(const char *frame, int match)
{
	const char *s, *loc, *base;
	size_t n, fnlen, loclen, filelen, baselen;
	int depth = 0;
	char *key;

	if (match == DTOOL_MATCH_ADDRESS)
		return dtool_xstrdup(frame);
	s = dtool_frame_strip_address(frame);
	n = strlen(s);
	if (n == 0 || s[n - 1] != ')')
		return dtool_xstrdup(s);
	/* The location is the last balanced "(...)" after a space: C++
	 * names have parentheses of their own ("f(int) const (a.cc:3)"). */
	fnlen = n;
	do {
		fnlen--;
		if (s[fnlen] == ')')
			depth++;
		else if (s[fnlen] == '(')
			depth--;
	} while (fnlen > 0 && depth > 0);
	if (depth != 0 || fnlen == 0 || s[fnlen - 1] != ' ')
		return dtool_xstrdup(s);
	loc = s + fnlen + 1;
	loclen = n - fnlen - 2;
	fnlen--;
	if (loclen >= 3 && strncmp(loc, "in ", 3) == 0) {
		key = dtool_xmalloc(n + 1);
		memcpy(key, s, n + 1);
		return key;
	}
	/* "file:line:col", "file:line" or just "file". */
	filelen = loclen;
	if (strip_number(loc, &filelen))
		strip_number(loc, &filelen);
	base = loc + filelen;
	while (base > loc && base[-1] != '/')
		base--;
	baselen = (size_t)(loc + filelen - base);
	if (match == DTOOL_MATCH_LINE)
		baselen = (size_t)(loc + loclen - base);
	key = dtool_xmalloc(fnlen + baselen + 4);
	memcpy(key, s, fnlen);
	memcpy(key + fnlen, " (", 2);
	memcpy(key + fnlen + 2, base, baselen);
	memcpy(key + fnlen + 2 + baselen, ")", 2);
	return key;
}

static const char *const allocator_names[] = {
	"malloc", "calloc", "realloc", "reallocarray", "free", "memalign",
	"posix_memalign", "aligned_alloc", "valloc", "pvalloc", "mallocx",
	"rallocx", "xallocx", "operator new", "operator new[]",
	"operator delete", "operator delete[]",
};

/* Rust's allocation path: the standard library's collections and
 * allocator (the Rust crate's stacks start inside them), and the crate
 * itself. */
static const char *const rust_prefixes[] = {
	"alloc::", "core::", "std::", "<alloc::", "<core::", "<std::",
	"__rust_", "dhat::", "<dhat::",
};

static bool
is_rust_runtime(const char *s)
{
	for (size_t i = 0; i < sizeof(rust_prefixes) /
	    sizeof(rust_prefixes[0]); i++)
		if (strncmp(s, rust_prefixes[i], strlen(rust_prefixes[i])) == 0)
			return true;
	/* "<u8 as alloc::vec::spec_from_elem::SpecFromElem>::from_elem" */
	return s[0] == '<' && (strstr(s, " as alloc::") != NULL ||
	    strstr(s, " as core::") != NULL);
}

bool
dtool_frame_is_allocator(const char *frame)
{
	const char *s = dtool_frame_strip_address(frame);

	if (is_rust_runtime(s))
		return true;

	for (size_t i = 0; i < sizeof(allocator_names) /
	    sizeof(allocator_names[0]); i++) {
		size_t n = strlen(allocator_names[i]);

		/* "malloc (in ...)", "malloc", or "operator new(unsigned
		 * long) (...)" with its parameters. */
		if (strncmp(s, allocator_names[i], n) == 0 && (s[n] == ' ' ||
		    s[n] == '\0' || (s[n] == '(' && s[0] == 'o')))
			return true;
	}
	return false;
}

const char *
dtool_frame_short(char *buf, size_t len, const char *frame)
{
	char *key = dtool_frame_key(frame, DTOOL_MATCH_LINE);
	char *open = strrchr(key, '(');
	char *colon = open != NULL ? strchr(open, ':') : NULL;

	/* "f (file.c:12:5)": the column goes. */
	if (colon != NULL && (colon = strchr(colon + 1, ':')) != NULL)
		strcpy(colon, ")");
	snprintf(buf, len, "%s", key);
	free(key);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Stacks */

struct dtool_stacks {
	int match;
	/* Interned frame keys. */
	char **keys;
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
	for (size_t i = 0; i < s->nkeys; i++)
		free(s->keys[i]);
	free(s->keys);
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

/* The id of KEY, which is taken over (or freed when known). */
static uint32_t
key_intern(struct dtool_stacks *s, char *key)
{
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
	}
	s->keys[s->nkeys++] = key;
	return id;
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

uint32_t *
dtool_stacks_add(struct dtool_stacks *s, const struct dtool_profile *p)
{
	size_t nf = dtool_profile_nframes(p), npps = dtool_profile_npps(p);
	uint32_t *fkey = dtool_xreallocarray(NULL, nf, sizeof(*fkey));
	uint32_t *ids = dtool_xreallocarray(NULL, npps, sizeof(*ids));
	uint32_t *buf = NULL, cap = 0;

	for (size_t i = 0; i < nf; i++)
		fkey[i] = key_intern(s, dtool_frame_key(
		    dtool_profile_frame(p, (uint32_t)i), s->match));
	for (size_t i = 0; i < npps; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);

		if (pp->nfs > cap) {
			cap = pp->nfs;
			buf = dtool_xreallocarray(buf, cap, sizeof(*buf));
		}
		for (uint32_t k = 0; k < pp->nfs; k++)
			buf[k] = fkey[pp->fs[k]];
		ids[i] = stack_intern(s, buf, pp->nfs);
	}
	free(buf);
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
	return s->keys[s->pool[s->off[id] + i]];
}
