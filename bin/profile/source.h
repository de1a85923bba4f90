/* SPDX-License-Identifier: MIT */
/*
 * source.h - the bytes of a profile file as the reader sees them: the
 * file as it is, or decompressed when it is a gzip, zstd or xz file.
 * The kind is told by the file's first bytes, not by its name, so a
 * pipe and a file named otherwise read as well.
 */
#ifndef DTOOL_SOURCE_H
#define DTOOL_SOURCE_H

#include <stddef.h>
#include <sys/types.h>

struct dtool_source;	/* opaque */

/* A source reading FD (which stays the caller's to close); NULL with ERR
 * set when FD cannot be read. */
struct dtool_source *dtool_source_open(int fd, char *err, size_t errlen);
/* Up to N bytes of the (decompressed) content into BUF: how many, 0 at
 * the end, -1 with ERR set ("gzip: ...") when the file cannot be read or
 * decompressed. */
ssize_t dtool_source_read(struct dtool_source *s, void *buf, size_t n,
    char *err, size_t errlen);
/* "gzip", "zstd", "xz", or NULL for a file as it is. */
const char *dtool_source_codec(const struct dtool_source *s);
void dtool_source_close(struct dtool_source *s);

#endif
