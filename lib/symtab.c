/* SPDX-License-Identifier: MIT */
/*
 * symtab.c - a module's ELF symbols, sorted once and searched by
 * bisection (symtab.h says why).
 */
#include "config.h"

#include <stdlib.h>

#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stddef.h>

#include "symtab.h"

struct symbol {
	GElf_Addr lo, hi;		/* [lo, hi) */
	GElf_Addr reach;		/* the highest hi up to this one */
	const char *name;		/* in libelf's string table */
	int rank;			/* local 0, weak 1, global 2 */
};

struct symtab {
	Dwfl_Module *mod;
	struct symbol *v;
	size_t n;
	GElf_Addr sizeless;		/* lowest sizeless symbol, or ~0 */
};

static int
symbol_cmp(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->rank - y->rank;
}

/* MOD's sorted symbols, built on first use; NULL when out of memory. */
static struct symtab *
module_symtab(struct dhat__symtabs *s, Dwfl_Module *mod)
{
	struct symtab *t, *grown;
	struct symbol *v;
	GElf_Sym sym;
	GElf_Addr value;
	size_t i;
	int n, k;

	for (i = 0; i < s->n; i++)
		if (s->v[i].mod == mod)
			return &s->v[i];
	n = dwfl_module_getsymtab(mod);
	v = n > 0 ? malloc((size_t)n * sizeof(*v)) : NULL;
	grown = realloc(s->v, (s->n + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(v);
		return NULL;
	}
	s->v = grown;
	t = &s->v[s->n++];
	t->mod = mod;
	t->v = v;
	t->n = 0;
	t->sizeless = v == NULL ? 0 : ~(GElf_Addr)0;
	for (k = 1; v != NULL && k < n; k++) {
		const char *name = dwfl_module_getsym_info(mod, k, &sym, &value,
		    NULL, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		int bind = GELF_ST_BIND(sym.st_info);

		if (name == NULL || sym.st_shndx == SHN_UNDEF)
			continue;
		/* Any type: whether libdwfl would answer with it is its own
		 * business, and it is asked whenever one might apply. */
		if (sym.st_size == 0) {
			if (value < t->sizeless)
				t->sizeless = value;
			continue;
		}
		/* The symbols libdwfl itself would answer with, sized. */
		if (type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		v[t->n].lo = value;
		v[t->n].hi = value + sym.st_size;
		v[t->n].name = name;
		v[t->n].rank = bind == STB_GLOBAL ? 2 : bind == STB_WEAK;
		t->n++;
	}
	if (t->n > 0)
		qsort(v, t->n, sizeof(*v), symbol_cmp);
	for (i = 0; i < t->n; i++)
		v[i].reach = i > 0 && v[i - 1].reach > v[i].hi ?
		    v[i - 1].reach : v[i].hi;
	return t;
}

/*
 * The symbol holding ADDR into *NAMEP: of those starting highest at or
 * below it, the global, else weak, else local one.  DHAT__SYM_NONE when no
 * symbol can name it; DHAT__SYM_ASK_LIBDWFL when that symbol does not hold
 * ADDR but another might (overlaps, sizeless symbols), or when the table
 * could not be built.
 */
int
dhat__symtab_name(struct dhat__symtabs *s, Dwfl_Module *mod, Dwarf_Addr addr,
    const char **namep)
{
	struct symtab *t = module_symtab(s, mod);
	size_t lo = 0, hi, mid;

	if (t == NULL)
		return DHAT__SYM_ASK_LIBDWFL;
	/* The last symbol with lo <= addr. */
	hi = t->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->v[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && addr < t->v[lo - 1].hi) {
		*namep = t->v[lo - 1].name;
		return DHAT__SYM_FOUND;
	}
	if ((lo > 0 && addr < t->v[lo - 1].reach) || t->sizeless <= addr)
		return DHAT__SYM_ASK_LIBDWFL;
	return DHAT__SYM_NONE;
}

void
dhat__symtabs_free(struct dhat__symtabs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].v);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
