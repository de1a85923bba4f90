/* SPDX-License-Identifier: MIT */
/*
 * testing.c - heap usage testing: the functions behind DHAT_ASSERT,
 * DHAT_ASSERT_EQ and DHAT_ASSERT_NE (the Rust crate's dhat::assert*).
 *
 * The macros evaluate their operands, then ask dhat_assert_check() whether
 * the assertion may be made at all (misuse aborts with the crate's
 * message) and, when it failed, have it finish the profile exactly as a
 * drop outside testing mode would: summary lines, then the file.  The
 * profiler is then in the post-assert state, and the macro calls one of
 * the dhat_assert_fail*() functions, which print the crate's message
 * shape and abort.  A program that catches SIGABRT and carries on finds
 * that further assertions and statistics abort, ad hoc events are
 * ignored, and dropping the profiler is silent.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eprint.h"
#include "guard.h"
#include "lock.h"
#include "profiler.h"
#include "ending.h"

int
dhat_assert_check(int holds)
{
	const char *err = NULL;
	int g;

	g = dhat__enter();
	dhat__lock();
	if (dhat__prof.state == DHAT__IDLE ||
	    dhat__prof.state == DHAT__FINISHING)
		err = "dhat: asserting when no profiler is running";
	else if (dhat__prof.state == DHAT__POST_ASSERT)
		err = "dhat: asserting after the profiler has asserted";
	else if (!dhat__prof.cfg.testing)
		err = "dhat: asserting while not in testing mode";
	if (err != NULL || holds) {
		dhat__unlock();
		dhat__leave(g);
		if (err != NULL)
			dhat__panic(err);
		return 0;
	}
	/* The drop's path.  A drop from another thread during the write
	 * finds no profiler to end, as a stale handle would; the process
	 * is about to abort anyway. */
	dhat__prof.cfg.ending.by = DHAT__END_ASSERT;
	dhat__profile_close(true);
	dhat__prof.state = DHAT__POST_ASSERT;
	dhat__unlock();
	dhat__leave(g);
	return 1;
}

static bool
negative(struct dhat_assert_int v)
{
	return v.is_signed && v.value > (uintmax_t)INTMAX_MAX;
}

int
dhat_assert_int_eq(struct dhat_assert_int a, struct dhat_assert_int b)
{
	return a.value == b.value && negative(a) == negative(b);
}

/* Length of the condition at the start of ARGS (the stringified macro
 * arguments): up to the first comma outside parentheses and literals. */
static size_t
cond_len(const char *args)
{
	const char *s;
	int depth = 0;
	char quote;

	for (s = args; *s != '\0'; s++) {
		if (*s == '"' || *s == '\'') {
			quote = *s;
			while (s[1] != '\0' && s[1] != quote) {
				if (s[1] == '\\' && s[2] != '\0')
					s++;
				s++;
			}
			if (s[1] != '\0')
				s++;
		} else if (*s == '(') {
			depth++;
		} else if (*s == ')') {
			depth--;
		} else if (*s == ',' && depth == 0) {
			break;
		}
	}
	while (s > args && s[-1] == ' ')
		s--;
	return (size_t)(s - args);
}

/* The message's tail: ": " and the formatted message when FMT is not
 * NULL, then a newline; then abort().  Profiling is over: allocating here
 * counts nothing. */
static DHAT_NORETURN void
assert_finish(const char *fmt, va_list *ap)
{
	char *msg = NULL;

	if (fmt != NULL) {
		dhat__eprint(": ");
		if (vasprintf(&msg, fmt, *ap) >= 0)
			dhat__eprint(msg);
	}
	dhat__eprint("\n");
	abort();
}

/* "dhat: assertion failed: <cond>" and the tail. */
static DHAT_NORETURN void
fail_cond(const char *args, size_t len, const char *fmt, va_list *ap)
{
	dhat__eprint("dhat: assertion failed: ");
	(void)dhat__write_all(STDERR_FILENO, args, len);
	assert_finish(fmt, ap);
}

static void
format_int(char *buf, size_t n, struct dhat_assert_int v)
{
	if (v.is_signed)
		snprintf(buf, n, "%" PRIdMAX, (intmax_t)v.value);
	else
		snprintf(buf, n, "%" PRIuMAX, v.value);
}

/* The crate's assert_eq!/assert_ne! message and the tail. */
static DHAT_NORETURN void
fail_cmp(int ne, struct dhat_assert_int a, struct dhat_assert_int b,
    const char *fmt, va_list *ap)
{
	char head[160], l[24], r[24];

	format_int(l, sizeof l, a);
	format_int(r, sizeof r, b);
	snprintf(head, sizeof head, "dhat: assertion failed: `(left %s "
	    "right)`\n  left: `%s`,\n right: `%s`", ne ? "!=" : "==", l, r);
	dhat__eprint(head);
	assert_finish(fmt, ap);
}

void
dhat_assert_fail(const char *args)
{
	fail_cond(args, strlen(args), NULL, NULL);
}

void
dhat_assert_fail_msg(const char *args, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_cond(args, cond_len(args), fmt, &ap);
}

void
dhat_assert_fail_cmp(int ne, struct dhat_assert_int a,
    struct dhat_assert_int b)
{
	fail_cmp(ne, a, b, NULL, NULL);
}

void
dhat_assert_fail_cmp_msg(int ne, struct dhat_assert_int a,
    struct dhat_assert_int b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail_cmp(ne, a, b, fmt, &ap);
}
