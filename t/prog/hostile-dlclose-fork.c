/* SPDX-License-Identifier: MIT */
/*
 * hostile-dlclose-fork.c - fork while another thread is inside libdhat's
 * record of unloaded modules (lib/unload.c), holding the lock that guards
 * it; then the child unloads a module, which takes that lock.  A lock
 * that fork left taken in the child would hold the child forever (an
 * alarm ends it).  argv[1]: the profile; argv[2]: a module to load and
 * unload (libhostile-dl.so).
 *
 * The thread is held inside the lock by this program's strcmp(), which
 * interposes on libc's for libdhat too: libdhat compares the module's
 * name with those it has recorded there.  The hold lasts until the fork
 * has begun (a fork handler of this program, which runs before
 * libdhat's, says so) and 200 ms more: libdhat's own fork handler must
 * wait for the lock, else the child gets it taken.
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dhat.h"

static const char *module;
static const char *loader_name;    /* the loader's copy of the name */
static int armed, inside, forking;

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static int
compare(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && *p == *q) {
		p++;
		q++;
	}
	return *p - *q;
}

int
strcmp(const char *a, const char *b)
{
	int i;

	/* libdhat's recorded copy of the name, not the loader's. */
	if (__atomic_load_n(&armed, __ATOMIC_ACQUIRE) && a != loader_name &&
	    compare(a, module) == 0 &&
	    __atomic_exchange_n(&armed, 0, __ATOMIC_ACQ_REL)) {
		__atomic_store_n(&inside, 1, __ATOMIC_RELEASE);
		for (i = 0; i < 10000 &&
		    !__atomic_load_n(&forking, __ATOMIC_ACQUIRE); i++)
			nap(1);
		nap(200);
	}
	return compare(a, b);
}

static void
note_fork(void)
{
	__atomic_store_n(&forking, 1, __ATOMIC_RELEASE);
}

/* Load and unload until libdhat's comparison is caught (the module must
 * come back at an address it had before). */
static void *
unloader(void *arg)
{
	struct link_map *lm;
	void *h;
	int i;

	(void)arg;
	for (i = 0; i < 20 && !__atomic_load_n(&inside, __ATOMIC_ACQUIRE);
	    i++) {
		h = dlopen(module, RTLD_NOW | RTLD_LOCAL);
		if (h == NULL || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0)
			break;
		loader_name = lm->l_name;
		__atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
		dlclose(h);
		__atomic_store_n(&armed, 0, __ATOMIC_RELEASE);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	pthread_t t;
	void *h;
	pid_t pid;
	int status, i;

	if (argc < 3)
		return 2;
	module = argv[2];
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argv[1]));
	if (p == NULL)
		return 2;
	/* The module recorded once, so that the next unload compares. */
	if ((h = dlopen(module, RTLD_NOW | RTLD_LOCAL)) == NULL ||
	    dlclose(h) != 0) {
		fprintf(stderr, "hostile-dlclose-fork: %s\n", dlerror());
		return 2;
	}
	/* After libdhat's handlers (made with the profiler): runs first. */
	if (pthread_atfork(note_fork, NULL, NULL) != 0 ||
	    pthread_create(&t, NULL, unloader, NULL) != 0)
		return 2;
	for (i = 0; i < 10000 && !__atomic_load_n(&inside, __ATOMIC_ACQUIRE);
	    i++)
		nap(1);
	if (!__atomic_load_n(&inside, __ATOMIC_ACQUIRE)) {
		pthread_join(t, NULL);
		printf("libdhat's comparison never seen\n");
		return 3;
	}
	pid = fork();
	if (pid == 0) {
		alarm(5);
		h = dlopen(module, RTLD_NOW | RTLD_LOCAL);
		_exit(h != NULL && dlclose(h) == 0 ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 2;
	pthread_join(t, NULL);
	if (WIFEXITED(status))
		printf("child: exit %d\n", WEXITSTATUS(status));
	else
		printf("child: signal %d\n", WIFSIGNALED(status) ?
		    WTERMSIG(status) : 0);
	dhat_profiler_drop(p);
	return 0;
}
