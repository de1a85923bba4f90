/* SPDX-License-Identifier: MIT */
/*
 * run-output.c - a program for the tests of where dhat-run writes its
 * profiles.  It exits with status 3 however it is run, so that a test
 * can tell its status from one that dhat-run or a signal made up.
 *
 *   run-output deep N       N blocks of 16 bytes, each at a stack of its
 *                           own (a recursion N deep): with --frames=all
 *                           the profile grows as N * N, and N = 500
 *                           makes it far bigger than a pipe's buffer
 *   run-output catch N      deep N, with a SIGPIPE handler that says
 *                           "run-output: SIGPIPE" on stderr
 *   run-output copy SRC DST copy the file SRC to DST, then 1 block of
 *                           100 bytes
 *
 * All blocks stay live to the end.  No stdio: its buffers would be
 * allocations of their own.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEEP_MAX 1000

static void *keep[DEEP_MAX + 1];

static void
deep(int k, int n)
{
	keep[k] = malloc(16);
	if (k + 1 < n)
		deep(k + 1, n);
}

static void
on_sigpipe(int sig)
{
	static const char msg[] = "run-output: SIGPIPE\n";

	(void)sig;
	(void)!write(2, msg, sizeof msg - 1);
}

static int
copy(const char *from, const char *to)
{
	char buf[4096];
	int in = open(from, O_RDONLY), out;
	ssize_t r;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (out < 0)
		return -1;
	while ((r = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)r) != r)
			return -1;
	close(in);
	return close(out);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && (strcmp(argv[1], "deep") == 0 ||
	    strcmp(argv[1], "catch") == 0)) {
		int n = atoi(argv[2]);

		if (strcmp(argv[1], "catch") == 0)
			signal(SIGPIPE, on_sigpipe);

		deep(0, n < 1 ? 1 : n > DEEP_MAX ? DEEP_MAX : n);
		return 3;
	}
	if (argc == 4 && strcmp(argv[1], "copy") == 0) {
		if (copy(argv[2], argv[3]) != 0)
			return 99;
		keep[0] = malloc(100);
		return 3;
	}
	return 98;
}
