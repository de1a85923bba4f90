#!/bin/sh
# SPDX-License-Identifier: MIT
# Signal handlers that call malloc and free, on a thread inside libdhat
# (the thread's guard sends them straight to glibc, uncounted) and on
# threads outside it (they wait for the lock): the program finishes (a
# watchdog alarm and timeout(1) end a deadlock), its figures are the
# loops' allocations plus at most the handlers', and the profile reads.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-signal
S=$abs_top_builddir/dhat-summarize
run() {
	if command -v timeout >/dev/null; then timeout 150 "$@"; else "$@"; fi
}

for i in 1 2 3; do
	run "$P" sig$i.json 200000 >out 2>err
	is "$?" 0 "run $i: finished, exit 0"
	is "$(cat out)" "loop blocks: 400000
handled: yes
counted at least the loops: yes
counted at most loops + handlers + 64: yes" "run $i: the program's own figures"
done
expect_exit 0 "the profile reads" -- "$S" sig3.json
done_testing
