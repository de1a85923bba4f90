/* SPDX-License-Identifier: MIT */
/*
 * run-copy.c - copies with known sizes, one function per copying
 * function, for the copy profiling tests (t/4023).  Each f_* makes the
 * copies its comment says (bytes in calls); the program checks every
 * result and exits 3 when one is wrong, so that a profile is only ever
 * taken of copies done right.
 *
 * Usage: run-copy [threads]  (threads: also 2 threads x 1000 copies of 8)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* Called by programs built with _FORTIFY_SOURCE; not declared. */
void *__memcpy_chk(void *d, const void *s, size_t n, size_t room);

/* Each copying function called through a pointer the compiler cannot
 * see through, so that no call is expanded inline whatever the flags. */
#define OPAQUE(f) static __typeof__(&f) volatile f##_ = f
OPAQUE(memcpy);
OPAQUE(memmove);
OPAQUE(mempcpy);
OPAQUE(bcopy);
OPAQUE(strcpy);
OPAQUE(stpcpy);
OPAQUE(strncpy);
OPAQUE(stpncpy);
OPAQUE(memccpy);
OPAQUE(wcscpy);
OPAQUE(wmemcpy);
OPAQUE(strdup);
OPAQUE(strndup);
OPAQUE(wcsncpy);
OPAQUE(__memcpy_chk);
OPAQUE(strcat);

static char src[256], dst[256];
static wchar_t wsrc[16] = L"abcde", wdst[16];
static int bad;

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "run-copy: wrong result: %s\n", what);
		bad = 1;
	}
}

/* 1000 bytes in 10 */
static __attribute__((noinline)) void
f_memcpy(void)
{
	for (int i = 0; i < 10; i++)
		check(memcpy_(dst, src, 100) == dst, "memcpy");
	check(memcmp(dst, src, 100) == 0, "memcpy's bytes");
}

/* 250 in 5 */
static __attribute__((noinline)) void
f_memmove(void)
{
	for (int i = 0; i < 5; i++)
		check(memmove_(dst + 1, dst, 50) == dst + 1, "memmove");
}

/* 100 in 4 */
static __attribute__((noinline)) void
f_mempcpy(void)
{
	for (int i = 0; i < 4; i++)
		check(mempcpy_(dst, src, 25) == dst + 25, "mempcpy");
}

/* 21 in 3 */
static __attribute__((noinline)) void
f_bcopy(void)
{
	for (int i = 0; i < 3; i++)
		bcopy_(src, dst, 7);
}

/* 18 in 3 */
static __attribute__((noinline)) void
f_strcpy(void)
{
	for (int i = 0; i < 3; i++)
		check(strcpy_(dst, "hello") == dst, "strcpy");
	check(strcmp(dst, "hello") == 0, "strcpy's string");
}

/* 24 in 2 */
static __attribute__((noinline)) void
f_stpcpy(void)
{
	for (int i = 0; i < 2; i++)
		check(stpcpy_(dst, "hello world") == dst + 11, "stpcpy");
}

/* 7 in 2: "abc" and its NUL, then 3 of "abcdef" */
static __attribute__((noinline)) void
f_strncpy(void)
{
	memset(dst, 'x', 16);
	check(strncpy_(dst, "abc", 10) == dst && dst[9] == '\0' &&
	    dst[10] == 'x', "strncpy's padding");
	check(strncpy_(dst, "abcdef", 3) == dst && dst[3] == '\0',
	    "strncpy");
}

/* 4 in 1 */
static __attribute__((noinline)) void
f_stpncpy(void)
{
	check(stpncpy_(dst, "abc", 10) == dst + 3, "stpncpy");
}

/* 3 in 1: up to and including the 'c' */
static __attribute__((noinline)) void
f_memccpy(void)
{
	check(memccpy_(dst, "abcdef", 'c', 10) == dst + 3, "memccpy");
}

/* 20 in 1 */
static __attribute__((noinline)) void
f_wcscpy(void)
{
	check(wcscpy_(wdst, L"abcd") == wdst && wcscmp(wdst, L"abcd") == 0,
	    "wcscpy");
}

/* 20 in 1 */
static __attribute__((noinline)) void
f_wmemcpy(void)
{
	check(wmemcpy_(wdst, wsrc, 5) == wdst, "wmemcpy");
}

/* 6 in 1 */
static __attribute__((noinline)) void
f_strdup(void)
{
	char *p = strdup_("hello");

	check(p != NULL && strcmp(p, "hello") == 0, "strdup");
	free(p);
}

/* 5 in 2: the C library copies the characters, then writes the NUL */
static __attribute__((noinline)) void
f_strndup(void)
{
	char *p = strndup_("ab", 10), *q = strndup_("abcdef", 3);

	check(p != NULL && strcmp(p, "ab") == 0, "strndup");
	check(q != NULL && strcmp(q, "abc") == 0, "strndup of a prefix");
	free(p);
	free(q);
}

/* 24 in 2: the characters of L"abc", without the NUL and the padding,
 * then 3 of L"abcdef" */
static __attribute__((noinline)) void
f_wcsncpy(void)
{
	check(wcsncpy_(wdst, L"abc", 10) == wdst && wdst[9] == L'\0' &&
	    wcscmp(wdst, L"abc") == 0, "wcsncpy's padding");
	check(wcsncpy_(wdst, L"abcdef", 3) == wdst && wdst[2] == L'c',
	    "wcsncpy");
}

/* 64 in 1 */
static __attribute__((noinline)) void
f_memcpy_chk(void)
{
	check(__memcpy_chk_(dst, src, 64, sizeof dst) == dst, "__memcpy_chk");
}

/* 8 in 2: strcpy 3, strcat 5 */
static __attribute__((noinline)) void
f_strcat(void)
{
	strcpy_(dst, "xy");
	check(strcat_(dst, "1234") == dst && strcmp(dst, "xy1234") == 0,
	    "strcat");
}

/* 16,000 in 2,000, from two threads */
static void *
f_thread(void *arg)
{
	char d[8];

	(void)arg;
	for (int i = 0; i < 1000; i++)
		memcpy_(d, src, sizeof d);
	return NULL;
}

static void
threads(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, f_thread, NULL) != 0) {
			perror("pthread_create");
			exit(1);
		}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
}

int
main(int argc, char **argv)
{
	for (int i = 0; i < (int)sizeof src; i++)
		src[i] = (char)('a' + i % 26);
	f_memcpy();
	f_memmove();
	f_mempcpy();
	f_bcopy();
	f_strcpy();
	f_stpcpy();
	f_strncpy();
	f_stpncpy();
	f_memccpy();
	f_wcscpy();
	f_wmemcpy();
	f_strdup();
	f_strndup();
	f_wcsncpy();
	f_memcpy_chk();
	f_strcat();
	if (argc > 1 && strcmp(argv[1], "threads") == 0)
		threads();
	return bad ? 3 : 0;
}
