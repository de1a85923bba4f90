/* SPDX-License-Identifier: MIT */
/*
 * access_libc.c - the C library's memory and string functions, as
 * libdhat-access sees them: the C library is not built for access
 * profiling, so its own loads and stores go unseen; these stand in front
 * of the most used functions, count the bytes each reads and writes, and
 * call the C library's (forward.h).
 *
 * The bytes counted are those a plain byte loop would touch, which is
 * what Valgrind's DHAT counts, since it runs its own plain versions of
 * these functions: memcpy reads N and writes N, strlen reads the string
 * and its NUL, strcmp reads both strings up to the first difference or
 * the NUL, strncpy writes its padding too.  They are measured only while
 * accesses are counted; otherwise each function costs the C library's
 * and one test.
 */
#include "config.h"

/* The definitions below replace the functions, not fortify's inline
 * wrappers of them. */
#undef _FORTIFY_SOURCE

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "compiler.h"
#include "forward.h"
#include "tsan.h"

/* Lengths with plain loops: strlen itself is one of the functions
 * counted here, and the C library's, through the PLT, would be ours. */
static size_t
len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static size_t
len_max(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}

/* Bytes compared by a byte loop until the first difference, at most N
 * (STR: or past a NUL in both). */
static size_t
compared(const void *a, const void *b, size_t n, bool str)
{
	const unsigned char *x = a, *y = b;
	size_t i = 0;

	while (i < n) {
		if (x[i] != y[i] || (str && x[i] == '\0'))
			return i + 1;
		i++;
	}
	return n;
}

static inline void
rd(const void *p, size_t n)
{
	dhat__tsan_note(p, n, false);
}

static inline void
wr(const void *p, size_t n)
{
	dhat__tsan_note(p, n, true);
}

/* strncpy and stpncpy: the string, its NUL when it lies within N, and N
 * bytes written, padding included. */
static void
count_ncpy(char *d, const char *s, size_t n)
{
	size_t l = len_max(s, n);

	rd(s, l < n ? l + 1 : n);
	wr(d, n);
}

/* strncat: D to its NUL, at most N of S (and the NUL, when it lies
 * within N), and what is appended with its NUL. */
static void
count_ncat(char *d, const char *s, size_t n)
{
	size_t dl = len(d), l = len_max(s, n);

	rd(d, dl + 1);
	rd(s, l < n ? l + 1 : n);
	wr(d + dl, l + 1);
}

/* A function counted by BEFORE while accesses are counted, then the
 * next definition called with ARGS, or FALLBACK while there is none yet. */
#define ACC_FN(ret, name, bit, params, args, before, fallback)                 \
	static void *next_##name;                                              \
	EXPORT ret name params                                                 \
	{                                                                      \
		__typeof__(&name) f_;                                          \
                                                                               \
		if (DHAT__UNLIKELY(dhat__access_counting()))                   \
			before;                                                \
		if ((f_ = NEXT(name, bit)) != NULL)                            \
			return f_ args;                                        \
		fallback;                                                      \
	}

/* ---- memory ------------------------------------------------------------ */

ACC_FN(void *, memcpy, 0, (void *restrict d, const void *restrict s,
    size_t n), (d, s, n), (rd(s, n), wr(d, n)), { move(d, s, n); return d; })
ACC_FN(void *, memmove, 1, (void *d, const void *s, size_t n), (d, s, n),
    (rd(s, n), wr(d, n)), { move(d, s, n); return d; })
ACC_FN(void *, mempcpy, 2, (void *restrict d, const void *restrict s,
    size_t n), (d, s, n), (rd(s, n), wr(d, n)),
    { move(d, s, n); return (char *)d + n; })
ACC_FN(void *, __memcpy_chk, 3, (void *restrict d, const void *restrict s,
    size_t n, size_t room), (d, s, n, room), (rd(s, n), wr(d, n)),
    { move(d, s, n); return d; })
ACC_FN(void *, __memmove_chk, 4, (void *d, const void *s, size_t n,
    size_t room), (d, s, n, room), (rd(s, n), wr(d, n)),
    { move(d, s, n); return d; })
ACC_FN(void *, memset, 5, (void *d, int c, size_t n), (d, c, n), wr(d, n),
    return set(d, c, n))
ACC_FN(void *, __memset_chk, 6, (void *d, int c, size_t n, size_t room),
    (d, c, n, room), wr(d, n),
    return set(d, c, n))
ACC_FN(int, memcmp, 7, (const void *a, const void *b, size_t n), (a, b, n),
    { size_t k = compared(a, b, n, false); rd(a, k); rd(b, k); },
    { size_t k = compared(a, b, n, false);
      return k == 0 || ((const unsigned char *)a)[k - 1] ==
      ((const unsigned char *)b)[k - 1] ? 0 :
      ((const unsigned char *)a)[k - 1] - ((const unsigned char *)b)[k - 1];
    })

/* The bytes memchr reads: up to and including C, else N. */
static size_t
searched(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	size_t k = 0;

	while (k < n && p[k] != (unsigned char)c)
		k++;
	return k < n ? k + 1 : n;
}

ACC_FN(void *, memchr, 17, (const void *s, int c, size_t n), (s, c, n),
    rd(s, searched(s, c, n)),
    { size_t k = searched(s, c, n);
      return k > 0 && ((const unsigned char *)s)[k - 1] ==
      (unsigned char)c ? (void *)((const unsigned char *)s + k - 1) : NULL; })
ACC_FN(void, bzero, 18, (void *d, size_t n), (d, n), wr(d, n),
    { set(d, 0, n); return; })

/* ---- strings ----------------------------------------------------------- */

ACC_FN(size_t, strlen, 8, (const char *s), (s), rd(s, len(s) + 1),
    return len(s))
ACC_FN(size_t, strnlen, 9, (const char *s, size_t n), (s, n),
    { size_t l = len_max(s, n); rd(s, l < n ? l + 1 : n); },
    return len_max(s, n))
ACC_FN(int, strcmp, 10, (const char *a, const char *b), (a, b),
    { size_t k = compared(a, b, SIZE_MAX, true); rd(a, k); rd(b, k); },
    { size_t k = compared(a, b, SIZE_MAX, true);
      return (unsigned char)a[k - 1] - (unsigned char)b[k - 1]; })
ACC_FN(int, strncmp, 11, (const char *a, const char *b, size_t n),
    (a, b, n),
    { size_t k = compared(a, b, n, true); rd(a, k); rd(b, k); },
    { size_t k = compared(a, b, n, true);
      return k == 0 ? 0 :
      (unsigned char)a[k - 1] - (unsigned char)b[k - 1]; })
ACC_FN(char *, strcpy, 12, (char *restrict d, const char *restrict s),
    (d, s), { size_t l = len(s) + 1; rd(s, l); wr(d, l); },
    { move(d, s, len(s) + 1); return d; })
ACC_FN(char *, __strcpy_chk, 13, (char *restrict d, const char *restrict s,
    size_t room), (d, s, room),
    { size_t l = len(s) + 1; rd(s, l); wr(d, l); },
    { move(d, s, len(s) + 1); return d; })
ACC_FN(char *, stpcpy, 14, (char *restrict d, const char *restrict s),
    (d, s), { size_t l = len(s) + 1; rd(s, l); wr(d, l); },
    { size_t l = len(s); move(d, s, l + 1); return d + l; })
ACC_FN(char *, strncpy, 15, (char *restrict d, const char *restrict s,
    size_t n), (d, s, n), count_ncpy(d, s, n),
    { size_t l = len_max(s, n); move(d, s, l); set(d + l, 0, n - l);
      return d; })
ACC_FN(char *, strcat, 16, (char *restrict d, const char *restrict s),
    (d, s),
    { size_t dl = len(d); size_t sl = len(s) + 1;
      rd(d, dl + 1); rd(s, sl); wr(d + dl, sl); },
    { move(d + len(d), s, len(s) + 1); return d; })
ACC_FN(char *, stpncpy, 21, (char *restrict d, const char *restrict s,
    size_t n), (d, s, n), count_ncpy(d, s, n),
    { size_t l = len_max(s, n); move(d, s, l); set(d + l, 0, n - l);
      return d + l; })
ACC_FN(char *, strncat, 22, (char *restrict d, const char *restrict s,
    size_t n), (d, s, n), count_ncat(d, s, n),
    { size_t l = len_max(s, n); char *e = d + len(d);
      move(e, s, l); e[l] = '\0'; return d; })

/* The checking forms (_FORTIFY_SOURCE) touch what their plain forms do;
 * the C library's checks whether it fits. */
ACC_FN(void *, __mempcpy_chk, 23, (void *restrict d,
    const void *restrict s, size_t n, size_t room), (d, s, n, room),
    (rd(s, n), wr(d, n)), { move(d, s, n); return (char *)d + n; })
ACC_FN(char *, __stpcpy_chk, 24, (char *restrict d,
    const char *restrict s, size_t room), (d, s, room),
    { size_t l = len(s) + 1; rd(s, l); wr(d, l); },
    { size_t l = len(s); move(d, s, l + 1); return d + l; })
ACC_FN(char *, __strcat_chk, 25, (char *restrict d,
    const char *restrict s, size_t room), (d, s, room),
    { size_t dl = len(d); size_t sl = len(s) + 1;
      rd(d, dl + 1); rd(s, sl); wr(d + dl, sl); },
    { move(d + len(d), s, len(s) + 1); return d; })
ACC_FN(char *, __strncpy_chk, 26, (char *restrict d,
    const char *restrict s, size_t n, size_t room), (d, s, n, room),
    count_ncpy(d, s, n),
    { size_t l = len_max(s, n); move(d, s, l); set(d + l, 0, n - l);
      return d; })
ACC_FN(char *, __stpncpy_chk, 27, (char *restrict d,
    const char *restrict s, size_t n, size_t room), (d, s, n, room),
    count_ncpy(d, s, n),
    { size_t l = len_max(s, n); move(d, s, l); set(d + l, 0, n - l);
      return d + l; })
ACC_FN(char *, __strncat_chk, 28, (char *restrict d,
    const char *restrict s, size_t n, size_t room), (d, s, n, room),
    count_ncat(d, s, n),
    { size_t l = len_max(s, n); char *e = d + len(d);
      move(e, s, l); e[l] = '\0'; return d; })

/* The bytes strchr reads: up to and including C or the NUL. */
static size_t
found(const char *s, int c)
{
	size_t k = 0;

	while (s[k] != (char)c && s[k] != '\0')
		k++;
	return k + 1;
}

/* strrchr's last C in S (the NUL for C 0), NULL when none. */
static char *
last(const char *s, int c)
{
	const char *at = NULL;
	size_t k = 0;

	for (;; k++) {
		if (s[k] == (char)c)
			at = s + k;
		if (s[k] == '\0')
			return (char *)at;
	}
}

ACC_FN(char *, strchr, 19, (const char *s, int c), (s, c),
    rd(s, found(s, c)),
    { size_t k = found(s, c);
      return s[k - 1] == (char)c ? (char *)s + k - 1 : NULL; })
/* strrchr reads the whole string. */
ACC_FN(char *, strrchr, 20, (const char *s, int c), (s, c),
    rd(s, len(s) + 1), return last(s, c))

/* strdup: made here rather than by the C library's, whose copy would go
 * unseen; measured, then copied, as the C library's does. */
EXPORT char *
strdup(const char *s)
{
	size_t l = len(s) + 1;
	char *d = malloc(l);

	if (d != NULL) {
		rd(s, l);
		rd(s, l);
		wr(d, l);
		move(d, s, l);
	}
	return d;
}

/* Clang's instrumentation may call these for the copies it sees. */
EXPORT void *__tsan_memcpy(void *d, const void *s, size_t n);
EXPORT void *
__tsan_memcpy(void *d, const void *s, size_t n)
{
	return memcpy(d, s, n);
}

EXPORT void *__tsan_memmove(void *d, const void *s, size_t n);
EXPORT void *
__tsan_memmove(void *d, const void *s, size_t n)
{
	return memmove(d, s, n);
}

EXPORT void *__tsan_memset(void *d, int c, size_t n);
EXPORT void *
__tsan_memset(void *d, int c, size_t n)
{
	return memset(d, c, n);
}
