#!/bin/sh
# SPDX-License-Identifier: MIT
# The SVG flame graph in headless Chromium: clicking a box zooms into it
# and "Reset zoom" undoes it; a search highlights the matching function
# and shows its share; no JavaScript error on the way.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize

plan 3

why=$(browser_why)
if [ -n "$why" ]; then
	skip "zoom" "$why"
	skip "search" "$why"
	skip "a real profile's graph loads" "$why"
	done_testing
	exit 0
fi

# One wide stack and 3000 narrow ones under main, as in 5005.
"$PYTHON3" - >many.json <<'EOT'
import json
ftbl = ["[root]", "0x1: main (m.c:1)", "0x2: big (m.c:2)"]
pps = [{"tb": 3000000, "tbk": 1, "fs": [2, 1]}]
for i in range(3000):
    ftbl.append("0x%x: f%d (m.c:%d)" % (16 + i, i, 10 + i))
    pps.append({"tb": 10, "tbk": 1, "fs": [len(ftbl) - 1, 1]})
print(json.dumps({"dhatFileVersion": 2, "mode": "ad-hoc", "verb": "Occurred",
    "bklt": False, "bkacc": False, "tu": "i", "Mtu": "Mi", "cmd": "many",
    "pid": 1, "te": 1, "pps": pps, "ftbl": ftbl}))
EOT
"$S" --format=svg many.json >many.svg
browser_run svg-zoom many.svg "zoom into a box and back"
browser_run svg-search many.svg "search highlights a function and shows its share"
"$S" --format=svg "$srcdir_t/data/gen-400.json" >gen.svg
browser_run svg-load gen.svg "a real profile's graph loads"

done_testing
