#!/bin/sh
# SPDX-License-Identifier: MIT
# A thread calls exit() while main waits in pthread_join; the profiler is
# dropped by an atexit handler, on that thread.  The profile is written
# once, with both threads' allocations, and the exit status is the
# thread's.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-thread-exit
S=$abs_top_builddir/dhat-summarize

expect_exit 5 "the exiting thread's status" -- "$P" te.json
is "$(grep -c '^dhat: The data has been saved to te.json' err)" 1 \
    "written once"
# main: 1000 (freed), 10 (live); the thread: 300 (live), 200 (freed);
# pthread_create: one block for the thread's TLS, live.
like "$(grep '^dhat: Total' err)" ' in 5 blocks$' "five blocks in all"
like "$(grep '^dhat: At t-end' err)" ' in 3 blocks$' "three live at the end"
expect_exit 0 "the profile reads" -- "$S" --top=10 te.json
like "$(cat out)" 'Total: +[0-9,]+ bytes in 5 blocks' \
    "dhat-summarize sees the five"
done_testing
