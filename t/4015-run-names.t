#!/bin/sh
# SPDX-License-Identifier: MIT
# The names of profiles: the escapes %p, %n and %%, an unknown escape
# (refused by dhat-run before it runs anything; kept as it is, with one
# warning, by libdhat through DHAT_OUTPUT and dhat_builder_file_name),
# a working directory whose name holds a '%', and a name that already
# holds a profile of the same run (as when a pid is used again): the
# program's copy of a profile into the name its own profile will have
# plays that part.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
B=$PROG/run-basic
E=$PROG/run-exit
BASIC="1250 5 850 3 650 2"

expect_exit 0 "%n and %p" -- "$RUN" --quiet -o '%n.%p.json' "$B"
is "$(profiles | sed 's/[0-9][0-9]*/PID/')" "run-basic.PID.json" \
	"  %n is the program's name, %p its pid"
is "$(figures run-basic.*.json)" "$BASIC" "  the profile's figures"
rm -f ./*.json

expect_exit 3 "%% is a percent sign" -- \
	"$RUN" --quiet -o 'a%%p%%n.json' "$E" exit 3
is "$(profiles)" "a%p%n.json" "  the name has '%p%n' as such"
is "$(figures 'a%p%n.json')" "64 1 64 1 64 1" "  the profile's figures"
rm -f ./*.json

# Refused before the program runs: it would have made the file "ran".
for case in 'x%q.json %q' 'x%.json %.' 'x%%%p% %'; do
	pat=${case% *} bad=${case#* }
	expect_exit 2 "-o '$pat': a usage error" -- \
		"$RUN" -o "$pat" sh -c ': >ran'
	is "$(head -n 1 err)" "dhat-run: --output: '$pat': unknown escape \
'$bad' (known: %p, %n, %%)" "  one message naming the escape"
	is "$(wc -l <err)" 2 "  and the usual hint, nothing more"
	[ ! -e ran ]
	ok $? "  the program did not run"
done

# DHAT_OUTPUT without dhat-run: one warning, the name as given.
env DHAT_RUN=1 DHAT_OUTPUT='y%q%p.json' LD_PRELOAD="$DHAT_PRELOAD" \
	"$E" exit 3 >out 2>err
is "$?" 3 "DHAT_OUTPUT with an unknown escape: the program's status"
is "$(grep -c 'warning' err)" 1 "  one warning"
is "$(grep warning err)" "dhat: warning: file name $TRASH/y%q%p.json: \
unknown escape '%q' (known: %p, %n, %%): kept as it is" "  that says so"
f=$(profiles)
like "$f" '^y%q[0-9]+\.json$' "  the profile keeps '%q' and expands %p"
is "$(figures "$f")" "64 1 64 1 64 1" "  the profile's figures"
rm -f ./*.json

# dhat_builder_file_name (heap-json passes its argument to it).
"$PROG/heap-json" 'h%z.json' >out 2>err
is "$?" 0 "dhat_builder_file_name with an unknown escape: exit 0"
is "$(grep -c 'warning' err)" 1 "  one warning"
like "$(grep warning err)" "^dhat: warning: file name h%z\\.json: unknown \
escape '%z'" "  naming the escape"
[ -s 'h%z.json' ]
ok $? "  the profile is written under the name as given"
"$PROG/heap-json" 'h%%-%p.json' >out 2>err
is "$(profiles | grep -c '^h%-[0-9][0-9]*\.json$')" 1 \
	"dhat_builder_file_name: %% and %p expanded"
is "$(grep -c warning err)" 0 "  without a warning"

# A '%' in the working directory's name is no escape.
mkdir 'd%q%p' && cd 'd%q%p' || exit 99
expect_exit 0 "a working directory named 'd%q%p'" -- \
	"$RUN" --quiet -o prof.json "$B"
is "$(profiles)" "prof.json" "  the profile is written there, unexpanded"
is "$(figures prof.json)" "$BASIC" "  the profile's figures"
cd .. || exit 99

# A profile of the same run is never overwritten.
O=$PROG/run-output
OUT="100 1 100 1 100 1"
"$RUN" --quiet -o src.json "$B" 2>/dev/null
echo 'not a profile' >text
expect_exit 3 "a name taken by a profile of this run" -- \
	"$RUN" -o q.json "$O" copy src.json q.json
cmp -s src.json q.json
ok $? "  that profile stays"
is "$(figures q.2.json)" "$OUT" "  this one is written to q.2.json"
is "$(grep -c 'holds the profile' err)" 1 "  one line says so"
is "$(grep 'holds the profile' err)" "dhat: $TRASH/q.json holds the \
profile of another process of this run: writing $TRASH/q.2.json instead" \
	"  that names both files"
like "$(grep 'saved' err)" "saved to $TRASH/q\\.2\\.json," \
	"  the summary names the new one"

cp src.json r.2.json
touch -d '1 minute ago' r.2.json
expect_exit 3 "the next name holds a profile of an earlier run" -- \
	"$RUN" --quiet -o r.json "$O" copy src.json r.json
cmp -s src.json r.json
ok $? "  the profile of this run stays"
is "$(figures r.2.json)" "$OUT" "  the earlier one is overwritten"

cp src.json e.json
touch -d '1 minute ago' e.json
expect_exit 3 "a profile of an earlier run" -- \
	"$RUN" --quiet -o e.json "$O" copy text other
is "$(figures e.json)" "$OUT" "  is overwritten"
is "$(profiles | grep -c '^e\.')" 1 "  and no other name used"
is "$(cat err)" "" "  silently"

expect_exit 3 "a file of this run that is no profile" -- \
	"$RUN" --quiet -o n.json "$O" copy text n.json
is "$(figures n.json)" "$OUT" "  is overwritten"
is "$(profiles | grep -c '^n\.')" 1 "  and no other name used"

done_testing
