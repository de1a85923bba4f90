/* SPDX-License-Identifier: MIT */
/*
 * ci.h - budgets' verdicts in the forms CI systems show natively: TAP,
 * for test harnesses, JUnit XML, which test report pages read (a test
 * case per budget), and Markdown, for pull-request comments and job
 * summaries.  dhat-diff and
 * dhat-summarize each say what a budget measured; these write it.
 */
#ifndef DTOOL_CI_H
#define DTOOL_CI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* How many lines name the sites to blame for a budget exceeded. */
#define DTOOL_BLAME_LINES	3

/* One budget's verdict.  The strings are the tools' own text, written
 * by the rules of format.h in each form. */
struct dtool_verdict {
	const char *budget;	/* as given on the command line */
	bool exceeded;
	char figures[512];	/* what was measured against the limit */
	char blame[DTOOL_BLAME_LINES][1400];	/* the sites to blame */
	size_t nblame;
};

/* A TAP stream for test harnesses (prove, Automake's tap-driver): a plan,
 * then "ok N - BUDGET: FIGURES" or "not ok ...", and under a "not ok" the
 * sites to blame as diagnostics; "1..0 # SKIP no --fail-if budgets" when
 * N is 0. */
void dtool_tap(FILE *f, const struct dtool_verdict *v, size_t n);

/* A JUnit XML document: one test suite called SUITE with a test case per
 * verdict of V[0..N), failed when exceeded, its figures as the failure
 * message and the sites to blame in the failure's text. */
void dtool_junit(FILE *f, const char *suite, const struct dtool_verdict *v,
    size_t n);

/* A Markdown section of the verdicts: a table of every budget, then the
 * sites to blame for each one exceeded.  Nothing when N is 0. */
void dtool_markdown_verdicts(FILE *f, const struct dtool_verdict *v,
    size_t n);

/* S inside a Markdown code span of a table cell, as `S`. */
void dtool_markdown_code(FILE *f, const char *s);

#endif
