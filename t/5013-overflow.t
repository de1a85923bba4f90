#!/bin/sh
# SPDX-License-Identifier: MIT
# Counters whose sum over a profile's program points goes beyond 2^64-1:
# dhat-summarize (exit 1, the next file still summarized) and dhat-diff
# (exit 2) refuse the file with dhat-merge's one-line message, instead of
# showing totals that wrapped around.  A sum of exactly 2^64-1 is fine.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$abs_top_builddir/dhat-diff
M=$abs_top_builddir/dhat-merge

# Two PPs; the second's figures are set by the tests.
base='{"dhatFileVersion":2,"mode":"heap","verb":"Allocated","bklt":true,"bkacc":true,"tu":"us","Mtu":"s","tuth":10,"cmd":"x","pid":1,"te":100,"tg":50,"pps":[{"tb":10,"tbk":1,"tl":5,"mb":10,"mbk":1,"gb":10,"gbk":1,"eb":10,"ebk":1,"rb":10,"wb":10,"fs":[1,2]},{"tb":20,"tbk":2,"tl":5,"mb":10,"mbk":1,"gb":10,"gbk":1,"eb":10,"ebk":1,"rb":10,"wb":10,"fs":[1,3]}],"ftbl":["[root]","0x1: malloc (a.c:1:1)","0x2: main (a.c:2:1)","0x3: main (a.c:3:1)"]}'
max=18446744073709551615

# huge FIELD VALUE NAME: the base profile with the second PP's FIELD set to
# VALUE, into NAME.json.
huge() {
	printf '%s\n' "$base" |
		sed "s/\\(\"fs\":\\[1,2\\]},{.*\\)\"$1\":[0-9]*/\\1\"$1\":$2/" \
		>"$3.json"
}

plan 27

printf '%s\n' "$base" >good.json
for f in tb tbk tl mb gb ebk wb; do
	huge $f $max $f
done
expect_exit 2 "summarize: a sum of 'tb' beyond 2^64-1 exits 2" -- \
	"$S" tb.json
is "$(cat err)" \
	"dhat-summarize: tb.json: program point 2: the sum of 'tb' is beyond 2^64-1" \
	"  with dhat-merge's message"
is "$(cat out)" "" "  and nothing on stdout"
for f in tbk tl mb gb ebk wb; do
	expect_exit 2 "summarize: '$f' too" -- "$S" --format=json $f.json
	is "$(cat err)" \
		"dhat-summarize: $f.json: program point 2: the sum of '$f' is beyond 2^64-1" \
		"  message"
done
expect_exit 2 "summarize: the next file is still summarized" -- \
	"$S" --format=folded tb.json good.json
is "$(cat out)" "main (a.c:2:1);malloc (a.c:1:1) 10
main (a.c:3:1);malloc (a.c:1:1) 20" "  its output"

huge tb 18446744073709551605 edge
expect_exit 0 "summarize: a sum of exactly 2^64-1 is fine" -- "$S" --top=10 edge.json
grep -q '^Total:     18,446,744,073,709,551,615 bytes in 3 blocks$' out
ok $? "  and shown exactly"

expect_exit 2 "diff: an old file beyond 2^64-1 exits 2" -- \
	"$D" tb.json good.json
is "$(cat err)" \
	"dhat-diff: tb.json: program point 2: the sum of 'tb' is beyond 2^64-1" \
	"  with dhat-merge's message"
is "$(cat out)" "" "  and nothing on stdout"
expect_exit 2 "diff: a new one too, in every format" -- \
	"$D" --format=json good.json wb.json
is "$(cat err)" \
	"dhat-diff: wb.json: program point 2: the sum of 'wb' is beyond 2^64-1" \
	"  message"
expect_exit 0 "diff: a sum of exactly 2^64-1 is fine" -- \
	"$D" good.json edge.json

# dhat-merge's own check (t/7002) and these are one: the same message.
huge tb 18446744073709551600 nearly
expect_exit 1 "merge: a sum beyond 2^64-1 across files exits 1" -- \
	"$M" -o merged.json good.json nearly.json
is "$(cat err)" \
	"dhat-merge: nearly.json: program point 2: the sum of 'tb' is beyond 2^64-1" \
	"  with the same message"

done_testing
