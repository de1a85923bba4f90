#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff(1) passes mandoc's lint without warnings and documents every
# option, sort metric, budget total, matching rule, unit and exit status
# the program knows.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
M=$abs_top_srcdir/man/dhat-diff.1

plan 7

man_lint "$M"
man_options "$S" "$M"
for m in $SORT_METRICS; do
	grep -q "^\\.Cm $m" "$M" || echo "$m" >>mmissing
done
is "$(cat mmissing 2>/dev/null)" "" "every sort metric is documented"
for b in total-bytes total-blocks tgmax-bytes tgmax-blocks tend-bytes \
    tend-blocks reads writes; do
	grep -q "^\\.It Cm $b\$" "$M" || echo "$b" >>bmissing
	"$S" --fail-if="$b>0" "$abs_top_srcdir/t/data/valgrind-heap.json" \
		"$abs_top_srcdir/t/data/valgrind-heap.json" >/dev/null 2>&1 ||
		echo "$b (refused)" >>bmissing
done
is "$(cat bmissing 2>/dev/null)" "" "every budget total is documented and accepted"
for r in function line address; do
	grep -q "^\\.It Cm $r\$" "$M" || echo "$r" >>rmissing
done
for u in B kB MB GB TB KiB MiB GiB TiB; do
	grep -q "Cm.* $u" "$M" || echo "$u" >>rmissing
done
is "$(cat rmissing 2>/dev/null)" "" "every matching rule and unit is documented"
n=0
for s in 0 1 2; do
	sed -n '/^\.Sh EXIT STATUS/,/^\.Sh/p' "$M" | grep -q "^\\.It $s\$" || n=$((n + 1))
done
is "$n" 0 "exit statuses 0, 1 and 2 are documented"

done_testing
