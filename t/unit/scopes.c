/* SPDX-License-Identifier: MIT */
/*
 * scopes.c - lib/scopes.c against libdw: for addresses spread over every
 * compile unit of this program (libdhat's own code, built as the library
 * is, and calls inlined here at any optimisation) and of the C library
 * (its debugging information from libc6-dbg), the entries around the
 * address must be exactly those dwarf_getscopes and dwarf_getscopes_die
 * give.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "scopes.h"
#include "tap.h"

/* Addresses taken from each unit's line table of the C library, evenly
 * spread: libdw reads the whole unit for each, which is slow in large
 * ones.  This program's units are compared at every row. */
#define PER_UNIT 24

struct tally {
	unsigned long addrs;		/* compared */
	unsigned long inlined;		/* of which inside an inlined call */
	unsigned long across;		/* origins in another unit */
	unsigned long differ;
};

/* libdw's answer: the concrete chain around the innermost scope. */
static int
libdw_chain(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **chainp)
{
	Dwarf_Die *scopes = NULL, inner;
	int n = dwarf_getscopes(cu, pc, &scopes);

	*chainp = NULL;
	if (n <= 0) {
		free(scopes);
		return n;
	}
	inner = scopes[0];
	free(scopes);
	return dwarf_getscopes_die(&inner, chainp);
}

static bool
has_inlined(const Dwarf_Die *chain, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (dwarf_tag((Dwarf_Die *)&chain[i]) ==
		    DW_TAG_inlined_subroutine)
			return true;
	return false;
}

/* Whether an inlined call of CHAIN has its origin in another unit, as
 * link-time optimisation writes them: libdw then finds no scope at all,
 * where scopes.c still gives the chain (scopes.h). */
static bool
origin_elsewhere(const Dwarf_Die *chain, int n)
{
	Dwarf_Attribute attr;
	Dwarf_Die die, origin;
	int i;

	for (i = 0; i < n; i++) {
		die = chain[i];
		if (dwarf_tag(&die) == DW_TAG_inlined_subroutine &&
		    dwarf_formref_die(dwarf_attr(&die, DW_AT_abstract_origin,
		    &attr), &origin) != NULL && origin.cu != die.cu)
			return true;
	}
	return false;
}

static void
compare_at(struct dhat__scopes *sc, Dwarf_Die *cu, Dwarf_Addr pc,
    struct tally *t)
{
	Dwarf_Die *want, *got;
	int nw = libdw_chain(cu, pc, &want);
	int ng, i;

	if (nw < 0) {			/* libdw could not read it */
		free(want);
		return;
	}
	ng = dhat__scopes_around(sc, cu, pc, &got);
	t->addrs++;
	if (nw == 0 && ng > 0 && origin_elsewhere(got, ng)) {
		t->across++;
		free(got);
		return;
	}
	if (nw > 0 && has_inlined(want, nw))
		t->inlined++;
	for (i = 0; ng == nw && i < nw; i++)
		if (got[i].addr != want[i].addr)
			break;
	if (ng != nw || i < nw) {
		if (t->differ++ < 5)
			diag("%#" PRIx64 ": %d entries, libdw %d (first "
			    "difference at %d)", (uint64_t)pc, ng, nw, i);
	}
	free(want);
	free(got);
}

static void
compare_unit(struct dhat__scopes *sc, Dwarf_Die *cu, size_t per_unit,
    struct tally *t)
{
	Dwarf_Lines *lines;
	Dwarf_Addr pc, last = 0;
	size_t n, i, step;

	if (dwarf_getsrclines(cu, &lines, &n) != 0 || n == 0)
		return;
	step = per_unit > 0 && n > per_unit ? n / per_unit : 1;
	for (i = 0; i < n; i += step) {
		if (dwarf_lineaddr(dwarf_onesrcline(lines, i), &pc) != 0 ||
		    pc == last)
			continue;
		last = pc;
		compare_at(sc, cu, pc, t);
	}
}

/* Every unit of MOD. */
static void
compare_module(Dwfl_Module *mod, size_t per_unit, size_t max_kept,
    struct tally *t)
{
	struct dhat__scopes sc = { 0 };
	Dwarf_Die *cu = NULL, prev;
	Dwarf_Addr bias;
	bool again = false;

	sc.max_kept = max_kept;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL) {
		compare_unit(&sc, cu, per_unit, t);
		/* With a small limit, the previous unit's tree went when
		 * this one was read: it is read again. */
		if (again)
			compare_unit(&sc, &prev, 1, t);
		prev = *cu;
		again = max_kept > 0;
	}
	dhat__scopes_free(&sc);
}

/*
 * Calls inlined whatever the optimisation (always_inline), inside
 * blocks and one another, so that this program has inlined scopes even
 * when libdhat's code was built without optimisation.
 */
static volatile unsigned sink;

static inline __attribute__((always_inline)) unsigned
mix(unsigned x)
{
	x ^= x >> 7;
	x *= 0x9e3779b1u;
	return x ^ (x >> 13);
}

static inline __attribute__((always_inline)) unsigned
fold(unsigned n)
{
	unsigned h = 0, i;

	for (i = 0; i < n; i++) {
		unsigned m = mix(i + h);

		if (m & 1) {
			unsigned k = mix(m);

			h += k;
		}
		h ^= m;
	}
	return h;
}

static void
exercise(void)
{
	sink = fold(sink + 16) + mix(sink);
}

static Dwfl *
session(void)
{
	static char *debuginfo_path;
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_linux_proc_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.debuginfo_path = &debuginfo_path,
	};
	Dwfl *dwfl = dwfl_begin(&cb);

	if (dwfl == NULL)
		bail("dwfl_begin: %s", dwfl_errmsg(-1));
	dwfl_report_begin(dwfl);
	if (dwfl_linux_proc_report(dwfl, getpid()) != 0 ||
	    dwfl_report_end(dwfl, NULL, NULL) != 0)
		bail("cannot list this process's modules");
	return dwfl;
}

static void
check_module(Dwfl *dwfl, Dwarf_Addr addr, const char *what,
    size_t per_unit, size_t max_kept, unsigned long min_inlined)
{
	Dwfl_Module *mod = dwfl_addrmodule(dwfl, addr);
	struct tally t = { 0, 0, 0, 0 };
	Dwarf_Addr bias;

	if (mod == NULL || dwfl_module_getdwarf(mod, &bias) == NULL) {
		ok(1, "# SKIP %s: no debugging information", what);
		ok(1, "# SKIP %s: no debugging information", what);
		return;
	}
	compare_module(mod, per_unit, max_kept, &t);
	diag("%s: %lu addresses, %lu inside inlined calls, %lu inside "
	    "calls inlined from other units", what, t.addrs, t.inlined,
	    t.across);
	ok(t.inlined >= min_inlined, "%s: addresses inside inlined calls "
	    "compared (%lu)", what, t.inlined);
	is_int((intmax_t)t.differ, 0, "%s: every address's scopes are "
	    "libdw's", what);
}

int
main(void)
{
	Dwfl *dwfl;

	plan(6);
	exercise();
	dwfl = session();
	/* This program: libdhat's code is compiled in, as the library's
	 * flags build it, and so are the inlined calls above. */
	check_module(dwfl, (Dwarf_Addr)(uintptr_t)dhat__scopes_around,
	    "this program", 0, 0, 20);
	check_module(dwfl, (Dwarf_Addr)(uintptr_t)qsort, "the C library",
	    PER_UNIT, 0, 1000);
	/* One unit's tree at a time: every unit read drops the others. */
	check_module(dwfl, (Dwarf_Addr)(uintptr_t)dhat__scopes_around,
	    "this program, one tree kept", 0, 1, 20);
	dwfl_end(dwfl);
	return done_testing();
}
