/* SPDX-License-Identifier: MIT */
/*
 * access.c - heap blocks used in known ways, for the access profiling
 * tests (t/1014).  Built twice: instrumented for libdhat-access
 * (t/prog/access) and plain, for Valgrind's DHAT (t/prog/access-plain).
 * Each f_* makes one block and uses it as its comment says; the blocks
 * stay live to the end, except f_freed's, and only f_libc's are touched
 * by the C library's functions.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct rec {
	int used;
	int unused;
	long also_unused;
};

static volatile long sink;

/* 100 bytes written once each: wb 100, rb 0. */
static __attribute__((noinline)) char *
f_write_only(void)
{
	char *p = malloc(100);

	for (int i = 0; i < 100; i++)
		p[i] = (char)i;
	return p;
}

/* 64 zeroed bytes (calloc's zeroing is not the program's) read twice:
 * rb 128, wb 0. */
static __attribute__((noinline)) char *
f_read_only(void)
{
	char *p = calloc(1, 64);

	for (int r = 0; r < 2; r++)
		for (int i = 0; i < 64; i++)
			sink += p[i];
	return p;
}

/* 48 bytes never touched. */
static __attribute__((noinline)) void *
f_untouched(void)
{
	return malloc(48);
}

/* 10 records of 16 bytes, only their first field used: wb 40, rb 40. */
static __attribute__((noinline)) struct rec *
f_struct(void)
{
	struct rec *v = malloc(10 * sizeof *v);

	for (int i = 0; i < 10; i++)
		v[i].used = i;
	for (int i = 0; i < 10; i++)
		sink += v[i].used;
	return v;
}

/* 20 ints zeroed, then incremented three times: rb 240, wb 320, each
 * byte accessed 7 times. */
static __attribute__((noinline)) int *
f_increment(void)
{
	int *v = malloc(20 * sizeof *v);

	for (int i = 0; i < 20; i++)
		v[i] = 0;
	for (int r = 0; r < 3; r++)
		for (int i = 0; i < 20; i++)
			v[i] += 1;
	return v;
}

/* 4,096 bytes written as longs, beyond the per-byte counts' size limit:
 * wb 4096, no counts per byte. */
static __attribute__((noinline)) long *
f_big(void)
{
	long *v = malloc(4096);

	for (int i = 0; i < 512; i++)
		v[i] = i;
	return v;
}

/* 3 blocks of 32 bytes, each written once and freed: wb 96, each byte
 * 3 times over the site's blocks. */
static __attribute__((noinline)) void
f_freed(void)
{
	for (int k = 0; k < 3; k++) {
		long *v = malloc(32);

		for (int i = 0; i < 4; i++)
			v[i] = k;
		free(v);
	}
}

/* The C library's functions on two blocks of 64 bytes, P and Q, seen
 * through libdhat-access (as Valgrind sees them through its own):
 *   memset(P, 'a', 63)      P: write 63        P[63] = 0: write 1
 *   strlen(P)               P: read 64
 *   memcpy(Q, P, 64)        P: read 64         Q: write 64
 *   strcmp(P, Q)            P, Q: read 64 each
 *   memcmp(P, Q, 64)        P, Q: read 64 each
 *   strchr(P, 'b')          P: read 64 (not found)
 *   strcpy(Q, P)            P: read 64         Q: write 64
 *   strdup(P)               P: read 64 twice (measured, then copied),
 *                           the new block: write 64
 * so P: rb 512, wb 64; Q: rb 128, wb 128; the copy: rb 0, wb 64. */
static __attribute__((noinline)) char *
f_libc_p(void)
{
	return malloc(64);
}

static __attribute__((noinline)) char *
f_libc_q(void)
{
	return malloc(64);
}

static __attribute__((noinline)) void
f_libc(char **pp, char **qq, char **dd)
{
	char *p = f_libc_p(), *q = f_libc_q();

	memset(p, 'a', 63);
	p[63] = '\0';
	sink += (long)strlen(p);
	memcpy(q, p, 64);
	sink += strcmp(p, q);
	sink += memcmp(p, q, 64);
	sink += strchr(p, 'b') == NULL;
	strcpy(q, p);
	*pp = p;
	*qq = q;
	*dd = strdup(p);
}

/* With "fork": one thread allocates and frees while the main thread
 * forks 50 children, each of which allocates, writes and frees a block:
 * no child may hang on a lock the thread held at the fork. */
static volatile int stop;

static void *
churn(void *arg)
{
	(void)arg;
	while (!stop) {
		char *p = malloc(32);

		p[0] = 1;
		free(p);
	}
	return NULL;
}

static int
forks(void)
{
	pthread_t t;
	int status, bad = 0;

	if (pthread_create(&t, NULL, churn, NULL) != 0)
		return 1;
	for (int i = 0; i < 50; i++) {
		pid_t c = fork();

		if (c == 0) {
			char *p = malloc(16);

			p[0] = 2;
			free(p);
			_exit(0);
		}
		if (c < 0 || waitpid(c, &status, 0) != c ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad = 1;
	}
	stop = 1;
	pthread_join(t, NULL);
	return bad;
}

int
main(int argc, char **argv)
{
	void *keep[6];
	char *p, *q, *d;

	if (argc > 1 && strcmp(argv[1], "fork") == 0)
		return forks();

	keep[0] = f_write_only();
	keep[1] = f_read_only();
	keep[2] = f_untouched();
	keep[3] = f_struct();
	keep[4] = f_increment();
	keep[5] = f_big();
	f_freed();
	f_libc(&p, &q, &d);
	sink += p != NULL && q != NULL && d != NULL;
	sink += keep[0] != NULL && keep[5] != NULL;
	return 0;
}
