#!/bin/sh
# libdhat's start-up code without dhat-run: the DHAT_* variables, when a
# profiler starts and when it must not, and how bad values are reported.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 27

pre() {
	env LD_PRELOAD="$DHAT_PRELOAD" "$@"
}

expect_exit 0 "LD_PRELOAD and DHAT_RUN=1" -- pre DHAT_RUN=1 "$PROG/run-basic"
f=$(profiles)
like "$f" '^dhat-heap\.[0-9]+\.json$' "  the default name, dhat-heap.PID.json"
is "$(figures "$f")" "1250 5 850 3 650 2" "  exact figures"
like "$(sed -n 4p err)" "^dhat: The data has been saved to $PWD/dhat-heap" \
	"  in the working directory, with a summary"
rm -f ./*.json

expect_exit 0 "LD_PRELOAD alone does not profile" -- pre "$PROG/run-basic"
is "$(profiles | wc -l) $(wc -c <err)" "0 0" "  no profile, no output"
expect_exit 0 "DHAT_RUN=0 does not profile" -- \
	pre DHAT_RUN=0 "$PROG/run-basic"
is "$(profiles | wc -l)" 0 "  no profile"

# A program linked with libdhat is never started by the variables alone.
expect_exit 0 "DHAT_RUN=1 without LD_PRELOAD, program linked with libdhat" \
	-- env DHAT_RUN=1 "$builddir_t/prog/run-api"
is "$(profiles | tr '\n' ' ')" "api.json " \
	"  only the program's own profile"
rm -f ./*.json
# Under dhat-run it is profiled until it starts a profiler of its own,
# which then works as without dhat-run.
expect_exit 0 "a program that uses the API, under dhat-run" -- \
	"$RUN" -o run.json "$builddir_t/prog/run-api"
is "$(profiles | tr '\n' ' ')" "api.json run.json " \
	"  dhat-run's profile and the program's own"
is "$(figures api.json)" "123 1 123 1 0 0" "  the program's own figures"
is "$(figures run.json)" "77 1 77 1 0 0" \
	"  dhat-run's: what came before the program's profiler"
like "$(cat err)" "^dhat: the program starts a profiler of its own: \
dhat-run's profile of it ends here" "  a line on stderr says where it ended"
rm -f ./*.json
expect_exit 0 "... and one that starts no profiler, under dhat-run" -- \
	"$RUN" --quiet -o run.json "$builddir_t/prog/run-api" none
is "$(profiles | tr '\n' ' ')" "run.json " "  dhat-run's profile only"
is "$(figures run.json)" "77 1 77 1 0 0" "  with the program's block"
rm -f ./*.json

expect_exit 0 "DHAT_OUTPUT, DHAT_TIME_UNIT, DHAT_QUIET" -- \
	pre DHAT_RUN=1 DHAT_OUTPUT=env.json DHAT_TIME_UNIT=bytes \
	DHAT_QUIET=1 "$PROG/run-basic"
is "$(field env.json te) $(wc -c <err)" "1250 0" "  all three honoured"
rm -f ./*.json

expect_exit 0 "DHAT_FRAMES=bogus" -- \
	pre DHAT_RUN=1 DHAT_FRAMES=bogus DHAT_QUIET=1 "$PROG/run-basic"
is "$(cat err)" \
	"dhat: DHAT_FRAMES=bogus: not a positive number or all: ignored" \
	"  one message; the setting is ignored"
is "$(profiles | wc -l)" 1 "  the program is still profiled"
rm -f ./*.json

expect_exit 0 "DHAT_RUN=maybe" -- pre DHAT_RUN=maybe "$PROG/run-basic"
is "$(cat err)" "dhat: DHAT_RUN=maybe: not 0 or 1: not profiling" \
	"  one message, no profile"

expect_exit 0 "DHAT_SIGNAL=KILL" -- \
	pre DHAT_RUN=1 DHAT_SIGNAL=KILL DHAT_QUIET=1 "$PROG/run-basic"
is "$(cat err)" \
	"dhat: DHAT_SIGNAL=KILL: not a usable signal: no snapshots" \
	"  one message, no snapshot signal"

done_testing
