/* SPDX-License-Identifier: MIT */
/*
 * unload.c - remember the modules a program unloads with dlclose(), so
 * that stacks captured while a module was mapped still name its functions
 * when the profile is written (symbolization happens only then, when the
 * module's addresses are no longer mapped).
 *
 * libdhat's dlclose() notes the module's path and load bias, calls the
 * next dlclose(), and records the module if its code is really gone (a
 * dlclose() may only drop a reference).  Then the loader may map another
 * module at the same addresses, and a stack's raw addresses mean
 * different code before and after: so each unload also bumps
 * dhat__module_gen, which every program point records when it is made,
 * and retires the program points whose stacks have an address in the
 * module (pp_table.c), so that the same addresses captured later make
 * program points of their own.  The record says up to which generation
 * the module was mapped; the writer hands the list to the symbolizer,
 * which names an address of a program point of generation G from the
 * first module recorded at or after G that held it, read from its file
 * at its old address, and from the modules mapped now when none did.
 * The list is small and capped: a module unloaded again at the same
 * place with nothing else there in between extends its record, so a
 * program that loads and unloads in a loop costs a bounded amount of
 * memory.  It is kept under libdhat's one
 * lock, which fork() never leaves taken in the child (profiler.c): a
 * lock of its own would stay taken forever in a child forked while
 * another thread held it, and the child's next dlclose() or profile
 * would wait for it.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build_id.h"
#include "guard.h"
#include "lock.h"
#include "memory.h"
#include "pp_table.h"
#include "unload.h"
#include "unwind.h"
#include "symbolize.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_GONE 256

struct gone {
	char *path;
	uintptr_t bias, lo, hi;
	uint64_t gen;          /* the last generation it was mapped in */
	unsigned char id[DHAT__BUILD_ID_MAX];
	size_t idlen;          /* 0: no build ID */
};

/* The modules unloaded so far, under the profiler's lock. */
static struct {
	struct gone v[MAX_GONE];
	size_t n;
} gones;

struct find {
	const char *path;
	uintptr_t bias, lo, hi;
	bool found;
	unsigned char id[DHAT__BUILD_ID_MAX];
	size_t idlen;
};

/* The extent and build ID of the module PATH loaded at BIAS, if it is
 * loaded. */
static int
find_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find *f = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	int i;

	(void)size;
	if (info->dlpi_addr != f->bias || strcmp(info->dlpi_name, f->path) != 0)
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a;

		if (ph->p_type != PT_LOAD)
			continue;
		a = info->dlpi_addr + ph->p_vaddr;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	f->lo = lo;
	f->hi = hi;
	f->found = true;
	f->idlen = dhat__phdr_build_id(info, f->id);
	return 1;
}

/* The record of module F, if it is the last one to have held any of its
 * addresses; else NULL. */
static struct gone *
last_here(const struct find *f)
{
	size_t i = gones.n;

	while (i-- > 0) {
		const struct gone *g = &gones.v[i];

		if (g->lo < f->hi && f->lo < g->hi)
			return g->bias == f->bias && g->idlen == f->idlen &&
			    memcmp(g->id, f->id, f->idlen) == 0 &&
			    strcmp(g->path, f->path) == 0 ? &gones.v[i] : NULL;
	}
	return NULL;
}

/* Module F, named PATH, is gone. */
static void
remember_module(const char *path, const struct find *f)
{
	size_t n = strlen(path) + 1;
	uint64_t gen;
	struct gone *g;
	char *copy;

	/* The fork handlers must be there before the lock is first taken,
	 * even when no profiler has been made yet. */
	dhat__atfork_init();
	dhat__lock();
	gen = dhat__module_gen;
	g = last_here(f);
	if (g != NULL) {
		g->gen = gen;
	} else if (gones.n < MAX_GONE && (copy = dhat__malloc(n)) != NULL) {
		/* Past the cap, its stacks name what is there later.  One
		 * with a relative name is recorded too, unread by the
		 * symbolizer: its addresses are then "???", not another
		 * module's. */
		memcpy(copy, path, n);
		g = &gones.v[gones.n++];
		g->path = copy;
		g->bias = f->bias;
		g->lo = f->lo;
		g->hi = f->hi;
		g->gen = gen;
		memcpy(g->id, f->id, f->idlen);
		g->idlen = f->idlen;
	}
	dhat__pp_retire(f->lo, f->hi);
	__atomic_store_n(&dhat__module_gen, gen + 1, __ATOMIC_RELAXED);
	dhat__unlock();
}

EXPORT int
dlclose(void *handle)
{
	static int (*next)(void *);
	int (*fn)(void *);
	struct link_map *lm = NULL;
	char path[PATH_MAX], abs[PATH_MAX], *name = path;
	struct find f;
	void *h;
	int g, r;

	g = dhat__enter();
	fn = __atomic_load_n(&next, __ATOMIC_ACQUIRE);
	if (fn == NULL) {
		fn = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
		__atomic_store_n(&next, fn, __ATOMIC_RELEASE);
	}
	memset(&f, 0, sizeof f);
	/* glibc declares HANDLE non-null, but a program may still pass
	 * NULL: hide the parameter from the compiler's assumption. */
	h = handle;
	__asm__("" : "+r"(h));
	if (h != NULL && dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 &&
	    lm != NULL && lm->l_name != NULL && lm->l_name[0] != '\0' &&
	    strlen(lm->l_name) < sizeof path) {
		strcpy(path, lm->l_name);
		f.path = path;
		f.bias = lm->l_addr;
		(void)dl_iterate_phdr(find_module, &f);
	}
	/* The loader keeps a relative name as the program gave it: made
	 * absolute now, while it still names the file, for the writer. */
	if (f.found && path[0] != '/' && realpath(lm->l_name, abs) != NULL)
		name = abs;
	dhat__leave(g);
	if (fn == NULL)
		return -1;
	/* Without the guard: the module's destructors are the program's
	 * code, and their allocations count like any other. */
	r = fn(handle);
	if (r == 0 && f.found) {
		struct find still = { .path = path, .bias = f.bias };

		g = dhat__enter();
		(void)dl_iterate_phdr(find_module, &still);
		if (!still.found) {
			remember_module(name, &f);
			dhat__unwind_forget();
		}
		dhat__leave(g);
	}
	return r;
}

size_t
dhat__gone_modules(struct dhat__gone_module **out)
{
	struct dhat__gone_module *v;
	size_t i, n;

	*out = NULL;
	dhat__lock();
	n = gones.n;
	v = n ? dhat__calloc(n, sizeof *v) : NULL;
	for (i = 0; v != NULL && i < n; i++) {
		v[i].path = gones.v[i].path;    /* never freed */
		v[i].bias = gones.v[i].bias;
		v[i].lo = gones.v[i].lo;
		v[i].hi = gones.v[i].hi;
		v[i].gen = gones.v[i].gen;
		v[i].build_id = gones.v[i].id;
		v[i].build_id_len = gones.v[i].idlen;
	}
	dhat__unlock();
	*out = v;
	return v != NULL ? n : 0;
}
