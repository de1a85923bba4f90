/* SPDX-License-Identifier: MIT */
/*
 * wordfreq.c - the README's example: count the words on standard input and
 * print the ten most frequent.  An ordinary program with ordinary
 * allocations (strdup'd keys, a chained hash table that grows with
 * realloc, a sort buffer), profiled unmodified with dhat-run.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word {
	char *text;
	unsigned long count;
	struct word *next;
};

struct table {
	struct word **slots;
	size_t nslots;
	size_t nwords;
};

static void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (q == NULL) {
		perror("wordfreq");
		exit(1);
	}
	return q;
}

static unsigned long
hash(const char *s)
{
	unsigned long h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void
grow(struct table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 64;
	struct word **slots = xrealloc(NULL, n * sizeof *slots);

	memset(slots, 0, n * sizeof *slots);
	for (size_t i = 0; i < t->nslots; i++) {
		struct word *w = t->slots[i], *next;

		for (; w != NULL; w = next) {
			next = w->next;
			w->next = slots[hash(w->text) % n];
			slots[hash(w->text) % n] = w;
		}
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
}

static void
add(struct table *t, const char *text)
{
	struct word *w;

	if (t->nwords >= t->nslots)
		grow(t);
	for (w = t->slots[hash(text) % t->nslots]; w != NULL; w = w->next) {
		if (strcmp(w->text, text) == 0) {
			w->count++;
			return;
		}
	}
	w = xrealloc(NULL, sizeof *w);
	w->text = strdup(text);
	if (w->text == NULL) {
		perror("wordfreq");
		exit(1);
	}
	w->count = 1;
	w->next = t->slots[hash(text) % t->nslots];
	t->slots[hash(text) % t->nslots] = w;
	t->nwords++;
}

static int
by_count(const void *a, const void *b)
{
	const struct word *x = *(struct word *const *)a;
	const struct word *y = *(struct word *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->text, y->text);
}

int
main(void)
{
	struct table t = { NULL, 0, 0 };
	char buf[256];
	size_t len = 0;
	int c;

	grow(&t);
	while ((c = getchar()) != EOF) {
		if (isalnum(c) && len < sizeof buf - 1) {
			buf[len++] = (char)tolower(c);
			continue;
		}
		if (len > 0) {
			buf[len] = '\0';
			add(&t, buf);
			len = 0;
		}
	}
	if (len > 0) {
		buf[len] = '\0';
		add(&t, buf);
	}

	struct word **all = xrealloc(NULL, (t.nwords + 1) * sizeof *all);
	size_t n = 0;
	for (size_t i = 0; i < t.nslots; i++)
		for (struct word *w = t.slots[i]; w != NULL; w = w->next)
			all[n++] = w;
	qsort(all, n, sizeof *all, by_count);
	for (size_t i = 0; i < n && i < 10; i++)
		printf("%7lu %s\n", all[i]->count, all[i]->text);

	for (size_t i = 0; i < n; i++) {
		free(all[i]->text);
		free(all[i]);
	}
	free(all);
	free(t.slots);
	return 0;
}
