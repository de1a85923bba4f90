/* SPDX-License-Identifier: MIT */
/*
 * frame.c - the address-free part of a frame string, by which program
 * points of different processes and builds are matched.
 */
#include "config.h"

#include <ctype.h>

#include "frame.h"

const char *
dtool_frame_strip_address(const char *frame)
{
	const char *s = frame;

	if (s[0] != '0' || s[1] != 'x' || !isxdigit((unsigned char)s[2]))
		return frame;
	for (s += 2; isxdigit((unsigned char)*s); s++)
		continue;
	if (s[0] != ':' || s[1] != ' ')
		return frame;
	return s + 2;
}
