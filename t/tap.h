/* SPDX-License-Identifier: MIT */
/*
 * tap.h - Test Anything Protocol output for the C tests under t/.
 *
 * The c-tap-harness vocabulary: plan(), ok(), is_int(), is_string(), diag().
 * Output goes to an unbuffered stdout so that printing a result never
 * allocates: heap tests call these while a profiler is counting.
 */
#ifndef DHAT_TAP_H
#define DHAT_TAP_H

#include <stdint.h>

void plan(int n);
void plan_lazy(void);
void skip_all(const char *reason, ...) __attribute__((format(printf, 1, 2), noreturn));
int ok(int pass, const char *desc, ...) __attribute__((format(printf, 2, 3)));
int is_int(intmax_t got, intmax_t want, const char *desc, ...)
    __attribute__((format(printf, 3, 4)));
int is_uint(uintmax_t got, uintmax_t want, const char *desc, ...)
    __attribute__((format(printf, 3, 4)));
int is_string(const char *got, const char *want, const char *desc, ...)
    __attribute__((format(printf, 3, 4)));
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints the plan for plan_lazy() and returns the exit status: 0 when every
 * test passed and the count matched the plan. */
int done_testing(void);

#endif
