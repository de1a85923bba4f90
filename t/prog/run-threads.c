/* SPDX-License-Identifier: MIT */
/*
 * run-threads.c - four threads allocating at once.  Each worker makes
 * 20,000 blocks of (64 + its index) bytes and frees them all except the
 * last 10; a barrier makes the threads overlap.  Totals of the workers'
 * program points: 80,000 blocks, 20,000 * (64 + 65 + 66 + 67) = 5,240,000
 * bytes; at t-end 10 * 262 = 2,620 bytes in 40 blocks.
 *
 * "run-threads fork" also forks 5 children while the workers run; each
 * child makes 3 blocks of 1,000 bytes in fork_child() and exits: fork in
 * a threaded program must not deadlock, and each child's profile holds its
 * own 3 blocks only.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 4
#define NBLOCKS 20000
#define NKEEP 10

static pthread_barrier_t start;
static void *kept[NTHREADS][NKEEP];

static void *
worker(void *arg)
{
	size_t id = (size_t)(uintptr_t)arg;
	void *prev = NULL;

	pthread_barrier_wait(&start);
	for (int i = 0; i < NBLOCKS; i++) {
		void *p = malloc(64 + id);
		if (i >= NBLOCKS - NKEEP)
			kept[id][i - (NBLOCKS - NKEEP)] = p;
		else if (i % 2 == 0)
			prev = p;
		else {
			/* Free in a different order from allocation. */
			free(p);
			free(prev);
		}
	}
	return NULL;
}

static void *volatile mine[3];

static void
fork_child(void)
{
	for (int i = 0; i < 3; i++)
		mine[i] = malloc(1000);
	exit(0);
}

int
main(int argc, char **argv)
{
	pthread_t t[NTHREADS];
	int forking = argc > 1 && strcmp(argv[1], "fork") == 0;
	int bad = 0;

	pthread_barrier_init(&start, NULL, NTHREADS);
	for (size_t i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i))
			return 1;
	for (int i = 0; forking && i < 5; i++) {
		int status;
		pid_t pid = fork();
		if (pid == 0)
			fork_child();
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
	}
	for (size_t i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	return bad;
}
