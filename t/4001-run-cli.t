#!/bin/sh
# dhat-run's command line: help, version, usage errors, programs that
# cannot run, exit status passthrough, and the environment PROGRAM gets.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

plan 42

expect_exit 0 "--help exits 0" -- "$RUN" --help
like "$(head -n 1 out)" '^Usage: dhat-run \[OPTION\]\.\.\. \[--\] PROGRAM' \
	"--help prints the usage on stdout"
is "$(wc -c <err)" 0 "--help prints nothing on stderr"
for opt in --output --mode --frames --time-unit --no-follow --quiet \
	--signal --version; do
	grep -q -- "$opt" out || diag "missing in --help: $opt"
done
ok $(for o in --output --mode --frames --time-unit --no-follow --quiet \
	--signal --version; do grep -q -- "$o" out || echo x; done | wc -l) \
	"--help names every option"

expect_exit 0 "--version exits 0" -- "$RUN" --version
like "$(cat out)" '^dhat-run \(dhat\) [0-9]+\.[0-9]+\.[0-9]+$' \
	"--version prints 'dhat-run (dhat) VERSION'"

# Usage errors: exit 2, one message naming the problem, a hint.
usage_case() {
	msg=$1
	shift
	expect_exit 2 "usage error: $*" -- "$RUN" "$@"
	like "$(head -n 1 err)" "^dhat-run: $msg" "  says: $msg"
}
usage_case 'no PROGRAM to run' 
usage_case "unknown option '--bogus'" --bogus true
usage_case "--mode: 'stack': expected heap, ad-hoc or copy" --mode=stack true
usage_case "--frames: '0': expected" --frames=0 true
usage_case "--frames: '12x': expected" --frames 12x true
usage_case "--time-unit: 'ms': expected us or bytes" --time-unit=ms true
usage_case "--signal: 'KILL': expected" --signal=KILL true
usage_case "option '--output' requires an argument" --output

# Options after PROGRAM are PROGRAM's.
expect_exit 0 "options after PROGRAM belong to it" -- \
	"$RUN" --quiet "$PROG/run-env" --mode=x
is "$(cat out)" "--mode=x unset" "  PROGRAM got --mode=x as its argument"

# Programs that cannot run: like env(1) and the shells.
expect_exit 127 "a missing PROGRAM exits 127" -- "$RUN" ./no-such-program
is "$(cat err)" "dhat-run: ./no-such-program: No such file or directory" \
	"  with one message"
expect_exit 127 "a PROGRAM not on PATH exits 127" -- "$RUN" no-such-program-x
printf 'not a program\n' >noexec
chmod 644 noexec
expect_exit 126 "a PROGRAM that is not executable exits 126" -- \
	"$RUN" ./noexec
is "$(cat err)" "dhat-run: ./noexec: Permission denied" "  with one message"

# Exit status passthrough.
expect_exit 3 "exit(3) gives 3" -- "$RUN" --quiet "$PROG/run-exit" exit 3
expect_exit 5 "return 5 from main gives 5" -- \
	"$RUN" --quiet "$PROG/run-exit" return 5
expect_exit 143 "death by SIGTERM gives 143" -- \
	"$RUN" --quiet "$PROG/run-exit" signal 15

# The environment of PROGRAM.
vars="LD_PRELOAD DHAT_RUN DHAT_MODE DHAT_FRAMES DHAT_QUIET DHAT_FOLLOW"
expect_exit 0 "PROGRAM sees the settings" -- env LD_PRELOAD= \
	"$RUN" --frames=all --quiet "$PROG/run-env" $vars
is "$(sed -n 1p out)" "LD_PRELOAD=$DHAT_PRELOAD" \
	"  LD_PRELOAD holds libdhat only"
like "$(sed -n 2p out)" '^DHAT_RUN=1(:[0-9]+:[0-9]+)?$' "  DHAT_RUN is set"
is "$(sed -n '3,$p' out | tr '\n' ' ')" \
	"DHAT_MODE=heap DHAT_FRAMES=all DHAT_QUIET=1 DHAT_FOLLOW unset " \
	"  the options are passed as DHAT_* variables"

# Any library will do: the C library itself, already loaded.
libc=$(ldd "$PROG/run-basic" |
	sed -n 's/^[[:space:]]*libc\.so\.6 => \([^ ]*\).*/\1/p')
expect_exit 0 "an existing LD_PRELOAD is kept" -- env LD_PRELOAD="$libc" \
	"$RUN" --quiet "$PROG/run-env" LD_PRELOAD
is "$(cat out)" "LD_PRELOAD=$DHAT_PRELOAD:$libc" "  libdhat comes first"

expect_exit 0 "stale DHAT_* settings are not passed on" -- \
	env DHAT_FRAMES=7 DHAT_TIME_UNIT=bytes \
	"$RUN" --quiet "$PROG/run-env" DHAT_FRAMES DHAT_TIME_UNIT
is "$(cat out | tr '\n' ' ')" "DHAT_FRAMES unset DHAT_TIME_UNIT unset " \
	"  only dhat-run's options count"

expect_exit 125 "a missing libdhat is dhat-run's own failure" -- \
	env DHAT_PRELOAD=/nonexistent/libdhat.so "$RUN" true
is "$(cat err)" "dhat-run: /nonexistent/libdhat.so: No such file or directory" \
	"  with one message"

done_testing
