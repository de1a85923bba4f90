/* SPDX-License-Identifier: MIT */
/* tap.c - TAP producer for the C tests; see tap.h.  It formats with
 * vsnprintf into stack buffers and writes with write(2), so it neither
 * allocates nor depends on stdio buffering while a profiler runs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static int planned = -1;
static int run;
static int failed;
static int lazy;

static void
out(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
outf(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	out(buf);
}

void
plan(int n)
{
	planned = n;
	outf("1..%d\n", n);
}

void
plan_lazy(void)
{
	lazy = 1;
}

void
skip_all(const char *reason, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, reason);
	vsnprintf(buf, sizeof buf, reason, ap);
	va_end(ap);
	outf("1..0 # SKIP %s\n", buf);
	exit(0);
}

static int
report(int pass, const char *desc, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof buf, desc, ap);
	run++;
	if (!pass)
		failed++;
	outf("%sok %d - %s\n", pass ? "" : "not ", run, buf);
	return pass;
}

int
ok(int pass, const char *desc, ...)
{
	va_list ap;

	va_start(ap, desc);
	report(pass, desc, ap);
	va_end(ap);
	return pass;
}

int
is_int(intmax_t got, intmax_t want, const char *desc, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, desc);
	report(pass, desc, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %jd\n  wanted: %jd", got, want);
	return pass;
}

int
is_uint(uintmax_t got, uintmax_t want, const char *desc, ...)
{
	va_list ap;
	int pass = got == want;

	va_start(ap, desc);
	report(pass, desc, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %ju\n  wanted: %ju", got, want);
	return pass;
}

int
is_string(const char *got, const char *want, const char *desc, ...)
{
	va_list ap;
	int pass;

	if (got == NULL || want == NULL)
		pass = got == want;
	else
		pass = strcmp(got, want) == 0;
	va_start(ap, desc);
	report(pass, desc, ap);
	va_end(ap);
	if (!pass)
		diag("     got: '%s'\n  wanted: '%s'", got ? got : "(null)",
		    want ? want : "(null)");
	return pass;
}

void
diag(const char *fmt, ...)
{
	char buf[4096];
	char *line, *save = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		outf("# %s\n", line);
}

void
bail(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	outf("Bail out! %s\n", buf);
	exit(255);
}

int
done_testing(void)
{
	if (lazy)
		outf("1..%d\n", run);
	else if (planned != run)
		diag("planned %d tests but ran %d", planned, run);
	return failed == 0 && (lazy || planned == run) ? 0 : 1;
}
