#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize output on real files from Valgrind and the Rust crate,
# against golden files: the overview, the list of program points, json,
# folded, leaks, a compound metric.
# Regenerate with DHAT_REGEN_GOLDEN=1 make check TESTS=t/5001-summarize-golden.t
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data
G=$srcdir_t/golden
# The overview and the chart fit the width they are given.
COLUMNS=80
export COLUMNS

plan 19

golden() {
	name=$1
	shift
	(cd "$D" && "$S" "$@") >"$name" 2>err
	if [ -n "${DHAT_REGEN_GOLDEN:-}" ]; then
		cp "$name" "$G/5001-$name"
	fi
	cmp_golden "$name" "$G/5001-$name" "golden $name"
}

golden overview-valgrind-heap.txt valgrind-heap.json
golden overview-valgrind-ad-hoc.txt valgrind-ad-hoc.json
golden overview-dhat-rs-heap.txt dhat-rs-heap.json
golden overview-timeline.txt timeline-heap.json
golden timeline.txt --timeline timeline-heap.json
golden timeline.json --format=json timeline-heap.json
golden valgrind-heap.txt --top=10 valgrind-heap.json
golden valgrind-ad-hoc.txt --top=10 valgrind-ad-hoc.json
golden dhat-rs-heap.txt --top=3 --frames=3 dhat-rs-heap.json
golden dhat-rs-ad-hoc.txt --top=10 dhat-rs-ad-hoc.json
golden valgrind-heap.json --format=json valgrind-heap.json
golden dhat-rs-heap.json --format=json --sort=at-tgmax dhat-rs-heap.json
golden dhat-rs-ad-hoc.json --format=json --sort=total-blocks dhat-rs-ad-hoc.json
golden valgrind-heap.folded --format=folded valgrind-heap.json
golden dhat-rs-heap-tgmax.folded --format=folded --sort=at-tgmax dhat-rs-heap.json
golden valgrind-heap-leaks.txt --leaks valgrind-heap.json
golden dhat-rs-heap-tiny.txt --sort=tiny dhat-rs-heap.json

# --format=json: one valid JSON object per file and line.
(cd "$D" && "$S" --format=json --leaks valgrind-heap.json dhat-rs-heap.json) >two.json
is "$(wc -l <two.json | tr -d ' ')" "2" "json: one line per file"
if [ -n "${PYTHON3:-}" ] && [ -x "$PYTHON3" ]; then
	"$PYTHON3" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["file"] for r in rows] == ["valgrind-heap.json", "dhat-rs-heap.json"]
assert rows[0]["leaks"][0]["eb"] == 10 and rows[0]["leaking_program_points"] == 1
assert rows[1]["leaks"] == []
' two.json
	ok $? "json: parses, with the leaks of each file"
else
	skip "json: parses, with the leaks of each file" "python3 not installed"
fi

done_testing
