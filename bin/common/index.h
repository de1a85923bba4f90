/* SPDX-License-Identifier: MIT */
/*
 * index.h - the tools' hash index: from a key to the position of the entry
 * that holds it, in an array that the caller owns.
 *
 * Every table of the tools that finds a thing by its value (a frame by its
 * string, a program point by its stack, a tree node by its parent and
 * first frame) is an array of entries plus one of these.  The index keeps
 * positions and 32 bits of each key's hash, never the keys themselves: the
 * caller's `same' function compares a key with the entry at a position.
 * So the entries stay where the caller put them, and an index costs 8
 * bytes per slot whatever the key.
 */
#ifndef DTOOL_INDEX_H
#define DTOOL_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No entry: what the look-ups return when nothing matched. */
#define DTOOL_INDEX_NONE	UINT32_MAX

struct dtool_index_slot {
	uint32_t hash;		/* the low half of the key's hash */
	uint32_t pos1;		/* position + 1; 0: an empty slot */
};

/* Zeroed, an index is empty and ready. */
struct dtool_index {
	struct dtool_index_slot *slots;
	size_t cap;		/* 0 or a power of two */
	size_t n;		/* entries in the index */
};

/* Whether the entry at POS has the key that CTX describes. */
typedef bool dtool_index_same(const void *ctx, uint32_t pos);

/* The hash of N bytes, for keys of any kind: strings, arrays of frame
 * numbers, pairs of numbers. */
uint64_t dtool_hash(const void *data, size_t n);

/* The position of the entry whose key has HASH and is SAME as CTX's;
 * DTOOL_INDEX_NONE when there is none. */
uint32_t dtool_index_find(const struct dtool_index *ix, uint64_t hash,
    dtool_index_same *same, const void *ctx);

/* Files POS under HASH; the caller knows the key is not there yet. */
void dtool_index_add(struct dtool_index *ix, uint64_t hash, uint32_t pos);

/* The position of the entry SAME as CTX when there is one; else files POS
 * under HASH and returns POS. */
uint32_t dtool_index_intern(struct dtool_index *ix, uint64_t hash,
    dtool_index_same *same, const void *ctx, uint32_t pos);

/* Takes out POS, filed under HASH (its key is about to change). */
void dtool_index_remove(struct dtool_index *ix, uint64_t hash, uint32_t pos);

/* Frees the slots; the index is then empty and can be used again. */
void dtool_index_free(struct dtool_index *ix);

#endif
