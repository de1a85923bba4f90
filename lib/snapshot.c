/* SPDX-License-Identifier: MIT */
/*
 * snapshot.c - the profile so far, written while the program goes on: on
 * a signal (dhat-run --signal, DHAT_SIGNAL) into NAME.snapshot-N.json,
 * and every interval (dhat_builder_interval, dhat-run --interval,
 * DHAT_INTERVAL) over the profile's own name, so that a process killed
 * by SIGKILL or the OOM killer leaves its latest state where its profile
 * belongs.  Both are marked partial; the final profile replaces the
 * latest rewrite.
 *
 * Writing a profile allocates, takes locks and symbolizes: none of it is
 * async-signal-safe, so the signal's handler only raises a flag, and the
 * next allocation or free of any thread (dhat__snapshot_check in the
 * counting path), or the next ad hoc event, takes the snapshot.  An
 * interval is noticed the same way: every 64th operation of a thread
 * looks at the coarse clock.  A program that no longer allocates or frees
 * anything has nothing new to write.
 *
 * Under the lock, the books are closed into a copy of the program points
 * (dhat__heap_close); the copy is then written without the lock, by the
 * thread that took the snapshot, while the other threads go on.  The
 * program sees no fork, no child and no signal: only that thread is held
 * up while the file is written.  The copy names the table's stacks, so
 * the table is not reset while a snapshot is being written (readers).
 *
 * No snapshot is taken from an allocation made by the dynamic loader (a
 * frame of the stack lies in ld.so: dlopen, TLS set-up, constructors run
 * by dlopen), which holds its locks and whose list of objects the
 * symbolizer would read half-changed, nor while the loader is changing
 * that list (_r_debug.r_state, as debuggers see it).  One snapshot at a
 * time.  A request that cannot be served now stays pending for a later
 * allocation.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <libunwind.h>
#include <link.h>
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

#include "access.h"
#include "eprint.h"
#include "heap.h"
#include "lock.h"
#include "memory.h"
#include "oplog.h"
#include "profiler.h"
#include "stack.h"
#include "writer.h"
#include "snapshot.h"
#include "ending.h"

/* Operations of a thread between two looks at the clock. */
#define LOOK_EVERY 64

static struct {
	unsigned count;          /* snapshots written by this process */
	int busy;                /* a snapshot is being taken */
	uintptr_t ld_lo, ld_hi;  /* the dynamic loader's code */
	uint64_t interval_ns;    /* 0: no rewrites */
	uint64_t due_ns;         /* the next rewrite, CLOCK_MONOTONIC */
} snap;

static __thread unsigned ops_seen __attribute__((tls_model("initial-exec")));

static int find_loader(struct dl_phdr_info *info, size_t size, void *ctx);
static void poll_snapshot(void);

static uint64_t
coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
handler(int sig)
{
	(void)sig;
	__atomic_or_fetch(&dhat__snapshot_pending, DHAT__SNAP_REQUEST,
	    __ATOMIC_RELAXED);
}

/* The loader's code, found while no other thread can be loading. */
static void
find_loader_once(void)
{
	Dl_info info;

	if (snap.ld_hi == 0 && dladdr((void *)&_r_debug, &info) != 0 &&
	    info.dli_fbase != NULL)
		dl_iterate_phdr(find_loader, info.dli_fbase);
}

bool
dhat__snapshot_install(int sig)
{
	struct sigaction sa, old;

	find_loader_once();
	dhat__snapshot_serve = poll_snapshot;
	if (sigaction(sig, NULL, &old) != 0)
		return false;
	/* A handler that the program (or whoever ran it) installed, or
	 * an inherited SIG_IGN, is theirs. */
	if ((old.sa_flags & SA_SIGINFO) != 0 || old.sa_handler != SIG_DFL)
		return false;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	/* Interrupted system calls resume: the program must not see
	 * EINTR from a signal it does not know about. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL) == 0;
}

void
dhat__snapshot_start(uint64_t interval_ms)
{
	snap.interval_ns = interval_ms * 1000000u;
	if (interval_ms == 0)
		return;
	find_loader_once();
	dhat__snapshot_serve = poll_snapshot;
	snap.due_ns = coarse_ns() + snap.interval_ns;
	__atomic_or_fetch(&dhat__snapshot_pending, DHAT__SNAP_INTERVAL,
	    __ATOMIC_RELAXED);
}

void
dhat__snapshot_stop(void)
{
	snap.interval_ns = 0;
	__atomic_and_fetch(&dhat__snapshot_pending, ~DHAT__SNAP_INTERVAL,
	    __ATOMIC_RELAXED);
}

void
dhat__snapshot_forget(void)
{
	snap.count = 0;
	snap.busy = 0;
	__atomic_and_fetch(&dhat__snapshot_pending, ~DHAT__SNAP_REQUEST,
	    __ATOMIC_RELAXED);
}

char *
dhat__name_insert(const char *name, const char *insert)
{
	size_t n = strlen(name), k = strlen(insert), at = n;
	char *out;

	if (n > 5 && strcmp(name + n - 5, ".json") == 0)
		at = n - 5;
	out = dhat__own_malloc(n + k + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, name, at);
	memcpy(out + at, insert, k);
	memcpy(out + at + k, name + at, n - at + 1);
	return out;
}

/* ---- when a snapshot may be taken -------------------------------------- */

/* No object is being loaded or unloaded. */
static bool
loader_at_rest(void)
{
	return __atomic_load_n(&_r_debug.r_state, __ATOMIC_ACQUIRE) ==
	    RT_CONSISTENT;
}

static int
find_loader(struct dl_phdr_info *info, size_t size, void *ctx)
{
	uintptr_t base = (uintptr_t)ctx;

	(void)size;
	if (info->dlpi_addr != base)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = base + ph->p_vaddr, hi = lo + ph->p_memsz;
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
			continue;
		if (snap.ld_hi == 0 || lo < snap.ld_lo)
			snap.ld_lo = lo;
		if (hi > snap.ld_hi)
			snap.ld_hi = hi;
	}
	return 1;
}

/* This thread is inside the dynamic loader. */
static bool
in_loader(void)
{
	void *ips[64];
	int n;

	dhat__unwind_begin();
	n = unw_backtrace(ips, 64);
	dhat__unwind_end();

	for (int i = 0; i < n; i++)
		if ((uintptr_t)ips[i] >= snap.ld_lo &&
		    (uintptr_t)ips[i] < snap.ld_hi)
			return true;
	return false;
}

/* An interval has passed since the last rewrite: claimed by one thread. */
static bool
interval_due(void)
{
	uint64_t due, now;

	if (++ops_seen % LOOK_EVERY != 0)
		return false;
	due = __atomic_load_n(&snap.due_ns, __ATOMIC_RELAXED);
	now = coarse_ns();
	return now >= due && snap.interval_ns != 0 &&
	    __atomic_compare_exchange_n(&snap.due_ns, &due,
	    now + snap.interval_ns, false, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED);
}

/* ---- writing ----------------------------------------------------------- */

/* The settings of a snapshot: as the profiler's, under another name for
 * a requested one (N: its number), without the summary for a rewrite. */
static bool
snapshot_config(struct dhat__config *cfg, unsigned n)
{
	const char *name = cfg->file_name != NULL ? cfg->file_name :
	    dhat__mode_file_name(cfg->mode);
	char insert[32];

	cfg->eprint_json = false;
	cfg->ending.by = DHAT__END_RUNNING;
	if (n == 0) {
		cfg->quiet = true;
		cfg->rewrite = true;
		return true;
	}
	snprintf(insert, sizeof(insert), ".snapshot-%u", n);
	cfg->file_name = dhat__name_insert(name, insert);
	if (cfg->file_name == NULL) {
		dhat__eprint("dhat: error: snapshot: out of memory\n");
		return false;
	}
	return true;
}

/* Close the books into a copy and write it; N: a requested snapshot's
 * number, 0 for a rewrite.  False when no profiler runs. */
static bool
take(unsigned n)
{
	struct dhat__config cfg;
	struct dhat__closed c;
	pid_t owner;
	int r;

	dhat__lock();
	/* A copy made by fork() without dhat-run writes nothing. */
	if (dhat__prof.state != DHAT__RUNNING ||
	    dhat__prof.owner_pid != getpid()) {
		dhat__unlock();
		return false;
	}
	dhat__oplog_sync();
	r = dhat__heap_close(&c, dhat__heap_now(), true);
	cfg = dhat__prof.cfg;
	cfg.file_name = NULL;
	owner = dhat__prof.owner_pid;
	if (r == 0) {
		dhat__prof.readers++;
		dhat__prof.reader_tid = (pid_t)syscall(SYS_gettid);
	}
	else
		dhat__eprint("dhat: error: snapshot: out of memory\n");
	/* The name is copied under the lock: a forked child changes it. */
	if (r == 0 && dhat__prof.cfg.file_name != NULL) {
		size_t len = strlen(dhat__prof.cfg.file_name) + 1;
		cfg.file_name = dhat__own_malloc(len);
		if (cfg.file_name != NULL)
			memcpy(cfg.file_name, dhat__prof.cfg.file_name, len);
	}
	dhat__unlock();
	if (r != 0)
		return true;
	if (snapshot_config(&cfg, n))
		dhat__write_profile(&cfg, &c, owner);
	dhat__lock();
	dhat__prof.readers--;
	dhat__unlock();
	dhat__own_free(cfg.file_name);
	dhat__own_free(c.copy);
	dhat__own_free(c.timeline);
	dhat__access_free_figures(c.access, c.n);
	return true;
}

/* Take what is due, from a counting path (dhat__snapshot_check): the
 * guard is set and no lock is held. */
static void
poll_snapshot(void)
{
	int e = errno, w, cancel;
	bool requested, due;

	w = __atomic_load_n(&dhat__snapshot_pending, __ATOMIC_RELAXED);
	due = (w & DHAT__SNAP_INTERVAL) != 0 && interval_due();
	requested = (w & DHAT__SNAP_REQUEST) != 0 &&
	    (__atomic_fetch_and(&dhat__snapshot_pending, ~DHAT__SNAP_REQUEST,
	    __ATOMIC_RELAXED) & DHAT__SNAP_REQUEST) != 0;
	if (!requested && !due)
		return;
	/* A thread cancelled while it takes one (the unwinder and the
	 * writer make system calls that are cancellation points) would
	 * leave the snapshot taken for ever: cancellation waits. */
	(void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	if (__atomic_exchange_n(&snap.busy, 1, __ATOMIC_ACQUIRE)) {
		/* Another thread is taking one: ask again later. */
		if (requested)
			__atomic_or_fetch(&dhat__snapshot_pending,
			    DHAT__SNAP_REQUEST, __ATOMIC_RELAXED);
		goto out;
	}
	if (!loader_at_rest() || in_loader()) {
		/* Ask again at a later allocation (a rewrite waits for the
		 * next interval). */
		if (requested)
			__atomic_or_fetch(&dhat__snapshot_pending,
			    DHAT__SNAP_REQUEST, __ATOMIC_RELAXED);
		goto done;
	}
	if (requested)
		(void)take(++snap.count);
	if (due)
		(void)take(0);
done:
	__atomic_store_n(&snap.busy, 0, __ATOMIC_RELEASE);
out:
	(void)pthread_setcancelstate(cancel, NULL);
	errno = e;
}
