#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff(1) passes mandoc's lint without warnings and documents every
# option, sort metric, budget total, matching rule, unit and exit status
# the program knows.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
M=$abs_top_srcdir/man/dhat-diff.1

plan 7

if [ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ]; then
	"$MANDOC" -Tlint -W warning "$M" >lint 2>&1
	ok $? "dhat-diff.1: mandoc -Tlint is clean"
	sed 's/^/# /' lint
else
	skip "dhat-diff.1: mandoc -Tlint is clean" "mandoc not installed"
fi

"$S" --help | grep -o -- '--[a-z-]*[a-z]' | sort -u >opts
for o in $(cat opts); do
	grep -q -- "Fl \\\\-${o#--}" "$M" || echo "$o" >>missing
done
is "$(cat missing 2>/dev/null)" "" "every long option is documented"
"$S" --help | grep -o -- '^  -[a-zA-Z],' | tr -d ' ,-' >short
for o in $(cat short); do
	grep -q -- "^\\.It Fl $o " "$M" || echo "-$o" >>smissing
done
is "$(cat smissing 2>/dev/null)" "" "every short option is documented"
for m in total-bytes total-blocks tiny short-lived zero-rw-bytes \
    zero-rw-blocks low-access-bytes low-access-blocks at-tgmax at-tend \
    reads reads-high writes writes-high; do
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
