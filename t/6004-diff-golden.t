#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff's text, JSON, TAP, JUnit and Markdown output for one pair of
# profiles (the test program built as is and allocating more), byte for
# byte against golden files; only the pids and command lines, which
# change from run to run, are masked.  The JUnit document is read by an
# XML parser (and xmllint where it is installed).
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
P=$builddir_t/prog
G=$srcdir_t/golden

plan 15

for v in old more; do
	"$P/diff-$v" "$v.json" 2>/dev/null
	ok $? "diff-$v: profiled"
done
B1='--fail-if=tgmax-bytes>+2KiB'
B2='--fail-if=tend-bytes>0'

"$S" -u "$B1" "$B2" old.json more.json >text.raw 2>text.err
is $? 1 "text: exit 1, a budget exceeded"
sed -E 's/pid [0-9]+\): .*/pid N): CMD/' text.raw >text.out
cmp_golden text.out "$G/6004-diff.txt" "text output"

"$S" -F json -u "$B1" "$B2" old.json more.json >json.raw 2>json.err
is $? 1 "json: exit 1, a budget exceeded"
sed -E 's/"cmd":"[^"]*"/"cmd":"CMD"/g; s/"pid":[0-9]+/"pid":0/g' json.raw >json.out
cmp_golden json.out "$G/6004-diff.json" "JSON output"
cmp -s text.err json.err
ok $? "the same breach on stderr whatever the format"

"$S" -F tap "$B1" "$B2" --fail-if='total-blocks>=+0%' old.json more.json >tap.out 2>tap.err
is $? 1 "tap: exit 1, budgets exceeded"
cmp_golden tap.out "$G/6004-diff.tap" "TAP output"

"$S" -F junit "$B1" "$B2" old.json more.json >junit.out 2>junit.err
is $? 1 "junit: exit 1, a budget exceeded"
cmp_golden junit.out "$G/6004-diff.junit" "JUnit output"
if [ -n "${PYTHON3:-}" ]; then
	"$PYTHON3" - junit.out >junit.check <<'EOP'
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = suite.findall("testcase")
print(root.tag, root.get("tests"), root.get("failures"), suite.get("tests"),
      suite.get("failures"), len(cases),
      [c.get("name") for c in cases if c.find("failure") is not None])
EOP
	is "$(cat junit.check)" "testsuites 2 1 2 1 2 ['tgmax-bytes>+2KiB']" \
		"JUnit: a case per budget, the one exceeded failed"
else
	skip "JUnit: a case per budget, the one exceeded failed" "no python3"
fi
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout junit.out
	ok $? "JUnit: xmllint reads it"
else
	skip "JUnit: xmllint reads it" "xmllint not installed"
fi

"$S" -F markdown -u "$B1" "$B2" old.json more.json >md.out 2>md.err
is $? 1 "markdown: exit 1, a budget exceeded"
cmp_golden md.out "$G/6004-diff.md" "Markdown output"

done_testing
