#!/bin/sh
# Threads under dhat-run: exact figures when four threads allocate at
# once, and fork from a threaded program neither deadlocks nor mixes the
# children's profiles with the parent's.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 9

# The workers' program point: 80,000 blocks, 5,240,000 bytes, 40 blocks of
# 262 bytes in all live at the end.  (gb depends on the interleaving.)
expect_exit 0 "four threads allocating at once" -- \
	timeout 120 "$RUN" --quiet -o threads.json "$PROG/run-threads"
set -- $(figures threads.json worker)
is "$1 $2 $5 $6" "5240000 80000 2620 40" "  exact totals and t-end"
ok $([ "${3:-0}" -ge 2620 ] && [ "${3:-0}" -le 10480 ]; echo $?) \
	"  t-gmax between t-end and 4 x 20 blocks in flight (${3:-})"
rm -f ./*.json

for i in 1 2 3; do
	timeout 120 "$RUN" --quiet -o "t$i.json" "$PROG/run-threads" || :
	set -- $(figures "t$i.json" worker)
	echo "$1 $2 $5 $6"
done | sort -u >runs
is "$(cat runs)" "5240000 80000 2620 40" "  the same in three more runs"
rm -f ./*.json

expect_exit 0 "fork while four threads allocate: no deadlock" -- \
	timeout 120 "$RUN" --quiet -o 'tf-%p.json' "$PROG/run-threads" fork
is "$(profiles | wc -l)" 6 "  six profiles: the parent and five children"
n=0
for f in $(profiles); do
	if [ "$(figures "$f")" = "3000 3 3000 3 3000 3" ] &&
	   [ "$(figures "$f" fork_child)" = "3000 3 3000 3 3000 3" ]; then
		n=$((n + 1))
	fi
done
is "$n" 5 "  each child has its own 3 blocks and nothing else"
parent=$(for f in $(profiles); do
	[ "$(figures "$f" fork_child)" = "0 0 0 0 0 0" ] && echo "$f"; done)
set -- $(figures "$parent" worker)
is "$1 $2 $5 $6" "5240000 80000 2620 40" "  the parent's workers: exact"
is "$(figures "$parent" fork_child)" "0 0 0 0 0 0" \
	"  nothing of the children's in the parent's"

done_testing
