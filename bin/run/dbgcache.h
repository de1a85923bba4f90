/* SPDX-License-Identifier: MIT */
/*
 * dbgcache.h - dhat-run's decompressed copies of separate debugging
 * information, prepared while the program runs.
 *
 * Debian's libc6-dbg ships libc's and ld.so's debug files with zlib-
 * compressed .debug_* sections, and libdw inflates every one of them when
 * it opens the file: much of the time each profiled process spends
 * writing its profile.  dhat-run has nothing to do while
 * the program runs, so a helper process of dhat-run writes decompressed
 * copies into the user's cache directory, where they stay for the next
 * runs (or, without a usable cache, into a private temporary directory),
 * which the program finds through DHAT_DEBUG_COPIES (lib/symbolize.c uses
 * a copy whose build ID matches).  Everything here fails silently:
 * without a copy, libdhat reads the original as before, with the same
 * result.
 */
#ifndef DHAT_RUN_DBGCACHE_H
#define DHAT_RUN_DBGCACHE_H

/* The variable that names the directory in the program's environment. */
#define DBGCACHE_ENV "DHAT_DEBUG_COPIES"

#include <stdbool.h>

/*
 * Before the program starts: find the objects worth a copy (libc, ld.so:
 * those whose separate debug file exists), then, with PERSISTENT, the
 * cache directory ($XDG_CACHE_HOME/dhat/debug or ~/.cache/dhat/debug)
 * and which copies it lacks; without PERSISTENT, or when the cache cannot
 * be used, make a private directory under $TMPDIR.  Returns the
 * directory's absolute path, or NULL when there is nothing to prepare or
 * no place for it.  Cheap: no file is read when the cache holds every
 * copy; otherwise only the section headers of the missing ones.
 */
const char *dbgcache_prepare(bool persistent);

/* The variable that names libdhat's directory of frame files. */
#define FRAMES_ENV "DHAT_FRAME_CACHE"

/*
 * The directory where libdhat keeps the frame strings of its profiles from
 * one run to the next (lib/frame_cache.h), $XDG_CACHE_HOME/dhat/frames or
 * ~/.cache/dhat/frames, made and trusted like the debug copies' directory
 * (the user's own, no one else may write to it); files unused for 30 days
 * are removed.  NULL when it cannot be used.
 */
const char *dbgcache_frames(void);

/* After the program has started (exec succeeded): fork the helper that
 * writes the missing copies.  Does nothing when dbgcache_prepare returned
 * NULL or the cache holds every copy. */
void dbgcache_start(void);

/* When the program has ended, and at dhat-run's exit: stop the helper,
 * remove its unfinished copy, and remove a private directory (never the
 * cache).  Safe to call more than once. */
void dbgcache_finish(void);

#endif
