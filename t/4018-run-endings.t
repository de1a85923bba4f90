#!/bin/sh
# SPDX-License-Identifier: MIT
# Every way a process ends leaves its profile, with exact figures and a
# record of the ending ("end"), and the process ends as it would without
# dhat: the same exit status, killed by the same signal.  Programs:
# t/prog/end.c, run by dhat-run (end-run) and linked with a profiler that
# is never dropped (end-linked).
. "$abs_top_srcdir/t/test-lib.sh"
. "$srcdir_t/run-lib.sh"

have_python || skip_all "python3 not found"
ulimit -c 0 2>/dev/null || :
E=$PROG/end-run
L=$PROG/end-linked
LIB=$abs_top_builddir/.libs/libdhat.so
# The blocks that end.c makes before it ends: TB TBK GB GBK EB EBK.
BLOCKS="650 4 650 4 600 3"

signo() {
	"$PYTHON3" -c 'import signal, sys
print(int(getattr(signal, "SIG" + sys.argv[1])))' "$1"
}

# ends NAME STATUS END [FIGURES] -- COMMAND...: COMMAND, run in the new
# directory NAME, exits with STATUS and leaves p.json there, whose "end"
# is END and whose figures are FIGURES (default: BLOCKS; "-": any).
ends() {
	name=$1 status=$2 want_end=$3 want=$BLOCKS
	shift 3
	if [ "$1" != "--" ]; then
		want=$1
		shift
	fi
	shift
	mkdir "$name" || exit 99
	(cd "$name" && exec "$@" >out 2>err)
	is "$?" "$status" "$name: exit status $status"
	is "$(field "$name/p.json" end)" "$want_end" "$name: ends by $want_end"
	if [ "$want" != - ]; then
		is "$(figures "$name/p.json")" "$want" "$name: the figures"
	fi
}

# ---- exits -----------------------------------------------------------------
ends return 4 "exit 4" -- "$RUN" --quiet -o p.json "$E" return 4
ends exit 3 "exit 3" -- "$RUN" --quiet -o p.json "$E" exit 3
ends exit256 0 "exit 0" -- "$RUN" --quiet -o p.json "$E" exit 256
ends _exit 5 "_exit 5" -- "$RUN" --quiet -o p.json "$E" _exit 5
ends _Exit 6 "_exit 6" -- "$RUN" --quiet -o p.json "$E" _Exit 6
ends quick_exit 7 "quick_exit 7" -- \
	"$RUN" --quiet -o p.json "$E" quick_exit 7

# ---- signals sent to the process, by name ----------------------------------
for s in HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM \
	STKFLT XCPU XFSZ VTALRM PROF IO PWR SYS RTMIN RTMAX; do
	n=$(signo "$s")
	name=SIG$s
	[ "$s" = RTMIN ] && name=SIGRTMIN+0
	[ "$s" = RTMAX ] && name=SIGRTMIN+$((n - $(signo RTMIN)))
	# glibc's name for it.
	[ "$s" = IO ] && name=SIGPOLL
	ends "kill-$s" $((128 + n)) "signal $name $n" -- \
		"$RUN" --quiet --signal=none -o p.json "$E" kill "$n"
done

# ---- the program's own doing -----------------------------------------------
ends segv 139 "signal SIGSEGV 11" -- "$RUN" --quiet -o p.json "$E" segv
ends bus 135 "signal SIGBUS 7" -- "$RUN" --quiet -o p.json "$E" bus
ends fpe 136 "signal SIGFPE 8" -- "$RUN" --quiet -o p.json "$E" fpe
ends ill 132 "signal SIGILL 4" -- "$RUN" --quiet -o p.json "$E" ill
ends trap 133 "signal SIGTRAP 5" -- "$RUN" --quiet -o p.json "$E" trap
ends abort 134 "signal SIGABRT 6" -- "$RUN" --quiet -o p.json "$E" abort
# assert() allocates its message.
ends assert 134 "signal SIGABRT 6" - -- "$RUN" --quiet -o p.json "$E" assert
is "$(figures assert/p.json blocks)" "650 4 600 3 600 3" \
	"assert: the program's figures (the peak is assert's)"
ends pipe 141 "signal SIGPIPE 13" -- "$RUN" --quiet -o p.json "$E" pipe
ends raise 143 "signal SIGTERM 15" -- "$RUN" --quiet -o p.json "$E" raise 15
# glibc finds the heap corrupted inside free() and aborts there: the
# profile is written from inside the allocator.  The freed block of 10
# bytes was counted as freed at the first free.
ends double-free 134 "signal SIGABRT 6" "660 5 650 4 600 3" -- \
	"$RUN" --quiet -o p.json "$E" double-free
grep -q 'double free' double-free/err
ok $? "double-free: glibc's message"
# The same after a thread has run: glibc then holds its heap's lock when
# it aborts, and the profile is written without glibc's allocator, at
# once (not after the watchdog's minute).
ends thread-double-free 134 "signal SIGABRT 6" - -- \
	timeout 30 "$RUN" --quiet -o p.json "$E" thread-double-free
is "$(figures thread-double-free/p.json blocks)" "650 4 600 3 600 3" \
	"thread-double-free: the program's figures"
grep -q 'double free' thread-double-free/err
ok $? "thread-double-free: glibc's message"

# dhat-summarize says how the process ended.
"$abs_top_builddir/dhat-summarize" segv/p.json >segv/summary 2>&1
grep -q '^Ended: *killed by SIGSEGV (signal 11)$' segv/summary
ok $? "segv: dhat-summarize says the process was killed by SIGSEGV"
"$abs_top_builddir/dhat-summarize" exit/p.json >exit/summary 2>&1
grep -q '^Ended: *exit status 3$' exit/summary
ok $? "exit: dhat-summarize gives the exit status"

# ---- the program's handlers ------------------------------------------------
ends handler 143 "signal SIGTERM 15" -- \
	"$RUN" --quiet -o p.json "$E" handler 15
is "$(cat handler/out)" handled "handler: the program's handler ran first"
ends handler-exit 7 "_exit 7" -- \
	"$RUN" --quiet -o p.json "$E" handler-exit 15
ends ignore 0 "exit 0" -- "$RUN" --quiet -o p.json "$E" ignore 15
mkdir query
(cd query && "$RUN" --quiet -o p.json "$E" query 15 >out 2>err)
is "$(cat query/out)" dfl "query: the program sees SIG_DFL"
# A signal ignored since before the program started stays ignored.
mkdir nohup
(cd nohup && trap '' HUP && "$RUN" --quiet -o p.json "$E" kill 1 >out \
	2>err & pid=$!; sleep 1; kill -TERM $pid 2>/dev/null; wait $pid)
is "$(field nohup/p.json end)" "signal SIGTERM 15" \
	"nohup: SIGHUP stayed ignored, SIGTERM ended it"

# A SA_RESETHAND handler: the kernel would put back SIG_DFL itself.
ends reset 143 "signal SIGTERM 15" -- "$RUN" --quiet -o p.json "$E" reset 15
is "$(cat reset/out)" handled "reset: the program's SA_RESETHAND handler ran"
ends sysv 143 "signal SIGTERM 15" -- "$RUN" --quiet -o p.json "$E" sysv 15
is "$(cat sysv/out)" handled "sysv: ... and sysv_signal's"
# siginterrupt() keeps working for signal().
mkdir siginterrupt
(cd siginterrupt && timeout 20 "$RUN" --quiet -o p.json "$E" siginterrupt \
	>out 2>err)
is "$?" 0 "siginterrupt: exit status 0"
is "$(cat siginterrupt/out)" EINTR "siginterrupt: the read was interrupted"
# A timer of the program's that raises SIGALRM all the while.
ends timer 143 "signal SIGTERM 15" - -- "$RUN" --quiet -o p.json "$E" timer 15
is "$(figures timer/p.json blocks)" "$BLOCKS" "timer: the program's figures"
grep -q 'not written' timer/err
ok $((! $?)) "timer: no give-up message"

# ---- threads and forks -----------------------------------------------------
ends thread 143 "signal SIGTERM 15" - -- \
	"$RUN" --quiet -o p.json "$E" thread 15
is "$(figures thread/p.json thread_blocks)" "8000 1000 8000 1000 0 0" \
	"thread: the thread's blocks"
# A second signal while the profile is being written (on another thread:
# the first is blocked in the writing one) waits for it.
ends twice 143 "signal SIGTERM 15" - -- \
	"$RUN" --quiet --no-debug-cache -o p.json "$E" twice 15
is "$(figures twice/p.json level | cut -d' ' -f1-2)" "4096 512" \
	"twice: the 512 stacks"
is "$(ls twice | grep -c tmp)" 0 "twice: no temporary file left"
# The final profile, not a rewrite still being written, is what stays.
n=0
for i in 1 2 3 4 5; do
	mkdir busy-exit$i
	(cd busy-exit$i && "$RUN" --quiet --no-debug-cache --interval=0.05 \
		-o p.json "$E" \
		busy-exit 300 >out 2>err)
	[ "$(field busy-exit$i/p.json end)" = "exit 0" ] && n=$((n + 1))
done
is "$n" 5 "busy-exit: the final profile stays, not a rewrite"
ends busy 143 "signal SIGTERM 15" - -- "$RUN" --quiet -o p.json "$E" busy 15
is "$(field busy/p.json mode)" heap "busy: the profile reads"
ls busy | grep -q tmp
ok $((! $?)) "busy: no temporary file left"
mkdir fork
(cd fork && "$RUN" --quiet -o 'p.%p.json' "$E" fork-kill 15 >out 2>err)
is "$?" 0 "fork-kill: the parent saw its child killed by SIGTERM"
is "$(ls fork | grep -c '^p\.[0-9]*\.json$')" 2 "fork-kill: two profiles"
child=
for f in fork/p.*.json; do
	[ "$(field "$f" end)" = "signal SIGTERM 15" ] && child=$f
done
is "$(figures "${child:-none}")" "1000 1 1000 1 1000 1" \
	"fork-kill: the child's profile from the fork on, ended by SIGTERM"

mkdir fork-exit
(cd fork-exit && "$RUN" --quiet -o 'p.%p.json' "$E" fork-_exit 9 >out 2>err)
is "$?" 9 "fork-_exit: the child's status"
child=
for f in fork-exit/p.*.json; do
	[ "$(field "$f" end)" = "_exit 9" ] && child=$f
done
is "$(figures "${child:-none}")" "1000 1 1000 1 1000 1" \
	"fork-_exit: the child's own profile, ended by _exit"
is "$(ls fork-exit | grep -c '^p\.[0-9]*\.json$')" 2 "fork-_exit: two profiles"
mkdir vfork
(cd vfork && "$RUN" --quiet -o 'p.%p.json' "$E" vfork 4 >out 2>err)
is "$?" 4 "vfork: the child's status"
is "$(ls vfork | grep -c '^p\.[0-9]*\.json$')" 1 \
	"vfork: a child of vfork() writes nothing"
is "$(figures vfork/p.*.json)" "$BLOCKS" "vfork: the parent's figures intact"
is "$(field vfork/p.*.json end)" "exit 4" "vfork: ... and its end"

# ---- the parent sees the same death ----------------------------------------
# waitpid's view, with the library preloaded directly, through dhat-run
# (which dies of its program's signal) and without either: killed by the
# same signal.
for m in segv abort kill; do
	for how in plain dhat run; do
		"$PYTHON3" - "$how" "$E" "$m" 15 "$LIB" "$RUN" \
		    >"wait-$m-$how" <<'EOF'
import os, subprocess, sys
how, prog, mode, arg, lib, run = sys.argv[1:7]
env = dict(os.environ)
cmd = [prog, mode, arg]
if how == "dhat":
    env.update(DHAT_RUN="1", LD_PRELOAD=lib, DHAT_QUIET="1",
               DHAT_OUTPUT="w.json")
elif how == "run":
    cmd = [run, "--quiet", "-o", "w.json"] + cmd
r = subprocess.run(cmd, env=env, stderr=subprocess.DEVNULL)
print(r.returncode)
EOF
	done
	is "$(cat "wait-$m-dhat") $(cat "wait-$m-run")" \
		"$(cat "wait-$m-plain") $(cat "wait-$m-plain")" \
		"$m: the parent's view unchanged ($(cat "wait-$m-plain"))"
done

# ---- out of memory -----------------------------------------------------------
# A program that allocates until its address space (RLIMIT_AS) is full
# still gets its profile, exact and with every frame named: libdhat sets
# address space aside for writing it.  Also with no cache of debugging
# files or frames (a first run), and without one (--no-debug-cache).
# oom NAME [OPTION]: end-run exhaust 16 under dhat-run with OPTION.
oom() {
	mkdir "$1" "$1/cache" || exit 99
	(cd "$1" && XDG_CACHE_HOME=$PWD/cache exec "$RUN" --quiet ${2:+"$2"} \
		-o p.json "$E" exhaust 16 >out 2>err)
	is "$?" 0 "$1: exit status 0"
	is "$(field "$1/p.json" end)" "exit 0" "$1: the profile is written"
	set -- "$1" $(sed -n 's/^exhaust: //p' "$1/out")
	is "$(figures "$1/p.json" exhaust | cut -d' ' -f5-6)" "$2 $3" \
		"$1: exactly the $3 blocks that malloc gave"
	is "$(grep -c '???' "$1/p.json")" 0 "$1: every frame named"
}
oom oom
oom oom-nocache --no-debug-cache
mkdir l-oom
(cd l-oom && exec "$L" exhaust 16 >out 2>err)
is "$?" 0 "l-oom: a linked program: exit status 0"
is "$(figures l-oom/dhat-heap.json exhaust | cut -d' ' -f5-6)" \
	"$(sed -n 's/^exhaust: //p' l-oom/out)" "l-oom: exact"

# ---- Debian's sh ends by _exit ---------------------------------------------
mkdir sh
(cd sh && "$RUN" --quiet -o p.json sh -c "$E exit 3; exit 5" >out 2>err)
is "$?" 5 "sh: the shell's status"
is "$(field sh/p.json end)" "_exit 5" "sh: the shell's own profile"
prog=$(ls sh | grep '^p\.[0-9]*\.json$')
is "$(field "sh/${prog:-none}" end)" "exit 3" "sh: the program's profile"
is "$(figures "sh/${prog:-none}")" "$BLOCKS" "sh: the program's figures"

# ---- a linked program that never drops its profiler ------------------------
# linked NAME STATUS END [FIGURES] MODE [ARG]: end-linked MODE ARG in NAME
# writes dhat-heap.json as a drop would, recording END.
linked() {
	name=$1 status=$2 want_end=$3
	shift 3
	mkdir "$name" || exit 99
	(cd "$name" && exec "$L" "$@" >out 2>err)
	is "$?" "$status" "$name: exit status $status"
	is "$(field "$name/dhat-heap.json" end)" "$want_end" \
		"$name: ends by $want_end"
	is "$(figures "$name/dhat-heap.json")" "$BLOCKS" "$name: the figures"
}
linked l-return 0 "exit 0" return 0
linked l-exit 9 "exit 9" exit 9
linked l-_exit 2 "_exit 2" _exit 2
linked l-drop 0 drop drop
linked l-segv 139 "signal SIGSEGV 11" segv
linked l-term 143 "signal SIGTERM 15" kill 15
linked l-handler 143 "signal SIGTERM 15" handler 15
is "$(cat l-handler/out)" handled \
	"l-handler: a handler installed before the profiler ran first"
done_testing
