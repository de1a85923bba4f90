/* SPDX-License-Identifier: MIT */
/*
 * manystacks.c - allocations from 100,000 distinct call stacks, for bench/.
 *
 * Usage: manystacks [PATHS [ROUNDS]]  (defaults: 100,000 paths, 10 rounds)
 *
 * Eight generated functions f0..f7 call each other through a table: the
 * digits of a path number in base 8 choose, level by level, which of them
 * calls next, so path number P reaches malloc through its own sequence of
 * return addresses.  Six levels give 8^6 = 262,144 possible stacks, all
 * within the default 10 frames (malloc, leaf, six levels, main's caller
 * frames).  Every round allocates once per path; one block in eight stays
 * live in a ring, the rest are freed at once, so the program point table
 * is large and looked up at random.
 * Build: gcc -O2 -g -fno-omit-frame-pointer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LEVELS 6
#define RING 4096

typedef void *(*step_fn)(int, unsigned long);

static volatile uint64_t sink;
static const step_fn table[8];

static __attribute__((noinline)) void *
leaf(unsigned long path)
{
	size_t n = 16 + path % 113;
	char *p = malloc(n);

	if (p == NULL) {
		perror("malloc");
		exit(1);
	}
	p[0] = (char)path;
	return p;
}

/* Each f##J differs in the constant it adds after the call, so none is
 * merged with another and none ends in a tail call. */
#define STEP(J)							\
static __attribute__((noinline)) void *				\
f##J(int level, unsigned long path)				\
{								\
	void *p;						\
								\
	if (level == 0)						\
		p = leaf(path);					\
	else							\
		p = table[(path >> (3 * level)) & 7](level - 1,	\
		    path);					\
	sink += J + 1;						\
	return p;						\
}
STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7)

static const step_fn table[8] = { f0, f1, f2, f3, f4, f5, f6, f7 };

int
main(int argc, char **argv)
{
	unsigned long paths = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	long rounds = argc > 2 ? atol(argv[2]) : 10;
	static void *ring[RING];
	unsigned long i, k = 0;
	long r;

	if (paths == 0 || paths > (1ul << (3 * LEVELS))) {
		fprintf(stderr, "manystacks: PATHS must be 1..%lu\n",
		    1ul << (3 * LEVELS));
		return 2;
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < paths; i++) {
			/* Scatter the order so lookups are not sequential. */
			unsigned long path = (i * 40503ul) % paths;
			void *p = table[path & 7](LEVELS - 1, path);

			if ((i & 7) == 0) {
				free(ring[k % RING]);
				ring[k++ % RING] = p;
			} else {
				free(p);
			}
		}
	}
	for (k = 0; k < RING; k++)
		free(ring[k]);
	printf("paths=%lu rounds=%ld sink=%llu\n", paths, rounds,
	    (unsigned long long)(sink & 1));
	return 0;
}
