/* SPDX-License-Identifier: MIT */
/*
 * dtool-frame.c - the address-free text of frame strings as Valgrind,
 * the Rust crate and libdhat write them, and of strings that only look
 * a little like them.
 */
#include "config.h"

#include "common/frame.h"
#include "tap.h"

static void
strip(const char *in, const char *want)
{
	is_string(dtool_frame_strip_address(in), want, "strip '%s'", in);
}

int
main(void)
{
	const char *s = "0x1093C4: work (prog.c:8)";

	plan(13);
	strip("0x1093C4: work (prog.c:8)", "work (prog.c:8)");
	strip("0x55cd25980f16: app::f (app/src/main.rs:5:29)",
	    "app::f (app/src/main.rs:5:29)");
	strip("0x48417B4: malloc (in /usr/libexec/valgrind/x.so)",
	    "malloc (in /usr/libexec/valgrind/x.so)");
	strip("0x7f00: ?\?? (in ?\?\?)", "?\?? (in ?\?\?)");
	strip("0x1: ", "");
	strip("[root]", "[root]");
	strip("0x: f (a.c:1)", "0x: f (a.c:1)");
	strip("0x12 f (a.c:1)", "0x12 f (a.c:1)");
	strip("0x12:f (a.c:1)", "0x12:f (a.c:1)");
	strip("0x12g: f", "0x12g: f");
	strip("1093C4: work", "1093C4: work");
	strip("", "");
	ok(dtool_frame_strip_address(s) == s + 10,
	    "the result points into the argument");
	return done_testing();
}
