/* SPDX-License-Identifier: MIT */
/*
 * run-heap-own.c - a program that watches its own heap (glibc's
 * mallinfo2) while it allocates a 16-byte block from each of 4,096
 * distinct stacks, enough for a profiler's records of program points to
 * grow to hundreds of KiB, frees them all, then allocates one 200 KiB
 * block.  It prints the bytes its heap holds in use beyond what it held
 * before (its allocator's cache of freed blocks), and whether the large
 * block was given its own mapping, as glibc does with a block that size
 * unless a freed mapping of its own has raised its threshold.  First it
 * prints where its first block lies in the heap and the bytes the heap
 * then holds in use, which blocks of a profiler's own, made before main
 * (its settings, the loader's messages), would change.  Under a profiler
 * that keeps its memory out of the program's heap, every line reads as
 * it does without one.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "put.h"

#define SIDE 64

/* 64 functions that each allocate from a call site of their own, and 64
 * that each call one of them from a call site of their own. */
#define EIGHT(X, a) X(a##0) X(a##1) X(a##2) X(a##3) X(a##4) X(a##5) \
	X(a##6) X(a##7)
#define ALL(X) EIGHT(X, 0) EIGHT(X, 1) EIGHT(X, 2) EIGHT(X, 3) \
	EIGHT(X, 4) EIGHT(X, 5) EIGHT(X, 6) EIGHT(X, 7)

typedef void *leaf_fn(size_t);

#define LEAF(i)                                                         \
	__attribute__((noinline)) static void *leaf_##i(size_t n)       \
	{                                                               \
		void *p = malloc(n);                                    \
		__asm__ volatile("" : : "r"(p) : "memory");             \
		return p;                                               \
	}
ALL(LEAF)

#define LEAF_PTR(i) leaf_##i,
static leaf_fn *const leaves[SIDE] = { ALL(LEAF_PTR) };

#define CALLER(i)                                                       \
	__attribute__((noinline)) static void *caller_##i(int j)        \
	{                                                               \
		void *p = leaves[j](16);                                \
		__asm__ volatile("" : : "r"(p) : "memory");             \
		return p;                                               \
	}
ALL(CALLER)

typedef void *caller_fn(int);
#define CALLER_PTR(i) caller_##i,
static caller_fn *const callers[SIDE] = { ALL(CALLER_PTR) };

static void *blocks[SIDE * SIDE];

int
main(void)
{
	struct mallinfo2 first_after, before, after, big_after;
	char line[256], where[64];
	uintptr_t first, heap, top;
	void *big, *p;
	int i, j;

	/* The allocator's per-thread cache is made at the first call. */
	p = malloc(1);
	first_after = mallinfo2();
	/* The main heap runs from the program break less its size: this
	 * program has one thread, one arena, and nothing else moves the
	 * break.  Should glibc have mapped its heap elsewhere, the line says
	 * so, plain and under a profiler alike. */
	first = (uintptr_t)p;
	top = (uintptr_t)sbrk(0);
	heap = top - first_after.arena;
	if (first >= heap && first < top)
		snprintf(where, sizeof where, "heap start + %ju",
		    (uintmax_t)(first - heap));
	else
		snprintf(where, sizeof where, "not in the brk heap");
	free(p);
	before = mallinfo2();
	for (i = 0; i < SIDE; i++)
		for (j = 0; j < SIDE; j++)
			blocks[i * SIDE + j] = callers[i](j);
	for (i = 0; i < SIDE * SIDE; i++)
		free(blocks[i]);
	after = mallinfo2();
	big = malloc(200 * 1024);
	big_after = mallinfo2();
	free(big);
	/* Printed without stdio, which would allocate its buffer. */
	snprintf(line, sizeof line, "first block: %s\n"
	    "in use with the first block: %zu bytes\n"
	    "held in use after freeing: %zd bytes\n"
	    "200 KiB block mapped apart: %s\n",
	    where, first_after.uordblks,
	    (ssize_t)(after.uordblks - before.uordblks),
	    big_after.hblks == after.hblks + 1 ? "yes" : "no");
	put(line);
	return 0;
}
