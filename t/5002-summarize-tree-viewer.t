#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize --tree prints what Valgrind's own viewer renders for the
# same file and sort metric (figures, order, folding of insignificant
# siblings), for every metric each file allows.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data

have_viewer || skip_all "node or dh_view.js not available"

check() {
	file=$1
	shift
	for m in "$@"; do
		view_check "$D/$file" "$m"
		# The viewer's page ends with a list of disabled metrics;
		# Node's console.log adds a newline.
		sed '/^DISABLED: /d' view.out | sed '$d' >want
		"$S" --tree --sort="$m" "$D/$file" >got 2>err
		cmp_golden got want "--tree --sort=$m $file matches the viewer"
	done
}

check valgrind-heap.json 0 1 2 3 4 5 6 7 8 9 10 11 12 13
check valgrind-ad-hoc.json 0 1 2
check dhat-rs-heap.json 0 1 2 3 8 9
check dhat-rs-ad-hoc.json 0 1 2
# Generated: 400 PPs with splits, empty-frame kids, folding, accesses.
check gen-400.json 0 1 2 3 4 5 6 7 8 9 10 11 12 13

# A lower threshold shows more nodes; the viewer never does, so just
# check that nothing is folded at 0%.
"$S" --tree --threshold=0 "$D/gen-400.json" >t0
ok "$(grep -c 'insignificant\]' t0)" "--threshold=0 folds nothing"
"$S" --tree --threshold=50 "$D/gen-400.json" >t50
like "$(tail -n 1 t50)" '^PP significance threshold: total >= .* \(50%\)$' \
	"--threshold is shown in the threshold line"

done_testing
