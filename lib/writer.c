/* SPDX-License-Identifier: MIT */
/*
 * writer.c - the DHAT JSON file and the summary lines, at the end of a
 * profile.
 *
 * Every distinct instruction pointer is symbolized once (once per module
 * generation whose stacks hold it, for an address where a module was
 * unloaded since: see unload.c); its frame strings
 * are interned in a table whose indices, in order of first use, become
 * "ftbl" ("[root]" is 0).  A stack ends before its first frame below main
 * or a thread's start routine, unless that would leave the allocator
 * frame alone.  Program points whose frame strings
 * coincide are merged, because the viewer refuses two with the same "fs".
 * The JSON is streamed through a buffer with write(2): into a temporary
 * file in the target's directory which is then renamed over the target,
 * or straight into a target that exists and is not a regular file.
 * Runs with the guard set, so its allocations are never counted; they come
 * from glibc's allocator proper anyway and are all freed before returning.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dhat_private.h"
#include "index.h"
#include "snapshot.h"
#include "settings.h"
#include "symbolize.h"
#include "utf8.h"

/* ---- small helpers ----------------------------------------------------- */

int
dhat__write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EAGAIN) {
			/* Non-blocking (a FIFO or a terminal, opened so by
			 * save): wait for room, but not for ever. */
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			int r = poll(&p, 1, DHAT__OUTPUT_WAIT_S * 1000);

			if (r == 0)
				errno = ETIMEDOUT;
			if (r == 0 || (r < 0 && errno != EINTR))
				return -1;
			continue;
		}
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Descriptor 2 as it was when the profiler started. */
static struct {
	bool set, open;
	dev_t dev;
	ino_t ino;
} err_id;

void
dhat__stderr_remember(void)
{
	struct stat st;

	err_id.open = fstat(STDERR_FILENO, &st) == 0;
	err_id.dev = err_id.open ? st.st_dev : 0;
	err_id.ino = err_id.open ? st.st_ino : 0;
	err_id.set = true;
}

/*
 * A program may close its standard error, and descriptor 2 may then be
 * reused by a file of its own: libdhat writes only to the file that was
 * the standard error when the profiler started, and drops its messages
 * otherwise (a closed descriptor fails quietly).  Comparing device and
 * inode costs an fstat per message and no descriptor of our own, which a
 * program could notice.
 */
bool
dhat__stderr_ok(void)
{
	struct stat st;

	return !err_id.set || (err_id.open &&
	    fstat(STDERR_FILENO, &st) == 0 && st.st_dev == err_id.dev &&
	    st.st_ino == err_id.ino);
}

void
dhat__eprint(const char *s)
{
	if (dhat__stderr_ok())
		(void)dhat__write_all(STDERR_FILENO, s, strlen(s));
}

char *
dhat__commas(char *buf, uint64_t v)
{
	char tmp[32];
	size_t n = 0, i, o = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = n; i > 0; i--) {
		buf[o++] = tmp[i - 1];
		if (i > 1 && (i - 1) % 3 == 0)
			buf[o++] = ',';
	}
	buf[o] = '\0';
	return buf;
}

/* Growable array of T, from glibc's allocator proper. */
#define VEC(T) struct { T *v; size_t n, cap; }

static int
vec_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *p;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return 0;
	p = dhat__realloc(*v, c * size);
	if (p == NULL)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

#define VEC_RESERVE(a, k)                                                      \
	((a).n + (k) <= (a).cap ? 0 :                                          \
	    vec_grow((void **)&(a).v, &(a).cap, (a).n + (k), sizeof *(a).v))

/* ---- frame strings: interned, numbered in order of first use ----------- */

struct str {
	char *s;
	size_t len;
};

struct ipent {
	uintptr_t ip;
	uint64_t gen;          /* the PP's module generation */
	uint32_t first, n;     /* string ids in ipstrs[first .. first+n) */
	int kind;
};

struct opp {
	uint64_t tb, tbk, tl;
	uint64_t mb, mbk, gb, gbk, eb, ebk;
	size_t fs, nfs;        /* in fsids */
};

struct build {
	const struct dhat__closed *c;  /* the figures written */
	struct dhat__symbolizer *sym;
	VEC(struct str) strs;     /* id 0 = "[root]" */
	struct dhat__index str_index;
	VEC(struct ipent) ips;
	struct dhat__index ip_index;
	VEC(uint32_t) ipstrs;
	VEC(uint32_t) fsids;
	VEC(struct opp) opps;
	struct dhat__index opp_index;
	VEC(uint32_t) cur;        /* ids of the IP being symbolized */
	uint32_t *order;          /* ftbl index -> string id */
	size_t norder;
	bool oom;
};

struct str_key {
	const struct build *b;
	const char *s;
	size_t len;
};

static bool
same_str(const void *ctx, uint32_t id)
{
	const struct str_key *k = ctx;
	const struct str *e = &k->b->strs.v[id];

	return e->len == k->len && memcmp(e->s, k->s, k->len) == 0;
}

/* The id of frame string S, added if new; UINT32_MAX when out of memory. */
static uint32_t
str_intern(struct build *b, const char *s, size_t len)
{
	struct str_key k = { b, s, len };
	uint64_t h = dhat__hash(s, len);
	uint32_t id = dhat__index_find(&b->str_index, h, same_str, &k);
	struct str *e;

	if (id != DHAT__INDEX_NONE)
		return id;
	if (VEC_RESERVE(b->strs, 1) < 0)
		return UINT32_MAX;
	e = &b->strs.v[b->strs.n];
	e->s = dhat__malloc(len + 1);
	if (e->s == NULL)
		return UINT32_MAX;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->len = len;
	if (!dhat__index_add(&b->str_index, h, (uint32_t)b->strs.n)) {
		dhat__own_free(e->s);
		return UINT32_MAX;
	}
	return (uint32_t)b->strs.n++;
}

static int
collect_frame(void *ctx, const char *frame)
{
	struct build *b = ctx;
	uint32_t id;
	int r = 0;

	/* Called back from inside the symbolizer: our own allocations
	 * here may fail even though libdw's may not. */
	DHAT__FAULT_RESUME();
	id = str_intern(b, frame, strlen(frame));
	if (id == UINT32_MAX || VEC_RESERVE(b->cur, 1) < 0) {
		b->oom = true;
		r = 1;
	} else {
		b->cur.v[b->cur.n++] = id;
	}
	DHAT__FAULT_PAUSE();
	return r;
}

struct ip_key {
	const struct build *b;
	uintptr_t ip;
	uint64_t gen;
};

static bool
same_ip(const void *ctx, uint32_t pos)
{
	const struct ip_key *k = ctx;
	const struct ipent *e = &k->b->ips.v[pos];

	return e->ip == k->ip && e->gen == k->gen;
}

static uint64_t
ip_hash(uintptr_t ip, uint64_t gen)
{
	uint64_t key[2] = { ip, gen };

	return dhat__hash(key, sizeof key);
}

/* The frame strings of IP in a stack of module generation GEN,
 * symbolized on first sight; NULL on OOM. */
static const struct ipent *
ip_lookup(struct build *b, uintptr_t ip, uint64_t gen)
{
	struct ip_key k = { b, ip, gen };
	uint64_t h = ip_hash(ip, gen);
	uint32_t pos = dhat__index_find(&b->ip_index, h, same_ip, &k);
	struct ipent *e;
	char fallback[64];
	int kind;

	if (pos != DHAT__INDEX_NONE)
		return &b->ips.v[pos];
	b->cur.n = 0;
	kind = DHAT__FRAME_NORMAL;
	/* Every captured address is a return address, the allocator
	 * frame's included (it is where malloc called into libdhat). */
	if (b->sym != NULL) {
		DHAT__FAULT_PAUSE();
		kind = dhat__symbolize(b->sym, ip,
		    dhat__symbolize_era(b->sym, ip, gen), true, collect_frame,
		    b);
		DHAT__FAULT_RESUME();
	}
	if (b->oom || kind < 0)
		return NULL;
	if (kind == DHAT__FRAME_NORMAL && b->cur.n == 0) {
		snprintf(fallback, sizeof fallback, "0x%lx: ???",
		    (unsigned long)ip);
		if (collect_frame(b, fallback) != 0)
			return NULL;
	}
	if (VEC_RESERVE(b->ipstrs, b->cur.n) < 0 ||
	    VEC_RESERVE(b->ips, 1) < 0 ||
	    !dhat__index_add(&b->ip_index, h, (uint32_t)b->ips.n))
		return NULL;
	e = &b->ips.v[b->ips.n++];
	e->ip = ip;
	e->gen = gen;
	e->kind = kind;
	e->first = (uint32_t)b->ipstrs.n;
	e->n = (uint32_t)b->cur.n;
	if (b->cur.n > 0)
		memcpy(b->ipstrs.v + b->ipstrs.n, b->cur.v,
		    b->cur.n * sizeof *b->cur.v);
	b->ipstrs.n += b->cur.n;
	return e;
}

struct opp_key {
	const struct build *b;
	const uint32_t *fs;
	size_t nfs;
};

static bool
same_opp(const void *ctx, uint32_t pos)
{
	const struct opp_key *k = ctx;
	const struct opp *o = &k->b->opps.v[pos];

	return o->nfs == k->nfs && memcmp(k->b->fsids.v + o->fs, k->fs,
	    k->nfs * sizeof *k->fs) == 0;
}

/* The output PP of the frame strings that are the last NFS entries of
 * fsids, made if new (the strings then stay; else they are dropped);
 * NULL when out of memory. */
static struct opp *
opp_of(struct build *b, size_t nfs)
{
	const uint32_t *fs = b->fsids.v + b->fsids.n - nfs;
	struct opp_key k = { b, fs, nfs };
	uint64_t h = dhat__hash(fs, nfs * sizeof *fs);
	uint32_t pos = dhat__index_find(&b->opp_index, h, same_opp, &k);
	struct opp *o;

	if (pos != DHAT__INDEX_NONE) {
		b->fsids.n -= nfs;
		return &b->opps.v[pos];
	}
	if (VEC_RESERVE(b->opps, 1) < 0 ||
	    !dhat__index_add(&b->opp_index, h, (uint32_t)b->opps.n))
		return NULL;
	o = &b->opps.v[b->opps.n++];
	memset(o, 0, sizeof *o);
	o->fs = b->fsids.n - nfs;
	o->nfs = nfs;
	return o;
}

/* Adds PP's figures to the output PP of its frame strings, the last NFS
 * entries of fsids.  PPs whose stacks name the same frames are merged:
 * their peaks may not coincide, so mb is an upper bound. */
static int
opp_add(struct build *b, const struct dhat__pp *pp, size_t nfs)
{
	struct opp *o = opp_of(b, nfs);

	if (o == NULL)
		return -1;
	o->tb += pp->tb;
	o->tbk += pp->tbk;
	o->tl += pp->tl;
	o->mb += pp->max_bytes;
	o->mbk += pp->max_blocks;
	o->gb += pp->g_bytes;
	o->gbk += pp->g_blocks;
	o->eb += pp->curr_bytes;
	o->ebk += pp->curr_blocks;
	return 0;
}

static int
build_pps(struct build *b)
{
	size_t i, k, n = b->c->n, start;
	bool bare;

	if (str_intern(b, "[root]", 6) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		const struct dhat__pp *pp = &b->c->pps[i];

		start = b->fsids.n;
		bare = false;
		for (k = 0; k < pp->n_ips; k++) {
			const struct ipent *e = ip_lookup(b, pp->ips[k],
			    pp->modgen);

			if (e == NULL)
				return -1;
			/* The start code ends a stack, unless nothing but
			 * the allocator frame would be left (stack.c). */
			if (e->kind == DHAT__FRAME_OUTER && k == 1)
				bare = true;
			if (e->kind == DHAT__FRAME_OUTER && !bare)
				break;
			if (VEC_RESERVE(b->fsids, e->n) < 0)
				return -1;
			if (k == 0 && e->n > 0) {
				/* The allocator frame is libdhat's: only the
				 * entry point, not what is inlined into it. */
				b->fsids.v[b->fsids.n++] =
				    b->ipstrs.v[e->first + e->n - 1];
				continue;
			}
			memcpy(b->fsids.v + b->fsids.n, b->ipstrs.v + e->first,
			    e->n * sizeof(uint32_t));
			b->fsids.n += e->n;
		}
		if (opp_add(b, pp, b->fsids.n - start) < 0)
			return -1;
	}
	return 0;
}

/* Number the frame strings in order of first use in the output PPs and
 * rewrite the fs lists with those numbers; strings no stack uses (what
 * was inlined into an allocator entry point) are left out. */
static int
number_frames(struct build *b)
{
	uint32_t *idx = dhat__calloc(b->strs.n, sizeof *idx);
	size_t i;

	b->order = dhat__malloc(b->strs.n * sizeof *b->order);
	if (idx == NULL || b->order == NULL) {
		dhat__own_free(idx);
		return -1;
	}
	b->order[0] = 0;        /* "[root]" */
	b->norder = 1;
	for (i = 0; i < b->opps.n; i++) {
		uint32_t *fs = b->fsids.v + b->opps.v[i].fs;
		size_t j;

		for (j = 0; j < b->opps.v[i].nfs; j++) {
			if (idx[fs[j]] == 0) {
				idx[fs[j]] = (uint32_t)b->norder;
				b->order[b->norder++] = fs[j];
			}
			fs[j] = idx[fs[j]];
		}
	}
	dhat__own_free(idx);
	return 0;
}

static void
build_free(struct build *b)
{
	size_t i;

	for (i = 0; i < b->strs.n; i++)
		dhat__own_free(b->strs.v[i].s);
	dhat__own_free(b->strs.v);
	dhat__index_free(&b->str_index);
	dhat__own_free(b->ips.v);
	dhat__index_free(&b->ip_index);
	dhat__own_free(b->ipstrs.v);
	dhat__own_free(b->fsids.v);
	dhat__own_free(b->opps.v);
	dhat__index_free(&b->opp_index);
	dhat__own_free(b->cur.v);
	dhat__own_free(b->order);
	if (b->sym != NULL) {
		DHAT__FAULT_PAUSE();
		dhat__symbolizer_free(b->sym);
		DHAT__FAULT_RESUME();
	}
}

/* ---- JSON output ------------------------------------------------------- */

struct sink {
	int fd;
	int err;              /* first errno, 0 if none */
	size_t len;
	char buf[65536];
};

static void
flush(struct sink *k)
{
	if (k->err == 0 && k->len > 0 &&
	    dhat__write_all(k->fd, k->buf, k->len) < 0)
		k->err = errno ? errno : EIO;
	k->len = 0;
}

static void
put(struct sink *k, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof k->buf - k->len, c = n < room ? n : room;

		memcpy(k->buf + k->len, s, c);
		k->len += c;
		s += c;
		n -= c;
		if (k->len == sizeof k->buf)
			flush(k);
	}
}

static void
puts_(struct sink *k, const char *s)
{
	put(k, s, strlen(s));
}

static void
putu(struct sink *k, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof tmp;

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(k, tmp + n, sizeof tmp - n);
}

/* "key":value */
static void
putkv(struct sink *k, const char *key, uint64_t v)
{
	put(k, "\"", 1);
	puts_(k, key);
	put(k, "\":", 2);
	putu(k, v);
}

/* S as a JSON string that is valid UTF-8 whatever S holds: the command
 * line, paths and symbol names are bytes, not text.  A byte that starts
 * no well-formed UTF-8 sequence becomes U+FFFD; the controls (C0, DEL and
 * C1) are escaped as \u00XX, so that the file shown on a terminal sends
 * no control sequence to it (dhat-json(5)). */
static void
putjs(struct sink *k, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	put(k, "\"", 1);
	while (i < n) {
		uint32_t cp = 0;
		size_t len = dhat__utf8_decode(u + i, n - i, &cp);
		char esc[6];

		if (len > 0 && cp >= 0x20 && cp != '"' && cp != '\\' &&
		    !(cp >= 0x7f && cp < 0xa0)) {
			i += len;
			continue;
		}
		put(k, s + run, i - run);
		if (len == 0) {
			put(k, "\xef\xbf\xbd", 3);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			put(k, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[cp >> 4];
			esc[5] = hex[cp & 15];
			put(k, esc, 6);
		}
		i += len;
		run = i;
	}
	put(k, s + run, n - run);
	put(k, "\"", 1);
}

/* Command line from /proc/self/cmdline, arguments joined by spaces. */
static char *
read_cmdline(size_t *lenp)
{
	size_t len = 0, cap = 4096, i;
	char *buf = dhat__malloc(cap), *p;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (buf == NULL || fd < 0) {
		if (fd >= 0)
			close(fd);
		dhat__own_free(buf);
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			p = dhat__realloc(buf, cap * 2);
			if (p == NULL)
				break;
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	for (i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	*lenp = len;
	return buf;
}

/* Why the profile is incomplete, into BUF; false when it is complete. */
static bool
incomplete(const struct dhat__config *cfg, const struct dhat__closed *c,
    char *buf, size_t n)
{
	const char *what = cfg->mode == DHAT__MODE_HEAP ? "allocation" :
	    "event";
	uint64_t allocs = c->lost_allocs, stacks = c->lost_stacks;

	if (allocs == 0 && stacks == 0)
		return false;
	snprintf(buf, n, "libdhat ran out of memory: %llu %s%s not "
	    "recorded, %llu stack%s not captured",
	    (unsigned long long)allocs, what, allocs == 1 ? "" : "s",
	    (unsigned long long)stacks, stacks == 1 ? "" : "s");
	return true;
}

static uint64_t
to_units(const struct dhat__config *cfg, const struct dhat__closed *c,
    uint64_t t)
{
	return cfg->time_unit == DHAT_TIME_BYTES ? t :
	    dhat__closed_ns(c, t) / 1000;
}

/* How the profile came to be written ("end"), or that the process was
 * still running ("partial"): not fields of the format; the viewer
 * ignores them (dhat-json(5)). */
static void
put_end(struct sink *k, const struct dhat__ending *e)
{
	static const char *const by[] = {
		[DHAT__END_DROP] = "drop", [DHAT__END_ASSERT] = "assert",
		[DHAT__END_EXIT] = "exit", [DHAT__END_UNDERSCORE_EXIT] = "_exit",
		[DHAT__END_QUICK_EXIT] = "quick_exit",
		[DHAT__END_SIGNAL] = "signal",
	};
	char name[16];

	if (e->by == DHAT__END_RUNNING) {
		/* Taken while the process went on: no end yet. */
		puts_(k, "\n,\"partial\":true");
		return;
	}
	puts_(k, "\n,\"end\":{\"by\":\"");
	puts_(k, by[e->by]);
	puts_(k, "\"");
	switch (e->by) {
	case DHAT__END_EXIT:
	case DHAT__END_UNDERSCORE_EXIT:
	case DHAT__END_QUICK_EXIT:
		put(k, ",", 1);
		putkv(k, "status", (uint64_t)e->code);
		break;
	case DHAT__END_SIGNAL:
		put(k, ",", 1);
		putkv(k, "signal", (uint64_t)e->code);
		puts_(k, ",\"signalName\":\"");
		puts_(k, dhat__signal_name(e->code, name));
		puts_(k, "\"");
		break;
	default:
		break;
	}
	puts_(k, "}");
}

static void
emit(struct sink *k, const struct build *b, const struct dhat__config *cfg)
{
	const struct dhat__closed *c = b->c;
	bool heap = cfg->mode == DHAT__MODE_HEAP;
	bool bytes = cfg->time_unit == DHAT_TIME_BYTES;
	const char *cmd;
	size_t i, j, cmdlen = 0;
	char *cmdbuf, why[160];

	puts_(k, "{\"dhatFileVersion\":2\n");
	if (heap)
		puts_(k, ",\"mode\":\"heap\",\"verb\":\"Allocated\"\n"
		    ",\"bklt\":true,\"bkacc\":false\n");
	else
		puts_(k, ",\"mode\":\"ad-hoc\",\"verb\":\"Occurred\"\n"
		    ",\"bklt\":false,\"bkacc\":false\n"
		    ",\"bu\":\"unit\",\"bsu\":\"units\",\"bksu\":\"events\"\n");
	if (bytes)
		puts_(k, ",\"tu\":\"B\",\"Mtu\":\"MB\"\n");
	else
		puts_(k, ",\"tu\":\"\xc2\xb5s\",\"Mtu\":\"s\"\n");
	if (heap) {
		/* Short-lived: 10 us, or less than 1 KiB allocated by
		 * anything else during the block's life. */
		put(k, ",", 1);
		putkv(k, "tuth", bytes ? 1024 : 10);
		put(k, "\n", 1);
	}
	cmdbuf = read_cmdline(&cmdlen);
	cmd = cmdbuf != NULL ? cmdbuf : "???";
	if (cmdbuf == NULL)
		cmdlen = 3;
	puts_(k, ",\"cmd\":");
	putjs(k, cmd, cmdlen);
	dhat__own_free(cmdbuf);
	puts_(k, "\n,");
	putkv(k, "pid", (uint64_t)getpid());
	puts_(k, "\n,");
	if (heap) {
		putkv(k, "tg", to_units(cfg, c, c->tgmax));
		puts_(k, "\n,");
	}
	putkv(k, "te", to_units(cfg, c, c->te));
	put_end(k, &cfg->ending);
	if (incomplete(cfg, c, why, sizeof why)) {
		/* Not a field of the format: the viewer ignores it,
		 * dhat-summarize warns (dhat-json(5)). */
		puts_(k, "\n,\"incomplete\":true,\"incompleteReason\":");
		putjs(k, why, strlen(why));
	}
	puts_(k, "\n,\"pps\":\n [");
	for (i = 0; i < b->opps.n; i++) {
		const struct opp *o = &b->opps.v[i];

		puts_(k, i == 0 ? "{" : "\n ,{");
		putkv(k, "tb", o->tb);
		put(k, ",", 1);
		putkv(k, "tbk", o->tbk);
		if (heap) {
			put(k, ",", 1);
			putkv(k, "tl", to_units(cfg, c, o->tl));
			put(k, ",", 1);
			putkv(k, "mb", o->mb);
			put(k, ",", 1);
			putkv(k, "mbk", o->mbk);
			put(k, ",", 1);
			putkv(k, "gb", o->gb);
			put(k, ",", 1);
			putkv(k, "gbk", o->gbk);
			put(k, ",", 1);
			putkv(k, "eb", o->eb);
			put(k, ",", 1);
			putkv(k, "ebk", o->ebk);
		}
		puts_(k, ",\"fs\":[");
		for (j = 0; j < o->nfs; j++) {
			if (j > 0)
				put(k, ",", 1);
			putu(k, b->fsids.v[o->fs + j]);
		}
		puts_(k, "]}");
	}
	puts_(k, "\n ]\n,\"ftbl\":\n [");
	for (i = 0; i < b->norder; i++) {
		const struct str *e = &b->strs.v[b->order[i]];

		if (i > 0)
			puts_(k, "\n ,");
		putjs(k, e->s, e->len);
	}
	puts_(k, "\n ]\n}\n");
}

/* ---- files ------------------------------------------------------------- */

/* The program's base name, for "%n": the executable file's, read from
 * /proc/self/exe, which the program cannot change (its argv[0] it can,
 * and a login shell's is "-sh"); argv[0]'s when /proc cannot be read. */
static void
program_name(char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	const char *base = program_invocation_short_name;

	if (n > 0) {
		path[n] = '\0';
		/* An executable removed since it started reads as
		 * "PATH (deleted)". */
		if (n > 10 && strcmp(path + n - 10, " (deleted)") == 0)
			path[n - 10] = '\0';
		base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
		    path;
	}
	n = (ssize_t)strnlen(base, size - 1);
	memcpy(buf, base, (size_t)n);
	buf[n] = '\0';
}

/* NAME with its escapes expanded into OUT (when not NULL); returns the
 * length.  An unknown escape is kept as it is (dhat_builder_file_name
 * has warned about it). */
static size_t
expand_into(char *out, const char *name, const char *pid, const char *prog)
{
	size_t n = 0;

	for (const char *s = name; *s != '\0'; s++) {
		char e = *s == '%' ? dhat__name_escape(s) : 0;
		const char *with = e == 'p' ? pid : e == 'n' ? prog :
		    e == '%' ? "%" : NULL;
		size_t k = with != NULL ? strlen(with) : 1;

		if (out != NULL)
			memcpy(out + n, with != NULL ? with : s, k);
		n += k;
		if (with != NULL)
			s++;
	}
	if (out != NULL)
		out[n] = '\0';
	return n;
}

/* NAME with "%p" replaced by PROCESS, "%n" by the program's name and
 * "%%" by "%". */
static char *
expand_name(const char *name, pid_t process)
{
	char pid[24], prog[NAME_MAX + 1];
	char *out;

	snprintf(pid, sizeof pid, "%ld", (long)process);
	program_name(prog, sizeof prog);
	out = dhat__malloc(expand_into(NULL, name, pid, prog) + 1);
	if (out != NULL)
		expand_into(out, name, pid, prog);
	return out;
}

/* FILE is a profile written since START, by a process of the same run
 * then, whose pid this process may have been given again. */
static bool
written_since(const char *file, uint64_t start)
{
	static const char head[] = "{\"dhatFileVersion\"";
	char buf[sizeof head - 1];
	struct stat st;
	bool is;
	int fd;

	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	    (uint64_t)st.st_mtim.tv_nsec < start)
		return false;
	fd = open(file, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	is = read(fd, buf, sizeof buf) == (ssize_t)sizeof buf &&
	    memcmp(buf, head, sizeof buf) == 0;
	close(fd);
	return is;
}

/* The name this process chose for its profile last time, and what it
 * was asked for: a profile rewritten every interval, then written at the
 * end, keeps the name its first write chose.  Under the lock. */
static struct {
	pid_t pid;
	char *asked, *chosen;
} choice;

/* *FILE was asked for before by this process: replace it by the name
 * chosen then. */
static bool
chosen_before(char **file)
{
	char *copy = NULL;

	dhat__lock();
	if (choice.pid == getpid() && choice.asked != NULL &&
	    strcmp(choice.asked, *file) == 0 &&
	    (copy = dhat__malloc(strlen(choice.chosen) + 1)) != NULL)
		strcpy(copy, choice.chosen);
	dhat__unlock();
	if (copy == NULL)
		return false;
	dhat__own_free(*file);
	*file = copy;
	return true;
}

/* Remember that ASKED became CHOSEN (best effort); returns CHOSEN. */
static char *
remember_choice(const char *asked, char *chosen)
{
	char *a, *c;

	if (chosen == NULL)
		return NULL;
	a = dhat__malloc(strlen(asked) + 1);
	c = dhat__malloc(strlen(chosen) + 1);
	if (a == NULL || c == NULL) {
		dhat__own_free(a);
		dhat__own_free(c);
		return chosen;
	}
	strcpy(a, asked);
	strcpy(c, chosen);
	dhat__lock();
	dhat__own_free(choice.asked);
	dhat__own_free(choice.chosen);
	choice.pid = getpid();
	choice.asked = a;
	choice.chosen = c;
	dhat__unlock();
	return chosen;
}

/*
 * The name this process writes its profile to: FILE, unless a process of
 * the same run (CFG->run_start) has written a profile there, when the
 * first of FILE with ".2", ".3", ... inserted that none has; said on
 * stderr.  A profile of an earlier run is overwritten.  Takes FILE;
 * NULL when out of memory.
 */
static char *
own_name(char *file, const struct dhat__config *cfg)
{
	char insert[16], line[4096];
	char *alt = NULL;

	if (chosen_before(&file))
		return file;
	if (cfg->run_start == 0 || !written_since(file, cfg->run_start))
		return remember_choice(file, file);
	for (unsigned i = 2; i < 10000; i++) {
		dhat__own_free(alt);
		snprintf(insert, sizeof insert, ".%u", i);
		alt = dhat__name_insert(file, insert);
		if (alt == NULL || !written_since(alt, cfg->run_start))
			break;
	}
	if (alt != NULL) {
		snprintf(line, sizeof line, "dhat: %s holds the profile of "
		    "another process of this run: writing %s instead\n",
		    file, alt);
		dhat__eprint(line);
	}
	alt = remember_choice(file, alt);
	dhat__own_free(file);
	return alt;
}

static void
report_error(const char *file, int err)
{
	char line[4096];

	snprintf(line, sizeof line, "dhat: error: Writing to %s failed: %s\n",
	    file, err == ETIMEDOUT ? "nothing read it for "
	    DHAT__STRINGIFY(DHAT__OUTPUT_WAIT_S) " seconds" : strerror(err));
	dhat__eprint(line);
}

/* Is FILE a link to an open descriptor (/dev/stdout, /dev/fd/N,
 * /proc/self/fd/N)?  Those are written through, like the descriptor. */
static bool
fd_link(const char *file)
{
	char to[16];
	ssize_t n;

	if (strncmp(file, "/dev/", 5) == 0 || strncmp(file, "/proc/", 6) == 0)
		return true;
	n = readlink(file, to, sizeof to);
	return n >= 6 && strncmp(to, "/proc/", 6) == 0;
}

/*
 * Open FILE, which is no regular file, to write through it.  Without
 * blocking: a FIFO that nobody reads would hold the program's exit for
 * ever.  A named FIFO gets DHAT__OUTPUT_WAIT_S seconds for a reader to
 * open it; a pipe reached through a descriptor (/dev/stdout) whose
 * reader is gone will have none, and fails at once like a write would.
 */
static int
open_through(const char *file)
{
	const struct timespec pause = { 0, 50 * 1000 * 1000 };
	struct stat st;
	bool named = lstat(file, &st) == 0 && S_ISFIFO(st.st_mode);
	int fd;

	for (int waited = 0;; waited += 50) {
		fd = open(file, O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 || errno != ENXIO)
			return fd;
		if (!named) {
			if (stat(file, &st) == 0 && S_ISFIFO(st.st_mode))
				errno = EPIPE;
			return -1;
		}
		if (waited >= DHAT__OUTPUT_WAIT_S * 1000) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

/* A umask that takes away the owner's right to read gives a profile
 * nobody but root can read: worth a word. */
static void
warn_unreadable(const char *file, const struct stat *st)
{
	char line[4096];

	if ((st->st_mode & S_IRUSR) != 0)
		return;
	snprintf(line, sizeof line, "dhat: warning: %s cannot be read by its "
	    "owner (mode %04o, from the umask)\n", file,
	    (unsigned)(st->st_mode & 07777));
	dhat__eprint(line);
}

/* Write the JSON to FILE; 0 or an errno value. */
static int
save(const char *file, const struct build *b, const struct dhat__config *cfg,
    struct sink *k)
{
	static unsigned counter;
	struct stat st;
	char *tmp, *real = NULL;
	size_t n;
	int err;

	if (lstat(file, &st) == 0 && S_ISLNK(st.st_mode) &&
	    stat(file, &st) == 0 && S_ISREG(st.st_mode) && !fd_link(file)) {
		/* A link to a regular file: replace the file it names, not
		 * the link (writing through it would append to an old
		 * profile; renaming over it would break the link). */
		real = realpath(file, NULL);
		if (real == NULL)
			return errno;
		file = real;
	}
	if (real == NULL && lstat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/stdout, a FIFO, /dev/null: write through, never
		 * rename over it; append so a redirected stdout keeps what
		 * the program printed. */
		k->fd = open_through(file);
		if (k->fd < 0)
			return errno;
		k->err = 0;
		k->len = 0;
		emit(k, b, cfg);
		flush(k);
		if (close(k->fd) < 0 && k->err == 0)
			k->err = errno;
		return k->err;
	}
	n = strlen(file) + 48;
	tmp = dhat__malloc(n);
	if (tmp == NULL) {
		free(real);
		return ENOMEM;
	}
	for (;;) {
		snprintf(tmp, n, "%s.tmp.%ld.%u", file, (long)getpid(),
		    counter++);
		k->fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0666);
		if (k->fd >= 0 || errno != EEXIST)
			break;
	}
	if (k->fd < 0) {
		err = errno;
		dhat__own_free(tmp);
		free(real);
		return err;
	}
	if (fstat(k->fd, &st) != 0)
		st.st_mode = S_IRUSR;
	k->err = 0;
	k->len = 0;
	emit(k, b, cfg);
	flush(k);
	/* On the disk before it replaces the old file: a crash right after
	 * the rename must not leave an empty profile behind. */
	if (k->err == 0 && fsync(k->fd) < 0 && errno != EINVAL)
		k->err = errno;
	if (close(k->fd) < 0 && k->err == 0)
		k->err = errno;
	if (k->err == 0 && rename(tmp, file) < 0)
		k->err = errno;
	err = k->err;
	if (err != 0)
		unlink(tmp);
	else
		warn_unreadable(file, &st);
	dhat__own_free(tmp);
	free(real);
	return err;
}

/* The target of an interval's rewrite is a regular file, or none yet:
 * never a pipe, a terminal or a device, which would get one profile
 * after another. */
static bool
rewritable(const char *file)
{
	struct stat st;

	return stat(file, &st) != 0 || S_ISREG(st.st_mode);
}

static void
warn_incomplete(const struct dhat__config *cfg, const struct dhat__closed *c)
{
	char line[256], why[160];

	if (incomplete(cfg, c, why, sizeof why)) {
		snprintf(line, sizeof line, "dhat: warning: the profile is "
		    "incomplete: %s\n", why);
		dhat__eprint(line);
	}
}

static void
summary(const struct dhat__config *cfg, const struct dhat__closed *c)
{
	struct dhat_heap_stats s = c->stats;
	char line[256], a[32], b[32];

	if (cfg->mode == DHAT__MODE_AD_HOC) {
		/* Ad hoc events are kept in the same totals: units as
		 * bytes, events as blocks. */
		snprintf(line, sizeof line,
		    "dhat: Total:     %s units in %s events\n",
		    dhat__commas(a, s.total_bytes),
		    dhat__commas(b, s.total_blocks));
		dhat__eprint(line);
		warn_incomplete(cfg, c);
		return;
	}

	snprintf(line, sizeof line,
	    "dhat: Total:     %s bytes in %s blocks\n",
	    dhat__commas(a, s.total_bytes), dhat__commas(b, s.total_blocks));
	dhat__eprint(line);
	snprintf(line, sizeof line,
	    "dhat: At t-gmax: %s bytes in %s blocks\n",
	    dhat__commas(a, s.max_bytes), dhat__commas(b, s.max_blocks));
	dhat__eprint(line);
	snprintf(line, sizeof line,
	    "dhat: At t-end:  %s bytes in %s blocks\n",
	    dhat__commas(a, s.curr_bytes), dhat__commas(b, s.curr_blocks));
	dhat__eprint(line);
	warn_incomplete(cfg, c);
}

/* ---- signals and failures -------------------------------------------- */

/* The signals that writing may raise and that must not end the program:
 * SIGPIPE (the reader of a pipe went away) and SIGXFSZ (the file grew
 * past RLIMIT_FSIZE).  Either turns into a failed write instead. */
static const int write_signals[] = { SIGPIPE, SIGXFSZ };
#define NWRITE_SIGNALS (sizeof write_signals / sizeof write_signals[0])

struct sig_guard {
	sigset_t old;                   /* the thread's mask before */
	bool pending[NWRITE_SIGNALS];   /* already pending before */
};

/* Block the write signals in this thread, noting which were pending. */
static void
guard_signals(struct sig_guard *g)
{
	sigset_t set, pend;

	sigemptyset(&set);
	for (size_t i = 0; i < NWRITE_SIGNALS; i++)
		sigaddset(&set, write_signals[i]);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
	if (sigpending(&pend) != 0)
		sigfillset(&pend);      /* unknown: take none away */
	for (size_t i = 0; i < NWRITE_SIGNALS; i++)
		g->pending[i] = sigismember(&pend, write_signals[i]) == 1;
}

/* Take away the write signals that our writing raised (those pending now
 * that were not before), then restore the thread's mask: the program
 * sees its own signal state, as if libdhat had written nothing. */
static void
unguard_signals(struct sig_guard *g)
{
	const struct timespec now = { 0, 0 };
	sigset_t pend, one;

	if (sigpending(&pend) != 0)
		sigemptyset(&pend);
	for (size_t i = 0; i < NWRITE_SIGNALS; i++) {
		if (g->pending[i] || sigismember(&pend, write_signals[i]) != 1)
			continue;
		sigemptyset(&one);
		sigaddset(&one, write_signals[i]);
		while (sigtimedwait(&one, NULL, &now) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* A profile could not be written: one line "PID" in dhat-run's status
 * file, which dhat-run --error-exitcode reads when the program ends.  The
 * file must exist (dhat-run made it): one that has gone is left gone. */
static void
record_failure(const struct dhat__config *cfg)
{
	char line[32];
	int fd, n;

	if (cfg->status_file == NULL)
		return;
	fd = open(cfg->status_file, O_WRONLY | O_APPEND | O_NOFOLLOW |
	    O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
	(void)dhat__write_all(fd, line, (size_t)n);
	close(fd);
}

static bool write_profile(const struct dhat__config *cfg,
    const struct dhat__closed *c, pid_t owner_pid);

void
dhat__write_profile(const struct dhat__config *cfg,
    const struct dhat__closed *c, pid_t owner_pid)
{
	struct sig_guard g;
	int saved = errno;

	guard_signals(&g);
	if (!write_profile(cfg, c, owner_pid))
		record_failure(cfg);
	unguard_signals(&g);
	errno = saved;
}

/* Write the profile and the summary; false when no profile was saved. */
static bool
write_profile(const struct dhat__config *cfg, const struct dhat__closed *c,
    pid_t owner_pid)
{
	const char *name = cfg->file_name;
	struct dhat__gone_module *gone;
	struct build b;
	struct sink *k;
	size_t ngone;
	char *file;
	char line[4096];
	int err = 0;

	if (name == NULL)
		name = cfg->mode == DHAT__MODE_HEAP ? "dhat-heap.json" :
		    "dhat-ad-hoc.json";
	if (!cfg->quiet)
		summary(cfg, c);
	file = expand_name(name, getpid());
	if (file == NULL) {
		report_error(name, ENOMEM);
		return false;
	}
	if (cfg->rewrite && !rewritable(file)) {
		/* Not a failure: rewrites go to regular files only. */
		dhat__own_free(file);
		return true;
	}
	if (getpid() != owner_pid && !dhat__name_has_pid(name)) {
		/* A forked child must not overwrite its parent's profile. */
		snprintf(line, sizeof line, "dhat: not saving the profile of "
		    "forked process %ld: %s belongs to process %ld "
		    "(use %%p in the file name)\n", (long)getpid(), file,
		    (long)owner_pid);
		dhat__eprint(line);
		dhat__own_free(file);
		return false;
	}
	file = own_name(file, cfg);
	if (file == NULL) {
		report_error(name, ENOMEM);
		return false;
	}
	memset(&b, 0, sizeof b);
	b.c = c;
	k = dhat__malloc(sizeof *k);
	gone = NULL;
	ngone = dhat__gone_modules(&gone);
	DHAT__FAULT_PAUSE();
	b.sym = dhat__symbolizer_new_with(gone, ngone);
	DHAT__FAULT_RESUME();
	dhat__own_free(gone);
	if (k == NULL || build_pps(&b) < 0 || number_frames(&b) < 0)
		err = ENOMEM;
	else
		err = save(file, &b, cfg, k);
	if (err != 0) {
		report_error(file, err);
	} else if (!cfg->quiet || cfg->eprint_json) {
		snprintf(line, sizeof line, "dhat: The data has been saved to "
		    "%s, and is viewable with dh_view.html or "
		    "dhat-summarize\n", file);
		dhat__eprint(line);
		if (cfg->eprint_json && dhat__stderr_ok()) {
			dhat__eprint("dhat: json = `");
			k->fd = STDERR_FILENO;
			k->err = 0;
			k->len = 0;
			emit(k, &b, cfg);
			/* The closing quote right after the final brace. */
			if (k->len > 0 && k->buf[k->len - 1] == '\n')
				k->len--;
			flush(k);
			dhat__eprint("`\n");
		}
	}
	build_free(&b);
	dhat__own_free(k);
	dhat__own_free(file);
	return err == 0;
}
