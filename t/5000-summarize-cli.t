#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-summarize command line: --help, --version, usage errors (exit 2),
# colour only on request or on a terminal, never with NO_COLOR.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$srcdir_t/data

plan 41

check_help "$S" '^Usage: dhat-summarize \[OPTION\]\.\.\. FILE\.\.\.$'
for m in $SORT_METRICS; do
	grep -q -- "$m" out || echo "$m" >>missing
done
is "$(cat missing 2>/dev/null)" "" "--help lists all 14 metrics"

check_version "$S"

expect_exit 2 "no file is a usage error" -- "$S"
like "$(head -n 1 err)" '^dhat-summarize: no profile given$' "no file message"
expect_exit 2 "unknown option" -- "$S" --bogus "$D/valgrind-heap.json"
like "$(tail -n 1 err)" "Try 'dhat-summarize --help'" "unknown option hint"
expect_exit 2 "unknown metric" -- "$S" --sort=nope "$D/valgrind-heap.json"
is "$(head -n 1 err)" "dhat-summarize: unknown sort metric 'nope' (see --help)" \
	"unknown metric message"
expect_exit 2 "bad --top" -- "$S" --top=-1 "$D/valgrind-heap.json"
expect_exit 2 "bad --frames" -- "$S" --frames=x "$D/valgrind-heap.json"
expect_exit 2 "bad --threshold" -- "$S" --tree --threshold=101 "$D/valgrind-heap.json"
expect_exit 2 "bad --format" -- "$S" --format=xml "$D/valgrind-heap.json"
expect_exit 2 "svg takes one file" -- "$S" --format=svg "$D/valgrind-heap.json" \
	"$D/dhat-rs-heap.json"
is "$(cat out)" "" "usage errors print nothing on stdout"

# No option is silently ignored: combinations that cannot take effect are
# usage errors that say why.
refused() {
	desc=$1 msg=$2
	shift 2
	expect_exit 2 "$desc: exit 2" -- "$S" "$@" "$D/valgrind-heap.json"
	is "$(head -n 1 err)" "dhat-summarize: $msg" "$desc: message"
}
refused "--tree -F json" \
	"--tree is a text output: it cannot be combined with --format=json" \
	--tree -F json
refused "--threshold without --tree" "--threshold applies to --tree only" \
	--threshold=5
refused "--top -F svg" \
	"--top applies to the list of program points, not to --format=svg" \
	--top=3 -F svg
refused "--top --tree" \
	"--top applies to the list of program points, not to --tree" \
	--top=3 --tree
refused "--color -F folded" \
	"--color applies to text output only, not to --format=folded" \
	--color=always -F folded
refused "--leaks --sort" "--leaks orders by what is live at t-end: it cannot be combined with --sort" \
	--leaks --sort=tiny
# --leaks with folded stacks or the tree weighs by what is live at t-end:
# only leaky's 10 bytes.
"$S" --leaks -F folded "$D/valgrind-heap.json" >leaks.folded
is "$(cat leaks.folded)" \
	"main (prog.c:24);work (prog.c:16);leaky (prog.c:5);malloc (in /usr/libexec/valgrind/vgpreload_dhat-amd64-linux.so) 10" \
	"--leaks -F folded: the stacks live at t-end"
"$S" --leaks --tree "$D/valgrind-heap.json" >a
"$S" --sort=at-tend --tree "$D/valgrind-heap.json" >b
cmp -s a b
ok $? "--leaks --tree: the tree by what is live at t-end"
TERM=dumb script -qec "$S $D/valgrind-heap.json" /dev/null >dumb 2>&1
ok "$(grep -c "$(printf '\033')" dumb)" "TERM=dumb: no colour"

# Metric names, aliases and the viewer's indices pick the same metric.
"$S" --sort=at-tgmax "$D/dhat-rs-heap.json" >a 2>&1
"$S" --sort=8 "$D/dhat-rs-heap.json" >b 2>&1
"$S" -s tgmax-bytes "$D/dhat-rs-heap.json" >c 2>&1
cmp -s a b && cmp -s a c
ok $? "metric by name, index and alias agree"

esc=$(printf '\033')
"$S" "$D/valgrind-heap.json" >plain
ok "$(grep -c "$esc" plain)" "no escape codes when stdout is not a terminal"
"$S" --color=always "$D/valgrind-heap.json" >col
grep -q "$esc\[1m" col
ok $? "--color=always makes bold"
"$S" --color=always --tree "$D/valgrind-heap.json" | sed "s/$esc\[[0-9]*m//g" >a
"$S" --tree "$D/valgrind-heap.json" >b
cmp -s a b
ok $? "colour changes nothing but escapes"
if command -v script >/dev/null 2>&1; then
	NO_COLOR=1 script -qec "$S $D/valgrind-heap.json" /dev/null >tty 2>&1
	ok "$(grep -c "$esc\[1m" tty)" "NO_COLOR on a terminal: no colour"
	script -qec "$S $D/valgrind-heap.json" /dev/null >tty 2>&1
	grep -q "$esc\[1m" tty
	ok $? "a terminal gets colour"
else
	skip "NO_COLOR on a terminal" "script(1) not installed"
	skip "a terminal gets colour" "script(1) not installed"
fi

# Control characters from a profile never reach the terminal.
printf '%s' '{"dhatFileVersion":2,"mode":"m\u001b[31m","verb":"V","bklt":false,"bkacc":false,"bsu":"u\u001b","tu":"t","Mtu":"M","cmd":"c\u001b[2J","pid":1,"te":5,"pps":[{"tb":1,"tbk":1,"fs":[1]}],"ftbl":["[root]","f\u001b[0m\n"]}' >esc.json
{ "$S" esc.json; "$S" --tree esc.json; "$S" --leaks -s 0 esc.json; } >esc.out 2>&1
ok "$(grep -c "$esc" esc.out)" "control characters in a profile are shown as '?'"

# "-" reads standard input.
"$S" - <"$D/valgrind-heap.json" >stdin.out
"$S" "$D/valgrind-heap.json" >file.out
cmp -s stdin.out file.out
ok $? "'-' reads standard input"

done_testing
