/* SPDX-License-Identifier: MIT */
/*
 * tsan.c - libdhat-access: the run-time entry points that GCC and Clang
 * call from code compiled with -fsanitize=thread (and the options that
 * dhat-access.pc gives, which keep only the loads and stores), turned
 * into libdhat's access counts (access.c).  Nothing of ThreadSanitizer
 * itself: no race detection, no shadow of its own.
 *
 * Every load and store of N bytes calls __tsan_readN or __tsan_writeN
 * with its address; ranges (structure copies, inlined memcpy and memset)
 * call __tsan_read_range and __tsan_write_range; atomic operations are
 * carried out here, counted as a read, a write or both.  A program built
 * this way runs without a profiler too: each call then returns at once.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "tsan.h"

#define EXPORT __attribute__((visibility("default")))

/* The thread's block of its previous access. */
static __thread struct dhat__acc_record *last
    __attribute__((tls_model("initial-exec")));

static inline void
note(const volatile void *a, size_t n, bool write)
{
	dhat__access_count((uintptr_t)a, n, write, &last);
}

void
dhat__tsan_note(const volatile void *a, size_t n, bool write)
{
	note(a, n, write);
}

EXPORT void
dhat__access_library(void)
{
}

#define RW(n)                                                                  \
	EXPORT void __tsan_read##n(void *a);                                   \
	EXPORT void __tsan_read##n(void *a)                                    \
	{ note(a, n, false); }                         \
	EXPORT void __tsan_write##n(void *a);                                  \
	EXPORT void __tsan_write##n(void *a)                                   \
	{ note(a, n, true); }                          \
	EXPORT void __tsan_unaligned_read##n(void *a);                         \
	EXPORT void __tsan_unaligned_read##n(void *a)                          \
	{ note(a, n, false); }                         \
	EXPORT void __tsan_unaligned_write##n(void *a);                        \
	EXPORT void __tsan_unaligned_write##n(void *a)                         \
	{ note(a, n, true); }                          \
	EXPORT void __tsan_volatile_read##n(void *a);                          \
	EXPORT void __tsan_volatile_read##n(void *a)                           \
	{ note(a, n, false); }                         \
	EXPORT void __tsan_volatile_write##n(void *a);                         \
	EXPORT void __tsan_volatile_write##n(void *a)                          \
	{ note(a, n, true); }

RW(1) RW(2) RW(4) RW(8) RW(16)

EXPORT void __tsan_read_range(void *a, long n);
EXPORT void
__tsan_read_range(void *a, long n)
{
	if (n > 0)
		note(a, (size_t)n, false);
}

EXPORT void __tsan_write_range(void *a, long n);
EXPORT void
__tsan_write_range(void *a, long n)
{
	if (n > 0)
		note(a, (size_t)n, true);
}

/* Called once by every instrumented module's constructor, and around
 * every function unless that instrumentation was turned off. */
EXPORT void __tsan_init(void);
EXPORT void
__tsan_init(void)
{
}

EXPORT void __tsan_func_entry(void *pc);
EXPORT void
__tsan_func_entry(void *pc)
{
	(void)pc;
}

/* GCC passes an address; Clang passes nothing. */
EXPORT void __tsan_func_exit(void *pc);
EXPORT void
__tsan_func_exit(void *pc)
{
	(void)pc;
}

/* C++ virtual table pointers: an update is a store, a read a load. */
EXPORT void __tsan_vptr_update(void *vptr, void *val);
EXPORT void
__tsan_vptr_update(void *vptr, void *val)
{
	(void)val;
	note(vptr, sizeof(void *), true);
}

EXPORT void __tsan_vptr_read(void *vptr);
EXPORT void
__tsan_vptr_read(void *vptr)
{
	note(vptr, sizeof(void *), false);
}

/* ---- atomic operations ------------------------------------------------- */

/*
 * The requested order is ignored: every operation is sequentially
 * consistent, which is at least as strong as any the program asks for.
 * The types are those GCC gives these functions when it declares them
 * itself (under any -fsanitize option): untyped pointers, unsigned
 * values.
 */
#define SC __ATOMIC_SEQ_CST

#define ATOMICS(bits, T)                                                       \
	EXPORT T __tsan_atomic##bits##_load(const volatile void *a, int mo);   \
	EXPORT T __tsan_atomic##bits##_load(const volatile void *a, int mo)    \
	{                                                                      \
		(void)mo;                                                      \
		note(a, sizeof(T), false);                                     \
		return __atomic_load_n((const volatile T *)a, SC);             \
	}                                                                      \
	EXPORT void __tsan_atomic##bits##_store(volatile void *a, T v,         \
	    int mo);                                                           \
	EXPORT void __tsan_atomic##bits##_store(volatile void *a, T v, int mo) \
	{                                                                      \
		(void)mo;                                                      \
		note(a, sizeof(T), true);                                      \
		__atomic_store_n((volatile T *)a, v, SC);                      \
	}                                                                      \
	RMW(bits, T, exchange, __atomic_exchange_n(p, v, SC))                  \
	RMW(bits, T, fetch_add, __atomic_fetch_add(p, v, SC))                  \
	RMW(bits, T, fetch_sub, __atomic_fetch_sub(p, v, SC))                  \
	RMW(bits, T, fetch_and, __atomic_fetch_and(p, v, SC))                  \
	RMW(bits, T, fetch_or, __atomic_fetch_or(p, v, SC))                    \
	RMW(bits, T, fetch_xor, __atomic_fetch_xor(p, v, SC))                  \
	RMW(bits, T, fetch_nand, __atomic_fetch_nand(p, v, SC))                \
	CAS(bits, T, strong, false)                                            \
	CAS(bits, T, weak, true)                                               \
	EXPORT T __tsan_atomic##bits##_compare_exchange_val(volatile void *a,  \
	    T c, T v, int mo, int fmo);                                        \
	EXPORT T __tsan_atomic##bits##_compare_exchange_val(volatile void *a,  \
	    T c, T v, int mo, int fmo)                                         \
	{                                                                      \
		(void)mo, (void)fmo;                                           \
		both(a, sizeof(T));                                            \
		__atomic_compare_exchange_n((volatile T *)a, &c, v, false, SC, \
		    SC);                                                       \
		return c;                                                      \
	}

/* A read-modify-write: a read and a write of the same bytes. */
static inline void
both(const volatile void *a, size_t n)
{
	note(a, n, false);
	note(a, n, true);
}

#define RMW(bits, T, op, expr)                                                 \
	EXPORT T __tsan_atomic##bits##_##op(volatile void *a, T v, int mo);    \
	EXPORT T __tsan_atomic##bits##_##op(volatile void *a, T v, int mo)     \
	{                                                                      \
		volatile T *p = a;                                             \
                                                                               \
		(void)mo;                                                      \
		both(a, sizeof(T));                                            \
		return expr;                                                   \
	}

#define CAS(bits, T, kind, weak)                                               \
	EXPORT bool __tsan_atomic##bits##_compare_exchange_##kind(             \
	    volatile void *a, void *c, T v, int mo, int fmo);                  \
	EXPORT bool __tsan_atomic##bits##_compare_exchange_##kind(             \
	    volatile void *a, void *c, T v, int mo, int fmo)                   \
	{                                                                      \
		(void)mo, (void)fmo;                                           \
		both(a, sizeof(T));                                            \
		return __atomic_compare_exchange_n((volatile T *)a, (T *)c, v, \
		    weak, SC, SC);                                             \
	}

ATOMICS(8, uint8_t)
ATOMICS(16, uint16_t)
ATOMICS(32, uint32_t)
ATOMICS(64, uint64_t)

EXPORT void __tsan_atomic_thread_fence(int mo);
EXPORT void
__tsan_atomic_thread_fence(int mo)
{
	(void)mo;
	__atomic_thread_fence(SC);
}

EXPORT void __tsan_atomic_signal_fence(int mo);
EXPORT void
__tsan_atomic_signal_fence(int mo)
{
	(void)mo;
	__atomic_signal_fence(SC);
}
