#!/bin/sh
# 1003-heap-threads: four threads allocating at once, then 48; exact
# totals (the program's own checks) and a consistent profile.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 10
"$builddir_t/prog/heap-threads" threads.json >prog.out 2>prog.err
prog_ok $? "heap-threads: its own checks pass"
is "$(pp threads.json --check)" ok "the profile's stacks are well formed"
# 4 x (sum over i < 20000 of (i % 64 + 1), + 2858 reallocs of 8, + 1000)
is "$(pp threads.json --top | sed 's/.* pps=[0-9]* //; s/ mb=.*//')" \
	"tb=2693408 tbk=91436" "the PPs add up to the totals"
is "$(pp threads.json --top | sed 's/.* eb=/eb=/')" "eb=4000 ebk=4" \
	"four blocks live at the end"

# 48 threads on a machine of a few cores: many are preempted with
# operations in their logs, and the merge moves among more logs than it
# keeps track of.  Their order must still hold: a free applied before its
# block's allocation would leave that block live to the end.
timeout 300 "$builddir_t/prog/heap-threads" threads48.json 48 \
    >prog48.out 2>prog48.err
prog_ok $? "heap-threads with 48 threads: no hang, its own checks pass"
is "$(pp threads48.json --top | sed 's/.* pps=[0-9]* //; s/ mb=.*//')" \
	"tb=32320896 tbk=1097232" "... the PPs add up to the totals"
is "$(pp threads48.json --top | sed 's/.* eb=/eb=/')" "eb=48000 ebk=48" \
	"... and 48 blocks are live at the end"

# Profilers started and dropped while other threads keep allocating.
timeout 300 "$builddir_t/prog/heap-churn" churn.json >churn.out 2>churn.err
st=$?
ok $st "heap-churn: 20 profilers across busy threads"
[ $st -eq 0 ] || sed 's/^/#   /' churn.out churn.err | head -n 40
is "$(pp churn.json --check)" ok "the last profile is well formed"
like "$(pp churn.json churn_site)" "^tb=10000 tbk=1000 " \
	"... and has exactly the main thread's blocks at its site"
done_testing
