#!/bin/sh
# dhat-run --mode=ad-hoc: the events of a program that declares
# dhat_ad_hoc_event weak, its own file name, and snapshots.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 14

expect_exit 0 "the program runs alone (no events)" -- "$PROG/run-adhoc"

expect_exit 0 "--mode=ad-hoc" -- "$RUN" --mode=ad-hoc "$PROG/run-adhoc"
f=$(profiles)
like "$f" '^dhat-ad-hoc\.[0-9]+\.json$' "  named dhat-ad-hoc.PID.json"
is "$(field "$f" mode)" ad-hoc "  mode ad-hoc"
is "$(figures "$f" | cut -d' ' -f1-2)" "40 5" "  40 units in 5 events"
is "$(figures "$f" cache_miss | cut -d' ' -f1-2)" "30 3" \
	"  cache_miss: 30 in 3"
is "$(figures "$f" page_fault | cut -d' ' -f1-2)" "10 2" \
	"  page_fault: 10 in 2"
like "$(sed -n 1p err)" '^dhat: Total:     40 units in 5 events$' \
	"  the summary counts units and events"
if have_viewer; then
	view_check "$f"
	ok $? "  the viewer loads it"
else
	skip "  the viewer loads it" "no node or dh_view.js"
fi
rm -f ./*.json

expect_exit 0 "DHAT_MODE=ad-hoc without dhat-run" -- \
	env LD_PRELOAD="$DHAT_PRELOAD" DHAT_RUN=1 DHAT_MODE=ad-hoc \
	DHAT_OUTPUT=a.json DHAT_QUIET=1 "$PROG/run-adhoc"
is "$(figures a.json | cut -d' ' -f1-2)" "40 5" "  the same events"
rm -f ./*.json

# A snapshot from the next event after the signal.
rm -f stop ready
"$RUN" --quiet --mode=ad-hoc -o ah.json "$PROG/run-adhoc" stop >ready &
run_pid=$!
wait_for ready 20
kill -USR2 "$(sed -n 's/^ready //p' ready)"
wait_for ah.snapshot-1.json 20
ok $? "a snapshot of an ad hoc profile"
: >stop
wait "$run_pid"
is "$?" 0 "  the program went on and exited 0"
set -- $(figures ah.snapshot-1.json cache_miss)
is "$1 $2" "30 3" "  the snapshot has the events so far"

done_testing
