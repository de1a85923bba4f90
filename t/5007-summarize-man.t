#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize(1) and dhat-json(5) pass mandoc's lint without warnings,
# and the page documents every option and metric the program accepts.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
M=$abs_top_srcdir/man

plan 5

man_lint "$M/dhat-summarize.1" "$M/dhat-json.5"
man_options "$S" "$M/dhat-summarize.1"
# Every metric appears in the page source.
for m in $SORT_METRICS; do
	grep -q "^\.It Cm $m No" "$M/dhat-summarize.1" || echo "$m" >>mmissing
done
is "$(cat mmissing 2>/dev/null)" "" "every metric is documented"

done_testing
