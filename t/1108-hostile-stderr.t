#!/bin/sh
# SPDX-License-Identifier: MIT
# A program that closes its standard error: the summary lines are lost
# quietly and the profile is still written.  One that then opens a file
# that gets descriptor 2: libdhat writes only to the file that was the
# standard error when the profiler started (device and inode compared),
# so the program's file holds only the program's data.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-stderr
S=$abs_top_builddir/dhat-summarize

expect_exit 0 "stderr closed: exit 0" -- "$P" closed.json close
expect_exit 0 "stderr closed: the profile is written" -- "$S" --top=10 closed.json
like "$(cat out)" 'Total: +123 bytes in 1 blocks' "stderr closed: its figures"

expect_exit 0 "descriptor 2 reused: exit 0" -- "$P" reused.json reuse mine.txt
is "$(cat mine.txt)" "program data
more data" "descriptor 2 reused: the program's file has only its data"
is "$(cat err)" "" "descriptor 2 reused: nothing on the old stderr either"
expect_exit 0 "descriptor 2 reused: the profile is written" -- "$S" --top=10 reused.json
done_testing
