/* SPDX-License-Identifier: MIT */
/*
 * fatal.c - the signals whose default action ends the process: the
 * profile is written, then the process dies of the same signal as it
 * would have without libdhat (same status, same core dump).
 *
 * libdhat stands in for the default action only.  When a profiler starts,
 * its handler is installed for every such signal whose disposition is
 * SIG_DFL; sigaction() and signal() are interposed so that the program
 * still sees SIG_DFL there, and whenever the program sets SIG_DFL again
 * the handler goes back in its place.  A handler or SIG_IGN that the
 * program installs, before or after the profiler started, is installed as
 * it asked and runs as it would without libdhat: libdhat then sees the
 * signal only if that handler restores SIG_DFL and raises it again, the
 * usual way for a handler to end the process after its own clean-up.
 *
 * The handler writes the profile on the thread that got the signal, with
 * the drop's own code, unless that thread was inside libdhat or the
 * allocator: there the tables may be half-changed and glibc's or
 * libdhat's lock held.  A signal sent to the process is then remembered
 * and acted on when a thread next leaves libdhat (dhat__leave); a fault
 * of the thread itself (a crash inside malloc, abort() on a corrupted
 * heap) cannot wait, and is written from at once, the lock taken with a
 * bounded wait.  Whatever happens, a watchdog ends the process after
 * DHAT__WATCHDOG seconds of writing, with the same signal.
 *
 * Not covered: SIGKILL and SIGSTOP (nothing can catch them; see
 * dhat-run --interval), a stack overflow (no stack is left for a handler
 * unless the program gave the thread an alternate one), dispositions set
 * with the raw system call or sigset(), and the snapshot signal of
 * dhat-run, which has its own handler.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "eprint.h"
#include "guard.h"
#include "ending.h"

#define EXPORT __attribute__((visibility("default")))

/* Seconds a dying (or _exit()ing) process may spend writing. */
#define DHAT__WATCHDOG 60

typedef int (*sigaction_fn)(int, const struct sigaction *,
    struct sigaction *);

int dhat__fatal_pending;

/* Interposed, as glibc exports them, without a declaration in its
 * headers. */
int __sigaction(int sig, const struct sigaction *act, struct sigaction *old);
sighandler_t bsd_signal(int sig, sighandler_t handler);
sighandler_t __sysv_signal(int sig, sighandler_t handler);

static struct {
	sigaction_fn next;            /* glibc's sigaction */
	int installed;                /* the handlers are in place */
	uint64_t ours;                /* bit SIG-1: our handler stands in */
	/* What the program set along with SIG_DFL, reported back. */
	int flags[NSIG];
	sigset_t mask[NSIG];
	/* The program's handlers installed with SA_RESETHAND, which run
	 * through on_reset, and their flags. */
	void (*reset_fn[NSIG])(void);
	int reset_flags[NSIG];
	sigset_t reset_mask[NSIG];
	uint64_t intr;                /* bit SIG-1: siginterrupt(SIG, 1) */
	int quiet;                    /* dhat__panic: no profile */
	struct dhat__ending watch;    /* the watchdog's way out */
} fatal;

/* The signals whose default action is to end the process (terminate or
 * dump core), besides the real-time ones. */
static const int fatal_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
	SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT,
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSYS,
};

static bool
is_fatal(int sig)
{
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return true;
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(int); i++)
		if (fatal_signals[i] == sig)
			return true;
	return false;
}

static uint64_t
bit(int sig)
{
	return (uint64_t)1 << (sig - 1);
}

static bool
stands_in(int sig)
{
	return sig >= 1 && sig <= 64 &&
	    (__atomic_load_n(&fatal.ours, __ATOMIC_ACQUIRE) & bit(sig)) != 0;
}

/* When glibc's cannot be found: nothing is changed. */
static int
no_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	(void)sig;
	(void)act;
	(void)old;
	errno = ENOSYS;
	return -1;
}

/* glibc's sigaction, found once (dlsym may allocate: guarded). */
static sigaction_fn
next_sigaction(void)
{
	sigaction_fn f = __atomic_load_n(&fatal.next, __ATOMIC_ACQUIRE);
	int g;

	if (f == NULL) {
		g = dhat__enter();
		f = (sigaction_fn)dlsym(RTLD_NEXT, "sigaction");
		dhat__guard = g;
		if (f == NULL)
			f = no_sigaction;
		__atomic_store_n(&fatal.next, f, __ATOMIC_RELEASE);
	}
	return f;
}

__attribute__((constructor)) static void
fatal_resolve_next(void)
{
	(void)next_sigaction();
}

const char *
dhat__signal_name(int sig, char *buf)
{
	const char *abbrev = sigabbrev_np(sig);

	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, 16, "SIGRTMIN+%d", sig - SIGRTMIN);
	else if (abbrev != NULL)
		snprintf(buf, 16, "SIG%s", abbrev);
	else
		snprintf(buf, 16, "signal %d", sig);
	return buf;
}

/* ---- dying ------------------------------------------------------------- */

/* A fault that happens again when the handler returns: the instruction
 * is executed anew, and the process dies with the kernel's own report
 * of it (the core dump shows the faulting instruction). */
static bool
refaults(int sig, const siginfo_t *si)
{
	return si != NULL && si->si_code > 0 && (sig == SIGSEGV ||
	    sig == SIGBUS || sig == SIGFPE || sig == SIGILL);
}

/* The signal comes from this thread's own doing and cannot wait: a fault,
 * or abort(), which raises SIGABRT a second time with the default action
 * if the first returns. */
static bool
synchronous(int sig, const siginfo_t *si)
{
	if (si == NULL)
		return false;
	if (sig == SIGABRT)
		return si->si_code == SI_TKILL && si->si_pid == getpid();
	return si->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS ||
	    sig == SIGFPE || sig == SIGILL || sig == SIGTRAP ||
	    sig == SIGSYS);
}

/* Let SIG reach this thread (a handler's own signal is blocked while it
 * runs). */
static void
unblock(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	(void)pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

/* Do what SIG_DFL does with SIG: die of it.  Returns only for a fault
 * that the kernel will raise again. */
static void
act_as_default(int sig, const siginfo_t *si)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)next_sigaction()(sig, &sa, NULL);
	__atomic_and_fetch(&fatal.ours, ~bit(sig), __ATOMIC_RELEASE);
	if (refaults(sig, si))
		return;
	(void)syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	unblock(sig);
	/* Still alive: the signal was not fatal after all. */
	(void)syscall(SYS_exit_group, 128 + sig);
}

/* End as HOW says, without writing anything more. */
static void
end_as(const struct dhat__ending *how)
{
	if (how->by == DHAT__END_SIGNAL)
		act_as_default(how->code, NULL);
	for (;;)
		(void)syscall(SYS_exit_group, how->code);
}

/* The alarm went off (the kernel's SIGALRM: a timer of the program's,
 * or a kill, is not the watchdog's). */
static void
on_watchdog(int sig, siginfo_t *si, void *uctx)
{
	char line[128];

	(void)sig;
	(void)uctx;
	if (si == NULL || si->si_code != SI_KERNEL)
		return;
	snprintf(line, sizeof(line), "dhat: error: the profile was not "
	    "written within %d seconds: giving up\n", DHAT__WATCHDOG);
	dhat__eprint(line);
	end_as(&fatal.watch);
}

void
dhat__watchdog_arm(const struct dhat__ending *how)
{
	struct sigaction sa;

	fatal.watch = *how;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_watchdog;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	__atomic_and_fetch(&fatal.ours, ~bit(SIGALRM), __ATOMIC_RELEASE);
	if (next_sigaction()(SIGALRM, &sa, NULL) != 0)
		return;
	unblock(SIGALRM);
	alarm(DHAT__WATCHDOG);
}

/* Write the profile and die of SIG.  A thread that was inside the
 * allocator or libdhat writes with a bounded wait for the lock and with
 * memory of its own (dhat__profiler_end). */
static void
die_of(int sig, const siginfo_t *si)
{
	struct dhat__ending how = { DHAT__END_SIGNAL, sig };

	/* Also when another thread is writing the profile: the process
	 * must not end before it is whole. */
	if (!fatal.quiet && dhat__profiler_ours()) {
		dhat__watchdog_arm(&how);
		dhat__profiler_end(&how, false);
		alarm(0);
	}
	act_as_default(sig, si);
}

static void
on_fatal(int sig, siginfo_t *si, void *uctx)
{
	int e = errno, z = 0;

	(void)uctx;
	if (dhat__guard && !synchronous(sig, si)) {
		/* Inside libdhat or the allocator: when it leaves.  A
		 * thread that never leaves (a deadlock of the program's)
		 * must not make the signal harmless: the watchdog ends the
		 * process as SIG of its own accord. */
		if (__atomic_compare_exchange_n(&dhat__fatal_pending, &z,
		    sig, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			struct dhat__ending how = { DHAT__END_SIGNAL, sig };
			dhat__watchdog_arm(&how);
		}
		errno = e;
		return;
	}
	die_of(sig, si);
	errno = e;
}

void
dhat__fatal_serve(void)
{
	int sig;

	if (dhat__guard)
		return;
	sig = __atomic_exchange_n(&dhat__fatal_pending, 0, __ATOMIC_RELAXED);
	if (sig != 0)
		die_of(sig, NULL);
}

void
dhat__fatal_quiet(void)
{
	fatal.quiet = 1;
}

/* ---- standing in for SIG_DFL ------------------------------------------- */

/* Put our handler where the kernel has SIG_DFL for SIG, keeping what the
 * program asked for along with it (FLAGS, MASK) to report back. */
static void
stand_in(int sig, int flags, const sigset_t *mask)
{
	struct sigaction sa;

	fatal.flags[sig] = flags;
	fatal.mask[sig] = *mask;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	__atomic_or_fetch(&fatal.ours, bit(sig), __ATOMIC_RELEASE);
	if (next_sigaction()(sig, &sa, NULL) != 0)
		__atomic_and_fetch(&fatal.ours, ~bit(sig), __ATOMIC_RELEASE);
}

static void
install_all(void)
{
	struct sigaction old;

	for (int sig = 1; sig <= 64 && sig < NSIG; sig++) {
		if (!is_fatal(sig) ||
		    next_sigaction()(sig, NULL, &old) != 0 ||
		    old.sa_handler != SIG_DFL)
			continue;
		stand_in(sig, old.sa_flags, &old.sa_mask);
	}
	__atomic_store_n(&fatal.installed, 1, __ATOMIC_RELEASE);
}

void
dhat__fatal_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, install_all);
}

/*
 * A handler of the program's installed with SA_RESETHAND: the kernel
 * would put SIG_DFL back as it runs, without libdhat's stand-in.  So it
 * is installed without the flag, and called from here, once the
 * stand-in is back in place.
 */
static void
on_reset(int sig, siginfo_t *si, void *uctx)
{
	void (*fn)(void) = fatal.reset_fn[sig];
	int flags = fatal.reset_flags[sig];

	stand_in(sig, flags, &fatal.reset_mask[sig]);
	if ((flags & SA_SIGINFO) != 0)
		((void (*)(int, siginfo_t *, void *))fn)(sig, si, uctx);
	else
		((void (*)(int))fn)(sig);
}

/* Install the program's ACT, a handler with SA_RESETHAND, for SIG
 * through on_reset. */
static int
install_resetting(sigaction_fn next, int sig, const struct sigaction *act,
    struct sigaction *old)
{
	struct sigaction w = *act;

	fatal.reset_fn[sig] = (void (*)(void))act->sa_handler;
	fatal.reset_flags[sig] = act->sa_flags;
	fatal.reset_mask[sig] = act->sa_mask;
	w.sa_sigaction = on_reset;
	w.sa_flags = (act->sa_flags & ~SA_RESETHAND) | SA_SIGINFO;
	return next(sig, &w, old);
}

/* What the kernel holds for SIG, as the program should see it. */
static void
as_seen(int sig, struct sigaction *k)
{
	if ((k->sa_flags & SA_SIGINFO) == 0)
		return;
	if (k->sa_sigaction == on_fatal) {
		k->sa_handler = SIG_DFL;
		k->sa_flags = fatal.flags[sig];
		k->sa_mask = fatal.mask[sig];
	} else if (k->sa_sigaction == on_reset) {
		k->sa_handler = (sighandler_t)fatal.reset_fn[sig];
		k->sa_flags = fatal.reset_flags[sig];
		k->sa_mask = fatal.reset_mask[sig];
	}
}

/* ACT is a handler of the program's for a signal that libdhat watches,
 * installed with SA_RESETHAND (see on_reset). */
static bool
resetting(int sig, const struct sigaction *act)
{
	return act != NULL && (act->sa_flags & SA_RESETHAND) != 0 &&
	    act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN &&
	    __atomic_load_n(&fatal.installed, __ATOMIC_ACQUIRE) &&
	    sig >= 1 && sig <= 64 && is_fatal(sig);
}

EXPORT int
sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	sigaction_fn next = next_sigaction();
	struct sigaction k;
	bool dfl;
	int r;

	/* sa_handler and sa_sigaction share their storage: a null
	 * sa_sigaction is SIG_DFL too. */
	dfl = act != NULL && act->sa_handler == SIG_DFL;
	if (!__atomic_load_n(&fatal.installed, __ATOMIC_ACQUIRE) ||
	    sig < 1 || sig > 64 || !is_fatal(sig) ||
	    (act != NULL && !dfl) ||
	    (act == NULL && !stands_in(sig))) {
		/* Theirs: installed as asked.  The bit goes first, so that
		 * our handler never runs believing it stands in. */
		if (act != NULL)
			__atomic_and_fetch(&fatal.ours, ~bit(sig),
			    __ATOMIC_RELEASE);
		if (resetting(sig, act))
			r = install_resetting(next, sig, act, old);
		else
			r = next(sig, act, old);
		if (r == 0 && old != NULL)
			as_seen(sig, old);
		return r;
	}
	if ((r = next(sig, NULL, &k)) != 0)
		return r;
	as_seen(sig, &k);
	if (dfl)
		stand_in(sig, act->sa_flags, &act->sa_mask);
	if (old != NULL)
		*old = k;
	return 0;
}

EXPORT int
__sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return sigaction(sig, act, old);
}

/* signal() and its kin, through sigaction: HANDLER with FLAGS, SIG
 * itself blocked while it runs unless FLAGS has SA_NODEFER. */
static sighandler_t
set_handler(int sig, sighandler_t handler, int flags)
{
	struct sigaction sa, old;

	if (handler == SIG_ERR || sig < 1 || sig >= NSIG) {
		errno = EINVAL;
		return SIG_ERR;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	if ((flags & SA_NODEFER) == 0)
		sigaddset(&sa.sa_mask, sig);
	sa.sa_flags = flags;
	if (sigaction(sig, &sa, &old) != 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* signal() as glibc defines it (BSD semantics): the handler stays, the
 * signal is blocked while it runs, interrupted calls restart unless
 * siginterrupt() said otherwise. */
EXPORT sighandler_t
signal(int sig, sighandler_t handler)
{
	bool intr = sig >= 1 && sig <= 64 &&
	    (__atomic_load_n(&fatal.intr, __ATOMIC_RELAXED) & bit(sig)) != 0;

	return set_handler(sig, handler, intr ? 0 : SA_RESTART);
}

/* Kept for signal() above; glibc's own changes the disposition.  (An
 * obsolete function, still in use.) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
EXPORT int
siginterrupt(int sig, int flag)
{
	static int (*next)(int, int);
	int g;

	if (sig >= 1 && sig <= 64) {
		if (flag)
			__atomic_or_fetch(&fatal.intr, bit(sig),
			    __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&fatal.intr, ~bit(sig),
			    __ATOMIC_RELAXED);
	}
	if (next == NULL) {
		g = dhat__enter();
		next = (int (*)(int, int))dlsym(RTLD_NEXT, "siginterrupt");
		dhat__guard = g;
		if (next == NULL || next == siginterrupt) {
			errno = ENOSYS;
			return -1;
		}
	}
	return next(sig, flag);
}
#pragma GCC diagnostic pop

EXPORT sighandler_t
bsd_signal(int sig, sighandler_t handler)
{
	return signal(sig, handler);
}

EXPORT sighandler_t
ssignal(int sig, sighandler_t handler)
{
	return signal(sig, handler);
}

/* System V semantics: the handler is reset to SIG_DFL when it runs, and
 * the signal is not blocked meanwhile. */
EXPORT sighandler_t
sysv_signal(int sig, sighandler_t handler)
{
	return set_handler(sig, handler, SA_RESETHAND | SA_NODEFER);
}

EXPORT sighandler_t
__sysv_signal(int sig, sighandler_t handler)
{
	return sysv_signal(sig, handler);
}
