/* SPDX-License-Identifier: MIT */
/*
 * frame_cache.c - frame strings kept from one profile to the next: see
 * frame_cache.h for what and why.
 *
 * A file is "DHATFRM" and a format byte, then records, each
 *     u64 offset, u32 length, u16 frames, u8 return address, u8 kind,
 *     LENGTH bytes: FRAMES strings, each NUL-ended
 * in the machine's byte order (the cache is the user's, on this machine).
 * A file is taken whole or not at all: any record that does not check out
 * (a length past the end, strings that do not fill it exactly, a kind or
 * flag out of range) voids it, and the profile names its frames from the
 * modules instead.  Only a regular file of the user's is read, without
 * following a symbolic link.  A file is written, when a profile added
 * records, under a temporary name of the process's own and renamed into
 * place: whatever is under a final name is whole.  Two processes that
 * write the same file at once each write a whole one; the last rename
 * wins, and the other's new records are made again by a later run.
 * A file stops growing at MAX_FILE bytes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "build_id.h"
#include "frame_cache.h"

#define MAGIC "DHATFRM\001"
#define MAGIC_LEN 8
#define HEAD_LEN 16             /* a record's fixed part */
#define MAX_FILE (16u << 20)
#define MAX_RECORD (64u << 10)
#define REFRESH_SECONDS (24 * 60 * 60)

struct rec {
	uint64_t off;
	const char *data;       /* in the file's buffer, or owned */
	uint32_t len;
	uint16_t n;
	uint8_t ra, kind;
	bool owned;
};

struct dhat__frame_file {
	char name[NAME_MAX + 1];
	char *buf;              /* the file as read */
	struct rec *v;
	size_t nv, capv;
	uint32_t *index;        /* record + 1; 0: empty */
	size_t isize;           /* a power of two */
	size_t bytes;           /* the file's size with every record */
	bool dirty;
};

/* Set at start-up: the directory (empty: no cache) and libdhat's own
 * build ID, which names the files. */
static struct {
	char dir[PATH_MAX];
	unsigned char self_id[DHAT__BUILD_ID_MAX];
	size_t self_len;
} cache;

void
dhat__absolute_dir(char *out, size_t size, const char *dir)
{
	size_t n = dir != NULL ? strlen(dir) : 0;

	out[0] = '\0';
	if (n > 0 && dir[0] == '/' && n < size)
		memcpy(out, dir, n + 1);
}

void
dhat__frame_cache_dir(const char *dir)
{
	dhat__absolute_dir(cache.dir, sizeof cache.dir, dir);
	/* What a file holds is what this build of libdhat made of a
	 * module: the files are named after its build ID, and without one
	 * nothing is kept, since a rebuilt libdhat could not tell its own
	 * files from another build's. */
	if (cache.dir[0] != '\0') {
		cache.self_len = dhat__build_id_at(
		    (const void *)dhat__frame_cache_dir, cache.self_id);
		if (cache.self_len == 0)
			cache.dir[0] = '\0';
	}
}

size_t
dhat__frame_cache_build(const unsigned char **id)
{
	*id = cache.self_id;
	return cache.self_len;
}

bool
dhat__frame_cache_on(void)
{
	return cache.dir[0] != '\0';
}

static size_t
home(uint64_t off, bool ra, size_t mask)
{
	uint64_t h = (off * 2 + ra) * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 32) & mask;
}

static bool
index_add(struct dhat__frame_file *f, size_t k)
{
	size_t i;

	if (2 * (f->nv + 1) > f->isize) {
		size_t size = f->isize ? 2 * f->isize : 256;
		uint32_t *x = calloc(size, sizeof *x);

		if (x == NULL)
			return false;
		free(f->index);
		f->index = x;
		f->isize = size;
		for (i = 0; i < f->nv; i++)
			if (i != k)
				(void)index_add(f, i);
	}
	i = home(f->v[k].off, f->v[k].ra, f->isize - 1);
	while (f->index[i] != 0)
		i = (i + 1) & (f->isize - 1);
	f->index[i] = (uint32_t)k + 1;
	return true;
}

/* Append R to the records, indexed. */
static bool
record_add(struct dhat__frame_file *f, const struct rec *r)
{
	if (f->nv == f->capv) {
		size_t cap = f->capv ? 2 * f->capv : 256;
		struct rec *v = realloc(f->v, cap * sizeof *v);

		if (v == NULL)
			return false;
		f->v = v;
		f->capv = cap;
	}
	f->v[f->nv] = *r;
	if (!index_add(f, f->nv))
		return false;
	f->nv++;
	f->bytes += HEAD_LEN + r->len;
	return true;
}

/* N NUL-ended strings fill exactly LEN bytes at DATA. */
static bool
strings_fill(const char *data, uint32_t len, uint16_t n)
{
	uint32_t nuls = 0, i;

	if (len == 0 || data[len - 1] != '\0')
		return false;
	for (i = 0; i < len; i++)
		nuls += data[i] == '\0';
	return nuls == n;
}

/* The records of F's buffer of SIZE bytes; false if any is unsound. */
static bool
parse(struct dhat__frame_file *f, size_t size)
{
	const char *p = f->buf + MAGIC_LEN, *end = f->buf + size;

	if (size < MAGIC_LEN || memcmp(f->buf, MAGIC, MAGIC_LEN) != 0)
		return false;
	f->bytes = MAGIC_LEN;
	while (p < end) {
		struct rec r;

		if ((size_t)(end - p) < HEAD_LEN)
			return false;
		memset(&r, 0, sizeof r);
		memcpy(&r.off, p, 8);
		memcpy(&r.len, p + 8, 4);
		memcpy(&r.n, p + 12, 2);
		r.ra = (uint8_t)p[14];
		r.kind = (uint8_t)p[15];
		p += HEAD_LEN;
		if (r.len > MAX_RECORD || r.len > (size_t)(end - p) ||
		    r.n == 0 || r.ra > 1 || r.kind > 1 ||
		    !strings_fill(p, r.len, r.n))
			return false;
		r.data = p;
		p += r.len;
		if (!record_add(f, &r))
			return false;
	}
	return true;
}

static void
forget_records(struct dhat__frame_file *f)
{
	size_t i;

	for (i = 0; i < f->nv; i++)
		if (f->v[i].owned)
			free((char *)f->v[i].data);
	f->nv = 0;
	f->bytes = MAGIC_LEN;
	if (f->index != NULL)
		memset(f->index, 0, f->isize * sizeof *f->index);
}

/* Read NAME into F, if it is a sound file of ours. */
static void
load(struct dhat__frame_file *f)
{
	char path[PATH_MAX];
	struct stat st;
	size_t got = 0;
	ssize_t r;
	int fd, n;

	n = snprintf(path, sizeof path, "%s/%s", cache.dir, f->name);
	if (n < 0 || (size_t)n >= sizeof path)
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || st.st_size < MAGIC_LEN ||
	    st.st_size > (off_t)MAX_FILE ||
	    (f->buf = malloc((size_t)st.st_size)) == NULL) {
		close(fd);
		return;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, f->buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got != (size_t)st.st_size || !parse(f, got)) {
		forget_records(f);
		free(f->buf);
		f->buf = NULL;
	} else if (st.st_mtime < time(NULL) - REFRESH_SECONDS) {
		/* In use: dhat-run removes the files unused for a month. */
		(void)futimens(fd, NULL);
	}
	close(fd);
}

struct dhat__frame_file *
dhat__frame_file_open(const char *name)
{
	struct dhat__frame_file *f;
	size_t n = strlen(name);

	if (cache.dir[0] == '\0' || n == 0 || n >= sizeof f->name ||
	    strchr(name, '/') != NULL || name[0] == '.')
		return NULL;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	memcpy(f->name, name, n + 1);
	f->bytes = MAGIC_LEN;
	load(f);
	return f;
}

bool
dhat__frame_file_get(struct dhat__frame_file *f, uint64_t off, bool ra,
    int *kind, unsigned *n, const char **data)
{
	size_t i;

	if (f == NULL || f->isize == 0)
		return false;
	for (i = home(off, ra, f->isize - 1); f->index[i] != 0;
	    i = (i + 1) & (f->isize - 1)) {
		const struct rec *r = &f->v[f->index[i] - 1];

		if (r->off == off && r->ra == ra) {
			*kind = r->kind;
			*n = r->n;
			*data = r->data;
			return true;
		}
	}
	return false;
}

void
dhat__frame_file_put(struct dhat__frame_file *f, uint64_t off, bool ra,
    int kind, unsigned n, const char *data, size_t len)
{
	struct rec r;
	char *copy;

	if (f == NULL || n == 0 || n > UINT16_MAX || len > MAX_RECORD ||
	    kind < 0 || kind > 1 || !strings_fill(data, (uint32_t)len,
	    (uint16_t)n) || f->bytes + HEAD_LEN + len > MAX_FILE ||
	    (copy = malloc(len)) == NULL)
		return;
	memcpy(copy, data, len);
	memset(&r, 0, sizeof r);
	r.off = off;
	r.data = copy;
	r.len = (uint32_t)len;
	r.n = (uint16_t)n;
	r.ra = ra;
	r.kind = (uint8_t)kind;
	r.owned = true;
	if (!record_add(f, &r)) {
		free(copy);
		return;
	}
	f->dirty = true;
}

static bool
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t r;

	while (n > 0) {
		r = write(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		c += r;
		n -= (size_t)r;
	}
	return true;
}

/* F's records into a temporary file, renamed to F's name when whole. */
static void
cache_save(const struct dhat__frame_file *f)
{
	char path[PATH_MAX], tmp[PATH_MAX], head[HEAD_LEN];
	bool ok;
	size_t i;
	int fd, n, m;

	n = snprintf(path, sizeof path, "%s/%s", cache.dir, f->name);
	m = snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", cache.dir, f->name,
	    (long)getpid());
	if (n < 0 || (size_t)n >= sizeof path || m < 0 ||
	    (size_t)m >= sizeof tmp)
		return;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return;
	ok = write_all(fd, MAGIC, MAGIC_LEN);
	for (i = 0; ok && i < f->nv; i++) {
		const struct rec *r = &f->v[i];

		memcpy(head, &r->off, 8);
		memcpy(head + 8, &r->len, 4);
		memcpy(head + 12, &r->n, 2);
		head[14] = (char)r->ra;
		head[15] = (char)r->kind;
		ok = write_all(fd, head, HEAD_LEN) &&
		    write_all(fd, r->data, r->len);
	}
	if (close(fd) != 0)
		ok = false;
	if (!ok || rename(tmp, path) != 0)
		(void)unlink(tmp);
}

void
dhat__frame_file_close(struct dhat__frame_file *f)
{
	if (f == NULL)
		return;
	if (f->dirty)
		cache_save(f);
	forget_records(f);
	free(f->v);
	free(f->index);
	free(f->buf);
	free(f);
}
