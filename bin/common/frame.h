/* SPDX-License-Identifier: MIT */
/*
 * frame.h - frame strings of DHAT profiles, compared across processes.
 *
 * A frame string is "0x<hex>: <function> (<where>)" as Valgrind, the Rust
 * crate and libdhat write it.  The address differs from run to run (ASLR,
 * rebuilt binaries), so tools that match program points of different
 * profiles compare the text after it.
 */
#ifndef DTOOL_FRAME_H
#define DTOOL_FRAME_H

/*
 * The frame string FRAME without its leading address: for
 * "0x1093C4: work (prog.c:8)" a pointer to "work (prog.c:8)" inside
 * FRAME.  Exactly one leading "0x", one or more hex digits (either case),
 * ':' and ' ' are skipped; any other string ("[root]", a frame without
 * an address) is returned unchanged.  Never allocates; the result lives
 * as long as FRAME.
 */
const char *dtool_frame_strip_address(const char *frame);

#endif
