#!/bin/sh
# SPDX-License-Identifier: MIT
# fork, 50 times, while eight threads allocate and free: no deadlock (a
# watchdog in parent and children, and timeout(1)), and in each child the
# figures grow by exactly what the child allocates.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-fork
S=$abs_top_builddir/dhat-summarize
run() {
	if command -v timeout >/dev/null; then timeout 150 "$@"; else "$@"; fi
}

run "$P" fork.json >out 2>err
is "$?" 0 "finished, exit 0"
is "$(cat out)" "children with wrong figures or no clean exit: 0 of 50" \
    "every child's figures exact"
is "$(grep -c '^dhat: The data has been saved to fork.json' err)" 1 \
    "the parent wrote its profile, the children none"
expect_exit 0 "the profile reads" -- "$S" fork.json
done_testing
