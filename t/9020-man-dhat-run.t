#!/bin/sh
# dhat-run(1) lints clean and documents every option of --help and every
# DHAT_* variable that libdhat's start-up code reads.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

page=$abs_top_srcdir/man/dhat-run.1

plan 3

if [ -n "${MANDOC:-}" ] && [ -x "$MANDOC" ]; then
	"$MANDOC" -Tlint -Wwarning "$page" 2>&1 |
		grep -v 'outdated mandoc.db' >lint.out
	is "$(cat lint.out)" "" "mandoc -Tlint: no warnings"
else
	skip "mandoc -Tlint: no warnings" "mandoc not found"
fi

missing=
for opt in $("$RUN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	# mdoc writes long options as "Fl \-name".
	grep -q -- "Fl \\\\-${opt#--}" "$page" || missing="$missing $opt"
done
is "$missing" "" "every option of --help is in the page"

missing=
for var in $(grep -o '"DHAT_[A-Z_]*"' "$abs_top_srcdir/lib/preload.c" |
	tr -d '"' | sort -u); do
	grep -q "^\.It Ev $var\$" "$page" || missing="$missing $var"
done
is "$missing" "" "every DHAT_* variable libdhat reads is in ENVIRONMENT"

done_testing
