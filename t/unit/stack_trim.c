/* SPDX-License-Identifier: MIT */
/*
 * stack_trim.c - the start code's frames are dropped at capture, by
 * address (lib/stack.c, linked here as libstack-trim.so, whose functions
 * play the allocator entry points).  Every captured stack must end at
 * main or at a thread's start routine, or at the program function that
 * libc called at exit, with the frame limit counting the program's frames
 * only; libc frames between program frames stay.  Functions are told
 * apart by their unwind tables' start addresses.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <stddef.h>

#include "stack_trim.h"
#include "tap.h"

#define ROOM 128

int main(void);

/* The start of the function holding return address IP (0: unknown). */
static uintptr_t
fn_of(uintptr_t ip)
{
	unw_proc_info_t pi;

	memset(&pi, 0, sizeof pi);
	if (unw_get_proc_info_by_ip(unw_local_addr_space, ip - 1, &pi,
	    NULL) != 0)
		return 0;
	return pi.start_ip;
}

static int
in_fn(uintptr_t ip, void *fn)
{
	return fn_of(ip) == (uintptr_t)fn;
}

/* Return address IP is in the C library. */
static int
in_libc(uintptr_t ip)
{
	Dl_info d;

	return dladdr((void *)(ip - 1), &d) != 0 && d.dli_fname != NULL &&
	    strstr(d.dli_fname, "/libc.so") != NULL;
}

static void
show(const uintptr_t *ips, size_t n)
{
	size_t i;
	Dl_info d;

	for (i = 0; i < n && i < ROOM; i++) {
		if (dladdr((void *)(ips[i] - 1), &d) == 0)
			memset(&d, 0, sizeof d);
		diag("  %zu: %#lx %s in %s", i, (unsigned long)ips[i],
		    d.dli_sname ? d.dli_sname : "?",
		    d.dli_fname ? d.dli_fname : "?");
	}
}

/* ---- recursion depths against frame limits ----------------------------- */

static uintptr_t rec_ips[ROOM];
static size_t rec_n;

static void
rec(int d, size_t max)
{
	if (d == 0)
		rec_n = trim_capture(rec_ips, ROOM, max);
	else
		rec(d - 1, max);
	__asm__ __volatile__("" ::: "memory");
}

/* MAX frames at every depth from 0 to 70: trim_capture, D + 1 rec,
 * sweep, main (all of them when they fit, else the innermost MAX).  The
 * depths cross each limit and the end of the first buffer (MAX + 16
 * frames, libdhat's included), where a stack is full, not known whole. */
static void
sweep(size_t max, const char *what)
{
	int d, bad = -1;
	size_t i, want;

	for (d = 0; d <= 70 && bad < 0; d++) {
		rec(d, max);
		want = (size_t)d + 4 < max ? (size_t)d + 4 : max;
		if (rec_n != want || !in_fn(rec_ips[0], trim_capture))
			bad = d;
		for (i = 1; bad < 0 && i < rec_n && i < ROOM; i++)
			if (!in_fn(rec_ips[i], i <= (size_t)d + 1 ? (void *)rec :
			    i == (size_t)d + 2 ? (void *)sweep : (void *)main))
				bad = d;
	}
	if (!ok(bad < 0, "frame limit %s: the program's frames, at every "
	    "depth", what)) {
		diag("depth %d: %zu frames", bad, rec_n);
		show(rec_ips, rec_n);
	}
}

/* ---- callbacks from libc ---------------------------------------------- */

static uintptr_t cb_ips[ROOM];
static size_t cb_n;

static int
cmp(const void *a, const void *b)
{
	if (cb_n == 0)
		cb_n = trim_capture(cb_ips, ROOM, 100);
	return *(const int *)a - *(const int *)b;
}

/* ---- threads ----------------------------------------------------------- */

static uintptr_t th_ips[ROOM];
static size_t th_n;

static void
th_inner(void)
{
	th_n = trim_capture(th_ips, ROOM, 10);
	__asm__ __volatile__("" ::: "memory");
}

static void *
th_main(void *arg)
{
	th_inner();
	__asm__ __volatile__("" ::: "memory");
	return arg;
}

/* ---- a signal handler over libc's thread start code ------------------- */

static uintptr_t sig_ips[ROOM];
static size_t sig_n;

static void
on_signal(int sig)
{
	(void)sig;
	sig_n = trim_capture(sig_ips, ROOM, 10);
	__asm__ __volatile__("" ::: "memory");
}

/* ---- at exit, called from libc after main returned --------------------- */

static void
at_exit(void)
{
	uintptr_t ips[ROOM];
	size_t n;

	n = trim_capture(ips, ROOM, 10);
	if (!ok(n == 4 && in_fn(ips[0], trim_capture) &&
	    in_fn(ips[1], at_exit) && in_libc(ips[2]) && in_libc(ips[3]),
	    "an atexit handler's stack: the handler, then exit's two frames "
	    "(as in Valgrind), not the start code"))
		show(ips, n);
	_exit(done_testing());
}

int
main(void)
{
	uintptr_t ips[ROOM];
	struct trim_result r;
	pthread_t t;
	size_t n, i;
	int v[2] = { 2, 1 }, mid;

	plan(13);
	if (trim_init() != 0)
		bail("dhat__stack_init failed");

	n = trim_capture(ips, ROOM, 10);
	if (!ok(n == 2 && in_fn(ips[0], trim_capture) && in_fn(ips[1], main),
	    "main: the entry point and main, nothing below"))
		show(ips, n);
	n = trim_capture(ips, ROOM, SIZE_MAX);
	ok(n == 2 && in_fn(ips[1], main), "the same with every frame kept");

	sweep(4, "4");
	sweep(10, "10");
	sweep(20, "20");
	sweep(48, "48 (the largest in the inline buffer)");
	sweep(49, "49");
	sweep(SIZE_MAX, "none");

	qsort(v, 2, sizeof v[0], cmp);
	for (i = 2, mid = cb_n > 3; i + 1 < cb_n && i < ROOM; i++)
		mid = mid && in_libc(cb_ips[i]);
	if (!ok(cb_n > 3 && in_fn(cb_ips[1], cmp) && mid &&
	    in_fn(cb_ips[cb_n - 1], main), "qsort's frames between the "
	    "comparison and main stay"))
		show(cb_ips, cb_n);

	if (pthread_create(&t, NULL, th_main, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		bail("pthread_create");
	if (!ok(th_n == 3 && in_fn(th_ips[0], trim_capture) &&
	    in_fn(th_ips[1], th_inner) && in_fn(th_ips[2], th_main),
	    "a thread's stack ends at its start routine"))
		show(th_ips, th_n);

	memset(&r, 0, sizeof r);
	if (pthread_create(&t, NULL, trim_thread, &r) != 0 ||
	    pthread_join(t, NULL) != 0)
		bail("pthread_create");
	if (!ok(r.n == 3 && in_fn(r.ips[0], trim_thread) &&
	    in_libc(r.ips[1]) && in_libc(r.ips[2]),
	    "a start routine inside libdhat: its frame, then the start code, "
	    "its only context"))
		show(r.ips, r.n);

	/*
	 * A thread whose start routine is libc's usleep, signalled at once:
	 * glibc's start_thread unblocks signals only once in the thread, so
	 * the handler interrupts libc code, nothing of the program's, and
	 * the frames beyond the signal trampoline are all libc's.  The
	 * trampoline stays, which keeps the stack out of the stack cache.
	 */
#if defined(__x86_64__)
	signal(SIGUSR1, on_signal);
	if (pthread_create(&t, NULL, (void *(*)(void *))(void (*)(void))usleep,
	    (void *)(uintptr_t)100000) != 0 || pthread_kill(t, SIGUSR1) != 0 ||
	    pthread_join(t, NULL) != 0)
		bail("pthread_create");
	if (!ok(sig_n == 3 && in_fn(sig_ips[0], trim_capture) &&
	    in_fn(sig_ips[1], on_signal) && in_libc(sig_ips[2] + 1) &&
	    memcmp((const void *)sig_ips[2], "\x48\xc7\xc0\x0f\x00\x00\x00"
	    "\x0f\x05", 9) == 0, "a signal handler over libc: the "
	    "trampoline stays"))
		show(sig_ips, sig_n);
#else
	ok(1, "a signal handler over libc # SKIP x86-64 only");
#endif

	/* The last test runs after main has returned. */
	if (atexit(at_exit) != 0)
		bail("atexit");
	return 0;
}
