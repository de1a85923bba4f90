/* SPDX-License-Identifier: MIT */
/*
 * copy.c - libdhat-copy: the copying functions of the C library (memcpy,
 * strcpy, their wide and _chk forms, ...) interposed for copy profiling.
 * Each reports the bytes it copies to libdhat (dhat__copy_count), then
 * calls the definition the program would have called without this
 * library, so results, overlap rules and the _chk functions' checks stay
 * the C library's.
 *
 * The bytes counted are those taken from the source, as Valgrind's DHAT
 * counts them: N for memcpy, the string and its terminating NUL for
 * strcpy, at most N of them for strncpy (not its padding), the appended
 * string and the NUL for strcat, each times the element's size for the
 * wide forms; the string and its NUL for strdup.  Where the C library's
 * function copies the characters and then writes the NUL itself
 * (strndup, wcsncpy), the NUL is not counted.
 *
 * The C library's definitions are found as forward.h says.
 */
#include "config.h"

/* The definitions below replace the functions, not fortify's inline
 * wrappers of them. */
#undef _FORTIFY_SOURCE

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "copy.h"
#include "forward.h"

EXPORT void
dhat__copy_library(void)
{
}

/* A function copying BYTES: counted, then the next definition called with
 * ARGS, or FALLBACK evaluated when there is none yet. */
#define COPY_FN(ret, name, bit, params, args, bytes, fallback)                \
	static void *next_##name;                                              \
	EXPORT ret name params                                                 \
	{                                                                      \
		__typeof__(&name) f_;                                          \
                                                                               \
		dhat__copy_count(bytes);                                       \
		if ((f_ = NEXT(name, bit)) != NULL)                            \
			return f_ args;                                        \
		fallback;                                                      \
	}

/* ---- memory ------------------------------------------------------------ */

COPY_FN(void *, memcpy, 0, (void *restrict d, const void *restrict s,
    size_t n), (d, s, n), n, { move(d, s, n); return d; })
COPY_FN(void *, memmove, 1, (void *d, const void *s, size_t n), (d, s, n),
    n, { move(d, s, n); return d; })
COPY_FN(void *, mempcpy, 2, (void *restrict d, const void *restrict s,
    size_t n), (d, s, n), n, { move(d, s, n); return (char *)d + n; })
COPY_FN(void *, __memcpy_chk, 3, (void *restrict d, const void *restrict s,
    size_t n, size_t room), (d, s, n, room), n, { move(d, s, n); return d; })
COPY_FN(void *, __memmove_chk, 4, (void *d, const void *s, size_t n,
    size_t room), (d, s, n, room), n, { move(d, s, n); return d; })
COPY_FN(void *, __mempcpy_chk, 5, (void *restrict d,
    const void *restrict s, size_t n, size_t room), (d, s, n, room), n,
    { move(d, s, n); return (char *)d + n; })

static void *next_bcopy;
EXPORT void
bcopy(const void *s, void *d, size_t n)
{
	__typeof__(&bcopy) f;

	dhat__copy_count(n);
	if ((f = NEXT(bcopy, 6)) != NULL)
		f(s, d, n);
	else
		move(d, s, n);
}

/* memccpy: the bytes up to and including the first C, or N; counted
 * once the copy says where it stopped. */
static void *next_memccpy;
EXPORT void *
memccpy(void *restrict d, const void *restrict s, int c, size_t n)
{
	__typeof__(&memccpy) f = NEXT(memccpy, 7);
	const unsigned char *sp = s;
	size_t k = 0;
	void *r;

	if (f != NULL) {
		r = f(d, s, c, n);
		dhat__copy_count(r != NULL ? (size_t)((char *)r - (char *)d) :
		    n);
		return r;
	}
	while (k < n && sp[k] != (unsigned char)c)
		k++;
	r = k < n ? (char *)d + k + 1 : NULL;
	k = k < n ? k + 1 : n;
	move(d, s, k);
	dhat__copy_count(k);
	return r;
}

/* ---- strings ----------------------------------------------------------- */

/* The elements strncpy takes from a string of LEN (strnlen's) within N:
 * the NUL too when it fits. */
static inline size_t
taken(size_t len, size_t n)
{
	return len < n ? len + 1 : n;
}

/* strncpy's work with the plain loop: K elements of SIZE, then zeroes up
 * to N. */
static void
fill(void *d, const void *s, size_t k, size_t n, size_t size)
{
	move(d, s, k * size);
	set((char *)d + k * size, 0, (n - k) * size);
}

COPY_FN(char *, strcpy, 8, (char *restrict d, const char *restrict s),
    (d, s), strlen(s) + 1, { move(d, s, strlen(s) + 1); return d; })
COPY_FN(char *, stpcpy, 9, (char *restrict d, const char *restrict s),
    (d, s), strlen(s) + 1,
    { size_t l = strlen(s); move(d, s, l + 1); return d + l; })
COPY_FN(char *, strncpy, 10, (char *restrict d, const char *restrict s,
    size_t n), (d, s, n), taken(strnlen(s, n), n),
    { fill(d, s, taken(strnlen(s, n), n), n, 1); return d; })
COPY_FN(char *, stpncpy, 11, (char *restrict d, const char *restrict s,
    size_t n), (d, s, n), taken(strnlen(s, n), n),
    { size_t l = strnlen(s, n); fill(d, s, taken(l, n), n, 1);
      return d + l; })
COPY_FN(char *, strcat, 12, (char *restrict d, const char *restrict s),
    (d, s), strlen(s) + 1,
    { move(d + strlen(d), s, strlen(s) + 1); return d; })
COPY_FN(char *, strncat, 13, (char *restrict d, const char *restrict s,
    size_t n), (d, s, n), strnlen(s, n) + 1,
    { size_t l = strnlen(s, n); char *e = d + strlen(d);
      move(e, s, l); e[l] = '\0'; return d; })
COPY_FN(char *, __strcpy_chk, 14, (char *restrict d,
    const char *restrict s, size_t room), (d, s, room), strlen(s) + 1,
    { move(d, s, strlen(s) + 1); return d; })
COPY_FN(char *, __stpcpy_chk, 15, (char *restrict d,
    const char *restrict s, size_t room), (d, s, room), strlen(s) + 1,
    { size_t l = strlen(s); move(d, s, l + 1); return d + l; })
COPY_FN(char *, __strncpy_chk, 16, (char *restrict d,
    const char *restrict s, size_t n, size_t room), (d, s, n, room),
    taken(strnlen(s, n), n),
    { fill(d, s, taken(strnlen(s, n), n), n, 1); return d; })
COPY_FN(char *, __stpncpy_chk, 17, (char *restrict d,
    const char *restrict s, size_t n, size_t room), (d, s, n, room),
    taken(strnlen(s, n), n),
    { size_t l = strnlen(s, n); fill(d, s, taken(l, n), n, 1);
      return d + l; })
COPY_FN(char *, __strcat_chk, 18, (char *restrict d,
    const char *restrict s, size_t room), (d, s, room), strlen(s) + 1,
    { move(d + strlen(d), s, strlen(s) + 1); return d; })
COPY_FN(char *, __strncat_chk, 19, (char *restrict d,
    const char *restrict s, size_t n, size_t room), (d, s, n, room),
    strnlen(s, n) + 1,
    { size_t l = strnlen(s, n); char *e = d + strlen(d);
      move(e, s, l); e[l] = '\0'; return d; })

/* The duplicating functions copy too (the C library's own call to memcpy
 * is not seen from here). */
COPY_FN(char *, strdup, 34, (const char *s), (s), strlen(s) + 1,
    { size_t l = strlen(s) + 1; char *d = malloc(l);
      if (d != NULL) move(d, s, l); return d; })
COPY_FN(char *, strndup, 35, (const char *s, size_t n), (s, n),
    strnlen(s, n),
    { size_t l = strnlen(s, n); char *d = malloc(l + 1);
      if (d != NULL) { move(d, s, l); d[l] = '\0'; } return d; })

/* ---- wide characters --------------------------------------------------- */

#define W sizeof(wchar_t)

COPY_FN(wchar_t *, wmemcpy, 20, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t n), (d, s, n), n * W,
    { move(d, s, n * W); return d; })
COPY_FN(wchar_t *, wmemmove, 21, (wchar_t *d, const wchar_t *s, size_t n),
    (d, s, n), n * W, { move(d, s, n * W); return d; })
COPY_FN(wchar_t *, wmempcpy, 22, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t n), (d, s, n), n * W,
    { move(d, s, n * W); return d + n; })
COPY_FN(wchar_t *, wcscpy, 23, (wchar_t *restrict d,
    const wchar_t *restrict s), (d, s), (wcslen(s) + 1) * W,
    { move(d, s, (wcslen(s) + 1) * W); return d; })
COPY_FN(wchar_t *, wcpcpy, 24, (wchar_t *restrict d,
    const wchar_t *restrict s), (d, s), (wcslen(s) + 1) * W,
    { size_t l = wcslen(s); move(d, s, (l + 1) * W); return d + l; })
COPY_FN(wchar_t *, wcsncpy, 25, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t n), (d, s, n),
    wcsnlen(s, n) * W,
    { fill(d, s, taken(wcsnlen(s, n), n), n, W); return d; })
COPY_FN(wchar_t *, wcscat, 26, (wchar_t *restrict d,
    const wchar_t *restrict s), (d, s), (wcslen(s) + 1) * W,
    { move(d + wcslen(d), s, (wcslen(s) + 1) * W); return d; })
COPY_FN(wchar_t *, __wmemcpy_chk, 27, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t n, size_t room), (d, s, n, room),
    n * W, { move(d, s, n * W); return d; })
COPY_FN(wchar_t *, __wmemmove_chk, 28, (wchar_t *d, const wchar_t *s,
    size_t n, size_t room), (d, s, n, room), n * W,
    { move(d, s, n * W); return d; })
COPY_FN(wchar_t *, __wmempcpy_chk, 29, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t n, size_t room), (d, s, n, room),
    n * W, { move(d, s, n * W); return d + n; })
COPY_FN(wchar_t *, __wcscpy_chk, 30, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t room), (d, s, room),
    (wcslen(s) + 1) * W, { move(d, s, (wcslen(s) + 1) * W); return d; })
COPY_FN(wchar_t *, __wcpcpy_chk, 31, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t room), (d, s, room),
    (wcslen(s) + 1) * W,
    { size_t l = wcslen(s); move(d, s, (l + 1) * W); return d + l; })
COPY_FN(wchar_t *, __wcsncpy_chk, 32, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t n, size_t room), (d, s, n, room),
    wcsnlen(s, n) * W,
    { fill(d, s, taken(wcsnlen(s, n), n), n, W); return d; })
COPY_FN(wchar_t *, __wcscat_chk, 33, (wchar_t *restrict d,
    const wchar_t *restrict s, size_t room), (d, s, room),
    (wcslen(s) + 1) * W,
    { move(d + wcslen(d), s, (wcslen(s) + 1) * W); return d; })
COPY_FN(wchar_t *, wcsdup, 36, (const wchar_t *s), (s), (wcslen(s) + 1) * W,
    { size_t l = (wcslen(s) + 1) * W; wchar_t *d = malloc(l);
      if (d != NULL) move(d, s, l); return d; })
