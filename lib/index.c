/* SPDX-License-Identifier: MIT */
/*
 * index.c - open addressing with linear probing, kept at most half full,
 * and deletion by moving later entries of the probe run back (no
 * tombstones, so a table that sees many removals stays as fast as one
 * that saw none).
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "index.h"

/* A word at a time, each mixed in by a multiply and a shift. */
uint64_t
dhat__hash_more(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
		h ^= h >> 32;
	}
	return h;
}

/* The last steps spread every input bit over the low half, which the
 * index uses. */
uint64_t
dhat__hash(const void *data, size_t n)
{
	uint64_t h = dhat__hash_more(0x9e3779b97f4a7c15ull ^ n, data, n);

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static size_t
slot_home(const struct dhat__index *ix, uint32_t hash)
{
	return hash & (ix->cap - 1);
}

static void
slot_put(struct dhat__index *ix, uint32_t hash, uint32_t pos1)
{
	size_t i = slot_home(ix, hash);

	while (ix->slots[i].pos1 != 0)
		i = (i + 1) & (ix->cap - 1);
	ix->slots[i].hash = hash;
	ix->slots[i].pos1 = pos1;
}

static bool
index_grow(struct dhat__index *ix)
{
	struct dhat__index_slot *old = ix->slots;
	size_t oldcap = ix->cap, cap = oldcap != 0 ? 2 * oldcap : 64;
	struct dhat__index_slot *slots = dhat__index_calloc(cap,
	    sizeof(*slots));

	if (slots == NULL)
		return false;
	ix->slots = slots;
	ix->cap = cap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].pos1 != 0)
			slot_put(ix, old[i].hash, old[i].pos1);
	dhat__index_release(old);
	return true;
}

uint32_t
dhat__index_find(const struct dhat__index *ix, uint64_t hash,
    dhat__index_same *same, const void *ctx)
{
	uint32_t h = (uint32_t)hash;

	if (ix->cap == 0)
		return DHAT__INDEX_NONE;
	for (size_t i = slot_home(ix, h); ix->slots[i].pos1 != 0;
	    i = (i + 1) & (ix->cap - 1))
		if (ix->slots[i].hash == h &&
		    same(ctx, ix->slots[i].pos1 - 1))
			return ix->slots[i].pos1 - 1;
	return DHAT__INDEX_NONE;
}

bool
dhat__index_add(struct dhat__index *ix, uint64_t hash, uint32_t pos)
{
	if (2 * (ix->n + 1) > ix->cap && !index_grow(ix))
		return false;
	slot_put(ix, (uint32_t)hash, pos + 1);
	ix->n++;
	return true;
}

uint32_t
dhat__index_intern(struct dhat__index *ix, uint64_t hash,
    dhat__index_same *same, const void *ctx, uint32_t pos)
{
	uint32_t found = dhat__index_find(ix, hash, same, ctx);

	if (found != DHAT__INDEX_NONE)
		return found;
	return dhat__index_add(ix, hash, pos) ? pos : DHAT__INDEX_NONE;
}

/* Whether slot J's entry, whose home is H, may move back to the hole at
 * I: only if H does not lie cyclically in (I, J]. */
static bool
may_fill(size_t i, size_t j, size_t h)
{
	return i <= j ? (h <= i || h > j) : (h <= i && h > j);
}

void
dhat__index_remove(struct dhat__index *ix, uint64_t hash, uint32_t pos)
{
	size_t mask = ix->cap - 1, i, j;
	uint32_t h = (uint32_t)hash;

	if (ix->cap == 0)
		return;
	for (i = slot_home(ix, h); ix->slots[i].pos1 != pos + 1;
	    i = (i + 1) & mask)
		if (ix->slots[i].pos1 == 0)
			return;
	for (j = (i + 1) & mask; ix->slots[j].pos1 != 0; j = (j + 1) & mask)
		if (may_fill(i, j, slot_home(ix, ix->slots[j].hash))) {
			ix->slots[i] = ix->slots[j];
			i = j;
		}
	ix->slots[i].pos1 = 0;
	ix->n--;
}

void
dhat__index_free(struct dhat__index *ix)
{
	dhat__index_release(ix->slots);
	memset(ix, 0, sizeof(*ix));
}
