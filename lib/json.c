/* SPDX-License-Identifier: MIT */
/*
 * json.c - the DHAT JSON text of a collected profile (dhat-json(5)),
 * streamed through a buffer with write(2).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "compress.h"
#include "eprint.h"
#include "heap.h"
#include "memory.h"
#include "profiler.h"
#include "json.h"
#include "timeline.h"
#include "settings.h"
#include "utf8.h"
#include "ending.h"

struct sink {
	int fd;
	struct dhat__compressor *z;	/* NULL: the text as it is */
	int err;              /* first errno, 0 if none */
	size_t len;
	char buf[65536];
};

static void
sink_flush(struct sink *k)
{
	if (k->err == 0 && k->len > 0 && k->z != NULL)
		k->err = dhat__compress_write(k->z, k->buf, k->len);
	else if (k->err == 0 && k->len > 0 &&
	    dhat__write_all(k->fd, k->buf, k->len) < 0)
		k->err = errno ? errno : EIO;
	k->len = 0;
}

static void
sink_put(struct sink *k, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = sizeof k->buf - k->len, c = n < room ? n : room;

		memcpy(k->buf + k->len, s, c);
		k->len += c;
		s += c;
		n -= c;
		if (k->len == sizeof k->buf)
			sink_flush(k);
	}
}

static void
sink_puts(struct sink *k, const char *s)
{
	sink_put(k, s, strlen(s));
}

static void
sink_putu(struct sink *k, uint64_t v)
{
	char tmp[24];
	size_t n = sizeof tmp;

	do {
		tmp[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	sink_put(k, tmp + n, sizeof tmp - n);
}

/* "key":value */
static void
sink_putkv(struct sink *k, const char *key, uint64_t v)
{
	sink_put(k, "\"", 1);
	sink_puts(k, key);
	sink_put(k, "\":", 2);
	sink_putu(k, v);
}

/* S as a JSON string that is valid UTF-8 whatever S holds: the command
 * line, paths and symbol names are bytes, not text.  A byte that starts
 * no well-formed UTF-8 sequence becomes U+FFFD; the controls (C0, DEL and
 * C1) are escaped as \u00XX, so that the file shown on a terminal sends
 * no control sequence to it (dhat-json(5)). */
static void
sink_putjs(struct sink *k, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0;

	sink_put(k, "\"", 1);
	while (i < n) {
		uint32_t cp = 0;
		size_t len = dhat__utf8_decode(u + i, n - i, &cp);
		char esc[6];

		if (len > 0 && cp >= 0x20 && cp != '"' && cp != '\\' &&
		    !(cp >= 0x7f && cp < 0xa0)) {
			i += len;
			continue;
		}
		sink_put(k, s + run, i - run);
		if (len == 0) {
			sink_put(k, "\xef\xbf\xbd", 3);
			len = 1;
		} else if (cp == '"' || cp == '\\') {
			esc[0] = '\\';
			esc[1] = (char)cp;
			sink_put(k, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[cp >> 4];
			esc[5] = hex[cp & 15];
			sink_put(k, esc, 6);
		}
		i += len;
		run = i;
	}
	sink_put(k, s + run, n - run);
	sink_put(k, "\"", 1);
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
bool
dhat__profile_incomplete(const struct dhat__config *cfg,
    const struct dhat__closed *c,
    char *buf, size_t n)
{
	static const char *const what[][2] = {
		[DHAT__MODE_HEAP] = { "allocation", "allocations" },
		[DHAT__MODE_AD_HOC] = { "event", "events" },
		[DHAT__MODE_COPY] = { "copy", "copies" },
	};
	uint64_t allocs = c->lost_allocs, stacks = c->lost_stacks;
	uint64_t blocks = c->access != NULL ? c->lost_access : 0;
	int k;

	if (allocs == 0 && stacks == 0 && blocks == 0)
		return false;
	k = snprintf(buf, n, "libdhat ran out of memory: %llu %s not "
	    "recorded, %llu stack%s not captured",
	    (unsigned long long)allocs, what[cfg->mode][allocs != 1],
	    (unsigned long long)stacks, stacks == 1 ? "" : "s");
	if (blocks != 0 && k > 0 && (size_t)k < n)
		snprintf(buf + k, n - (size_t)k, ", the accesses of %llu "
		    "block%s not counted", (unsigned long long)blocks,
		    blocks == 1 ? "" : "s");
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
		sink_puts(k, "\n,\"partial\":true");
		return;
	}
	sink_puts(k, "\n,\"end\":{\"by\":\"");
	sink_puts(k, by[e->by]);
	sink_puts(k, "\"");
	switch (e->by) {
	case DHAT__END_EXIT:
	case DHAT__END_UNDERSCORE_EXIT:
	case DHAT__END_QUICK_EXIT:
		sink_put(k, ",", 1);
		sink_putkv(k, "status", (uint64_t)e->code);
		break;
	case DHAT__END_SIGNAL:
		sink_put(k, ",", 1);
		sink_putkv(k, "signal", (uint64_t)e->code);
		sink_puts(k, ",\"signalName\":\"");
		sink_puts(k, dhat__signal_name(e->code, name));
		sink_puts(k, "\"");
		break;
	default:
		break;
	}
	sink_puts(k, "}");
}

/* One point; *LAST, the time of the one before, keeps times from going
 * back: threads' operations are counted in an order the program could
 * have seen, but each read its own clock. */
static void
put_point(struct sink *k, const struct dhat__config *cfg,
    const struct dhat__closed *c, uint64_t t, uint64_t bytes,
    uint64_t blocks, uint64_t *last)
{
	uint64_t u = to_units(cfg, c, t);

	if (u < *last)
		u = *last;
	sink_puts(k, *last == UINT64_MAX ? "[" : ",[");
	if (*last == UINT64_MAX)
		u = 0;
	*last = u;
	sink_putu(k, u);
	sink_put(k, ",", 1);
	sink_putu(k, bytes);
	sink_put(k, ",", 1);
	sink_putu(k, blocks);
	sink_put(k, "]", 1);
}

/* Memory over time (timeline.h): the slices' points in order, the global
 * peak exactly in place of its slice's point, then the end.  Not a field
 * of the viewer's; it ignores it (dhat-json(5)). */
static void
put_timeline(struct sink *k, const struct dhat__config *cfg,
    const struct dhat__closed *c)
{
	const struct dhat_heap_stats *s = &c->stats;
	bool peaked = s->max_bytes == 0;
	uint64_t last = UINT64_MAX;

	sink_puts(k, "\n,\"timeline\":[");
	put_point(k, cfg, c, 0, 0, 0, &last);
	for (size_t i = 0; i < c->ntimeline; i++) {
		const struct dhat__tpoint *p = &c->timeline[i];

		if (!peaked && p->t >= c->tgmax) {
			put_point(k, cfg, c, c->tgmax, s->max_bytes,
			    s->max_blocks, &last);
			peaked = true;
			if (p->t == c->tgmax)
				continue;
		}
		put_point(k, cfg, c, p->t, p->bytes, p->blocks, &last);
	}
	if (!peaked)
		put_point(k, cfg, c, c->tgmax, s->max_bytes, s->max_blocks,
		    &last);
	put_point(k, cfg, c, c->te, s->curr_bytes, s->curr_blocks, &last);
	sink_put(k, "]", 1);
}

/* A program point's reads and writes, and its per-byte counts when all
 * its blocks had one size: runs of a repeated count as -N, COUNT, as
 * Valgrind writes them. */
static void
put_access(struct sink *k, const struct dhat__pp_access *a)
{
	size_t i, j;

	sink_put(k, ",", 1);
	sink_putkv(k, "rb", a->rb);
	sink_put(k, ",", 1);
	sink_putkv(k, "wb", a->wb);
	if (a->acc == NULL || a->xsize == 0 || a->xsize == SIZE_MAX)
		return;
	sink_puts(k, ",\"acc\":[");
	for (i = 0; i < a->xsize; i = j) {
		for (j = i + 1; j < a->xsize && a->acc[j] == a->acc[i]; j++)
			;
		if (i > 0)
			sink_put(k, ",", 1);
		if (j - i > 1) {
			sink_put(k, "-", 1);
			sink_putu(k, j - i);
			sink_put(k, ",", 1);
		}
		sink_putu(k, a->acc[i]);
	}
	sink_put(k, "]", 1);
}

static void
emit(struct sink *k, const struct dhat__collection *b,
    const struct dhat__config *cfg)
{
	const struct dhat__closed *c = b->c;
	bool heap = cfg->mode == DHAT__MODE_HEAP;
	bool bytes = cfg->time_unit == DHAT_TIME_BYTES;
	const char *cmd;
	size_t i, j, cmdlen = 0;
	char *cmdbuf, why[160];

	sink_puts(k, "{\"dhatFileVersion\":2\n");
	if (heap)
		sink_puts(k, c->access != NULL ?
		    ",\"mode\":\"heap\",\"verb\":\"Allocated\"\n"
		    ",\"bklt\":true,\"bkacc\":true\n" :
		    ",\"mode\":\"heap\",\"verb\":\"Allocated\"\n"
		    ",\"bklt\":true,\"bkacc\":false\n");
	else if (cfg->mode == DHAT__MODE_COPY)
		/* As Valgrind's copy mode: bytes and blocks keep their
		 * names, a block being one copy. */
		sink_puts(k, ",\"mode\":\"copy\",\"verb\":\"Copied\"\n"
		    ",\"bklt\":false,\"bkacc\":false\n");
	else
		sink_puts(k, ",\"mode\":\"ad-hoc\",\"verb\":\"Occurred\"\n"
		    ",\"bklt\":false,\"bkacc\":false\n"
		    ",\"bu\":\"unit\",\"bsu\":\"units\",\"bksu\":\"events\"\n");
	if (bytes)
		sink_puts(k, ",\"tu\":\"B\",\"Mtu\":\"MB\"\n");
	else
		sink_puts(k, ",\"tu\":\"\xc2\xb5s\",\"Mtu\":\"s\"\n");
	if (heap) {
		/* Short-lived: 10 us, or less than 1 KiB allocated by
		 * anything else during the block's life. */
		sink_put(k, ",", 1);
		sink_putkv(k, "tuth", bytes ? 1024 : 10);
		sink_put(k, "\n", 1);
	}
	cmdbuf = read_cmdline(&cmdlen);
	cmd = cmdbuf != NULL ? cmdbuf : "???";
	if (cmdbuf == NULL)
		cmdlen = 3;
	sink_puts(k, ",\"cmd\":");
	sink_putjs(k, cmd, cmdlen);
	dhat__own_free(cmdbuf);
	sink_puts(k, "\n,");
	sink_putkv(k, "pid", (uint64_t)getpid());
	sink_puts(k, "\n,");
	if (heap) {
		sink_putkv(k, "tg", to_units(cfg, c, c->tgmax));
		sink_puts(k, "\n,");
	}
	sink_putkv(k, "te", to_units(cfg, c, c->te));
	put_end(k, &cfg->ending);
	if (heap && c->timeline != NULL)
		put_timeline(k, cfg, c);
	if (dhat__profile_incomplete(cfg, c, why, sizeof why)) {
		/* Not a field of the format: the viewer ignores it,
		 * dhat-summarize warns (dhat-json(5)). */
		sink_puts(k, "\n,\"incomplete\":true,\"incompleteReason\":");
		sink_putjs(k, why, strlen(why));
	}
	sink_puts(k, "\n,\"pps\":\n [");
	for (i = 0; i < b->opps.n; i++) {
		const struct opp *o = &b->opps.v[i];

		sink_puts(k, i == 0 ? "{" : "\n ,{");
		sink_putkv(k, "tb", o->tb);
		sink_put(k, ",", 1);
		sink_putkv(k, "tbk", o->tbk);
		if (heap) {
			sink_put(k, ",", 1);
			sink_putkv(k, "tl", to_units(cfg, c, o->tl));
			sink_put(k, ",", 1);
			sink_putkv(k, "mb", o->mb);
			sink_put(k, ",", 1);
			sink_putkv(k, "mbk", o->mbk);
			sink_put(k, ",", 1);
			sink_putkv(k, "gb", o->gb);
			sink_put(k, ",", 1);
			sink_putkv(k, "gbk", o->gbk);
			sink_put(k, ",", 1);
			sink_putkv(k, "eb", o->eb);
			sink_put(k, ",", 1);
			sink_putkv(k, "ebk", o->ebk);
		}
		if (heap && c->access != NULL)
			put_access(k, &o->acc);
		sink_puts(k, ",\"fs\":[");
		for (j = 0; j < o->nfs; j++) {
			if (j > 0)
				sink_put(k, ",", 1);
			sink_putu(k, b->fsids.v[o->fs + j]);
		}
		sink_puts(k, "]}");
	}
	sink_puts(k, "\n ]\n,\"ftbl\":\n [");
	for (i = 0; i < b->norder; i++) {
		const struct str *e = &b->strs.v[b->order[i]];

		if (i > 0)
			sink_puts(k, "\n ,");
		sink_putjs(k, e->s, e->len);
	}
	sink_puts(k, "\n ]\n}\n");
}

int
dhat__json_write(int fd, const struct dhat__collection *b,
    const struct dhat__config *cfg, bool newline, int codec)
{
	struct sink *k = dhat__malloc(sizeof *k);
	int err;

	if (k == NULL)
		return ENOMEM;
	k->fd = fd;
	k->err = 0;
	k->len = 0;
	/* Out of memory for the compressor: the text as it is, which the
	 * tools read as well (they tell by the content, not the name). */
	k->z = codec != DHAT__PLAIN ? dhat__compress_open(
	    (enum dhat__codec)codec, fd) : NULL;
	if (codec != DHAT__PLAIN && k->z == NULL)
		dhat__eprint("dhat: no memory to compress the profile: "
		    "writing it uncompressed\n");
	emit(k, b, cfg);
	if (!newline && k->len > 0 && k->buf[k->len - 1] == '\n')
		k->len--;
	sink_flush(k);
	if (k->z != NULL) {
		int zerr = dhat__compress_close(k->z);

		if (k->err == 0)
			k->err = zerr;
	}
	err = k->err;
	dhat__own_free(k);
	return err;
}
