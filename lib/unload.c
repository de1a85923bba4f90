/* SPDX-License-Identifier: MIT */
/*
 * unload.c - remember the modules a program unloads with dlclose(), so
 * that stacks captured while a module was mapped still name its functions
 * when the profile is written (symbolization happens only then, when the
 * module's addresses are no longer mapped).
 *
 * libdhat's dlclose() notes the module's path and load bias, calls the
 * next dlclose(), and records the module if its code is really gone (a
 * dlclose() may only drop a reference).  The writer hands the list to the
 * symbolizer, which reads each module from its file at its old address,
 * unless another module has been mapped over it since.  The list is
 * small, deduplicated and capped: a program that loads and unloads in a
 * loop costs a bounded amount of memory.  It is kept under libdhat's one
 * lock, which fork() never leaves taken in the child (profiler.c): a
 * lock of its own would stay taken forever in a child forked while
 * another thread held it, and the child's next dlclose() or profile
 * would wait for it.
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <string.h>

#include "dhat_private.h"
#include "symbolize.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_GONE 256

struct gone {
	char *path;
	uintptr_t bias, lo, hi;
};

static struct gone gones[MAX_GONE];
static size_t ngones;

struct find {
	const char *path;      /* NULL: any module */
	uintptr_t bias, lo, hi;
	bool found;
};

/* With PATH: the extent of the module PATH loaded at BIAS.  Without: is
 * any byte of [lo, hi) mapped by some module? */
static int
find_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find *f = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	int i;

	(void)size;
	if (f->path != NULL && (info->dlpi_addr != f->bias ||
	    strcmp(info->dlpi_name, f->path) != 0))
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
	if (f->path != NULL) {
		f->lo = lo;
		f->hi = hi;
		f->found = true;
		return 1;
	}
	if (lo < f->hi && f->lo < hi) {
		f->found = true;
		return 1;
	}
	return 0;
}

static void
remember(const char *path, uintptr_t bias, uintptr_t lo, uintptr_t hi)
{
	size_t i, n = strlen(path) + 1;
	char *copy;

	/* The fork handlers must be there before the lock is first taken,
	 * even when no profiler has been made yet. */
	dhat__atfork_init();
	dhat__lock();
	for (i = 0; i < ngones; i++)
		if (gones[i].bias == bias && strcmp(gones[i].path, path) == 0)
			goto out;
	if (ngones == MAX_GONE || (copy = dhat__malloc(n)) == NULL)
		goto out;
	memcpy(copy, path, n);
	gones[ngones].path = copy;
	gones[ngones].bias = bias;
	gones[ngones].lo = lo;
	gones[ngones].hi = hi;
	ngones++;
out:
	dhat__unlock();
}

EXPORT int
dlclose(void *handle)
{
	static int (*next)(void *);
	int (*fn)(void *);
	struct link_map *lm = NULL;
	char path[PATH_MAX];
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
	    lm != NULL && lm->l_name != NULL && lm->l_name[0] == '/' &&
	    strlen(lm->l_name) < sizeof path) {
		strcpy(path, lm->l_name);
		f.path = path;
		f.bias = lm->l_addr;
		(void)dl_iterate_phdr(find_module, &f);
	}
	dhat__leave(g);
	if (fn == NULL)
		return -1;
	/* Without the guard: the module's destructors are the program's
	 * code, and their allocations count like any other. */
	r = fn(handle);
	if (r == 0 && f.found) {
		struct find still = { path, f.bias, 0, 0, false };

		g = dhat__enter();
		(void)dl_iterate_phdr(find_module, &still);
		if (!still.found) {
			remember(path, f.bias, f.lo, f.hi);
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
	struct gone copy[MAX_GONE];
	size_t i, k, n = 0;

	*out = NULL;
	/* Copied out first: the loader's lock is never taken under ours. */
	dhat__lock();
	k = ngones;
	memcpy(copy, gones, k * sizeof *copy);
	dhat__unlock();
	v = k ? dhat__calloc(k, sizeof *v) : NULL;
	for (i = 0; v != NULL && i < k; i++) {
		struct find any = { NULL, 0, copy[i].lo, copy[i].hi, false };

		/* Something mapped over it since: its old addresses are
		 * that module's now. */
		(void)dl_iterate_phdr(find_module, &any);
		if (any.found)
			continue;
		v[n].path = copy[i].path;    /* never freed */
		v[n].bias = copy[i].bias;
		n++;
	}
	*out = v;
	return n;
}
