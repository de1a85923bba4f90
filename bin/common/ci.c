/* SPDX-License-Identifier: MIT */
/*
 * ci.c - TAP, JUnit XML and Markdown forms of budgets' verdicts (see
 * ci.h).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "ci.h"
#include "format.h"

static void
xml(FILE *f, const char *s)
{
	dtool_fputs_style(s, f, DTOOL_S_XML, SIZE_MAX);
}

void
dtool_tap(FILE *f, const struct dtool_verdict *v, size_t n)
{
	if (n == 0) {
		fputs("1..0 # SKIP no --fail-if budgets\n", f);
		return;
	}
	fprintf(f, "1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s %zu - ", v[i].exceeded ? "not ok" : "ok", i + 1);
		/* '#' would start a TAP directive in the description. */
		dtool_fputs_style(v[i].budget, f, DTOOL_S_TAP, SIZE_MAX);
		fputs(": ", f);
		dtool_fputs_style(v[i].figures, f, DTOOL_S_TAP, SIZE_MAX);
		putc('\n', f);
		for (size_t k = 0; k < v[i].nblame; k++) {
			fputs("#   ", f);
			dtool_fputs_text(v[i].blame[k], f);
			putc('\n', f);
		}
	}
}

void
dtool_junit(FILE *f, const char *suite, const struct dtool_verdict *v,
    size_t n)
{
	size_t failed = 0;

	for (size_t i = 0; i < n; i++)
		failed += v[i].exceeded;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n"
	    "  <testsuite name=\"", n, failed);
	xml(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	    "skipped=\"0\">\n", n, failed);
	for (size_t i = 0; i < n; i++) {
		fputs("    <testcase classname=\"dhat.budget\" name=\"", f);
		xml(f, v[i].budget);
		if (!v[i].exceeded) {
			fputs("\"/>\n", f);
			continue;
		}
		fputs("\">\n      <failure type=\"budget exceeded\" "
		    "message=\"", f);
		xml(f, v[i].figures);
		fputs("\">", f);
		xml(f, v[i].figures);
		for (size_t k = 0; k < v[i].nblame; k++) {
			fputs("\n", f);
			xml(f, v[i].blame[k]);
		}
		fputs("</failure>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

void
dtool_markdown_code(FILE *f, const char *s)
{
	putc('`', f);
	dtool_fputs_style(s, f, DTOOL_S_MARKDOWN, SIZE_MAX);
	putc('`', f);
}

void
dtool_markdown_verdicts(FILE *f, const struct dtool_verdict *v, size_t n)
{
	if (n == 0)
		return;
	fputs("\n### Budgets\n\n| | Budget | Result |\n|---|---|---|\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs(v[i].exceeded ? "| \xe2\x9d\x8c exceeded | " :
		    "| \xe2\x9c\x85 ok | ", f);
		dtool_markdown_code(f, v[i].budget);
		fputs(" | ", f);
		dtool_markdown_code(f, v[i].figures);
		fputs(" |\n", f);
	}
	for (size_t i = 0; i < n; i++) {
		if (!v[i].exceeded || v[i].nblame == 0)
			continue;
		fputs("\n", f);
		dtool_markdown_code(f, v[i].budget);
		fputs(" exceeded; the sites to blame:\n\n", f);
		for (size_t k = 0; k < v[i].nblame; k++) {
			fputs("- ", f);
			dtool_markdown_code(f, v[i].blame[k]);
			fputs("\n", f);
		}
	}
}
