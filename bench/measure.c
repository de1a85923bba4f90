/* SPDX-License-Identifier: MIT */
/*
 * measure.c - run a command once and print its wall time, CPU time and
 * peak RSS, for bench/run.sh.
 *
 * Usage: measure COMMAND [ARGS...]
 * Prints "SECONDS CPU_SECONDS MAXRSS_KB STATUS" on file descriptor 3 when
 * it is open, else on stderr; the command's own output goes where ours
 * goes.
 *
 * The wall time is CLOCK_MONOTONIC around fork and wait4.  The CPU time
 * (user + system) and the peak RSS are wait4's: the child and the
 * descendants it waited for (heaptrack's interpreter, valgrind's tool);
 * CPU time counts every core, and on a shared machine it moves less than
 * wall time with the other jobs' load.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	double t0, t1;
	FILE *out;
	pid_t pid;
	int st;

	if (argc < 2) {
		fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
		return 2;
	}
	out = fdopen(3, "w");
	if (out == NULL)
		out = stderr;
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	if (pid == 0) {
		if (out != stderr)
			fclose(out);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "measure: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("measure: wait4");
			return 2;
		}
	t1 = now();
	fprintf(out, "%.6f %.6f %ld %d\n", t1 - t0,
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	    ru.ru_maxrss,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}
