/* SPDX-License-Identifier: MIT */
/*
 * index.h - the hash index of libdhat and the tools: from a key to the
 * position of the entry that holds it, in an array that the caller owns.
 *
 * Every table that finds a thing by its value (a frame by its string, a
 * program point by its stack, a tree node by its parent and first frame)
 * is an array of entries plus one of these, except the few that the
 * allocation path searches (pp_table.c, live_table.c, the stack cache),
 * which are built for that path's speed.  The index keeps
 * positions and 32 bits of each key's hash, never the keys themselves: the
 * caller's `same' function compares a key with the entry at a position.
 * So the entries stay where the caller put them, and an index costs 8
 * bytes per slot whatever the key.
 *
 * The slots' memory comes from dhat__index_calloc() and goes back through
 * dhat__index_release(), which whoever links the index defines: libdhat's
 * may fail (the index then reports it), the tools' never return NULL.
 */
#ifndef DHAT_INDEX_H
#define DHAT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No entry: what the look-ups return when nothing matched. */
#define DHAT__INDEX_NONE	UINT32_MAX

struct dhat__index_slot {
	uint32_t hash;		/* the low half of the key's hash */
	uint32_t pos1;		/* position + 1; 0: an empty slot */
};

/* Zeroed, an index is empty and ready. */
struct dhat__index {
	struct dhat__index_slot *slots;
	size_t cap;		/* 0 or a power of two */
	size_t n;		/* entries in the index */
};

/* Whether the entry at POS has the key that CTX describes. */
typedef bool dhat__index_same(const void *ctx, uint32_t pos);

/* The hash of N bytes, for keys of any kind: strings, arrays of frame
 * numbers, pairs of numbers. */
uint64_t dhat__hash(const void *data, size_t n);

/* H with N more bytes mixed in: for a hash of several pieces, or one that
 * names a file (the same from run to run). */
uint64_t dhat__hash_more(uint64_t h, const void *data, size_t n);

/* The position of the entry whose key has HASH and is SAME as CTX's;
 * DHAT__INDEX_NONE when there is none. */
uint32_t dhat__index_find(const struct dhat__index *ix, uint64_t hash,
    dhat__index_same *same, const void *ctx);

/* Files POS under HASH; the caller knows the key is not there yet.  False
 * when the index could not grow. */
bool dhat__index_add(struct dhat__index *ix, uint64_t hash, uint32_t pos);

/* The position of the entry SAME as CTX when there is one; else files POS
 * under HASH and returns POS (DHAT__INDEX_NONE when the index could not
 * grow). */
uint32_t dhat__index_intern(struct dhat__index *ix, uint64_t hash,
    dhat__index_same *same, const void *ctx, uint32_t pos);

/* Takes out POS, filed under HASH (its key is about to change). */
void dhat__index_remove(struct dhat__index *ix, uint64_t hash, uint32_t pos);

/* Frees the slots; the index is then empty and can be used again. */
void dhat__index_free(struct dhat__index *ix);

/* The slots' memory, zeroed; NULL when there is none.  Defined by the
 * index's user. */
void *dhat__index_calloc(size_t n, size_t size);
void dhat__index_release(void *p);

#endif
