/* SPDX-License-Identifier: MIT */
/*
 * writer.c - a profile written, and its summary on stderr: the program
 * points collected with their frames named (collect.c), the file chosen
 * (file_name.c), the JSON (json.c) written into a temporary file in the
 * target's directory which is then renamed over the target, or straight
 * into a target that exists and is not a regular file.
 * Runs with the guard set, so its allocations are never counted; they come
 * from glibc's allocator proper anyway and are all freed before returning.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collect.h"
#include "compress.h"
#include "eprint.h"
#include "heap.h"
#include "memory.h"
#include "profiler.h"
#include "writer.h"
#include "file_name.h"
#include "json.h"
#include "settings.h"
#include "snapshot.h"

static void
report_error(const char *file, int err)
{
	char line[4096];

	snprintf(line, sizeof line, "dhat: error: Writing to %s failed: %s\n",
	    file, err == ETIMEDOUT ? "nothing read it for "
	    DHAT__STRINGIFY(DHAT__OUTPUT_WAIT_S) " seconds" : strerror(err));
	dhat__eprint(line);
}

/* Is FILE a link to an open descriptor (/dev/stdout, /dev/fd/N,
 * /proc/self/fd/N)?  Those are written through, like the descriptor. */
static bool
fd_link(const char *file)
{
	char to[16];
	ssize_t n;

	if (strncmp(file, "/dev/", 5) == 0 || strncmp(file, "/proc/", 6) == 0)
		return true;
	n = readlink(file, to, sizeof to);
	return n >= 6 && strncmp(to, "/proc/", 6) == 0;
}

/*
 * Open FILE, which is no regular file, to write through it.  Without
 * blocking: a FIFO that nobody reads would hold the program's exit for
 * ever.  A named FIFO gets DHAT__OUTPUT_WAIT_S seconds for a reader to
 * open it; a pipe reached through a descriptor (/dev/stdout) whose
 * reader is gone will have none, and fails at once like a write would.
 */
static int
open_through(const char *file)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	struct stat st;
	bool named = lstat(file, &st) == 0 && S_ISFIFO(st.st_mode);
	int fd;

	for (int waited = 0;; waited += 50) {
		fd = open(file, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 || errno != ENXIO)
			return fd;
		if (!named) {
			if (stat(file, &st) == 0 && S_ISFIFO(st.st_mode))
				errno = EPIPE;
			return -1;
		}
		if (waited >= DHAT__OUTPUT_WAIT_S * 1000) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

/* A umask that takes away the owner's right to read gives a profile
 * nobody but root can read: worth a word. */
static void
warn_unreadable(const char *file, const struct stat *st)
{
	char line[4096];

	if ((st->st_mode & S_IRUSR) != 0)
		return;
	snprintf(line, sizeof line, "dhat: warning: %s cannot be read by its "
	    "owner (mode %04o, from the umask)\n", file,
	    (unsigned)(st->st_mode & 07777));
	dhat__eprint(line);
}

/* Write the JSON to FILE; 0 or an errno value. */
static int
save_file(const char *file, const struct dhat__collection *b,
    const struct dhat__config *cfg)
{
	static unsigned counter;
	struct stat st;
	char *tmp, *real = NULL;
	size_t n;
	int fd, err;

	if (lstat(file, &st) == 0 && S_ISLNK(st.st_mode) &&
	    stat(file, &st) == 0 && S_ISREG(st.st_mode) && !fd_link(file)) {
		/* A link to a regular file: replace the file it names, not
		 * the link (writing through it would append to an old
		 * profile; renaming over it would break the link). */
		real = realpath(file, NULL);
		if (real == NULL)
			return errno;
		file = real;
	}
	if (real == NULL && lstat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/stdout, a FIFO, /dev/null: write through, never
		 * rename over it; append so a redirected stdout keeps what
		 * the program printed. */
		fd = open_through(file);
		if (fd < 0)
			return errno;
		err = dhat__json_write(fd, b, cfg, true,
		    dhat__codec_of(file));
		if (close(fd) < 0 && err == 0)
			err = errno;
		return err;
	}
	n = strlen(file) + 48;
	tmp = dhat__malloc(n);
	if (tmp == NULL) {
		free(real);
		return ENOMEM;
	}
	for (;;) {
		snprintf(tmp, n, "%s.tmp.%ld.%u", file, (long)getpid(),
		    counter++);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		err = errno;
		dhat__own_free(tmp);
		free(real);
		return err;
	}
	if (fstat(fd, &st) != 0)
		st.st_mode = S_IRUSR;
	err = dhat__json_write(fd, b, cfg, true, dhat__codec_of(file));
	/* On the disk before it replaces the old file: a crash right after
	 * the rename must not leave an empty profile behind. */
	if (err == 0 && fsync(fd) < 0 && errno != EINVAL)
		err = errno;
	if (close(fd) < 0 && err == 0)
		err = errno;
	if (err == 0 && rename(tmp, file) < 0)
		err = errno;
	if (err != 0)
		unlink(tmp);
	else
		warn_unreadable(file, &st);
	dhat__own_free(tmp);
	free(real);
	return err;
}

/* The target of an interval's rewrite is a regular file, or none yet:
 * never a pipe, a terminal or a device, which would get one profile
 * after another. */
static bool
rewritable(const char *file)
{
	struct stat st;

	return stat(file, &st) != 0 || S_ISREG(st.st_mode);
}

static void
warn_incomplete(const struct dhat__config *cfg, const struct dhat__closed *c)
{
	char line[256], why[160];

	if (dhat__profile_incomplete(cfg, c, why, sizeof why)) {
		snprintf(line, sizeof line, "dhat: warning: the profile is "
		    "incomplete: %s\n", why);
		dhat__eprint(line);
	}
}

static void
summary(const struct dhat__config *cfg, const struct dhat__closed *c)
{
	struct dhat_heap_stats s = c->stats;
	char line[256], a[32], b[32];

	if (cfg->mode != DHAT__MODE_HEAP) {
		/* Events are kept in the same totals: units (or bytes
		 * copied) as bytes, events (or copies) as blocks. */
		bool copy = cfg->mode == DHAT__MODE_COPY;

		snprintf(line, sizeof line,
		    "dhat: Total:     %s %s in %s %s\n",
		    dhat__commas(a, s.total_bytes), copy ? "bytes" : "units",
		    dhat__commas(b, s.total_blocks),
		    copy ? "copies" : "events");
		dhat__eprint(line);
		warn_incomplete(cfg, c);
		return;
	}

	snprintf(line, sizeof line,
	    "dhat: Total:     %s bytes in %s blocks\n",
	    dhat__commas(a, s.total_bytes), dhat__commas(b, s.total_blocks));
	dhat__eprint(line);
	snprintf(line, sizeof line,
	    "dhat: At t-gmax: %s bytes in %s blocks\n",
	    dhat__commas(a, s.max_bytes), dhat__commas(b, s.max_blocks));
	dhat__eprint(line);
	snprintf(line, sizeof line,
	    "dhat: At t-end:  %s bytes in %s blocks\n",
	    dhat__commas(a, s.curr_bytes), dhat__commas(b, s.curr_blocks));
	dhat__eprint(line);
	warn_incomplete(cfg, c);
}

/* ---- signals and failures -------------------------------------------- */

/* The signals that writing may raise and that must not end the program:
 * SIGPIPE (the reader of a pipe went away) and SIGXFSZ (the file grew
 * past RLIMIT_FSIZE).  Either turns into a failed write instead. */
static const int write_signals[] = { SIGPIPE, SIGXFSZ };
#define NWRITE_SIGNALS (sizeof write_signals / sizeof write_signals[0])

struct sig_guard {
	sigset_t old;                   /* the thread's mask before */
	bool pending[NWRITE_SIGNALS];   /* already pending before */
};

/* Block the write signals in this thread, noting which were pending. */
static void
guard_signals(struct sig_guard *g)
{
	sigset_t set, pend;

	sigemptyset(&set);
	for (size_t i = 0; i < NWRITE_SIGNALS; i++)
		sigaddset(&set, write_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	if (sigpending(&pend) != 0)
		sigfillset(&pend);      /* unknown: take none away */
	for (size_t i = 0; i < NWRITE_SIGNALS; i++)
		g->pending[i] = sigismember(&pend, write_signals[i]) == 1;
}

/* Take away the write signals that our writing raised (those pending now
 * that were not before), then restore the thread's mask: the program
 * sees its own signal state, as if libdhat had written nothing. */
static void
unguard_signals(struct sig_guard *g)
{
	const struct timespec now = { 0, 0 };
	sigset_t pend, one;

	if (sigpending(&pend) != 0)
		sigemptyset(&pend);
	for (size_t i = 0; i < NWRITE_SIGNALS; i++) {
		if (g->pending[i] || sigismember(&pend, write_signals[i]) != 1)
			continue;
		sigemptyset(&one);
		sigaddset(&one, write_signals[i]);
		while (sigtimedwait(&one, NULL, &now) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* A profile could not be written: one line "PID" in dhat-run's status
 * file, which dhat-run --error-exitcode reads when the program ends.  The
 * file must exist (dhat-run made it): one that has gone is left gone. */
static void
record_failure(const struct dhat__config *cfg)
{
	char line[32];
	int fd, n;

	if (cfg->status_file == NULL)
		return;
	fd = open(cfg->status_file, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	(void)dhat__write_all(fd, line, (size_t)n);
	close(fd);
}

static bool write_profile(const struct dhat__config *cfg,
    const struct dhat__closed *c, pid_t owner_pid);

void
dhat__write_profile(const struct dhat__config *cfg,
    const struct dhat__closed *c, pid_t owner_pid)
{
	struct sig_guard g;
	int saved = errno;

	guard_signals(&g);
	if (!write_profile(cfg, c, owner_pid))
		record_failure(cfg);
	unguard_signals(&g);
	errno = saved;
}

/* Write the profile and the summary; false when no profile was saved. */
static bool
write_profile(const struct dhat__config *cfg, const struct dhat__closed *c,
    pid_t owner_pid)
{
	const char *name = cfg->file_name;
	struct dhat__collection b;
	char *file;
	char line[4096];
	int err = 0;

	if (name == NULL)
		name = dhat__mode_file_name(cfg->mode);
	if (!cfg->quiet)
		summary(cfg, c);
	file = dhat__file_expand(name, getpid());
	if (file == NULL) {
		report_error(name, ENOMEM);
		return false;
	}
	if (cfg->rewrite && !rewritable(file)) {
		/* Not a failure: rewrites go to regular files only. */
		dhat__own_free(file);
		return true;
	}
	if (getpid() != owner_pid && !dhat__name_has_pid(name)) {
		/* A forked child must not overwrite its parent's profile. */
		snprintf(line, sizeof line, "dhat: not saving the profile of "
		    "forked process %ld: %s belongs to process %ld "
		    "(use %%p in the file name)\n", (long)getpid(), file,
		    (long)owner_pid);
		dhat__eprint(line);
		dhat__own_free(file);
		return false;
	}
	file = dhat__file_own(file, cfg);
	if (file == NULL) {
		report_error(name, ENOMEM);
		return false;
	}
	if (dhat__collect(&b, c) < 0)
		err = ENOMEM;
	else
		err = save_file(file, &b, cfg);
	if (err != 0) {
		report_error(file, err);
	} else if (!cfg->quiet || cfg->eprint_json) {
		snprintf(line, sizeof line, "dhat: The data has been saved to "
		    "%s, and is viewable with dh_view.html or "
		    "dhat-summarize\n", file);
		dhat__eprint(line);
		if (cfg->eprint_json && dhat__stderr_ok()) {
			dhat__eprint("dhat: json = `");
			/* The closing quote right after the final brace. */
			(void)dhat__json_write(STDERR_FILENO, &b, cfg, false,
			    DHAT__PLAIN);
			dhat__eprint("`\n");
		}
	}
	dhat__collection_free(&b);
	dhat__own_free(file);
	return err == 0;
}
