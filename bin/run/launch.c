/* SPDX-License-Identifier: MIT */
/*
 * launch.c - fork, exec and wait, with PROGRAM's signals passed on to it
 * and its end passed on as dhat-run's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "launch.h"

#define NFORWARDED_MAX	5

/* The signals passed on to PROGRAM, and what they did before. */
static struct {
	volatile sig_atomic_t child;	/* PROGRAM's pid, once it exists */
	int sigs[NFORWARDED_MAX];
	size_t n;
	struct sigaction old[NFORWARDED_MAX];
	sigset_t saved_mask;		/* dhat-run's own mask */
} launch = { .sigs = { SIGINT, SIGTERM, SIGHUP, SIGQUIT }, .n = 4 };

_Noreturn void
run_die(const char *what, int err)
{
	errno = err;
	dtool_die(RUN_EXIT_TROUBLE, "%s", what);
}

void
run_forward(int sig)
{
	for (size_t i = 0; i < launch.n; i++)
		if (launch.sigs[i] == sig)
			return;
	if (launch.n < NFORWARDED_MAX)
		launch.sigs[launch.n++] = sig;
}

/*
 * Pass a signal on to PROGRAM, unless PROGRAM has it already: the kernel
 * sends signals from the terminal (SI_KERNEL) to the whole foreground
 * process group, PROGRAM included, and a second SIGINT would mean "hurry"
 * to many programs.  sudo(8) draws the same line.
 */
static void
forward(int sig, siginfo_t *info, void *uctx)
{
	int saved = errno;
	pid_t pid = launch.child;

	(void)uctx;
	if (pid > 0 && !(info != NULL && info->si_code == SI_KERNEL) &&
	    !(info != NULL && info->si_pid == pid))
		kill(pid, sig);
	errno = saved;
}

/*
 * Forward signals from the moment the child exists: block them across
 * fork so that neither process runs the forwarder too early (in the child
 * it would signal process 0, the whole group).  A signal that we were
 * started ignoring stays ignored, in the child too, as a shell's "cmd &"
 * expects.
 */
static void
forward_install(void)
{
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < launch.n; i++)
		sigaddset(&block, launch.sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &launch.saved_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < launch.n; i++) {
		sigaction(launch.sigs[i], NULL, &launch.old[i]);
		if (launch.old[i].sa_handler != SIG_IGN)
			sigaction(launch.sigs[i], &sa, NULL);
	}
}

/* In the child: the signals as dhat-run found them, then PROGRAM; on
 * failure, its errno down the pipe FD. */
static _Noreturn void
exec_child(char **argv, char **env, int fd)
{
	int err;

	for (size_t i = 0; i < launch.n; i++)
		sigaction(launch.sigs[i], &launch.old[i], NULL);
	sigprocmask(SIG_SETMASK, &launch.saved_mask, NULL);
	execvpe(argv[0], argv, env);
	err = errno;
	/* Nothing buffered can be lost: write(2), then _exit. */
	while (write(fd, &err, sizeof(err)) < 0 && errno == EINTR)
		;
	_exit(err == ENOENT ? RUN_EXIT_ENOENT : RUN_EXIT_CANNOT);
}

/* Read the errno that the child sends when exec failed; 0 when it did not
 * fail (the pipe closed on exec). */
static int
exec_errno(int fd)
{
	int err = 0;
	ssize_t r;

	do
		r = read(fd, &err, sizeof(err));
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof(err) ? err : 0;
}

pid_t
run_start(char **argv, char **env, int *exec_err)
{
	int pfd[2];
	pid_t pid;

	forward_install();
	if (pipe2(pfd, O_CLOEXEC) != 0)
		run_die("pipe", errno);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		run_die("fork", errno);
	if (pid == 0) {
		close(pfd[0]);
		exec_child(argv, env, pfd[1]);
	}
	launch.child = pid;
	sigprocmask(SIG_SETMASK, &launch.saved_mask, NULL);
	close(pfd[1]);
	*exec_err = exec_errno(pfd[0]);
	close(pfd[0]);
	return pid;
}

int
run_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			run_die("waitpid", errno);
	return status;
}

/*
 * PROGRAM was killed by SIG: end the same way, so that whoever waits for
 * dhat-run sees what it would have seen of PROGRAM (a shell that stops a
 * script on Ctrl-C, a make that reports the signal).  PROGRAM has dumped
 * its core if it was to: dhat-run dumps none of its own.  Exit 128 + SIG
 * if the signal does not end dhat-run after all.
 */
static _Noreturn void
die_of(int sig)
{
	struct rlimit none = { 0, 0 };
	sigset_t set;

	fflush(NULL);
	(void)setrlimit(RLIMIT_CORE, &none);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	raise(sig);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
	exit(128 + sig);
}

_Noreturn void
run_end_as(int status)
{
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	if (WIFSIGNALED(status))
		die_of(WTERMSIG(status));
	exit(RUN_EXIT_TROUBLE);
}
