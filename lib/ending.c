/* SPDX-License-Identifier: MIT */
/*
 * ending.c - the profile of a process that ends while its profiler still
 * runs: by exit() or a return from main (an on_exit() handler, which is
 * told the status), by _exit() or _Exit() (interposed: Debian's sh ends
 * that way), or by quick_exit() (an at_quick_exit() handler).  Each writes
 * the profile as dhat_profiler_drop() would and records how the process
 * ended.  Fatal signals are fatal.c's.
 *
 * The handlers are registered when the first profiler starts, so the exit
 * handlers that the program registers after that run first, and what they
 * free is counted; those it registered before run after the profile is
 * written.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "guard.h"
#include "ending.h"

#define EXPORT __attribute__((visibility("default")))

typedef void (*exit_fn)(int);

static struct {
	exit_fn next_exit;         /* glibc's _exit */
	exit_fn next_quick_exit;   /* glibc's quick_exit */
	int quick_status;          /* as given to quick_exit() */
} ending;

/* The next definitions, found before any is needed (dlsym allocates). */
__attribute__((constructor)) static void
ending_resolve_next(void)
{
	int g = dhat__enter();

	ending.next_exit = (exit_fn)dlsym(RTLD_NEXT, "_exit");
	ending.next_quick_exit = (exit_fn)dlsym(RTLD_NEXT, "quick_exit");
	dhat__guard = g;
}

static void
at_exit(int status, void *arg)
{
	struct dhat__ending how = { DHAT__END_EXIT, status & 0xff };

	(void)arg;
	/* exit() from a signal handler that interrupted the allocator:
	 * what the write waits for may never come. */
	bool watched = dhat__guard != 0;

	if (watched)
		dhat__watchdog_arm(&how);
	dhat__profiler_end(&how, true);
	if (watched)
		alarm(0);
	/* A fatal signal that came while the profile was being written. */
	dhat__fatal_serve();
}

static void
at_quick_exit_(void)
{
	struct dhat__ending how = { DHAT__END_QUICK_EXIT,
		ending.quick_status & 0xff };

	dhat__profiler_end(&how, false);
}

static void
register_handlers(void)
{
	/* A profiler started at the first allocation may come before
	 * libdhat's constructors. */
	if (ending.next_exit == NULL)
		ending_resolve_next();
	(void)on_exit(at_exit, NULL);
	(void)at_quick_exit(at_quick_exit_);
}

void
dhat__ending_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, register_handlers);
	dhat__fatal_install();
}

/* _exit: no exit handler runs, so the profile is written here.  Not in a
 * child of vfork(), whose memory is its parent's: dhat__profiler_mine
 * tells it apart without writing anything. */
EXPORT void
_exit(int status)
{
	struct dhat__ending how = { DHAT__END_UNDERSCORE_EXIT, status & 0xff };

	if (dhat__profiler_mine()) {
		dhat__watchdog_arm(&how);
		dhat__profiler_end(&how, false);
	}
	if (ending.next_exit != NULL && ending.next_exit != _exit)
		ending.next_exit(status);
	for (;;)
		(void)syscall(SYS_exit_group, status);
}

EXPORT void
_Exit(int status)
{
	_exit(status);
}

/* Only the status is kept here: the handlers, ours among them, run in
 * glibc's quick_exit. */
EXPORT void
quick_exit(int status)
{
	ending.quick_status = status;
	if (ending.next_quick_exit != NULL &&
	    ending.next_quick_exit != quick_exit)
		ending.next_quick_exit(status);
	_exit(status);
}
