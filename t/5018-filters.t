#!/bin/sh
# SPDX-License-Identifier: MIT
# --focus, --exclude, --hide and --suppressions on every tool, with exact
# totals: the part of a profile kept is the sum of its program points,
# hidden frames merge the stacks they made alike, accepted leaks are not
# live at t-end (so a zero-leak budget holds), and bad expressions or
# suppression files are usage errors.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$abs_top_builddir/dhat-diff
M=$abs_top_builddir/dhat-merge
P=$builddir_t/prog

[ -n "${PYTHON3:-}" ] || skip_all "python3 is needed to read the JSON"

plan 28

# old: site_grow 1,024 bytes, site_same 64 bytes from two lines of main
# (both live at t-end), site_gone 32 bytes.  more: site_grow 3,072 bytes,
# site_new 500 bytes instead of site_gone.
"$P/diff-old" old.json 2>/dev/null
ok $? "diff-old: profiled"
"$P/diff-more" more.json 2>/dev/null
ok $? "diff-more: profiled"

# figures OPTION...: "TB TBK EB PPS TIMELINE" of old.json so filtered.
figures() {
	"$S" -F json "$@" old.json | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
t = d["totals"]
print(t["tb"], t["tbk"], t["eb"], d["program_points"],
      "timeline" if d["timeline"] is not None else "-")'
}
is "$(figures)" "1184 4 128 4 timeline" "no filter: the whole profile"
is "$(figures --focus site_same)" "128 2 128 2 -" \
	"--focus: only site_same, without the program's timeline"
is "$(figures --exclude site_same)" "1056 2 0 2 -" "--exclude: the others"
is "$(figures --focus 'site_(same|grow)' --exclude grow)" "128 2 128 2 -" \
	"--focus and --exclude together"
is "$(figures --focus same --focus gone)" "160 3 128 3 -" \
	"two --focus: either matches"
is "$(figures --hide '^main ')" "1184 4 128 3 timeline" \
	"--hide main: site_same's two stacks merge, the totals stay"
"$S" -F json -n all --hide '^main ' old.json | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
s = [p for p in d["top"] if any("site_same" in f for f in p["frames"])]
print(len(s), s[0]["tb"], s[0]["tbk"], s[0]["eb"], s[0]["frame_count"])' >same.out
is "$(cat same.out)" "1 128 2 128 2" \
	"--hide main: one site_same of 128 bytes in 2 blocks, 2 frames"
is "$(figures --hide .)" "1184 4 128 4 timeline" \
	"--hide everything: each stack keeps its outermost frame"

# Accepted leaks: a suppressions file.
printf '# known leaks\n\n  leak:^site_same \n' >accepted.supp
is "$(figures --suppressions=accepted.supp)" "1184 4 0 4 timeline" \
	"--suppressions: site_same's blocks are not live at t-end"
expect_exit 1 "tend-bytes>0 without suppressions: exceeded" -- \
	"$S" --fail-if 'tend-bytes>0' old.json
expect_exit 0 "tend-bytes>0 with the leaks accepted: kept" -- \
	"$S" --fail-if 'tend-bytes>0' --suppressions=accepted.supp old.json
is "$(figures --suppressions=accepted.supp --focus grow)" "1024 1 0 1 -" \
	"--suppressions with --focus"

# A budget on one component.
expect_exit 1 "a budget on site_grow: exceeded" -- "$D" --focus site_grow \
	--fail-if 'tb>+2000' old.json more.json
is "$(grep '^Total (bytes)' out | tr -s ' ')" \
	"Total (bytes) 1,024 3,072 +2,048 +200%" "  site_grow's totals only"
expect_exit 0 "a budget on site_same: kept" -- "$D" --focus site_same \
	--fail-if 'tb>0' old.json more.json
is "$(grep '^Program points' out)" \
	"Program points: 2 in old, 2 in new; 2 stacks matched by function and file" \
	"  site_same's two sites only"

# dhat-merge writes the part kept.
expect_exit 0 "merge --exclude" -- "$M" -o part.json --exclude site_gone \
	old.json
is "$("$S" -F json part.json | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin); print(d["totals"]["tb"], d["program_points"])')" \
	"1152 3" "merge --exclude: 1,152 bytes in 3 program points"
if have_viewer; then
	view_check part.json
	ok $? "merge --exclude: the viewer loads it"
else
	skip "merge --exclude: the viewer loads it" "no node or dh_view.js"
fi

# Usage errors: one message, exit 2.
expect_exit 2 "a bad expression" -- "$S" --focus '(' old.json
like "$(head -n 1 err)" \
	"^dhat-summarize: invalid regular expression '\\(' in --focus: " \
	"  named, with the reason"
printf 'leak:a\nrace:b\n' >bad.supp
expect_exit 2 "a bad suppression" -- "$D" --suppressions=bad.supp old.json old.json
is "$(head -n 1 err)" "dhat-diff: bad.supp:2: expected leak:REGEX" \
	"  its file and line"
expect_exit 2 "a missing suppressions file" -- "$M" -o x.json \
	--suppressions=none.supp old.json
is "$(head -n 1 err)" \
	"dhat-merge: --suppressions: none.supp: No such file or directory" \
	"  named"
[ ! -e x.json ]
ok $? "  and no output written"

done_testing
