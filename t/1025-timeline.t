#!/bin/sh
# SPDX-License-Identifier: MIT
# Memory over time, as libdhat records it: phases of known live bytes
# (t/prog/timeline-phases.c) give a timeline whose peak point is exactly
# t-gmax with the bytes and blocks at t-gmax, whose last point is t-end
# with what is live there, whose times never go back and whose bytes
# never pass the peak, in both time units; a million operations stay
# within the bound on points; the viewer loads the profile.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"
prog=$builddir_t/prog/timeline-phases

plan 7

check_timeline() {
	"$PYTHON3" - "$1" "$2" >check.out 2>&1 <<'EOT'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["timeline"]
peak, end = [25000, 6], [3000, 3]
assert t[0] == [0, 0, 0], t[0]
assert [d["tg"]] + peak in t, ("no exact peak point", d["tg"], t)
assert t[-1] == [d["te"]] + end, ("end", t[-1], d["te"])
assert all(a[0] <= b[0] for a, b in zip(t, t[1:])), "time goes back"
assert max(p[1] for p in t) == 25000, "a point above the peak"
assert len(t) <= int(sys.argv[2]), len(t)
# The phases: 10,000 bytes live before the peak, 5,000 after a free.
assert [p for p in t if p[1] == 10000 and p[2] == 10], "10,000 live"
print("ok", len(t), "points")
EOT
}

"$prog" us.json us >out 2>err
check_timeline us.json 1026
ok $? "microseconds: peak and end exact"
sed 's/^/# /' check.out
"$prog" bytes.json bytes >out 2>err
check_timeline bytes.json 1026
ok $? "bytes: peak and end exact"
sed 's/^/# /' check.out
is "$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["tg"])' bytes.json)" \
	"30000" "in bytes, t-gmax is the 30,000 bytes allocated by then"
"$prog" many.json us many >out 2>err
check_timeline many.json 1026
ok $? "a million operations: still exact, at most 1,026 points"
sed 's/^/# /' check.out
viewer_loads us.json "the viewer loads a profile with a timeline"
expect_exit 0 "dhat-summarize --timeline draws it" -- \
	"$abs_top_builddir/dhat-summarize" --timeline us.json
like "$(grep -c '#' out)" '^[1-9]' "the peak's column is marked"

done_testing
