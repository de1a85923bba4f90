#!/bin/sh
# SPDX-License-Identifier: MIT
# The live table past 2 MiB, where it grows in place (mremap and a
# rehash in place, lib/live_table.c).  wordfreq keeps 300,000 distinct
# words live (a struct and a strdup'd text each: 600,000 blocks, a table
# of a million slots after several such growths), then frees them all.
# A block the rehash lost or misplaced would not be found at its free:
# its site would end with live bytes.  A watchdog ends a rehash that
# never finishes.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 9

# "aax" .. : 300,000 distinct lower-case words, 1,781,722 bytes with
# their NULs.
awk 'BEGIN { a = "abcdefghijklmnopqrstuvwxyz"
	for (i = 0; i < 300000; i++) {
		n = i; w = ""
		do { w = w substr(a, n % 26 + 1, 1); n = int(n / 26) } while (n > 0)
		print w "x"
	} }' >words

timeout 300 "$RUN" --quiet -o grow.json "$PROG/wordfreq" <words >out 2>err
is "$?" 0 "wordfreq over 300,000 distinct words runs to the end"
pp grow.json --all >pps
grep -c . pps | sed 's/^/# program points: /'
like "$(grep 'tb=7200000 tbk=300000 ' pps)" \
    '^tb=7200000 tbk=300000 mb=7200000 mbk=300000 .* eb=0 ebk=0$' \
    "the words' structs: all 300,000 live at once, all found at their free"
like "$(grep 'tb=1781722 tbk=300000 ' pps)" \
    '^tb=1781722 tbk=300000 mb=1781722 mbk=300000 .* eb=0 ebk=0$' \
    "the words' texts: all 300,000 live at once, all found at their free"
gbk=$(figures grow.json | cut -d" " -f4)
ok $([ "${gbk:-0}" -ge 600000 ]; echo $?) \
    "at the peak 600,000 blocks and more live (${gbk:-none})"

# A million blocks with frees between the growths: a block that the
# rehash left behind a moved one would not be found (t/prog/heap-grow.c).
timeout 300 "$builddir_t/prog/heap-grow" churn.json >prog.out 2>prog.err
prog_ok $? "heap-grow: the figures agree through the growths"
is "$(grep -c '^ok' prog.out)" 5 "heap-grow: its five checks ran"
is "$(pp churn.json --top |
	sed 's/.* eb=/eb=/')" "eb=0 ebk=0" "heap-grow: nothing live at the end"
tbk=$(pp churn.json --top |
	sed 's/.* tbk=\([0-9]*\) .*/\1/')
ok $([ "${tbk:-0}" -gt 1000000 ]; echo $?) \
    "heap-grow: a million blocks and the reallocations counted (${tbk:-none})"
gbk=$(figures churn.json | cut -d" " -f4)
ok $([ "${gbk:-0}" -ge 700000 ]; echo $?) \
    "heap-grow: 700,000 blocks and more live at the peak (${gbk:-none})"
done_testing
