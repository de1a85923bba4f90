/* SPDX-License-Identifier: MIT */
/*
 * frame.h - frames and stacks compared across profiles without their code
 * addresses, so that program points of two builds (dhat-diff) or of
 * several runs (dhat-merge) can be matched.
 *
 * A frame string is "0x<addr>: <function> (<location>)" where the
 * location is "<file>:<line>[:<col>]" or "in <object>"; other strings
 * ("[root]", a bare "0x1: ???") are taken as a function without a
 * location.  Its key under a matching rule:
 *
 *   DTOOL_MATCH_FUNCTION  "<function> (<base name of file>)" or
 *                         "<function> (in <object>)": no address, line
 *                         or column
 *   DTOOL_MATCH_LINE      "<function> (<base name of file>:<line>[:<col>])"
 *   DTOOL_MATCH_ADDRESS   the frame string itself
 *
 * Files are compared by base name because writers cut paths differently
 * (Valgrind keeps the base name, libdhat and the Rust crate the last
 * three components, which can include the checkout directory).
 *
 * Frames are matched on a normal form of their key (normal.c): glibc's
 * aliases of one function taken as one, C++ parameter lists and GCC's
 * "[clone ...]" suffixes, symbol versions and columns left out, objects
 * by base name.  Two frames match when their normal keys are equal; two
 * stacks (stacks.c) match when, without the frames the writers add
 * around the program's own, they have the same number of frames and
 * their keys match one by one.
 */
#ifndef DTOOL_FRAME_H
#define DTOOL_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

enum dtool_match {
	DTOOL_MATCH_FUNCTION, DTOOL_MATCH_LINE, DTOOL_MATCH_ADDRESS
};

/*
 * The frame string FRAME without its leading address: for
 * "0x1093C4: work (prog.c:8)" a pointer to "work (prog.c:8)" inside
 * FRAME.  Exactly one leading "0x", one or more hex digits (either case),
 * ':' and ' ' are skipped; any other string ("[root]", a frame without
 * an address) is returned unchanged.  Never allocates.
 */
const char *dtool_frame_strip_address(const char *frame);

/* Whether FRAME is the allocator's rather than the code that called it:
 * malloc and its kin or operator new and delete (libdhat's interposers,
 * Valgrind's preloaded wrappers), or Rust's standard library on its way
 * to the allocator (alloc::, core::, std::) and the Rust crate. */
bool dtool_frame_is_allocator(const char *frame);

/* FRAME as a site is shown: no address, and the file's base name and
 * line only ("work (prog.c:16)"), into BUF (LEN bytes). */
const char *dtool_frame_short(char *buf, size_t len, const char *frame);

/* "function", "line" or "address"; -1 when unknown. */
int dtool_match_parse(const char *s);
const char *dtool_match_name(int match);

/* The key of FRAME under MATCH, as a new string (free() it). */
char *dtool_frame_key(const char *frame, int match);

/* The normal form of FRAME's key, matched across writers: "strdup" for
 * __strdup, "file_underflow" for _IO_new_file_underflow and
 * _IO_file_underflow@@GLIBC_2.2.5, "x_table" for
 * "x_table(int) [clone .constprop.0]", "file:line" without the column,
 * "(in libc.so.6)" for any path to it.  A new string (free() it). */
char *dtool_frame_match_key(const char *frame, int match);

/* Whether FRAME is one a writer adds on the allocator's side of the
 * program's frames: the allocator's own (dtool_frame_is_allocator()) or
 * any frame in Valgrind's preloaded wrappers, which label realloc's
 * frame "malloc". */
bool dtool_frame_is_wrapper(const char *frame);

/*
 * Stack ids shared by several profiles: dtool_stacks_add() gives every
 * PP of a profile the id of its stack of keys; PPs of any of the added
 * profiles get equal ids exactly when their stacks match.  Ids are
 * 0..dtool_stacks_count()-1 in order of first appearance.  A stack
 * leaves out the wrapper frames on its inner end and the start code
 * Valgrind shows ("(below main)", the dynamic loader without debugging
 * information) on its outer end, and keeps at most the depth set by
 * dtool_stacks_limit() (0, the default: all), so that profiles written
 * with different depths (Valgrind keeps 12 frames, libdhat 10) match on
 * the frames both have.  dtool_stacks_usual_depth() gives the number of
 * frames, without those left out, that most of a profile's stacks have:
 * the writer's depth where stacks are deep (a few are deeper still, with
 * inlined calls), and where they are shallow a depth that another
 * writer's profile of the program shares; dtool_stacks_max_depth() the
 * number of frames of its deepest stack.
 */
struct dtool_stacks;	/* opaque */

struct dtool_stacks *dtool_stacks_new(int match);
void dtool_stacks_free(struct dtool_stacks *s);
void dtool_stacks_limit(struct dtool_stacks *s, uint32_t depth);
uint32_t dtool_stacks_usual_depth(const struct dtool_profile *p);
uint32_t dtool_stacks_max_depth(const struct dtool_profile *p);
/* Returns an array of npps ids, indexed like the PPs (free() it). */
uint32_t *dtool_stacks_add(struct dtool_stacks *s,
    const struct dtool_profile *p);
size_t dtool_stacks_count(const struct dtool_stacks *s);
/* The keys of stack ID, innermost first, each as it was first spelt
 * (dtool_frame_key(), not the normal form). */
uint32_t dtool_stacks_depth(const struct dtool_stacks *s, uint32_t id);
const char *dtool_stacks_key(const struct dtool_stacks *s, uint32_t id,
    uint32_t i);

#endif
