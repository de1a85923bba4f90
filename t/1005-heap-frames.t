#!/bin/sh
# 1005-heap-frames: stack trimming.  An allocation 21 calls below main:
# 10 frames by default, max(n, 4) with trim_backtraces(n), every frame down
# to main with DHAT_FRAMES_ALL; the allocator frame counts.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 8
run() {
	"$builddir_t/prog/heap-frames" "$@" >prog.out 2>prog.err
	ok $? "heap-frames $*: runs"
}
run default.json
is "$(pp default.json --frames leaf)" \
	"malloc leaf deep deep deep deep deep deep deep deep" "default: 10 frames"
run two.json 2
is "$(pp two.json --frames leaf)" "malloc leaf deep deep" \
	"trim_backtraces(2): 4 frames"
run twelve.json 12
is "$(pp twelve.json --frames leaf | wc -w | tr -d ' ')" 12 \
	"trim_backtraces(12): 12 frames"
run all.json all
is "$(pp all.json --frames leaf)" \
	"malloc leaf deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep deep main" \
	"DHAT_FRAMES_ALL: every frame down to main, nothing below"
done_testing
