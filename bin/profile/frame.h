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
 * three components, which can include the checkout directory).  Two
 * frames match when their keys are equal; two stacks match when they
 * have the same number of frames and their keys match one by one.
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

/*
 * Stack ids shared by several profiles: dtool_stacks_add() gives every
 * PP of a profile the id of its stack of keys; PPs of any of the added
 * profiles get equal ids exactly when their stacks match.  Ids are
 * 0..dtool_stacks_count()-1 in order of first appearance.
 */
struct dtool_stacks;	/* opaque */

struct dtool_stacks *dtool_stacks_new(int match);
void dtool_stacks_free(struct dtool_stacks *s);
/* Returns an array of npps ids, indexed like the PPs (free() it). */
uint32_t *dtool_stacks_add(struct dtool_stacks *s,
    const struct dtool_profile *p);
size_t dtool_stacks_count(const struct dtool_stacks *s);
/* The keys of stack ID, innermost first. */
uint32_t dtool_stacks_depth(const struct dtool_stacks *s, uint32_t id);
const char *dtool_stacks_key(const struct dtool_stacks *s, uint32_t id,
    uint32_t i);

#endif
