/* SPDX-License-Identifier: MIT */
/*
 * profiler.c - the builder, the profiler's life cycle and the statistics
 * calls: the public face of the state machine idle -> running ->
 * finishing -> idle (the Rust crate's Ready/Running, plus a finishing
 * state during which the profile is written without holding the lock).
 *
 * Builders and profiler handles are allocated with glibc's allocator
 * proper, so they never appear in a profile.  Each profiler has a
 * generation number: a stale handle (from an earlier profiler, or one
 * inherited over fork) never ends a later profiler.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "copy.h"
#include "eprint.h"
#include "guard.h"
#include "heap.h"
#include "lock.h"
#include "memory.h"
#include "oplog.h"
#include "preload.h"
#include "profiler.h"
#include "stack.h"
#include "writer.h"
#include "snapshot.h"
#include "settings.h"
#include "ending.h"
#include "next.h"

__thread int dhat__guard __attribute__((tls_model("initial-exec")));
int dhat__heap_running = DHAT__HEAP_UNDECIDED;
struct dhat__prof dhat__prof;

struct dhat_builder {
	struct dhat__config cfg;
	size_t frames;      /* as asked; clamped at build */
};

struct dhat_profiler {
	uint64_t gen;
};

/* The crate's panic: its message on stderr, then abort(). */
void
dhat__panic(const char *msg)
{
	dhat__eprint(msg);
	dhat__eprint("\n");
	dhat__fatal_quiet();
	abort();
}

/* ---- builder ----------------------------------------------------------- */

struct dhat_builder *
dhat_builder_new(void)
{
	struct dhat_builder *b = dhat__calloc(1, sizeof *b);

	if (b == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	b->cfg.mode = DHAT__MODE_HEAP;
	b->cfg.time_unit = DHAT_TIME_US;
	b->frames = 10;
	return b;
}

void
dhat_builder_free(struct dhat_builder *b)
{
	if (b == NULL)
		return;
	dhat__own_free(b->cfg.file_name);
	dhat__own_free(b);
}

struct dhat_builder *
dhat_builder_ad_hoc(struct dhat_builder *b)
{
	if (b != NULL)
		b->cfg.mode = DHAT__MODE_AD_HOC;
	return b;
}

struct dhat_builder *
dhat_builder_copy(struct dhat_builder *b)
{
	if (b != NULL)
		b->cfg.mode = DHAT__MODE_COPY;
	return b;
}

const char *
dhat__mode_file_name(enum dhat__mode mode)
{
	switch (mode) {
	case DHAT__MODE_AD_HOC:
		return "dhat-ad-hoc.json";
	case DHAT__MODE_COPY:
		return "dhat-copy.json";
	default:
		return "dhat-heap.json";
	}
}

struct dhat_builder *
dhat_builder_testing(struct dhat_builder *b)
{
	if (b != NULL)
		b->cfg.testing = true;
	return b;
}

/* The profile keeps the name the program gave, unknown escape and all,
 * rather than being lost: the warning says what to change. */
static void
warn_bad_escape(const char *path)
{
	const char *bad = dhat__name_bad_escape(path);
	char line[4096];

	if (bad == NULL)
		return;
	snprintf(line, sizeof line, "dhat: warning: file name %s: unknown "
	    "escape '%.*s' (known: %%p, %%n, %%%%): kept as it is\n", path,
	    bad[1] != '\0' ? 2 : 1, bad);
	dhat__eprint(line);
}

struct dhat_builder *
dhat_builder_file_name(struct dhat_builder *b, const char *path)
{
	char *copy;
	size_t n;

	if (b == NULL)
		return NULL;
	if (path == NULL) {
		/* Back to the default name. */
		dhat__own_free(b->cfg.file_name);
		b->cfg.file_name = NULL;
		return b;
	}
	warn_bad_escape(path);
	n = strlen(path) + 1;
	copy = dhat__malloc(n);
	if (copy == NULL) {
		/* The builder is unusable: free it so nothing leaks. */
		dhat_builder_free(b);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(copy, path, n);
	dhat__own_free(b->cfg.file_name);
	b->cfg.file_name = copy;
	return b;
}

struct dhat_builder *
dhat_builder_trim_backtraces(struct dhat_builder *b, size_t max_frames)
{
	if (b != NULL)
		b->frames = max_frames;
	return b;
}

struct dhat_builder *
dhat_builder_eprint_json(struct dhat_builder *b)
{
	if (b != NULL)
		b->cfg.eprint_json = true;
	return b;
}

struct dhat_builder *
dhat_builder_no_stack_cache(struct dhat_builder *b)
{
	if (b != NULL)
		b->cfg.no_stack_cache = true;
	return b;
}

struct dhat_builder *
dhat_builder_interval(struct dhat_builder *b, unsigned long milliseconds)
{
	if (b != NULL)
		b->cfg.interval_ms = milliseconds;
	return b;
}

/* dhat-run --quiet (DHAT_QUIET). */
struct dhat_builder *
dhat__builder_quiet(struct dhat_builder *b)
{
	if (b != NULL)
		b->cfg.quiet = true;
	return b;
}

struct dhat_builder *
dhat__builder_run_start(struct dhat_builder *b, uint64_t start)
{
	if (b != NULL)
		b->cfg.run_start = start;
	return b;
}

struct dhat_builder *
dhat__builder_status_file(struct dhat_builder *b, const char *file)
{
	if (b != NULL)
		b->cfg.status_file = file;
	return b;
}

struct dhat_builder *
dhat_builder_time_unit(struct dhat_builder *b, enum dhat_time_unit unit)
{
	if (b != NULL)
		b->cfg.time_unit =
		    unit == DHAT_TIME_BYTES ? DHAT_TIME_BYTES : DHAT_TIME_US;
	return b;
}

/* ---- fork -------------------------------------------------------------- */

/* Hold the lock over fork so the child never inherits it mid-update; the
 * child gets a fresh lock.  The same for the unwinder (stack.c), whose
 * lock is taken first: the unwinds in flight end without libdhat's lock.
 * The child keeps counting into its copy of the profile; the writer
 * refuses to overwrite the parent's file with it. */
static __thread int fork_guard __attribute__((tls_model("initial-exec")));

/* Guarded while the lock is held, so that a signal handler allocating on
 * this thread goes straight to glibc instead of waiting for it. */
static void
fork_prepare(void)
{
	fork_guard = dhat__enter();
	dhat__unwind_fork_prepare();
	dhat__lock();
	dhat__access_fork_prepare();
}

static void
fork_parent(void)
{
	dhat__access_fork_parent();
	dhat__unlock();
	dhat__unwind_fork_parent();
	dhat__leave(fork_guard);
}

static void
profiler_fork_child(void)
{
	/* The threads writing snapshots are not in the child, and a fatal
	 * signal waiting for one of the parent's threads is not the
	 * child's. */
	dhat__prof.readers = 0;
	dhat__fatal_pending = 0;
	dhat__oplog_fork_child();
	dhat__access_fork_child();
	dhat__lock_word = 0;
	dhat__unwind_fork_child();
	dhat__leave(fork_guard);
}

static void
register_atfork(void)
{
	(void)pthread_atfork(fork_prepare, fork_parent, profiler_fork_child);
}

/* Once per process: twice would take the lock twice in fork_prepare. */
void
dhat__atfork_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, register_atfork);
}

/* ---- start and end ----------------------------------------------------- */

/* Once per process: the program's malloc is another library's that the
 * loader finds before libdhat, so a heap profile would count nothing of
 * it.  (Linking libdhat before the allocator puts libdhat first.) */
static void
warn_shadowed(void)
{
	static int warned;
	const char *file;
	char line[PATH_MAX + 160];

	if (__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED) ||
	    (file = dhat__next_shadowed()) == NULL)
		return;
	snprintf(line, sizeof(line), "dhat: warning: malloc is %s's, which "
	    "comes before libdhat: the allocations it serves are not counted "
	    "(link libdhat before it)\n", file);
	dhat__eprint(line);
}

/* Accesses are counted in heap profiles of programs built for it, which
 * load libdhat-access; unless ThreadSanitizer's own run time came first
 * (linked with -fsanitize=thread), which then gets the program's calls. */
static bool
access_library(void)
{
	void *mark = dlsym(RTLD_DEFAULT, "dhat__access_library");
	void *read4 = dlsym(RTLD_DEFAULT, "__tsan_read4");
	Dl_info a, b;

	if (mark == NULL)
		return false;
	if (read4 != NULL && dladdr(mark, &a) != 0 && dladdr(read4, &b) != 0 &&
	    a.dli_fbase != b.dli_fbase) {
		dhat__eprint("dhat: warning: ThreadSanitizer's run time is "
		    "linked too (-fsanitize=thread on the link line) and gets "
		    "the program's loads and stores: no access is counted "
		    "(link without it: see libdhat(3))\n");
		return false;
	}
	return true;
}

struct dhat_profiler *
dhat_builder_build(struct dhat_builder *b)
{
	struct dhat_profiler *p;
	bool access;
	int g;

	if (b == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	/* A program linked with libdhat under dhat-run: its own profiler
	 * takes over from dhat-run's. */
	dhat__preload_yield();
	g = dhat__enter();
	p = dhat__malloc(sizeof *p);
	if (p == NULL) {
		dhat_builder_free(b);
		dhat__leave(g);
		errno = ENOMEM;
		return NULL;
	}
#ifdef HAVE_VALGRIND_HELGRIND_H
	/* Before the lock is first taken, and the same ever after. */
	if (RUNNING_ON_VALGRIND)
		__atomic_store_n(&dhat__valgrind, 1, __ATOMIC_RELAXED);
#endif
	/* Outside the lock: these take the loader's locks or allocate. */
	dhat__stderr_remember();
	(void)dhat__stack_init();
	dhat__oplog_init();
	dhat__atfork_init();
	dhat__ending_install();
	if (b->cfg.mode == DHAT__MODE_HEAP)
		warn_shadowed();
	if (b->cfg.mode == DHAT__MODE_COPY)
		dhat__copy_attach();
	access = b->cfg.mode == DHAT__MODE_HEAP && access_library();

	dhat__lock();
	if (dhat__prof.state != DHAT__IDLE) {
		dhat__unlock();
		dhat__eprint("dhat: creating a profiler while a profiler is "
		    "already running\n");
		dhat__own_free(p);
		dhat_builder_free(b);
		dhat__leave(g);
		errno = EBUSY;
		return NULL;
	}
	dhat__heap_reset();
	if (!dhat__access_start(access) && access)
		dhat__eprint("dhat: no address space to count accesses in: "
		    "the profile has none\n");
	dhat__prof.cfg = b->cfg;
	b->cfg.file_name = NULL;    /* now owned by the profiler */
	dhat__prof.cfg.max_frames = b->frames < 4 ? 4 : b->frames;
	dhat__prof.gen++;
	dhat__prof.owner_pid = getpid();
	dhat__prof.start_ns = dhat__clock_ns();
	dhat__prof.state = DHAT__RUNNING;
	p->gen = dhat__prof.gen;
	__atomic_store_n(&dhat__heap_running, dhat__prof.cfg.mode ==
	    DHAT__MODE_HEAP ? 1 : DHAT__HEAP_SHIELD, __ATOMIC_RELAXED);
	dhat__snapshot_start(dhat__prof.cfg.interval_ms);
	dhat__reserve_want(0);
	dhat__unlock();
	dhat_builder_free(b);
	dhat__leave(g);
	return p;
}

struct dhat_profiler *
dhat_profiler_new_heap(void)
{
	return dhat_builder_build(dhat_builder_new());
}

struct dhat_profiler *
dhat_profiler_new_ad_hoc(void)
{
	return dhat_builder_build(dhat_builder_ad_hoc(dhat_builder_new()));
}

/* A millisecond without the lock, for another thread to finish what the
 * caller waits for (a write, a snapshot). */
static void
pause_unlocked(void)
{
	struct timespec ms = { 0, 1000000 };

	dhat__unlock();
	nanosleep(&ms, NULL);
	dhat__lock();
}

/*
 * Close the books of the running profiler and write its profile (unless
 * WRITE is false): the one way every profile ends, by a drop, a failed
 * assertion or the end of the process.  Every operation that has begun
 * counts; from here on every allocation is ignored.  Called under the
 * lock with the state RUNNING; the profile is written without the lock
 * (symbolizing takes the loader's locks) while the state is FINISHING,
 * which freezes the tables; returns under the lock, still FINISHING.
 */
void
dhat__profile_close(bool write)
{
	struct dhat__config cfg;
	struct dhat__closed c;
	pid_t owner;
	int cancel;

	dhat__oplog_sync();
	__atomic_store_n(&dhat__heap_running, 0, __ATOMIC_RELAXED);
	dhat__snapshot_stop();
	/* The address space set aside for this write. */
	dhat__reserve_release();
	dhat__prof.state = DHAT__FINISHING;
	dhat__prof.writer_tid = (pid_t)syscall(SYS_gettid);
	/* A snapshot that another thread is writing would land after this
	 * profile, over it when it is a rewrite: it goes first.  (FINISHING
	 * starts no other.) */
	while (dhat__prof.readers > 0 &&
	    dhat__prof.reader_tid != dhat__prof.writer_tid)
		pause_unlocked();
	/* In place: cannot fail. */
	(void)dhat__heap_close(&c, dhat__heap_now(), false);
	dhat__access_stop();
	cfg = dhat__prof.cfg;
	owner = dhat__prof.owner_pid;
	dhat__unlock();

	/* A thread cancelled while it writes would leave a temporary file
	 * and the profiler finishing for ever. */
	(void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	if (write)
		dhat__write_profile(&cfg, &c, owner);
	dhat__own_free(c.timeline);
	dhat__access_free_figures(c.access, c.n);
	(void)pthread_setcancelstate(cancel, NULL);

	dhat__lock();
	dhat__prof.writer_tid = 0;
}

/* Back to no profiler, the tables emptied, once no snapshot is being
 * written from them (snapshot.c).  Under the lock. */
static void
profile_forget(void)
{
	while (dhat__prof.readers > 0)
		pause_unlocked();
	dhat__heap_reset();
	dhat__own_free(dhat__prof.cfg.file_name);
	memset(&dhat__prof.cfg, 0, sizeof dhat__prof.cfg);
	dhat__prof.state = DHAT__IDLE;
}

void
dhat_profiler_drop(struct dhat_profiler *p)
{
	int g, cancel;

	if (p == NULL)
		return;
	g = dhat__enter();
	/* Writing and waiting for snapshots make system calls that are
	 * cancellation points. */
	(void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	dhat__lock();
	if (p->gen == dhat__prof.gen && (dhat__prof.state == DHAT__RUNNING ||
	    dhat__prof.state == DHAT__POST_ASSERT)) {
		/* After a failed assertion the profile is written already. */
		dhat__prof.cfg.ending.by = DHAT__END_DROP;
		if (dhat__prof.state == DHAT__RUNNING)
			dhat__profile_close(!dhat__prof.cfg.testing);
		profile_forget();
	}
	/* Else a stale handle: nothing of ours to end. */
	dhat__unlock();
	(void)pthread_setcancelstate(cancel, NULL);
	dhat__own_free(p);
	dhat__leave(g);
}

/* ---- the end of the process (ending.c, fatal.c) ------------------------ */

bool
dhat__profiler_mine(void)
{
	return __atomic_load_n(&dhat__prof.state, __ATOMIC_RELAXED) ==
	    DHAT__RUNNING &&
	    __atomic_load_n(&dhat__prof.owner_pid, __ATOMIC_RELAXED) ==
	    getpid();
}

bool
dhat__profiler_ours(void)
{
	enum dhat__state st = __atomic_load_n(&dhat__prof.state,
	    __ATOMIC_RELAXED);

	return (st == DHAT__RUNNING || st == DHAT__FINISHING) &&
	    __atomic_load_n(&dhat__prof.owner_pid, __ATOMIC_RELAXED) ==
	    getpid();
}

/* Take the lock; a thread that was inside libdhat when its process began
 * to die may hold it itself: then give up after about two seconds. */
static bool
lock_dying(bool inside)
{
	struct timespec ms = { 0, 1000000 };

	if (!inside) {
		dhat__lock();
		return true;
	}
	for (int i = 0; i < 2000; i++) {
		if (dhat__trylock())
			return true;
		nanosleep(&ms, NULL);
	}
	dhat__eprint("dhat: error: the profiler's lock is not released: "
	    "the profile is not written\n");
	return false;
}

void
dhat__profiler_end(const struct dhat__ending *how, bool full)
{
	pid_t me = (pid_t)syscall(SYS_gettid);
	int g = dhat__enter(), cancel;

	/* The waits below are cancellation points. */
	(void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
	/* Called from inside the allocator (a crash there, or a signal
	 * handler that exits): glibc's lock may be held and its heap
	 * broken. */
	if (g != 0)
		dhat__spare_begin();
	if (!lock_dying(g != 0)) {
		(void)pthread_setcancelstate(cancel, NULL);
		dhat__guard = g;
		return;
	}
	/* Another thread is writing the profile: it is this process's,
	 * and must be whole before the process ends. */
	while (dhat__prof.state == DHAT__FINISHING &&
	    dhat__prof.writer_tid != me)
		pause_unlocked();
	if (dhat__prof.state == DHAT__RUNNING &&
	    dhat__prof.owner_pid == getpid()) {
		dhat__prof.cfg.ending = *how;
		dhat__profile_close(!dhat__prof.cfg.testing);
		if (full)
			profile_forget();
		else
			dhat__prof.state = DHAT__IDLE;
	}
	dhat__unlock();
	(void)pthread_setcancelstate(cancel, NULL);
	dhat__guard = g;
}

/* ---- statistics -------------------------------------------------------- */

struct dhat_heap_stats
dhat_heap_stats_get(void)
{
	struct dhat_heap_stats s;
	const char *err = NULL;
	int g;

	/* The guard, like every holder of the lock: a signal handler that
	 * allocates while we hold it must not wait for it. */
	g = dhat__enter();
	dhat__lock();
	if (dhat__prof.state == DHAT__IDLE ||
	    dhat__prof.state == DHAT__FINISHING)
		err = "dhat: getting heap stats when no profiler is running";
	else if (dhat__prof.state == DHAT__POST_ASSERT)
		err = "dhat: getting heap stats after the profiler has "
		    "asserted";
	else if (dhat__prof.cfg.mode == DHAT__MODE_AD_HOC)
		err = "dhat: getting heap stats while doing ad hoc profiling";
	else if (dhat__prof.cfg.mode == DHAT__MODE_COPY)
		err = "dhat: getting heap stats while doing copy profiling";
	else {
		dhat__oplog_sync();
		s = dhat__heap_stats();
	}
	dhat__unlock();
	dhat__leave(g);
	if (err != NULL)
		dhat__panic(err);
	return s;
}
