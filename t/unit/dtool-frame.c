/* SPDX-License-Identifier: MIT */
/*
 * dtool-frame.c - frame strings without their address, and frame keys
 * under the three matching rules, on the frame strings of Valgrind,
 * libdhat and the Rust crate, on C++ names with parentheses of their own
 * and on strings that only look a little like frames; and stack ids
 * shared by two profiles; the normal forms that match the spellings of
 * Valgrind's DHAT and libdhat, and their stacks matched.
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

static void
normal(const char *frame, int match, const char *want)
{
	char *k = dtool_frame_match_key(frame, match);

	is_string(k, want, "normal %s key of '%s'", dtool_match_name(match),
	    frame);
	free(k);
}

/* The spellings of one frame by Valgrind's DHAT and by libdhat. */
static void
normal_forms(void)
{
	const int F = DTOOL_MATCH_FUNCTION, L = DTOOL_MATCH_LINE;

	normal("0x48A1: __strdup (./string/strdup.c:42:15)", F,
	    "strdup (strdup.c)");
	normal("0x48A1: strdup (strdup.c:42)", F, "strdup (strdup.c)");
	normal("0x1: _IO_file_underflow@@GLIBC_2.2.5 (fileops.c:485)", F,
	    "file_underflow (fileops.c)");
	normal("0x1: _IO_new_file_underflow (./libio/fileops.c:485:7)", F,
	    "file_underflow (fileops.c)");
	normal("0x1: _IO_fread (iofread.c:38)", F, "fread (iofread.c)");
	normal("0x1: fread (./libio/iofread.c:38:16)", F, "fread (iofread.c)");
	normal("0x1: __GI___libc_malloc (malloc.c:3287)", F,
	    "malloc (malloc.c)");
	normal("0x1: __printf (./stdio-common/printf.c:33:10)", L,
	    "printf (printf.c:33)");
	normal("0x1: printf (printf.c:33)", L, "printf (printf.c:33)");
	normal("0x1: x_table(int) [clone .constprop.0] (t.cc:3)", F,
	    "x_table (t.cc)");
	normal("0x1: x_table (src/t.cc:3:1)", F, "x_table (t.cc)");
	normal("0x1: _PyUnicode_FromUCS1.part.0 (unicodeobject.c:2409)", F,
	    "PyUnicode_FromUCS1 (unicodeobject.c)");
	normal("0x1: parse.cold (p.c:9)", F, "parse (p.c)");
	normal("0x1: Widget::size() const (w.cc:9)", F, "Widget::size (w.cc)");
	normal("0x1: Widget::operator()(int) (w.cc:9)", F,
	    "Widget::operator() (w.cc)");
	normal("0x1: Widget::operator() (w.cc:9)", F,
	    "Widget::operator() (w.cc)");
	normal("0x1: ??? (in /usr/lib/x86_64-linux-gnu/libc.so.6)", F,
	    "??? (in libc.so.6)");
	normal("0x1: ??? (in /lib/x86_64-linux-gnu/libc.so.6)", F,
	    "??? (in libc.so.6)");
	normal("0x1: new_item (list.c:4)", F, "new_item (list.c)");
	normal("0x1: _private (list.c:4)", F, "private (list.c)");
	normal("[root]", F, "[root]");
	normal("0x1: f (a.c:1:2)", DTOOL_MATCH_ADDRESS, "0x1: f (a.c:1:2)");
	ok(dtool_frame_is_wrapper("0x4: malloc (in /usr/libexec/valgrind/"
	    "vgpreload_dhat-amd64-linux.so)"), "wrapper: Valgrind's malloc");
	ok(dtool_frame_is_wrapper("0x4: realloc (../lib/interpose.c:134:6)"),
	    "wrapper: libdhat's realloc");
	ok(dtool_frame_is_wrapper("0x4: _vgr10010ZU_libc_so_calloc (in "
	    "/usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so)"),
	    "wrapper: anything in Valgrind's preloaded object");
	ok(!dtool_frame_is_wrapper("0x4: xmalloc (util.c:3)"),
	    "wrapper: not the program's own xmalloc");
}

/* A Valgrind stack of the same code as a libdhat one: the allocator's
 * frame under another name, "(below main)", deeper. */
static void
writers(void)
{
	static const char *const fv[] = {
		"0x1: malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-"
		"linux.so)",
		"0x2: __strdup (strdup.c:42)",
		"0x3: add (wordfreq.c:82)",
		"0x4: main (wordfreq.c:120)",
		"0x5: (below main) (libc_start_call_main.h:58)",
		NULL,
	};
	static const char *const fd[] = {
		"0x9: realloc (../lib/interpose.c:134:6)",
		"0x8: strdup (./string/strdup.c:42:15)",
		"0x7: add (t/prog/wordfreq.c:82:12)",
		"0x6: main (t/prog/wordfreq.c:120:4)",
		NULL,
	};
	static const uint32_t sv[][5] = { { 1, 2, 3, 4, 5 } };
	static const uint32_t sd[][4] = { { 1, 2, 3, 4 } };
	struct dtool_header h = {
		.version = 2, .mode = "heap", .verb = "Allocated",
		.tu = "B", .Mtu = "MB", .cmd = "t",
	};
	struct dtool_profile *v = dtool_profile_new(&h);
	struct dtool_profile *d = dtool_profile_new(&h);
	struct dtool_pp ppv = { .tb = 1, .tbk = 1, .nfs = 5, .fs = sv[0] };
	struct dtool_pp ppd = { .tb = 1, .tbk = 1, .nfs = 4, .fs = sd[0] };
	struct dtool_stacks *s = dtool_stacks_new(DTOOL_MATCH_FUNCTION);
	uint32_t *iv, *id;

	for (size_t i = 0; fv[i] != NULL; i++)
		dtool_profile_intern_frame(v, fv[i]);
	for (size_t i = 0; fd[i] != NULL; i++)
		dtool_profile_intern_frame(d, fd[i]);
	dtool_profile_add_pp(v, &ppv);
	dtool_profile_add_pp(d, &ppd);
	is_uint(dtool_stacks_max_depth(v), 3,
	    "writers: Valgrind's stack keeps three frames");
	iv = dtool_stacks_add(s, v);
	id = dtool_stacks_add(s, d);
	ok(iv[0] == id[0], "writers: Valgrind's and libdhat's stacks match");
	is_string(dtool_stacks_key(s, iv[0], 0), "__strdup (strdup.c)",
	    "writers: shown as first spelt");
	free(iv);
	free(id);
	dtool_stacks_free(s);
	s = dtool_stacks_new(DTOOL_MATCH_FUNCTION);
	dtool_stacks_limit(s, 2);
	iv = dtool_stacks_add(s, v);
	is_uint(dtool_stacks_depth(s, iv[0]), 2, "writers: a limit of two");
	free(iv);
	dtool_stacks_free(s);
	dtool_profile_free(v);
	dtool_profile_free(d);
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

	plan(49 + 26 + 4);
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
	is_uint(dtool_stacks_depth(s, 0), 2,
	    "function: depth 2, without the allocator's frame");
	is_string(dtool_stacks_key(s, 0, 0), "work (prog.c)",
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
	normal_forms();
	writers();
	return done_testing();
}
