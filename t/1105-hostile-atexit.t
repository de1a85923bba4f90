#!/bin/sh
# SPDX-License-Identifier: MIT
# Allocation after the profile was written, in atexit handlers and in a
# destructor: ignored, no crash, the program's exit status kept.  Dropped
# in main, or from an atexit handler (profiling to the very end).
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-atexit
S=$abs_top_builddir/dhat-summarize

expect_exit 7 "dropped in main: the program's exit status" -- \
    "$P" main.json main
is "$(cat out)" "done" "dropped in main: the program's output"
is "$(grep '^dhat: \(Total\|At t-end\)' err)" \
"dhat: Total:     1,024 bytes in 2 blocks
dhat: At t-end:  1,000 bytes in 1 blocks" \
    "dropped in main: only what came before the drop"
expect_exit 0 "dropped in main: the profile reads" -- "$S" main.json

expect_exit 7 "dropped at exit: the program's exit status" -- \
    "$P" atexit.json atexit
is "$(grep '^dhat: \(Total\|At t-end\)' err)" \
"dhat: Total:     1,024 bytes in 2 blocks
dhat: At t-end:  1,000 bytes in 1 blocks" \
    "dropped at exit: the later handler and the destructor ignored"
is "$(grep -c '^dhat: The data has been saved' err)" 1 \
    "dropped at exit: written once"
expect_exit 0 "dropped at exit: the profile reads" -- "$S" atexit.json
done_testing
