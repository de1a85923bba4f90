/* SPDX-License-Identifier: MIT */
/*
 * chart.c - memory over time as a text chart, in the manner of
 * ms_print's: live bytes up, time across from the start of the process
 * to its end, each column the most that was live during its slice of
 * time, the peak's column drawn with '#'.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "summary.h"

#define LABEL	10	/* columns of the value labels */

/* The most live in each of COLS equal slices of [0, END]: what the
 * latest point before a slice says, or any point within it, more. */
static void
columns_of(const struct dtool_header *h, uint64_t end, int cols,
    uint64_t *col)
{
	uint64_t carried = 0;
	size_t i = 0;

	for (int c = 0; c < cols; c++) {
		uint64_t hi = (uint64_t)((double)end * (c + 1) / cols);

		col[c] = carried;
		for (; i < h->ntimeline && (h->timeline[i][0] < hi ||
		    (c == cols - 1 && h->timeline[i][0] <= end)); i++) {
			if (h->timeline[i][1] > col[c])
				col[c] = h->timeline[i][1];
			carried = h->timeline[i][1];
		}
	}
}

void
dtool_print_timeline(FILE *f, const struct dtool_header *h, int width,
    int height)
{
	uint64_t col[512], most = 0, end = h->te;
	int cols = width - LABEL - 3, peak = -1;
	char a[DTOOL_NUMBUF], b[160], tu[64];
	struct dtool_units u;

	if (h->ntimeline == 0)
		return;
	dtool_units(h, &u);
	if (cols > 512)
		cols = 512;
	if (cols < 10)
		cols = 10;
	if (h->timeline[h->ntimeline - 1][0] > end)
		end = h->timeline[h->ntimeline - 1][0];
	if (end == 0)
		end = 1;
	columns_of(h, end, cols, col);
	for (int c = 0; c < cols; c++)
		if (col[c] > most) {
			most = col[c];
			peak = c;
		}
	for (int r = height; r >= 1; r--) {
		if (r == height)
			fprintf(f, "%*s ^", LABEL, dtool_fmt_size(a, most,
			    u.bytes));
		else if (r == (height + 1) / 2)
			fprintf(f, "%*s |", LABEL, dtool_fmt_size(a,
			    most * (uint64_t)r / (uint64_t)height, u.bytes));
		else
			fprintf(f, "%*s |", LABEL, "");
		for (int c = 0; c < cols; c++) {
			/* A cell is drawn when the column reaches its
			 * middle. */
			bool on = most > 0 && (double)col[c] * height >=
			    ((double)r - 0.5) * (double)most;

			putc(!on ? ' ' : c == peak ? '#' : ':', f);
		}
		putc('\n', f);
	}
	fprintf(f, "%*s +", LABEL, "0");
	for (int c = 0; c < cols; c++)
		putc('-', f);
	fputs(">\n", f);
	dtool_text(tu, sizeof(tu), h->tu);
	snprintf(b, sizeof(b), "%s %s", dtool_fmt_u64(a, end), tu);
	fprintf(f, "%*s  0%*s\n", LABEL, "", cols - 1, b);
}
