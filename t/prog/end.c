/* SPDX-License-Identifier: MIT */
/*
 * end.c - every way a process ends, for the profile each must leave.
 *
 * Built twice: end-run for dhat-run, and end-linked (-DLINKED), linked
 * with libdhat, which starts a heap profiler at the top of main and never
 * drops it (except in "drop").  Both first make the same blocks: 100, 200
 * and 10 x 30 bytes kept, 50 bytes freed (650 bytes in 4 blocks, 600 in 3
 * at the end), then end as MODE says:
 *
 *   return N | exit N | _exit N | _Exit N | quick_exit N | drop
 *   kill SIG        kill(getpid(), SIG), then wait for it
 *   raise SIG       raise(SIG)
 *   segv | bus | fpe | ill | trap | abort | assert | double-free | pipe
 *   thread-double-free  a thread has run (glibc then locks its heap), and
 *                   a block of 2,000 bytes is freed twice: glibc aborts
 *                   while it holds its lock
 *   handler SIG     a handler of the program's runs first, prints
 *                   "handled", restores SIG_DFL and raises SIG again
 *   handler-exit SIG   a handler that calls _exit(7)
 *   ignore SIG      SIG ignored: the program goes on and returns 0
 *   query SIG       prints "dfl" when sigaction reports SIG_DFL for SIG
 *   thread SIG      a thread makes 1,000 blocks of 8 bytes and frees
 *                   them, then the main thread gets SIG
 *   busy SIG        a thread allocates and frees in a loop and gets SIG
 *                   (mostly inside malloc or free): counts are not fixed
 *   fork-kill SIG   a forked child makes one block of 1,000 bytes and
 *                   dies of SIG; the parent returns its status
 *   fork-_exit N    a forked child makes one block of 1,000 bytes and
 *                   calls _exit(N); the parent returns its status
 *   vfork N         a child of vfork() calls _exit(N) at once; the
 *                   parent returns its status
 *   twice SIG       512 program points more (stacks(), so that writing
 *                   the profile takes a while), then a thread sends SIG
 *                   to the process twice, 2 ms apart
 *   timer SIG       a POSIX timer of the program's raises SIGALRM every
 *                   200 us (its handler counts them), then SIG is raised
 *   reset SIG       a handler installed with SA_RESETHAND prints
 *                   "handled" and raises SIG again
 *   sysv SIG        the same through sysv_signal()
 *   siginterrupt    siginterrupt(SIGALRM, 1) and signal(SIGALRM, h): a
 *                   read interrupted by alarm(1) fails with EINTR, and
 *                   "EINTR" is printed; returns 0
 *   busy-exit MS    a thread runs stacks() in a loop; the main thread
 *                   calls exit(0) after MS milliseconds
 *   exhaust MIB     limits its address space (RLIMIT_AS) to what it uses
 *                   plus MIB MiB, allocates blocks of 1 MiB, 64 KiB,
 *                   1 KiB and 64 bytes in exhaust() until malloc fails
 *                   for each size, prints "exhaust: BYTES BLOCKS" and
 *                   returns 0
 *
 * handler SIG installs the handler before the profiler starts in
 * end-linked, after it (main runs after libdhat's start) in end-run.
 */
#define _GNU_SOURCE 1   /* sysv_signal */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef LINKED
#include "dhat.h"
#endif

static void *volatile keep[4];

static void
blocks(void)
{
	void *volatile p;

	keep[0] = malloc(100);
	keep[1] = malloc(200);
	keep[2] = calloc(10, 30);
	p = malloc(50);
	free(p);
}

static void
handled(int sig)
{
	static const char msg[] = "handled\n";

	(void)write(1, msg, sizeof(msg) - 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A stack of 9 calls through one of two call sites each, as I's bits
 * say, ending in an allocation: 512 distinct stacks for I < 512. */
static void *volatile deep;

__attribute__((noinline)) static void
level(unsigned i, int n)
{
	if (n == 0) {
		deep = malloc(8);
		free(deep);
	} else if (i & 1) {
		level(i >> 1, n - 1);
		__asm__ __volatile__("" ::: "memory");
	} else {
		level(i >> 1, n - 1);
		__asm__ __volatile__("" ::: "memory");
	}
}

static void
stacks(void)
{
	for (unsigned i = 0; i < 512; i++)
		level(i, 9);
}

static void *
twice(void *arg)
{
	const struct timespec gap = { 0, 2000000 };
	int sig = (int)(intptr_t)arg;

	kill(getpid(), sig);
	nanosleep(&gap, NULL);
	kill(getpid(), sig);
	for (;;)
		pause();
	return NULL;
}

static void *
busy_stacks(void *arg)
{
	(void)arg;
	for (;;)
		stacks();
	return NULL;
}

static volatile sig_atomic_t ticks;

static void
tick(int sig)
{
	(void)sig;
	ticks++;
}

static void
timer_then(int sig)
{
	struct itimerspec its = { { 0, 200000 }, { 0, 200000 } };
	struct sigevent ev;
	timer_t t;

	signal(SIGALRM, tick);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	if (timer_create(CLOCK_MONOTONIC, &ev, &t) != 0 ||
	    timer_settime(t, 0, &its, NULL) != 0)
		exit(97);
	while (ticks < 5)
		pause();
	raise(sig);
}

static void
interrupted(void)
{
	char c;
	int fd[2];

	if (pipe(fd) != 0)
		exit(97);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	siginterrupt(SIGALRM, 1);   /* obsolete, still in use */
#pragma GCC diagnostic pop
	signal(SIGALRM, tick);
	alarm(1);
	if (read(fd[0], &c, 1) < 0 && errno == EINTR)
		puts("EINTR");
}

/* Its disposition is SIG_DFL again as it runs. */
static void
handled_reset(int sig)
{
	static const char msg[] = "handled\n";

	(void)write(1, msg, sizeof(msg) - 1);
	raise(sig);
}

static void
handled_exit(int sig)
{
	(void)sig;
	_exit(7);
}

static void *
thread_blocks(void *arg)
{
	void *v[1000];

	(void)arg;
	for (int i = 0; i < 1000; i++)
		v[i] = malloc(8);
	for (int i = 0; i < 1000; i++)
		free(v[i]);
	return NULL;
}

static void *
nothing(void *arg)
{
	return arg;
}

static void *
busy(void *arg)
{
	(void)arg;
	for (;;) {
		void *volatile p = malloc(24);
		free(p);
	}
	return NULL;
}

static void
sigbus(void)
{
	char path[] = "/tmp/dhat-end-XXXXXX";
	int fd = mkstemp(path);
	volatile char *m;

	if (fd < 0 || ftruncate(fd, 4096) != 0)
		exit(97);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	unlink(path);
	if (m == MAP_FAILED || ftruncate(fd, 0) != 0)
		exit(97);
	(void)m[0];
}

static void
broken_pipe(void)
{
	int fd[2];

	if (pipe(fd) != 0)
		exit(97);
	close(fd[0]);
	(void)write(fd[1], "x", 1);
}

static int
forked(int sig)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		keep[3] = malloc(1000);
		kill(getpid(), sig);
		pause();
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 97;
	return WIFSIGNALED(status) && WTERMSIG(status) == sig ? 0 : 96;
}

/* The address space in use now (VmSize), in bytes. */
static size_t
vm_size(void)
{
	char line[256];
	size_t kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %zu kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb * 1024;
}

static int
exhaust(size_t mib)
{
	static const size_t sizes[] = { 1 << 20, 64 << 10, 1 << 10, 64 };
	struct rlimit r;
	size_t bytes = 0, blocks = 0;
	void **list = NULL, *p;

	r.rlim_cur = r.rlim_max = vm_size() + (mib << 20);
	if (setrlimit(RLIMIT_AS, &r) != 0)
		return 97;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		while ((p = malloc(sizes[i])) != NULL) {
			/* A chain, so that nothing else allocates. */
			*(void **)p = list;
			list = p;
			bytes += sizes[i];
			blocks++;
		}
	printf("exhaust: %zu %zu\n", bytes, blocks);
	return 0;
}

/* The exit status of a child that _exit(N)s, made by vfork() (VF) or
 * after one block of 1,000 bytes by fork(). */
static int
child_exits(int n, int vf)
{
	int status;
	pid_t pid = vf ? vfork() : fork();

	if (pid == 0) {
		if (!vf)
			keep[3] = malloc(1000);
		_exit(n);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 97;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 96;
}

static int
signals(const char *mode, int n)
{
	pthread_t t;
	struct sigaction old;

	if (strcmp(mode, "kill") == 0) {
		kill(getpid(), n);
		for (;;)
			pause();
	}
	if (strcmp(mode, "raise") == 0)
		raise(n);
	if (strcmp(mode, "handler") == 0) {
#ifndef LINKED
		signal(n, handled);
#endif
		raise(n);
	}
	if (strcmp(mode, "handler-exit") == 0) {
		signal(n, handled_exit);
		raise(n);
	}
	if (strcmp(mode, "ignore") == 0) {
		signal(n, SIG_IGN);
		raise(n);
		return 0;
	}
	if (strcmp(mode, "query") == 0) {
		if (sigaction(n, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
		    (old.sa_flags & SA_SIGINFO) == 0)
			puts("dfl");
		return 0;
	}
	if (strcmp(mode, "thread") == 0) {
		pthread_create(&t, NULL, thread_blocks, NULL);
		pthread_join(t, NULL);
		raise(n);
	}
	if (strcmp(mode, "busy") == 0) {
		pthread_create(&t, NULL, busy, NULL);
		usleep(100000);
		pthread_kill(t, n);
		for (;;)
			pause();
	}
	if (strcmp(mode, "fork-kill") == 0)
		return forked(n);
	if (strcmp(mode, "twice") == 0) {
		stacks();
		pthread_create(&t, NULL, twice, (void *)(intptr_t)n);
		for (;;)
			pause();
	}
	if (strcmp(mode, "timer") == 0)
		timer_then(n);
	if (strcmp(mode, "reset") == 0 || strcmp(mode, "sysv") == 0) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = handled_reset;
		sa.sa_flags = SA_RESETHAND;
		if (mode[0] == 'r')
			sigaction(n, &sa, NULL);
		else
			sysv_signal(n, handled_reset);
		raise(n);
	}
	if (strcmp(mode, "siginterrupt") == 0) {
		interrupted();
		return 0;
	}
	if (strcmp(mode, "busy-exit") == 0) {
		const struct timespec ms = { 0, 1000000 };

		pthread_create(&t, NULL, busy_stacks, NULL);
		for (int i = 0; i < n; i++)
			nanosleep(&ms, NULL);
		exit(0);
	}
	return 98;
}

static int
faults(const char *mode)
{
	volatile int zero = 0, one = 1;
	int *volatile nowhere = (int *)16;
	char *volatile p;

	if (strcmp(mode, "segv") == 0)
		*nowhere = 1;
	else if (strcmp(mode, "bus") == 0)
		sigbus();
	else if (strcmp(mode, "fpe") == 0)
		return one / zero;   /* 1 / x would be compiled without
				      * a division */
	else if (strcmp(mode, "ill") == 0)
		__builtin_trap();
	else if (strcmp(mode, "trap") == 0)
#if defined(__x86_64__) || defined(__i386__)
		__asm__ __volatile__("int3");
#else
		raise(SIGTRAP);
#endif
	else if (strcmp(mode, "abort") == 0)
		abort();
	else if (strcmp(mode, "assert") == 0)
		assert(zero == 1);
	else if (strcmp(mode, "double-free") == 0) {
		p = malloc(10);
		free(p);
		free(p);
	} else if (strcmp(mode, "thread-double-free") == 0) {
		pthread_t t;

		pthread_create(&t, NULL, nothing, NULL);
		pthread_join(t, NULL);
		p = malloc(2000);
		free(p);
		free(p);
	} else if (strcmp(mode, "pipe") == 0)
		broken_pipe();
	else
		return -1;
	return 95;
}

int
main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "return";
	int n = argc > 2 ? atoi(argv[2]) : 0, r;
#ifdef LINKED
	struct dhat_profiler *prof;

	if (strcmp(mode, "handler") == 0)
		signal(n, handled);
	prof = dhat_profiler_new_heap();
	if (prof == NULL)
		return 99;
#endif
	blocks();
	if (strcmp(mode, "return") == 0)
		return n;
	if (strcmp(mode, "exit") == 0)
		exit(n);
	if (strcmp(mode, "_exit") == 0)
		_exit(n);
	if (strcmp(mode, "_Exit") == 0)
		_Exit(n);
	if (strcmp(mode, "quick_exit") == 0)
		quick_exit(n);
	if (strcmp(mode, "exhaust") == 0)
		return exhaust((size_t)n);
	if (strcmp(mode, "fork-_exit") == 0 || strcmp(mode, "vfork") == 0)
		return child_exits(n, mode[0] == 'v');
	if (strcmp(mode, "drop") == 0) {
#ifdef LINKED
		dhat_profiler_drop(prof);
#endif
		return 0;
	}
	if ((r = faults(mode)) >= 0)
		return r;
	return signals(mode, n);
}
