#!/bin/sh
# SPDX-License-Identifier: MIT
# Strings from a profile cannot drive the terminal or break an output
# format: whatever a frame, the command, a unit or the incomplete reason
# holds (ESC sequences, C1 controls raw or escaped, DEL, bytes that are
# not UTF-8, lone surrogates), every output of every tool is valid UTF-8
# with no control character but its own newlines.  Invalid bytes show as
# U+FFFD and controls as '?' (as \u00XX escapes in JSON).
. "${abs_top_srcdir:-.}/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] && [ -x "$PYTHON3" ] ||
	skip_all "python3 is needed to check the output"

S=$abs_top_builddir/dhat-summarize
D=$abs_top_builddir/dhat-diff
M=$abs_top_builddir/dhat-merge
G=$srcdir_t/golden

# clean WHAT FILE... [--json | --jsonl]: one test, that each FILE is safe
# text (t/textcheck.py).
clean() {
	_what=$1
	shift
	"$PYTHON3" "$srcdir_t/textcheck.py" "$@" >check.out 2>&1
	ok $? "  $_what: valid UTF-8, no control character"
	sed 's/^/# /' check.out
}

plan 61

"$PYTHON3" "$srcdir_t/hostile-text.py" old.json new.json

# dhat-summarize, every format.
expect_exit 0 "summarize: overview" -- "$S" old.json
mv out overview.txt
clean "overview" overview.txt
expect_exit 0 "summarize: text" -- "$S" --top=10 old.json
mv out sum.txt
clean "text and stderr" sum.txt err
cmp_golden sum.txt "$G/5012-hostile.txt" "summarize: text as expected"
is "$(cat err)" "dhat-summarize: old.json: warning: the profile is incomplete: oom?[2J?$(printf '\357\277\275')" \
	"summarize: the incomplete reason is shown safely on stderr"
expect_exit 0 "summarize: --tree" -- "$S" --tree old.json
clean "--tree" out
expect_exit 0 "summarize: --leaks" -- "$S" --leaks old.json
clean "--leaks" out
expect_exit 0 "summarize: --color=always" -- "$S" --color=always old.json
# Its own SGR sequences aside, nothing of the profile's may remain.
sed 's/\x1b\[[0-9;]*m//g' out >nocolour
clean "colour" nocolour
expect_exit 0 "summarize: two files, with their head lines" -- \
	"$S" old.json new.json
clean "head lines" out
expect_exit 0 "summarize: json" -- "$S" --format=json old.json
mv out sum.json
clean "json" sum.json --jsonl
cmp_golden sum.json "$G/5012-hostile.json" "summarize: json as expected"
expect_exit 0 "summarize: folded" -- "$S" --format=folded old.json
mv out sum.folded
clean "folded" sum.folded
cmp_golden sum.folded "$G/5012-hostile.folded" \
	"summarize: folded as expected"
expect_exit 0 "summarize: svg" -- "$S" --format=svg old.json
mv out sum.svg
clean "svg" sum.svg
"$PYTHON3" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
	sum.svg 2>/dev/null
ok $? "summarize: svg is well-formed XML"
grep -c '<title>del??;semi#hash&lt;&amp;&gt;&quot;&apos; (e.c) (200 b' \
	sum.svg >/dev/null
ok $? "summarize: svg escapes XML's specials, shows controls as '?'"

# The CI forms, with a budget exceeded (exit 1): well-formed XML, and
# Markdown tables that keep their columns.
xml_ok() {
	"$PYTHON3" -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
		"$1" 2>/dev/null
}
expect_exit 1 "summarize: junit" -- "$S" --format=junit --fail-if 'tb>0' old.json
mv out sum.junit
clean "junit" sum.junit
xml_ok sum.junit
ok $? "summarize: junit is well-formed XML"
expect_exit 1 "summarize: markdown" -- "$S" --format=markdown --fail-if 'tb>0' \
	old.json
mv out sum.md
clean "markdown" sum.md
"$PYTHON3" "$srcdir_t/mdtables.py" sum.md | sed 's/^/# /'
"$PYTHON3" "$srcdir_t/mdtables.py" sum.md >/dev/null
ok $? "summarize: markdown tables keep their columns"

# dhat-diff, every format, with a budget exceeded (exit 1).
for f in text json tap junit markdown; do
	expect_exit 1 "diff: $f" -- "$D" --format=$f --fail-if 'total-bytes>0' \
		old.json new.json
	mv out diff.$f
	mv err diff.$f.err
done
clean "diff text and stderr" diff.text diff.text.err
clean "diff json" diff.json --jsonl
clean "diff tap" diff.tap
clean "diff junit" diff.junit
clean "diff markdown" diff.markdown
xml_ok diff.junit
ok $? "diff: junit is well-formed XML"
"$PYTHON3" "$srcdir_t/mdtables.py" diff.markdown | sed 's/^/# /'
"$PYTHON3" "$srcdir_t/mdtables.py" diff.markdown >/dev/null
ok $? "diff: markdown tables keep their columns"
cmp_golden diff.text "$G/5012-hostile-diff.txt" "diff: text as expected"
cmp_golden diff.tap "$G/5012-hostile-diff.tap" "diff: tap as expected"
"$PYTHON3" -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
want = ["evil\x1b[2J\x1b]0;title\x07 (a.c)", "c1\x9b31m\x85\x9b\x85 (b.c)"]
sys.exit(0 if d["changed"][0]["frames"] == want and
         d["files"]["old"]["cmd"] == "prog \x1b[31mred\x9b\ufffd\ufffd \x9b"
         else 1)' diff.json
ok $? "diff: json keeps controls as escapes and bad bytes as U+FFFD"

# dhat-merge: a profile that any JSON reader loads, and back again.
expect_exit 0 "merge" -- "$M" -o merged.json old.json new.json
clean "merged profile" merged.json --json
"$PYTHON3" -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
want = "0x3: bad" + "\ufffd" * 9 + " end (c.c:3:3)"
sys.exit(0 if want in d["ftbl"] and d["bsu"] == "b\ufffdytes\x1b" and
         d["incompleteReason"] == "oom\x1b[2J\x9b\ufffd" else 1)' merged.json
ok $? "merge: invalid bytes become U+FFFD, controls stay escaped"
expect_exit 0 "merge: its output reads back" -- "$S" --format=folded \
	merged.json
clean "folded of the merged profile" out
viewer_loads merged.json "merge: the viewer loads its output"

# Messages that quote a profile's strings.
sed 's/"mode":"heap"/"mode":"ad-hoc\\u009b2J\\u001b[2J"/' old.json >mode.json
expect_exit 2 "diff: modes differ" -- "$D" old.json mode.json
clean "stderr" err
is "$(cat err)" "dhat-diff: mode.json: mode 'ad-hoc?2J?[2J' cannot be compared with mode 'heap' of old.json" \
	"diff: the mode is shown safely"
expect_exit 1 "merge: modes differ" -- "$M" -o m2.json old.json mode.json
clean "stderr" err
is "$(cat err)" "dhat-merge: mode.json: mode 'ad-hoc?2J?[2J' cannot be merged with mode 'heap' of old.json" \
	"merge: the mode is shown safely"

# A usage error echoes the argument by the same rule.
expect_exit 2 "summarize: a bad --color value" -- \
	"$S" --color="$(printf 'x\033[2J\302\233\377')" old.json
clean "usage error" err

# The reader: a high surrogate followed by another escape than its low
# half is U+FFFD, not an error; so is \u0000.
printf '%s\n' '{"dhatFileVersion":2,"mode":"ad-hoc","verb":"Occurred","bklt":false,"bkacc":false,"tu":"us","Mtu":"s","cmd":"x\u0000y","pid":1,"te":1,"pps":[{"tb":1,"tbk":1,"fs":[1]}],"ftbl":["[root]","hi\ud800\nlo\udbff\udbff\udfff\ud800\"\ud800"]}' \
	>surrogates.json
expect_exit 0 "lone surrogates before other escapes are read" -- \
	"$S" --format=json surrogates.json
"$PYTHON3" -c 'import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
sys.exit(0 if d["top"][0]["frames"] ==
         ["hi\ufffd\nlo\ufffd\U0010ffff\ufffd\"\ufffd"] and
         d["cmd"] == "x\ufffdy" else 1)' out
ok $? "  as U+FFFD each, a pair after a lone half joined"

done_testing
