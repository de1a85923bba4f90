#!/bin/sh
# SPDX-License-Identifier: MIT
# Compressed profiles: libdhat writes gzip, zstd or xz when the file name
# ends in .gz, .zst or .xz (a linked program, and dhat-run), with the same
# figures as the plain profile, and so does dhat-merge; every tool reads them, by their content
# (also on standard input, and under any name); a truncated or corrupt
# compressed file is refused with one message.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$abs_top_builddir/dhat-diff
M=$abs_top_builddir/dhat-merge
RUN=$abs_top_builddir/dhat-run
P=$builddir_t/prog

[ -n "${PYTHON3:-}" ] || skip_all "python3 is needed to read the profiles"

plan 36

# magic FILE: the codec that FILE's first bytes name.
magic() {
	"$PYTHON3" -c 'import sys
b = open(sys.argv[1], "rb").read(6)
print("gzip" if b[:2] == b"\x1f\x8b" else "zstd" if b[:4] == b"\x28\xb5\x2f\xfd"
      else "xz" if b == b"\xfd7zXZ\x00" else "json" if b[:1] == b"{" else "?")' "$1"
}
# totals FILE...: the totals of each, as dhat-summarize reads them.
totals() {
	"$S" -F json "$@" | "$PYTHON3" -c 'import json, sys
for line in sys.stdin:
    t = json.loads(line)["totals"]
    print(t["tb"], t["tbk"], t["gb"], t["eb"])'
}

# A program linked with libdhat, its profile named by argv[1].
"$P/diff-old" plain.json 2>/dev/null
ok $? "linked: a plain profile"
want=$(totals plain.json)
for z in gz zst xz; do
	"$P/diff-old" "old.json.$z" 2>/dev/null
	ok $? "linked: .$z written"
done
is "$(magic old.json.gz) $(magic old.json.zst) $(magic old.json.xz)" \
	"gzip zstd xz" "linked: each compressed as its name asks"
is "$(totals old.json.gz old.json.zst old.json.xz | sort -u)" "$want" \
	"linked: the same figures as the plain profile"

# The decompressors of the system agree.
for pair in "gz gzip" "zst zstd" "xz xz"; do
	z=${pair% *}
	tool=${pair#* }
	if command -v "$tool" >/dev/null 2>&1; then
		"$tool" -dc "old.json.$z" >"dec.$z.json" 2>/dev/null
		ok $? "$tool decompresses it"
		is "$(totals "dec.$z.json")" "$want" "  to the same profile"
	else
		skip "$tool decompresses it" "no $tool"
		skip "  to the same profile" "no $tool"
	fi
done
if have_viewer; then
	gzip -dc old.json.gz >viewer.json
	view_check viewer.json
	ok $? "the viewer loads the decompressed profile"
else
	skip "the viewer loads the decompressed profile" "no node or dh_view.js"
fi

# dhat-run.
for z in gz zst xz; do
	"$RUN" --quiet -o "run.json.$z" "$P/run-basic" >/dev/null 2>&1
	ok $? "dhat-run -o run.json.$z"
done
is "$(magic run.json.gz) $(magic run.json.zst) $(magic run.json.xz)" \
	"gzip zstd xz" "dhat-run: compressed by name"
"$RUN" --quiet -o run.json "$P/run-basic" >/dev/null 2>&1
is "$(totals run.json.gz run.json.zst run.json.xz | sort -u)" \
	"$(totals run.json)" "dhat-run: the same figures"

# The tools read them, by content.
cp old.json.xz renamed.json
is "$(totals renamed.json)" "$want" "read by content, whatever the name"
is "$(gzip -c plain.json | totals -)" "$want" "gzip on standard input"
expect_exit 0 "dhat-diff: gzip against zstd" -- "$D" old.json.gz old.json.zst
is "$(grep -E '^(Changed|New|Gone) by' out | tr '\n' '|')" \
	"Changed by Total (bytes) (0)|New by Total (bytes) (0)|Gone by Total (bytes) (0)|" \
	"  no difference"
expect_exit 0 "dhat-merge of the three" -- "$M" -o merged.json \
	old.json.gz old.json.zst old.json.xz
is "$(totals merged.json | cut -d' ' -f1)" "3552" "  three times the bytes"

# dhat-merge writes compressed too, by name.
for z in gz zst xz; do
	"$M" -o "merged.json.$z" old.json.gz plain.json
	ok $? "dhat-merge -o merged.json.$z"
done
is "$(magic merged.json.gz) $(magic merged.json.zst) $(magic merged.json.xz)" \
	"gzip zstd xz" "dhat-merge: compressed by name"
is "$(totals merged.json.gz merged.json.zst merged.json.xz | cut -d' ' -f1 | sort -u)" \
	"2368" "dhat-merge: the figures of both inputs"
ln -s /dev/full full.json.gz
expect_exit 1 "dhat-merge to a full device, compressed" -- "$M" -o full.json.gz \
	plain.json
is "$(cat err)" "dhat-merge: writing full.json.gz: No space left on device" \
	"  one message"

# Damaged files.
head -c 200 old.json.gz >cut.json.gz
expect_exit 2 "a truncated gzip file" -- "$S" cut.json.gz
is "$(cat err)" "dhat-summarize: cut.json.gz: read error: gzip: truncated file" \
	"  one message"
head -c 100 old.json.zst >cut.json.zst
expect_exit 2 "a truncated zstd file" -- "$S" cut.json.zst
printf '\375\067\172\130\132\000garbage' >bad.json.xz
expect_exit 2 "a corrupt xz file" -- "$S" bad.json.xz
like "$(cat err)" "^dhat-summarize: bad.json.xz: read error: xz: " \
	"  one message"

done_testing
