/* SPDX-License-Identifier: MIT */
/*
 * status.h - the status file of --error-exitcode, to which libdhat
 * appends a line for each profile it could not write.
 */
#ifndef DHAT_RUN_STATUS_H
#define DHAT_RUN_STATUS_H

#include <stdbool.h>

/* A new empty status file under TMPDIR; its path (malloc'ed).  Exits
 * when none can be made. */
char *run_status_file_make(void);

/* Whether some profile could not be written: the file is not empty. */
bool run_status_file_failed(const char *path);

#endif
