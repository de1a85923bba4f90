#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff on the profiles of Valgrind's DHAT and of the Rust crate: a
# file against itself shows zero everywhere and keeps every budget; files
# of different writers are compared when their modes agree, with a
# warning when their time units differ.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
D=$srcdir_t/data

plan 22

cp "$D/valgrind-heap.json" vh.json
cp "$D/valgrind-ad-hoc.json" va.json
cp "$D/dhat-rs-heap.json" rh.json
cp "$D/dhat-rs-ad-hoc.json" ra.json

# Valgrind against itself, with a budget of no growth on every total.
set --
for m in total-bytes total-blocks tgmax-bytes tgmax-blocks tend-bytes \
    tend-blocks reads writes; do
	set -- "$@" "--fail-if=$m>0"
done
expect_exit 0 "valgrind vs itself: every budget kept" -- "$S" "$@" vh.json vh.json
cp out self.txt
is "$(cat err)" "" "valgrind vs itself: nothing on stderr"
is "$(sed -n '/^Total (bytes)/,/^Writes/p' self.txt | awk '{ print $(NF-1), $NF }' | sort -u)" \
	"0 0%" "valgrind vs itself: all eight totals, zero deltas"
is "$(sed -n '/^Total (bytes)/,/^Writes/p' self.txt | wc -l | tr -d ' ')" 8 \
	"valgrind vs itself: totals with reads and writes"
is "$(grep -E '^(Changed|New|Gone) by' self.txt | tr '\n' '|')" \
	"Changed by Total (bytes) (0)|New by Total (bytes) (0)|Gone by Total (bytes) (0)|" \
	"valgrind vs itself: no changed, new or gone PP"
is "$(grep -c '^  ok ' self.txt)" 8 "valgrind vs itself: eight budgets ok"
"$S" -u vh.json vh.json >u.txt
is "$(grep -c '^PP [0-9]/5: 0 bytes (0%)$' u.txt)" 5 \
	"--unchanged: five sites, each with delta 0"
is "$(grep -c '^  Summed' u.txt)" 0 \
	"--unchanged: work's call sites of malloc told apart by line"
"$S" -u -m address vh.json vh.json >a.txt
is "$(grep '^Program points' a.txt)" \
	"Program points: 5 in old, 5 in new; 5 stacks matched by whole frame" \
	"--match=address: every PP matches itself"
"$S" -u -s reads vh.json vh.json >r.txt
ok $? "--sort=reads on a file with accesses"
if [ -n "${PYTHON3:-}" ]; then
	"$S" -F json -u -m line vh.json vh.json >self.json
	"$PYTHON3" - self.json >py.out <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
ds = [d["totals"]["delta"]] + [c["delta"] for c in d["changed"]]
print(len(ds), sorted(set(v for x in ds for v in x.values())),
      d["matched"], d["new_count"], d["gone_count"])
EOP
	is "$(cat py.out)" "6 [0] 5 0 0" "JSON: every delta of every PP is 0"
else
	skip "JSON: every delta of every PP is 0" "python3 not found"
fi

# The Rust crate's heap file against Valgrind's: same kind of mode.
expect_exit 0 "rust-heap vs heap: compared" -- "$S" rh.json vh.json
is "$(cat err)" "dhat-diff: warning: time units differ (rh.json: 'µs', vh.json: 'instrs'); lifetimes and times are not comparable" \
	"rust-heap vs heap: the time units differ"
is "$(grep '^Total (bytes)' out | tr -s ' ')" \
	"Total (bytes) 1,236,173 255 -1,235,918 -99.98%" "rust-heap vs heap: totals"
is "$(grep '^At t-end (bytes)' out | tr -s ' ')" \
	"At t-end (bytes) 0 10 +10 +∞%" "rust-heap vs heap: growth from 0"
ok "$(grep -c '^Reads' out)" "rust-heap vs heap: no reads (the crate records none)"
expect_exit 0 "rust-heap vs itself: no warning" -- "$S" rh.json rh.json
is "$(cat err)" "" "rust-heap vs itself: nothing on stderr"

# Ad hoc files, in their units.
expect_exit 0 "ad-hoc vs rust-ad-hoc: compared" -- "$S" va.json ra.json
is "$(grep -E '^Total' out | tr -s ' ' | tr '\n' '|')" \
	"Total (units) 13 103 +90 +692.31%|Total (events) 3 2 -1 -33.33%|" \
	"ad hoc: units and events, no t-gmax or t-end"
expect_exit 1 "ad hoc: a budget in units" -- "$S" --fail-if='tb>+89' va.json ra.json
is "$(tail -n 1 err)" "dhat-diff: budget exceeded: total-bytes grew by 90 units (+692.31%), limit +89" \
	"ad hoc: the breach in units"

done_testing
