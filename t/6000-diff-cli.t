#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-diff command line: --help, --version, usage errors (exit 2 with a
# message and nothing on stdout), "-" for standard input, colour only on
# request or on a terminal, never with NO_COLOR.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-diff
V=$srcdir_t/data/valgrind-heap.json

plan 53

check_help "$S" '^Usage: dhat-diff \[OPTION\]\.\.\. OLD NEW$'
for m in $SORT_METRICS tgmax-bytes tgmax-blocks tend-bytes tend-blocks \
    function line address KiB MiB kB MB; do
	grep -q -- "$m" out || echo "$m" >>missing
done
is "$(cat missing 2>/dev/null)" "" "--help lists metrics, totals, rules and units"
grep -q 'Exit status: 0 within budget' out
ok $? "--help gives the exit statuses"

check_version "$S"

# usage DESC MESSAGE ARGS...: exit 2, MESSAGE first on stderr, the hint
# last, nothing on stdout.
usage() {
	u_desc=$1
	u_msg=$2
	shift 2
	expect_exit 2 "$u_desc: exit 2" -- "$S" "$@"
	is "$(head -n 1 err)" "dhat-diff: $u_msg" "$u_desc: message"
	is "$(tail -n 1 err)$(cat out)" \
		"Try 'dhat-diff --help' for more information." "$u_desc: hint, no output"
}

usage "no file" "two profiles needed: OLD NEW"
usage "one file" "two profiles needed: OLD NEW" "$V"
usage "three files" "too many profiles (only OLD NEW)" "$V" "$V" "$V"
usage "--top with TAP" "--format=tap lists the budgets only: --sort, --top, --frames and --unchanged do not apply" \
	-F tap --top=3 "$V" "$V"
usage "--unchanged with TAP" "--format=tap lists the budgets only: --sort, --top, --frames and --unchanged do not apply" \
	-F tap -u "$V" "$V"
usage "--color with JSON" "--color applies to text output only, not to --format=json" \
	-F json --color=never "$V" "$V"
"$S" --color=always --fail-if 'total-bytes>=0' "$V" "$V" >col 2>/dev/null
grep -q "$(printf '\033')\[1;31mEXCEEDED" col
ok $? "an exceeded budget in bold red"
usage "stdin twice" "only one profile can be standard input" - -
usage "bad --match" "unknown --match rule 'symbol' (function, line or address)" \
	--match=symbol "$V" "$V"
usage "bad --sort" "unknown sort metric 'nope' (see --help)" -s nope "$V" "$V"
usage "bad --top" "invalid --top value '-1'" --top=-1 "$V" "$V"
usage "bad --frames" "invalid --frames value 'x'" --frames=x "$V" "$V"
usage "bad --format" "unknown format 'xml' (text, json, tap, junit or markdown)" -F xml "$V" "$V"
expect_exit 2 "unknown option: exit 2" -- "$S" --bogus "$V" "$V"
like "$(tail -n 1 err)" "Try 'dhat-diff --help'" "unknown option: hint"

# "-" reads standard input, for either file.
"$S" "$V" "$V" | sed 1,2d >file.out
"$S" - "$V" <"$V" | sed 1,2d >stdin.out
cmp -s stdin.out file.out
ok $? "'-' reads standard input"

esc=$(printf '\033')
"$S" "$V" "$V" >plain
ok "$(grep -c "$esc" plain)" "no escape codes when stdout is not a terminal"
"$S" --color=always "$V" "$V" >col
grep -q "$esc\[1m" col
ok $? "--color=always makes bold"
sed "s/$esc\[[0-9]*m//g" col | cmp -s - plain
ok $? "colour changes nothing but escapes"
if command -v script >/dev/null 2>&1; then
	NO_COLOR=1 script -qec "$S $V $V" /dev/null >tty 2>&1
	ok "$(grep -c "$esc\[1m" tty)" "NO_COLOR on a terminal: no colour"
	script -qec "$S $V $V" /dev/null >tty 2>&1
	grep -q "$esc\[1m" tty
	ok $? "a terminal gets colour"
	script -qec "$S -F json $V $V" /dev/null >tty 2>&1
	ok "$(grep -c "$esc" tty)" "JSON on a terminal: no colour"
else
	skip "NO_COLOR on a terminal" "script(1) not installed"
	skip "a terminal gets colour" "script(1) not installed"
	skip "JSON on a terminal: no colour" "script(1) not installed"
fi

done_testing
