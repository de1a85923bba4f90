#!/bin/sh
# Snapshots: a signal makes a running program write its profile so far to
# NAME.snapshot-N.json and go on; the final profile is unchanged by it.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 40

# start_wait [OPTIONS]: run-wait under dhat-run in the background, with
# its pid in $prog_pid and dhat-run's in $run_pid; 1 if it never starts.
start_wait() {
	rm -f stop ready
	"$RUN" "$@" "$PROG/run-wait" stop >ready 2>err &
	run_pid=$!
	wait_for ready 20 || return 1
	prog_pid=$(sed -n 's/^ready //p' ready)
}

# finish_wait: let it end, its exit status in $status.
finish_wait() {
	: >stop
	wait "$run_pid"
	status=$?
}

start_wait --time-unit=bytes -o snap.json
ok $? "run-wait started"
kill -USR2 "$prog_pid"
wait_for snap.snapshot-1.json 20
ok $? "SIGUSR2 to the program: snap.snapshot-1.json"
kill -USR2 "$run_pid"
wait_for snap.snapshot-2.json 20
ok $? "SIGUSR2 to dhat-run is passed on: snap.snapshot-2.json"
finish_wait
is "$status" 0 "the program went on and exited 0"
ok $([ -s snap.json ]; echo $?) "the final profile is written at exit"
is "$(field snap.snapshot-1.json pid) $(field snap.snapshot-2.json pid)" \
	"$prog_pid $prog_pid" "the snapshots are the program's (pid)"
for n in 1 2; do
	is "$(figures snap.snapshot-$n.json hold)" "5000 5 5000 5 5000 5" \
		"snapshot $n: the 5 held blocks are live at its t-end"
done
is "$(figures snap.json hold)" "5000 5 5000 5 0 0" \
	"final: freed by the end"
set -- $(figures snap.snapshot-1.json tick)
ok $([ "${1:-0}" -gt 0 ] && [ "$5" = 0 ]; echo $?) \
	"snapshot 1 has the ticks so far (${1:-})"
# In bytes, every lifetime is known: the held blocks were born at 1,000 ..
# 5,000 and died together when 5,000 + 16 x ticks bytes were allocated.
ticks=$(( $(figures snap.json tick | cut -d' ' -f1) / 16 ))
is "$(field snap.json tl hold)" "$((10000 + 80 * ticks))" \
	"final lifetimes are exact: the snapshots changed nothing"
grep -c 'The data has been saved to' err >count
is "$(cat count)" 3 "each snapshot and the end say where they saved"
if have_viewer; then
	view_check snap.snapshot-1.json
	ok $? "the viewer loads a snapshot"
else
	skip "the viewer loads a snapshot" "no node or dh_view.js"
fi
rm -f ./*.json

start_wait --quiet --signal=USR1 -o u1.json
kill -USR1 "$prog_pid"
wait_for u1.snapshot-1.json 20
ok $? "--signal=USR1"
finish_wait
is "$status" 0 "  the program exits 0"
rm -f ./*.json

start_wait --quiet --signal=none -o none.json
kill -USR2 "$prog_pid"
finish_wait
is "$status" 140 "--signal=none: SIGUSR2 has its default action (140)"
is "$(profiles)" none.json "  no snapshot; the profile, as the signal ended it"
is "$(field none.json end)" "signal SIGUSR2 12" "  ... recorded"
rm -f ./*.json

# dhat-run passes SIGTERM on; a program killed by a signal writes its
# profile, and dhat-run exits with 128 + the signal.
start_wait --quiet -o term.json
kill -TERM "$run_pid"
wait "$run_pid"
is "$?" 143 "SIGTERM to dhat-run: exit status 143"
kill -0 "$prog_pid" 2>/dev/null
is "$?" 1 "  the program got it too and is gone"
: >stop
is "$(profiles)" term.json "  a program killed by a signal writes its profile"
is "$(field term.json end)" "signal SIGTERM 15" "  ... ended by SIGTERM"
rm -f ./*.json

# Snapshots while another thread loads libraries: the loader allocates
# under its own lock, and the symbolizer needs that lock.
lib=$(loadable_lib) || lib=
if [ -n "$lib" ]; then
	expect_exit 0 "10 requests while a thread dlopens $lib: no deadlock" \
		-- timeout 120 "$RUN" --quiet -o dl.json "$PROG/run-dlopen" \
		"$lib" 10
	is "$(cat err)" "" "  no snapshot failed"
	n=0
	for f in dl.snapshot-*.json; do
		[ "$(figures "$f")" != unreadable ] && n=$((n + 1))
	done
	# Requests that arrive while one is being taken are merged.
	ok $([ "$n" -ge 1 ] && [ "$n" = "$(ls dl.snapshot-*.json | wc -l)" ]
		echo $?) "  $n snapshots, all readable"
else
	skip "snapshots while a thread dlopens" "no library to load"
	skip "  no snapshot failed" "no library to load"
	skip "  all readable" "no library to load"
fi
rm -f ./*.json

# The program never sees a snapshot: no fork (its fork handlers, which
# take a mutex it holds while it allocates, would deadlock), no child, no
# SIGCHLD; a thread cancelled while it writes one leaves the next ones
# working.
expect_exit 0 "snapshots unseen by the program" -- \
	timeout 120 "$RUN" --quiet -o unseen.json "$PROG/run-unseen"
is "$(cat out)" "atfork handlers run: 0
SIGCHLD received: 0
waitpid(-1): ECHILD
cancelled: yes" "  no fork, no child, no SIGCHLD"
is "$(field unseen.snapshot-1.json partial)" True \
	"  snapshot 1, taken inside the mutex, marked partial"
is "$(figures unseen.snapshot-2.json keep)" "4000 1 4000 1 4000 1" \
	"  snapshot 2 holds the block made while it was being taken"
ok $([ -s unseen.snapshot-3.json ]; echo $?) \
	"  snapshot 3 after a cancelled thread"
is "$(field unseen.json end)" "exit 0" "  the final profile"
"$abs_top_builddir/dhat-summarize" unseen.snapshot-1.json >summary 2>&1
grep -q '^Partial: *written while the process was running$' summary
ok $? "  dhat-summarize says a snapshot is partial"
rm -f ./*.json

# --interval: the profile is rewritten while the program runs, so that
# SIGKILL leaves the latest state under its name.
start_wait --quiet --interval=0.1 -o iv.json
wait_for iv.json 20
ok $? "--interval=0.1: the profile appears while the program runs"
sleep 1
kill -KILL "$prog_pid"
wait "$run_pid"
is "$?" 137 "  SIGKILL: exit status 137"
is "$(figures iv.json hold)" "5000 5 5000 5 5000 5" \
	"  the profile left behind holds the live blocks"
is "$(field iv.json partial)" True "  ... marked partial"
set -- $(figures iv.json tick)
ok $([ "${1:-0}" -ge 800 ]; echo $?) \
	"  rewritten at least once after the first ($1 bytes of ticks)"
start_wait --quiet --interval=0.1 -o iv2.json
wait_for iv2.json 20
finish_wait
is "$(field iv2.json partial) $(field iv2.json end)" " exit 0" \
	"  the final profile replaces the rewrites"
rm -f ./*.json

# A signal the program's parent ignores stays ignored: not taken over.
(
	trap '' USR2
	start_wait --quiet -o ign.json
	kill -USR2 "$prog_pid"
	sleep 0.3
	finish_wait
	exit "$status"
)
is "$?" 0 "an ignored SIGUSR2 stays ignored"
is "$(profiles | tr '\n' ' ')" "ign.json " "  no snapshot"

done_testing
