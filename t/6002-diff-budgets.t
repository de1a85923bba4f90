#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff --fail-if: absolute limits with SI and IEC units, exact to the
# byte (also with decimals), relative limits, ">" against ">=", growth
# from 0, shrinking totals; exit 0 within budget and 1 with each breach
# named on stderr and the stacks that grew most by its total listed in the
# text, TAP and JSON forms of the verdicts.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
P=$builddir_t/prog

# adhoc NAME TB: an ad hoc profile with one program point of TB units.
adhoc() {
	printf '{"dhatFileVersion":2,"mode":"ad-hoc","verb":"Occurred","bklt":false,"bkacc":false,"bu":"unit","bsu":"units","bksu":"events","tu":"instrs","Mtu":"Minstr","cmd":"t","pid":1,"te":9,"pps":[{"tb":%s,"tbk":1,"fs":[1]}],"ftbl":["[root]","0x1: ev (a.c:1)"]}\n' "$2" >"$1.json"
}

# within DESC OLD NEW BUDGET...: exit 0, nothing on stderr.
within() {
	b_desc=$1
	b_old=$2
	b_new=$3
	shift 3
	for b in "$@"; do
		set -- "$@" "--fail-if=$b"
		shift
	done
	expect_exit 0 "$b_desc: within budget" -- "$S" "$@" "$b_old" "$b_new"
	[ -s err ] && sed 's/^/#   /' err
}

# exceeds DESC OLD NEW BUDGET MESSAGE: exit 1 and exactly MESSAGE.
exceeds() {
	expect_exit 1 "$1: exceeded" -- "$S" --fail-if="$4" "$2" "$3"
	is "$(cat err)" "dhat-diff: budget exceeded: $5" "$1: message"
}

plan 51

for v in old more; do
	"$P/diff-$v" "$v.json" 2>/dev/null
	ok $? "diff-$v: profiled"
done

# old -> more: total and t-gmax bytes 1,184 -> 3,700 (+2,516, +212.5%);
# blocks and t-end unchanged.
within "no budgets" old.json more.json
within "room to spare" old.json more.json 'tgmax-bytes>+3KiB' \
	'total-bytes>+213%' 'tend-bytes>0' 'total-blocks>0' 'tgmax-blocks>0' \
	'tend-blocks>0'
within "the growth itself is allowed with >" old.json more.json \
	'total-bytes>2516' 'tb>+212.5%' 'gb>2.516kB'
exceeds "one byte less" old.json more.json 'total-bytes>2515' \
	"total-bytes grew by 2,516 bytes (+212.5%), limit +2515"
exceeds ">= the growth" old.json more.json 'tb>=2516' \
	"total-bytes grew by 2,516 bytes (+212.5%), limit under +2516"
exceeds ">= the percentage" old.json more.json 'tb>=+212.5%' \
	"total-bytes grew by 2,516 bytes (+212.5%), limit under +212.5%"
exceeds "IEC unit" old.json more.json 'tgmax-bytes>+2KiB' \
	"tgmax-bytes grew by 2,516 bytes (+212.5%), limit +2KiB"
exceeds "SI unit with decimals" old.json more.json 'gb>2.515kB' \
	"tgmax-bytes grew by 2,516 bytes (+212.5%), limit +2.515kB"
exceeds "relative" old.json more.json 'at-tgmax>+5%' \
	"tgmax-bytes grew by 2,516 bytes (+212.5%), limit +5%"
exceeds ">=0 on an unchanged total" old.json more.json 'tend-blocks>=0' \
	"tend-blocks grew by 0 blocks (0%), limit under +0"
within "aliases, case and blanks" old.json more.json 'TOTAL_BYTES > +213 %' \
	'Tb>3kB' 'EB>0' 'ebk>=1' 'gbk>0' 'tbk>=+1%'

# Several budgets: every breach named, in order.
expect_exit 1 "two of three exceeded: exit 1" -- "$S" --fail-if='tb>1KiB' \
	--fail-if='eb>0' --fail-if='gb>+100%' old.json more.json
is "$(cat err)" "dhat-diff: budget exceeded: total-bytes grew by 2,516 bytes (+212.5%), limit +1KiB
dhat-diff: budget exceeded: tgmax-bytes grew by 2,516 bytes (+212.5%), limit +100%" \
	"two of three exceeded: both named"
is "$(sed -n '/^Budgets:/,$p' out)" "Budgets:
  EXCEEDED tb>1KiB: 1,184 -> 3,700 bytes, grew by 2,516 bytes (+212.5%), limit +1KiB
                 +2,048 bytes  site_grow (diff-prog.c) ← main
                   +500 bytes  site_new (diff-prog.c) ← main (new)
  ok       eb>0: 128 -> 128 bytes, grew by 0 bytes (0%), limit +0
  EXCEEDED gb>+100%: 1,184 -> 3,700 bytes, grew by 2,516 bytes (+212.5%), limit +100%
                 +2,048 bytes  site_grow (diff-prog.c) ← main
                   +500 bytes  site_new (diff-prog.c) ← main (new)" \
	"two of three exceeded: the text report, with the stacks that grew"

# Exact limits: growth of 1,500,000 units.
adhoc a 1000000
adhoc b 2500000
within "1.5MB is 1,500,000" a.json b.json 'tb>1.5MB' 'tb>1.5MiB' \
	'tb>1464.84375KiB' 'tb>+150%'
exceeds "1.5MB with >=" a.json b.json 'tb>=1.5MB' \
	"total-bytes grew by 1,500,000 units (+150%), limit under +1.5MB"
exceeds "a fraction of a byte less" a.json b.json 'tb>1464.843KiB' \
	"total-bytes grew by 1,500,000 units (+150%), limit +1464.843KiB"
exceeds "a millionth of a percent less" a.json b.json 'tb>149.999999%' \
	"total-bytes grew by 1,500,000 units (+150%), limit +149.999999%"
exceeds "1.4MB" a.json b.json 'bytes>1.4mb' \
	"total-bytes grew by 1,500,000 units (+150%), limit +1.4mb"
within "1TB and 1TiB" a.json b.json 'tb>1TB' 'tb>1tib' 'tb>1GB' 'tb>1000000000000'
within "a total that shrank" b.json a.json 'tb>0' 'tb>=0' 'tb>=0%' 'tbk>0'
"$S" -F tap --fail-if='tb>0' b.json a.json >shrank.tap
is "$(sed -n 2p shrank.tap)" \
	"ok 1 - tb>0: 2,500,000 -> 1,000,000 units, shrank by 1,500,000 units (-60%), limit +0" \
	"a total that shrank: the TAP line"

# Relative limits on a total that was 0.
adhoc zero 0
adhoc ten 10
exceeds "growth from 0" zero.json ten.json 'tb>+1000000%' \
	"total-bytes grew by 10 units (+∞%), limit +1000000%"
within "growth from 0, absolute" zero.json ten.json 'tb>10' 'tbk>0'
within "0 to 0" zero.json zero.json 'tb>0%' 'tb>5%' 'tb>=5%' 'tb>0'
exceeds "0 to 0 with >=0%" zero.json zero.json 'tb>=0%' \
	"total-bytes grew by 0 units (0%), limit under +0%"

# TAP: a plan, one line per budget, numbered, exit status as ever.
expect_exit 1 "TAP: exit 1 when exceeded" -- "$S" -F tap --fail-if='tb>+5%' \
	--fail-if='tend-bytes>0' --fail-if='gbk>=0' old.json more.json
cp out budgets.tap
is "$(cat budgets.tap)" "1..3
not ok 1 - tb>+5%: 1,184 -> 3,700 bytes, grew by 2,516 bytes (+212.5%), limit +5%
#   +2,048 bytes  site_grow (diff-prog.c) ← main
#   +500 bytes  site_new (diff-prog.c) ← main (new)
ok 2 - tend-bytes>0: 128 -> 128 bytes, grew by 0 bytes (0%), limit +0
not ok 3 - gbk>=0: 4 -> 4 blocks, grew by 0 blocks (0%), limit under +0
#   +1 blocks  site_new (diff-prog.c) ← main (new)" \
	"TAP: the stream, the stacks that grew as diagnostics"
awk 'NR == 1 { if (!/^1\.\.[0-9]+$/) bad = 1; n = substr($0, 4); next }
	/^#/ { next }
	!/^(not )?ok [0-9]+ - / { bad = 1 }
	{ t = $0; sub(/^not /, "", t); split(t, w, " "); if (w[2] != ++k) bad = 1 }
	END { exit bad || n != k }' budgets.tap
ok $? "TAP: plan matches, lines numbered in order"
expect_exit 0 "TAP: exit 0 within budget" -- "$S" -F tap --fail-if='eb>0' \
	old.json more.json
is "$(cat out)" "1..1
ok 1 - eb>0: 128 -> 128 bytes, grew by 0 bytes (0%), limit +0" "TAP: one budget kept"
expect_exit 0 "TAP without budgets: exit 0" -- "$S" -F tap old.json more.json
is "$(cat out)" "1..0 # SKIP no --fail-if budgets" "TAP without budgets: a skipped plan"
if command -v prove >/dev/null 2>&1; then
	printf '#!/bin/sh\ncat %s/budgets.tap\n' "$PWD" >budgets.t
	prove budgets.t >prove.out 2>&1
	grep -q 'Failed 2/3 subtests' prove.out
	ok $? "TAP: prove reads it (2 of 3 failed)"
else
	skip "TAP: prove reads it" "prove not installed"
fi

# JSON: the verdicts.
if [ -n "${PYTHON3:-}" ]; then
	"$S" -F json --fail-if='tb>+5%' --fail-if='eb>0' old.json more.json >j.out
	ok "$(( $? != 1 ))" "JSON: exit 1 when exceeded"
	"$PYTHON3" - j.out >py.out <<'EOP'
import json, sys
d = json.load(open(sys.argv[1]))
for b in d["budgets"]:
    print(b["budget"], b["metric"], b["op"], b["limit"], b["relative"],
          b["old"], b["new"], b["delta"], b["exceeded"])
    for c in b.get("contributors", []):
        print(" ", c["old"], c["new"], c["delta"], c["frames"][0])
print(d["exceeded"])
EOP
	is "$(cat py.out)" "tb>+5% total-bytes > +5% True 1184 3700 2516 True
  1024 3072 2048 site_grow (diff-prog.c)
  0 500 500 site_new (diff-prog.c)
eb>0 tend-bytes > +0 False 128 128 0 False
1" "JSON: the budgets, with the stacks that grew"
else
	skip "JSON: exit 1 when exceeded" "python3 not found"
	skip "JSON: the budgets" "python3 not found"
fi

done_testing
