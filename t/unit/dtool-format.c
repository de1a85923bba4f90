/* SPDX-License-Identifier: MIT */
/*
 * dtool-format.c - the tools' number formatting against values the DHAT
 * viewer (Intl.NumberFormat, en-US, at most two decimals) was seen to
 * print under Node: half up from the shortest decimal form of the double.
 */
#include "config.h"

#include <math.h>
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

int
main(void)
{
	char b[DTOOL_NUMBUF];

	plan(27);
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
	return done_testing();
}
