#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize(1) and dhat-json(5) pass mandoc's lint without warnings,
# and the page documents every option and metric the program accepts.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
M=$abs_top_srcdir/man

plan 4

if [ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ]; then
	for p in dhat-summarize.1 dhat-json.5; do
		"$MANDOC" -Tlint -W warning "$M/$p" >lint 2>&1
		ok $? "$p: mandoc -Tlint is clean"
		sed 's/^/# /' lint
	done
else
	skip "dhat-summarize.1: mandoc -Tlint is clean" "mandoc not installed"
	skip "dhat-json.5: mandoc -Tlint is clean" "mandoc not installed"
fi

# Every long option of --help and every metric appears in the page source.
"$S" --help | grep -o -- '--[a-z]*' | sort -u >opts
for o in $(cat opts); do
	grep -q -- "Fl \\\\-${o#--}" "$M/dhat-summarize.1" || echo "$o" >>missing
done
is "$(cat missing 2>/dev/null)" "" "every option is documented"
for m in total-bytes total-blocks tiny short-lived zero-rw-bytes \
    zero-rw-blocks low-access-bytes low-access-blocks at-tgmax at-tend \
    reads reads-high writes writes-high; do
	grep -q "^\.It Cm $m No" "$M/dhat-summarize.1" || echo "$m" >>mmissing
done
is "$(cat mmissing 2>/dev/null)" "" "every metric is documented"

done_testing
