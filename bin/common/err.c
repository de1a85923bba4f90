/* SPDX-License-Identifier: MIT */
/*
 * err.c - err(3)-style messages and dying allocators for the dhat tools.
 * The program name is kept without its directory so that messages read
 * the same whether the tool ran from the build tree or from $PATH.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "err.h"
#include "index.h"
#include "format.h"

static const char *progname = "dhat";

void
dtool_setprogname(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash != NULL ? slash + 1 : argv0;
	/* libtool wrappers run the real binary as "lt-NAME". */
	if (strncmp(progname, "lt-", 3) == 0)
		progname += 3;
}

const char *
dtool_getprogname(void)
{
	return progname;
}

static void vmsg(int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The message goes out by the text rule of format.h: it may quote a
 * profile's strings (a mode, a reason), which must not reach the
 * terminal as control characters. */
static void
vmsg(int errnum, const char *fmt, va_list ap)
{
	char buf[8192] = "";
	int n = 0;

	fflush(stdout);
	if (fmt != NULL)
		n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(buf) && errnum >= 0)
		snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%s",
		    fmt != NULL ? ": " : "", strerror(errnum));
	fprintf(stderr, "%s: ", progname);
	dtool_fputs_text(buf, stderr);
	fputc('\n', stderr);
}

void
dtool_warn(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
}

void
dtool_vwarnx(const char *fmt, va_list ap)
{
	vmsg(-1, fmt, ap);
}

void
dtool_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(-1, fmt, ap);
	va_end(ap);
}

void
dtool_die(int status, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(e, fmt, ap);
	va_end(ap);
	exit(status);
}

void
dtool_diex(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(-1, fmt, ap);
	va_end(ap);
	exit(status);
}

static int trouble_status = 1;

void
dtool_set_trouble_status(int status)
{
	trouble_status = status;
}

int
dtool_trouble_status(void)
{
	return trouble_status;
}

static void
oom(void)
{
	dtool_diex(trouble_status, "out of memory");
}

void *
dtool_xmalloc(size_t n)
{
	void *p = malloc(n != 0 ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
dtool_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n != 0 ? n : 1, size != 0 ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
dtool_xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (n == 0 || size == 0)
		n = size = 1;
	q = reallocarray(p, n, size);
	if (q == NULL)
		oom();
	return q;
}

char *
dtool_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

/* The hash index's memory (lib/index.h): the tools' own, which exits
 * rather than fail. */
void *
dhat__index_calloc(size_t n, size_t size)
{
	return dtool_xcalloc(n, size);
}

void
dhat__index_release(void *p)
{
	free(p);
}

/* The compressors' memory (lib/compress.h): the tools' own; NULL when
 * there is none, for the writer to report. */
void *
dhat__compress_alloc(size_t n)
{
	return malloc(n);
}

void
dhat__compress_release(void *p)
{
	free(p);
}
