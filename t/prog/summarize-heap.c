/* SPDX-License-Identifier: MIT */
/*
 * summarize-heap.c - a fixed allocation pattern for the dhat-summarize
 * tests under Valgrind: 100 B written, 4x8 B calloc'd then realloc'd to
 * 64, three 16 B blocks freed at once, 10 B leaked through leaky().
 * Every pointer goes through a volatile sink and the writes are
 * volatile, so that no optimisation level can drop an allocation or a
 * write; noinline and noclone keep every frame and its name.
 */
#include <stdlib.h>

static void *volatile sink;

static __attribute__((noinline, noclone)) void *
leaky(size_t n)
{
	return sink = malloc(n);
}

static __attribute__((noinline, noclone)) void
work(void)
{
	char *a = sink = malloc(100);
	char *b;

	for (int i = 0; i < 100; i++)
		((volatile char *)a)[i] = 1;
	b = sink = calloc(4, 8);
	b = sink = realloc(b, 64);
	free(a);
	for (int i = 0; i < 3; i++) {
		void *c = sink = malloc(16);

		free(c);
	}
	(void)leaky(10);
	free(b);
}

int
main(void)
{
	work();
	return 0;
}
