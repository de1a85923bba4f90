/* SPDX-License-Identifier: MIT */
/*
 * budget.c - the --fail-if budgets: "METRIC>LIMIT" on the growth of a
 * total from the old profile to the new one (dhat-diff), absolute (with
 * SI or IEC byte units) or relative to the old value, or on the value of
 * one profile (dhat-summarize).  Limits are kept as
 * exact fractions and compared with 128-bit products, so "1.5MB" means
 * 1,500,000 bytes and not a double near it.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "budget.h"
#include "common/format.h"

enum { NEED_NONE, NEED_BKLT, NEED_BKACC };

static const struct bmetric {
	const char *name;
	const char *alias[2];
	bool bytes;
	int need;
} bmetrics[DTOOL_BM_COUNT] = {
	{ "total-bytes", { "tb", "bytes" }, true, NEED_NONE },
	{ "total-blocks", { "tbk", "blocks" }, false, NEED_NONE },
	{ "tgmax-bytes", { "gb", "at-tgmax" }, true, NEED_BKLT },
	{ "tgmax-blocks", { "gbk", NULL }, false, NEED_BKLT },
	{ "tend-bytes", { "eb", "at-tend" }, true, NEED_BKLT },
	{ "tend-blocks", { "ebk", NULL }, false, NEED_BKLT },
	{ "reads", { "rb", "reads-bytes" }, true, NEED_BKACC },
	{ "writes", { "wb", "writes-bytes" }, true, NEED_BKACC },
};

static const struct unit {
	const char *name;	/* lower case */
	uint64_t mult;
} units[] = {
	{ "b", 1 },
	{ "kb", 1000 }, { "mb", 1000000 }, { "gb", 1000000000 },
	{ "tb", 1000000000000ULL },
	{ "kib", 1ULL << 10 }, { "mib", 1ULL << 20 }, { "gib", 1ULL << 30 },
	{ "tib", 1ULL << 40 },
};

/* Largest whole part and most decimals of a limit: NUM stays below
 * 10^18, so NUM * 10^2 and products with the multipliers never need
 * more than 128 bits. */
#define MAX_WHOLE	1000000000000ULL
#define MAX_DECIMALS	6

const char *
dtool_budget_metric_name(int bm)
{
	return bmetrics[bm].name;
}

bool
dtool_budget_is_bytes(int bm)
{
	return bmetrics[bm].bytes;
}

uint64_t
dtool_budget_value(int bm, const struct dtool_pp *pp)
{
	switch (bm) {
	case DTOOL_BM_TB: return pp->tb;
	case DTOOL_BM_TBK: return pp->tbk;
	case DTOOL_BM_GB: return pp->gb;
	case DTOOL_BM_GBK: return pp->gbk;
	case DTOOL_BM_EB: return pp->eb;
	case DTOOL_BM_EBK: return pp->ebk;
	case DTOOL_BM_RB: return pp->rb;
	default: return pp->wb;
	}
}

static int
metric_lookup(const char *s, size_t n)
{
	char name[32];

	if (n == 0 || n >= sizeof(name))
		return -1;
	/* "total_bytes" and "Total-Bytes" are accepted too. */
	for (size_t i = 0; i < n; i++)
		name[i] = s[i] == '_' ? '-' : (char)tolower((unsigned char)s[i]);
	name[n] = '\0';
	for (int m = 0; m < DTOOL_BM_COUNT; m++) {
		if (strcmp(name, bmetrics[m].name) == 0)
			return m;
		for (int a = 0; a < 2; a++)
			if (bmetrics[m].alias[a] != NULL &&
			    strcmp(name, bmetrics[m].alias[a]) == 0)
				return m;
	}
	return -1;
}

static const char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

int
dtool_budget_parse(const char *s, struct dtool_budget *b, char *err,
    size_t errlen)
{
	const char *op = strchr(s, '>'), *p, *end, *u;
	size_t n, ulen, decimals = 0;
	uint64_t whole = 0, frac = 0;

	memset(b, 0, sizeof(*b));
	b->text = s;
	if (op == NULL) {
		snprintf(err, errlen, "invalid --fail-if '%s': expected "
		    "METRIC>LIMIT or METRIC>=LIMIT", s);
		return -1;
	}
	/* The metric, without surrounding blanks. */
	p = skip_space(s);
	n = (size_t)(op - p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	b->metric = metric_lookup(p, n);
	if (b->metric < 0) {
		snprintf(err, errlen, "unknown budget metric '%.*s' in "
		    "--fail-if '%s' (see --help)", (int)n, p, s);
		return -1;
	}
	b->ge = op[1] == '=';
	p = skip_space(op + 1 + b->ge);
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (*p == '+')
		p++;
	if ((size_t)(end - p) + 2 > sizeof(b->limit))
		goto bad;
	snprintf(b->limit, sizeof(b->limit), "+%.*s", (int)(end - p), p);
	/* DIGITS[.DIGITS] */
	if (!isdigit((unsigned char)*p))
		goto bad;
	for (; isdigit((unsigned char)*p); p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > MAX_WHOLE)
			goto big;
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		for (; isdigit((unsigned char)*p); p++) {
			if (++decimals > MAX_DECIMALS)
				goto bad;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
	}
	b->den = 1;
	for (size_t i = 0; i < decimals; i++)
		b->den *= 10;
	b->num = whole * b->den + frac;
	b->mult = 1;
	u = skip_space(p);
	ulen = (size_t)(end - u);
	if (ulen == 1 && *u == '%') {
		b->relative = true;
		return 0;
	}
	if (ulen == 0)
		return 0;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].name) != ulen ||
		    strncasecmp(u, units[i].name, ulen) != 0)
			continue;
		if (!bmetrics[b->metric].bytes) {
			snprintf(err, errlen, "invalid limit in --fail-if "
			    "'%s': %s counts blocks, not bytes", s,
			    bmetrics[b->metric].name);
			return -1;
		}
		b->mult = units[i].mult;
		return 0;
	}
bad:
	snprintf(err, errlen, "invalid limit in --fail-if '%s' (a count "
	    "with an optional unit, such as 0, 64KiB or 1.5MB, or a "
	    "percentage such as 5%%)", s);
	return -1;
big:
	snprintf(err, errlen, "limit too large in --fail-if '%s'", s);
	return -1;
}

const char *
dtool_budget_refusal(const struct dtool_budget *b,
    const struct dtool_header *h)
{
	if (bmetrics[b->metric].need == NEED_BKLT && !h->bklt)
		return "needs block lifetimes (\"bklt\": true), which this "
		    "profile does not have";
	if (bmetrics[b->metric].need == NEED_BKACC && !h->bkacc)
		return "needs block accesses (\"bkacc\": true), which this "
		    "profile does not have";
	return NULL;
}

/* A * B as a 128-bit number (HI, LO), from 32-bit halves so that no
 * compiler extension is needed. */
static void
mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) +
	    (p10 & 0xffffffffu);

	*lo = (mid << 32) | (p00 & 0xffffffffu);
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* The sign of A * B - C * D. */
static int
cmp_products(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t h1, l1, h2, l2;

	mul128(a, b, &h1, &l1);
	mul128(c, d, &h2, &l2);
	if (h1 != h2)
		return h1 < h2 ? -1 : 1;
	return l1 < l2 ? -1 : l1 > l2;
}

bool
dtool_budget_eval(struct dtool_budget *b, const struct dtool_pp *oldp,
    const struct dtool_pp *newp)
{
	uint64_t old, new, growth;
	int c;

	old = b->old = dtool_budget_value(b->metric, oldp);
	new = b->new = dtool_budget_value(b->metric, newp);
	if (new < old) {
		b->breached = false;
	} else if (new == old) {
		/* No growth: only ">=0" (or ">=0%") is exceeded. */
		b->breached = b->ge && b->num == 0;
	} else if (b->relative && old == 0) {
		/* Growth from 0 is infinitely many percent. */
		b->breached = true;
	} else {
		growth = new - old;
		if (b->relative)	/* growth / old vs num / den / 100 */
			c = cmp_products(growth, 100 * b->den, b->num, old);
		else			/* growth vs num * mult / den */
			c = cmp_products(growth, b->den, b->num, b->mult);
		b->breached = b->ge ? c >= 0 : c > 0;
	}
	return b->breached;
}

bool
dtool_budget_eval_value(struct dtool_budget *b, const struct dtool_pp *tot)
{
	struct dtool_pp zero;

	/* The value is the growth from nothing. */
	memset(&zero, 0, sizeof(zero));
	return dtool_budget_eval(b, &zero, tot);
}

void
dtool_budget_describe_value(const struct dtool_budget *b,
    const struct dtool_units *u, char *buf, size_t len)
{
	char v[DTOOL_NUMBUF], h[DTOOL_NUMBUF], unit[64];
	bool bytes = bmetrics[b->metric].bytes;

	dtool_text(unit, sizeof(unit), bytes ? u->bytes : u->blocks);
	snprintf(buf, len, "%s is %s %s%s%s%s, limit %s%s",
	    bmetrics[b->metric].name, dtool_fmt_u64(v, b->new), unit,
	    bytes && b->new >= 1024 ? " (" : "",
	    bytes && b->new >= 1024 ? dtool_fmt_size(h, b->new, "bytes") : "",
	    bytes && b->new >= 1024 ? ")" : "", b->ge ? "under " : "",
	    b->limit + 1);
}

void
dtool_budget_describe(const struct dtool_budget *b,
    const struct dtool_units *u, bool figures, char *buf, size_t len)
{
	char o[DTOOL_NUMBUF], n[DTOOL_NUMBUF], g[DTOOL_NUMBUF];
	char pc[DTOOL_NUMBUF], unit[64];
	int w = 0;

	dtool_text(unit, sizeof(unit), bmetrics[b->metric].bytes ?
	    u->bytes : u->blocks);
	if (figures)
		w = snprintf(buf, len, "%s -> %s %s, ",
		    dtool_fmt_u64(o, b->old), dtool_fmt_u64(n, b->new), unit);
	else
		w = snprintf(buf, len, "%s ", bmetrics[b->metric].name);
	if (w < 0 || (size_t)w >= len)
		return;
	dtool_fmt_delta(g, b->old, b->new);
	snprintf(buf + w, len - (size_t)w, "%s by %s %s (%s), limit %s%s",
	    b->new < b->old ? "shrank" : "grew",
	    g[0] == '+' || g[0] == '-' ? g + 1 : g, unit,
	    dtool_fmt_change(pc, b->old, b->new), b->ge ? "under " : "",
	    b->limit);
}
