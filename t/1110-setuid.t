#!/bin/sh
# SPDX-License-Identifier: MIT
# Set-user-ID programs honour no DHAT_* variable (libdhat reads them with
# secure_getenv) and the loader ignores LD_PRELOAD: a setuid-root copy of
# a program linked with libdhat, run by an unprivileged user with
# DHAT_RUN, DHAT_OUTPUT, DHAT_FAIL_ALLOC and LD_PRELOAD set, behaves as
# without them.  The same copy without the setuid bit is the control (in
# a --enable-fault-injection build DHAT_FAIL_ALLOC then makes the
# profiler that DHAT_RUN starts fail to start).  dhat-run warns that it cannot profile the
# setuid copy, and runs it.  Needs root, setpriv and a filesystem without
# nosuid.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/setuid-env
S=$abs_top_builddir/dhat-summarize

[ "$(id -u)" = 0 ] || skip_all "needs root (to make a setuid-root copy)"
command -v setpriv >/dev/null || skip_all "setpriv not installed"
if command -v findmnt >/dev/null &&
    findmnt -no OPTIONS -T . 2>/dev/null | grep -q nosuid; then
	skip_all "the build tree is on a nosuid filesystem"
fi
nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}
nobody sh -c "test -x '$P'" 2>/dev/null ||
	skip_all "the build tree is out of the unprivileged user's reach"

mkdir w && chmod 777 w
cp "$P" w/suid && chown root w/suid && chmod 4755 w/suid
cp "$P" w/plain && chmod 755 w/plain

# run PROG: as nobody, with every DHAT_* variable a launcher would set.
run() {
	(cd w && nobody env DHAT_RUN=1 DHAT_OUTPUT="$TRASH/w/env-%p.json" \
	    DHAT_FAIL_ALLOC=1 DHAT_MODE=ad-hoc DHAT_QUIET=1 \
	    LD_PRELOAD="$DHAT_PRELOAD" "./$1" "$1.json" >"../$1.out" \
	    2>"../$1.err")
}

run suid
is "$?" 0 "setuid: exit 0"
is "$(head -n 1 suid.out)" "secure: 1" "setuid: the loader's secure mode"
is "$(sed -n 2p suid.out)" "profiler: yes" \
    "setuid: DHAT_FAIL_ALLOC ignored (the profiler starts)"
is "$(grep -c 'fault injection' suid.err)" 0 \
    "setuid: no fault injection either"
expect_exit 0 "setuid: the program's own profile" -- "$S" --top=10 w/suid.json
like "$(cat out)" 'Total: +42 bytes in 1 blocks' \
    "setuid: heap mode, DHAT_MODE ignored"
is "$(ls w | grep -c '^env-')" 0 "setuid: nothing written to DHAT_OUTPUT"
like "$(cat suid.err)" '^dhat: Total:' "setuid: DHAT_QUIET ignored"

run plain
is "$?" 0 "control: exit 0"
is "$(head -n 1 plain.out)" "secure: 0" "control: not in secure mode"
if grep -q '^dhat: fault injection' plain.err; then
	# The launcher's profiler, started first, is the one that fails;
	# the program's own then starts.
	is "$(sed -n 2p plain.out) $(ls w | grep -c '^env-')" "profiler: yes 0" \
	    "control: DHAT_FAIL_ALLOC honoured"
else
	skip "control: DHAT_FAIL_ALLOC honoured" "no --enable-fault-injection"
fi
# A program not linked with libdhat, as dhat-run would start it: the
# loader drops LD_PRELOAD for the setuid copy, so nothing is profiled.
W=$abs_top_builddir/t/prog/wordfreq
cp "$W" w/wf-suid && chown root w/wf-suid && chmod 4755 w/wf-suid
cp "$W" w/wf-plain && chmod 755 w/wf-plain
rm -f w/env-*.json
runwf() {
	(cd w && echo "a b a" | nobody env DHAT_RUN=1 \
	    DHAT_OUTPUT="$TRASH/w/env-$1-%p.json" \
	    LD_PRELOAD="$DHAT_PRELOAD" "./$1" >"../$1.out" 2>"../$1.err")
}
runwf wf-suid
is "$?" 0 "setuid, preloaded: exit 0"
is "$(ls w | grep -c '^env-wf-suid')" 0 "setuid, preloaded: not profiled"
runwf wf-plain
is "$?" 0 "control, preloaded: exit 0"
is "$(ls w | grep -c '^env-wf-plain')" 1 \
    "control, preloaded: profiled to DHAT_OUTPUT"
cmp -s wf-suid.out wf-plain.out
ok $? "the same output either way"
# dhat-run tells why it will not profile the setuid copy, and runs it.
(cd w && echo "a b a" | nobody "$abs_top_builddir/dhat-run" \
    -o "$TRASH/w/run-%p.json" ./wf-suid >../run.out 2>../run.err)
is "$?" 0 "dhat-run, setuid: exit 0"
is "$(cat run.err)" "dhat-run: warning: ./wf-suid: set-user-ID: libdhat \
cannot be preloaded, running it unprofiled" "dhat-run, setuid: one warning"
is "$(ls w | grep -c '^run-')" 0 "dhat-run, setuid: no profile"
cmp -s run.out wf-plain.out
ok $? "dhat-run, setuid: the program's output"
done_testing
