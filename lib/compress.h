/* SPDX-License-Identifier: MIT */
/*
 * compress.h - profiles written compressed when their name asks for it:
 * a name that ends in ".gz", ".zst" or ".xz" gets gzip, zstd or xz.
 * libdhat's writer and the tools' (dhat-merge) share it; each defines
 * the memory it comes from (dhat__compress_alloc and _release): in
 * libdhat its own memory, as the rest of the writer uses (libzstd's goes
 * through libdhat's entry points, uncounted).
 */
#ifndef DHAT_COMPRESS_H
#define DHAT_COMPRESS_H

#include <stddef.h>

enum dhat__codec { DHAT__PLAIN, DHAT__GZIP, DHAT__ZSTD, DHAT__XZ };

/* The codec that the file NAME asks for. */
enum dhat__codec dhat__codec_of(const char *name);

/* The compressors' memory, defined by the user of this file: NULL when
 * there is none. */
void *dhat__compress_alloc(size_t n);
void dhat__compress_release(void *p);

struct dhat__compressor;	/* opaque */

/* A compressor of CODEC writing to FD; NULL when it cannot start (out of
 * memory): the caller then writes the text as it is, which the dhat
 * tools read all the same. */
struct dhat__compressor *dhat__compress_open(enum dhat__codec codec, int fd);
/* Compresses the N bytes at P and writes what comes out; 0 or an errno. */
int dhat__compress_write(struct dhat__compressor *c, const void *p,
    size_t n);
/* Ends the compressed stream and frees C; 0 or an errno. */
int dhat__compress_close(struct dhat__compressor *c);

#endif
