/* SPDX-License-Identifier: MIT */
/*
 * stack.c - capture the program's stack at an allocation.
 *
 * The walk is unwind.c's, from the unwind tables without a lock or a
 * system call; the stacks it leaves (a signal frame, code it cannot
 * read the tables of) are libunwind's unw_backtrace()'s, never the cursor
 * API's (unw_step costs system calls per frame).  An allocation's walk
 * starts at the entry point's frame, whose return address and rbp
 * heap_alloc's frame holds, and ends as soon as the frames it has found
 * decide the stack: the kept ones, and one beyond them that the
 * trimming of the start code (below) cannot pass.  The walk starts inside
 * libdhat; libdhat's own frames are recognised by address (the executable
 * segment of libdhat.so, found once when a profiler starts), which stays
 * right whatever the compiler inlines.  The outermost of them is the
 * entry point the program called (malloc, calloc, ...) and is kept as the
 * stack's first frame.
 *
 * The other end of a complete stack is the C library's start code: below
 * main, _start in the executable, then __libc_start_main and its helper
 * in libc; below a thread's start routine, libc's start_thread and clone3.
 * Those frames are dropped here, by address, so that the profile's stacks
 * end at main or the start routine: naming them when the profile is
 * written would read libc's separate debugging information (tens of
 * milliseconds of decompression, for frames nobody wants), and without
 * it __libc_start_call_main, a local symbol, would print as "???".
 * glibc's start code is a known number of frames of known functions
 * (program_end), dropped by position and address; every other frame
 * stays, libc's too (exit below an exit handler, strdup as a thread's
 * start routine, qsort calling back into the program), so that stacks
 * are the ones Valgrind shows without its start frames.  Only a stack
 * that unw_backtrace returned whole is trimmed: the outermost frames of a
 * cut one are not the start code.  What this misses (a cut stack, another
 * C library) the symbolizer still recognises by name.
 *
 * Unwinding costs about 10 ns a frame, the whole budget of an allocation,
 * so each thread keeps a cache of the stacks it captured, keyed by the
 * entry point's call into the heap code and that call's stack address
 * (heap_alloc's CFA), and valid only while every word that the walk read
 * to find the stack still holds what it held.  A hit is exact: it names
 * the stack that unwinding at that moment would give.  The walk
 * (unwind.c) is a function of the registers it starts from, of the
 * unwind tables and of the words it reads.  Frame by frame, the tables
 * at the frame's code address say where its CFA is (the stack pointer or
 * rbp, plus a constant), where below the CFA its caller's return address
 * lies, and whether rbp was saved there.  The entry point's frame runs at
 * the key's stack address, at the key's call.  Then, frame by frame from
 * there: a frame whose CFA is sp-based has its return slot fixed by its
 * stack pointer and code address, both already the same as when the
 * entry was made, and the word checked there gives the caller's code
 * address, and the CFA the caller's stack pointer; a frame whose CFA is
 * rbp-based (alloca, variable-length arrays, frame-pointer builds) also
 * has rbp's value checked, in the word where the nearest frame inside it
 * that saved rbp put it, at a place fixed by the frames already checked,
 * or in heap_alloc's frame when no kept frame saved it.  The checks go on past
 * the kept frames up to one that the start code's trimming stops at, or
 * to the walk's end: what lies beyond cannot change the stack.  No other
 * word counts, so a stale copy of a return address anywhere in a frame
 * is never taken for a return slot, and a different caller anywhere in
 * the stack, a recursion one level deeper, a longjmp out of frames, a
 * frame resized by alloca: each changes a checked word, or the key.  Not
 * cached, always unwound: stacks that the walk leaves to libunwind
 * (through a signal frame, code without unwind tables, a stack outside
 * the thread's own: sigaltstack, coroutines), stacks that need more
 * checks than an entry holds, and an rbp-based frame whose rbp no
 * checked word holds.  When code is unmapped every entry goes: its return
 * addresses may name other code since.
 */
#include "config.h"

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "compiler.h"
#include "memory.h"
#include "pages.h"
#include "pp_table.h"
#include "stack.h"
#include "thread_stack.h"
#include "unwind.h"

/* Frames of libdhat's internals to allow for beyond the ones kept, in a
 * walk from the innermost frame (libunwind's, or a stack without FROM). */
#define SLACK 16
/* Frames to walk beyond the kept ones of a stack, so that a stack cut
 * there keeps none of the start code: program_end drops at most 3
 * frames (glibc's _start, __libc_start_main and __libc_start_call_main
 * below main), so a stack longer than the kept frames and those 3 loses
 * nothing to the cut that trimming would keep. */
#define START_ROOM 4
/* Frames of libdhat allowed for in a walk that starts at the entry
 * point (an entry point of libdhat's that calls another). */
#define OWN_ROOM 2
/* _start's extent when the unwind tables do not give it: glibc's is 38
 * bytes, and the return address lies right after its one call. */
#define ENTRY_WINDOW 64

/* Code ranges, found when a profiler starts. */
static struct {
	uintptr_t text_lo, text_hi;     /* libdhat's code */
	uintptr_t also_lo, also_hi;     /* libdhat-copy's code; 0: none */
	uintptr_t start_lo, start_hi;   /* _start; 0: unknown */
	uintptr_t libc_lo, libc_hi;     /* libc's code; 0: unknown */
	uintptr_t lsm_lo, lsm_hi;       /* __libc_start_main; 0: unknown */
} code;


struct find_ctx {
	uintptr_t addr;         /* the address to find */
	uintptr_t lo, hi;
	bool in_main;           /* in the executable (the first object) */
	bool first;
};

/* The executable segment of the object that holds c->addr. */
static int
find_text(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_ctx *c = arg;
	bool first = c->first;
	int i;

	(void)size;
	c->first = false;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo, hi;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		lo = info->dlpi_addr + ph->p_vaddr;
		hi = lo + ph->p_memsz;
		if (c->addr >= lo && c->addr < hi) {
			c->lo = lo;
			c->hi = hi;
			c->in_main = first;
			return 1;
		}
	}
	return 0;
}

static bool
text_of(uintptr_t addr, struct find_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->addr = addr;
	c->first = true;
	return dl_iterate_phdr(find_text, c) != 0;
}

/*
 * fork() and the unwinder.  An unwind runs outside libdhat's lock, and
 * meanwhile libunwind may hold its own mutexes (its caches of unwind
 * information) and the dynamic loader's lock (dl_iterate_phdr).  A child
 * forked then inherits them locked, and its first unwind or lookup of the
 * loaded objects waits forever.  So every unwind holds this lock shared,
 * and fork_prepare (profiler.c) takes it exclusively: a fork waits for
 * the unwinds in flight and holds new ones back until it is done.  The
 * writer is preferred, or a stream of unwinds in other threads could hold
 * a fork back indefinitely.  A fork from a signal handler that interrupted
 * this thread's own unwind does not wait for itself (UNWINDING).
 */
static pthread_rwlock_t unwind_lock =
    PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static __thread int unwinding __attribute__((tls_model("initial-exec")));
static __thread int fork_held __attribute__((tls_model("initial-exec")));

void
dhat__unwind_begin(void)
{
	(void)pthread_rwlock_rdlock(&unwind_lock);
	unwinding = 1;
}

void
dhat__unwind_end(void)
{
	unwinding = 0;
	(void)pthread_rwlock_unlock(&unwind_lock);
}

/* Every walk out of the way (unwind.c's tables are about to go), unless
 * this thread is inside one: a signal handler interrupted it. */
bool
dhat__unwind_lock_all(void)
{
	return !unwinding && pthread_rwlock_wrlock(&unwind_lock) == 0;
}

void
dhat__unwind_unlock_all(void)
{
	(void)pthread_rwlock_unlock(&unwind_lock);
}

void
dhat__unwind_fork_prepare(void)
{
	if (!unwinding && pthread_rwlock_wrlock(&unwind_lock) == 0)
		fork_held = 1;
}

void
dhat__unwind_fork_parent(void)
{
	if (fork_held) {
		fork_held = 0;
		(void)pthread_rwlock_unlock(&unwind_lock);
	}
}

/* The child's only thread is this one: a fresh lock, held shared again
 * when the fork interrupted this thread's own unwind, which ends it. */
void
dhat__unwind_fork_child(void)
{
	static const pthread_rwlock_t fresh =
	    PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;

	fork_held = 0;
	memcpy(&unwind_lock, &fresh, sizeof unwind_lock);
	if (unwinding)
		(void)pthread_rwlock_rdlock(&unwind_lock);
}

/* The extent of the function at IP from the unwind tables, into *LO and
 * *HI; false when they do not cover IP. */
static bool
function_range(uintptr_t ip, uintptr_t *lo, uintptr_t *hi)
{
	unw_proc_info_t pi;
	bool found;

	memset(&pi, 0, sizeof pi);
	dhat__unwind_begin();
	found = unw_get_proc_info_by_ip(unw_local_addr_space, ip, &pi,
	    NULL) == 0;
	dhat__unwind_end();
	if (!found || pi.start_ip > ip || ip >= pi.end_ip)
		return false;
	*lo = pi.start_ip;
	*hi = pi.end_ip;
	return true;
}

/*
 * The start code's ranges.  _start's extent comes from the unwind tables
 * (its FDE is also what makes the unwinder stop there), else a window
 * after the entry point.  libc is the object of __libc_free, glibc's own
 * export, which also holds __libc_start_main and start_thread; an address
 * that resolves into the executable (a static program, a copy of the
 * function there) says nothing about libc, and then only _start goes.
 */
static void
find_start_code(void)
{
	uintptr_t entry = (uintptr_t)getauxval(AT_ENTRY), lsm;
	struct find_ctx c;

	if (entry != 0 &&
	    !function_range(entry, &code.start_lo, &code.start_hi)) {
		code.start_lo = entry;
		code.start_hi = entry + ENTRY_WINDOW;
	}
	if (text_of((uintptr_t)&__libc_free, &c) && !c.in_main &&
	    !(c.lo < code.text_hi && code.text_lo < c.hi)) {
		code.libc_lo = c.lo;
		code.libc_hi = c.hi;
		/* glibc's start-up function, which calls main and the
		 * constructors. */
		lsm = (uintptr_t)dlsym(RTLD_DEFAULT, "__libc_start_main");
		if (!function_range(lsm, &code.lsm_lo, &code.lsm_hi) ||
		    code.lsm_lo < code.libc_lo || code.lsm_hi > code.libc_hi)
			code.lsm_lo = code.lsm_hi = 0;
	}
}

int
dhat__stack_init(void)
{
	struct find_ctx c;

	dhat__stack_cache_init();
	if (code.text_hi != 0)
		return 0;
	/* The object whose executable segment holds this function. */
	if (!text_of((uintptr_t)&dhat__stack_init, &c))
		return -1;
	code.text_lo = c.lo;
	code.text_hi = c.hi;
	find_start_code();
	return 0;
}

int
dhat__stack_own_also(uintptr_t addr)
{
	struct find_ctx c;

	if (addr >= code.also_lo && addr < code.also_hi)
		return 0;
	if (!text_of(addr, &c))
		return -1;
	code.also_lo = c.lo;
	code.also_hi = c.hi;
	return 0;
}

static inline bool
own(uintptr_t ip)
{
	return (ip >= code.text_lo && ip < code.text_hi) ||
	    (ip >= code.also_lo && ip < code.also_hi);
}

/* Index of the outermost frame of the first run of libdhat frames. */
static size_t
first_kept(const uintptr_t *ips, size_t n)
{
	size_t i = 0;

	while (i < n && !own(ips[i]))
		i++;
	if (i == n)
		return 0;
	while (i + 1 < n && own(ips[i + 1]))
		i++;
	return i;
}

#if defined(__x86_64__)
/* x86-64 Linux's signal return trampoline: mov $15, %rax; syscall. */
static const unsigned char sigreturn_code[] = { 0x48, 0xc7, 0xc0, 0x0f,
	0x00, 0x00, 0x00, 0x0f, 0x05 };
#endif

/* IP, in libc's text, is libc's signal return trampoline. */
static bool
libc_trampoline(uintptr_t ip)
{
#if defined(__x86_64__)
	return code.libc_hi - ip >= sizeof sigreturn_code &&
	    memcmp((const void *)ip, sigreturn_code,
	    sizeof sigreturn_code) == 0;
#else
	(void)ip;
	return false;
#endif
}

/* The return address IP lies in [LO, HI) (looked up at IP - 1, in its
 * call). */
static inline bool
returns_into(uintptr_t ip, uintptr_t lo, uintptr_t hi)
{
	return ip - 1 - lo < hi - lo;
}

/* The return address IP is into libc, and not its signal trampoline. */
static bool
libc_frame(uintptr_t ip)
{
	return returns_into(ip, code.libc_lo, code.libc_hi) &&
	    !libc_trampoline(ip);
}

/*
 * The end of the program's part of the whole stack IPS[K..N): without
 * the start code, which glibc makes of exactly these frames.  Below the
 * main thread's functions (the stack returns into _start):
 * __libc_start_main, which calls the constructors itself and main
 * through __libc_start_call_main; that one also calls exit when main
 * returns, whose frames (exit, the exit handlers' caller) stay, as they
 * do in Valgrind.  Below a thread's start routine: start_thread and
 * clone3.  Only libc frames go, so a libc function that is a thread's
 * start routine stays (strdup, say).  A stack of which nothing but the
 * entry point would be left (a start routine or constructor that
 * tail-calls malloc) keeps its start code: it is the only context the
 * allocation has.  A signal trampoline always stays, and what it
 * interrupted: the profile shows where the handler ran from.
 */
static size_t
program_end(const uintptr_t *ips, size_t k, size_t n)
{
	size_t end = n;
	int drop;

	if (end > k + 1 &&
	    returns_into(ips[end - 1], code.start_lo, code.start_hi)) {
		end--;
		if (end > k + 1 &&
		    returns_into(ips[end - 1], code.lsm_lo, code.lsm_hi))
			end--;
		drop = 1;       /* __libc_start_call_main */
	} else {
		drop = 2;       /* start_thread, clone3 */
	}
	while (drop-- > 0 && end > k + 1 && libc_frame(ips[end - 1]))
		end--;
	return end > k + 1 ? end : n;
}

/* Room for a walk that keeps MAX frames beyond OWN of libdhat's: 256
 * (in a buffer of its own) when that is more than the stack's buffer. */
static size_t
walk_room(size_t max, size_t own)
{
	return max > DHAT__STACK_BUF - own - START_ROOM ? 256 :
	    max + own + START_ROOM;
}

static int take_foreseen(uintptr_t from, uintptr_t *hint);

/* Up to CAP frames into BUF, for a caller that keeps MAX: from FROM on
 * when not 0 (see dhat__unwind_from, and HINT[0..NHINT) its hint), else
 * from here; libunwind's when SLOW.  -2: the walk could not, libunwind
 * must. */
static int
walk_into(struct dhat__stack *s, uintptr_t *buf, size_t cap, size_t max,
    bool slow, const uintptr_t *hint, int nhint)
{
	struct dhat__walk *w = s->walk.from != 0 ? &s->walk : NULL;
	int got;

	dhat__unwind_begin();
	if (slow) {
		s->walk.first = -1;
		got = unw_backtrace((void **)buf, (int)cap);
	} else {
		got = w != NULL ? dhat__unwind_from(buf, (int)cap, w, max,
		    hint, nhint) : dhat__unwind_fast(buf, (int)cap, NULL);
		if (got < 0)
			got = -2;
	}
	dhat__unwind_end();
	return got;
}

/* A buffer of CAP frames for S at *BUF, whose room is *SIZE: false when
 * out of memory. */
static bool
room_for(struct dhat__stack *s, size_t cap, uintptr_t **buf, size_t *size)
{
	if (cap <= *size)
		return true;
	dhat__own_free(s->heap);
	s->heap = NULL;
	if (cap <= DHAT__STACK_BUF) {
		*buf = s->buf;
		*size = DHAT__STACK_BUF;
		return true;
	}
	*buf = s->heap = dhat__malloc(cap * sizeof **buf);
	*size = *buf != NULL ? cap : 0;
	return *buf != NULL;
}

/* A frame past the kept ones that program_end's trimming cannot pass:
 * in neither _start nor libc (where __libc_start_main is too). */
static inline bool
stops_trim(uintptr_t ip)
{
	return !returns_into(ip, code.start_lo, code.start_hi) &&
	    !returns_into(ip, code.libc_lo, code.libc_hi);
}

/* Trimming drops frames from the stack's end only, and only start code:
 * a frame it cannot drop shields every frame before it. */
bool
dhat__stack_walked_enough(const uintptr_t *ips, size_t n, size_t keep)
{
	return n - first_kept(ips, n) > keep && stops_trim(ips[n - 1]);
}

/*
 * With FROM, the walk starts at the entry point's frame, and walks only
 * the kept frames and those that show that trimming cannot reach them
 * (dhat__stack_walked_enough); without it, or when libunwind walks
 * instead, libdhat's own frames come first, and the buffer allows for
 * them.  A walk that ended early is a cut stack: nothing to trim.
 */
void
dhat__stack_capture(struct dhat__stack *s, size_t max, uintptr_t from)
{
	size_t cap, size = 0, n, k, room;
	uintptr_t *buf = NULL, hint[DHAT__HINT_FRAMES];
	bool slow = false;
	int got, nhint = take_foreseen(from, hint);

	s->heap = NULL;
	s->walk.from = from;
	s->walk.first = -1;
	s->walk.cut = false;
	cap = walk_room(max, from != 0 ? OWN_ROOM : SLACK);
	for (;;) {
		if (!room_for(s, cap, &buf, &size)) {
			s->ips = s->buf;
			s->n = 0;
			return;
		}
		got = walk_into(s, buf, cap, max, slow, hint, nhint);
		if (got == -2) {
			slow = true;
			cap = walk_room(max, SLACK);
			continue;
		}
		n = got > 0 ? (size_t)got : 0;
		/* A full buffer may have cut the stack: retry bigger when
		 * the caller wants more, or when the start code (which a
		 * cut stack keeps) could be among the frames it wants. */
		if (n < cap)
			break;
		room = cap - first_kept(buf, n);
		if (room >= max && room - max >= START_ROOM)
			break;
		cap *= 2;
	}
	k = first_kept(buf, n);
	if (n < cap && !(s->walk.cut && !slow))
		n = program_end(buf, k, n);
	s->ips = buf + k;
	s->n = n - k;
	if (s->n > max)
		s->n = max;
}

void
dhat__stack_release(struct dhat__stack *s)
{
	dhat__own_free(s->heap);
	s->heap = NULL;
}

/* ---- the per-thread stack cache ---------------------------------------- */

#if defined(__x86_64__)
/* Per thread, a power of two: 256 entries of 400 bytes (keys included)
 * and a guess, about 100 KiB.  Python misses 5% more stacks with 256
 * than with 512 (7,857 against 7,505), and neither it nor allocbench
 * runs faster with 512. */
#define CACHE_ENTRIES 256
#define CACHE_WAYS 4            /* entries per set: callers sharing a key */
#define CACHE_WORDS 30          /* stack words checked per entry */

/* A stack, valid while each word at CFA + OFF[I] holds VAL[I]: the words
 * the walk read to find it (see the top of this file), for the key at
 * the same index. */
struct centry {
	uint64_t gen;           /* key_gen() of PP's epoch; 0: empty */
	uint32_t pp;
	uint32_t n;
	uint32_t ras;           /* bit I: check I reads a return address */
	uint32_t kept;          /* the stack's frames */
	int32_t off[CACHE_WORDS];
	uintptr_t val[CACHE_WORDS];
};

struct ckey {
	uintptr_t ip0, cfa;     /* the entry point's call, its CFA */
};

/* The return addresses that the thread's last miss foresaw (see
 * foresee) for the call whose heap_alloc CFA is CFA. */
struct foreseen {
	uintptr_t cfa;
	int n;
	uintptr_t ips[DHAT__HINT_FRAMES];
};

/* The keys of a set share a cache line: a lookup reads one line to find
 * its ways, and an entry's only when its key matches. */
struct cache {
	struct ckey key[CACHE_ENTRIES];
	struct centry e[CACHE_ENTRIES];
	struct foreseen seen;
};

/* Per thread: the cache (NULL: none yet, DEAD: the thread is exiting),
 * and its stack's bounds (hi 0: not looked up, 1: unknown). */
#define DEAD ((struct cache *)1)
static __thread struct cache *cache __attribute__((tls_model("initial-exec")));
static __thread uintptr_t stack_lo __attribute__((tls_model("initial-exec")));
static __thread uintptr_t stack_hi __attribute__((tls_model("initial-exec")));
static __thread unsigned victim __attribute__((tls_model("initial-exec")));
/* Hit statistics of the current window of lookups, and how many misses
 * to let pass unremembered (see dhat__stack_remember). */
static __thread unsigned looks __attribute__((tls_model("initial-exec")));
static __thread unsigned hits __attribute__((tls_model("initial-exec")));
static __thread unsigned skip __attribute__((tls_model("initial-exec")));
static __thread unsigned skipped __attribute__((tls_model("initial-exec")));
/* The caches of all threads: the key that frees a thread's at its exit,
 * and how many times code was unmapped (a return address in an entry
 * may name other code since, with other unwind tables). */
static struct {
	pthread_key_t key;
	int key_ok;
	unsigned code_gen;
} caches;

static void
cache_free(void *p)
{
	dhat__pages_free(p, sizeof(struct cache));
	/* Allocations in later thread-exit destructors are not cached. */
	cache = DEAD;
}

void
dhat__stack_cache_init(void)
{
	if (!caches.key_ok && pthread_key_create(&caches.key, cache_free) == 0)
		caches.key_ok = 1;
}

void
dhat__stack_cache_flush(void)
{
	__atomic_add_fetch(&caches.code_gen, 1, __ATOMIC_RELEASE);
}

/* The generation an entry is stamped with: the PP table's epoch (never
 * 0, nor above 2^48) and the code's. */
static inline uint64_t
key_gen(uint64_t gen)
{
	return gen ^ (uint64_t)__atomic_load_n(&caches.code_gen,
	    __ATOMIC_ACQUIRE) <<
	    48;
}

/* The index of the first entry of the key's set.  One key has as many
 * stacks as the callers that reach the same call with the same stack
 * depth. */
static inline size_t
cache_set(uintptr_t ip0, uintptr_t cfa)
{
	uint64_t h = (ip0 ^ (cfa * 0x9e3779b97f4a7c15ULL));

	h ^= h >> 29;
	return (size_t)(h & (CACHE_ENTRIES / CACHE_WAYS - 1)) * CACHE_WAYS;
}

/* Every word E checks holds what it held; E's key is this call's. */
static inline bool
valid(const struct centry *e, uintptr_t cfa)
{
	uint32_t i;

	for (i = 0; i < e->n; i++)
		if (*(const volatile uintptr_t *)(cfa +
		    (uintptr_t)(intptr_t)e->off[i]) != e->val[i])
			return false;
	return true;
}

/*
 * After a miss: the stack of E's shape that the words at E's places now
 * give, E's entry point's frame and the callers its checks read.  The
 * walk often finds just that stack when a key has more stacks than its
 * ways (callers with frames of the same sizes): its program point's
 * index slot starts loading now, and the walk looks up the rules of its
 * frames all at once (dhat__unwind_from).  Only a guess: nothing is
 * taken from it but loads and a hint.  E's words are this thread's
 * stack, in frames that are live (E's key is this call's).
 */
static void
foresee(const struct centry *e, uintptr_t ip0, uintptr_t cfa)
{
	struct foreseen *f = &cache->seen;
	uintptr_t *ips = f->ips;
	uint32_t i, k = 0, ras = e->ras;

	f->n = 0;
	f->cfa = cfa;
	ips[k++] = ip0;
	for (i = 0; ras != 0 && k < DHAT__HINT_FRAMES; i++, ras >>= 1)
		if (ras & 1)
			ips[k++] = *(const volatile uintptr_t *)(cfa +
			    (uintptr_t)(intptr_t)e->off[i]);
	if (k >= e->kept)
		dhat__pp_prefetch_slot(dhat__pp_hash(ips, e->kept));
	f->n = (int)k;
}

/* Into HINT, what the last miss foresaw for the walk from FROM; how
 * many.  Taken once: a signal handler's allocation in between may have
 * left its own, or half of it, which the walk only takes for a hint. */
static int
take_foreseen(uintptr_t from, uintptr_t *hint)
{
	struct foreseen *f;
	int n;

	if (cache == NULL || cache == DEAD)
		return 0;
	f = &cache->seen;
	n = f->n;
	if (n == 0)
		return 0;
	f->n = 0;
	if (from == 0 || f->cfa != from || n < 0 || n > DHAT__HINT_FRAMES)
		return 0;
	memcpy(hint, f->ips, (size_t)n * sizeof *hint);
	return n;
}

uint32_t
dhat__stack_cached(uintptr_t ip0, uintptr_t cfa, uint64_t gen)
{
	const struct centry *e, *same = NULL;
	const struct ckey *k;
	size_t i;
	int w;

	if (DHAT__UNLIKELY(cache == NULL || cache == DEAD))
		return DHAT__PP_NONE;
	/* Every 1024 lookups: with fewer than 1 in 8 hits the thread has
	 * more stacks than the cache holds, and remembering each miss
	 * (planning its checks, copying an entry) costs more than it gives
	 * back; then only 1 miss in 16 is remembered. */
	if (DHAT__UNLIKELY(++looks == 1024)) {
		skip = hits < looks / 8 ? 15 : 0;
		looks = hits = 0;
	}
	gen = key_gen(gen);
	i = cache_set(ip0, cfa);
	k = &cache->key[i];
	e = &cache->e[i];
	for (w = 0; w < CACHE_WAYS; w++) {
		if (k[w].ip0 != ip0 || k[w].cfa != cfa || e[w].gen != gen)
			continue;
		if (valid(&e[w], cfa)) {
			hits++;
			return e[w].pp;
		}
		same = &e[w];
	}
	if (same != NULL)
		foresee(same, ip0, cfa);
	return DHAT__PP_NONE;
}

/* This thread's stack, once: [stack_lo, stack_hi). */
static bool
find_stack(void)
{
	uintptr_t lo, hi;

	if (stack_hi == 0) {
		stack_hi = 1;
		if (dhat__thread_stack(&lo, &hi)) {
			stack_lo = lo;
			stack_hi = hi;
		}
	}
	return stack_hi > 1;
}

bool
dhat__stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
	if (!find_stack())
		return false;
	*lo = stack_lo;
	*hi = stack_hi;
	return true;
}

/* Check that the word at AT holds VAL: false when E has no room. */
static inline bool
add_check(struct centry *e, uintptr_t cfa, uintptr_t at, uintptr_t val)
{
	intptr_t off = (intptr_t)(at - cfa);

	if (e->n == CACHE_WORDS || off < INT32_MIN || off > INT32_MAX)
		return false;
	e->off[e->n] = (int32_t)off;
	e->val[e->n++] = val;
	return true;
}

/*
 * The words that decide the stack S captured at CFA (see the top of this
 * file), as E's checks; false when they cannot all be checked.  They run
 * up to the first frame past the kept ones that the start code's trimming
 * stops at (it and what lies beyond cannot change the stack), else up to
 * the walk's own end.  rbp is checked in the word it was read from, once
 * per word; rbp that no kept frame saved is the entry point's, which
 * heap_alloc keeps at CFA - 16 (its frame pointer's save slot: the walk
 * found it there by heap_alloc's tables, and the hit path runs in the
 * same frame).
 */
static bool
plan(struct centry *e, uintptr_t cfa, const struct dhat__stack *s)
{
	const struct dhat__walk *w = &s->walk;
	uintptr_t home = 1;     /* no word's address: none checked yet */
	size_t end, i, len = (size_t)w->len;

	for (end = s->n; end < len && !stops_trim(s->ips[end]); end++)
		;
	if ((end == len && !w->whole) || end > (size_t)w->n)
		return false;
	e->n = e->ras = 0;
	e->kept = (uint32_t)s->n;
	for (i = 0; i < end; i++) {
		uintptr_t at = w->bp_at[i];

		if (at != 1 && at != home) {
			if (at < cfa && at != cfa - 2 * sizeof(uintptr_t))
				return false;
			if (!add_check(e, cfa, at, w->bp[i]))
				return false;
			home = at;
		}
		if (w->ra_at[i] == 0)
			continue;
		e->ras |= (uint32_t)1 << e->n;
		if (!add_check(e, cfa, w->ra_at[i],
		    i + 1 < len ? s->ips[i + 1] : 0))
			return false;
	}
	return true;
}

/*
 * The cache's pages are mapped at the thread's first miss whether the
 * cache is on or not (and only read when it is off, which costs no
 * memory): a run without the cache then maps every page a run with it
 * maps, at the same addresses.  A program whose allocations depend on
 * its addresses (Python's do) then makes the same ones in both runs,
 * which is how the cache is checked against unwinding
 * (bench/cache-exact.sh).
 */
void
dhat__stack_cache_make(void)
{
	struct cache *c;

	if (cache != NULL || !caches.key_ok)
		return;
	c = dhat__pages_new(sizeof *c);
	if (c == NULL)
		return;
	if (pthread_setspecific(caches.key, c) != 0) {
		dhat__pages_free(c, sizeof *c);
		cache = DEAD;
		return;
	}
	cache = c;
}

void
dhat__stack_remember(uintptr_t ip0, uintptr_t cfa, uint64_t gen,
    const struct dhat__stack *s, uint32_t pp)
{
	const uintptr_t *base = s->heap != NULL ? s->heap : s->buf;
	struct centry *e, ne;
	size_t i;
	int w;

	if (skip != 0 && skipped++ % (skip + 1) != 0)
		return;
	/* The walk's frame at CFA must be the stack's first. */
	if (cache == DEAD || !caches.key_ok || s->n == 0 || s->ips[0] != ip0 ||
	    s->walk.from != cfa || s->walk.first < 0 ||
	    s->ips != base + s->walk.first || !plan(&ne, cfa, s))
		return;
	/* Made at this miss, before the capture, unless out of memory. */
	if (cache == NULL || cache == DEAD)
		return;
	ne.gen = key_gen(gen);
	ne.pp = pp;
	/* An empty or stale way, else the ways in turn. */
	i = cache_set(ip0, cfa);
	e = &cache->e[i];
	for (w = 0; w < CACHE_WAYS; w++)
		if (e[w].gen != ne.gen)
			break;
	if (w == CACHE_WAYS)
		w = (int)(victim++ % CACHE_WAYS);
	e += w;
	cache->key[i + (size_t)w].ip0 = ip0;
	cache->key[i + (size_t)w].cfa = cfa;
	memcpy(e, &ne, offsetof(struct centry, off) +
	    ne.n * sizeof ne.off[0]);
	memcpy(e->val, ne.val, ne.n * sizeof ne.val[0]);
}
#else
static int
take_foreseen(uintptr_t from, uintptr_t *hint)
{
	(void)from;
	(void)hint;
	return 0;
}

void
dhat__stack_cache_init(void)
{
}

void
dhat__stack_cache_flush(void)
{
}

bool
dhat__stack_bounds(uintptr_t *lo, uintptr_t *hi)
{
	(void)lo;
	(void)hi;
	return false;
}

uint32_t
dhat__stack_cached(uintptr_t ip0, uintptr_t cfa, uint64_t gen)
{
	(void)ip0;
	(void)cfa;
	(void)gen;
	return DHAT__PP_NONE;
}

void
dhat__stack_cache_make(void)
{
}

void
dhat__stack_remember(uintptr_t ip0, uintptr_t cfa, uint64_t gen,
    const struct dhat__stack *s, uint32_t pp)
{
	(void)ip0;
	(void)cfa;
	(void)gen;
	(void)s;
	(void)pp;
}
#endif
