/* SPDX-License-Identifier: MIT */
/*
 * run-stale.c - call paths that leave stale copies of return addresses
 * in frames above malloc, built optimized (t/1023-stack-cache-exact.t):
 * the stack cache must file every block under the stack it came from.
 *
 * Each part allocates ten blocks along a first path, ten along a second
 * and ten along a third, all kept until the end, with sizes that tell
 * the paths apart in the profile:
 *
 * - depth: c1 calls g with a filler frame (via) between run and c1, then
 *   without it; the first call left c1's return address 16 or more bytes
 *   below where the second puts it, inside g's untouched buffer.  Then
 *   c1b, laid out as c1, reaches g from the same call site in run at the
 *   same depth: only one word (g's return slot) differs from c1's path.
 * - alloca: a1 calls g after alloca(384), then after alloca(128), then
 *   b1 (laid out as a1) after alloca(128): a1's return address from its
 *   first calls is left inside g's buffer, 256 bytes below its slot.
 * - vla: the same with a variable-length array in v1 and w1.
 *
 * Each part runs from a fresh call of main's loop, at the same depth.
 */
#include <alloca.h>
#include <stdlib.h>

#define BLOCKS 10

typedef void *(*step_fn)(size_t pad, size_t n);

static void *keep[3 * 3 * BLOCKS];
static int nkeep;

/* g's buffer is never written: what earlier, deeper frames left there
 * stays. */
__attribute__((noinline)) static void *
g(size_t n)
{
	char buf[512];
	void *p;

	__asm__ volatile("" : : "r"(buf) : "memory");
	p = malloc(n);
	__asm__ volatile("" : : "r"(buf) : "memory");
	return p;
}

__attribute__((noinline)) static void *
c1(size_t pad, size_t n)
{
	void *p = g(n + pad - pad);

	__asm__ volatile("" : : : "memory");
	return p;
}

__attribute__((noinline)) static void *
c1b(size_t pad, size_t n)
{
	void *p = g(n + pad - pad);

	__asm__ volatile("" : : : "memory");
	return p;
}

/* A frame between run and c1: c1 and g one frame deeper. */
__attribute__((noinline)) static void *
via(size_t pad, size_t n)
{
	char fill[32];
	void *p;

	__asm__ volatile("" : : "r"(fill) : "memory");
	p = c1(pad, n);
	__asm__ volatile("" : : : "memory");
	return p;
}

__attribute__((noinline)) static void *
a1(size_t pad, size_t n)
{
	volatile char *b = alloca(pad);
	void *p;

	b[0] = 'a';
	p = g(n);
	__asm__ volatile("" : : : "memory");
	return p;
}

__attribute__((noinline)) static void *
b1(size_t pad, size_t n)
{
	volatile char *b = alloca(pad);
	void *p;

	b[0] = 'b';
	p = g(n);
	__asm__ volatile("" : : : "memory");
	return p;
}

__attribute__((noinline)) static void *
v1(size_t pad, size_t n)
{
	char b[pad];
	void *p;

	b[0] = 'v';
	__asm__ volatile("" : : "r"(b) : "memory");
	p = g(n);
	__asm__ volatile("" : : : "memory");
	return p;
}

__attribute__((noinline)) static void *
w1(size_t pad, size_t n)
{
	char b[pad];
	void *p;

	b[0] = 'w';
	__asm__ volatile("" : : "r"(b) : "memory");
	p = g(n);
	__asm__ volatile("" : : : "memory");
	return p;
}

/* One call site for every step, so that the return address into run is
 * the same on every path. */
static step_fn volatile steps[] = { via, c1, c1b, a1, a1, b1, v1, v1, w1 };
static const size_t pads[] = { 0, 0, 0, 384, 128, 128, 384, 128, 128 };

__attribute__((noinline)) static void
run(int first)
{
	size_t size;
	int i, k;

	for (k = first; k < first + 3; k++) {
		size = (size_t)(100 * (k - first + 1) + 1000 * (first / 3));
		for (i = 0; i < BLOCKS; i++)
			keep[nkeep++] = steps[k](pads[k], size);
	}
}

int
main(void)
{
	int part, i;

	for (part = 0; part < 3; part++)
		run(3 * part);
	for (i = 0; i < nkeep; i++)
		free(keep[i]);
	return 0;
}
