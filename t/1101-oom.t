#!/bin/sh
# SPDX-License-Identifier: MIT
# Out of memory inside libdhat (--enable-fault-injection builds): with
# DHAT_FAIL_ALLOC=N the Nth of libdhat's own allocations fails.  For
# N = 1, 2, ... the program's exit status and output never change, it
# never crashes, and whatever file is written is a valid profile, marked
# incomplete when counts were lost (dhat-summarize then warns); otherwise
# the failure is reported and no file or temporary file is left.  Every N
# up to 300 is tried, then every DHAT_OOM_STRIDE-th (37) until N is no
# longer reached.  libdw's own allocations are not failed (elfutils exits
# or crashes on out of memory: lib/fault.c), so the walk is short.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-oom
S=$abs_top_builddir/dhat-summarize
unset DHAT_FAIL_ALLOC

DHAT_FAIL_ALLOC=999999999 "$P" probe.json >/dev/null 2>probe.err
grep -q '^dhat: fault injection:' probe.err ||
	skip_all "libdhat built without --enable-fault-injection"

"$P" base.json >base.out 2>base.err
ok $? "runs without injected failures"
is "$(cat base.out)" "result: 2068486" "baseline result"
expect_exit 0 "the complete profile reads" -- "$S" base.json
is "$(grep -c incomplete base.json)" 0 "the complete profile is not marked"

stride=${DHAT_OOM_STRIDE:-37}
n=1 runs=0 bad=0 incomplete=0 nofile=0 nostart=0 badmsg=
while :; do
	rm -f o.json o.json.tmp.*
	DHAT_FAIL_ALLOC=$n "$P" o.json >o.out 2>o.err
	st=$?
	runs=$((runs + 1))
	if grep -q "^dhat: fault injection: allocation $n not reached" o.err
	then
		break
	fi
	why=
	[ $st -eq 0 ] || why="exit status $st"
	cmp -s o.out base.out || why="$why; output changed"
	grep -q "^dhat: fault injection: allocation $n failed" o.err ||
		why="$why; no failure report"
	ls o.json.tmp.* >/dev/null 2>&1 && why="$why; temporary file left"
	if [ -f o.json ]; then
		if ! "$S" o.json >s.out 2>s.err; then
			why="$why; profile unreadable: $(cat s.err)"
		elif grep -q '"incomplete":true' o.json; then
			incomplete=$((incomplete + 1))
			grep -q '^dhat: warning: the profile is incomplete: ' \
			    o.err || why="$why; no incomplete warning"
			grep -q 'warning: the profile is incomplete: libdhat' \
			    s.err || why="$why; summarize did not warn"
		fi
	elif grep -q '^hostile-oom: no profiler' o.err; then
		nostart=$((nostart + 1))
	elif grep -q '^dhat: error: Writing to o.json failed: ' o.err; then
		nofile=$((nofile + 1))
	else
		why="$why; no profile and no message"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		[ -n "$badmsg" ] || badmsg="N=$n:$why"
		cp o.err "fail-$n.err"
	fi
	if [ $n -lt 300 ]; then n=$((n + 1)); else n=$((n + stride)); fi
	[ $n -lt 100000 ] || break
done
diag "$runs runs up to N=$n: $incomplete incomplete profiles," \
    "$nofile write errors, $nostart profilers not started"
is "$bad" 0 "every injected failure handled ${badmsg:+($badmsg)}"
ok $([ "$incomplete" -gt 0 ] && echo 0 || echo 1) \
    "some failures give an incomplete profile"
ok $([ "$nostart" -gt 0 ] && echo 0 || echo 1) \
    "some failures keep the profiler from starting"
done_testing
