#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize on a profile written by libdhat itself (time in bytes, so
# every figure is the same from run to run): golden text, json and folded
# output, and --tree equal to what Valgrind's viewer renders for the file.
# Only what differs between runs and build trees is masked: addresses,
# pid, command, directories of source files, and line numbers inside
# libdhat's own interpose.c.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
G=$srcdir_t/golden

plan 10

"$builddir_t/prog/diff-old" old.json 2>old.err
ok $? "diff-old wrote its profile"

mask() {
	sed -E -e 's/0x[0-9a-f]+/0xADDR/g' \
	    -e 's#([( "])([^ ()";]*/)?([^/ ()";]+\.c):#\1\3:#g' \
	    -e 's/interpose\.c:[0-9]+:[0-9]+/interpose.c:L:C/g' \
	    -e 's/^(  Command: ).*/\1CMD/' -e 's/^(  PID: +).*/\1PID/' \
	    -e 's/"cmd":"[^"]*"/"cmd":"CMD"/' -e 's/"pid":[0-9]+/"pid":0/'
}

"$S" --top=10 old.json >text.raw 2>err
ok $? "text summary"
mask <text.raw >text
cmp_golden text "$G/5008-libdhat.txt" "text summary matches the golden file"

"$S" --format=json --sort=at-tend old.json >json.raw 2>err
mask <json.raw >json
cmp_golden json "$G/5008-libdhat.json" "json summary by t-end matches"

"$S" --format=folded old.json >folded.raw 2>err
mask <folded.raw >folded
cmp_golden folded "$G/5008-libdhat.folded" "folded stacks match"

if have_viewer; then
	for m in 0 1 3 8 9; do
		view_check old.json "$m"
		sed '/^DISABLED: /d' view.out | sed '$d' >want
		"$S" --tree --sort="$m" old.json >got 2>err
		cmp_golden got want "--tree --sort=$m matches the viewer"
	done
else
	for m in 0 1 3 8 9; do
		skip "--tree --sort=$m matches the viewer" "no node or dh_view.js"
	done
fi

done_testing
