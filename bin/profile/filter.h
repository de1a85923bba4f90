/* SPDX-License-Identifier: MIT */
/*
 * filter.h - the part of a profile a reader asks for, as pprof's focus,
 * ignore and hide: --focus=REGEX keeps the program points with a frame
 * that matches, --exclude=REGEX drops them, --hide=REGEX drops matching
 * frames from every stack (a wrapper such as xmalloc) and merges the
 * stacks that become one; --suppressions=FILE names accepted leaks,
 * whose blocks do not count as live at t-end.  Every tool takes the same
 * options, gathered in DTOOL_FILTER_OPTIONS for its option table; the
 * filters are one per process, as the options are.
 *
 * A regular expression is POSIX extended, matched anywhere in a frame
 * without its address ("work (prog.c:8)").
 */
#ifndef DTOOL_FILTER_H
#define DTOOL_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

/* Option callbacks (common/opts.h): CTX is not used. */
void dtool_filter_take_focus(void *ctx, const char *arg);
void dtool_filter_take_exclude(void *ctx, const char *arg);
void dtool_filter_take_hide(void *ctx, const char *arg);
void dtool_filter_take_suppressions(void *ctx, const char *arg);

#define DTOOL_FILTER_OPTIONS \
	{ "focus", 0, "REGEX", "keep only the program points with a frame " \
	  "that\nmatches REGEX (repeatable)", dtool_filter_take_focus }, \
	{ "exclude", 0, "REGEX", "drop the program points with a frame " \
	  "that\nmatches REGEX (repeatable)", dtool_filter_take_exclude }, \
	{ "hide", 0, "REGEX", "drop the frames that match REGEX from " \
	  "every\nstack (repeatable)", dtool_filter_take_hide }, \
	{ "suppressions", 0, "FILE", "accepted leaks: blocks of the " \
	  "stacks FILE\nnames are not live at t-end", \
	  dtool_filter_take_suppressions }

/*
 * The C and C++ libraries' own leftovers at exit (stdio buffers, locale,
 * time zone and NSS data, libstdc++'s emergency pool), which Valgrind
 * frees before it takes t-end: discounted at t-end when ON, so that a
 * profile's leaks are the program's.  dhat-summarize and dhat-diff turn
 * it on, and --libc-leftovers (DTOOL_LEFTOVERS_OPTION) off again.
 */
void dtool_filter_discount_leftovers(bool on);
void dtool_filter_take_libc_leftovers(void *ctx, const char *arg);

#define DTOOL_LEFTOVERS_OPTION \
	{ "libc-leftovers", 0, NULL, "count the C and C++ libraries' own " \
	  "buffers left\nat exit as live at t-end", \
	  dtool_filter_take_libc_leftovers }

/* Whether a filter was given. */
bool dtool_filter_active(void);
/* P filtered: P itself when no filter was given, else a new profile
 * and P freed.  NULL with ERR set when a sum would overflow. */
struct dtool_profile *dtool_filter_apply(struct dtool_profile *p,
    char *err, size_t errlen);
/* dtool_profile_read() and dtool_filter_apply(): a profile as the tools
 * read it. */
struct dtool_profile *dtool_filter_read(const char *path, char *err,
    size_t errlen);
/* Frees what the options made. */
void dtool_filter_free(void);

#endif
