/* SPDX-License-Identifier: MIT */
/*
 * profile_int.h - the inside of struct dtool_profile, shared by the model
 * (profile.c), the reader (read.c) and the writer (write.c).
 */
#ifndef DTOOL_PROFILE_INT_H
#define DTOOL_PROFILE_INT_H

#include "index.h"
#include "profile.h"

/* A bump allocator whose chunks never move, so pointers into it stay
 * valid while it grows. */
struct dtool_arena {
	char *cur;
	size_t left;
	void **chunks;
	size_t nchunks;
};

void *dtool_arena_alloc(struct dtool_arena *a, size_t n, size_t align);
char *dtool_arena_strndup(struct dtool_arena *a, const char *s, size_t n);
void dtool_arena_free(struct dtool_arena *a);

/* PPs live in fixed-size pages for the same reason. */
#define DTOOL_PP_PAGE	4096

struct dtool_profile {
	struct dtool_header h;
	struct dtool_pp **pages;
	size_t npps;
	const char **frames;
	size_t nframes, frames_cap;
	struct dtool_arena arena;
	/* Built when first needed, and brought up to date with what the
	 * reader added before each use: frame string -> frame, stack ->
	 * PP. */
	struct dhat__index frame_index;
	struct dhat__index stack_index;
};

struct dtool_profile *dtool__profile_alloc(void);
struct dtool_pp *dtool__profile_new_pp(struct dtool_profile *p);
void dtool__profile_push_frame(struct dtool_profile *p, const char *s,
    size_t len);

#endif
