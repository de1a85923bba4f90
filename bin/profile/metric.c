/* SPDX-License-Identifier: MIT */
/*
 * metric.c - the DHAT viewer's 14 sort metrics: their names, what each
 * sorts on, the condition the compound ones add (tiny, short-lived,
 * zero reads or writes, ...) and their significance threshold, written
 * from reading dh_view.js so that the tools rank as the viewer ranks.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/format.h"
#include "metric.h"

enum { NEED_NONE, NEED_BKLT, NEED_BKACC };
enum { FLD_TB, FLD_TBK, FLD_GB, FLD_EB, FLD_RB, FLD_WB };

static const struct metric {
	const char *name;
	const char *alias;
	int field;
	int need;
	double thresh;
	int cond;
	unsigned bolds;
} metrics[DTOOL_M_COUNT] = {
	{ "total-bytes", "bytes", FLD_TB, NEED_NONE, 0.01, DTOOL_COND_NONE,
	  DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BYTES },
	{ "total-blocks", "blocks", FLD_TBK, NEED_NONE, 0.01, DTOOL_COND_NONE,
	  DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BLOCKS },
	{ "tiny", "total-blocks-tiny", FLD_TBK, NEED_NONE, 0.005, DTOOL_COND_TINY,
	  DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BLOCKS | DTOOL_BOLD_TOTAL_AVGSIZE },
	{ "short-lived", "total-blocks-short-lived", FLD_TBK, NEED_BKLT,
	  0.005, DTOOL_COND_SHORT, DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BLOCKS | DTOOL_BOLD_TOTAL_AVGLIFE },
	{ "zero-rw-bytes", "zero-reads-writes-bytes", FLD_TB, NEED_BKACC,
	  0.005, DTOOL_COND_ZERO_RW, DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BYTES | DTOOL_BOLD_RW_BYTES },
	{ "zero-rw-blocks", "zero-reads-writes-blocks", FLD_TBK, NEED_BKACC,
	  0.005, DTOOL_COND_ZERO_RW, DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BLOCKS | DTOOL_BOLD_RW_BYTES },
	{ "low-access-bytes", "total-bytes-low-access", FLD_TB, NEED_BKACC,
	  0.005, DTOOL_COND_LOW_ACCESS, DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BYTES | DTOOL_BOLD_RW_APB },
	{ "low-access-blocks", "total-blocks-low-access", FLD_TBK,
	  NEED_BKACC, 0.005, DTOOL_COND_LOW_ACCESS,
	  DTOOL_BOLD_TOTAL_TITLE | DTOOL_BOLD_TOTAL_BLOCKS | DTOOL_BOLD_RW_APB },
	{ "at-tgmax", "tgmax-bytes", FLD_GB, NEED_BKLT, 0.01, DTOOL_COND_NONE,
	  DTOOL_BOLD_GMAX_TITLE | DTOOL_BOLD_GMAX_BYTES },
	{ "at-tend", "tend-bytes", FLD_EB, NEED_BKLT, 0.01, DTOOL_COND_NONE,
	  DTOOL_BOLD_END_TITLE | DTOOL_BOLD_END_BYTES },
	{ "reads", "reads-bytes", FLD_RB, NEED_BKACC, 0.01, DTOOL_COND_NONE,
	  DTOOL_BOLD_READS_TITLE | DTOOL_BOLD_READS_BYTES },
	{ "reads-high", "reads-high-access", FLD_RB, NEED_BKACC, 0.005,
	  DTOOL_COND_HIGH_ACCESS, DTOOL_BOLD_READS_TITLE | DTOOL_BOLD_READS_BYTES | DTOOL_BOLD_READS_APB },
	{ "writes", "writes-bytes", FLD_WB, NEED_BKACC, 0.01, DTOOL_COND_NONE,
	  DTOOL_BOLD_WRITES_TITLE | DTOOL_BOLD_WRITES_BYTES },
	{ "writes-high", "writes-high-access", FLD_WB, NEED_BKACC, 0.005,
	  DTOOL_COND_HIGH_ACCESS, DTOOL_BOLD_WRITES_TITLE | DTOOL_BOLD_WRITES_BYTES | DTOOL_BOLD_WRITES_APB },
};

int
dtool_metric_parse(const char *s)
{
	char *end;
	long v;

	for (int m = 0; m < DTOOL_M_COUNT; m++)
		if (strcmp(s, metrics[m].name) == 0 ||
		    strcmp(s, metrics[m].alias) == 0)
			return m;
	v = strtol(s, &end, 10);
	if (*s != '\0' && *end == '\0' && v >= 0 && v < DTOOL_M_COUNT)
		return (int)v;
	return -1;
}

const char *
dtool_metric_name(int m)
{
	return metrics[m].name;
}

void
dtool_metric_label(int m, const struct dtool_header *h, char *buf,
    size_t len)
{
	static const char *const fmt[DTOOL_M_COUNT] = {
		"Total (%1$s)", "Total (%2$s)", "Total (%2$s), tiny",
		"Total (blocks), short-lived",
		"Total (%1$s), zero reads or zero writes",
		"Total (%2$s), zero reads or zero writes",
		"Total (%1$s), low-access", "Total (%2$s), low-access",
		"At t-gmax (%1$s)", "At t-end (%1$s)", "Reads (%1$s)",
		"Reads (%1$s), high-access", "Writes (%1$s)",
		"Writes (%1$s), high-access",
	};
	struct dtool_units u;

	dtool_units(h, &u);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (m == DTOOL_M_SHORT_LIVED)
		snprintf(buf, len, "%s", fmt[m]);
	else if (strstr(fmt[m], "%2$s") != NULL)
		snprintf(buf, len, fmt[m], u.bytes, u.blocks);
	else
		snprintf(buf, len, fmt[m], u.bytes);
#pragma GCC diagnostic pop
}

const char *
dtool_metric_refusal(int m, const struct dtool_header *h)
{
	if (metrics[m].need == NEED_BKLT && !h->bklt)
		return "needs block lifetimes (\"bklt\": true), which this "
		    "profile does not have";
	if (metrics[m].need == NEED_BKACC && !h->bkacc)
		return "needs block accesses (\"bkacc\": true), which this "
		    "profile does not have";
	return NULL;
}

const char *
dtool_metric_field(int m)
{
	static const char *const names[] = {
		"tb", "tbk", "gb", "eb", "rb", "wb"
	};

	return names[metrics[m].field];
}

static uint64_t
field_of(int field, const struct dtool_sums *s)
{
	switch (field) {
	case FLD_TB: return s->tb;
	case FLD_TBK: return s->tbk;
	case FLD_GB: return s->gb;
	case FLD_EB: return s->eb;
	case FLD_RB: return s->rb;
	default: return s->wb;
	}
}

void
dtool_sums_of_pp(const struct dtool_pp *pp, struct dtool_sums *s)
{
	s->tb = pp->tb;
	s->tbk = pp->tbk;
	s->tl = pp->tl;
	s->mb = pp->mb;
	s->mbk = pp->mbk;
	s->gb = pp->gb;
	s->gbk = pp->gbk;
	s->eb = pp->eb;
	s->ebk = pp->ebk;
	s->rb = pp->rb;
	s->wb = pp->wb;
}

uint64_t
dtool_metric_value(int m, const struct dtool_pp *pp)
{
	struct dtool_sums s;

	dtool_sums_of_pp(pp, &s);
	return field_of(metrics[m].field, &s);
}

uint64_t
dtool_metric_sum(int m, const struct dtool_sums *s)
{
	return field_of(metrics[m].field, s);
}

bool
dtool_metric_counts_blocks(int m)
{
	return metrics[m].field == FLD_TBK;
}

const char *
dtool_metric_where(int m)
{
	static const char *const what[] = {
		"total", "total", "at-t-gmax", "at-t-end", "reads", "writes"
	};

	return what[metrics[m].field];
}

int
dtool_metric_condition(int m)
{
	return metrics[m].cond;
}

unsigned
dtool_metric_bolds(int m)
{
	return metrics[m].bolds;
}

double
dtool_metric_threshold(int m, double threshold)
{
	return threshold >= 0 ? threshold : metrics[m].thresh;
}

bool
dtool_metric_cond(int m, const struct dtool_sums *s, uint64_t tuth)
{
	double rapb = dtool_div((double)s->rb, (double)s->tb);
	double wapb = dtool_div((double)s->wb, (double)s->tb);

	switch (metrics[m].cond) {
	case DTOOL_COND_TINY:
		return dtool_div((double)s->tb, (double)s->tbk) <= 16;
	case DTOOL_COND_SHORT:
		return dtool_div((double)s->tl, (double)s->tbk) <=
		    (double)tuth;
	case DTOOL_COND_ZERO_RW:
		return s->rb == 0 || s->wb == 0;
	case DTOOL_COND_LOW_ACCESS:
		return s->rb != 0 && s->wb != 0 && (rapb <= 0.4 || wapb <= 0.4);
	case DTOOL_COND_HIGH_ACCESS:
		return rapb >= 1000 || wapb >= 1000;
	default:
		return true;
	}
}

bool
dtool_metric_significant(int m, double threshold, const struct dtool_sums *s,
    const struct dtool_sums *root, uint64_t tuth)
{
	int f = metrics[m].field;

	return (double)field_of(f, s) >=
	    dtool_metric_threshold(m, threshold) * (double)field_of(f, root) &&
	    dtool_metric_cond(m, s, tuth);
}
