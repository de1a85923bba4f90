/* SPDX-License-Identifier: MIT */
/*
 * launch.h - PROGRAM started, its signals passed on to it while dhat-run
 * waits, and its end passed on as dhat-run's own.
 */
#ifndef DHAT_RUN_LAUNCH_H
#define DHAT_RUN_LAUNCH_H

#include <sys/types.h>

/* Exit statuses of dhat-run's own, as env(1) and timeout(1) use them. */
enum {
	RUN_EXIT_TROUBLE = 125,	/* dhat-run itself failed */
	RUN_EXIT_CANNOT = 126,	/* PROGRAM found but not executable */
	RUN_EXIT_ENOENT = 127,	/* PROGRAM not found */
};

/* Passes SIG on to PROGRAM too, besides SIGINT, SIGTERM, SIGHUP and
 * SIGQUIT; before run_start(). */
void run_forward(int sig);

/* Starts ARGV[0] with ENV, forwarding signals to it from the moment it
 * exists; its pid.  *EXEC_ERR: the errno of a failed exec, or 0. */
pid_t run_start(char **argv, char **env, int *exec_err);

/* Waits for PID to end; its wait status. */
int run_wait(pid_t pid);

/* Ends dhat-run as STATUS ended PROGRAM: with its exit status, or killed
 * by its signal. */
_Noreturn void run_end_as(int status);

/* The message for errno ERR of dhat-run itself, then exit
 * RUN_EXIT_TROUBLE. */
_Noreturn void run_die(const char *what, int err);

#endif
