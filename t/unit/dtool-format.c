/* SPDX-License-Identifier: MIT */
/*
 * dtool-format.c - the tools' number formatting against values the DHAT
 * viewer (Intl.NumberFormat, en-US, at most two decimals) was seen to
 * print under Node: half up from the shortest decimal form of the double.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "common/format.h"
#include "tap.h"

static void
num(double x, const char *want)
{
	char b[DTOOL_NUMBUF];

	is_string(dtool_fmt_num(b, x), want, "num(%.17g)", x);
}

static void
perc(double x, const char *want)
{
	char b[DTOOL_NUMBUF];

	is_string(dtool_fmt_perc(b, x), want, "perc(%.17g)", x);
}

/* The text rule into a buffer of LEN bytes (format.h). */
static void
text(size_t len, const char *s, const char *want, const char *what)
{
	char b[64];

	is_string(dtool_text(b, len, s), want, "text: %s", what);
}

/* dtool_text on its own buffer, where the replacements grow the text. */
static void
text_in_place(void)
{
	char b[16] = "\xff\xfe\x1b[2J";

	is_string(dtool_text(b, sizeof(b), b),
	    "\xef\xbf\xbd\xef\xbf\xbd?[2J", "text: in place, growing");
}

int
main(void)
{
	char b[DTOOL_NUMBUF];

	plan(43);
	text(64, "plain \xc3\xa9", "plain \xc3\xa9", "UTF-8 kept");
	text(64, "a\x1b[31mb\x7f", "a?[31mb?", "C0 and DEL as '?'");
	text(64, "\xc2\x9b\xc2\x85\xc2\xa0", "??\xc2\xa0", "C1 as '?', not NBSP");
	text(64, "\xff\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	    "each invalid byte as U+FFFD");
	text(64, "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	    "an encoded surrogate is invalid");
	text(64, "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd", "beyond U+10FFFF is invalid");
	text(5, "ab\xe2\x82\xac", "ab", "cut before a whole character");
	text(6, "ab\xff", "ab\xef\xbf\xbd", "a replacement fits exactly");
	text_in_place();
	num(0, "0");
	num(1.005, "1.01");	/* the double is below 1.005; viewer: 1.01 */
	num(0.125, "0.13");
	num(0.135, "0.14");
	num(2.675, "2.68");
	num(1.115, "1.12");
	num(0.0049999, "0");
	num(0.005, "0.01");
	num(99.999, "100");
	num(999.995, "1,000");
	num(1234567.891, "1,234,567.89");
	num(1e21, "1,000,000,000,000,000,000,000");
	num(1000000.0 * 255 / 153743, "1,658.61");
	num(31.875, "31.88");
	num(1.5, "1.5");
	num(INFINITY, "∞");
	num(NAN, "NaN");
	perc(0.6235294117647059, "62.35%");
	perc(1, "100%");
	perc(0, "0%");
	perc(1.005 / 100, "1%");	/* 0.010049999... */
	perc(0.00005, "0.01%");
	perc(147920.0 / 153743, "96.21%");
	is_string(dtool_fmt_u64(b, 0), "0", "u64 0");
	is_string(dtool_fmt_u64(b, 999), "999", "u64 999");
	is_string(dtool_fmt_u64(b, 1236173), "1,236,173", "u64 grouping");
	is_string(dtool_fmt_u64(b, UINT64_MAX), "18,446,744,073,709,551,615",
	    "u64 max is exact");
	is_string(dtool_fmt_change(b, 1000, 1125), "+12.5%", "change up");
	is_string(dtool_fmt_change(b, 1000, 970), "-3%", "change down");
	is_string(dtool_fmt_change(b, 7, 7), "0%", "no change");
	is_string(dtool_fmt_change(b, 0, 5), "+∞%", "change from 0");
	is_string(dtool_fmt_change(b, 10000000, 10000001), "+<0.01%",
	    "a tiny growth is not +0%%");
	is_string(dtool_fmt_change(b, 10000001, 10000000), "-<0.01%",
	    "a tiny fall is not -0%%");
	is_string(dtool_fmt_delta(b, 1000, 3500), "+2,500", "delta grouped");
	return done_testing();
}
