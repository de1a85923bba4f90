/* SPDX-License-Identifier: MIT */
/*
 * profiler.h - the profiler's state and settings, read and written under
 * the lock (profiler.c).
 */
#ifndef DHAT_PROFILER_H
#define DHAT_PROFILER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dhat.h"
#include "ending.h"

enum dhat__state {
	DHAT__IDLE = 0,      /* no profiler */
	DHAT__RUNNING,       /* counting */
	DHAT__FINISHING,     /* dropped, the profile is being written */
	DHAT__POST_ASSERT    /* testing mode after a failed assertion */
};

/* What a profiler counts: allocations, the program's ad hoc events, or
 * the copies libdhat-copy reports (copy.c). */
enum dhat__mode { DHAT__MODE_HEAP = 0, DHAT__MODE_AD_HOC, DHAT__MODE_COPY };

/* The file a profile of MODE is written to when none is named. */
const char *dhat__mode_file_name(enum dhat__mode mode);

struct dhat__config {
	enum dhat__mode mode;
	bool testing;
	bool eprint_json;
	bool quiet;          /* no summary on stderr (dhat-run --quiet) */
	bool no_stack_cache; /* every stack unwound (stack.c) */
	enum dhat_time_unit time_unit;
	size_t max_frames;   /* already clamped to >= 4; SIZE_MAX: all */
	char *file_name;     /* NULL: the mode's default */
	struct dhat__ending ending; /* how the profile came to be written */
	uint64_t interval_ms;  /* rewrite the profile this often; 0: never */
	bool rewrite;        /* an interval's rewrite: only over a regular
			      * file, and no message (snapshot.c) */
	const char *status_file; /* dhat-run's record of profiles not
				  * written (never freed), or NULL */
	uint64_t run_start;  /* when the dhat-run run this process belongs
			      * to started (ns since the epoch, coarse, as
			      * file times); 0: none */
};

struct dhat__prof {
	enum dhat__state state;
	uint64_t gen;        /* bumped per profiler: stale handles, blocks */
	struct dhat__config cfg;
	uint64_t start_ns;   /* CLOCK_MONOTONIC at start */
	pid_t owner_pid;     /* process that started it (fork) */
	pid_t writer_tid;    /* the thread writing it (FINISHING) */
	int readers;         /* snapshots being written from its stacks */
	pid_t reader_tid;    /* the thread writing one */
};
extern struct dhat__prof dhat__prof;

uint64_t dhat__clock_ns(void);

/* Close the books of the running profiler and write its profile (unless
 * WRITE is false), as cfg.ending says it ends (profiler.c).  Under the
 * lock, state RUNNING; returns under the lock, state FINISHING: the
 * caller says what comes next. */
void dhat__profile_close(bool write);

/* The Rust crate's panic: MSG and a newline on stderr, then abort(). */
DHAT_NORETURN void dhat__panic(const char *msg);

#endif
