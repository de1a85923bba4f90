/* SPDX-License-Identifier: MIT */
/*
 * format.h - numbers, units and colour as Valgrind's DHAT viewer shows
 * them, so that a tool's figures can be compared with the viewer's.
 *
 * Numbers: en-US grouping (1,234,567), at most two decimals, rounded
 * half up from the shortest decimal that reads back as the same double
 * (what the viewer's Intl.NumberFormat does); 0/0 is 0; x/0 is "∞".
 */
#ifndef DTOOL_FORMAT_H
#define DTOOL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "profile/profile.h"

/* Buffers of this size hold any formatted number. */
#define DTOOL_NUMBUF	64

/* The viewer's div(): a / b, but 0 for 0 / 0. */
double dtool_div(double a, double b);

/* x with grouping and at most two decimals: "1,658.61". */
const char *dtool_fmt_num(char buf[DTOOL_NUMBUF], double x);
/* An exact integer with grouping: "18,446,744,073,709,551,615". */
const char *dtool_fmt_u64(char buf[DTOOL_NUMBUF], uint64_t v);
/* The ratio as a percentage: 0.6235294 -> "62.35%". */
const char *dtool_fmt_perc(char buf[DTOOL_NUMBUF], double ratio);
/* NEW - OLD with its sign: "+1,024", "-3", "0". */
const char *dtool_fmt_delta(char buf[DTOOL_NUMBUF], uint64_t old,
    uint64_t new);
/* (NEW - OLD) / OLD as a signed percentage: "+12.5%", "-3%", "0%";
 * "+∞%" from 0 to more. */
const char *dtool_fmt_change(char buf[DTOOL_NUMBUF], uint64_t old,
    uint64_t new);

/* Unit names from the header, with the viewer's defaults and quirk: the
 * singular byte unit is bsu whenever bu is present. */
struct dtool_units {
	const char *byte;	/* "byte" */
	const char *bytes;	/* "bytes", or bsu */
	const char *blocks;	/* "blocks", or bksu */
};
void dtool_units(const struct dtool_header *h, struct dtool_units *u);

/* V in UNIT for people: with "bytes", binary units from KiB up ("35.9
 * KiB", "512 bytes", "1 byte"); with another unit, the count and the
 * unit ("3 units"). */
const char *dtool_fmt_size(char buf[DTOOL_NUMBUF], uint64_t v,
    const char *unit);

/*
 * Strings from a profile (frames, command, units) are bytes that need not
 * be text, and may hold control characters that would move a terminal's
 * cursor, change its colours or rewrite its screen.  Every output shows
 * them by one rule: a byte that starts no well-formed UTF-8 sequence is
 * shown as U+FFFD, and a control character (C0, DEL, or C1 U+0080 to
 * U+009F) as '?', or in JSON as a \u00XX escape.  The output is thus
 * valid UTF-8 and holds no control character but the format's own.  Each
 * style then adds what its format needs.
 */
enum dtool_style {
	DTOOL_S_TEXT,		/* plain text, for a terminal */
	DTOOL_S_JSON,		/* inside a JSON string: '"' and '\\' too */
	DTOOL_S_XML,		/* XML text or attribute: & < > " ' as
				 * entities, U+FFFE and U+FFFF (not XML
				 * characters) as U+FFFD */
	DTOOL_S_FOLDED,		/* a folded stack's frame: ';' as ',' */
	DTOOL_S_TAP,		/* a TAP description: '#' as '?' */
	DTOOL_S_MARKDOWN,	/* in a Markdown table's code span: '|'
				 * escaped, '`' as '\'' */
};

/* Writes at most MAX characters of S in style ST; false when S had more
 * (the caller may mark the cut). */
bool dtool_fputs_style(const char *s, FILE *f, enum dtool_style st,
    size_t max);
/* S as plain text (DTOOL_S_TEXT). */
void dtool_fputs_text(const char *s, FILE *f);
/* The same into BUF, cut to LEN - 1 bytes at a character boundary;
 * returns BUF.  S may be BUF itself. */
const char *dtool_text(char *buf, size_t len, const char *s);

/* Colour: on only when FD is a terminal and NO_COLOR is not set. */
bool dtool_colour_wanted(int fd);
void dtool_colour_set(bool on);
const char *dtool_bold(void);	/* "" when colour is off */
const char *dtool_alert(void);	/* bold red, for what failed */
const char *dtool_dim(void);
const char *dtool_reset(void);

#endif
