/* SPDX-License-Identifier: MIT */
/*
 * live_table.c - the live-block table against a plain model: millions of
 * random inserts and removes over address patterns that stress it (whole
 * pages of 16-byte blocks, scattered pages, pages whose windows end at
 * the table's last slot, so that probes and deletions wrap), growth past
 * the size where the table is rehashed in place, inserts of pointers
 * already present, sizes for the side list, and an odd pointer (which
 * makes the table grow by copying from then on).  Every record that comes
 * out must be the one that went in, and the table must hold exactly the
 * model's blocks.  Like heap_account.c it compiles the table in; heap.c's
 * live block count, which sizes the table, is kept here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "live_table.h"
#include "lock.h"
#include "heap_stubs.h"
#include "tap.h"
#include "xorshift.h"

#define NCAND 600000

struct cand {
	uintptr_t ptr;
	size_t size;
	uint32_t pp;
	bool live;
};

static struct cand cand[NCAND];
static size_t ncand, nlive;
static unsigned long errors;
static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
	return xorshift64(&rng);
}

static void
add_cand(uintptr_t p)
{
	if (ncand < NCAND)
		cand[ncand++].ptr = p;
}

static void
check(bool pass, const char *what, uintptr_t p)
{
	if (!pass && errors++ < 10)
		diag("%s: %#lx", what, (unsigned long)p);
}

static void
insert(struct cand *c)
{
	struct dhat__block b, old;
	bool had_old;

	memset(&b, 0, sizeof b);
	b.ptr = c->ptr;
	b.size = rnd() % 16 == 0 ? ((size_t)1 << 32) + rnd() % 100 :
	    rnd() % 5000;
	b.pp = (uint32_t)(rnd() % 100000);
	if (!c->live)
		dhat__hot.curr_blocks++;
	check(dhat__live_reserve(b.size) == 0, "reserve", c->ptr);
	check(dhat__live_insert(&b, &old, &had_old) == 0, "insert", c->ptr);
	check(had_old == c->live, "had_old", c->ptr);
	if (had_old)
		check(old.ptr == c->ptr && old.size == c->size &&
		    old.pp == c->pp, "old record", c->ptr);
	c->size = b.size;
	c->pp = b.pp;
	if (!c->live)
		nlive++;
	c->live = true;
}

static void
remove_one(struct cand *c)
{
	struct dhat__block b;
	bool found = dhat__live_remove(c->ptr, &b);

	check(found == c->live, "found", c->ptr);
	if (found && c->live)
		check(b.ptr == c->ptr && b.size == c->size && b.pp == c->pp,
		    "removed record", c->ptr);
	if (c->live) {
		nlive--;
		dhat__hot.curr_blocks--;
	}
	c->live = false;
}

/* Operations on random candidates among the first N; a live one is
 * removed, or one time in 16 inserted again. */
static void
churn(size_t n, size_t ops, unsigned insert_bias)
{
	size_t i;

	for (i = 0; i < ops; i++) {
		struct cand *c = &cand[rnd() % n];

		if (!c->live && rnd() % 16 < insert_bias)
			insert(c);
		else if (c->live && rnd() % 16 == 0)
			insert(c);
		else
			remove_one(c);
	}
}

/* Every live candidate is in the table with its record: taken out and
 * put back. */
static void
verify(const char *phase)
{
	size_t i, bad = 0, wrong = 0;

	is_uint(dhat__live_count(), nlive, "%s: the table holds %zu blocks",
	    phase, nlive);
	for (i = 0; i < ncand; i++)
		if (dhat__live_has(cand[i].ptr) != cand[i].live)
			wrong++;
	is_uint(wrong, 0, "%s: it has the live blocks and no other", phase);
	for (i = 0; i < ncand; i++) {
		struct dhat__block b;

		if (!cand[i].live)
			continue;
		if (!dhat__live_remove(cand[i].ptr, &b) ||
		    b.size != cand[i].size || b.pp != cand[i].pp)
			bad++;
		dhat__hot.curr_blocks--;
		cand[i].live = false;
		nlive--;
		insert(&cand[i]);
	}
	is_uint(bad, 0, "%s: every live block found with its record", phase);
}

/* Pages whose windows end at the table's last slot, 16 blocks each. */
static size_t
edge_pages(size_t want)
{
	uintptr_t page;
	size_t n = dhat__live_nslots, got = 0, k;

	for (page = 0x7e0000000ULL; got < want; page++) {
		uintptr_t p = page << 12;

		if (dhat__live_home(p, n) + 256 < n)
			continue;
		for (k = 0; k < 16; k++)
			add_cand(p + 16 * (16 * k + rnd() % 16));
		got++;
	}
	return got;
}

int
main(void)
{
	size_t i, first, edge;

	plan_lazy();
	dhat__live_reset();

	/* Dense pages: every 16-byte unit of 4,000 pages, in order. */
	for (i = 0; i < 4000 * 256; i += 7)
		add_cand(0x555500000000ULL + 16 * i);
	first = ncand;
	/* Scattered: random 16-byte aligned addresses. */
	for (i = 0; i < 150000; i++)
		add_cand(0x7f0000000000ULL +
		    (((i * 0x9e3779b97ULL) & ((1ULL << 36) - 1)) << 4));

	/* Grow from empty through the in-place rehash (2 MiB and more). */
	for (i = 0; i < ncand; i++)
		if (rnd() % 4 != 0)
			insert(&cand[i]);
	ok(dhat__live_nslots * 16 >= ((size_t)4 << 20),
	    "the table grew past the in-place size (%zu slots)",
	    dhat__live_nslots);
	verify("grown");
	churn(ncand, 2000000, 8);
	verify("churned");

	/* Probes and deletions that wrap around the end. */
	edge = ncand;
	ok(edge_pages(40) == 40, "pages at the table's end");
	for (i = edge; i < ncand; i++)
		insert(&cand[i]);
	verify("edge pages in");
	churn(ncand, 1000000, 8);
	for (i = edge; i < ncand; i++)
		if (cand[i].live)
			remove_one(&cand[i]);
	verify("edge pages out");

	/* An odd pointer: from then on the table grows by copying. */
	add_cand(0x600000000001ULL);
	insert(&cand[ncand - 1]);
	for (i = 0; i < first; i++)
		if (!cand[i].live)
			insert(&cand[i]);
	verify("odd pointer");
	remove_one(&cand[ncand - 1]);

	/* Shrink to nothing. */
	for (i = 0; i < ncand; i++)
		if (cand[i].live)
			remove_one(&cand[i]);
	is_uint(dhat__live_count(), 0, "empty at the end");
	is_uint(errors, 0, "no record differed from the model");
	dhat__live_reset();
	return done_testing();
}
