/* SPDX-License-Identifier: MIT */
/*
 * source.c - a profile file as it is, or decompressed (see source.h):
 * gzip with zlib, zstd with libzstd, xz with liblzma, each streamed, so
 * a compressed profile takes no more memory to read than a plain one.
 * Files of several concatenated members or frames (as pigz, zstd and xz
 * may write them) read as their concatenation.
 */
#include "config.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "common/err.h"
#include "source.h"

enum { PLAIN, GZIP, ZSTD, XZ };

static const char *const codec_names[] = { NULL, "gzip", "zstd", "xz" };

struct dtool_source {
	int fd;
	int codec;
	bool in_eof;		/* the file is read to its end */
	bool done;		/* the compressed stream ended */
	size_t in_pos, in_len;
	z_stream gz;
	ZSTD_DStream *zd;
	lzma_stream xz;
	unsigned char in[64 * 1024];
};

/* More of the file into S->in; -1 with ERR set. */
static int
refill(struct dtool_source *s, char *err, size_t errlen)
{
	ssize_t n;

	if (s->in_pos < s->in_len || s->in_eof)
		return 0;
	do
		n = read(s->fd, s->in, sizeof(s->in));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	s->in_pos = 0;
	s->in_len = (size_t)n;
	s->in_eof = n == 0;
	return 0;
}

/* The codec the first bytes of S->in name. */
static int
codec_of(const unsigned char *b, size_t n)
{
	static const unsigned char zst[] = { 0x28, 0xb5, 0x2f, 0xfd };
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return GZIP;
	if (n >= sizeof(zst) && memcmp(b, zst, sizeof(zst)) == 0)
		return ZSTD;
	if (n >= sizeof(xz) && memcmp(b, xz, sizeof(xz)) == 0)
		return XZ;
	return PLAIN;
}

/* The decoder of S->codec; -1 with ERR set. */
static int
start(struct dtool_source *s, char *err, size_t errlen)
{
	switch (s->codec) {
	case GZIP:
		/* 15 + 16: a gzip header and trailer, the largest window. */
		if (inflateInit2(&s->gz, 15 + 16) == Z_OK)
			return 0;
		break;
	case ZSTD:
		s->zd = ZSTD_createDStream();
		if (s->zd != NULL && !ZSTD_isError(ZSTD_initDStream(s->zd)))
			return 0;
		break;
	case XZ:
		if (lzma_stream_decoder(&s->xz, UINT64_MAX,
		    LZMA_CONCATENATED) == LZMA_OK)
			return 0;
		break;
	default:
		return 0;
	}
	snprintf(err, errlen, "%s: cannot start decompressing",
	    codec_names[s->codec]);
	return -1;
}

struct dtool_source *
dtool_source_open(int fd, char *err, size_t errlen)
{
	struct dtool_source *s = dtool_xcalloc(1, sizeof(*s));

	s->fd = fd;
	s->xz = (lzma_stream)LZMA_STREAM_INIT;
	/* Enough bytes to tell the codec, unless the file is shorter. */
	while (s->in_len < 6 && !s->in_eof) {
		ssize_t n = read(fd, s->in + s->in_len,
		    sizeof(s->in) - s->in_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			free(s);
			return NULL;
		}
		s->in_len += (size_t)n;
		s->in_eof = n == 0;
	}
	s->codec = codec_of(s->in, s->in_len);
	if (start(s, err, errlen) < 0) {
		dtool_source_close(s);
		return NULL;
	}
	return s;
}

static ssize_t
read_gzip(struct dtool_source *s, void *buf, size_t n, char *err,
    size_t errlen)
{
	int rc;

	s->gz.next_in = s->in + s->in_pos;
	s->gz.avail_in = (uInt)(s->in_len - s->in_pos);
	s->gz.next_out = buf;
	s->gz.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	rc = inflate(&s->gz, Z_NO_FLUSH);
	s->in_pos = s->in_len - s->gz.avail_in;
	if (rc == Z_STREAM_END) {
		/* Another member may follow. */
		inflateReset(&s->gz);
		s->done = true;
	} else if (rc == Z_OK) {
		s->done = false;
	} else if (rc != Z_BUF_ERROR) {
		snprintf(err, errlen, "gzip: %s", s->gz.msg != NULL ?
		    s->gz.msg : "corrupt data");
		return -1;
	}
	return (ssize_t)((unsigned char *)s->gz.next_out -
	    (unsigned char *)buf);
}

static ssize_t
read_zstd(struct dtool_source *s, void *buf, size_t n, char *err,
    size_t errlen)
{
	ZSTD_inBuffer in = { s->in + s->in_pos, s->in_len - s->in_pos, 0 };
	ZSTD_outBuffer out = { buf, n, 0 };
	size_t rc = ZSTD_decompressStream(s->zd, &out, &in);

	if (ZSTD_isError(rc)) {
		snprintf(err, errlen, "zstd: %s", ZSTD_getErrorName(rc));
		return -1;
	}
	s->in_pos += in.pos;
	/* 0: a frame is complete and flushed; a call with nothing to do
	 * says nothing. */
	if (in.pos > 0 || out.pos > 0)
		s->done = rc == 0;
	return (ssize_t)out.pos;
}

static ssize_t
read_xz(struct dtool_source *s, void *buf, size_t n, char *err,
    size_t errlen)
{
	lzma_ret rc;

	s->xz.next_in = s->in + s->in_pos;
	s->xz.avail_in = s->in_len - s->in_pos;
	s->xz.next_out = buf;
	s->xz.avail_out = n;
	rc = lzma_code(&s->xz, s->in_eof && s->xz.avail_in == 0 ?
	    LZMA_FINISH : LZMA_RUN);
	s->in_pos = s->in_len - s->xz.avail_in;
	if (rc == LZMA_STREAM_END) {
		s->done = true;
	} else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {
		snprintf(err, errlen, "xz: %s", rc == LZMA_MEM_ERROR ?
		    "out of memory" : rc == LZMA_FORMAT_ERROR ?
		    "not an xz file" : rc == LZMA_OPTIONS_ERROR ?
		    "unsupported options" : "corrupt data");
		return -1;
	}
	return (ssize_t)(n - s->xz.avail_out);
}

ssize_t
dtool_source_read(struct dtool_source *s, void *buf, size_t n, char *err,
    size_t errlen)
{
	for (;;) {
		ssize_t got;

		if (s->codec == PLAIN && s->in_pos == s->in_len) {
			/* Past the first bytes: straight into BUF. */
			do
				got = s->in_eof ? 0 : read(s->fd, buf, n);
			while (got < 0 && errno == EINTR);
			if (got < 0)
				snprintf(err, errlen, "%s", strerror(errno));
			return got;
		}
		if (s->codec == PLAIN) {
			size_t k = s->in_len - s->in_pos < n ?
			    s->in_len - s->in_pos : n;

			memcpy(buf, s->in + s->in_pos, k);
			s->in_pos += k;
			return (ssize_t)k;
		}
		if (refill(s, err, errlen) < 0)
			return -1;
		got = s->codec == GZIP ? read_gzip(s, buf, n, err, errlen) :
		    s->codec == ZSTD ? read_zstd(s, buf, n, err, errlen) :
		    read_xz(s, buf, n, err, errlen);
		if (got != 0)
			return got;
		if (s->in_eof && s->in_pos == s->in_len) {
			if (s->done)
				return 0;
			snprintf(err, errlen, "%s: truncated file",
			    codec_names[s->codec]);
			return -1;
		}
	}
}

const char *
dtool_source_codec(const struct dtool_source *s)
{
	return codec_names[s->codec];
}

void
dtool_source_close(struct dtool_source *s)
{
	if (s == NULL)
		return;
	if (s->codec == GZIP)
		inflateEnd(&s->gz);
	ZSTD_freeDStream(s->zd);
	lzma_end(&s->xz);
	free(s);
}
