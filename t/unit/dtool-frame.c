/* SPDX-License-Identifier: MIT */
/*
 * dtool-frame.c - frame strings without their address, and frame keys
 * under the three matching rules, on the frame strings of Valgrind,
 * libdhat and the Rust crate, on C++ names with parentheses of their own
 * and on strings that only look a little like frames; and stack ids
 * shared by two profiles.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profile/frame.h"
#include "profile/profile.h"
#include "tap.h"

static void
strip(const char *in, const char *want)
{
	is_string(dtool_frame_strip_address(in), want, "strip '%s'", in);
}

static void
key(const char *frame, int match, const char *want)
{
	char *k = dtool_frame_key(frame, match);

	is_string(k, want, "%s key of '%s'", dtool_match_name(match), frame);
	free(k);
}

static struct dtool_profile *
profile(const char *const *frames, const uint32_t stacks[][3], size_t n)
{
	struct dtool_header h = {
		.version = 2, .mode = "heap", .verb = "Allocated",
		.tu = "B", .Mtu = "MB", .cmd = "t",
	};
	struct dtool_profile *p = dtool_profile_new(&h);

	for (size_t i = 0; frames[i] != NULL; i++)
		dtool_profile_intern_frame(p, frames[i]);
	for (size_t i = 0; i < n; i++) {
		struct dtool_pp pp = { .tb = i + 1, .tbk = 1, .nfs = 3,
		    .fs = stacks[i] };

		dtool_profile_add_pp(p, &pp);
	}
	return p;
}

int
main(void)
{
	static const char *const fa[] = {
		"0x10: malloc (lib/interpose.c:37:3)",
		"0x20: work (src/a/prog.c:8:5)",
		"0x30: main (src/a/prog.c:20:3)",
		"0x34: main (src/a/prog.c:21:3)",
		NULL,
	};
	/* Another build: other addresses and lines, another checkout. */
	static const char *const fb[] = {
		"0x99: main (x/prog.c:30:3)",
		"0x77: work (x/prog.c:9:5)",
		"0x11: malloc (lib/interpose.c:37:3)",
		"0x88: other (x/prog.c:40:1)",
		NULL,
	};
	static const uint32_t sa[][3] = { { 1, 2, 3 }, { 1, 2, 4 } };
	static const uint32_t sb[][3] = { { 3, 2, 1 }, { 3, 4, 1 } };
	struct dtool_profile *a, *b;
	struct dtool_stacks *s;
	uint32_t *ia, *ib;
	const char *v = "0x1093C4: work (prog.c:8)";

	plan(49);
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
	ok(dtool_frame_strip_address(v) == v + 10,
	    "the result points into the argument");

	is_int(dtool_match_parse("function"), DTOOL_MATCH_FUNCTION,
	    "match rule function");
	is_int(dtool_match_parse("line"), DTOOL_MATCH_LINE, "match rule line");
	is_int(dtool_match_parse("address"), DTOOL_MATCH_ADDRESS,
	    "match rule address");
	is_int(dtool_match_parse("Function"), -1, "match rules are exact");

	/* libdhat / Rust crate: file:line:col, paths of up to three parts. */
	key("0x55cd25980f16: app::f (app/src/main.rs:5:29)",
	    DTOOL_MATCH_FUNCTION, "app::f (main.rs)");
	key("0x55cd25980f16: app::f (app/src/main.rs:5:29)",
	    DTOOL_MATCH_LINE, "app::f (main.rs:5:29)");
	key("0x55cd25980f16: app::f (app/src/main.rs:5:29)",
	    DTOOL_MATCH_ADDRESS, "0x55cd25980f16: app::f (app/src/main.rs:5:29)");
	/* Valgrind: base name and line. */
	key("0x1093C4: work (prog.c:8)", DTOOL_MATCH_FUNCTION, "work (prog.c)");
	key("0x1093C4: work (prog.c:8)", DTOOL_MATCH_LINE, "work (prog.c:8)");
	/* Without debug information: the object stays. */
	key("0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload.so)",
	    DTOOL_MATCH_FUNCTION,
	    "malloc (in /usr/libexec/valgrind/vgpreload.so)");
	key("0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload.so)",
	    DTOOL_MATCH_LINE, "malloc (in /usr/libexec/valgrind/vgpreload.so)");
	/* Unknown parts. */
	key("0x1: \?\?\?", DTOOL_MATCH_FUNCTION, "\?\?\?");
	key("0x2: \?\?\? (\?\?\?:0:0)", DTOOL_MATCH_FUNCTION, "\?\?\? (\?\?\?)");
	key("0x2: \?\?\? (\?\?\?:0:0)", DTOOL_MATCH_LINE, "\?\?\? (\?\?\?:0:0)");
	key("[root]", DTOOL_MATCH_FUNCTION, "[root]");
	/* C++: the location is the last balanced group after a space. */
	key("0xab: operator new(unsigned long) (new_op.cc:50:22)",
	    DTOOL_MATCH_FUNCTION, "operator new(unsigned long) (new_op.cc)");
	key("0xab: ns::(anonymous namespace)::f(int (*)(int)) const "
	    "(dir/x.cc:3)", DTOOL_MATCH_FUNCTION,
	    "ns::(anonymous namespace)::f(int (*)(int)) const (x.cc)");
	key("0xab: f(int (*)(int))", DTOOL_MATCH_FUNCTION, "f(int (*)(int))");
	key("0xab: std::vector<int>::push_back(int const&)",
	    DTOOL_MATCH_LINE, "std::vector<int>::push_back(int const&)");
	/* Not an address: kept.  A file without a line: kept. */
	key("0xzz: f (a.c:1)", DTOOL_MATCH_FUNCTION, "0xzz: f (a.c)");
	key("0x1: f (a.c)", DTOOL_MATCH_FUNCTION, "f (a.c)");
	key("0x1: f (dir/a.c)", DTOOL_MATCH_LINE, "f (a.c)");
	key("0x1: f (:7)", DTOOL_MATCH_FUNCTION, "f ()");
	key("0x1: f (a.c) trailing", DTOOL_MATCH_FUNCTION, "f (a.c) trailing");

	/* Stacks: equal ids exactly for matching stacks, across files. */
	a = profile(fa, sa, 2);
	b = profile(fb, sb, 2);
	s = dtool_stacks_new(DTOOL_MATCH_FUNCTION);
	ia = dtool_stacks_add(s, a);
	ib = dtool_stacks_add(s, b);
	is_uint(ia[0], 0, "function: first stack gets id 0");
	is_uint(ia[1], 0, "function: main's two lines are one stack");
	is_uint(ib[0], 0, "function: the other build's stack matches");
	is_uint(ib[1], 1, "function: a new function is a new stack");
	is_uint(dtool_stacks_count(s), 2, "function: two stacks");
	is_uint(dtool_stacks_depth(s, 0), 3, "function: depth 3");
	is_string(dtool_stacks_key(s, 0, 1), "work (prog.c)",
	    "function: keys of a stack, innermost first");
	free(ia);
	free(ib);
	dtool_stacks_free(s);

	s = dtool_stacks_new(DTOOL_MATCH_LINE);
	ia = dtool_stacks_add(s, a);
	ib = dtool_stacks_add(s, b);
	ok(ia[0] != ia[1], "line: main's two lines are two stacks");
	ok(ib[0] != ia[0] && ib[0] != ia[1],
	    "line: other lines do not match");
	is_uint(dtool_stacks_count(s), 4, "line: four stacks");
	free(ia);
	free(ib);
	dtool_stacks_free(s);

	s = dtool_stacks_new(DTOOL_MATCH_ADDRESS);
	ia = dtool_stacks_add(s, a);
	ib = dtool_stacks_add(s, a);
	ok(ia[0] == ib[0] && ia[1] == ib[1],
	    "address: a profile matches itself");
	is_uint(dtool_stacks_count(s), 2, "address: two stacks");
	dtool_profile_free(a);
	dtool_profile_free(b);
	free(ia);
	free(ib);
	dtool_stacks_free(s);
	return done_testing();
}
