/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - instruction pointers to DHAT frame strings, with elfutils.
 *
 * Used once, when a profile is written: capture stores raw addresses only.
 * The caller holds libdhat's re-entrancy guard, so the allocations made
 * here (libdw's tables, the strings) are never counted.
 */
#ifndef DHAT_SYMBOLIZE_H
#define DHAT_SYMBOLIZE_H

#include <stdbool.h>
#include <stdint.h>

struct dhat__symbolizer;

/* What a frame means for the stack it is in. */
enum dhat__frame_kind {
	DHAT__FRAME_NORMAL = 0,
	/* Below main or a thread's start routine (__libc_start_*, _start,
	 * start_thread, clone*): the stack ends before this frame, unless
	 * nothing but the allocator frame comes before it (its strings are
	 * emitted for that case).  The capture drops these frames by address
	 * already (stack.c); the names catch those of a cut stack or of
	 * another C library. */
	DHAT__FRAME_OUTER = 1,
};

/* Called once per frame string, innermost inlined call first.  FRAME is
 * "0x<ip>: <function> (<file>:<line>:<col>)" or
 * "0x<ip>: <symbol> (in <object>)"; it is valid during the call only. */
typedef int (*dhat__frame_fn)(void *ctx, const char *frame);

/*
 * DIR holds decompressed copies of separate debug files, BUILD-ID.debug,
 * that dhat-run prepared (DHAT_DEBUG_COPIES): a module whose build ID has
 * a copy there reads the copy instead of the debug file it names.  Called
 * at start-up (lib/preload.c), so that a program that later changes its
 * environment still finds them; NULL, empty or a relative path: none.
 */
void dhat__symbolize_copies(const char *dir);

/* Report the modules mapped in this process now.  NULL when out of memory
 * or when elfutils cannot read /proc/self/maps. */
struct dhat__symbolizer *dhat__symbolizer_new(void);

/* A module that was mapped at BIAS (its l_addr), over [LO, HI), up to
 * module generation GEN (dhat__module_gen), and has been unloaded.  Its
 * file is read only if it still has the build ID the module had (when
 * it had one). */
struct dhat__gone_module {
	const char *path;
	uintptr_t bias, lo, hi;
	uint64_t gen;
	const unsigned char *build_id;
	size_t build_id_len;
};

/* The same, plus the N modules of GONE (oldest first), each read from its
 * file at its old address when a stack needs it, so that stacks captured
 * while they were loaded still name their functions, even where another
 * module has been mapped since. */
struct dhat__symbolizer *dhat__symbolizer_new_with(
    const struct dhat__gone_module *gone, size_t n);
void dhat__symbolizer_free(struct dhat__symbolizer *s);

/*
 * Which module's code IP was when captured at module generation GEN (a
 * program point's modgen): 0 for the modules mapped now, else one of the
 * gone modules.  Frames are the same for the same IP and era.
 */
unsigned dhat__symbolize_era(const struct dhat__symbolizer *s, uintptr_t ip,
    uint64_t gen);

/*
 * Describe IP, in ERA.  RETURN_ADDRESS is true for every frame but the
 * innermost: the source position is then looked up at IP - 1, inside the
 * call, while the string still shows IP itself.  EMIT is not called for an
 * OUTER frame.  Returns the frame's kind, or -1 when EMIT returned
 * non-zero (its value is lost; the caller keeps its own error state).
 */
int dhat__symbolize(struct dhat__symbolizer *s, uintptr_t ip, unsigned era,
    bool return_address, dhat__frame_fn emit, void *ctx);

#endif
