/* SPDX-License-Identifier: MIT */
/*
 * frame.c - frame strings: their keys without addresses (see frame.h
 * for the rules), the allocator's own frames, and the short form a site
 * is shown by.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "frame.h"

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
