/* SPDX-License-Identifier: MIT */
/*
 * preload.c - the profiler of an unmodified program: started before main
 * when dhat-run (or a user, through the DHAT_* variables) preloads
 * libdhat, finished at exit.
 *
 * Nothing happens unless DHAT_RUN is set AND libdhat came in through
 * LD_PRELOAD.  A program that links libdhat itself is profiled too, until
 * it starts a profiler of its own: dhat-run's then writes its profile and
 * makes way (dhat__preload_yield), so that the program's profilers work
 * as they would without dhat-run.  Variables are read with
 * secure_getenv, so set-user-ID programs ignore them.
 *
 * Process trees.  The first process (the "root") writes to the output
 * name as given; it marks the environment so that every other process
 * knows it is not the root: DHAT_RUN=1 becomes DHAT_RUN=1:PID:START in
 * place, START being when the run started (writer.c: no process of a run
 * overwrites the profile of another, even when a pid is reused).
 * A forked child starts a fresh profile at the fork and, like any process
 * that is not the root, writes to a name of its own: "%p" in the name is
 * its pid, and a name without "%p" gets ".PID" before ".json".  An exec'd
 * program is profiled afresh (follow) unless DHAT_FOLLOW=0 removed libdhat
 * and the DHAT_* variables from the environment at start-up.
 */
#include "config.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "eprint.h"
#include "file_name.h"
#include "guard.h"
#include "heap.h"
#include "lock.h"
#include "memory.h"
#include "preload.h"
#include "profiler.h"
#include "frame_cache.h"
#include "snapshot.h"
#include "settings.h"
#include "symbolize.h"

extern char **environ;

/* The variables that carry dhat-run's options. */
static const char *const run_vars[] = { "DHAT_RUN", "DHAT_OUTPUT",
	"DHAT_MODE", "DHAT_FRAMES", "DHAT_TIME_UNIT", "DHAT_QUIET",
	"DHAT_FOLLOW", "DHAT_SIGNAL", "DHAT_STACK_CACHE",
	"DHAT_DEBUG_COPIES", "DHAT_FRAME_CACHE", "DHAT_INTERVAL",
	"DHAT_SKIP", "DHAT_ONLY",
	"DHAT_STATUS_FILE" };

static struct {
	struct dhat_profiler *prof;
	uint64_t gen;        /* dhat__prof.gen of ours */
	char *pattern;       /* the output name as given, anchored */
	char *status_file;   /* DHAT_STATUS_FILE, kept for the writer */
	/* "DHAT_RUN=1:PID:START", pointed to by the environment of the
	 * root. */
	char marker[64];
} run;

static void
warn(const char *var, const char *value, const char *what)
{
	char line[512];

	snprintf(line, sizeof(line), "dhat: %s=%s: %s\n", var, value, what);
	dhat__eprint(line);
}

/* ---- the environment, edited in place ---------------------------------- */

/*
 * The environment array at start-up is the one main() gets as its third
 * argument, so entries are replaced or removed in that array rather than
 * through setenv(), which would give environ a new array that envp does
 * not see.  Nothing here allocates.
 */
static char **
env_slot(const char *name)
{
	size_t n = strlen(name);

	if (environ == NULL)
		return NULL;
	for (char **e = environ; *e != NULL; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return e;
	return NULL;
}

static void
env_remove(const char *name)
{
	char **e;

	while ((e = env_slot(name)) != NULL)
		do
			e[0] = e[1];
		while (*e++ != NULL);
}

/* Two paths name the same file. */
static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* An LD_PRELOAD entry of LEN bytes at ENTRY is this library (SELF).  A
 * bare name is searched for by the loader: compare the file names. */
static bool
is_self(const char *entry, size_t len, const char *self)
{
	char path[PATH_MAX];
	const char *base;

	if (len == 0 || len >= sizeof(path))
		return false;
	memcpy(path, entry, len);
	path[len] = '\0';
	if (strchr(path, '/') != NULL)
		return same_file(path, self);
	base = strrchr(self, '/');
	base = base != NULL ? base + 1 : self;
	return strcmp(path, base) == 0 ||
	    (strncmp(path, "libdhat.so", 10) == 0 &&
		strncmp(base, "libdhat.so", 10) == 0);
}

/* Where this library was loaded from. */
static const char *
self_path(void)
{
	Dl_info info;

	if (dladdr((void *)self_path, &info) == 0 || info.dli_fname == NULL)
		return NULL;
	return info.dli_fname;
}

/* LD_PRELOAD names this library. */
static bool
preloaded(const char *self)
{
	char **slot = env_slot("LD_PRELOAD");
	const char *p;

	if (self == NULL || slot == NULL || secure_getenv("LD_PRELOAD") == NULL)
		return false;
	for (p = *slot + 11; *p != '\0';) {
		size_t n = strcspn(p, ": ");
		if (is_self(p, n, self))
			return true;
		p += n;
		p += strspn(p, ": ");
	}
	return false;
}

/* Take this library out of LD_PRELOAD, in place (the value only shrinks);
 * an LD_PRELOAD left empty goes. */
static void
unpreload(const char *self)
{
	char **slot = env_slot("LD_PRELOAD");
	char *w, *r;
	bool empty = true;

	if (slot == NULL)
		return;
	w = r = *slot + 11;
	while (*r != '\0') {
		size_t n = strcspn(r, ": ");
		if (!is_self(r, n, self)) {
			if (!empty)
				*w++ = ':';
			memmove(w, r, n);
			w += n;
			empty = false;
		}
		r += n;
		r += strspn(r, ": ");
	}
	*w = '\0';
	if (empty)
		env_remove("LD_PRELOAD");
}

/* ---- names ------------------------------------------------------------- */

/* PATTERN anchored in the working directory, so that a program that
 * changes directory writes where it started.  A '%' of the directory's
 * name is doubled: it is no escape. */
static char *
anchor(const char *pattern)
{
	char cwd[PATH_MAX];
	size_t n = 0, k;
	char *out;

	if (pattern[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	for (const char *c = cwd; *c != '\0'; c++)
		n += *c == '%' ? 2 : 1;
	k = strlen(pattern);
	out = dhat__own_malloc(n + 1 + k + 1);
	if (out == NULL)
		return NULL;
	n = 0;
	for (const char *c = cwd; *c != '\0'; c++) {
		if (*c == '%')
			out[n++] = '%';
		out[n++] = *c;
	}
	if (n > 0 && out[n - 1] != '/')
		out[n++] = '/';
	memcpy(out + n, pattern, k + 1);
	return out;
}

/* The name a process other than the root writes to. */
static char *
descendant_name(const char *pattern)
{
	if (dhat__name_has_pid(pattern)) {
		char *copy = dhat__own_malloc(strlen(pattern) + 1);
		if (copy != NULL)
			strcpy(copy, pattern);
		return copy;
	}
	return dhat__name_insert(pattern, ".%p");
}

/* ---- life cycle -------------------------------------------------------- */

/*
 * A forked child starts a fresh profile: its own allocations from the
 * fork on, with blocks inherited from the parent treated like blocks from
 * before the profiler, the clock restarted, and its own file.  Runs after
 * the core's child handler (registered first), which has given the child a
 * fresh lock.
 */
static void
fork_child(void)
{
	char *name;
	int g, from;

	if (run.prof == NULL)
		return;
	g = dhat__enter();
	dhat__lock();
	if (dhat__prof.gen == run.gen && dhat__prof.state == DHAT__RUNNING) {
		dhat__heap_reset();
		dhat__prof.owner_pid = getpid();
		dhat__prof.start_ns = dhat__clock_ns();
		/* Off the child's heap too (preload_start). */
		from = dhat__own_from;
		dhat__own_from = DHAT__OWN_BOOT;
		name = descendant_name(run.pattern);
		dhat__own_from = from;
		if (name != NULL) {
			dhat__own_free(dhat__prof.cfg.file_name);
			dhat__prof.cfg.file_name = name;
		}
	}
	dhat__unlock();
	dhat__snapshot_forget();
	dhat__leave(g);
}

/* Now, on the clock of file times (the coarse one, which the kernel
 * stamps files with), in nanoseconds since the epoch. */
static uint64_t
run_clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME_COARSE, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* DHAT_RUN: 0 off, 1 on and this process claims the root, 2 on and the
 * root is *ROOT, the run having started at *START (0 when the marker
 * does not say, as an older libdhat's "1:PID"). */
static int
activation(const char *v, long *root, uint64_t *start)
{
	bool on;
	char *end;

	if (v == NULL || *v == '\0')
		return 0;
	if (dhat__bool_parse(v, &on))
		return on ? 1 : 0;
	if (strncmp(v, "1:", 2) == 0 && v[2] >= '1' && v[2] <= '9') {
		errno = 0;
		*root = strtol(v + 2, &end, 10);
		if (*end == ':' && end[1] >= '0' && end[1] <= '9')
			*start = strtoull(end + 1, &end, 10);
		if (*end == '\0' && errno == 0)
			return 2;
	}
	warn("DHAT_RUN", v, "not 0 or 1: not profiling");
	return 0;
}

/* What dhat-run asks of the profiler, from the DHAT_* variables. */
struct run_settings {
	bool follow, quiet, stack_cache;
	enum dhat__mode mode;
	size_t frames;          /* 0: libdhat's default */
	unsigned long interval;
	int sig, unit;
};

/* Reads the DHAT_* variables into *S (the output pattern into
 * run.pattern); a bad value draws one warning and is left out. */
static void
read_settings(struct run_settings *s)
{
	const char *v;

	*s = (struct run_settings){ .follow = true, .stack_cache = true,
	    .sig = SIGUSR2, .unit = DHAT_TIME_US };
	if ((v = secure_getenv("DHAT_MODE")) != NULL) {
		if (strcmp(v, "ad-hoc") == 0)
			s->mode = DHAT__MODE_AD_HOC;
		else if (strcmp(v, "copy") == 0)
			s->mode = DHAT__MODE_COPY;
		else if (strcmp(v, "heap") != 0)
			warn("DHAT_MODE", v, "not heap, ad-hoc or copy: using "
			    "heap");
	}
	if ((v = secure_getenv("DHAT_FRAMES")) != NULL &&
	    !dhat__frames_parse(v, &s->frames))
		warn("DHAT_FRAMES", v, "not a positive number or all: ignored");
	if ((v = secure_getenv("DHAT_TIME_UNIT")) != NULL) {
		if (strcmp(v, "bytes") == 0)
			s->unit = DHAT_TIME_BYTES;
		else if (strcmp(v, "us") != 0)
			warn("DHAT_TIME_UNIT", v, "not us or bytes: using us");
	}
	if ((v = secure_getenv("DHAT_QUIET")) != NULL &&
	    !dhat__bool_parse(v, &s->quiet))
		warn("DHAT_QUIET", v, "not 0 or 1: ignored");
	if ((v = secure_getenv("DHAT_FOLLOW")) != NULL &&
	    !dhat__bool_parse(v, &s->follow))
		warn("DHAT_FOLLOW", v, "not 0 or 1: ignored");
	if ((v = secure_getenv("DHAT_STACK_CACHE")) != NULL &&
	    !dhat__bool_parse(v, &s->stack_cache))
		warn("DHAT_STACK_CACHE", v, "not 0 or 1: ignored");
	if ((v = secure_getenv("DHAT_SIGNAL")) != NULL &&
	    (s->sig = dhat__signal_parse(v)) < 0) {
		warn("DHAT_SIGNAL", v, "not a usable signal: no snapshots");
		s->sig = 0;
	}
	if ((v = secure_getenv("DHAT_INTERVAL")) != NULL &&
	    !dhat__interval_parse(v, &s->interval))
		warn("DHAT_INTERVAL", v, "not a number of seconds: ignored");
	if ((v = secure_getenv("DHAT_STATUS_FILE")) != NULL && v[0] == '/' &&
	    (run.status_file = dhat__own_malloc(strlen(v) + 1)) != NULL)
		strcpy(run.status_file, v);
	v = secure_getenv("DHAT_OUTPUT");
	if (v == NULL || *v == '\0')
		v = s->mode == DHAT__MODE_AD_HOC ? "dhat-ad-hoc.%p.json" :
		    s->mode == DHAT__MODE_COPY ? "dhat-copy.%p.json" :
		    "dhat-heap.%p.json";
	run.pattern = anchor(v);
}

/* The profiler that S asks for, writing to NAME, of the run that
 * started at START. */
static struct dhat_profiler *
build_profiler(const struct run_settings *s, const char *name,
    uint64_t start)
{
	struct dhat_builder *b = dhat_builder_new();

	if (s->mode == DHAT__MODE_AD_HOC)
		b = dhat_builder_ad_hoc(b);
	else if (s->mode == DHAT__MODE_COPY)
		b = dhat_builder_copy(b);
	b = dhat_builder_file_name(b, name);
	if (s->frames != 0)
		b = dhat_builder_trim_backtraces(b, s->frames);
	b = dhat_builder_time_unit(b, (enum dhat_time_unit)s->unit);
	b = dhat_builder_interval(b, s->interval);
	if (s->quiet)
		b = dhat__builder_quiet(b);
	b = dhat__builder_run_start(b, start);
	b = dhat__builder_status_file(b, run.status_file);
	if (!s->stack_cache)
		b = dhat_builder_no_stack_cache(b);
	return dhat_builder_build(b);
}

/* Whether NAME matches one of the globs of LIST, "GLOB,GLOB,...". */
static bool
listed(const char *list, const char *name)
{
	char glob[256];

	while (*list != '\0') {
		size_t n = strcspn(list, ",");

		if (n > 0 && n < sizeof(glob)) {
			memcpy(glob, list, n);
			glob[n] = '\0';
			if (fnmatch(glob, name, 0) == 0)
				return true;
		}
		list += n + (list[n] == ',');
	}
	return false;
}

/* Whether this program is one to profile: not one DHAT_SKIP names, and
 * one DHAT_ONLY names when it is set (dhat-run --skip, --follow).  A
 * program that is not runs with libdhat idle, and its children are
 * still followed. */
static bool
wanted(void)
{
	const char *skip = secure_getenv("DHAT_SKIP");
	const char *only = secure_getenv("DHAT_ONLY");
	char name[NAME_MAX + 1];

	if ((skip == NULL || *skip == '\0') && (only == NULL || *only == '\0'))
		return true;
	dhat__program_name(name, sizeof(name));
	if (skip != NULL && listed(skip, name))
		return false;
	return only == NULL || *only == '\0' || listed(only, name);
}

/* This process is dhat-run's root (ACT 1): later processes of the run
 * find when it started, and its pid, in DHAT_RUN. */
static uint64_t
mark_root(void)
{
	char **slot = env_slot("DHAT_RUN");
	uint64_t start = run_clock();

	snprintf(run.marker, sizeof(run.marker), "DHAT_RUN=1:%ld:%llu",
	    (long)getpid(), (unsigned long long)start);
	if (slot != NULL)
		*slot = run.marker;
	return start;
}

static void
start_run(void)
{
	struct run_settings set;
	const char *self;
	bool root, want;
	long root_pid = 0;
	uint64_t start = 0;
	int act, g;
	char *name = NULL;

	act = activation(secure_getenv("DHAT_RUN"), &root_pid, &start);
	if (act == 0)
		return;
	g = dhat__enter();
	self = self_path();
	if (!preloaded(self)) {
		/* Linked or dlopen'ed, not preloaded: not dhat-run's. */
		dhat__leave(g);
		return;
	}
	/* Kept now, before DHAT_FOLLOW=0 removes it from the environment:
	 * the profile is written at exit. */
	dhat__symbolize_copies(secure_getenv("DHAT_DEBUG_COPIES"));
	dhat__frame_cache_dir(secure_getenv("DHAT_FRAME_CACHE"));
	root = act == 1 || root_pid == (long)getpid();
	if (act == 1)
		start = mark_root();
	read_settings(&set);
	want = wanted();
	/* Settings read: now the environment may change. */
	if (!set.follow) {
		unpreload(self);
		for (size_t i = 0; i < sizeof(run_vars) / sizeof(run_vars[0]);
		     i++)
			env_remove(run_vars[i]);
	}
	/* Out of memory for a descendant's name: never fall back to the
	 * root's. */
	if (run.pattern == NULL || !want ||
	    (!root && (name = descendant_name(run.pattern)) == NULL)) {
		dhat__leave(g);
		return;
	}
	run.prof = build_profiler(&set, name != NULL ? name : run.pattern,
	    start);
	dhat__own_free(name);
	if (run.prof == NULL) {
		dhat__leave(g);
		return;
	}
	run.gen = dhat__prof.gen;
	/* The profile is written when the process ends (ending.c, fatal.c);
	 * the program's own exit handlers, registered later, run first:
	 * what they free is counted. */
	pthread_atfork(NULL, NULL, fork_child);
	if (set.sig > 0)
		(void)dhat__snapshot_install(set.sig);
	dhat__leave(g);
}

/* What setting up allocates for itself comes from the boot arena, off the
 * program's heap (memory.h). */
static void
preload_start(void)
{
	int from = dhat__own_from;

	dhat__own_from = DHAT__OWN_BOOT;
	start_run();
	dhat__own_from = from;
}

void
dhat__preload_yield(void)
{
	struct dhat_profiler *p;
	bool ours;
	int g;

	/* Taken once: two threads that build profilers at once must not
	 * both drop it. */
	if (__atomic_load_n(&run.prof, __ATOMIC_ACQUIRE) == NULL ||
	    (p = __atomic_exchange_n(&run.prof, NULL, __ATOMIC_ACQ_REL)) ==
	    NULL)
		return;
	g = dhat__enter();
	dhat__lock();
	ours = dhat__prof.gen == run.gen && dhat__prof.state == DHAT__RUNNING;
	dhat__unlock();
	dhat__leave(g);
	if (!ours)
		return;
	if (!dhat__prof.cfg.quiet)
		dhat__eprint("dhat: the program starts a profiler of its own: "
		    "dhat-run's profile of it ends here\n");
	dhat_profiler_drop(p);
}

void
dhat__preload_decide(void)
{
	static int started;
	int undecided = DHAT__HEAP_UNDECIDED;

	if (!__atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL))
		preload_start();
	(void)__atomic_compare_exchange_n(&dhat__heap_running, &undecided, 0,
	    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* When no allocation came first. */
__attribute__((constructor)) static void
preload_constructor(void)
{
	dhat__preload_decide();
}
