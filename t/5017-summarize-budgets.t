#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize --fail-if: limits on one profile's totals, exact to the
# byte, ">" against ">=", units; exit 0 within budget, 1 with each breach
# named on stderr and explained by its top contributors (by the figure
# the budget limits) in the text and JSON outputs; 2 for trouble, which
# wins over a breach; budgets refused where a profile cannot give them.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
P=$builddir_t/prog
D=$srcdir_t/data

plan 53

# old: total and t-gmax 1,184 bytes in 4 blocks (site_grow 1,024, two
# calls of site_same 64 each, site_gone 32); t-end 128 bytes in 2 blocks,
# the two site_same blocks.  more: total 3,700 bytes.
"$P/diff-old" old.json 2>/dev/null
ok $? "diff-old: profiled"
"$P/diff-more" more.json 2>/dev/null
ok $? "diff-more: profiled"

expect_exit 0 "within budget: exit 0" -- "$S" --fail-if 'tgmax-bytes>1184' \
	--fail-if 'tend-bytes>128' --fail-if 'total-blocks>4' \
	--fail-if 'gb>1.184kB' --fail-if 'tend-blocks>=3' old.json
is "$(cat err)" "" "within budget: nothing on stderr"
is "$(sed -n '/^Budgets:/,$p' out)" "Budgets:
  ok       tgmax-bytes>1184: tgmax-bytes is 1,184 bytes (1.16 KiB), limit 1184
  ok       tend-bytes>128: tend-bytes is 128 bytes, limit 128
  ok       total-blocks>4: total-blocks is 4 blocks, limit 4
  ok       gb>1.184kB: tgmax-bytes is 1,184 bytes (1.16 KiB), limit 1.184kB
  ok       tend-blocks>=3: tend-blocks is 2 blocks, limit under 3" \
	"within budget: the Budgets section"

# exceeds DESC BUDGET MESSAGE: exit 1 and exactly MESSAGE on stderr.
exceeds() {
	expect_exit 1 "$1: exit 1" -- "$S" --fail-if="$2" old.json
	is "$(cat err)" "dhat-summarize: old.json: budget exceeded: $3" \
		"$1: message"
}

exceeds "one byte less" 'tgmax-bytes>1183' \
	"tgmax-bytes is 1,184 bytes (1.16 KiB), limit 1183"
exceeds ">= the value" 'tend-bytes>=128' \
	"tend-bytes is 128 bytes, limit under 128"
exceeds "SI unit with decimals" 'total-bytes>1.183kB' \
	"total-bytes is 1,184 bytes (1.16 KiB), limit 1.183kB"
exceeds "IEC unit" 'tb>1KiB' \
	"total-bytes is 1,184 bytes (1.16 KiB), limit 1KiB"
exceeds "blocks" 'total-blocks>3' "total-blocks is 4 blocks, limit 3"

# Zero leaks: the contributors are the leaking sites, by bytes at t-end
# (not by total bytes, where site_grow would come first), named apart by
# the line of main that called site_same.
expect_exit 1 "zero leaks: exit 1" -- "$S" --fail-if 'tend-bytes>0' old.json
is "$(sed -n '/^Budgets:/,$p' out | sed -E 's/:[0-9]+\)/:L)/g')" "Budgets:
  EXCEEDED tend-bytes>0: tend-bytes is 128 bytes, limit 0
               64 bytes     50%  site_same (diff-prog.c:L) ← main
               64 bytes     50%  site_same (diff-prog.c:L) ← main (diff-prog.c:L)" \
	"zero leaks: the two leaking sites under the budget"
expect_exit 1 "t-gmax: exit 1" -- "$S" --fail-if 'tgmax-bytes>1000' old.json
is "$(sed -n '/^  EXCEEDED/{n;p;}' out | sed -E 's/:[0-9]+\)/:L)/g')" \
	"               1.00 KiB  86.49%  site_grow (diff-prog.c:L) ← main" \
	"t-gmax: the first contributor"
is "$(sed -n '/^  EXCEEDED/,$p' out | wc -l | tr -d ' ')" 4 \
	"t-gmax: three contributors of four sites"

# The JSON output: the verdicts, and each budget exceeded with its
# contributors and their whole stacks.
expect_exit 1 "json: exit 1" -- "$S" -F json --fail-if 'tend-bytes>0' \
	--fail-if 'total-bytes>2000' old.json
if [ -n "${PYTHON3:-}" ]; then
	"$PYTHON3" - out <<'EOF' >json.check 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
b = d["budgets"]
assert d["exceeded"] == 1, d["exceeded"]
assert [x["budget"] for x in b] == ["tend-bytes>0", "total-bytes>2000"]
assert [x["metric"] for x in b] == ["tend-bytes", "total-bytes"]
assert [x["op"] for x in b] == [">", ">"]
assert [x["limit"] for x in b] == ["0", "2000"]
assert [x["value"] for x in b] == [128, 1184]
assert [x["exceeded"] for x in b] == [True, False]
assert "contributors" not in b[1]
c = b[0]["contributors"]
assert [x["value"] for x in c] == [64, 64], c
for x in c:
    assert any("site_same" in f for f in x["frames"]), x
    assert any("main" in f for f in x["frames"]), x
assert c[0]["frames"] != c[1]["frames"]
EOF
	ok $? "json: budgets, verdicts and contributors"
	[ -s json.check ] && sed 's/^/#   /' json.check
	expect_exit 0 "json without budgets" -- "$S" -F json old.json
	"$PYTHON3" -c 'import json,sys; d=json.load(open("out")); sys.exit("budgets" in d)'
	ok $? "json without budgets: no budgets member"
else
	skip "json: budgets, verdicts and contributors" "python3 not found"
	skip "json without budgets" "python3 not found"
	skip "json without budgets: no budgets member" "python3 not found"
fi

# Every profile is judged on its own: only more.json breaks the limit.
expect_exit 1 "two profiles: exit 1" -- "$S" --fail-if 'total-bytes>2000' \
	old.json more.json
is "$(cat err)" \
	"dhat-summarize: more.json: budget exceeded: total-bytes is 3,700 bytes (3.61 KiB), limit 2000" \
	"two profiles: only the one over budget is named"

# Other formats keep their output as it is and report on stderr.
"$S" -F folded old.json >folded.plain
expect_exit 1 "folded: exit 1" -- "$S" -F folded --fail-if 'tb>0' old.json
cmp -s out folded.plain
ok $? "folded: the output does not change"
is "$(wc -l <err | tr -d ' ')" 1 "folded: one line on stderr"

# Trouble wins over a breach.
printf 'hello\n' >bad.json
expect_exit 2 "a bad profile and a breach: exit 2" -- "$S" \
	--fail-if 'tb>0' old.json bad.json
is "$(sed -n 2p err)" \
	"dhat-summarize: bad.json: not JSON: unexpected 'h' at byte 0" \
	"a bad profile and a breach: both named"

# Budgets that cannot be given.
expect_exit 2 "a percentage: exit 2" -- "$S" --fail-if 'tb>5%' old.json
is "$(head -n 1 err)" \
	"dhat-summarize: --fail-if 'tb>5%': a percentage needs a baseline; dhat-diff OLD NEW compares two profiles" \
	"a percentage: message"
expect_exit 2 "reads without access data: exit 2" -- "$S" \
	--fail-if 'reads>0' old.json
like "$(cat err)" \
	"^dhat-summarize: old.json: budget metric 'reads' needs .*bkacc" \
	"reads without access data: message"
expect_exit 2 "t-gmax on ad hoc events: exit 2" -- "$S" \
	--fail-if 'tgmax-bytes>0' "$D/valgrind-ad-hoc.json"
is "$(cat out)" "" "t-gmax on ad hoc events: nothing on stdout"
expect_exit 2 "a byte unit on blocks: exit 2" -- "$S" \
	--fail-if 'tend-blocks>1KiB' old.json
is "$(head -n 1 err)" \
	"dhat-summarize: invalid limit in --fail-if 'tend-blocks>1KiB': tend-blocks counts blocks, not bytes" \
	"a byte unit on blocks: message"

# The CI forms: JUnit XML (golden, read by an XML parser and xmllint
# where installed) and Markdown (golden, the command masked).
G=$srcdir_t/golden
expect_exit 1 "junit: exit 1" -- "$S" -F junit --fail-if 'tend-bytes>0' \
	--fail-if 'tgmax-bytes>64MiB' old.json
cmp_golden out "$G/5017-summarize.junit" "junit: as expected"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout out
	ok $? "junit: xmllint reads it"
else
	skip "junit: xmllint reads it" "xmllint not installed"
fi
expect_exit 2 "junit takes one profile" -- "$S" -F junit old.json more.json
expect_exit 1 "markdown: exit 1" -- "$S" -F markdown --fail-if 'tend-bytes>0' \
	old.json
sed '3s/^`.*`$/`CMD`/' out >md.out
cmp_golden md.out "$G/5017-summarize.md" "markdown: as expected"
expect_exit 2 "markdown: --sort does not apply" -- "$S" -F markdown \
	--sort=tiny old.json
is "$(head -n 1 err)" "dhat-summarize: --format=markdown shows the budgets and a fixed page: --sort, --frames and --leaks do not apply" \
	"markdown: --sort refused, with the reason"

# TAP: a plan, a line per budget, the sites to blame as diagnostics.
expect_exit 1 "tap: exit 1" -- "$S" -F tap --fail-if 'tend-bytes>0' \
	--fail-if 'tgmax-bytes>64MiB' old.json
is "$(sed -E 's/:[0-9]+\)/:L)/g' out)" "1..2
not ok 1 - tend-bytes>0: tend-bytes is 128 bytes, limit 0
#   64 bytes (50%)  site_same (diff-prog.c:L) ← main
#   64 bytes (50%)  site_same (diff-prog.c:L) ← main (diff-prog.c:L)
ok 2 - tgmax-bytes>64MiB: tgmax-bytes is 1,184 bytes (1.16 KiB), limit 64MiB" \
	"tap: the stream"
expect_exit 0 "tap without budgets" -- "$S" -F tap old.json
is "$(cat out)" "1..0 # SKIP no --fail-if budgets" "  a skipped plan"

# --top=all lists every program point.
expect_exit 0 "--top=all" -- "$S" --top=all old.json
is "$(grep -c '^PP ' out)" 4 "--top=all: the four program points"

done_testing
