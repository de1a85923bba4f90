#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff's text, JSON and TAP output for one pair of profiles (the test
# program built as is and allocating more), byte for byte against golden
# files; only the pids and command lines, which change from run to run,
# are masked.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
P=$builddir_t/prog
G=$srcdir_t/golden

plan 9

for v in old more; do
	"$P/diff-$v" "$v.json" 2>/dev/null
	ok $? "diff-$v: profiled"
done
B1='--fail-if=tgmax-bytes>+2KiB'
B2='--fail-if=tend-bytes>0'

"$S" -u "$B1" "$B2" old.json more.json >text.raw 2>text.err
is $? 1 "text: exit 1, a budget exceeded"
sed -E 's/pid [0-9]+\): .*/pid N): CMD/' text.raw >text.out
cmp_golden text.out "$G/6004-diff.txt" "text output"

"$S" -F json -u "$B1" "$B2" old.json more.json >json.raw 2>json.err
is $? 1 "json: exit 1, a budget exceeded"
sed -E 's/"cmd":"[^"]*"/"cmd":"CMD"/g; s/"pid":[0-9]+/"pid":0/g' json.raw >json.out
cmp_golden json.out "$G/6004-diff.json" "JSON output"
cmp -s text.err json.err
ok $? "the same breach on stderr whatever the format"

"$S" -F tap "$B1" "$B2" --fail-if='total-blocks>=+0%' old.json more.json >tap.out 2>tap.err
is $? 1 "tap: exit 1, budgets exceeded"
cmp_golden tap.out "$G/6004-diff.tap" "TAP output"

done_testing
