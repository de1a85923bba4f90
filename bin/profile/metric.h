/* SPDX-License-Identifier: MIT */
/*
 * metric.h - the DHAT viewer's sort metrics: what each one sorts on and
 * which program points it calls significant.
 */
#ifndef DTOOL_METRIC_H
#define DTOOL_METRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* The viewer's 14 sort metrics, in its menu order (= its sort index). */
enum dtool_metric {
	DTOOL_M_TOTAL_BYTES, DTOOL_M_TOTAL_BLOCKS, DTOOL_M_TINY,
	DTOOL_M_SHORT_LIVED, DTOOL_M_ZERO_RW_BYTES, DTOOL_M_ZERO_RW_BLOCKS,
	DTOOL_M_LOW_ACCESS_BYTES, DTOOL_M_LOW_ACCESS_BLOCKS,
	DTOOL_M_AT_TGMAX, DTOOL_M_AT_TEND, DTOOL_M_READS,
	DTOOL_M_READS_HIGH, DTOOL_M_WRITES, DTOOL_M_WRITES_HIGH,
	DTOOL_M_COUNT
};

/* Metric by command-line name ("total-bytes", ...) or index "0".."13";
 * -1 when unknown. */
int dtool_metric_parse(const char *s);
const char *dtool_metric_name(int m);
/* The viewer's menu label, with the file's units. */
void dtool_metric_label(int m, const struct dtool_header *h, char *buf,
    size_t len);
/* NULL when the file allows the metric, else why not ("needs bklt"). */
const char *dtool_metric_refusal(int m, const struct dtool_header *h);
/* The value sorted on ("tb", "tbk", "gb", "eb", "rb", "wb"). */
const char *dtool_metric_field(int m);
uint64_t dtool_metric_value(int m, const struct dtool_pp *pp);

/* What a program point, or a tree node over several, adds up. */
struct dtool_sums {
	uint64_t tb, tbk, tl, mb, mbk, gb, gbk, eb, ebk, rb, wb;
};

void dtool_sums_of_pp(const struct dtool_pp *pp, struct dtool_sums *s);
/* The sum that metric M sorts on. */
uint64_t dtool_metric_sum(int m, const struct dtool_sums *s);
/* Whether M counts blocks (else bytes). */
bool dtool_metric_counts_blocks(int m);
/* What the sum is of, in the viewer's words: "total", "at-t-gmax", ... */
const char *dtool_metric_where(int m);

/* The condition that a compound metric adds to the size threshold. */
enum dtool_cond {
	DTOOL_COND_NONE, DTOOL_COND_TINY, DTOOL_COND_SHORT,
	DTOOL_COND_ZERO_RW, DTOOL_COND_LOW_ACCESS, DTOOL_COND_HIGH_ACCESS
};
int dtool_metric_condition(int m);
/* Whether S meets M's condition; TUTH is the profile's short-lived
 * threshold.  True for the plain metrics. */
bool dtool_metric_cond(int m, const struct dtool_sums *s, uint64_t tuth);
/* The fraction of the whole that makes a node significant: THRESHOLD
 * when >= 0, else the viewer's (1%, or 0.5% for the compound metrics). */
double dtool_metric_threshold(int m, double threshold);
/* The viewer's significance: S's sum at least the threshold's share of
 * ROOT's, and the condition met. */
bool dtool_metric_significant(int m, double threshold,
    const struct dtool_sums *s, const struct dtool_sums *root,
    uint64_t tuth);

/* Which parts of a node the metric highlights: they are also what an
 * insignificant node still shows, as in the viewer. */
#define DTOOL_BOLD_TOTAL_TITLE	0x001u
#define DTOOL_BOLD_TOTAL_BYTES	0x002u
#define DTOOL_BOLD_TOTAL_BLOCKS	0x004u
#define DTOOL_BOLD_TOTAL_AVGSIZE	0x008u
#define DTOOL_BOLD_TOTAL_AVGLIFE	0x010u
#define DTOOL_BOLD_GMAX_TITLE	0x020u
#define DTOOL_BOLD_GMAX_BYTES	0x040u
#define DTOOL_BOLD_END_TITLE	0x080u
#define DTOOL_BOLD_END_BYTES	0x100u
#define DTOOL_BOLD_READS_TITLE	0x200u
#define DTOOL_BOLD_READS_BYTES	0x400u
#define DTOOL_BOLD_READS_APB	0x800u
#define DTOOL_BOLD_WRITES_TITLE	0x1000u
#define DTOOL_BOLD_WRITES_BYTES	0x2000u
#define DTOOL_BOLD_WRITES_APB	0x4000u

#define DTOOL_BOLD_RW_BYTES	(DTOOL_BOLD_READS_TITLE | DTOOL_BOLD_READS_BYTES | DTOOL_BOLD_WRITES_TITLE | \
			 DTOOL_BOLD_WRITES_BYTES)
#define DTOOL_BOLD_RW_APB	(DTOOL_BOLD_READS_TITLE | DTOOL_BOLD_READS_APB | DTOOL_BOLD_WRITES_TITLE | \
			 DTOOL_BOLD_WRITES_APB)

/* The DTOOL_BOLD_* parts that M highlights. */
unsigned dtool_metric_bolds(int m);

#endif
