/* SPDX-License-Identifier: MIT */
/*
 * cxx.c - the C++ allocation functions: every form of operator new and
 * operator delete (plain, array, nothrow, sized, aligned), by their
 * mangled names.
 *
 * Each one forwards to the program's own definition (libstdc++'s, or an
 * allocator's such as tcmalloc's, whose operator new never calls malloc)
 * and counts the block itself, with the guard set so that a malloc made
 * on the way is not counted twice.  So every C++ block is counted once,
 * whatever the allocator, and its stack starts at operator new, as
 * Valgrind's does.
 *
 * operator new may throw (std::bad_alloc, or whatever a new-handler
 * throws): the exception passes through these frames, and the guard is
 * put back by a cleanup that runs as it does (this file is compiled with
 * -fexceptions).
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include "compiler.h"
#include "entry.h"
#include "eprint.h"
#include "guard.h"
#include "heap.h"
#include "next.h"

#define EXPORT __attribute__((visibility("default")))

void *_Znwm(size_t n);
void *_Znam(size_t n);
void *_ZnwmRKSt9nothrow_t(size_t n, const void *nt);
void *_ZnamRKSt9nothrow_t(size_t n, const void *nt);
void *_ZnwmSt11align_val_t(size_t n, size_t al);
void *_ZnamSt11align_val_t(size_t n, size_t al);
void *_ZnwmSt11align_val_tRKSt9nothrow_t(size_t n, size_t al, const void *nt);
void *_ZnamSt11align_val_tRKSt9nothrow_t(size_t n, size_t al, const void *nt);
void _ZdlPv(void *p);
void _ZdaPv(void *p);
void _ZdlPvm(void *p, size_t n);
void _ZdaPvm(void *p, size_t n);
void _ZdlPvRKSt9nothrow_t(void *p, const void *nt);
void _ZdaPvRKSt9nothrow_t(void *p, const void *nt);
void _ZdlPvSt11align_val_t(void *p, size_t al);
void _ZdaPvSt11align_val_t(void *p, size_t al);
void _ZdlPvmSt11align_val_t(void *p, size_t n, size_t al);
void _ZdaPvmSt11align_val_t(void *p, size_t n, size_t al);
void _ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *nt);
void _ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *nt);

enum op {
	NEW, NEW_A, NEW_NT, NEW_A_NT, NEW_AL, NEW_A_AL, NEW_AL_NT, NEW_A_AL_NT,
	DEL, DEL_A, DEL_SZ, DEL_A_SZ, DEL_NT, DEL_A_NT, DEL_AL, DEL_A_AL,
	DEL_SZ_AL, DEL_A_SZ_AL, DEL_AL_NT, DEL_A_AL_NT,
	NOPS
};

static const char *const op_names[NOPS] = {
	"_Znwm", "_Znam", "_ZnwmRKSt9nothrow_t", "_ZnamRKSt9nothrow_t",
	"_ZnwmSt11align_val_t", "_ZnamSt11align_val_t",
	"_ZnwmSt11align_val_tRKSt9nothrow_t",
	"_ZnamSt11align_val_tRKSt9nothrow_t",
	"_ZdlPv", "_ZdaPv", "_ZdlPvm", "_ZdaPvm",
	"_ZdlPvRKSt9nothrow_t", "_ZdaPvRKSt9nothrow_t",
	"_ZdlPvSt11align_val_t", "_ZdaPvSt11align_val_t",
	"_ZdlPvmSt11align_val_t", "_ZdaPvmSt11align_val_t",
	"_ZdlPvSt11align_val_tRKSt9nothrow_t",
	"_ZdaPvSt11align_val_tRKSt9nothrow_t",
};

static void *next_ops[NOPS];

/*
 * A C++ runtime's definition where a global lookup does not see one:
 * the runtime was loaded by dlopen without RTLD_GLOBAL (with the plugin
 * that needed it), or not at all, since a program linked with libdhat
 * whose only C++ library calls are new and delete has them bound to
 * libdhat at link time, and the linker then drops libstdc++ as not
 * needed.  It is loaded then, as it would have been without libdhat.
 * The reference taken here keeps it loaded: its functions are called
 * from now on.
 */
static void *
local_runtime(const char *name)
{
	static const char *const runtimes[] = { "libstdc++.so.6",
		"libc++.so.1" };
	static const int modes[] = { RTLD_LAZY | RTLD_NOLOAD, RTLD_LAZY };
	void *h, *fn;

	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < 2; i++) {
			h = dlopen(runtimes[i], modes[m]);
			if (h != NULL && (fn = dlsym(h, name)) != NULL)
				return fn;
		}
	return NULL;
}

/* The operator's next definition, looked up on its first call. */
static __attribute__((noinline)) void *
cxx_resolve(enum op i)
{
	void *fn = dhat__next_lookup(op_names[i]);
	int g;

	if (fn == NULL) {
		g = dhat__enter();
		fn = local_runtime(op_names[i]);
		dhat__leave(g);
	}
	if (fn == NULL) {
		dhat__eprint("dhat: no C++ runtime defines ");
		dhat__eprint(op_names[i]);
		dhat__eprint("\n");
		abort();
	}
	__atomic_store_n(&next_ops[i], fn, __ATOMIC_RELEASE);
	return fn;
}

static inline void *
next_op(enum op i)
{
	void *fn = __atomic_load_n(&next_ops[i], __ATOMIC_ACQUIRE);

	return DHAT__LIKELY(fn != NULL) ? fn : cxx_resolve(i);
}

/* Leaves libdhat when its scope ends, by a return or an exception. */
static inline void
leave_scope(int *unused)
{
	(void)unused;
	dhat__leave(0);
}

typedef void *new_fn(size_t);
typedef void *new_nt_fn(size_t, const void *);
typedef void *new_al_fn(size_t, size_t);
typedef void *new_al_nt_fn(size_t, size_t, const void *);

/* The body of an operator new: FN called with ARGS, SIZE counted. */
#define NEW_BODY(op, type, args, size)                                        \
	do {                                                                   \
		type *fn = (type *)next_op(op);                                \
		void *p;                                                       \
                                                                               \
		if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)             \
			return fn args;                                        \
		{                                                              \
			int scope __attribute__((cleanup(leave_scope))) = 0;   \
                                                                               \
			(void)scope;                                           \
			dhat__guard = 1;                                       \
			p = fn args;                                           \
			if (p != NULL)                                         \
				dhat__count_block(p, size);                    \
		}                                                              \
		DHAT__NO_TAILCALL();                                           \
		return p;                                                      \
	} while (0)

EXPORT void *
_Znwm(size_t n)
{
	NEW_BODY(NEW, new_fn, (n), n);
}

EXPORT void *
_Znam(size_t n)
{
	NEW_BODY(NEW_A, new_fn, (n), n);
}

EXPORT void *
_ZnwmRKSt9nothrow_t(size_t n, const void *nt)
{
	NEW_BODY(NEW_NT, new_nt_fn, (n, nt), n);
}

EXPORT void *
_ZnamRKSt9nothrow_t(size_t n, const void *nt)
{
	NEW_BODY(NEW_A_NT, new_nt_fn, (n, nt), n);
}

EXPORT void *
_ZnwmSt11align_val_t(size_t n, size_t al)
{
	NEW_BODY(NEW_AL, new_al_fn, (n, al), n);
}

EXPORT void *
_ZnamSt11align_val_t(size_t n, size_t al)
{
	NEW_BODY(NEW_A_AL, new_al_fn, (n, al), n);
}

EXPORT void *
_ZnwmSt11align_val_tRKSt9nothrow_t(size_t n, size_t al, const void *nt)
{
	NEW_BODY(NEW_AL_NT, new_al_nt_fn, (n, al, nt), n);
}

EXPORT void *
_ZnamSt11align_val_tRKSt9nothrow_t(size_t n, size_t al, const void *nt)
{
	NEW_BODY(NEW_A_AL_NT, new_al_nt_fn, (n, al, nt), n);
}

typedef void del_fn(void *);
typedef void del_x_fn(void *, size_t);   /* a size or an alignment */
typedef void del_nt_fn(void *, const void *);
typedef void del_sz_al_fn(void *, size_t, size_t);
typedef void del_al_nt_fn(void *, size_t, const void *);

/* The body of an operator delete, FN called with ARGS. */
#define DELETE_BODY(op, type, args, p)                                        \
	do {                                                                   \
		type *fn = (type *)next_op(op);                                \
                                                                               \
		if (DHAT__LIKELY(!dhat__heap_on()) || (p) == NULL ||           \
		    dhat__guard) {                                             \
			fn args;                                               \
			return;                                                \
		}                                                              \
		DHAT__COUNT_FREE(p, fn args);                                  \
	} while (0)

EXPORT void
_ZdlPv(void *p)
{
	DELETE_BODY(DEL, del_fn, (p), p);
}

EXPORT void
_ZdaPv(void *p)
{
	DELETE_BODY(DEL_A, del_fn, (p), p);
}

EXPORT void
_ZdlPvm(void *p, size_t n)
{
	DELETE_BODY(DEL_SZ, del_x_fn, (p, n), p);
}

EXPORT void
_ZdaPvm(void *p, size_t n)
{
	DELETE_BODY(DEL_A_SZ, del_x_fn, (p, n), p);
}

EXPORT void
_ZdlPvRKSt9nothrow_t(void *p, const void *nt)
{
	DELETE_BODY(DEL_NT, del_nt_fn, (p, nt), p);
}

EXPORT void
_ZdaPvRKSt9nothrow_t(void *p, const void *nt)
{
	DELETE_BODY(DEL_A_NT, del_nt_fn, (p, nt), p);
}

EXPORT void
_ZdlPvSt11align_val_t(void *p, size_t al)
{
	DELETE_BODY(DEL_AL, del_x_fn, (p, al), p);
}

EXPORT void
_ZdaPvSt11align_val_t(void *p, size_t al)
{
	DELETE_BODY(DEL_A_AL, del_x_fn, (p, al), p);
}

EXPORT void
_ZdlPvmSt11align_val_t(void *p, size_t n, size_t al)
{
	DELETE_BODY(DEL_SZ_AL, del_sz_al_fn, (p, n, al), p);
}

EXPORT void
_ZdaPvmSt11align_val_t(void *p, size_t n, size_t al)
{
	DELETE_BODY(DEL_A_SZ_AL, del_sz_al_fn, (p, n, al), p);
}

EXPORT void
_ZdlPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *nt)
{
	DELETE_BODY(DEL_AL_NT, del_al_nt_fn, (p, al, nt), p);
}

EXPORT void
_ZdaPvSt11align_val_tRKSt9nothrow_t(void *p, size_t al, const void *nt)
{
	DELETE_BODY(DEL_A_AL_NT, del_al_nt_fn, (p, al, nt), p);
}
