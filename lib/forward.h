/* SPDX-License-Identifier: MIT */
/*
 * forward.h - for the libraries that stand in front of the C library's
 * string and memory functions (libdhat-copy, libdhat-access): the next
 * definition of each, and plain loops for the moment before it is known.
 *
 * The C library's definitions are looked up with dlsym on first use.  A
 * lookup may allocate, and libdhat's allocator may copy: a function
 * called again while this thread looks it up does its work with a plain
 * loop (the files that include this are compiled without built-in
 * functions, so the loops stay loops).  Static: each library has its own.
 */
#ifndef DHAT_FORWARD_H
#define DHAT_FORWARD_H

#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#define EXPORT __attribute__((visibility("default")))

/* The checking forms, which the C library exports without declaring
 * them (a program compiled with _FORTIFY_SOURCE calls them). */
void *__memcpy_chk(void *restrict, const void *restrict, size_t, size_t);
void *__memmove_chk(void *, const void *, size_t, size_t);
void *__mempcpy_chk(void *restrict, const void *restrict, size_t, size_t);
void *__memset_chk(void *, int, size_t, size_t);
char *__strcpy_chk(char *restrict, const char *restrict, size_t);
char *__stpcpy_chk(char *restrict, const char *restrict, size_t);
char *__strncpy_chk(char *restrict, const char *restrict, size_t, size_t);
char *__stpncpy_chk(char *restrict, const char *restrict, size_t, size_t);
char *__strcat_chk(char *restrict, const char *restrict, size_t);
char *__strncat_chk(char *restrict, const char *restrict, size_t, size_t);
wchar_t *__wmemcpy_chk(wchar_t *restrict, const wchar_t *restrict, size_t,
    size_t);
wchar_t *__wmemmove_chk(wchar_t *, const wchar_t *, size_t, size_t);
wchar_t *__wmempcpy_chk(wchar_t *restrict, const wchar_t *restrict, size_t,
    size_t);
wchar_t *__wcscpy_chk(wchar_t *restrict, const wchar_t *restrict, size_t);
wchar_t *__wcpcpy_chk(wchar_t *restrict, const wchar_t *restrict, size_t);
wchar_t *__wcsncpy_chk(wchar_t *restrict, const wchar_t *restrict, size_t,
    size_t);
wchar_t *__wcscat_chk(wchar_t *restrict, const wchar_t *restrict, size_t);

/* Which functions this thread is looking up, one bit each. */
static __thread uint64_t looking __attribute__((tls_model("initial-exec")));

/* The definition of NAME after this library's, into *SLOT; NULL while
 * this thread looks it up already (bit BIT of looking). */
static __attribute__((unused)) void *
next_def(void **slot, const char *name, unsigned bit)
{
	void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

	if (f != NULL || (looking & (UINT64_C(1) << bit)) != 0)
		return f;
	looking |= UINT64_C(1) << bit;
	f = dlsym(RTLD_NEXT, name);
	looking &= ~(UINT64_C(1) << bit);
	if (f != NULL)
		__atomic_store_n(slot, f, __ATOMIC_RELEASE);
	return f;
}

/* The plain loop: N bytes from S to D, in the direction that survives an
 * overlap. */
static __attribute__((unused)) void
move(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp || dp >= sp + n)
		while (n-- > 0)
			*dp++ = *sp++;
	else
		while (n-- > 0)
			dp[n] = sp[n];
}

/* The plain loop: N bytes of D set to C. */
static __attribute__((unused)) void *
set(void *d, int c, size_t n)
{
	volatile unsigned char *dp = d;

	while (n-- > 0)
		*dp++ = (unsigned char)c;
	return d;
}

/* The next definition of NAME, as a pointer of NAME's own type. */
#define NEXT(name, bit)                                                       \
	((__typeof__(&name))next_def(&next_##name, #name, bit))

#endif
