/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - one UTF-8 decoder for libdhat's profile writer and for the
 * tools' output, so that both agree on which bytes are valid text.
 *
 * Compiled into libdhat and into the tool library.  Nothing here
 * allocates; everything is async-signal-safe.
 */
#ifndef DHAT_UTF8_H
#define DHAT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the well-formed UTF-8 sequence at the start of
 * the N bytes at S, with its code point in *CP; 0 when S does not start
 * one: N is 0, a stray continuation byte, a sequence cut short, an
 * overlong form, a surrogate (U+D800..U+DFFF) or a code point beyond
 * U+10FFFF.  A caller replaces the first byte alone by U+FFFD and
 * decodes again from the next one.
 */
size_t dhat__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
