#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-merge(1) passes mandoc's lint without warnings and documents every
# option the program accepts.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

M=$abs_top_builddir/dhat-merge
P=$abs_top_srcdir/man/dhat-merge.1

plan 3

if [ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ]; then
	"$MANDOC" -Tlint -W warning "$P" >lint 2>&1
	ok $? "dhat-merge.1: mandoc -Tlint is clean"
	sed 's/^/# /' lint
else
	skip "dhat-merge.1: mandoc -Tlint is clean" "mandoc not installed"
fi

"$M" --help | grep -o -- '--[a-z]*' | sort -u >opts
for o in $(cat opts); do
	grep -q -- "Fl \\\\-${o#--}" "$P" || echo "$o" >>missing
done
is "$(cat missing 2>/dev/null)" "" "every long option is documented"
"$M" --help | grep -o -- '^  -[a-zA-Z]' | tr -d ' -' >sopts
for o in $(cat sopts); do
	grep -q -- "^\.It Fl $o" "$P" || echo "-$o" >>smissing
done
is "$(cat smissing 2>/dev/null)" "" "every short option is documented"

done_testing
