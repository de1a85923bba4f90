/* SPDX-License-Identifier: MIT */
/*
 * scopes.c - each compile unit's entries that hold code, read once into
 * a tree with their address ranges (scopes.h says why).
 *
 * The tree keeps the entries dwarf_getscopes would consider: under the
 * unit, every entry with address ranges; under such an entry, when it is
 * a scope (a function, an inlined call, a block), its own entries with
 * ranges, and so on down.  An address is then found as libdw finds it:
 * at each level the first entry, in the unit's order, whose ranges hold
 * it, down to the innermost one.  Entries without ranges (types,
 * variables, declarations) are not kept and not descended; a partial
 * unit imported among them has its entries read in the import's place.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "scopes.h"

#define NONE UINT32_MAX
/* Deeper entries are left out: no compiler nests scopes this far, and
 * a malformed tree must not exhaust the stack. */
#define MAX_DEPTH 1000
/* An imported unit counts as this many levels: at most eight nest, and a
 * unit that imports itself is read a few times, not a thousand. */
#define IMPORT_DEPTH (MAX_DEPTH / 8)
/* The trees kept at once, in bytes, unless the set says otherwise.  A
 * profile of a large C++ program can touch hundreds of units of tens of
 * thousands of scopes each; past this, the other units' trees are
 * dropped and read again if needed, which costs one read of the unit, as
 * each address did without them. */
#define MAX_KEPT ((size_t)64 << 20)

struct node {
	Dwarf_Die die;
	uint32_t ranges, nranges;	/* in the unit's ranges */
	uint32_t child, next;		/* first entry under it, next beside */
};

struct range {
	Dwarf_Addr lo, hi;		/* [lo, hi) */
};

struct scope_unit {
	void *key;			/* the unit DIE's address */
	Dwarf_Die cudie;
	struct node *nodes;
	size_t nnodes, capnodes;
	struct range *ranges;
	size_t nranges, capranges;
	uint32_t top;			/* the first entry under the unit */
	bool read;			/* the tree is here */
};

/* V, which holds *CAP items of SIZE and N of them used, with room for
 * one more: V itself or its grown copy.  NULL when out of memory (V is
 * then unchanged). */
static void *
room(void *v, size_t *cap, size_t n, size_t size)
{
	size_t want;
	void *grown;

	if (n < *cap)
		return v;
	want = *cap ? *cap * 2 : 64;
	if (want >= NONE || want > SIZE_MAX / size)
		return NULL;
	grown = realloc(v, want * size);
	if (grown != NULL)
		*cap = want;
	return grown;
}

/* The ranges of DIE into U, as dwarf_haspc reads them.  False: out of
 * memory.  A range that cannot be read ends the list. */
static bool
read_ranges(struct scope_unit *u, Dwarf_Die *die)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		struct range *r = room(u->ranges, &u->capranges, u->nranges,
		    sizeof(*r));

		if (r == NULL)
			return false;
		u->ranges = r;
		u->ranges[u->nranges].lo = lo;
		u->ranges[u->nranges].hi = hi;
		u->nranges++;
	}
	return true;
}

/* DIE as a node of U when it has ranges; NONE when it has none.  False
 * when out of memory. */
static bool
add_node(struct scope_unit *u, Dwarf_Die *die, uint32_t *kp)
{
	size_t first = u->nranges;
	struct node *d;

	*kp = NONE;
	if (!read_ranges(u, die))
		return false;
	if (u->nranges == first)
		return true;
	d = room(u->nodes, &u->capnodes, u->nnodes, sizeof(*d));
	if (d == NULL)
		return false;
	u->nodes = d;
	d = &u->nodes[u->nnodes];
	d->die = *die;
	d->ranges = (uint32_t)first;
	d->nranges = (uint32_t)(u->nranges - first);
	d->child = d->next = NONE;
	*kp = (uint32_t)u->nnodes++;
	return true;
}

/* Whether libdw looks for scopes under an entry of DIE's kind. */
static bool
is_scope(Dwarf_Die *die)
{
	switch (dwarf_tag(die)) {
	case DW_TAG_compile_unit:
	case DW_TAG_module:
	case DW_TAG_lexical_block:
	case DW_TAG_with_stmt:
	case DW_TAG_catch_block:
	case DW_TAG_try_block:
	case DW_TAG_entry_point:
	case DW_TAG_inlined_subroutine:
	case DW_TAG_subprogram:
		return true;
	default:
		return false;
	}
}

/* K after *LAST among the entries under node PN (NONE: the unit). */
static void
link_node(struct scope_unit *u, uint32_t pn, uint32_t *last, uint32_t k)
{
	if (*last != NONE)
		u->nodes[*last].next = k;
	else if (pn != NONE)
		u->nodes[pn].child = k;
	else
		u->top = k;
	*last = k;
}

/* The partial unit that DIE, a DW_TAG_imported_unit, brings in. */
static bool
imported(Dwarf_Die *die, Dwarf_Die *unit)
{
	Dwarf_Attribute attr;

	return dwarf_formref_die(dwarf_attr(die, DW_AT_import, &attr),
	    unit) != NULL && dwarf_tag(unit) == DW_TAG_partial_unit;
}

/*
 * The entries under PARENT into U, after *LAST under node PN (NONE: the
 * unit itself), in the unit's order, and those under them in turn.  A
 * partial unit imported there (DWZ's) has its entries read in its place,
 * as libdw does.  False when out of memory; an entry libdw cannot read
 * ends its level, as it ends libdw's own search there.
 */
static bool
read_under(struct scope_unit *u, Dwarf_Die *parent, uint32_t pn,
    uint32_t *last, unsigned depth)
{
	Dwarf_Die die, unit;
	uint32_t k, below;
	int r;

	if (depth > MAX_DEPTH)
		return true;
	for (r = dwarf_child(parent, &die); r == 0;
	    r = dwarf_siblingof(&die, &die)) {
		if (dwarf_tag(&die) == DW_TAG_imported_unit) {
			if (imported(&die, &unit) &&
			    !read_under(u, &unit, pn, last,
			    depth + IMPORT_DEPTH))
				return false;
			continue;
		}
		if (!add_node(u, &die, &k))
			return false;
		if (k == NONE)
			continue;
		link_node(u, pn, last, k);
		below = NONE;
		if (is_scope(&die) && dwarf_haschildren(&die) > 0 &&
		    !read_under(u, &die, k, &below, depth + 1))
			return false;
	}
	return true;
}

static size_t
unit_bytes(const struct scope_unit *u)
{
	return u->capnodes * sizeof(*u->nodes) +
	    u->capranges * sizeof(*u->ranges);
}

static void
unit_clear(struct scope_unit *u)
{
	free(u->nodes);
	free(u->ranges);
	u->nodes = NULL;
	u->ranges = NULL;
	u->nnodes = u->capnodes = u->nranges = u->capranges = 0;
	u->top = NONE;
	u->read = false;
}

/* The trees of every unit but U go. */
static void
drop_others(struct dhat__scopes *s, const struct scope_unit *u)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (&s->v[i] != u)
			unit_clear(&s->v[i]);
	s->kept = 0;
}

/* Hands back the arrays' unused room. */
static void
unit_trim(struct scope_unit *u)
{
	void *p;

	if (u->nnodes > 0 && (p = realloc(u->nodes, u->nnodes *
	    sizeof(*u->nodes))) != NULL) {
		u->nodes = p;
		u->capnodes = u->nnodes;
	}
	if (u->nranges > 0 && (p = realloc(u->ranges, u->nranges *
	    sizeof(*u->ranges))) != NULL) {
		u->ranges = p;
		u->capranges = u->nranges;
	}
}

/*
 * U's tree, read from its unit; false when out of memory even after the
 * other trees went.  Over the limit in all, the other trees go: a unit
 * larger than the limit is still kept alone.
 */
static bool
unit_read(struct dhat__scopes *s, struct scope_unit *u)
{
	uint32_t last = NONE;

	if (!read_under(u, &u->cudie, NONE, &last, 0)) {
		unit_clear(u);
		drop_others(s, u);
		last = NONE;
		if (!read_under(u, &u->cudie, NONE, &last, 0)) {
			unit_clear(u);
			return false;
		}
	}
	u->read = true;
	unit_trim(u);
	s->kept += unit_bytes(u);
	if (s->kept > (s->max_kept ? s->max_kept : MAX_KEPT)) {
		drop_others(s, u);
		s->kept = unit_bytes(u);
	}
	return true;
}

static bool
same_unit(const void *ctx, uint32_t pos)
{
	const struct dhat__scopes *s = ((const void *const *)ctx)[0];
	const void *key = ((const void *const *)ctx)[1];

	return s->v[pos].key == key;
}

/* CUDIE's tree, read when it is not here; NULL when out of memory. */
static struct scope_unit *
unit_of(struct dhat__scopes *s, Dwarf_Die *cudie)
{
	const void *ctx[2] = { s, cudie->addr };
	uint64_t hash = dhat__hash(&cudie->addr, sizeof(cudie->addr));
	uint32_t pos = dhat__index_find(&s->ix, hash, same_unit, ctx);
	struct scope_unit *u;

	if (pos == DHAT__INDEX_NONE) {
		u = room(s->v, &s->cap, s->n, sizeof(*u));
		if (u == NULL)
			return NULL;
		s->v = u;
		if (!dhat__index_add(&s->ix, hash, (uint32_t)s->n))
			return NULL;
		pos = (uint32_t)s->n++;
		memset(&s->v[pos], 0, sizeof(*u));
		s->v[pos].key = cudie->addr;
		s->v[pos].cudie = *cudie;
		s->v[pos].top = NONE;
	}
	u = &s->v[pos];
	if (!u->read && !unit_read(s, u))
		return NULL;
	return u;
}

static bool
holds(const struct scope_unit *u, uint32_t k, Dwarf_Addr pc)
{
	const struct range *r = &u->ranges[u->nodes[k].ranges];
	uint32_t i;

	for (i = 0; i < u->nodes[k].nranges; i++)
		if (pc >= r[i].lo && pc < r[i].hi)
			return true;
	return false;
}

/* The first of K and the entries after it that holds PC; NONE if none. */
static uint32_t
first_holder(const struct scope_unit *u, uint32_t k, Dwarf_Addr pc)
{
	for (; k != NONE; k = u->nodes[k].next)
		if (holds(u, k, pc))
			return k;
	return NONE;
}

int
dhat__scopes_around(struct dhat__scopes *s, Dwarf_Die *cudie, Dwarf_Addr pc,
    Dwarf_Die **chainp)
{
	struct scope_unit *u = unit_of(s, cudie);
	Dwarf_Die *chain;
	uint32_t k;
	size_t n = 0, i;

	*chainp = NULL;
	if (u == NULL)
		return -1;
	for (k = first_holder(u, u->top, pc); k != NONE;
	    k = first_holder(u, u->nodes[k].child, pc))
		n++;
	if (n == 0)
		return 0;
	chain = malloc((n + 1) * sizeof(*chain));
	if (chain == NULL)
		return -1;
	/* The walk down gives the outermost first. */
	i = n;
	for (k = first_holder(u, u->top, pc); k != NONE;
	    k = first_holder(u, u->nodes[k].child, pc))
		chain[--i] = u->nodes[k].die;
	/* The root of the outermost entry's own unit: a partial unit for
	 * entries imported from one. */
	if (dwarf_diecu(&chain[n - 1], &chain[n], NULL, NULL) == NULL)
		chain[n] = u->cudie;
	*chainp = chain;
	return (int)n + 1;
}

void
dhat__scopes_free(struct dhat__scopes *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		unit_clear(&s->v[i]);
	free(s->v);
	dhat__index_free(&s->ix);
	memset(s, 0, sizeof(*s));
}
