/* SPDX-License-Identifier: MIT */
/*
 * normal.c - frames as every writer would spell them, so that a profile
 * written by Valgrind's DHAT, by libdhat or by the Rust crate matches
 * another of the same code.  The writers read the same debugging
 * information but name a function by different symbols at its address:
 * glibc exports one function under several names (strdup and __strdup,
 * _IO_file_underflow@@GLIBC_2.2.5 and _IO_new_file_underflow, printf and
 * __printf), a C++ function may come with its parameters and GCC's
 * "[clone .constprop.0]" or without them.  Objects are named by path,
 * which differs with the way the library was found.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "frame.h"

/* [S, S+N) without a leading PREFIX; true when it had one. */
static bool
cut_prefix(const char **s, size_t *n, const char *prefix)
{
	size_t k = strlen(prefix);

	if (*n <= k || strncmp(*s, prefix, k) != 0)
		return false;
	*s += k;
	*n -= k;
	return true;
}

/* The suffixes GCC gives the symbols of the parts and clones of a
 * function ("f.part.0", "f.constprop.0", "f.cold"), which one writer
 * shows and another names by the function's debugging information. */
static const char *const clone_suffixes[] = {
	".part.", ".constprop.", ".isra.", ".cold", ".lto_priv.",
	".localalias", ".clone.",
};

/* [S, S+N) without trailing " [clone .x]" suffixes, GCC's clone
 * suffixes and a symbol version ("@@GLIBC_2.2.5", "@GLIBC_2.2.5"). */
static void
cut_suffixes(const char *s, size_t *n)
{
	const char *at;

	while (*n > 9 && s[*n - 1] == ']') {
		const char *open = s + *n - 1;

		while (open > s && *open != '[')
			open--;
		if (open - s < 1 || open[-1] != ' ' ||
		    strncmp(open, "[clone ", 7) != 0)
			break;
		*n = (size_t)(open - 1 - s);
	}
	at = memchr(s, '@', *n);
	if (at != NULL && at > s)
		*n = (size_t)(at - s);
	for (size_t i = 0; i < sizeof(clone_suffixes) /
	    sizeof(clone_suffixes[0]); i++) {
		const char *dot = memmem(s, *n, clone_suffixes[i],
		    strlen(clone_suffixes[i]));

		if (dot != NULL && dot > s)
			*n = (size_t)(dot - s);
	}
}

/* [S, S+N) without a C++ parameter list and a trailing " const":
 * "x_table(int)" and "x_table" are one function to the writers that
 * spell it either way.  "operator()" keeps its parentheses. */
static void
cut_parameters(const char *s, size_t *n)
{
	size_t i;
	int depth = 0;

	if (*n > 6 && strncmp(s + *n - 6, " const", 6) == 0)
		*n -= 6;
	if (*n == 0 || s[*n - 1] != ')')
		return;
	i = *n;
	do {
		i--;
		if (s[i] == ')')
			depth++;
		else if (s[i] == '(')
			depth--;
	} while (i > 0 && depth > 0);
	if (depth != 0 || i == 0)
		return;
	if (i >= 8 && strncmp(s + i - 8, "operator", 8) == 0 && *n == i + 2)
		return;
	*n = i;
}

/* glibc's names for one function: __GI_ and __libc_ aliases, leading
 * underscores, _IO_ and _IO_new_ for the stdio functions. */
static void
cut_aliases(const char **s, size_t *n)
{
	bool under = false;

	while (*n > 1 && **s == '_') {
		(*s)++;
		(*n)--;
		under = true;
	}
	if (cut_prefix(s, n, "GI_"))
		while (*n > 1 && **s == '_') {
			(*s)++;
			(*n)--;
		}
	if (under && cut_prefix(s, n, "libc_"))
		return;
	if (under && cut_prefix(s, n, "IO_"))
		(void)cut_prefix(s, n, "new_");
}

/* Appends the normal form of function [S, S+N) to BUF. */
static void
put_function(char *buf, size_t len, const char *s, size_t n)
{
	size_t used = strlen(buf);

	/* Rust's and C++'s qualified names, "(below main)", "???": as
	 * they are, but for the parts below. */
	cut_suffixes(s, &n);
	cut_parameters(s, &n);
	cut_aliases(&s, &n);
	snprintf(buf + used, len - used, "%.*s", (int)n, s);
}

char *
dtool_frame_match_key(const char *frame, int match)
{
	char *key = dtool_frame_key(frame, match), *out, *loc;
	size_t n = strlen(key), len = n + 8;
	int depth = 0;
	size_t i = n;

	if (match == DTOOL_MATCH_ADDRESS)
		return key;
	out = dtool_xmalloc(len);
	out[0] = '\0';
	/* The location: the last balanced "(...)" after a space. */
	if (n > 0 && key[n - 1] == ')')
		do {
			i--;
			depth += key[i] == ')' ? 1 : key[i] == '(' ? -1 : 0;
		} while (i > 0 && depth > 0);
	if (n == 0 || key[n - 1] != ')' || depth != 0 || i == 0 ||
	    key[i - 1] != ' ') {
		put_function(out, len, key, n);
		free(key);
		return out;
	}
	put_function(out, len, key, i - 1);
	loc = key + i + 1;
	key[n - 1] = '\0';
	if (strncmp(loc, "in ", 3) == 0) {
		/* An object by its base name. */
		const char *base = strrchr(loc, '/');

		snprintf(out + strlen(out), len - strlen(out), " (in %s)",
		    base != NULL ? base + 1 : loc + 3);
	} else {
		/* "file:line:col" as "file:line": not every writer has
		 * columns. */
		char *c1 = strchr(loc, ':'), *c2 = c1 ? strchr(c1 + 1, ':') :
		    NULL;

		if (c2 != NULL)
			*c2 = '\0';
		snprintf(out + strlen(out), len - strlen(out), " (%s)", loc);
	}
	free(key);
	return out;
}

bool
dtool_frame_is_wrapper(const char *frame)
{
	const char *s = dtool_frame_strip_address(frame);
	const char *in = strstr(s, " (in ");

	/* Valgrind's preloaded wrappers, whatever function they stand
	 * for: realloc's frame is labelled malloc. */
	if (in != NULL && strstr(in, "/vgpreload_") != NULL)
		return true;
	return dtool_frame_is_allocator(frame);
}
