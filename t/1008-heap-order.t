#!/bin/sh
# 1008-heap-order: threads that log their operations separately, ordered
# by barriers: the peak and every program point's share of it are the
# ones the program's order gives (the program checks its statistics).
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 9
"$builddir_t/prog/heap-order" order.json >prog.out 2>prog.err
prog_ok $? "heap-order: its own checks pass"
is "$(pp order.json --check)" ok "the profile is well formed"
is "$(pp order.json site_a)" \
	"tb=15000 tbk=1500 mb=15000 mbk=1500 gb=15000 gbk=1500 eb=0 ebk=0" \
	"A's blocks: all live at the peak"
is "$(pp order.json site_b)" \
	"tb=5000 tbk=5 mb=5000 mbk=5 gb=5000 gbk=5 eb=0 ebk=0" \
	"B's blocks, freed by A: all live at the peak"
is "$(pp order.json site_c)" \
	"tb=7000 tbk=1 mb=7000 mbk=1 gb=0 gbk=0 eb=0 ebk=0" \
	"the big block, after the peak"
is "$(pp order.json site_d)" \
	"tb=100 tbk=100 mb=100 mbk=100 gb=0 gbk=0 eb=50 ebk=50" \
	"the blocks of a thread that ended with them in its log"
is "$(pp order.json site_e)" \
	"tb=800 tbk=400 mb=800 mbk=400 gb=0 gbk=0 eb=0 ebk=0" \
	"a later thread's blocks"
is "$(pp order.json --all | grep -c "gb=0 gbk=0 eb=0 ebk=0")" 5 \
	"X, Y and Z (phase 0) and the later blocks: none at the peak"
is "$(pp order.json --top | sed 's/.* pps=[0-9]* //')" \
	"tb=29220 tbk=2012 mb=29100 mbk=2009 gb=20000 gbk=1505 eb=50 ebk=50" \
	"the sums"
done_testing
