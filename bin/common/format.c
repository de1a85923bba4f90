/* SPDX-License-Identifier: MIT */
/*
 * format.c - the viewer's number formatting in C.
 *
 * The viewer formats doubles with Intl.NumberFormat (en-US, at most two
 * fraction digits), which rounds the shortest round-trip decimal form of
 * the double half up: 1.005 shows as "1.01" although the double is a
 * little below 1.005.  We find that decimal form with "%.*e" at 15, 16,
 * then 17 significant digits, and round its digits by hand.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "format.h"
#include "utf8.h"

double
dtool_div(double a, double b)
{
	return a == 0 && b == 0 ? 0 : a / b;
}

/* Groups the decimal integer string DIG into OUT with commas. */
static char *
group(char *out, const char *dig, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			*out++ = ',';
		*out++ = dig[i];
	}
	*out = '\0';
	return out;
}

const char *
dtool_fmt_u64(char buf[DTOOL_NUMBUF], uint64_t v)
{
	char dig[32];
	int n = snprintf(dig, sizeof(dig), "%llu", (unsigned long long)v);

	group(buf, dig, (size_t)n);
	return buf;
}

/* Formats x * 10^shift with at most two decimals. */
/* The shortest decimal digits that read back as X > 0, in DIG (no
 * trailing zeros), their number in *ND; returns the power of ten of the
 * first digit. */
static int
shortest_digits(double x, char dig[24], int *nd)
{
	char e[40], *mant;
	int n = 0;

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, x);
		if (strtod(e, NULL) == x)
			break;
	}
	/* e is "D.DDDDe[+-]XX": collect the digits and the exponent. */
	for (mant = e; *mant != 'e'; mant++)
		if (*mant >= '0' && *mant <= '9')
			dig[n++] = *mant;
	while (n > 1 && dig[n - 1] == '0')
		n--;
	*nd = n;
	return atoi(mant + 1);
}

/* DIG[0..ND) * 10^EXP10 in hundredths, rounded half up, as digits in
 * N100; their number, or -1 when they would not fit. */
static int
hundredths(const char *dig, int nd, int exp10, char n100[400])
{
	int k = exp10 + 2 - (nd - 1), keep = nd + k, len, i;

	if (k >= 0) {
		if (nd + k >= 400 - 1)
			return -1;
		memcpy(n100, dig, (size_t)nd);
		memset(n100 + nd, '0', (size_t)k);
		return nd + k;
	}
	/* KEEP digits are left of the rounding point. */
	if (keep <= 0) {
		n100[0] = '0';
		len = 1;
	} else {
		memcpy(n100, dig, (size_t)keep);
		len = keep;
	}
	if (!(keep >= 0 && dig[keep] >= '5'))
		return len;
	for (i = len - 1; i >= 0 && n100[i] == '9'; i--)
		n100[i] = '0';
	if (i >= 0) {
		n100[i]++;
		return len;
	}
	memmove(n100 + 1, n100, (size_t)len);
	n100[0] = '1';
	return len + 1;
}

/* Writes the LEN digits of hundredths N100 at P: grouped whole part, then
 * up to two decimals without trailing zeros.  X: the value, for "%g" when
 * the whole part does not fit. */
static void
put_hundredths(char *p, char *n100, int len, double x)
{
	char fr[3];
	int il;

	while (len < 3) {
		memmove(n100 + 1, n100, (size_t)len);
		n100[0] = '0';
		len++;
	}
	il = len - 2;
	fr[0] = n100[il];
	fr[1] = n100[il + 1];
	fr[2] = '\0';
	if (fr[1] == '0') {
		fr[1] = '\0';
		if (fr[0] == '0')
			fr[0] = '\0';
	}
	if ((size_t)il + 8 > DTOOL_NUMBUF * 3 / 4 - 8) {
		snprintf(p, DTOOL_NUMBUF - 1, "%g", x);
		return;
	}
	p = group(p, n100, (size_t)il);
	if (fr[0] != '\0') {
		*p++ = '.';
		strcpy(p, fr);
	}
}

static const char *
fmt_scaled(char buf[DTOOL_NUMBUF], double x, int shift)
{
	char dig[24], n100[400];
	int exp10, nd, len;
	char *p = buf;

	if (isnan(x))
		return strcpy(buf, "NaN");
	if (x < 0) {
		*p++ = '-';
		x = -x;
	}
	if (isinf(x)) {
		strcpy(p, "∞");
		return buf;
	}
	if (x == 0) {
		strcpy(p, "0");
		return buf;
	}
	if (shift == 0 && x < 9007199254740992.0 &&
	    x == (double)(uint64_t)x) {
		/* Whole numbers (most figures): no decimal work needed. */
		dtool_fmt_u64(p, (uint64_t)x);
		return buf;
	}
	exp10 = shortest_digits(x, dig, &nd) + shift;
	len = hundredths(dig, nd, exp10, n100);
	if (len < 0) {
		strcpy(p, "∞");
		return buf;
	}
	put_hundredths(p, n100, len, x);
	return buf;
}

const char *
dtool_fmt_num(char buf[DTOOL_NUMBUF], double x)
{
	return fmt_scaled(buf, x, 0);
}

const char *
dtool_fmt_perc(char buf[DTOOL_NUMBUF], double ratio)
{
	fmt_scaled(buf, ratio, 2);
	strcat(buf, "%");
	return buf;
}

const char *
dtool_fmt_size(char buf[DTOOL_NUMBUF], uint64_t v, const char *unit)
{
	static const char *const big[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	char n[DTOOL_NUMBUF];
	double x = (double)v;
	int i = -1;

	if (strcmp(unit, "bytes") != 0 || v < 1024) {
		snprintf(buf, DTOOL_NUMBUF, "%.40s %.20s", dtool_fmt_u64(n, v),
		    v == 1 && strcmp(unit, "bytes") == 0 ? "byte" : unit);
		return buf;
	}
	while (x >= 1024 && i < 5) {
		x /= 1024;
		i++;
	}
	snprintf(buf, DTOOL_NUMBUF, "%.*f %s", x < 10 ? 2 : x < 100 ? 1 : 0,
	    x, big[i]);
	return buf;
}

void
dtool_units(const struct dtool_header *h, struct dtool_units *u)
{
	u->bytes = h->bsu != NULL ? h->bsu : "bytes";
	/* Valgrind's copy mode names no units: its blocks are copies. */
	u->blocks = h->bksu != NULL ? h->bksu : h->mode != NULL &&
	    strcmp(h->mode, "copy") == 0 ? "copies" : "blocks";
	u->byte = h->bu != NULL ? u->bytes : "byte";
}

/* What style ST puts in place of the character CP (not a control), or
 * NULL to keep it. */
static const char *
special(uint32_t cp, enum dtool_style st)
{
	switch (st) {
	case DTOOL_S_JSON:
		return cp == '"' ? "\\\"" : cp == '\\' ? "\\\\" : NULL;
	case DTOOL_S_XML:
		switch (cp) {
		case '&': return "&amp;";
		case '<': return "&lt;";
		case '>': return "&gt;";
		case '"': return "&quot;";
		case '\'': return "&apos;";
		case 0xfffe: case 0xffff: return "\xef\xbf\xbd";
		default: return NULL;
		}
	case DTOOL_S_FOLDED:
		return cp == ';' ? "," : NULL;
	case DTOOL_S_TAP:
		return cp == '#' ? "?" : NULL;
	case DTOOL_S_MARKDOWN:
		return cp == '|' ? "\\|" : cp == '`' ? "'" : NULL;
	default:
		return NULL;
	}
}

/* The one rule (format.h): the bytes that show the character at S (N
 * bytes left, N > 0) in style ST, into OUT; returns their number and
 * sets *USED to the bytes of S they stand for. */
static size_t
show_char(const char *s, size_t n, enum dtool_style st, char out[8],
    size_t *used)
{
	uint32_t cp = 0;
	size_t len = dhat__utf8_decode((const unsigned char *)s, n, &cp);
	const char *sub;

	*used = len > 0 ? len : 1;
	if (len == 0) {
		sub = "\xef\xbf\xbd";
	} else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
		if (st == DTOOL_S_JSON)
			return (size_t)snprintf(out, 8, "\\u%04x",
			    (unsigned)cp);
		sub = "?";
	} else {
		sub = special(cp, st);
	}
	if (sub == NULL) {
		memcpy(out, s, len);
		return len;
	}
	memcpy(out, sub, strlen(sub));
	return strlen(sub);
}

/* Whether the byte C is printable ASCII that style ST keeps as it is. */
static bool
plain(unsigned char c, enum dtool_style st)
{
	return c >= 0x20 && c < 0x7f && special(c, st) == NULL;
}

bool
dtool_fputs_style(const char *s, FILE *f, enum dtool_style st, size_t max)
{
	size_t n = strlen(s), shown = 0;

	while (n > 0 && shown < max) {
		char out[8];
		size_t used = 0, k;

		/* Plain ASCII, most of any profile, goes out in one piece:
		 * a call per character made folded output 4 times slower. */
		while (used < n && shown < max && plain((unsigned char)s[used],
		    st)) {
			used++;
			shown++;
		}
		if (used > 0) {
			fwrite(s, 1, used, f);
		} else {
			k = show_char(s, n, st, out, &used);
			fwrite(out, 1, k, f);
			shown++;
		}
		s += used;
		n -= used;
	}
	return n == 0;
}

void
dtool_fputs_text(const char *s, FILE *f)
{
	dtool_fputs_style(s, f, DTOOL_S_TEXT, SIZE_MAX);
}

const char *
dtool_text(char *buf, size_t len, const char *s)
{
	char *copy = NULL;
	size_t n, i = 0;

	if (len == 0)
		return buf;
	/* In place, a replacement longer than its byte would overwrite
	 * what is still to be read. */
	if (s >= buf && s < buf + len)
		s = copy = dtool_xstrdup(s);
	for (n = strlen(s); n > 0;) {
		char out[8];
		size_t used, k = show_char(s, n, DTOOL_S_TEXT, out, &used);

		if (k > len - 1 - i)
			break;
		memcpy(buf + i, out, k);
		i += k;
		s += used;
		n -= used;
	}
	buf[i] = '\0';
	free(copy);
	return buf;
}

static bool colour;

bool
dtool_colour_wanted(int fd)
{
	const char *term = getenv("TERM");

	/* A terminal that understands no escapes says so in TERM. */
	return isatty(fd) && getenv("NO_COLOR") == NULL && term != NULL &&
	    strcmp(term, "dumb") != 0;
}

void
dtool_colour_set(bool on)
{
	colour = on;
}

const char *
dtool_bold(void)
{
	return colour ? "\033[1m" : "";
}

const char *
dtool_alert(void)
{
	return colour ? "\033[1;31m" : "";
}

const char *
dtool_dim(void)
{
	return colour ? "\033[2m" : "";
}

const char *
dtool_reset(void)
{
	return colour ? "\033[0m" : "";
}

const char *
dtool_fmt_delta(char buf[DTOOL_NUMBUF], uint64_t old, uint64_t new)
{
	char n[DTOOL_NUMBUF];

	if (new == old)
		return strcpy(buf, "0");
	dtool_fmt_u64(n, new > old ? new - old : old - new);
	snprintf(buf, DTOOL_NUMBUF, "%c%.62s", new > old ? '+' : '-', n);
	return buf;
}

const char *
dtool_fmt_change(char buf[DTOOL_NUMBUF], uint64_t old, uint64_t new)
{
	char p[DTOOL_NUMBUF];

	if (new == old)
		return strcpy(buf, "0%");
	if (old == 0)
		return strcpy(buf, "+∞%");
	dtool_fmt_perc(p, (double)(new > old ? new - old : old - new) /
	    (double)old);
	/* A change too small for two decimals is not "+0%". */
	snprintf(buf, DTOOL_NUMBUF, "%c%.60s", new > old ? '+' : '-',
	    strcmp(p, "0%") == 0 ? "<0.01%" : p);
	return buf;
}
