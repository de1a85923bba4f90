#!/bin/sh
# 4026-run-heap-untouched: the profiler keeps its tables (program points
# and their stacks, unwind rules, stack caches) out of the program's
# heap, so the program's allocator behaves as it does without it: the
# bytes held in use after the program freed its blocks, and glibc's
# choice to map a 200 KiB block apart, which a freed mapping of the
# profiler's would change.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 5

"$PROG/run-heap-own" >plain.out
ok $? "run-heap-own runs plain"
expect_exit 0 "run-heap-own runs under dhat-run" -- \
	"$RUN" --quiet -o own.json "$PROG/run-heap-own"
is "$(cat out)" "$(cat plain.out)" \
	"the program sees the same heap under dhat-run"
is "$(field own.json npps)" 4099 "4,099 program points"
is "$(figures own.json)" "274433 4099 208896 2 4096 1" \
	"4,096 blocks of 16 bytes, 1 byte, 200 KiB, stdout's buffer at the end"

done_testing
