/* SPDX-License-Identifier: MIT */
/*
 * read.c - a streaming reader for DHAT JSON.
 *
 * The input is read in 256 KiB blocks, decompressed when the file is
 * (source.c), and parsed by a small pull parser
 * that knows the DHAT schema, so each program point goes straight into
 * the model and no document tree is ever built: memory stays at about
 * the size of the model, several times less than a document tree of a
 * large profile would take (bench/RESULTS.md has the figures).
 *
 * Errors unwind with longjmp to dtool_profile_read_fd(), which frees the
 * partial model: the caller sees NULL and one message.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "profile_int.h"
#include "source.h"

#define RD_BUF		(256 * 1024)
#define MAX_DEPTH	512

struct rd {
	struct dtool_source *src;	/* NULL: a memory buffer */
	unsigned char *buf;
	size_t pos, len;
	uint64_t base;		/* file offset of buf[0] */
	bool eof;
	char *err;
	size_t errlen;
	jmp_buf jb;
	struct dtool_profile *p;
	/* scratch for strings and arrays */
	char *s;
	size_t slen, scap;
	uint32_t *u;
	size_t ulen, ucap;
	int32_t *acc;
	size_t acclen, acccap;
	uint64_t (*tl)[3];	/* the timeline, until it is complete */
	size_t tlcap;
	size_t ppno;		/* 1-based PP being read, for messages */
};

static void fail(struct rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

static void
fail(struct rd *r, const char *fmt, ...)
{
	va_list ap;

	if (r->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	longjmp(r->jb, 1);
}

static uint64_t
offset(const struct rd *r)
{
	return r->base + r->pos;
}

static bool
fill(struct rd *r)
{
	char why[256];
	ssize_t n;

	/* A memory buffer is all there from the start. */
	if (r->eof || r->src == NULL) {
		r->eof = true;
		return false;
	}
	r->base += r->len;
	r->pos = r->len = 0;
	n = dtool_source_read(r->src, r->buf, RD_BUF, why, sizeof(why));
	if (n < 0)
		fail(r, "read error: %s", why);
	if (n == 0) {
		r->eof = true;
		return false;
	}
	r->len = (size_t)n;
	return true;
}

/* Next byte, or -1 at the end of the input. */
static inline int
peekc(struct rd *r)
{
	if (r->pos == r->len && !fill(r))
		return -1;
	return r->buf[r->pos];
}

static inline int
getc_(struct rd *r)
{
	int c = peekc(r);

	if (c >= 0)
		r->pos++;
	return c;
}

static void
unexpected(struct rd *r, int c, const char *what)
    __attribute__((noreturn));

static void
unexpected(struct rd *r, int c, const char *what)
{
	if (c < 0)
		fail(r, "truncated file: unexpected end of input at byte %llu"
		    " (expected %s)", (unsigned long long)offset(r), what);
	if (c >= 0x20 && c < 0x7f)
		fail(r, "invalid JSON at byte %llu: unexpected '%c', "
		    "expected %s", (unsigned long long)offset(r), c, what);
	fail(r, "invalid JSON at byte %llu: unexpected byte 0x%02x, "
	    "expected %s", (unsigned long long)offset(r), c, what);
}

static int
skipws(struct rd *r)
{
	while (r->pos < r->len) {
		unsigned char c = r->buf[r->pos];

		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			return c;
		r->pos++;
	}
	for (;;) {
		int c = peekc(r);

		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			return c;
		r->pos++;
	}
}

static void
expect(struct rd *r, int want, const char *what)
{
	int c = skipws(r);

	if (c != want)
		unexpected(r, c, what);
	r->pos++;
}

static void
sputc(struct rd *r, int c)
{
	if (r->slen + 1 >= r->scap) {
		r->scap = r->scap ? 2 * r->scap : 256;
		r->s = dtool_xreallocarray(r->s, r->scap, 1);
	}
	r->s[r->slen++] = (char)c;
}

static unsigned
hex4(struct rd *r)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int c = getc_(r);

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else {
			if (c >= 0)
				r->pos--;
			unexpected(r, c, "a hex digit");
		}
	}
	return v;
}

static void
put_utf8(struct rd *r, unsigned cp)
{
	if (cp < 0x80) {
		sputc(r, (int)cp);
	} else if (cp < 0x800) {
		sputc(r, (int)(0xc0 | cp >> 6));
		sputc(r, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		sputc(r, (int)(0xe0 | cp >> 12));
		sputc(r, (int)(0x80 | (cp >> 6 & 0x3f)));
		sputc(r, (int)(0x80 | (cp & 0x3f)));
	} else {
		sputc(r, (int)(0xf0 | cp >> 18));
		sputc(r, (int)(0x80 | (cp >> 12 & 0x3f)));
		sputc(r, (int)(0x80 | (cp >> 6 & 0x3f)));
		sputc(r, (int)(0x80 | (cp & 0x3f)));
	}
}

/* A \uXXXX escape (the "\u" is read) while *HI holds a high surrogate
 * still waiting for its low half, or 0.  A surrogate without its other
 * half, which Valgrind or the Rust crate may write for a name that is not
 * UTF-8, is read as U+FFFD: the model only holds valid code points.
 * \u0000 is U+FFFD too, since the model's strings end at a NUL. */
static void
unicode_escape(struct rd *r, unsigned *hi)
{
	unsigned cp = hex4(r);

	if (*hi != 0 && cp >= 0xdc00 && cp < 0xe000) {
		cp = 0x10000 + ((*hi - 0xd800) << 10) + (cp - 0xdc00);
		*hi = 0;
		put_utf8(r, cp);
		return;
	}
	if (*hi != 0)
		put_utf8(r, 0xfffd);
	*hi = 0;
	if (cp >= 0xd800 && cp < 0xdc00)
		*hi = cp;
	else
		put_utf8(r, cp == 0 || (cp >= 0xdc00 && cp < 0xe000) ?
		    0xfffd : cp);
}

/* Reads a string (the opening quote is next) into r->s / r->slen. */
static void
read_string(struct rd *r)
{
	unsigned hi = 0;

	expect(r, '"', "a string");
	r->slen = 0;
	for (;;) {
		int c;

		/* Anything but another escape ends a waiting surrogate. */
		if (hi != 0 && peekc(r) != '\\') {
			put_utf8(r, 0xfffd);
			hi = 0;
		}
		/* Fast path: copy plain bytes straight from the buffer. */
		while (r->pos < r->len) {
			unsigned char b = r->buf[r->pos];

			if (b == '"' || b == '\\' || b < 0x20)
				break;
			sputc(r, b);
			r->pos++;
		}
		c = peekc(r);
		if (c < 0)
			unexpected(r, c, "'\"'");
		if (c < 0x20)
			fail(r, "invalid JSON at byte %llu: control character "
			    "in a string", (unsigned long long)offset(r));
		r->pos++;
		if (c == '"')
			break;
		if (c != '\\') {
			sputc(r, c);
			continue;
		}
		c = getc_(r);
		if (c != 'u' && hi != 0) {
			put_utf8(r, 0xfffd);
			hi = 0;
		}
		switch (c) {
		case '"': case '\\': case '/':
			sputc(r, c);
			break;
		case 'b': sputc(r, '\b'); break;
		case 'f': sputc(r, '\f'); break;
		case 'n': sputc(r, '\n'); break;
		case 'r': sputc(r, '\r'); break;
		case 't': sputc(r, '\t'); break;
		case 'u':
			unicode_escape(r, &hi);
			break;
		default:
			if (c >= 0)
				r->pos--;
			unexpected(r, c, "an escape character");
		}
	}
	sputc(r, '\0');
	r->slen--;
}

/* Parses a JSON number that must be a non-negative integer < 2^64. */
/* "[program point N: ]field 'FIELD' at byte AT WHAT", for a value of
 * the wrong kind in a program point or in the header. */
static void bad_field(struct rd *r, const char *field, uint64_t at,
    const char *what) __attribute__((noreturn));

static void
bad_field(struct rd *r, const char *field, uint64_t at, const char *what)
{
	if (r->ppno)
		fail(r, "program point %zu: field '%s' at byte %llu %s",
		    r->ppno, field, (unsigned long long)at, what);
	fail(r, "field '%s' at byte %llu %s", field, (unsigned long long)at,
	    what);
}

static uint64_t
read_u64(struct rd *r, const char *field)
{
	int c = skipws(r);
	uint64_t v = 0;
	bool overflow = false;
	uint64_t start = offset(r);

	if (c == '-') {
		r->pos++;
		c = peekc(r);
		if (c < '0' || c > '9')
			unexpected(r, c, "a digit");
		bad_field(r, field, start, "is negative");
	}
	if (c < '0' || c > '9') {
		if (c == '"' || c == '{' || c == '[' || c == 't' ||
		    c == 'f' || c == 'n')
			goto mistyped;
		unexpected(r, c, "a value");
	}
	if (c == '0') {
		r->pos++;
	} else if (r->len - r->pos > 21) {
		/* Fast path: the whole number is in the buffer. */
		const unsigned char *b = r->buf + r->pos, *q = b;

		while (*q >= '0' && *q <= '9' && q - b < 20) {
			unsigned d = (unsigned)(*q - '0');

			if (v > (UINT64_MAX - d) / 10)
				overflow = true;
			v = v * 10 + d;
			q++;
		}
		r->pos += (size_t)(q - b);
		while ((c = peekc(r)) >= '0' && c <= '9') {
			overflow = true;
			r->pos++;
		}
	} else {
		while ((c = peekc(r)) >= '0' && c <= '9') {
			unsigned d = (unsigned)(c - '0');

			if (v > (UINT64_MAX - d) / 10)
				overflow = true;
			v = v * 10 + d;
			r->pos++;
		}
	}
	c = peekc(r);
	if (c == '.' || c == 'e' || c == 'E')
		goto notint;
	if (overflow)
		goto big;
	return v;
big:
	bad_field(r, field, start, "is larger than 2^64-1");
notint:
	bad_field(r, field, start, "is not an integer");
mistyped:
	bad_field(r, field, start, "is not a number");
}

/* Parses a JSON integer that may be negative (acc arrays). */
static int64_t
read_i64(struct rd *r, const char *field)
{
	bool neg = false;
	uint64_t v;

	if (skipws(r) == '-') {
		r->pos++;
		neg = true;
		if (peekc(r) < '0' || peekc(r) > '9')
			unexpected(r, peekc(r), "a digit");
	}
	v = read_u64(r, field);
	if (v > INT32_MAX)
		fail(r, "program point %zu: value %s%llu in '%s' is out of "
		    "range", r->ppno, neg ? "-" : "", (unsigned long long)v,
		    field);
	return neg ? -(int64_t)v : (int64_t)v;
}

static bool
read_bool(struct rd *r, const char *field)
{
	static const char t[] = "true", f[] = "false";
	int c = skipws(r);
	const char *w;

	if (c == 't')
		w = t;
	else if (c == 'f')
		w = f;
	else if (c == '"' || c == '{' || c == '[' || c == 'n' || c == '-' ||
	    (c >= '0' && c <= '9'))
		fail(r, "field '%s' at byte %llu is not a boolean", field,
		    (unsigned long long)offset(r));
	else
		unexpected(r, c, "a value");
	for (const char *q = w; *q; q++) {
		c = getc_(r);
		if (c != *q) {
			if (c >= 0)
				r->pos--;
			unexpected(r, c, w);
		}
	}
	return w == t;
}

static void
literal(struct rd *r, const char *w)
{
	for (const char *q = w; *q; q++) {
		int c = getc_(r);

		if (c != *q) {
			if (c >= 0)
				r->pos--;
			unexpected(r, c, w);
		}
	}
}

/* Skips one or more digits. */
static void
skip_digits(struct rd *r)
{
	int c = peekc(r);

	if (c < '0' || c > '9')
		unexpected(r, c, "a digit");
	while ((c = peekc(r)) >= '0' && c <= '9')
		r->pos++;
}

/* Skips any JSON number. */
static void
skip_number(struct rd *r)
{
	int c;

	if (peekc(r) == '-')
		r->pos++;
	c = peekc(r);
	if (c < '0' || c > '9')
		unexpected(r, c, "a digit");
	/* JSON allows no leading zeros: "0" stands alone before a fraction
	 * or an exponent. */
	r->pos++;
	if (c == '0' && (c = peekc(r)) >= '0' && c <= '9')
		fail(r, "invalid JSON at byte %llu: leading zero in a number",
		    (unsigned long long)offset(r));
	while ((c = peekc(r)) >= '0' && c <= '9')
		r->pos++;
	if (c == '.') {
		r->pos++;
		skip_digits(r);
		c = peekc(r);
	}
	if (c == 'e' || c == 'E') {
		r->pos++;
		c = peekc(r);
		if (c == '+' || c == '-')
			r->pos++;
		skip_digits(r);
	}
}

/* Skips a value that is no container, starting with C. */
static void
skip_scalar(struct rd *r, int c)
{
	switch (c) {
	case '"': read_string(r); break;
	case 't': literal(r, "true"); break;
	case 'f': literal(r, "false"); break;
	case 'n': literal(r, "null"); break;
	default:
		if (c != '-' && (c < '0' || c > '9'))
			unexpected(r, c, "a value");
		skip_number(r);
	}
}

/* Enters the object or array C starts, up to its first value (past the
 * first key of an object); false when it is empty, and closed already. */
static bool
skip_open(struct rd *r, int c, char *stack, int *depth)
{
	if (*depth == MAX_DEPTH)
		fail(r, "invalid JSON at byte %llu: nested too deeply",
		    (unsigned long long)offset(r));
	r->pos++;
	if (skipws(r) == (c == '{' ? '}' : ']')) {
		r->pos++;
		return false;
	}
	stack[(*depth)++] = (char)c;
	if (c == '{') {
		read_string(r);
		expect(r, ':', "':'");
	}
	return true;
}

/* After a complete value: closes the containers that end here, then
 * passes the ',' (and the key) before the next value; true when the
 * outermost value is complete. */
static bool
skip_after(struct rd *r, const char *stack, int *depth)
{
	while (*depth > 0) {
		char open = stack[*depth - 1];
		int c = skipws(r);

		if (c == ',') {
			r->pos++;
			if (open == '{') {
				read_string(r);
				expect(r, ':', "':'");
			}
			return false;
		}
		if (c != (open == '{' ? '}' : ']'))
			unexpected(r, c, open == '{' ? "',' or '}'" :
			    "',' or ']'");
		r->pos++;
		(*depth)--;
	}
	return true;
}

/* Skips one value of any shape (fields we do not know), without
 * recursion: a hostile file's nesting costs no stack. */
static void
skip_value(struct rd *r)
{
	char stack[MAX_DEPTH];
	int depth = 0;

	for (;;) {
		int c = skipws(r);

		if (c == '{' || c == '[') {
			if (skip_open(r, c, stack, &depth))
				continue;
		} else {
			skip_scalar(r, c);
		}
		if (skip_after(r, stack, &depth))
			return;
	}
}

/* Array helpers: a '[' then elements separated by ','; the callback
 * reads one element. */
static bool
array_begin(struct rd *r, const char *field, bool pp)
{
	int c = skipws(r);

	if (c != '[') {
		if (c == '"' || c == '{' || c == 't' || c == 'f' ||
		    c == 'n' || c == '-' || (c >= '0' && c <= '9')) {
			if (pp)
				fail(r, "program point %zu: field '%s' at byte "
				    "%llu is not an array", r->ppno, field,
				    (unsigned long long)offset(r));
			fail(r, "field '%s' at byte %llu is not an array",
			    field, (unsigned long long)offset(r));
		}
		unexpected(r, c, "'['");
	}
	r->pos++;
	if (skipws(r) == ']') {
		r->pos++;
		return false;
	}
	return true;
}

static bool
array_next(struct rd *r)
{
	int c = skipws(r);

	if (c == ',') {
		r->pos++;
		return true;
	}
	if (c == ']') {
		r->pos++;
		return false;
	}
	unexpected(r, c, "',' or ']'");
}

static void
read_fs(struct rd *r)
{
	r->ulen = 0;
	if (!array_begin(r, "fs", true))
		return;
	do {
		uint64_t v = read_u64(r, "fs");

		if (v > UINT32_MAX)
			fail(r, "program point %zu: frame index %llu out of "
			    "range", r->ppno, (unsigned long long)v);
		if (r->ulen == r->ucap) {
			r->ucap = r->ucap ? 2 * r->ucap : 64;
			r->u = dtool_xreallocarray(r->u, r->ucap,
			    sizeof(*r->u));
		}
		r->u[r->ulen++] = (uint32_t)v;
	} while (array_next(r));
}

/* acc: run-length encoded; checked like the viewer decodes it. */
static void
read_acc(struct rd *r)
{
	bool want_value = false;

	r->acclen = 0;
	if (!array_begin(r, "acc", true))
		return;
	do {
		int64_t v = read_i64(r, "acc");

		if (v > 65535)
			fail(r, "program point %zu: access count %lld in "
			    "'acc' is larger than 65535", r->ppno,
			    (long long)v);
		if (v < 0 && want_value)
			fail(r, "program point %zu: 'acc' has a repeat count "
			    "after a repeat count", r->ppno);
		want_value = v < 0;
		if (r->acclen == r->acccap) {
			r->acccap = r->acccap ? 2 * r->acccap : 64;
			r->acc = dtool_xreallocarray(r->acc, r->acccap,
			    sizeof(*r->acc));
		}
		r->acc[r->acclen++] = (int32_t)v;
	} while (array_next(r));
	if (want_value)
		fail(r, "program point %zu: 'acc' ends with a repeat count",
		    r->ppno);
}

struct pp_key {
	const char *name;
	unsigned bit;
	size_t off;
};

#define K(n, b) { #n, b, offsetof(struct dtool_pp, n) }
static const struct pp_key pp_keys[] = {
	K(tb, 0), K(tbk, 0), K(tl, DTOOL_PP_TL),
	K(mb, DTOOL_PP_MB), K(mbk, DTOOL_PP_MBK),
	K(gb, DTOOL_PP_GB), K(gbk, DTOOL_PP_GBK),
	K(eb, DTOOL_PP_EB), K(ebk, DTOOL_PP_EBK),
	K(rb, DTOOL_PP_RB), K(wb, DTOOL_PP_WB),
};
#undef K

/* The key named S (LEN bytes) or NULL, without a string compare per
 * candidate: this runs for every field of every PP. */
static const struct pp_key *
pp_key(const char *s, size_t len)
{
	int i;

	if (len == 2) {
		switch ((unsigned char)s[0] << 8 | (unsigned char)s[1]) {
		case 't' << 8 | 'b': i = 0; break;
		case 't' << 8 | 'l': i = 2; break;
		case 'm' << 8 | 'b': i = 3; break;
		case 'g' << 8 | 'b': i = 5; break;
		case 'e' << 8 | 'b': i = 7; break;
		case 'r' << 8 | 'b': i = 9; break;
		case 'w' << 8 | 'b': i = 10; break;
		default: return NULL;
		}
	} else if (len == 3 && s[1] == 'b' && s[2] == 'k') {
		switch (s[0]) {
		case 't': i = 1; break;
		case 'm': i = 4; break;
		case 'g': i = 6; break;
		case 'e': i = 8; break;
		default: return NULL;
		}
	} else {
		return NULL;
	}
	return &pp_keys[i];
}

#define SEEN_TB		0x10000u
#define SEEN_TBK	0x20000u
#define SEEN_FS		0x40000u

static void
read_pp(struct rd *r)
{
	struct dtool_pp pp;
	unsigned seen = 0;
	struct dtool_pp *st;
	uint32_t *fs;

	memset(&pp, 0, sizeof(pp));
	if (skipws(r) != '{') {
		int c = skipws(r);

		if (c == '"' || c == '[' || c == 't' || c == 'f' || c == 'n' ||
		    c == '-' || (c >= '0' && c <= '9'))
			fail(r, "program point %zu at byte %llu is not an "
			    "object", r->ppno, (unsigned long long)offset(r));
		unexpected(r, c, "'{'");
	}
	r->pos++;
	if (skipws(r) == '}') {
		r->pos++;
		goto done;
	}
	do {
		const struct pp_key *k = NULL;
		unsigned bit;

		read_string(r);
		expect(r, ':', "':'");
		k = pp_key(r->s, r->slen);
		if (k != NULL) {
			bit = k->bit ? k->bit : k->off ==
			    offsetof(struct dtool_pp, tb) ? SEEN_TB : SEEN_TBK;
			if (seen & bit)
				fail(r, "program point %zu: field '%s' appears "
				    "twice", r->ppno, k->name);
			seen |= bit;
			*(uint64_t *)((char *)&pp + k->off) =
			    read_u64(r, k->name);
		} else if (strcmp(r->s, "fs") == 0) {
			if (seen & SEEN_FS)
				fail(r, "program point %zu: field 'fs' appears "
				    "twice", r->ppno);
			seen |= SEEN_FS;
			read_fs(r);
		} else if (strcmp(r->s, "acc") == 0) {
			if (seen & DTOOL_PP_ACC)
				fail(r, "program point %zu: field 'acc' "
				    "appears twice", r->ppno);
			seen |= DTOOL_PP_ACC;
			read_acc(r);
		} else {
			skip_value(r);
		}
	} while (skipws(r) == ',' && (r->pos++, true));
	expect(r, '}', "',' or '}'");
done:
	if (!(seen & SEEN_TB))
		fail(r, "program point %zu: missing field 'tb'", r->ppno);
	if (!(seen & SEEN_TBK))
		fail(r, "program point %zu: missing field 'tbk'", r->ppno);
	if (!(seen & SEEN_FS))
		fail(r, "program point %zu: missing field 'fs'", r->ppno);
	st = dtool__profile_new_pp(r->p);
	*st = pp;
	st->have = seen & 0xffffu;
	st->nfs = (uint32_t)r->ulen;
	fs = dtool_arena_alloc(&r->p->arena, (r->ulen + 1) * sizeof(*fs),
	    sizeof(*fs));
	if (r->ulen > 0)
		memcpy(fs, r->u, r->ulen * sizeof(*fs));
	st->fs = fs;
	if (seen & DTOOL_PP_ACC) {
		int32_t *acc = dtool_arena_alloc(&r->p->arena,
		    (r->acclen + 1) * sizeof(*acc), sizeof(*acc));

		if (r->acclen > 0)
			memcpy(acc, r->acc, r->acclen * sizeof(*acc));
		st->acc = acc;
		st->nacc = (uint32_t)r->acclen;
	}
}

/* Top-level fields: bit in `seen`, and which are required. */
enum {
	F_VERSION, F_MODE, F_VERB, F_BKLT, F_BKACC, F_BU, F_BSU, F_BKSU,
	F_TU, F_MTU, F_TUTH, F_CMD, F_PID, F_TE, F_TG, F_PPS, F_FTBL,
	F_INCOMPLETE, F_INCOMPLETE_WHY, F_END, F_PARTIAL, F_TIMELINE, F_N
};
static const char *const top_names[F_N] = {
	"dhatFileVersion", "mode", "verb", "bklt", "bkacc", "bu", "bsu",
	"bksu", "tu", "Mtu", "tuth", "cmd", "pid", "te", "tg", "pps", "ftbl",
	"incomplete", "incompleteReason", "end", "partial", "timeline",
};
/* In the viewer's order of checking. */
static const int required[] = {
	F_VERSION, F_MODE, F_VERB, F_BKLT, F_BKACC, F_TU, F_MTU, F_CMD,
	F_PID, F_TE, F_PPS, F_FTBL,
};

static const char *
top_string(struct rd *r, const char *field)
{
	int c = skipws(r);

	if (c != '"') {
		if (c == '{' || c == '[' || c == 't' || c == 'f' ||
		    c == 'n' || c == '-' || (c >= '0' && c <= '9'))
			fail(r, "field '%s' at byte %llu is not a string",
			    field, (unsigned long long)offset(r));
		unexpected(r, c, "a value");
	}
	read_string(r);
	return dtool_arena_strndup(&r->p->arena, r->s, r->slen);
}

/* One point of the timeline: [t, bytes, blocks]. */
static void
read_point(struct rd *r, uint64_t *pt, size_t n)
{
	int i = 0;

	if (!array_begin(r, "timeline", false))
		fail(r, "timeline point %zu is empty", n + 1);
	do {
		if (i == 3)
			fail(r, "timeline point %zu has more than three numbers",
			    n + 1);
		pt[i++] = read_u64(r, "timeline");
	} while (array_next(r));
	if (i != 3)
		fail(r, "timeline point %zu has %d numbers, not three", n + 1,
		    i);
}

/* libdhat's "timeline": [[t, bytes, blocks], ...], t not decreasing. */
static void
read_timeline(struct rd *r)
{
	struct dtool_header *h = &r->p->h;
	uint64_t pt[3];
	size_t n = 0;

	if (array_begin(r, "timeline", false)) {
		do {
			read_point(r, pt, n);
			if (n > 0 && pt[0] < r->tl[n - 1][0])
				fail(r, "timeline point %zu goes back in time",
				    n + 1);
			if (n == r->tlcap) {
				r->tlcap = r->tlcap ? 2 * r->tlcap : 256;
				r->tl = dtool_xreallocarray(r->tl, r->tlcap,
				    sizeof(*r->tl));
			}
			memcpy(r->tl[n++], pt, sizeof(pt));
		} while (array_next(r));
	}
	h->ntimeline = n;
	if (n > 0) {
		uint64_t (*kept)[3] = dtool_arena_alloc(&r->p->arena,
		    n * sizeof(*kept), _Alignof(uint64_t));

		memcpy(kept, r->tl, n * sizeof(*kept));
		h->timeline = (const uint64_t (*)[3])kept;
	}
}

/* libdhat's "end": {"by":S, "status":N, "signal":N, "signalName":S};
 * other members are skipped. */
static void
read_end(struct rd *r)
{
	struct dtool_header *h = &r->p->h;
	int c = skipws(r);

	if (c != '{') {
		if (c == '"' || c == '[' || c == 't' || c == 'f' ||
		    c == 'n' || c == '-' || (c >= '0' && c <= '9'))
			fail(r, "field 'end' at byte %llu is not an object",
			    (unsigned long long)offset(r));
		unexpected(r, c, "'{'");
	}
	r->pos++;
	if (skipws(r) == '}') {
		r->pos++;
		return;
	}
	do {
		read_string(r);
		expect(r, ':', "':'");
		if (strcmp(r->s, "by") == 0) {
			h->end.by = top_string(r, "end.by");
		} else if (strcmp(r->s, "status") == 0) {
			h->end.status = read_u64(r, "end.status");
			h->have |= DTOOL_H_STATUS;
		} else if (strcmp(r->s, "signal") == 0) {
			h->end.signal = read_u64(r, "end.signal");
			h->have |= DTOOL_H_SIGNAL;
		} else if (strcmp(r->s, "signalName") == 0) {
			h->end.signal_name = top_string(r, "end.signalName");
		} else {
			skip_value(r);
		}
	} while (skipws(r) == ',' && (r->pos++, true));
	expect(r, '}', "',' or '}'");
}

static void
read_pps(struct rd *r)
{
	if (!array_begin(r, "pps", false))
		return;
	do {
		r->ppno = r->p->npps + 1;
		read_pp(r);
	} while (array_next(r));
	r->ppno = 0;
}

static void
read_ftbl(struct rd *r)
{
	if (!array_begin(r, "ftbl", false))
		return;
	do {
		int c = skipws(r);

		if (c != '"' && c >= 0 && c != ']')
			fail(r, "entry %zu of 'ftbl' at byte %llu is not a "
			    "string", r->p->nframes,
			    (unsigned long long)offset(r));
		read_string(r);
		dtool__profile_push_frame(r->p, r->s, r->slen);
	} while (array_next(r));
}

/* The top level's "incomplete" and "incompleteReason", read in either
 * order. */
struct incomplete {
	bool is;
	const char *why;
};

/* Reads the value of top-level field F (F_N: one we do not know). */
static void
read_top_field(struct rd *r, int f, struct incomplete *inc)
{
	struct dtool_header *h = &r->p->h;
	const char *name = f < F_N ? top_names[f] : NULL;

	switch (f) {
	case F_VERSION:
		h->version = read_u64(r, name);
		if (h->version != 2)
			fail(r, "unsupported dhatFileVersion %llu (expected 2)",
			    (unsigned long long)h->version);
		break;
	case F_MODE: h->mode = top_string(r, name); break;
	case F_VERB: h->verb = top_string(r, name); break;
	case F_BKLT: h->bklt = read_bool(r, name); break;
	case F_BKACC: h->bkacc = read_bool(r, name); break;
	case F_BU: h->bu = top_string(r, name); break;
	case F_BSU: h->bsu = top_string(r, name); break;
	case F_BKSU: h->bksu = top_string(r, name); break;
	case F_TU: h->tu = top_string(r, name); break;
	case F_MTU: h->Mtu = top_string(r, name); break;
	case F_CMD: h->cmd = top_string(r, name); break;
	case F_TUTH:
		h->tuth = read_u64(r, name);
		h->have |= DTOOL_H_TUTH;
		break;
	case F_PID: h->pid = read_u64(r, name); break;
	case F_TE: h->te = read_u64(r, name); break;
	case F_TG:
		h->tg = read_u64(r, name);
		h->have |= DTOOL_H_TG;
		break;
	case F_INCOMPLETE: inc->is = read_bool(r, name); break;
	case F_INCOMPLETE_WHY: inc->why = top_string(r, name); break;
	case F_END: read_end(r); break;
	case F_PARTIAL: h->partial = read_bool(r, name); break;
	case F_TIMELINE: read_timeline(r); break;
	case F_PPS: read_pps(r); break;
	case F_FTBL: read_ftbl(r); break;
	default: skip_value(r);
	}
}

/* The '{' that opens a profile, or a message on what the file is. */
static void
read_top_open(struct rd *r)
{
	int c = skipws(r);

	if (c < 0)
		fail(r, "empty file (not a DHAT profile)");
	if (c == '{') {
		r->pos++;
		return;
	}
	if (c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' ||
	    c == '-' || (c >= '0' && c <= '9'))
		fail(r, "not a DHAT profile: the JSON value at byte %llu is not "
		    "an object", (unsigned long long)offset(r));
	fail(r, "not JSON: unexpected %s%c%s at byte %llu",
	    c >= 0x20 && c < 0x7f ? "'" : "byte ",
	    c >= 0x20 && c < 0x7f ? c : '?',
	    c >= 0x20 && c < 0x7f ? "'" : "", (unsigned long long)offset(r));
}

/* After the profile's '}': nothing but blanks, and every field that a
 * profile must have (SEEN: a bit per field read). */
static void
read_top_close(struct rd *r, unsigned seen, const struct incomplete *inc)
{
	if (skipws(r) >= 0)
		fail(r, "invalid JSON at byte %llu: data after the end of the "
		    "profile", (unsigned long long)offset(r));
	if (inc->is)
		r->p->h.incomplete = inc->why != NULL && *inc->why != '\0' ?
		    inc->why : "no reason given";
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(seen & (1u << required[i]))) {
			if (required[i] == F_VERSION)
				fail(r, "not a DHAT profile: missing field "
				    "'dhatFileVersion'");
			fail(r, "missing field '%s'", top_names[required[i]]);
		}
}

static void
read_top(struct rd *r)
{
	struct incomplete inc = { false, NULL };
	unsigned seen = 0;

	read_top_open(r);
	if (skipws(r) == '}') {
		r->pos++;
		read_top_close(r, seen, &inc);
		return;
	}
	do {
		int f;

		read_string(r);
		expect(r, ':', "':'");
		for (f = 0; f < F_N; f++)
			if (strcmp(r->s, top_names[f]) == 0)
				break;
		if (f < F_N) {
			if (seen & (1u << f))
				fail(r, "field '%s' appears twice",
				    top_names[f]);
			seen |= 1u << f;
		}
		read_top_field(r, f, &inc);
	} while (skipws(r) == ',' && (r->pos++, true));
	expect(r, '}', "',' or '}'");
	read_top_close(r, seen, &inc);
}

/* Parse what R is set up to read (a file descriptor or a buffer). */
static struct dtool_profile *
read_rd(struct rd *r)
{
	struct dtool_profile *volatile p;

	p = r->p = dtool__profile_alloc();
	if (setjmp(r->jb) != 0) {
		dtool_profile_free(p);
		p = NULL;
	} else {
		read_top(r);
		if (dtool_profile_check(r->p, r->err, r->errlen) < 0) {
			dtool_profile_free(r->p);
			p = NULL;
		}
	}
	free(r->s);
	free(r->u);
	free(r->acc);
	free(r->tl);
	return p;
}

struct dtool_profile *
dtool_profile_read_fd(int fd, char *err, size_t errlen)
{
	struct dtool_profile *p;
	struct rd r;

	memset(&r, 0, sizeof(r));
	r.src = dtool_source_open(fd, err, errlen);
	if (r.src == NULL)
		return NULL;
	r.err = err;
	r.errlen = errlen;
	r.buf = dtool_xmalloc(RD_BUF);
	p = read_rd(&r);
	free(r.buf);
	dtool_source_close(r.src);
	return p;
}

struct dtool_profile *
dtool_profile_read_mem(const void *data, size_t len, char *err,
    size_t errlen)
{
	struct rd r;

	memset(&r, 0, sizeof(r));
	r.err = err;
	r.errlen = errlen;
	/* Only read through buf: the cast drops a const never written. */
	r.buf = (unsigned char *)(uintptr_t)data;
	r.len = len;
	return read_rd(&r);
}

struct dtool_profile *
dtool_profile_read(const char *path, char *err, size_t errlen)
{
	struct dtool_profile *p;
	int fd;

	if (strcmp(path, "-") == 0)
		return dtool_profile_read_fd(STDIN_FILENO, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	p = dtool_profile_read_fd(fd, err, errlen);
	close(fd);
	return p;
}
