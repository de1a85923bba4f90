/* SPDX-License-Identifier: MIT */
/*
 * next.c - find the allocator the program would use without libdhat, for
 * the entry points to forward to (next.h).
 *
 * The program's allocator is the first definition of malloc (and of each
 * other entry point) in the loader's lookup order that is not libdhat's:
 * glibc's, or that of jemalloc, tcmalloc or mimalloc when the program
 * links or preloads one after libdhat (dhat-run puts libdhat first).
 * What libdhat allocates for itself through the entry points goes there
 * too, but for the exceptions memory.h names: a block must always be
 * freed by the allocator that made it, and the loader or the C library
 * may free through the entry points what libdhat allocated, and the
 * other way round.  Each entry point is looked up on its own, so one that
 * an allocator does not define (jemalloc has no pvalloc) goes where the
 * program's call would go, to glibc.
 *
 * When an allocator comes before libdhat (linked first), the program
 * calls it directly and libdhat sees none of its allocations; libdhat
 * still uses it, and dhat__next_shadowed says so for a warning.
 *
 * Looking up needs dlsym, which may allocate, and the first allocation of
 * the process may come before libdhat's constructors ran (a constructor
 * of a library initialised earlier, the loader itself).  So every pointer
 * starts at a stand-in that looks all of them up, then calls through;
 * while a thread looks them up, its own allocations come from a small
 * static arena, never given back.  The arena also serves what dhat-run's
 * set-up allocates (memory.h); freeing an arena block does nothing, so
 * the loader may free its messages there through the entry points.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "memory.h"
#include "next.h"

/* An arena block: its size in the 16 bytes before it. */
#define HEAD 16

static __thread int resolving __attribute__((tls_model("initial-exec")));

char dhat__boot_arena[DHAT__BOOT_SIZE] __attribute__((aligned(64)));
static size_t boot_used;

/* N bytes aligned to ALIGN from the arena's first LIMIT bytes, or NULL
 * (errno kept) when they have no room.  The address is aligned, not just
 * the offset (the arena itself is aligned to 64 only), and a block ends
 * inside the arena, even an empty one, or dhat__boot_owns would not know
 * it.  Arena bytes are zeroes: they are never reused. */
static void *
arena_alloc(size_t n, size_t align, size_t limit)
{
	uintptr_t base = (uintptr_t)dhat__boot_arena;
	size_t at, start, old;

	if (align < HEAD)
		align = HEAD;
	if (n >= limit || align >= limit || (align & (align - 1)) != 0)
		return NULL;
	old = __atomic_load_n(&boot_used, __ATOMIC_RELAXED);
	do {
		start = ((base + old + HEAD + align - 1) & ~(uintptr_t)(align - 1)) -
		    base;
		at = start + n;
		if (start >= limit || at > limit)
			return NULL;
	} while (!__atomic_compare_exchange_n(&boot_used, &old,
	    (at + HEAD - 1) & ~(size_t)(HEAD - 1), true, __ATOMIC_RELAXED,
	    __ATOMIC_RELAXED));
	memcpy(dhat__boot_arena + start - sizeof(size_t), &n, sizeof(n));
	return dhat__boot_arena + start;
}

/* What the stand-ins hand out while the definitions are looked up: the
 * arena or nothing. */
static void *
boot_alloc(size_t n, size_t align)
{
	void *p = arena_alloc(n, align, DHAT__BOOT_SIZE);

	if (p == NULL)
		errno = ENOMEM;
	return p;
}

/* What a thread that allocates its own blocks in the arena may take of
 * it: the rest is kept for a lookup of the definitions, which has
 * nothing else to fall back on. */
#define BOOT_TAKE_LIMIT (DHAT__BOOT_SIZE - 16384)
/* Larger alignments waste much of the arena: they go to the allocator. */
#define BOOT_TAKE_ALIGN 64

void *
dhat__boot_take(size_t n, size_t align, bool zero)
{
	void *p = align <= BOOT_TAKE_ALIGN ?
	    arena_alloc(n, align, BOOT_TAKE_LIMIT) : NULL;

	if (p != NULL)
		return p;
	if (zero)
		return dhat__next.calloc(1, n);
	return align <= HEAD ? dhat__next.malloc(n) :
	    dhat__next.memalign(align, n);
}

size_t
dhat__boot_usable(const void *p)
{
	size_t n;

	memcpy(&n, (const char *)p - sizeof(size_t), sizeof(n));
	return n;
}

void *
dhat__boot_realloc(void *p, size_t n)
{
	size_t have = dhat__boot_usable(p);
	void *q;

	if (resolving)
		q = boot_alloc(n, 16);
	else if (dhat__own_from == DHAT__OWN_BOOT)
		q = dhat__boot_take(n, 16, false);
	else
		q = dhat__next.malloc(n);
	if (q != NULL)
		memcpy(q, p, have < n ? have : n);
	return q;
}

/* ---- the stand-ins ------------------------------------------------------ */

static void *
boot_malloc(size_t n)
{
	if (resolving)
		return boot_alloc(n, 16);
	dhat__next_resolve();
	return dhat__next.malloc(n);
}

static void *
boot_calloc(size_t m, size_t n)
{
	size_t size;

	if (resolving)   /* the arena is zeroes, never reused */
		return __builtin_mul_overflow(m, n, &size) ? NULL :
		    boot_alloc(size, 16);
	dhat__next_resolve();
	return dhat__next.calloc(m, n);
}

static void *
boot_realloc(void *p, size_t n)
{
	if (resolving)
		return p == NULL ? boot_alloc(n, 16) : dhat__boot_realloc(p, n);
	dhat__next_resolve();
	return dhat__next.realloc(p, n);
}

static void
boot_free(void *p)
{
	if (resolving || dhat__boot_owns(p))
		return;
	dhat__next_resolve();
	dhat__next.free(p);
}

static void *
boot_memalign(size_t align, size_t n)
{
	if (resolving)
		return boot_alloc(n, align);
	dhat__next_resolve();
	return dhat__next.memalign(align, n);
}

static void *
boot_aligned_alloc(size_t align, size_t n)
{
	if (resolving)
		return boot_alloc(n, align);
	dhat__next_resolve();
	return dhat__next.aligned_alloc(align, n);
}

static int
boot_posix_memalign(void **pp, size_t align, size_t n)
{
	void *p;

	if (!resolving) {
		dhat__next_resolve();
		return dhat__next.posix_memalign(pp, align, n);
	}
	if ((p = boot_alloc(n, align)) == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

static void *
boot_valloc(size_t n)
{
	if (resolving)
		return boot_alloc(n, (size_t)getpagesize());
	dhat__next_resolve();
	return dhat__next.valloc(n);
}

static void *
boot_pvalloc(size_t n)
{
	if (resolving)
		return boot_alloc(n, (size_t)getpagesize());
	dhat__next_resolve();
	return dhat__next.pvalloc(n);
}

static size_t
boot_usable(void *p)
{
	if (!resolving) {
		dhat__next_resolve();
		return dhat__next.malloc_usable_size(p);
	}
	return p == NULL ? 0 : dhat__boot_usable(p);
}

struct dhat__next dhat__next = {
	.malloc = boot_malloc,
	.calloc = boot_calloc,
	.realloc = boot_realloc,
	.free = boot_free,
	.memalign = boot_memalign,
	.aligned_alloc = boot_aligned_alloc,
	.posix_memalign = boot_posix_memalign,
	.valloc = boot_valloc,
	.pvalloc = boot_pvalloc,
	.malloc_usable_size = boot_usable,
};

/* ---- looking up --------------------------------------------------------- */

/* For a C library without them (glibc has both). */
static int
fallback_posix_memalign(void **pp, size_t align, size_t n)
{
	void *p = __libc_memalign(align, n);

	if (p == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

static size_t
fallback_usable(void *p)
{
	(void)p;
	return 0;
}

/* ADDR lies in a loadable segment of the object INFO describes. */
static bool
in_object(const struct dl_phdr_info *info, uintptr_t addr)
{
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && addr - lo < ph->p_memsz)
			return true;
	}
	return false;
}

/* FN is the executable's own definition of NAME, not the stub through
 * which an executable that takes a function's address calls it (the
 * dynamic symbol is then undefined, with the stub's address as value:
 * cc1 has one for free). */
static bool
exe_defines(void *fn, const char *name)
{
	const ElfW(Sym) *sym = NULL;
	Dl_info info;

	return dladdr1(fn, &info, (void **)&sym, RTLD_DL_SYMENT) &&
	    sym != NULL && sym->st_shndx != SHN_UNDEF &&
	    info.dli_sname != NULL && strcmp(info.dli_sname, name) == 0;
}

struct walk {
	const char *name;
	void *self;          /* an address in libdhat */
	void *found;
	bool first;          /* the next object is the executable */
};

/* One object before libdhat in the loader's order: its own definition
 * of the name, if it has one.  The objects loaded at start-up are never
 * unloaded, so the reference taken here changes nothing. */
static int
walk_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct walk *w = arg;
	bool exe = w->first;
	void *h, *fn;

	(void)size;
	w->first = false;
	if (in_object(info, (uintptr_t)w->self))
		return 1;                       /* libdhat: none before it */
	if (exe) {
		fn = dlsym(RTLD_DEFAULT, w->name);
		if (fn != NULL && in_object(info, (uintptr_t)fn) &&
		    exe_defines(fn, w->name))
			w->found = fn;
		return w->found != NULL;
	}
	h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
	fn = h != NULL ? dlsym(h, w->name) : NULL;
	if (fn != NULL && in_object(info, (uintptr_t)fn))
		w->found = fn;
	return w->found != NULL;
}

/* The definition of NAME in an object that comes before libdhat in the
 * lookup order (the executable, or a library linked before libdhat), or
 * NULL: then libdhat's is the one the program calls. */
static void *
before_self(const char *name)
{
	struct walk w = { name, (void *)dhat__next_resolve, NULL, true };

	(void)dl_iterate_phdr(walk_one, &w);
	return w.found;
}

/* The first definition of NAME that is not libdhat's, or FALLBACK. */
static void *
next_lookup(const char *name, void *fallback)
{
	void *fn = before_self(name);

	if (fn == NULL)
		fn = dlsym(RTLD_NEXT, name);
	return fn != NULL ? fn : fallback;
}

#define LOOKUP(field, fallback)                                                \
	__atomic_store_n(&dhat__next.field,                                    \
	    (__typeof__(dhat__next.field))next_lookup(#field, (void *)(fallback)),  \
	    __ATOMIC_RELEASE)

/*
 * Every definition, in one go; any thread may do it, and doing it twice
 * stores the same pointers.  malloc comes last: the stand-ins of the
 * others are what a caller that raced ahead would see until then, and
 * each of them calls this again.
 */
void
dhat__next_resolve(void)
{
	int g;

	if (resolving)
		return;
	resolving = 1;
	g = dhat__guard;
	dhat__guard = DHAT__GUARD_NEXT;
	LOOKUP(calloc, __libc_calloc);
	LOOKUP(realloc, __libc_realloc);
	LOOKUP(free, __libc_free);
	LOOKUP(memalign, __libc_memalign);
	LOOKUP(aligned_alloc, __libc_memalign);
	LOOKUP(posix_memalign, fallback_posix_memalign);
	LOOKUP(valloc, __libc_valloc);
	LOOKUP(pvalloc, __libc_pvalloc);
	LOOKUP(malloc_usable_size, fallback_usable);
	LOOKUP(malloc, __libc_malloc);
	dhat__guard = g;
	resolving = 0;
}

void *
dhat__next_lookup(const char *name)
{
	int g = dhat__guard;
	void *fn;

	dhat__guard = DHAT__GUARD_NEXT;
	fn = next_lookup(name, NULL);
	dhat__guard = g;
	return fn;
}

const char *
dhat__next_shadowed(void)
{
	Dl_info info;
	int g = dhat__guard;
	void *fn;

	dhat__guard = DHAT__GUARD_NEXT;
	fn = before_self("malloc");
	dhat__guard = g;
	return fn != NULL && dladdr(fn, &info) ? info.dli_fname : NULL;
}

__attribute__((constructor(101))) static void
next_init(void)
{
	if (dhat__next.malloc == boot_malloc)
		dhat__next_resolve();
}
