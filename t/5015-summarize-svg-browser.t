#!/bin/sh
# SPDX-License-Identifier: MIT
# The SVG flame graph in headless Chromium: clicking a box zooms into it
# and "Reset zoom" undoes it; a search highlights the matching function
# and shows its share; no JavaScript error on the way.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize

plan 3

why=$(browser_why)
if [ -n "$why" ]; then
	skip "zoom" "$why"
	skip "search" "$why"
	skip "a real profile's graph loads" "$why"
	done_testing
	exit 0
fi

# One wide stack and 3000 narrow ones under main, as in 5005.
"${PYTHON3:-python3}" "$srcdir_t/many-sites.py" >many.json
"$S" --format=svg many.json >many.svg
browser_run svg-zoom many.svg "zoom into a box and back"
browser_run svg-search many.svg "search highlights a function and shows its share"
"$S" --format=svg "$srcdir_t/data/gen-400.json" >gen.svg
browser_run svg-load gen.svg "a real profile's graph loads"

done_testing
