#!/bin/sh
# Snapshots: a signal makes a running program write its profile so far to
# NAME.snapshot-N.json and go on; the final profile is unchanged by it.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 25

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
is "$(profiles | wc -l)" 0 "  no snapshot, no profile"

# dhat-run passes SIGTERM on; a program killed by a signal writes no
# profile, and dhat-run exits with 128 + the signal.
start_wait --quiet -o term.json
kill -TERM "$run_pid"
wait "$run_pid"
is "$?" 143 "SIGTERM to dhat-run: exit status 143"
kill -0 "$prog_pid" 2>/dev/null
is "$?" 1 "  the program got it too and is gone"
: >stop
is "$(profiles | wc -l)" 0 "  a program killed by a signal writes nothing"
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
