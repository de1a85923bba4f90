/* SPDX-License-Identifier: MIT */
/*
 * snapshot.c - write the running profile on a signal without stopping the
 * program (dhat-run --signal, DHAT_SIGNAL).
 *
 * Writing a profile allocates, takes locks and symbolizes: none of it is
 * async-signal-safe.  So the handler only raises a flag, and the next
 * allocation or free of any thread (dhat__snapshot_check in the counting
 * path) takes the snapshot: under the lock, so the picture is consistent,
 * with lifetimes and t-gmax figures closed at that moment exactly as a
 * drop would close them, and then reopened, so that the final profile is
 * the same as without the snapshot.  Threads that allocate meanwhile wait.
 * The file is the profile's name with ".snapshot-N" before ".json",
 * written atomically by the writer.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "dhat_private.h"
#include "run.h"

int dhat__snapshot_pending;

/* Snapshots written by this process so far (a forked child restarts). */
static unsigned count;

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

/* Undo dhat__heap_finish's lifetimes: the live blocks live on. */
static void
reopen_lifetime(const struct dhat__block *b, void *ctx)
{
	uint64_t te = *(const uint64_t *)ctx;

	dhat__pp_get(b->pp)->tl -= te - b->time;
}

void
dhat__snapshot_poll(void)
{
	struct dhat__config cfg;
	char insert[32];
	const char *name;
	uint64_t te;
	int e = errno;

	if (!__atomic_exchange_n(&dhat__snapshot_pending, 0, __ATOMIC_RELAXED))
		return;
	dhat__lock();
	if (dhat__prof.state != DHAT__RUNNING ||
	    dhat__prof.cfg.mode != DHAT__MODE_HEAP) {
		dhat__unlock();
		errno = e;
		return;
	}
	cfg = dhat__prof.cfg;
	name = cfg.file_name != NULL ? cfg.file_name : "dhat-heap.json";
	snprintf(insert, sizeof(insert), ".snapshot-%u", ++count);
	cfg.file_name = dhat__name_insert(name, insert);
	cfg.eprint_json = false;
	if (cfg.file_name != NULL) {
		te = dhat__heap_now();
		dhat__heap_finish(te);
		dhat__write_profile(&cfg, te, dhat__prof.owner_pid);
		dhat__live_foreach(reopen_lifetime, &te);
		__libc_free(cfg.file_name);
	}
	dhat__unlock();
	errno = e;
}
