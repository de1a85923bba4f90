/* SPDX-License-Identifier: MIT */
/*
 * unwind.c - lib/unwind.c's stack walk against libunwind's unw_backtrace,
 * from the same frames: each must give the same return addresses, or
 * give up (-1) where it is meant to leave the stack to libunwind (a
 * signal frame, an alternate signal stack); so must the walk that starts
 * at a given frame (dhat__unwind_from).  The frames come from this
 * program (frame pointers, a variable-length array, recursion, more call
 * sites than the first table holds) and from libc (qsort's callback, a
 * thread's start, the start code below main), from several threads at
 * once, and after dhat__unwind_forget.  What the fast walk records for
 * the stack cache (struct dhat__walk) must name the words it read.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <stddef.h>
#include <unistd.h>

#include "entry.h"
#include "lock.h"
#include "stack.h"
#include "unwind.h"
#include "tap.h"

#ifdef HAVE_VALGRIND_HELGRIND_H
int dhat__valgrind;
#endif

#define ROOM 256
#define SITES 1536      /* more call sites than the first table holds */
#define THREADS 4

struct walk {
	int n[2];               /* [0] fast, [1] libunwind; -1: gave up */
	int at[2];              /* index of the return address into compare */
	uintptr_t ips[2][ROOM];
};

static int diags;
static unsigned long rec_words, rec_bad, from_walks, from_bad;

/* Every word R names, from the frame that runs at R->from on, holds what
 * the walk took from it: the caller's return address (0 at the end of a
 * whole walk), rbp's value. */
static void
check_record(const struct dhat__walk *r, const uintptr_t *ips, int n,
    int at)
{
	int i, k;

	if (r->first != at)
		__atomic_add_fetch(&rec_bad, 1, __ATOMIC_RELAXED);
	for (i = 0; r->first >= 0 && i < r->n; i++) {
		k = r->first + i + 1;
		if (r->ra_at[i] != 0 && (k < n || r->whole)) {
			__atomic_add_fetch(&rec_words, 1, __ATOMIC_RELAXED);
			if (*(const uintptr_t *)r->ra_at[i] !=
			    (k < n ? ips[k] : 0))
				__atomic_add_fetch(&rec_bad, 1,
				    __ATOMIC_RELAXED);
		}
		if (r->bp_at[i] > 1) {
			__atomic_add_fetch(&rec_words, 1, __ATOMIC_RELAXED);
			if (*(const uintptr_t *)r->bp_at[i] != r->bp[i])
				__atomic_add_fetch(&rec_bad, 1,
				    __ATOMIC_RELAXED);
		}
	}
}

/* The walk from FROM with a hint, right or wrong, gives IPS[0..N). */
static int
hinted(uintptr_t from, const uintptr_t *ips, int n)
{
	uintptr_t buf[ROOM], guess[DHAT__HINT_FRAMES];
	struct dhat__walk rec;
	int i, k, got, m = n < DHAT__HINT_FRAMES ? n : DHAT__HINT_FRAMES;

	for (k = 0; k < 3; k++) {
		for (i = 0; i < m; i++)     /* right, shifted, partly wrong */
			guess[i] = k == 0 ? ips[i] : k == 1 ?
			    ips[(i + 1) % m] : i % 2 ? ips[i] : ips[i] + 1;
		rec.from = from;
		dhat__unwind_begin();
		got = dhat__unwind_from(buf, ROOM, &rec, 0, guess, m);
		dhat__unwind_end();
		if (got != n || memcmp(buf, ips, (size_t)n * sizeof *buf) != 0)
			return 0;
	}
	return 1;
}

/* The walk from the frame that runs at FROM, which this file's walk()
 * calls, must give the fast walk's frames IPS[AT..N), and a record that
 * names the words it read; one that keeps 3 frames ends after 4; and
 * so must one given a hint of the frames it will find, right or wrong. */
static void
check_from(uintptr_t from, const uintptr_t *ips, int n, int at)
{
	struct dhat__walk rec;
	uintptr_t buf[ROOM];
	int i, got, bad = 0;

	rec.from = from;
	dhat__unwind_begin();
	got = dhat__unwind_from(buf, ROOM, &rec, 0, NULL, 0);
	dhat__unwind_end();
	if (got != n - at || rec.first != 0 || rec.cut)
		bad = 1;
	for (i = 0; !bad && i < got; i++)
		if (buf[i] != ips[at + i])
			bad = 1;
	if (!bad)
		check_record(&rec, buf, got, 0);
	if (!bad && got > 4) {
		dhat__unwind_begin();
		got = dhat__unwind_from(buf, ROOM, &rec, 3, NULL, 0);
		dhat__unwind_end();
		if (got != 4 || !rec.cut || rec.len != 4 || rec.n != 3 ||
		    memcmp(buf, ips + at, 4 * sizeof *buf) != 0)
			bad = 1;
	}
	if (!bad)
		bad = !hinted(from, ips + at, n - at);
	__atomic_add_fetch(&from_walks, 1, __ATOMIC_RELAXED);
	if (bad)
		__atomic_add_fetch(&from_bad, 1, __ATOMIC_RELAXED);
}

/* One walk from this frame, so that both record a return address into compare and
 * the same ones below it. */
static __attribute__((noinline)) void
walk(int slow, struct walk *w, int cap)
{
	uintptr_t ra = (uintptr_t)__builtin_return_address(0);
	struct dhat__walk rec;
	int i, n;

	/* The caller's stack pointer at the call: this frame's CFA. */
	rec.from = (uintptr_t)__builtin_frame_address(0) + 2 * sizeof(void *);
	if (slow) {
		n = unw_backtrace((void **)w->ips[1], cap);
	} else {
		dhat__unwind_begin();
		n = dhat__unwind_fast(w->ips[0], cap, &rec);
		dhat__unwind_end();
	}
	w->n[slow] = n;
	w->at[slow] = -1;
	for (i = 0; i < n; i++)
		if (w->ips[slow][i] == ra) {
			w->at[slow] = i;
			break;
		}
	if (!slow && n > 0)
		check_record(&rec, w->ips[0], n, w->at[0]);
	if (!slow && n > 0 && n < cap && w->at[0] >= 0)
		check_from(rec.from, w->ips[0], n, w->at[0]);
	DHAT__NO_TAILCALL();
}

/* 1: both walks agree from here down; 0: they differ; -1: the fast one
 * gave up.  FRAMES: how many frames they found below here. */
static __attribute__((noinline)) int
compare(int cap, int *frames)
{
	struct walk w;
	int k, nf, ns;

	for (k = 0; k < 2; k++)
		walk(k, &w, cap);
	*frames = 0;
	if (w.n[0] < 0)
		return -1;
	if (w.at[0] < 0 || w.at[1] < 0)
		return 0;
	nf = w.n[0] - w.at[0];
	ns = w.n[1] - w.at[1];
	*frames = nf;
	if (nf != ns) {
		if (__atomic_fetch_add(&diags, 1, __ATOMIC_RELAXED) < 5)
			diag("%d frames against libunwind's %d", nf, ns);
		return 0;
	}
	/* From the frame below this one: the compiler may have unrolled
	 * the loop above into two calls. */
	for (k = 1; k < nf; k++)
		if (w.ips[0][w.at[0] + k] != w.ips[1][w.at[1] + k]) {
			if (__atomic_fetch_add(&diags, 1, __ATOMIC_RELAXED) < 5)
				diag("frame %d: %#lx against libunwind's "
				    "%#lx", k,
				    (unsigned long)w.ips[0][w.at[0] + k],
				    (unsigned long)w.ips[1][w.at[1] + k]);
			return 0;
		}
	DHAT__NO_TAILCALL();
	return 1;
}

static __attribute__((noinline)) int
recurse(int depth, int *frames)
{
	int r = depth == 0 ? compare(ROOM, frames) : recurse(depth - 1, frames);

	DHAT__NO_TAILCALL();
	return r;
}

/* Its frame size changes with N: the CFA is kept in rbp. */
static __attribute__((noinline)) int
vla(size_t n, int *frames)
{
	volatile char buf[n];
	int r;

	buf[0] = 1;
	r = buf[0] ? compare(ROOM, frames) : 0;
	DHAT__NO_TAILCALL();
	return r;
}

static int sort_result = 1, sort_frames;

static int
by_value(const void *a, const void *b)
{
	int f, r = compare(ROOM, &f);

	if (r != 1)
		sort_result = r;
	sort_frames = f;
	return *(const int *)a - *(const int *)b;
}

/* Many distinct call sites (return addresses), each walked: the table
 * grows past its first size, and under threads, concurrently. */
static __attribute__((noinline)) int
site(int *frames)
{
	int r = compare(ROOM, frames);

	DHAT__NO_TAILCALL();
	return r;
}

#define S1(i) case (i): r = site(&f); break;
#define S4(i) S1(i) S1((i) + 1) S1((i) + 2) S1((i) + 3)
#define S16(i) S4(i) S4((i) + 4) S4((i) + 8) S4((i) + 12)
#define S64(i) S16(i) S16((i) + 16) S16((i) + 32) S16((i) + 48)
#define S256(i) S64(i) S64((i) + 64) S64((i) + 128) S64((i) + 192)

static __attribute__((noinline)) int
all_sites(void)
{
	int i, r, f, bad = 0;

	for (i = 0; i < SITES; i++) {
		switch (i) {
		S256(0) S256(256) S256(512) S256(768) S256(1024) S256(1280)
		default: r = 0; break;
		}
		if (r != 1)
			bad++;
	}
	return bad;
}

static void *
sites_thread(void *arg)
{
	*(int *)arg = all_sites();
	return NULL;
}

static int thread_result, thread_frames;

static void *
thread_main(void *arg)
{
	(void)arg;
	thread_result = compare(ROOM, &thread_frames);
	return NULL;
}

static volatile int signal_result = 2;

static void
on_signal(int sig)
{
	int f;

	(void)sig;
	signal_result = compare(ROOM, &f);
}

int
main(void)
{
	pthread_t th[THREADS];
	int bad[THREADS], v[64], r, f, f2, i, n;
	struct walk w;
	stack_t ss;
	struct sigaction sa;

	plan(15);

	r = compare(ROOM, &f);
	ok(r == 1 && f >= 2, "main: the same frames, down to the start code "
	    "(%d)", f);

	r = recurse(40, &f2);
	ok(r == 1 && f2 == f + 41, "recursion: the same %d frames", f2);

	r = vla(100, &f2);
	ok(r == 1 && f2 == f + 1, "a variable-length array's frame");
	r = vla(5000, &f2);
	ok(r == 1 && f2 == f + 1, "the same function, a larger frame");

	for (i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	qsort(v, 64, sizeof v[0], by_value);
	ok(sort_result == 1 && sort_frames > f + 1,
	    "through qsort's frames to its callback (%d)", sort_frames);

	r = pthread_create(&th[0], NULL, thread_main, NULL) == 0 &&
	    pthread_join(th[0], NULL) == 0;
	ok(r && thread_result == 1 && thread_frames >= 2,
	    "a thread: the same frames, down to its start (%d)",
	    thread_frames);

	/* A cut walk: exactly CAP addresses, the last one main's. */
	walk(0, &w, 3);
	n = w.n[0];
	ok(n == 3 && w.at[0] == 2, "a full buffer: %d addresses", n);

	ok(all_sites() == 0, "%d call sites, the table grown", SITES);

	for (i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, sites_thread, &bad[i]) != 0)
			bail("pthread_create");
	for (r = 0, i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		r += bad[i];
	}
	ok(r == 0, "%d threads walking %d call sites at once", THREADS,
	    SITES);

	dhat__unwind_forget();
	ok(compare(ROOM, &f2) == 1 && f2 == f, "after the table is forgotten");
	ok(all_sites() == 0, "and all call sites again");

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	ok(signal_result == -1, "a signal frame: left to libunwind");

	ss.ss_sp = malloc(1 << 16);
	ss.ss_size = 1 << 16;
	ss.ss_flags = 0;
	if (ss.ss_sp == NULL || sigaltstack(&ss, NULL) != 0)
		bail("sigaltstack");
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	signal_result = 2;
	raise(SIGUSR1);
	ok(signal_result == -1, "an alternate signal stack: left to libunwind");

	ok(rec_bad == 0 && rec_words > 0, "the walks' records name the words "
	    "they read (%lu words, %lu wrong)", rec_words, rec_bad);
	ok(from_bad == 0 && from_walks > SITES, "walks from the caller's "
	    "frame find the same frames (%lu walks, %lu wrong)", from_walks,
	    from_bad);
	return done_testing();
}
