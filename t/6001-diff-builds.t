#!/bin/sh
# SPDX-License-Identifier: MIT
# Two builds of one program, profiled by libdhat with time in bytes: the
# build that allocates more at one site differs there by exactly what it
# allocates more, with a new and a gone site; the build whose code only
# moved (every address and line differs) shows no difference when frames
# are matched by function, and nothing but differences by address.  The
# allocator's own frame is left out of the stacks compared; the two call
# sites of site_same in main stay two sites, told apart by line.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
P=$builddir_t/prog

plan 37

for v in old more layout; do
	"$P/diff-$v" "$v.json" 2>"$v.err"
	ok $? "diff-$v: profiled"
done

# The site that grew: matched although its addresses moved, +2,048 bytes.
expect_exit 0 "old -> more: exit 0 without budgets" -- "$S" old.json more.json
cp out more.txt
a=$(grep -o '0x[0-9a-f]*: site_grow' old.json)
[ -n "$a" ] && ! grep -q "$a" more.json
ok $? "site_grow has another address in the other build"
sed -n '/^Changed by/,/^New by/p' more.txt >changed
is "$(sed -n 1p changed)" "Changed by Total (bytes) (1):" "one changed program point"
is "$(sed -n 3p changed)" "PP 1/1: +2,048 bytes (+200%)" "the change, exactly"
is "$(sed -n 4p changed)" \
	"  Total:     1,024 -> 3,072 bytes (+2,048, +200%) in 1 blocks" \
	"its total bytes; blocks unchanged"
is "$(sed -n 5p changed)" \
	"  At t-gmax: 1,024 -> 3,072 bytes (+2,048, +200%) in 1 blocks" \
	"its bytes at t-gmax"
is "$(sed -n 6p changed)" "  At t-end:  0 bytes in 0 blocks" "its bytes at t-end"
is "$(sed -n '/#[0-9]:/p' changed | tr -d ' ')" \
	"#1:site_grow(diff-prog.c)
#2:main(diff-prog.c)" "its frames, without the allocator's, addresses or lines"
like "$(sed -n '/^New by/,/^Gone by/p' more.txt | tr '\n' '|')" \
	'^New by Total \(bytes\) \(1\):\|\|PP 1/1: 500 bytes\|.*#1: site_new ' \
	"site_new is new"
like "$(sed -n '/^Gone by/,$p' more.txt | tr '\n' '|')" \
	'^Gone by Total \(bytes\) \(1\):\|\|PP 1/1: 32 bytes\|.*#1: site_gone ' \
	"site_gone is gone"
is "$(grep '^Program points' more.txt)" \
	"Program points: 4 in old, 4 in new; 3 stacks matched by function and file" \
	"site_same's two call sites are two sites"

# The unchanged sites report zero, each call site of site_same apart.
"$S" --unchanged old.json more.json >unch.txt
sed -n '/^PP 2\/3/,$p' unch.txt >same
is "$(grep -c '^PP [23]/3: 0 bytes (0%)$' same)" 2 \
	"--unchanged: the unchanged sites, delta 0"
is "$(grep -c '^  Total:     64 bytes in 1 blocks$' same)" 2 \
	"--unchanged: their figures"
is "$(grep -c Summed unch.txt)" 0 "--unchanged: nothing summed"
is "$(grep -c '#1: site_same (diff-prog.c:[0-9]*:[0-9]*)$' same)" 2 \
	"--unchanged: both are site_same, shown with their lines"
is "$(grep -c '^PP 1/3: +2,048 bytes' unch.txt)" 1 "--unchanged: the change first"

# By line, the two call sites of site_same are two stacks (the lines are
# the same in both builds: one source).
"$S" --match=line old.json more.json >line.txt
is "$(grep '^Program points' line.txt)" \
	"Program points: 4 in old, 4 in new; 3 stacks matched by function, file and line" \
	"--match=line: call sites apart"
grep -q '#1: site_grow (diff-prog.c:[0-9]*:[0-9]*)$' line.txt
ok $? "--match=line: frames with line and column"

# Other sort metrics: by blocks nothing changed.
"$S" -s total-blocks old.json more.json >blocks.txt
is "$(grep '^Changed by' blocks.txt)" "Changed by Total (blocks) (0)" \
	"--sort=total-blocks: no change in blocks"
"$S" -s at-tend -u old.json more.json >tend.txt
is "$(grep -c '^PP [0-9]/3: 0 bytes (0%)$' tend.txt)" 3 \
	"--sort=at-tend: nothing changed at t-end"

# A metric's condition filters every list: no block is tiny here.
"$S" -s tiny old.json more.json >tiny.txt
is "$(grep -E '^(Changed|New|Gone) by' tiny.txt | tr '\n' '|')" \
	"Changed by Total (blocks), tiny (0)|New by Total (blocks), tiny (0)|Gone by Total (blocks), tiny (0)|" \
	"--sort=tiny: no PP qualifies in any list"

# Moved code: nothing differs by function; everything by address.
expect_exit 0 "old -> layout: exit 0" -- "$S" old.json layout.json
cp out layout.txt
n=0
for f in site_same site_grow site_gone; do
	a=$(grep -o "0x[0-9a-f]*: $f ([^)]*)" old.json)
	b=$(grep -o "0x[0-9a-f]*: $f ([^)]*)" layout.json)
	[ "${a%%:*}" != "${b%%:*}" ] && [ "${a#*(}" != "${b#*(}" ] || n=$((n + 1))
done
is "$n" 0 "layout: every site has another address and line"
is "$(grep -E '^(Changed|New|Gone) by' layout.txt | tr '\n' '|')" \
	"Changed by Total (bytes) (0)|New by Total (bytes) (0)|Gone by Total (bytes) (0)|" \
	"layout: no differences by function"
is "$(grep '^Program points' layout.txt)" \
	"Program points: 4 in old, 4 in new; 4 stacks matched by function and file" \
	"layout: every stack matched, site_same's call sites by their nearest lines"
is "$(sed -n '/^Total (bytes)/p' layout.txt | tr -s ' ')" \
	"Total (bytes) 1,184 1,184 0 0%" "layout: same totals"
"$S" --match=address old.json layout.json >addr.txt
is "$(grep -E '^(Changed|New|Gone) by|^Program' addr.txt | tr '\n' '|')" \
	"Program points: 4 in old, 4 in new; 0 stacks matched by whole frame|Changed by Total (bytes) (0)|New by Total (bytes) (4):|Gone by Total (bytes) (4):|" \
	"layout: by address, every PP is new and gone"
grep -q '#2: 0x[0-9a-f]*: site_grow (.*diff-prog.c:[0-9]*:[0-9]*)$' addr.txt
ok $? "layout: by address, whole frames are shown"
"$S" --match=line old.json layout.json >lline.txt
is "$(grep -E '^(New|Gone) by' lline.txt | tr '\n' '|')" \
	"New by Total (bytes) (4):|Gone by Total (bytes) (4):|" \
	"layout: by line, nothing matches either"

# --top and --frames.
"$S" --match=address --top=1 --frames=1 old.json layout.json >top.txt
is "$(grep -c '^PP ' top.txt)" 2 "--top=1: one PP per list"
is "$(grep -c '^\.\.\. 3 more (--top)$' top.txt)" 2 "--top=1: the rest counted"
is "$(grep -c '^    \.\.\. 2 more$' top.txt)" 2 "--frames=1: one frame shown"
"$S" --top=0 old.json more.json >top0.txt
is "$(grep -c '^PP ' top0.txt)" 0 "--top=0: no PP listed"

# JSON: the same figures for a program.
if [ -n "${PYTHON3:-}" ]; then
	"$S" -F json -u old.json more.json >more.json.out
	"$PYTHON3" - more.json.out >py.out <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
g = [p for p in d["changed"] if p["frames"][0].startswith("site_grow ")]
s = [p for p in d["changed"] if p["frames"][0].startswith("site_same ")]
g = g[0]
print(g["old"]["tb"], g["new"]["tb"], g["delta"]["tb"], g["delta"]["gb"],
      len(s), [x["delta"]["tb"] for x in s], [x["old_program_points"] for x in s],
      d["new"][0]["frames"][0], d["gone"][0]["frames"][0],
      d["totals"]["delta"]["tb"], d["matched"])
EOP
	is "$(cat py.out)" \
		"1024 3072 2048 2048 2 [0, 0] [1, 1] site_new (diff-prog.c) site_gone (diff-prog.c) 2516 3" \
		"JSON: the changed, unchanged, new and gone sites"
else
	skip "JSON: the changed, unchanged, new and gone sites" "python3 not found"
fi

done_testing
