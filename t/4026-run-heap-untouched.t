#!/bin/sh
# 4026-run-heap-untouched: the profiler keeps its memory out of the
# program's heap (its tables of program points and their stacks, unwind
# rules and stack caches, and what it allocates while it sets up before
# main), so the program's allocator behaves as it does without it: where
# the program's first block lies and the bytes in use with it, the bytes
# held in use after the program freed its blocks, and glibc's choice to
# map a 200 KiB block apart, which a freed mapping of the profiler's
# would change.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

plan 5

"$PROG/run-heap-own" >plain.out
ok $? "run-heap-own runs plain"
expect_exit 0 "run-heap-own runs under dhat-run" -- \
	"$RUN" --quiet -o own.json "$PROG/run-heap-own"
is "$(cat out)" "$(cat plain.out)" \
	"the program sees the same heap under dhat-run"
if have_python; then
	is "$(field own.json npps)" 4098 "4,098 program points"
	is "$(figures own.json)" "270337 4098 204800 1 0 0" \
		"4,096 blocks of 16 bytes, 1 byte and 200 KiB, all freed"
else
	skip "4,098 program points" "python3 is needed to read the profile"
	skip "the figures" "python3 is needed to read the profile"
fi

done_testing
