/* SPDX-License-Identifier: MIT */
/*
 * hostile-stderr.c - the program closes its standard error before the
 * profile is written (argv[2] "close"), or closes it and opens a file of
 * its own that gets descriptor 2 (argv[2] "reuse", the file argv[3]).
 * libdhat must still write the profile, and must not write its summary
 * lines into the program's file.  argv[1]: the profile.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhat.h"

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	const char *how = argc > 2 ? argv[2] : "close";
	int fd = -1;

	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-stderr.json"));
	if (p == NULL)
		return 2;
	free(malloc(123));
	close(STDERR_FILENO);
	if (strcmp(how, "reuse") == 0 && argc > 3) {
		fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0666);
		if (fd != STDERR_FILENO)
			return 3;
		if (write(fd, "program data\n", 13) != 13)
			return 4;
	}
	dhat_profiler_drop(p);
	if (fd >= 0 && write(fd, "more data\n", 10) != 10)
		return 4;
	return 0;
}
