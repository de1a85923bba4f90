/* SPDX-License-Identifier: MIT */
/*
 * run-exit.c - ways to end a process, for dhat-run's exit status and for
 * which of them write a profile.
 *
 *   run-exit return N    return N from main (after 1 block of 64 bytes)
 *   run-exit exit N      exit(N)
 *   run-exit _exit N     _exit(N): no profile is written
 *   run-exit signal SIG  raise(SIG) with the default action
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *live;

int
main(int argc, char **argv)
{
	int n;

	if (argc != 3)
		return 99;
	live = malloc(64);
	n = atoi(argv[2]);
	if (strcmp(argv[1], "return") == 0)
		return n;
	if (strcmp(argv[1], "exit") == 0)
		exit(n);
	if (strcmp(argv[1], "_exit") == 0)
		_exit(n);
	if (strcmp(argv[1], "signal") == 0) {
		signal(n, SIG_DFL);
		raise(n);
	}
	return 98;
}
