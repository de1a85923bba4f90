#!/bin/sh
# SPDX-License-Identifier: MIT
# The names of profiles: the escapes %p, %n and %%, an unknown escape
# (refused by dhat-run before it runs anything; kept as it is, with one
# warning, by libdhat through DHAT_OUTPUT and dhat_builder_file_name),
# and a working directory whose name holds a '%'.
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

done_testing
