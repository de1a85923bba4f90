/* SPDX-License-Identifier: MIT */
/*
 * eprint.c - libdhat's messages: written to the standard error that the
 * program had when the profiler started, whole lines at a time, never to
 * a file that later took its descriptor.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eprint.h"
#include "writer.h"

int
dhat__write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EAGAIN) {
			/* Non-blocking (a FIFO or a terminal, opened so by
			 * writer.c): wait for room, but not for ever. */
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int r = poll(&p, 1, DHAT__OUTPUT_WAIT_S * 1000);

			if (r == 0)
				errno = ETIMEDOUT;
			if (r == 0 || (r < 0 && errno != EINTR))
				return -1;
			continue;
		}
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Descriptor 2 as it was when the profiler started. */
static struct {
	bool set, open;
	dev_t dev;
	ino_t ino;
} err_id;

void
dhat__stderr_remember(void)
{
	struct stat st;

	err_id.open = fstat(STDERR_FILENO, &st) == 0;
	err_id.dev = err_id.open ? st.st_dev : 0;
	err_id.ino = err_id.open ? st.st_ino : 0;
	err_id.set = true;
}

/*
 * A program may close its standard error, and descriptor 2 may then be
 * reused by a file of its own: libdhat writes only to the file that was
 * the standard error when the profiler started, and drops its messages
 * otherwise (a closed descriptor fails quietly).  Comparing device and
 * inode costs an fstat per message and no descriptor of our own, which a
 * program could notice.
 */
bool
dhat__stderr_ok(void)
{
	struct stat st;

	return !err_id.set || (err_id.open &&
	    fstat(STDERR_FILENO, &st) == 0 && st.st_dev == err_id.dev &&
	    st.st_ino == err_id.ino);
}

void
dhat__eprint(const char *s)
{
	if (dhat__stderr_ok())
		(void)dhat__write_all(STDERR_FILENO, s, strlen(s));
}

char *
dhat__commas(char *buf, uint64_t v)
{
	char tmp[32];
	size_t n = 0, i, o = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = n; i > 0; i--) {
		buf[o++] = tmp[i - 1];
		if (i > 1 && (i - 1) % 3 == 0)
			buf[o++] = ',';
	}
	buf[o] = '\0';
	return buf;
}
