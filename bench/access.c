/* SPDX-License-Identifier: MIT */
/*
 * access.c - loop-heavy work on heap blocks, for the access profiling
 * figures of bench/: a hash table of 1,000,000 keys built and probed, an
 * array of 2,000,000 records sorted by a quicksort of its own, a
 * 300 x 300 matrix product, and a loop over an array of 262,144 integers
 * that the plain build runs as vector code (the instrumented one cannot).
 * Every load and store is on the heap.
 * Build: gcc -O2 -g, plain and with `pkg-config --cflags dhat-access`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t key, value;
	struct entry *next;
};

struct rec {
	uint32_t key;
	uint32_t pad;
	double weight;
};

static uint64_t
hash_phase(size_t n)
{
	size_t nb = 1 << 16;
	struct entry **b = calloc(nb, sizeof *b);
	struct entry *pool = malloc(n * sizeof *pool);
	uint64_t found = 0;

	if (b == NULL || pool == NULL)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		uint64_t k = i * 2654435761u;
		struct entry *e = &pool[i];

		e->key = k;
		e->value = i;
		e->next = b[k & (nb - 1)];
		b[k & (nb - 1)] = e;
	}
	for (size_t i = 0; i < 2 * n; i++) {
		uint64_t k = i * 2654435761u;

		for (struct entry *e = b[k & (nb - 1)]; e != NULL; e = e->next)
			if (e->key == k) {
				found += e->value;
				break;
			}
	}
	free(pool);
	free(b);
	return found;
}

static void
sort(struct rec *v, long lo, long hi)
{
	while (lo < hi) {
		uint32_t pivot = v[(lo + hi) / 2].key;
		long i = lo, j = hi;

		while (i <= j) {
			while (v[i].key < pivot)
				i++;
			while (v[j].key > pivot)
				j--;
			if (i <= j) {
				struct rec t = v[i];

				v[i++] = v[j];
				v[j--] = t;
			}
		}
		if (j - lo < hi - i) {
			sort(v, lo, j);
			lo = i;
		} else {
			sort(v, i, hi);
			hi = j;
		}
	}
}

static uint64_t
sort_phase(size_t n)
{
	struct rec *v = malloc(n * sizeof *v);
	uint64_t x = 88172645463325252u, sum = 0;

	if (v == NULL)
		exit(1);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v[i].key = (uint32_t)x;
		v[i].weight = (double)i;
	}
	sort(v, 0, (long)n - 1);
	for (size_t i = 1; i < n; i++)
		sum += v[i].key >= v[i - 1].key;
	free(v);
	return sum;
}

static double
matrix_phase(size_t n)
{
	double *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b);
	double *c = calloc(n * n, sizeof *c), t = 0;

	if (a == NULL || b == NULL || c == NULL)
		exit(1);
	for (size_t i = 0; i < n * n; i++) {
		a[i] = (double)(i % 7);
		b[i] = (double)(i % 5);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < n; k++)
			for (size_t j = 0; j < n; j++)
				c[i * n + j] += a[i * n + k] * b[k * n + j];
	for (size_t i = 0; i < n * n; i++)
		t += c[i];
	free(a);
	free(b);
	free(c);
	return t;
}

static uint64_t
vector_phase(size_t n, int rounds)
{
	uint32_t *a = malloc(n * sizeof *a);
	uint64_t t = 0;

	if (a == NULL)
		exit(1);
	for (size_t i = 0; i < n; i++)
		a[i] = (uint32_t)i;
	for (int r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			a[i] = a[i] * 3 + 1;
			t += a[i];
		}
	free(a);
	return t;
}

int
main(void)
{
	uint64_t h = hash_phase(1000000), s = sort_phase(2000000);
	double m = matrix_phase(300);
	uint64_t v = vector_phase(1 << 18, 40);

	printf("%llu %llu %.0f %llu\n", (unsigned long long)h,
	    (unsigned long long)s, m, (unsigned long long)v);
	return 0;
}
