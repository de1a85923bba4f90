/* SPDX-License-Identifier: MIT */
/*
 * copy.h - between libdhat and libdhat-copy, the small library that
 * interposes the copying functions (memcpy, strcpy, ...) for copy
 * profiling.  It is a library of its own so that the program's copies
 * cost nothing more when it is not loaded: most profiles never count
 * them.
 */
#ifndef DHAT_COPY_H
#define DHAT_COPY_H

#include <stddef.h>

/* libdhat-copy's entry points report each copy of N bytes here (exported
 * from libdhat for libdhat-copy alone); nothing is counted unless a copy
 * profiler runs. */
void dhat__copy_count(size_t n);

/* libdhat-copy's mark, which libdhat looks up to find the library's code
 * (exported from libdhat-copy). */
void dhat__copy_library(void);

/* When a copy profiler starts: libdhat-copy's frames made the stacks'
 * first frames, or a warning on stderr when the library is not loaded. */
void dhat__copy_attach(void);

#endif
