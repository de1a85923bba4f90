/* SPDX-License-Identifier: MIT */
/*
 * profile.h - the in-memory model of one DHAT profile (dhatFileVersion 2),
 * its streaming reader and its writer, shared by the dhat tools.
 *
 * A profile is a header, a frame table (strings stored once, index 0 is
 * "[root]") and an array of program points (PPs).  Each PP holds the
 * per-stack counters as u64 and its stack as indices into the frame
 * table, innermost frame first.  Every pointer handed out stays valid
 * until dtool_profile_free(), also while PPs and frames are being added:
 * storage grows in chunks and is never moved.
 *
 * Reading validates what Valgrind's viewer requires and a little more
 * (see dhat-json(5)): a profile returned by dtool_profile_read() has all
 * required fields, unique stacks, and frame indices in 1..nframes-1.
 */
#ifndef DTOOL_PROFILE_H
#define DTOOL_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dtool_profile;	/* opaque */

/* Bits of dtool_header.have: optional top-level fields that were present. */
#define DTOOL_H_TUTH	0x01u
#define DTOOL_H_TG	0x02u
#define DTOOL_H_STATUS	0x04u	/* end.status */
#define DTOOL_H_SIGNAL	0x08u	/* end.signal */

struct dtool_header {
	uint64_t version;	/* dhatFileVersion: always 2 */
	const char *mode;	/* "heap", "ad-hoc", "copy", "rust-heap"... */
	const char *verb;	/* "Allocated", "Occurred", "Copied" */
	bool bklt;		/* block lifetimes: tg, tuth, tl, mb..ebk */
	bool bkacc;		/* block accesses: rb, wb, acc */
	const char *bu;		/* byte unit, singular; NULL when absent */
	const char *bsu;	/* byte unit, plural; NULL when absent */
	const char *bksu;	/* block unit, plural; NULL when absent */
	const char *tu;		/* time unit ("instrs", "µs", "B") */
	const char *Mtu;	/* a million time units ("Minstr", "s") */
	const char *cmd;	/* command line */
	uint64_t pid;
	uint64_t te;		/* t-end, in tu */
	uint64_t tg;		/* t-gmax, in tu; when have & DTOOL_H_TG */
	uint64_t tuth;		/* short-lived threshold; DTOOL_H_TUTH */
	unsigned have;		/* DTOOL_H_* */
	const char *incomplete;	/* why the profile is incomplete (the
				 * "incomplete" and "incompleteReason"
				 * fields of libdhat); NULL: complete */
	/* How the process ended (libdhat's "end"): by is NULL when the
	 * profile does not say. */
	struct dtool_end {
		const char *by;		/* "exit", "signal", "drop", ... */
		uint64_t status;	/* when have & DTOOL_H_STATUS */
		uint64_t signal;	/* when have & DTOOL_H_SIGNAL */
		const char *signal_name; /* or NULL */
	} end;
	bool partial;		/* written while the process went on */
	/* Memory over time (libdhat's "timeline"): NTIMELINE points, each
	 * {t, bytes, blocks} live at time t in tu, t not decreasing;
	 * NULL when the profile has none. */
	const uint64_t (*timeline)[3];
	size_t ntimeline;
};

/* Bits of dtool_pp.have: optional per-PP fields that were present.
 * tb, tbk and fs are always present. */
#define DTOOL_PP_TL	0x001u
#define DTOOL_PP_MB	0x002u
#define DTOOL_PP_MBK	0x004u
#define DTOOL_PP_GB	0x008u
#define DTOOL_PP_GBK	0x010u
#define DTOOL_PP_EB	0x020u
#define DTOOL_PP_EBK	0x040u
#define DTOOL_PP_RB	0x080u
#define DTOOL_PP_WB	0x100u
#define DTOOL_PP_ACC	0x200u
/* What bklt and bkacc oblige a PP to have (tl is not checked by the viewer
 * and so not by us either; it reads as 0 when absent). */
#define DTOOL_PP_BKLT	(DTOOL_PP_MB | DTOOL_PP_MBK | DTOOL_PP_GB | \
			 DTOOL_PP_GBK | DTOOL_PP_EB | DTOOL_PP_EBK)
#define DTOOL_PP_BKACC	(DTOOL_PP_RB | DTOOL_PP_WB)

struct dtool_pp {
	uint64_t tb, tbk;	/* total bytes, blocks */
	uint64_t tl;		/* total lifetimes */
	uint64_t mb, mbk;	/* this PP's own peak */
	uint64_t gb, gbk;	/* live at t-gmax */
	uint64_t eb, ebk;	/* live at t-end */
	uint64_t rb, wb;	/* bytes read, written */
	unsigned have;		/* DTOOL_PP_*; absent fields are 0 */
	uint32_t nfs;		/* number of frames */
	const uint32_t *fs;	/* frame indices, innermost first */
	uint32_t nacc;		/* length of acc, 0 when absent */
	const int32_t *acc;	/* run-length encoded as in the file:
				 * -N means "next value N times"; values
				 * are 0..65535 */
};

/* The kind of profile MODE names, for telling which profiles can be
 * compared or merged: the Rust crate's "rust-heap" and "rust-ad-hoc" are
 * "heap" and "ad-hoc" profiles like libdhat's and Valgrind's. */
const char *dtool_mode_kind(const char *mode);

/*
 * Reading.  PATH "-" is standard input.  On failure these return NULL
 * and put one line (no file name, no newline) into ERR, for instance
 * "invalid JSON at byte 17: expected ':'" or "program point 3: missing
 * field 'gb'".  They never print and never exit, except that running
 * out of memory exits through the err.h allocators.
 */
struct dtool_profile *dtool_profile_read(const char *path, char *err,
    size_t errlen);
struct dtool_profile *dtool_profile_read_fd(int fd, char *err,
    size_t errlen);
/* The same from the LEN bytes at DATA (not NUL-terminated, never
 * written); the fuzzer's entry point.  Byte offsets in messages count
 * from DATA. */
struct dtool_profile *dtool_profile_read_mem(const void *data, size_t len,
    char *err, size_t errlen);
void dtool_profile_free(struct dtool_profile *p);

/* Access.  Indices are checked only by assertions: stay in range. */
const struct dtool_header *dtool_profile_header(const struct dtool_profile *p);
size_t dtool_profile_npps(const struct dtool_profile *p);
const struct dtool_pp *dtool_profile_pp(const struct dtool_profile *p,
    size_t i);
size_t dtool_profile_nframes(const struct dtool_profile *p);
/* PP I, whose counters (not its stack) the caller may change. */
struct dtool_pp *dtool_profile_pp_edit(struct dtool_profile *p, size_t i);
const char *dtool_profile_frame(const struct dtool_profile *p, uint32_t i);

/*
 * Building (dhat-merge).  dtool_profile_new() copies the header and its
 * strings and starts a frame table holding "[root]".  intern_frame()
 * returns the index of S, adding it when new.  add_pp() copies PP with
 * its fs and acc arrays and returns the stored copy, whose counters the
 * caller may keep updating; find_pp() returns the stored PP with exactly
 * this stack or NULL.  Neither checks for duplicate stacks: call
 * find_pp() first, or dtool_profile_check() before writing.
 */
struct dtool_profile *dtool_profile_new(const struct dtool_header *h);
uint32_t dtool_profile_intern_frame(struct dtool_profile *p, const char *s);
struct dtool_pp *dtool_profile_add_pp(struct dtool_profile *p,
    const struct dtool_pp *pp);
struct dtool_pp *dtool_profile_find_pp(struct dtool_profile *p,
    const uint32_t *fs, uint32_t nfs);

/* The checks the reader applies after parsing: required fields for
 * bklt/bkacc, frame indices, unique stacks.  0 or -1 with ERR set. */
int dtool_profile_check(struct dtool_profile *p, char *err, size_t errlen);

/*
 * Sums.  A tool adds PPs' counters (merge: PPs of one stack; summarize
 * and diff: totals, tree nodes, groups), and a sum beyond 2^64-1 must be
 * an error, never a wrap.  dtool_pp_add() adds SRC's counters (tb to wb)
 * into DST: 0, or -1 with ERR set to "program point PPNO: the sum of
 * 'FIELD' is beyond 2^64-1" (DST is then partly updated).
 * dtool_profile_check_sums() is 0 when the counters of all P's PPs sum
 * within 2^64-1, so that no sum over some of them can overflow either;
 * else -1 with ERR set as by dtool_pp_add(), PPNO being the first PP
 * (from 1) at which a total overflows.
 */
int dtool_pp_add(struct dtool_pp *dst, const struct dtool_pp *src,
    size_t ppno, char *err, size_t errlen);
/* dtool_pp_add() for sums of a profile whose sums were checked: they
 * cannot overflow. */
void dtool_pp_sum(struct dtool_pp *dst, const struct dtool_pp *src);
int dtool_profile_check_sums(const struct dtool_profile *p, char *err,
    size_t errlen);

/*
 * Writing: DHAT JSON in Valgrind's compact layout, loadable by the viewer.
 * A regular file (or a new name) is written to a temporary file in the
 * same directory and renamed into place; an existing non-regular target
 * (/dev/stdout, a FIFO) is written directly; "-" is standard output.
 * 0 on success, -1 with ERR set ("writing FILE: reason") and no file
 * left behind.
 */
int dtool_profile_write(const struct dtool_profile *p, const char *path,
    char *err, size_t errlen);

#endif
