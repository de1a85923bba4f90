#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-merge sums the inputs' timelines as step functions on time since
# each process started, each input counting nothing after its last point;
# one input without a timeline leaves the merge without one.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

M=$abs_top_builddir/dhat-merge

plan 4

mk() {
	"$PYTHON3" - "$srcdir_t/data/valgrind-heap.json" "$2" >"$1" <<'EOT'
import json, sys
d = json.load(open(sys.argv[1]))
if sys.argv[2] != "none":
    d["timeline"] = json.loads(sys.argv[2])
print(json.dumps(d))
EOT
}
mk a.json '[[0,0,0],[10,100,1],[20,50,1],[30,0,0]]'
mk b.json '[[0,0,0],[15,30,2],[25,30,2]]'
mk c.json none

expect_exit 0 "two timelines merge" -- "$M" -o ab.json a.json b.json
is "$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["timeline"])' ab.json)" \
	"[[0, 0, 0], [10, 100, 1], [15, 130, 3], [20, 80, 3], [25, 80, 3], [30, 0, 0]]" \
	"the sum, b gone after its last point"
"$M" -o abc.json a.json b.json c.json
is "$("$PYTHON3" -c 'import json,sys; print("timeline" in json.load(open(sys.argv[1])))' abc.json)" \
	"False" "an input without a timeline: none in the merge"
viewer_loads ab.json "the viewer loads a merged profile with a timeline"

done_testing
