/* SPDX-License-Identifier: MIT */
/*
 * status.c - how dhat-run learns that a profile could not be written
 * (--error-exitcode).
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launch.h"
#include "status.h"

/*
 * The status file of --error-exitcode: an empty file of our own, under
 * TMPDIR, to which libdhat appends a line for each profile it could not
 * write (lib/writer.c).  A file rather than a descriptor: PROGRAM sees no
 * descriptor it did not open, and a process that outlives dhat-run
 * finds the file gone and writes nothing.  Dies when none can be made.
 */
char *
run_status_file_make(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (dir == NULL || dir[0] != '/')
		dir = "/tmp";
	if (asprintf(&path, "%s/dhat-run-status.XXXXXX", dir) < 0)
		run_die("status file", ENOMEM);
	fd = mkstemp(path);
	if (fd < 0)
		run_die(path, errno);
	close(fd);
	return path;
}

/* Some profile could not be written: the status file is not empty. */
bool
run_status_file_failed(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}
