/* SPDX-License-Identifier: MIT */
/*
 * symtab.h - names from the ELF symbol table, fast.
 */
#ifndef DHAT_SYMTAB_H
#define DHAT_SYMTAB_H

#include <stddef.h>

#include <elfutils/libdwfl.h>

/*
 * An object without DWARF (python3 as Debian ships it) names its frames
 * from the ELF symbol table, and dwfl_module_addrinfo scans that table
 * whole for every address, which dominates the writing of a profile with
 * thousands of such addresses.  So each module's symbols
 * that hold code or data are sorted once, and looked up by bisection.
 * libdwfl is still asked when it could know better: when an earlier,
 * longer symbol may hold the address, or a sizeless symbol lies at or
 * below it.  An address in none of them (a static function of a stripped
 * program: most of python3's) is answered here, as libdwfl would answer,
 * with no name.
 */

/* The sorted tables of the modules met so far.  Zeroed: none yet. */
struct dhat__symtabs {
	struct symtab *v;
	size_t n;
};

/* What the sorted table says of an address. */
enum { DHAT__SYM_FOUND, DHAT__SYM_NONE, DHAT__SYM_ASK_LIBDWFL };

/* The name of the symbol of MOD that holds ADDR, into *NAMEP (FOUND);
 * NONE when libdwfl would find none either; ASK_LIBDWFL when only
 * libdwfl can tell (or the table could not be made). */
int dhat__symtab_name(struct dhat__symtabs *s, Dwfl_Module *mod,
    Dwarf_Addr addr, const char **namep);
void dhat__symtabs_free(struct dhat__symtabs *s);

#endif
