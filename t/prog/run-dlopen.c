/* SPDX-License-Identifier: MIT */
/*
 * run-dlopen.c - snapshots while another thread loads and unloads a
 * shared library.  The loader allocates while it holds its own lock, so a
 * snapshot that needed the loader's lock while holding libdhat's would
 * deadlock with it.
 *
 *   run-dlopen LIBRARY COUNT
 *
 * A thread dlopens and dlcloses LIBRARY in a loop; the main thread sends
 * its own process SIGUSR2 COUNT times, 20 ms apart, allocating in
 * between so that each snapshot is taken.  A request that arrives while
 * the loader is changing its list of objects waits (snapshot.c), and on
 * a loaded machine every one may: the main thread allocates once more
 * after the loader thread has ended, so that at least one snapshot is
 * always written.  Exits 0 (the test's time-out catches a deadlock), 1
 * when LIBRARY cannot be loaded.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile int done;

static void *
loader(void *arg)
{
	while (!done) {
		void *h = dlopen(arg, RTLD_NOW | RTLD_LOCAL);
		if (h == NULL)
			exit(1);
		dlclose(h);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct timespec pause = { 0, 20 * 1000 * 1000 };
	pthread_t t;
	int n;

	if (argc != 3)
		return 2;
	n = atoi(argv[2]);
	if (pthread_create(&t, NULL, loader, argv[1]) != 0)
		return 2;
	for (int i = 0; i < n; i++) {
		kill(getpid(), SIGUSR2);
		for (int j = 0; j < 10; j++) {
			void *volatile p = malloc(32);
			free(p);
		}
		nanosleep(&pause, NULL);
	}
	done = 1;
	pthread_join(t, NULL);
	{
		void *volatile p = malloc(32);
		free(p);
	}
	return 0;
}
