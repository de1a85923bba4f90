/* SPDX-License-Identifier: MIT */
/*
 * access-libc.c - the C library's memory and string functions on heap
 * blocks, and realloc, for the access profiling tests (t/1014), built
 * as programs are: optimized, with the compiler's built-in functions
 * except those that dhat-access.pc's options keep as calls.  Built
 * instrumented for libdhat-access and plain with the same options, for
 * Valgrind's DHAT.  Each f_* makes one block of 64 bytes, fills it with
 * 63 'z' and a NUL (64 bytes written), then does what its name says;
 * the blocks stay live to the end.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static volatile long sink;
/* Sizes and strings the compiler cannot see. */
static volatile size_t five = 5;
static const char *volatile eight = "abcdefgh";

static __attribute__((noinline)) char *
block(void)
{
	char *p = malloc(64);

	memset(p, 'z', 63);
	p[63] = '\0';
	return p;
}

#define F(name, body)                                                  \
	static __attribute__((noinline)) char *name(void)              \
	{                                                              \
		char *p = block();                                     \
		body;                                                  \
		__asm__ __volatile__("" ::: "memory");                 \
		return p;                                              \
	}

F(f_strlen, sink += (long)strlen(p))
F(f_strnlen, sink += (long)strnlen(p, 10))
F(f_memcmp_const, sink += memcmp(p, "zzzzzzzz", 8) == 0)
F(f_strcmp_const, sink += strcmp(p, "abc") == 0)
F(f_strncmp, sink += strncmp(p, eight, 4))
F(f_memchr, sink += memchr(p, 'q', 64) != NULL)
F(f_strchr, sink += strchr(p, 'q') != NULL)
F(f_strrchr, sink += strrchr(p, 'z') != NULL)
F(f_bzero, bzero(p, five))
F(f_mempcpy, sink += (char *)mempcpy(p, eight, five) - p)
F(f_strncpy_const, strncpy(p, "ab", 8))
F(f_stpncpy, sink += stpncpy(p, eight, 10) - p)
F(f_strcat_const, strcat(p + 40, "xyz"))
F(f_strncat, strncat(p + 40, eight, 3))

/* 40 bytes written, shrunk to 20, grown to 200 and written whole: the
 * two copies that the reallocs imply are read and written too. */
static __attribute__((noinline)) char *
f_realloc(void)
{
	char *p = malloc(40), *q;

	memset(p, 1, 40);
	q = realloc(p, 20);
	if (q == NULL)
		return p;
	p = realloc(q, 200);
	if (p == NULL)
		return q;
	memset(p, 2, 200);
	return p;
}

int
main(void)
{
	char *(*const f[])(void) = {
		f_strlen, f_strnlen, f_memcmp_const, f_strcmp_const,
		f_strncmp, f_memchr, f_strchr, f_strrchr, f_bzero, f_mempcpy,
		f_strncpy_const, f_stpncpy, f_strcat_const, f_strncat,
		f_realloc,
	};

	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		sink += (long)(size_t)f[i]();
	return 0;
}
