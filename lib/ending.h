/* SPDX-License-Identifier: MIT */
/*
 * ending.h - the end of a process while a profiler runs: exit(), a
 * return from main, _exit(), _Exit(), quick_exit() (ending.c) and the
 * signals whose default action ends the process (fatal.c).  Each writes
 * the profile as a drop would and records how the process ended.
 */
#ifndef DHAT_ENDING_H
#define DHAT_ENDING_H

#include <signal.h>
#include <stdbool.h>

/* How a profile came to be written; kept in the profile ("end"). */
enum dhat__end_by {
	DHAT__END_DROP = 0,     /* dhat_profiler_drop */
	DHAT__END_ASSERT,       /* a failed heap usage assertion */
	DHAT__END_EXIT,         /* exit() or a return from main */
	DHAT__END_UNDERSCORE_EXIT, /* _exit() or _Exit() */
	DHAT__END_QUICK_EXIT,   /* quick_exit() */
	DHAT__END_SIGNAL,       /* a signal whose default action ends it */
	DHAT__END_RUNNING       /* not an end: a snapshot, partial */
};

struct dhat__ending {
	enum dhat__end_by by;
	int code;               /* exit status (0-255) or signal number */
};

/*
 * End the process's running profiler, if it has one, as a drop would,
 * recording HOW.  Nothing when no profiler runs, when it belongs to
 * another process (a copy made by vfork() or by fork() without dhat-run)
 * or when this thread is the one writing it.  While another thread is
 * writing the profile, waits until it has been written.  Holds no lock
 * on return.  FULL: free the tables afterwards (an exit, where memory
 * checkers look); a dying process skips that.
 */
void dhat__profiler_end(const struct dhat__ending *how, bool full);

/* Once per process, when the first profiler starts: the exit handlers
 * (ending.c) and the fatal signals' handlers (fatal.c). */
void dhat__ending_install(void);
void dhat__fatal_install(void);

/* Whether this process's profiler runs and is this process's own: read
 * without the lock, for the endings that must touch nothing otherwise
 * (a child of vfork() shares its parent's memory). */
bool dhat__profiler_mine(void);
/* The same, or its profile is being written (by another thread). */
bool dhat__profiler_ours(void);

/* Bound the rest of the process's life: if it has not ended in a while
 * (a lock that will never be released, an output that blocks), print
 * why and end as HOW says, without the profile. */
void dhat__watchdog_arm(const struct dhat__ending *how);

/* dhat__panic's abort(): misuse of the API ends the process without a
 * profile. */
void dhat__fatal_quiet(void);

/* "SIGSEGV", "SIGRTMIN+3": the name of SIG into BUF (at least 16
 * bytes). */
const char *dhat__signal_name(int sig, char *buf);

#endif
