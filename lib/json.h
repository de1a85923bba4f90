/* SPDX-License-Identifier: MIT */
/*
 * json.h - writing a collected profile as DHAT JSON.
 */
#ifndef DHAT_JSON_H
#define DHAT_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "collect.h"

/* Writes B as DHAT JSON to FD, compressed by CODEC (compress.h); with
 * NEWLINE, a newline after the final brace.  0, or the errno of the
 * first failure. */
int dhat__json_write(int fd, const struct dhat__collection *b,
    const struct dhat__config *cfg, bool newline, int codec);

/* Whether C lacks figures, and why (into WHY, of LEN bytes). */
bool dhat__profile_incomplete(const struct dhat__config *cfg,
    const struct dhat__closed *c, char *why, size_t len);

#endif
