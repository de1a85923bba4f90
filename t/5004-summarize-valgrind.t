#!/bin/sh
# SPDX-License-Identifier: MIT
# A fresh Valgrind DHAT profile of t/prog/summarize-heap, summarized:
# the totals and the stacks are fixed by the program (Valgrind's
# addresses, pid and instruction counts are not, and are not compared).
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
P=$abs_top_builddir/t/prog/summarize-heap

[ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] || skip_all "valgrind not installed"
"$VALGRIND" --tool=dhat --dhat-out-file=vg.json "$P" >vg.log 2>&1 ||
	skip_all "valgrind --tool=dhat does not run here"

plan 9

expect_exit 0 "the fresh profile is summarized" -- "$S" --top=10 vg.json
grep -E '^(Total|At t-gmax|At t-end|Reads|Writes):' out >totals
cat >want <<'EOT'
Total:     254 bytes in 7 blocks
At t-gmax: 164 bytes in 2 blocks
At t-end:  10 bytes in 1 blocks
Reads:     32 bytes
Writes:    132 bytes
EOT
cmp_golden totals want "totals as the program allocates them"
like "$(sed -n 's/^  Mode: *//p' out)" '^heap$' "mode"
like "$(sed -n 's/^  Command: *//p' out)" 'summarize-heap$' "command"

# Folded stacks without Valgrind's "(in object)" paths and line numbers
# of its preload library.
"$S" --format=folded vg.json | sed 's/ (in [^)]*)//g' | sort >folded
cat >want <<'EOT'
main (summarize-heap.c:43);work (summarize-heap.c:23);malloc 100
main (summarize-heap.c:43);work (summarize-heap.c:28);calloc 96
main (summarize-heap.c:43);work (summarize-heap.c:32);malloc 48
main (summarize-heap.c:43);work (summarize-heap.c:36);leaky (summarize-heap.c:17);malloc 10
EOT
sort want >want.sorted
cmp_golden folded want.sorted "stacks and weights"

expect_exit 0 "--leaks" -- "$S" --leaks vg.json
like "$(grep '^Live at t-end' out)" '^Live at t-end: 10 bytes in 1 blocks from 1 program point' \
	"the leak is found"
like "$(grep '#2:' out)" 'leaky \(summarize-heap.c:17\)$' "the leak's allocator caller"
if have_viewer; then
	view_check vg.json 0
	sed '/^DISABLED: /d' view.out | sed '$d' >want
	"$S" --tree --sort=0 vg.json >got
	cmp_golden got want "--tree matches the viewer on a fresh file"
else
	skip "--tree matches the viewer on a fresh file" "no viewer"
fi

done_testing
