/* SPDX-License-Identifier: MIT */
/*
 * err.h - diagnostics and allocation that cannot fail, for the dhat tools.
 *
 * Messages follow err(3): "prog: message[: strerror(errno)]" on stderr.
 * The tools pass the file name as the first part of the message, giving
 * the house form "prog: FILE: what went wrong".  The x*alloc functions
 * print "prog: out of memory" and exit (see dtool_set_trouble_status())
 * instead of returning NULL.
 */
#ifndef DTOOL_ERR_H
#define DTOOL_ERR_H

#include <stdarg.h>
#include <stddef.h>

void dtool_setprogname(const char *argv0);
const char *dtool_getprogname(void);

void dtool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dtool_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* dtool_warnx() with a va_list (a usage error's first line). */
void dtool_vwarnx(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
void dtool_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
void dtool_diex(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));

/* The status for trouble that ends a tool, such as the x*alloc
 * functions running out of memory (default 1): dhat-diff and
 * dhat-summarize keep 1 for "a budget was exceeded". */
void dtool_set_trouble_status(int status);
int dtool_trouble_status(void);
void *dtool_xmalloc(size_t n);
void *dtool_xcalloc(size_t n, size_t size);
void *dtool_xreallocarray(void *p, size_t n, size_t size);
char *dtool_xstrdup(const char *s);

#endif
