/* SPDX-License-Identifier: MIT */
/*
 * compress.c - gzip (zlib), zstd (libzstd) and xz (liblzma) streams of a
 * profile's text (see compress.h).  Levels that compress well at a low
 * cost in memory: a process writes its profile at exit, when memory may
 * be short, and xz's default preset alone would want about 100 MiB.
 */
#include "config.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "compress.h"

#define ZSTD_LEVEL	3
#define XZ_PRESET	1	/* about 10 MiB to compress */

struct dhat__compressor {
	enum dhat__codec codec;
	int fd;
	z_stream gz;
	ZSTD_CCtx *zc;
	lzma_stream xz;
	unsigned char out[64 * 1024];
};

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n > k && strcmp(s + n - k, tail) == 0;
}

enum dhat__codec
dhat__codec_of(const char *name)
{
	if (ends_with(name, ".gz"))
		return DHAT__GZIP;
	if (ends_with(name, ".zst"))
		return DHAT__ZSTD;
	if (ends_with(name, ".xz"))
		return DHAT__XZ;
	return DHAT__PLAIN;
}

/* The compressors' allocators: libdhat's own memory. */
static void *
z_alloc(void *opaque, unsigned items, unsigned size)
{
	size_t n;

	(void)opaque;
	return __builtin_mul_overflow((size_t)items, (size_t)size, &n) ? NULL :
	    dhat__compress_alloc(n);
}

static void *
lz_alloc(void *opaque, size_t m, size_t size)
{
	size_t n;

	(void)opaque;
	return __builtin_mul_overflow(m, size, &n) ? NULL :
	    dhat__compress_alloc(n);
}

static void
own_free(void *opaque, void *p)
{
	(void)opaque;
	dhat__compress_release(p);
}

static const lzma_allocator lz_allocator = { lz_alloc, own_free, NULL };

/* The encoder of C->codec; false when it cannot start. */
static bool
start(struct dhat__compressor *c)
{
	switch (c->codec) {
	case DHAT__GZIP:
		c->gz.zalloc = z_alloc;
		c->gz.zfree = own_free;
		/* 15 + 16: gzip's header and trailer. */
		return deflateInit2(&c->gz, Z_DEFAULT_COMPRESSION, Z_DEFLATED,
		    15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
	case DHAT__ZSTD:
		/* libzstd's stable interface takes no allocator: its
		 * malloc is the process's (in libdhat, its entry points
		 * pass it on uncounted while the writer runs). */
		c->zc = ZSTD_createCCtx();
		return c->zc != NULL && !ZSTD_isError(ZSTD_CCtx_setParameter(
		    c->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL));
	case DHAT__XZ:
		c->xz = (lzma_stream)LZMA_STREAM_INIT;
		c->xz.allocator = &lz_allocator;
		return lzma_easy_encoder(&c->xz, XZ_PRESET,
		    LZMA_CHECK_CRC64) == LZMA_OK;
	default:
		return false;
	}
}

static void
end(struct dhat__compressor *c)
{
	if (c->codec == DHAT__GZIP)
		deflateEnd(&c->gz);
	else if (c->codec == DHAT__ZSTD)
		ZSTD_freeCCtx(c->zc);
	else
		lzma_end(&c->xz);
	dhat__compress_release(c);
}

struct dhat__compressor *
dhat__compress_open(enum dhat__codec codec, int fd)
{
	struct dhat__compressor *c = dhat__compress_alloc(sizeof(*c));

	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c) - sizeof(c->out));
	c->codec = codec;
	c->fd = fd;
	if (!start(c)) {
		end(c);
		return NULL;
	}
	return c;
}

/* Writes the N bytes of C->out that the encoder produced. */
static int
put(struct dhat__compressor *c, size_t n)
{
	for (size_t done = 0; done < n;) {
		ssize_t k = write(c->fd, c->out + done, n - done);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno;
		done += (size_t)k;
	}
	return 0;
}

/* One step of the encoder on [*P, *P + *N), or finishing with FINISH;
 * 0, or an errno.  *MORE: the encoder has more to give. */
static int
step(struct dhat__compressor *c, const unsigned char **p, size_t *n,
    bool finish, bool *more)
{
	size_t got;
	int rc;

	switch (c->codec) {
	case DHAT__GZIP:
		c->gz.next_in = (unsigned char *)(uintptr_t)*p;
		c->gz.avail_in = (uInt)(*n > UINT32_MAX ? UINT32_MAX : *n);
		c->gz.next_out = c->out;
		c->gz.avail_out = sizeof(c->out);
		rc = deflate(&c->gz, finish ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR)
			return EIO;
		*n -= (size_t)(c->gz.next_in - *p);
		*p = c->gz.next_in;
		got = sizeof(c->out) - c->gz.avail_out;
		*more = finish ? rc != Z_STREAM_END : c->gz.avail_out == 0;
		break;
	case DHAT__ZSTD: {
		ZSTD_inBuffer in = { *p, *n, 0 };
		ZSTD_outBuffer out = { c->out, sizeof(c->out), 0 };
		size_t left = ZSTD_compressStream2(c->zc, &out, &in,
		    finish ? ZSTD_e_end : ZSTD_e_continue);

		if (ZSTD_isError(left))
			return ZSTD_getErrorCode(left) ==
			    ZSTD_error_memory_allocation ? ENOMEM : EIO;
		*p += in.pos;
		*n -= in.pos;
		got = out.pos;
		*more = finish ? left != 0 : out.pos == out.size;
		break;
	}
	default: {
		lzma_ret lr;

		c->xz.next_in = *p;
		c->xz.avail_in = *n;
		c->xz.next_out = c->out;
		c->xz.avail_out = sizeof(c->out);
		lr = lzma_code(&c->xz, finish ? LZMA_FINISH : LZMA_RUN);
		if (lr != LZMA_OK && lr != LZMA_STREAM_END)
			return lr == LZMA_MEM_ERROR ? ENOMEM : EIO;
		*p = c->xz.next_in;
		*n = c->xz.avail_in;
		got = sizeof(c->out) - c->xz.avail_out;
		*more = finish ? lr != LZMA_STREAM_END : c->xz.avail_out == 0;
		break;
	}
	}
	return put(c, got);
}

int
dhat__compress_write(struct dhat__compressor *c, const void *p, size_t n)
{
	const unsigned char *s = p;
	bool more = true;
	int err = 0;

	while (err == 0 && (n > 0 || more))
		err = step(c, &s, &n, false, &more);
	return err;
}

int
dhat__compress_close(struct dhat__compressor *c)
{
	const unsigned char *s = NULL;
	size_t n = 0;
	bool more = true;
	int err = 0;

	while (err == 0 && more)
		err = step(c, &s, &n, true, &more);
	end(c);
	return err;
}
