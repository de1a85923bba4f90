/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - the frame strings of lib/symbolize.c, compared exactly:
 * a function's entry and a return address inside it (name, shortened
 * path, line, column), an inlined call, libc, the frames below main and
 * below a thread's start routine, the vDSO and addresses in no module.
 * libdhat hides its internals, so lib/symbolize.c is compiled in here.
 */
#include "config.h"

#include <dlfcn.h>
#include <inttypes.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <time.h>

#include "frame_cache.h"
#include "symbolize.h"
#include "symbolize_inline.h"
#include "tap.h"

#define MAX_FRAMES 8

/* What one dhat__symbolize() call emitted. */
struct frames {
	int n;
	int stop_after;			/* emit fails on this call, 0: never */
	char s[MAX_FRAMES][1024];
};

uintptr_t symbolize_probe_ip;

void __attribute__((noinline, noclone))
symbolize_probe(void)
{
	symbolize_probe_ip = (uintptr_t)__builtin_return_address(0);
}

static int
collect(void *ctx, const char *frame)
{
	struct frames *f = ctx;

	if (f->n < MAX_FRAMES)
		snprintf(f->s[f->n], sizeof(f->s[0]), "%s", frame);
	f->n++;
	return f->stop_after != 0 && f->n == f->stop_after;
}

static int
sym(struct dhat__symbolizer *s, uintptr_t ip, bool return_address,
    struct frames *f)
{
	f->n = 0;
	f->stop_after = 0;
	return dhat__symbolize(s, ip, 0, return_address, collect, f);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A plain function of this file: its call to the probe is a return
 * address with a known line and column. */
int plain_function(int x);
const int plain_call_line = __LINE__ + 5;

int __attribute__((noinline, noclone))
plain_function(int x)
{
	symbolize_probe();
	return x + 7;
}

static void
test_plain(struct dhat__symbolizer *s)
{
	struct frames f;
	char want[256];
	int kind;

	plain_function(1);
	kind = sym(s, symbolize_probe_ip, true, &f);
	is_int(kind, DHAT__FRAME_NORMAL, "return address: a normal frame");
	is_int(f.n, 1, "return address: one string");
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": plain_function (t/unit/symbolize.c:%d:2)",
	    symbolize_probe_ip, plain_call_line);
	is_string(f.s[0], want, "return address: the call's line and column,"
	    " the address itself printed");

	/* The same address as an innermost frame is looked up as it is:
	 * the instruction after the call, still in plain_function. */
	sym(s, symbolize_probe_ip, false, &f);
	snprintf(want, sizeof(want), "0x%" PRIxPTR ": plain_function (",
	    symbolize_probe_ip);
	ok(f.n == 1 && starts_with(f.s[0], want) &&
	    strstr(f.s[0], "(t/unit/symbolize.c:") != NULL,
	    "innermost frame: %s", f.s[0]);

	/* A second call is answered from the cache, identically. */
	sym(s, symbolize_probe_ip, true, &f);
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": plain_function (t/unit/symbolize.c:%d:2)",
	    symbolize_probe_ip, plain_call_line);
	ok(f.n == 1 && strcmp(f.s[0], want) == 0, "cached: same string");
}

static void
test_inline(struct dhat__symbolizer *s)
{
	struct frames f;
	char want[256];
	int kind;

	symbolize_inline_caller(2);
	kind = sym(s, symbolize_probe_ip, true, &f);
	is_int(kind, DHAT__FRAME_NORMAL, "inlined: a normal frame");
	is_int(f.n, 2, "inlined: one string per level");
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": inlined_leaf (t/unit/symbolize_inline.c:%d:%d)",
	    symbolize_probe_ip, symbolize_leaf_line, symbolize_leaf_col);
	is_string(f.s[0], want, "inlined: the inlined function first");
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": symbolize_inline_caller (t/unit/symbolize_inline.c:%d:%d)",
	    symbolize_probe_ip, symbolize_caller_line, symbolize_caller_col);
	is_string(f.s[1], want, "inlined: then its caller at the call site");

	/* An emit failure ends the chain at once and is reported. */
	f.n = 0;
	f.stop_after = 1;
	kind = dhat__symbolize(s, symbolize_probe_ip, 0, true, collect, &f);
	ok(kind == -1 && f.n == 1, "emit failure: -1 after one call");
}

/* The frame strings of libc and of the frames around main depend on
 * whether libc's debug information is installed (libc6-dbg). */
static bool libc_has_dwarf;

static void
test_libc(struct dhat__symbolizer *s)
{
	struct frames f;
	char want[64];
	uintptr_t ip = (uintptr_t)&qsort;
	const char *last;
	int kind;

	kind = sym(s, ip, false, &f);
	is_int(kind, DHAT__FRAME_NORMAL, "qsort: a normal frame");
	ok(f.n >= 1 && f.n <= MAX_FRAMES, "qsort: %d strings", f.n);
	if (f.n < 1 || f.n > MAX_FRAMES)
		return;
	last = f.s[f.n - 1];
	snprintf(want, sizeof(want), "0x%" PRIxPTR ": qsort (", ip);
	ok(starts_with(last, want), "qsort: named: %s", last);
	libc_has_dwarf = !ends_with(last, "/libc.so.6)");
	if (libc_has_dwarf)
		ok(strstr(last, ".c:") != NULL && ends_with(last, ")") &&
		    strstr(last, "(in ") == NULL,
		    "qsort: libc debug information: a source position");
	else
		ok(f.n == 1 && strstr(last, " (in /") != NULL,
		    "qsort: no libc debug information: the object");
}

static void
test_outer(struct dhat__symbolizer *s, uintptr_t main_caller)
{
	extern char _start[];
	struct frames f;
	int kind;

	/* _start is in this program's own symbol table. */
	kind = sym(s, (uintptr_t)_start + 1, true, &f);
	ok(kind == DHAT__FRAME_OUTER && f.n == 1,
	    "_start: outer, and named");
	if (!libc_has_dwarf) {
		ok(1, "# SKIP __libc_start_call_main needs libc debug info");
		return;
	}
	kind = sym(s, main_caller, true, &f);
	ok(kind == DHAT__FRAME_OUTER && f.n >= 1,
	    "main's caller: outer, and named");
}

static uintptr_t thread_caller;

static void *
thread_main(void *arg)
{
	thread_caller = (uintptr_t)__builtin_return_address(0);
	return arg;
}

static void
test_thread(struct dhat__symbolizer *s)
{
	struct frames f;
	pthread_t t;
	int kind;

	if (pthread_create(&t, NULL, thread_main, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		bail("cannot run a thread");
	if (!libc_has_dwarf) {
		ok(1, "# SKIP start_thread needs libc debug info");
		return;
	}
	kind = sym(s, thread_caller, true, &f);
	ok(kind == DHAT__FRAME_OUTER && f.n >= 1,
	    "start routine's caller: outer, and named");
}

static void
test_nowhere(struct dhat__symbolizer *s)
{
	struct frames f;
	char want[64];
	uintptr_t vdso;
	int kind;

	kind = sym(s, 0x10, false, &f);
	ok(kind == DHAT__FRAME_NORMAL && f.n == 1, "0x10: one normal frame");
	is_string(f.s[0], "0x10: ??" "? (in ??" "?)", "0x10: all unknown");
	sym(s, 0x10, true, &f);
	is_string(f.s[0], "0x10: ??" "? (in ??" "?)",
	    "0x10 as a return address: still printed as 0x10");
	sym(s, 0, true, &f);
	is_string(f.s[0], "0x0: ??" "? (in ??" "?)", "0x0: all unknown");
	sym(s, UINTPTR_MAX, false, &f);
	is_string(f.s[0], "0xffffffffffffffff: ??" "? (in ??" "?)",
	    "the highest address: all unknown");

	vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	if (vdso == 0) {
		ok(1, "# SKIP no vDSO");
		return;
	}
	kind = sym(s, vdso, false, &f);
	snprintf(want, sizeof(want), "0x%" PRIxPTR ": ??" "? (in [vdso])",
	    vdso);
	ok(kind == DHAT__FRAME_NORMAL && f.n == 1 &&
	    strcmp(f.s[0], want) == 0, "vDSO header: %s", f.s[0]);
}

/* Paths are cut to their last three components (as Valgrind and the Rust
 * crate cut them); #line gives these functions the paths to check, so
 * they stay last. */
int path_four(void);
int path_two(void);

struct text_range {
	const char *name;
	uintptr_t lo, hi;
};

static int
find_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct text_range *r = arg;
	int i;

	if (strstr(info->dlpi_name, r->name) == NULL)
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			r->lo = info->dlpi_addr + ph->p_vaddr;
			r->hi = r->lo + ph->p_memsz;
			return 1;
		}
	}
	return 0;
}

static double
seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Not a timed assertion: the figure is reported for the record. */
static void
test_thousand(void)
{
	struct text_range r = { "libc.so.6", 0, 0 };
	struct dhat__symbolizer *s;
	struct timespec t0, tn, t1, t2;
	struct frames f;
	char first[1024];
	int bad = 0, i, kind;
	uintptr_t step;

	dl_iterate_phdr(find_text, &r);
	if (r.hi <= r.lo) {
		ok(1, "# SKIP libc's text not found");
		ok(1, "# SKIP libc's text not found");
		return;
	}
	step = (r.hi - r.lo) / 1000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = dhat__symbolizer_new();
	if (s == NULL)
		bail("dhat__symbolizer_new failed");
	clock_gettime(CLOCK_MONOTONIC, &tn);
	first[0] = '\0';
	for (i = 0; i < 1000; i++) {
		kind = sym(s, r.lo + (uintptr_t)i * step, true, &f);
		if (kind < 0 || (kind == DHAT__FRAME_NORMAL && f.n < 1))
			bad++;
		if (i == 0 && f.n > 0)
			snprintf(first, sizeof(first), "%s", f.s[0]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < 1000; i++)
		sym(s, r.lo + (uintptr_t)i * step, true, &f);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	diag("new + 1000 distinct libc addresses: %.1f ms (new: %.1f ms,"
	    " libc DWARF: %s); again from the cache: %.2f ms",
	    seconds(&t0, &t1) * 1e3, seconds(&t0, &tn) * 1e3,
	    libc_has_dwarf ? "yes" : "no", seconds(&t1, &t2) * 1e3);
	is_int(bad, 0, "1000 libc addresses: each gives a frame");
	sym(s, r.lo, true, &f);
	ok(f.n > 0 && strcmp(f.s[0], first) == 0,
	    "after the cache grew: the first address, same string");
	dhat__symbolizer_free(s);
}

/* Replace every FROM in the files of DIR by TO, of the same length. */
static int
rewrite_files(const char *dir, const char *from, const char *to,
    bool truncate_half)
{
	char cmd[PATH_MAX + 256];

	if (truncate_half)
		snprintf(cmd, sizeof cmd, "for f in %s/*; do "
		    "n=$(wc -c < \"$f\"); truncate -s $((n / 2)) \"$f\"; "
		    "done", dir);
	else
		snprintf(cmd, sizeof cmd, "sed -i 's/%s/%s/g' %s/*", from, to,
		    dir);
	return system(cmd);
}

/* The frames kept from one symbolizer to the next (lib/frame_cache.c). */
static void
test_kept(void)
{
	char dir[] = "/tmp/dhat-frames-XXXXXX", cmd[64], want[256];
	uintptr_t ips[2];
	struct dhat__symbolizer *s;
	struct frames f[2], g;
	int i, round;

	if (mkdtemp(dir) == NULL)
		bail("mkdtemp");
	dhat__frame_cache_dir(dir);
	path_four();
	ips[0] = symbolize_probe_ip;
	ips[1] = (uintptr_t)&printf;
	for (round = 0; round < 2; round++) {
		s = dhat__symbolizer_new();
		for (i = 0; i < 2; i++)
			sym(s, ips[i], i == 0, round == 0 ? &f[i] : &g);
		if (round == 1)
			ok(g.n == f[1].n && strcmp(g.s[0], f[1].s[0]) == 0,
			    "kept: libc's frame read back the same");
		dhat__symbolizer_free(s);
	}
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": path_four (cc/bb/aa.c:103:2)", ips[0]);
	is_string(f[0].s[0], want, "kept: the first profile names the frame");

	/* The second symbolizer read the file: what it says is what shows. */
	rewrite_files(dir, "path_four", "PATH_FOUR", false);
	s = dhat__symbolizer_new();
	sym(s, ips[0], true, &g);
	dhat__symbolizer_free(s);
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": PATH_FOUR (cc/bb/aa.c:103:2)", ips[0]);
	is_string(g.s[0], want, "kept: a later profile reads the frame file");

	/* A file cut short is not used, and is written anew. */
	rewrite_files(dir, NULL, NULL, true);
	for (round = 0; round < 2; round++) {
		s = dhat__symbolizer_new();
		sym(s, ips[0], true, &g);
		dhat__symbolizer_free(s);
		is_string(g.s[0], f[0].s[0], "kept: a damaged file is ignored "
		    "(%s)", round == 0 ? "read" : "rewritten");
	}
	dhat__frame_cache_dir(NULL);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	(void)system(cmd);
}

/*
 * Which module an address is named from (dhat__symbolize_era): at 0x1000,
 * A was unloaded in generation 2, B (mapped where A was) in 5; C, at
 * 0x9000, in 3.  The files do not exist: eras are chosen without them.
 */
static void
test_era(void)
{
	static const struct dhat__gone_module gone[] = {
		{ "/nonexistent/a.so", 0x1000, 0x1000, 0x3000, 2, NULL, 0 },
		{ "/nonexistent/c.so", 0x9000, 0x9000, 0xa000, 3, NULL, 0 },
		{ "/nonexistent/b.so", 0x1000, 0x1000, 0x2000, 5, NULL, 0 },
	};
	struct dhat__symbolizer *s = dhat__symbolizer_new_with(gone, 3);
	struct frames f;

	if (s == NULL)
		bail("dhat__symbolizer_new_with failed");
	is_int((int)dhat__symbolize_era(s, 0x1800, 0), 1,
	    "era: captured before A went, A");
	is_int((int)dhat__symbolize_era(s, 0x1800, 2), 1,
	    "era: in A's last generation, A");
	is_int((int)dhat__symbolize_era(s, 0x1800, 3), 3,
	    "era: after A went, B, which took its place");
	is_int((int)dhat__symbolize_era(s, 0x2800, 3), 0,
	    "era: where only A was, after it went: the modules mapped now");
	is_int((int)dhat__symbolize_era(s, 0x1800, 6), 0,
	    "era: after B went too: the modules mapped now");
	is_int((int)dhat__symbolize_era(s, 0x9800, 0), 2,
	    "era: C, elsewhere");
	f.n = 0;
	f.stop_after = 0;
	is_int(dhat__symbolize(s, 0x1800, 1, true, collect, &f),
	    DHAT__FRAME_NORMAL, "era: a module that cannot be read again");
	ok(f.n == 1 && strcmp(f.s[0], "0x1800: ??" "? (in ??" "?)") == 0,
	    "  its addresses are in no module: %s", f.n ? f.s[0] : "");
	dhat__symbolizer_free(s);
}

int
main(void)
{
	uintptr_t main_caller = (uintptr_t)__builtin_return_address(0);
	struct dhat__symbolizer *s;
	struct frames f;
	char want[256];
	void *libm, *fn;

	plan(42);
	/* Loaded before the symbolizer is made, so it must be known. */
	libm = dlopen("libm.so.6", RTLD_NOW);
	s = dhat__symbolizer_new();
	ok(s != NULL, "dhat__symbolizer_new");
	if (s == NULL)
		bail("no symbolizer");
	test_plain(s);
	test_inline(s);
	test_libc(s);
	test_outer(s, main_caller);
	test_thread(s);
	test_nowhere(s);

	fn = libm ? dlsym(libm, "cos") : NULL;
	if (fn != NULL) {
		sym(s, (uintptr_t)fn, false, &f);
		ok(f.n >= 1 && strstr(f.s[0], "(in ??" "?)") == NULL &&
		    (ends_with(f.s[0], "/libm.so.6)") ||
		    strstr(f.s[0], ".c:") != NULL),
		    "dlopen'ed libm: %s", f.s[0]);
	} else {
		ok(1, "# SKIP cannot dlopen libm.so.6");
	}

	path_four();
	sym(s, symbolize_probe_ip, true, &f);
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": path_four (cc/bb/aa.c:103:2)", symbolize_probe_ip);
	is_string(f.s[0], want, "/dd/cc/bb/aa.c: last three components");
	path_two();
	sym(s, symbolize_probe_ip, true, &f);
	snprintf(want, sizeof(want), "0x%" PRIxPTR
	    ": path_two (/bb/aa.c:203:2)", symbolize_probe_ip);
	is_string(f.s[0], want, "/bb/aa.c: unchanged");
	dhat__symbolizer_free(s);
	dhat__symbolizer_free(NULL);

	test_thousand();
	test_kept();
	test_era();
	return done_testing();
}

/* Everything below carries made-up file names; the probe calls are on
 * lines 103 and 203 of them. */
#line 100 "/dd/cc/bb/aa.c"
int
path_four(void)
{
	symbolize_probe();
	return 4;
}

#line 200 "/bb/aa.c"
int
path_two(void)
{
	symbolize_probe();
	return 2;
}
