/* SPDX-License-Identifier: MIT */
/*
 * run-unseen.c - snapshots that the program never sees.
 *
 *   run-unseen
 *
 * Registers fork handlers that take a mutex, and takes that mutex around
 * an allocation that serves a snapshot request (a snapshot made with
 * fork() would deadlock there); counts SIGCHLD; then asks for a second
 * snapshot while a thread that allocates is being cancelled, and a third
 * one after.  Prints what it saw:
 *
 *   atfork handlers run: 0
 *   SIGCHLD received: 0
 *   waitpid(-1): ECHILD
 *   cancelled: yes
 *
 * and keeps one block of 4,000 bytes (made by keep()) live at the end.
 * Exit 0.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t chld, forks;
static void *volatile kept;

static void
prepare(void)
{
	forks++;
	pthread_mutex_lock(&m);
}

static void
release(void)
{
	pthread_mutex_unlock(&m);
}

static void
on_chld(int sig)
{
	(void)sig;
	chld++;
}

static void
keep(void)
{
	kept = malloc(4000);
}

static void *
churn(void *arg)
{
	(void)arg;
	for (;;) {
		void *volatile p = malloc(32);
		free(p);
		pthread_testcancel();
	}
	return NULL;
}

int
main(void)
{
	pthread_t t;
	void *r;
	int w;

	signal(SIGCHLD, on_chld);
	pthread_atfork(prepare, release, release);
	raise(SIGUSR2);
	pthread_mutex_lock(&m);
	keep();            /* takes snapshot 1 while holding m */
	pthread_mutex_unlock(&m);

	pthread_create(&t, NULL, churn, NULL);
	raise(SIGUSR2);    /* snapshot 2, maybe on the cancelled thread */
	pthread_cancel(t);
	pthread_join(t, &r);
	raise(SIGUSR2);
	free(malloc(1));   /* snapshot 3 */

	w = waitpid(-1, NULL, WNOHANG);
	printf("atfork handlers run: %d\n", (int)forks);
	printf("SIGCHLD received: %d\n", (int)chld);
	printf("waitpid(-1): %s\n", w < 0 && errno == ECHILD ? "ECHILD" :
	    "a child");
	printf("cancelled: %s\n", r == PTHREAD_CANCELED ? "yes" : "no");
	return 0;
}
