/* SPDX-License-Identifier: MIT */
/*
 * run-fork.c - a process tree for dhat-run: the parent forks a child that
 * allocates and exits, and a child that executes PROGRAM [ARGS...].
 *
 *   parent:      before the forks 2 x 1,000 bytes, after them 2 x 1,000
 *                more; frees one: 4,000 bytes in 4 blocks, 3,000 at t-end
 *   plain child: 7 x 111 bytes, frees 3: 777 bytes in 7 blocks, 444 at
 *                t-end (what it inherited from the parent is not its own)
 *   exec child:  PROGRAM's own figures
 *
 * "run-fork --spawn PROGRAM [ARGS...]" starts PROGRAM with posix_spawn,
 * which runs no fork handlers (glibc uses a vfork-like clone).
 *
 * Exits 0 when both children exited 0, 1 otherwise.
 */
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *keep[16];

static void *
parent_alloc(size_t n)
{
	return malloc(n);
}

static void *
child_alloc(size_t n)
{
	return malloc(n);
}

static int
plain_child(void)
{
	for (int i = 0; i < 7; i++)
		keep[i] = child_alloc(111);
	for (int i = 0; i < 3; i++)
		free(keep[i]);
	return 0;
}

static int
wait_ok(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
main(int argc, char **argv)
{
	extern char **environ;
	pid_t plain, execd;
	int good, spawn = 0;

	if (argc > 1 && strcmp(argv[1], "--spawn") == 0) {
		spawn = 1;
		argv++;
		argc--;
	}
	if (argc < 2)
		return 2;
	keep[8] = parent_alloc(1000);
	keep[9] = parent_alloc(1000);
	plain = fork();
	if (plain == 0)
		exit(plain_child());
	if (spawn) {
		if (posix_spawn(&execd, argv[1], NULL, NULL, argv + 1,
		    environ) != 0)
			execd = -1;
	} else {
		execd = fork();
		if (execd == 0) {
			execv(argv[1], argv + 1);
			_exit(127);
		}
	}
	keep[10] = parent_alloc(1000);
	keep[11] = parent_alloc(1000);
	free(keep[8]);
	good = wait_ok(plain) & wait_ok(execd);
	return good ? 0 : 1;
}
