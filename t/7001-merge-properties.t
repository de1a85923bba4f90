#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-merge on real profiles (Valgrind's and the Rust crate's samples,
# fresh libdhat profiles of two runs with partly the same stacks):
# merging one file changes no figure, merging a file with itself doubles
# every count and peak, the order of the inputs does not matter, totals
# are the inputs' sums, and the viewer and dhat-summarize load the result.
# t/mergecheck.py is the independent model the results are checked with.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

M=$abs_top_builddir/dhat-merge
S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data
mc() { "$PYTHON3" "$srcdir_t/mergecheck.py" "$@"; }
field() { mc field "$@"; }
npps() { mc field "$1" pps; }

# Fresh libdhat profiles: two runs of one program (different load
# addresses, some stacks in common) and another program.
"$builddir_t/prog/merge-work" l1.json cckaa 2>l1.err &&
"$builddir_t/prog/merge-work" l2.json ckkbb 2>l2.err &&
"$builddir_t/prog/heap-basic" basic.json >basic.out 2>basic.err
if [ $? -ne 0 ]; then
	echo "Bail out! the test programs failed"
	exit 1
fi
cp "$D/valgrind-heap.json" V.json
cp "$D/gen-400.json" G.json
cp "$D/dhat-rs-heap.json" R.json
cp "$D/valgrind-ad-hoc.json" VA.json
cp "$D/dhat-rs-ad-hoc.json" RA.json

# Merging one file: same figures per stack (without addresses) and the
# same header.  dhat-summarize shows exactly what it shows for the input
# when no two of its stacks differ only in addresses, and always with -a.
for f in V G R VA RA l1 basic; do
	"$M" -o $f.one.json $f.json
	mc canon $f.json >want
	mc canon $f.one.json >got
	cmp_golden got want "$f: merging one file keeps every figure"
	"$M" -a -o $f.onea.json $f.json
	"$S" --top=100000 $f.json >want
	"$S" --top=100000 $f.onea.json >got
	cmp_golden got want "$f: with -a, dhat-summarize shows the same"
	case $f in R|VA) continue ;; esac
	"$S" --top=100000 $f.one.json >got
	cmp_golden got want "$f: dhat-summarize shows the same"
done
# The Rust sample's f(1), f(2), f(3) are three addresses of main.rs:28:30
# (an unrolled loop); Valgrind's ad hoc sample has two calls on line 25.
is "$(npps R.json) $(npps R.one.json) $(npps R.onea.json)" "6 4 6" \
	"R: the unrolled loop's three PPs are one, except with -a"
want='main.rs:28:30)	tb=6 tbk=3 tl=0 mb=6 mbk=3 gb=3 gbk=1 eb=0 ebk=0$'
is "$(mc canon R.one.json | grep -c "$want")" 1 \
	"R: ... with counts and peaks added"
is "$(npps VA.json) $(npps VA.one.json) $(npps VA.onea.json)" "3 2 3" \
	"VA: two calls on one line are one PP, except with -a"

# A file with itself: every count and every peak doubles (acc latched).
for f in V G R VA RA l1; do
	"$M" -o $f.two.json $f.json $f.json
	mc canon --scale 2 $f.json >want
	mc canon $f.two.json >got
	cmp_golden got want "$f: merged with itself, counts and peaks double"
done
"$S" --top=1 V.two.json | grep -E '^(Total|At t-gmax|At t-end|Reads|Writes):' >got
cat >want <<'EOW'
Total:     510 bytes in 16 blocks
At t-gmax: 328 bytes in 4 blocks
At t-end:  20 bytes in 2 blocks
Reads:     64 bytes
Writes:    264 bytes
EOW
cmp_golden got want "V twice: the totals Valgrind printed, doubled"
is "$(field V.two.json te) $(field V.two.json tg) $(field V.two.json cmd)" \
	"153743 147920 ./prog a1 b c" "V twice: te, tg and command unchanged"

# Order does not matter; the result is the model's merge, and the totals
# are the inputs' sums.
for pair in "V G" "l1 l2" "R l1" "l1 l2 basic" "VA VA" "RA RA"; do
	set -- $pair
	name=$(echo "$pair" | tr ' ' +)
	"$M" -o "$name.json" $(for f; do echo $f.json; done)
	"$M" -o "$name.rev.json" $(for f; do echo $f.json; done | sort -r)
	mc canon "$name.json" >ab
	mc canon "$name.rev.json" >ba
	cmp_golden ba ab "$name: the same figures in either order"
	mc canon $(for f; do echo $f.json; done) >want
	cmp_golden ab want "$name: the model's merge"
	mc totals "$name.json" >got
	mc totals $(for f; do echo $f.json; done) >want
	cmp_golden got want "$name: totals are the inputs' sums"
	expect_exit 0 "$name: dhat-summarize reads it" -- \
		"$S" --tree "$name.json"
	if have_viewer; then
		view_check "$name.json"
		ok $? "$name: the viewer loads it"
		grep '^ERROR' view.out | sed 's/^/# /'
	else
		skip "$name: the viewer loads it" "no viewer"
	fi
done

# A merged profile merges again: (l1 + l2) + basic is l1 + l2 + basic.
"$M" -o nested.json l1+l2.json basic.json
mc canon nested.json >got
mc canon l1+l2+basic.json >want
cmp_golden got want "a merged profile is an input like any other"

# The two runs share the 'c' and 'k' stacks, at other addresses (unless
# ASLR is off): 3 + 3 program points make 4.
is "$(npps l1.json) $(npps l2.json) $(npps l1+l2.json)" "3 3 4" \
	"l1+l2: shared stacks are combined"
want='tb=300 tbk=3 .*mb=300 mbk=3 .*eb=300 ebk=3$'
is "$(mc canon l1+l2.json | grep -c "$want")" 1 \
	"l1+l2: the kept blocks: 100 + 2 * 100 bytes, peaks added"
is "$(field l1+l2.json cmd)" "$(field l1.json cmd) + $(field l2.json cmd)" \
	"l1+l2: both commands"
is "$(field l1+l2.json pid)" "$(field l1.json pid)" \
	"l1+l2: the first input's pid"
te1=$(field l1.json te) te2=$(field l2.json te)
is "$(field l1+l2.json te)" "$((te1 > te2 ? te1 : te2))" \
	"l1+l2: te is the largest"
tg1=$(field l1.json tg) tg2=$(field l2.json tg)
is "$(field l1+l2.json tg)" "$((tg1 > tg2 ? tg1 : tg2))" \
	"l1+l2: tg is the largest"
is "$(field R+l1.json mode) $(field R+l1.json tu)" "rust-heap µs" \
	"Rust crate + libdhat: the first input's mode, the common unit"
is "$(field V+G.json cmd)" "./prog a1 b c + ./bench-program --big" \
	"V+G: both commands, in the order given"

# Fields only some inputs have are dropped: bkacc is true only when every
# input has accesses.
mc edit V.json bkacc=false PP.rb=- PP.wb=- PP.acc=- >Vnoacc.json
"$M" -o mixed.json V.json Vnoacc.json
is "$(field mixed.json bkacc) $(grep -c '"rb"\|"acc"' mixed.json)" "False 0" \
	"bkacc true + false: false, and no rb, wb or acc"
mc canon V.json Vnoacc.json >want
mc canon mixed.json >got
cmp_golden got want "bkacc true + false: the model's merge"

# acc: element-wise sums latch at 65535; blocks of other sizes drop it.
mc edit V.json 'PP.acc=[-4,40000,7]' >A1.json
mc edit V.json 'PP.acc=[-3,1,-2,30000]' >A2.json
"$M" -o acc.json A1.json A2.json
is "$(grep -c '"acc":\[-3,40001,65535,30007\]' acc.json)" "5" \
	"acc: added offset by offset, latched at 65535"
mc edit V.json 'PP.acc=[-6,1]' >A3.json
"$M" -o accdrop.json A1.json A3.json
is "$(grep -c '"acc"' accdrop.json) $(grep -c '"rb"' accdrop.json)" "0 5" \
	"acc: dropped when the block sizes differ, rb and wb kept"

# Frames are matched without their addresses, in one file too: the text
# first seen is the one written.
cat >addr.json <<'EOJ'
{"dhatFileVersion":2,"mode":"ad-hoc","verb":"Occurred","bklt":false,
"bkacc":false,"tu":"instrs","Mtu":"Minstr","cmd":"x","pid":1,"te":9,
"pps":[{"tb":5,"tbk":1,"fs":[1,3]},{"tb":7,"tbk":2,"fs":[2,4]},
{"tb":1,"tbk":1,"fs":[2]}],
"ftbl":["[root]","0xA1: f (a.c:1)","0xb2: f (a.c:1)","0xC: main (a.c:9)",
"0xd: main (a.c:9)"]}
EOJ
"$M" -o addr.one.json addr.json
mc canon addr.one.json >got
cat >want <<'EOW'
Mtu=Minstr bkacc=False bklt=False kind=ad-hoc te=9 tu=instrs
f (a.c:1)	tb=1 tbk=1
f (a.c:1) | main (a.c:9)	tb=12 tbk=3
EOW
cmp_golden got want "stacks that differ only in addresses are one PP"
is "$(field addr.one.json ftbl)" \
	"['[root]', '0xA1: f (a.c:1)', '0xC: main (a.c:9)']" \
	"the first text of each frame is kept, address included"

done_testing
