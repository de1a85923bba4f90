/* SPDX-License-Identifier: MIT */
/*
 * scopes.h - the functions, inlined calls and blocks around an address,
 * from an index of each compile unit's scopes.
 */
#ifndef DHAT_SCOPES_H
#define DHAT_SCOPES_H

#include <stddef.h>

#include <elfutils/libdw.h>

#include "index.h"

/*
 * libdw's dwarf_getscopes and dwarf_getscopes_die read a compile unit's
 * tree of entries from its root for every address they are asked about.
 * In a large unit (CPython's ceval.c, a C++ file full of templates) that
 * takes a few hundred microseconds an address, and a profile's thousands
 * of frames took seconds to name.  Here each unit's entries that hold
 * code are read once, with their address ranges, and every address of
 * the unit is then looked up in that tree.
 *
 * The units met so far.  Zeroed: none yet.  The Dwarf_Die values kept
 * point into libdw's data: the set must be freed before the libdwfl
 * sessions whose units it indexes end.
 */
struct dhat__scopes {
	struct scope_unit *v;
	size_t n, cap;
	struct dhat__index ix;		/* by the unit DIE's address */
	size_t kept;			/* bytes of the trees read */
	size_t max_kept;		/* their limit; 0: 64 MiB */
};

/*
 * The entries around PC (an address as CUDIE's unit states them), the
 * innermost first and the root of their unit last (CUDIE, or a partial
 * unit CUDIE imports), as dwarf_getscopes then
 * dwarf_getscopes_die on its first answer would give them: into *CHAINP,
 * allocated with malloc.  Returns their number; 0 when no entry of the
 * unit holds PC; -1 when out of memory: the caller then asks libdw.
 *
 * One difference: where an inlined call's abstract origin lies in
 * another unit, as link-time optimisation writes them, dwarf_getscopes
 * finds no scope at all; here the chain is still given.
 */
int dhat__scopes_around(struct dhat__scopes *s, Dwarf_Die *cudie,
    Dwarf_Addr pc, Dwarf_Die **chainp);
void dhat__scopes_free(struct dhat__scopes *s);

#endif
