#!/bin/sh
# 1007-heap-valgrind: the same deterministic program profiled by libdhat
# and by Valgrind's DHAT: totals, t-gmax and t-end agree (the program has
# no zero-sized allocation, the one documented difference).
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${VALGRIND:-}" ] && [ -x "$VALGRIND" ] || skip_all "valgrind not found"
[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 5
"$builddir_t/prog/vgcmp-dhat" ours.json >ours.out 2>ours.err
ok $? "the libdhat build runs"
"$VALGRIND" --tool=dhat --dhat-out-file=vg.json \
	"$builddir_t/prog/vgcmp-plain" >vg.out 2>vg.err
ok $? "the plain build runs under valgrind"
# Valgrind's own summary lines against ours.
sed -n 's/^==[0-9]*== \(Total\|At t-gmax\|At t-end\): *\([0-9,]*\) bytes in \([0-9,]*\) blocks$/\1 \2 \3/p' vg.err >vg.sum
sed -n 's/^dhat: \(Total\|At t-gmax\|At t-end\): *\([0-9,]*\) bytes in \([0-9,]*\) blocks$/\1 \2 \3/p' ours.err >ours.sum
is "$(wc -l <vg.sum | tr -d ' ')" 3 "valgrind printed its three lines"
cmp_golden ours.sum vg.sum "Total, At t-gmax and At t-end agree"
# The profiles' sums agree too (not mb, which Valgrind computes otherwise).
sums() { pp "$1" --top | sed 's/.* pps=[0-9]* //; s/mb=[0-9]* mbk=[0-9]* //'; }
is "$(sums ours.json)" "$(sums vg.json)" "tb tbk gb gbk eb ebk of the PPs agree"
done_testing
