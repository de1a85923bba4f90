/* SPDX-License-Identifier: MIT */
/*
 * utf8.c - the strict UTF-8 decoder of utf8.h (RFC 3629 well-formed
 * sequences only).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "utf8.h"

size_t
dhat__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t v, min;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	/* 0x80..0xbf continue a sequence, 0xc0 and 0xc1 could only start
	 * an overlong one, 0xf5 and up a code point beyond U+10FFFF. */
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	if (s[0] < 0xe0) {
		len = 2;
		v = s[0] & 0x1fu;
		min = 0x80;
	} else if (s[0] < 0xf0) {
		len = 3;
		v = s[0] & 0x0fu;
		min = 0x800;
	} else {
		len = 4;
		v = s[0] & 0x07u;
		min = 0x10000;
	}
	if (n < len)
		return 0;
	/* The continuation bytes are checked before the next is read, so
	 * a NUL-terminated string may be passed with any N. */
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
		return 0;
	*cp = v;
	return len;
}
