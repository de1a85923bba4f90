/* SPDX-License-Identifier: MIT */
/*
 * file_name.h - choosing the file a profile is written to.
 */
#ifndef DHAT_FILE_NAME_H
#define DHAT_FILE_NAME_H

#include <stddef.h>
#include <sys/types.h>

#include "profiler.h"

/* NAME with "%p" replaced by PROCESS, "%n" by the program's name and
 * "%%" by "%" (malloc'ed); NULL when out of memory. */
char *dhat__file_expand(const char *name, pid_t process);

/* The program's base name, "%n", into BUF (SIZE bytes): its executable
 * file's, which the program cannot change as it can its argv[0]. */
void dhat__program_name(char *buf, size_t size);

/*
 * The name this process writes its profile to: FILE, unless a process of
 * the same run (CFG->run_start) has written a profile there, when the
 * first of FILE with ".2", ".3", ... inserted that none has; said on
 * stderr.  A profile of an earlier run is overwritten.  Takes FILE;
 * NULL when out of memory.
 */
char *dhat__file_own(char *file, const struct dhat__config *cfg);

#endif
