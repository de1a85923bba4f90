/* SPDX-License-Identifier: MIT */
/*
 * snapshot.c - write the running profile on a signal without stopping the
 * program (dhat-run --signal, DHAT_SIGNAL).
 *
 * Writing a profile allocates, takes locks and symbolizes: none of it is
 * async-signal-safe.  So the handler only raises a flag, and the next
 * allocation or free of any thread (dhat__snapshot_check in the counting
 * path), or the next ad hoc event, takes the snapshot.
 *
 * It is written by a copy of the process.  The writer cannot run under
 * libdhat's lock: symbolizing takes the dynamic loader's locks (elfutils
 * loads libdebuginfod lazily, the demangler is looked up with dlsym),
 * while a thread inside dlopen() holds them and allocates, waiting for
 * ours: a deadlock, seen in testing.  fork() instead gives a frozen,
 * consistent copy of the tables (the core's fork handler holds the lock
 * across it) that no other thread touches; the copy closes the books at
 * its "now" exactly as a drop would, writes NAME.snapshot-N.json with the
 * program's pid and exits.  The thread that took the snapshot waits for
 * it (so no zombie is left behind); the other threads go on.  The program
 * may see a SIGCHLD.
 *
 * glibc resets the loader's main lock in a forked child but not its
 * write lock, which another thread may hold at the fork; so before
 * forking, one address of every module in the profile is symbolized here,
 * outside every lock, and the demangler is loaded: whatever elfutils
 * loads lazily is then loaded already, and the copy never needs that
 * lock.  An alarm ends a copy that hangs all the same.
 *
 * No snapshot is taken from an allocation made by the dynamic loader
 * (a frame of the stack lies in ld.so: dlopen, TLS set-up, constructors
 * run by dlopen), which holds its locks and where loading anything more
 * trips its assertions, nor while the loader is changing the list of
 * loaded objects (_r_debug.r_state, as debuggers see it), which a copy
 * would inherit half-changed.  One snapshot at a time.  A request that
 * cannot be served now stays pending for a later allocation.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <libunwind.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhat_private.h"
#include "run.h"
#include "symbolize.h"

/* Snapshots written by this process so far (a forked child restarts). */
static unsigned count;

/* Set in the thread that forks for a snapshot, so that the copy (whose
 * only thread is a copy of that one) knows what it is. */
static __thread int snapshot_fork __attribute__((tls_model("initial-exec")));

static int find_loader(struct dl_phdr_info *info, size_t size, void *ctx);

static void
handler(int sig)
{
	(void)sig;
	__atomic_store_n(&dhat__snapshot_pending, 1, __ATOMIC_RELAXED);
}

bool
dhat__snapshot_install(int sig)
{
	struct sigaction sa, old;
	Dl_info info;

	/* ld.so's code, while no other thread exists to load anything. */
	if (dladdr((void *)&_r_debug, &info) != 0 && info.dli_fbase != NULL)
		dl_iterate_phdr(find_loader, info.dli_fbase);
	dhat__snapshot_serve = dhat__snapshot_poll;

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
dhat__snapshot_forget(void)
{
	count = 0;
	__atomic_store_n(&dhat__snapshot_pending, 0, __ATOMIC_RELAXED);
}

bool
dhat__snapshot_forking(void)
{
	return snapshot_fork != 0;
}

char *
dhat__name_insert(const char *name, const char *insert)
{
	size_t n = strlen(name), k = strlen(insert), at = n;
	char *out;

	if (n > 5 && strcmp(name + n - 5, ".json") == 0)
		at = n - 5;
	out = __libc_malloc(n + k + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, name, at);
	memcpy(out + at, insert, k);
	memcpy(out + at + k, name + at, n - at + 1);
	return out;
}

/* The code of the dynamic loader, found at start-up. */
static uintptr_t ld_lo, ld_hi;

/* A snapshot is being taken. */
static int busy;

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
		if (ld_hi == 0 || lo < ld_lo)
			ld_lo = lo;
		if (hi > ld_hi)
			ld_hi = hi;
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
		if ((uintptr_t)ips[i] >= ld_lo && (uintptr_t)ips[i] < ld_hi)
			return true;
	return false;
}

/* Ask again at the next allocation. */
static void
later(void)
{
	__atomic_store_n(&dhat__snapshot_pending, 1, __ATOMIC_RELAXED);
}

/* How long a copy may take to write a snapshot before it is killed. */
#define SNAPSHOT_ALARM 600

static int
ignore_frame(void *ctx, const char *frame)
{
	(void)ctx;
	(void)frame;
	return 0;
}

/* Code ranges of the loaded objects, for warm_up. */
struct ranges {
	uintptr_t (*v)[2];
	size_t n, cap;
};

/* Code segments already symbolized once: elfutils' lazy loading happens
 * once per process, so a segment needs it only the first time. */
static struct {
	uintptr_t *v;
	size_t n, cap;
} warmed;

static bool
warmed_before(uintptr_t start)
{
	for (size_t i = 0; i < warmed.n; i++)
		if (warmed.v[i] == start)
			return true;
	if (warmed.n == warmed.cap) {
		size_t cap = warmed.cap != 0 ? 2 * warmed.cap : 64;
		uintptr_t *v = __libc_realloc(warmed.v, cap * sizeof(*v));
		if (v == NULL)
			return false;
		warmed.v = v;
		warmed.cap = cap;
	}
	warmed.v[warmed.n++] = start;
	return false;
}

static int
collect_range(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct ranges *r = ctx;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_X) == 0)
			continue;
		if (r->n == r->cap) {
			size_t cap = r->cap != 0 ? 2 * r->cap : 64;
			void *v = __libc_realloc(r->v, cap * sizeof(*r->v));
			if (v == NULL)
				return 1;
			r->v = v;
			r->cap = cap;
		}
		r->v[r->n][0] = info->dlpi_addr + ph->p_vaddr;
		r->v[r->n][1] = r->v[r->n][0] + ph->p_memsz;
		r->n++;
	}
	return 0;
}

/*
 * Symbolize one address of each object that the profile's stacks touch,
 * and load the demangler: outside every lock, in the program's process.
 * The loader's lock is taken once (dl_iterate_phdr), not per address: a
 * thread that loads libraries in a loop would starve us.  Best effort:
 * when out of memory the copy does the work itself.
 */
static void
warm_up(void)
{
	struct dhat__symbolizer *sym;
	struct ranges r = { NULL, 0, 0 };
	uintptr_t *ips = NULL;
	bool *done;
	size_t n = 0, cap = 0;

	dhat__lock();
	for (size_t i = 0; i < dhat__pp_count(); i++) {
		struct dhat__pp *pp = dhat__pp_get((uint32_t)i);
		for (size_t j = 0; j < pp->n_ips; j++) {
			if (n == cap) {
				uintptr_t *v;
				cap = cap != 0 ? 2 * cap : 1024;
				v = __libc_realloc(ips, cap * sizeof(*ips));
				if (v == NULL)
					break;
				ips = v;
			}
			if (n < cap)
				ips[n++] = pp->ips[j];
		}
	}
	dhat__unlock();

	dl_iterate_phdr(collect_range, &r);
	done = __libc_calloc(r.n + 1, sizeof(*done));
	sym = NULL;
	for (size_t i = 0; done != NULL && i < n; i++) {
		for (size_t k = 0; k < r.n; k++) {
			if (ips[i] < r.v[k][0] || ips[i] >= r.v[k][1])
				continue;
			if (!done[k]) {
				done[k] = true;
				if (warmed_before(r.v[k][0]))
					break;
				if (sym == NULL)
					sym = dhat__symbolizer_new();
				if (sym != NULL)
					(void)dhat__symbolize(sym, ips[i],
					    true, ignore_frame, NULL);
			}
			break;
		}
	}
	if (sym != NULL)
		dhat__symbolizer_free(sym);
	/* Global, so that the copy finds it with dlsym alone. */
	if (dlsym(RTLD_DEFAULT, "__cxa_demangle") == NULL)
		(void)dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_GLOBAL);
	__libc_free(done);
	__libc_free(r.v);
	__libc_free(ips);
}

/* In the copy, alone: close the books now and write. */
static void
write_snapshot(unsigned n, pid_t pid)
{
	struct dhat__config cfg;
	char insert[32];
	const char *name;
	uint64_t te;

	cfg = dhat__prof.cfg;
	name = cfg.file_name != NULL ? cfg.file_name :
	    cfg.mode == DHAT__MODE_HEAP ? "dhat-heap.json" : "dhat-ad-hoc.json";
	snprintf(insert, sizeof(insert), ".snapshot-%u", n);
	cfg.file_name = dhat__name_insert(name, insert);
	if (cfg.file_name == NULL) {
		dhat__eprint("dhat: error: snapshot: out of memory\n");
		return;
	}
	cfg.eprint_json = false;
	cfg.pid = pid;
	cfg.frozen_copy = true;
	te = dhat__heap_now();
	if (cfg.mode == DHAT__MODE_HEAP)
		dhat__heap_finish(te);
	dhat__write_profile(&cfg, te, dhat__prof.owner_pid);
}

void
dhat__snapshot_poll(void)
{
	char line[128];
	unsigned n;
	pid_t parent, child, r;
	int e = errno, ok, status;

	if (!__atomic_exchange_n(&dhat__snapshot_pending, 0, __ATOMIC_RELAXED))
		return;
	if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE)) {
		later();
		goto out;
	}
	if (!loader_at_rest() || in_loader()) {
		later();
		goto done;
	}
	dhat__lock();
	ok = dhat__prof.state == DHAT__RUNNING;
	dhat__unlock();
	if (!ok)
		goto done;
	warm_up();
	if (!loader_at_rest()) {
		/* A dlopen started meanwhile. */
		later();
		goto done;
	}
	n = ++count;
	parent = getpid();
	snapshot_fork = 1;
	child = fork();
	if (child == 0) {
		alarm(SNAPSHOT_ALARM);
		write_snapshot(n, parent);
		_exit(0);
	}
	snapshot_fork = 0;
	if (child < 0) {
		snprintf(line, sizeof(line), "dhat: error: snapshot %u: "
		    "fork: %s\n", n, strerror(errno));
		dhat__eprint(line);
		goto done;
	}
	/* The program's SIGCHLD handler may reap it first (ECHILD). */
	while ((r = waitpid(child, &status, 0)) < 0 && errno == EINTR)
		;
	if (r == child && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(line, sizeof(line), "dhat: error: snapshot %u: the "
		    "process writing it %s %d\n", n,
		    WIFSIGNALED(status) ? "was killed by signal" :
					  "exited with status",
		    WIFSIGNALED(status) ? WTERMSIG(status) :
					  WEXITSTATUS(status));
		dhat__eprint(line);
	}
done:
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
out:
	errno = e;
}
