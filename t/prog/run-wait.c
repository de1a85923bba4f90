/* SPDX-License-Identifier: MIT */
/*
 * run-wait.c - a long-running program for snapshots.
 *
 *   run-wait STOPFILE
 *
 * Makes 5 blocks of 1,000 bytes in hold(), prints "ready PID" on stdout,
 * then allocates and frees 16 bytes in tick() every 10 ms until STOPFILE
 * exists (or 20 s have passed: the test never hangs), frees the 5 blocks
 * and exits 0 (3 on the time-out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void *held[5];

static void
hold(void)
{
	for (int i = 0; i < 5; i++)
		held[i] = malloc(1000);
}

static void
tick(void)
{
	void *volatile p = malloc(16);

	free(p);
}

int
main(int argc, char **argv)
{
	const struct timespec pause = { 0, 10 * 1000 * 1000 };
	char line[64];
	int n;

	if (argc != 2)
		return 2;
	hold();
	n = snprintf(line, sizeof(line), "ready %ld\n", (long)getpid());
	if (write(1, line, (size_t)n) != n)
		return 1;
	for (int i = 0; i < 2000; i++) {
		if (access(argv[1], F_OK) == 0) {
			for (int j = 0; j < 5; j++)
				free(held[j]);
			return 0;
		}
		tick();
		nanosleep(&pause, NULL);
	}
	return 3;
}
