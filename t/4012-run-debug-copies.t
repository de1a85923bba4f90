#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-run decompresses libc's separate debug file (Debian's libc6-dbg
# compresses its sections) while the program runs, with --no-debug-cache
# into a private directory under $TMPDIR named by DHAT_DEBUG_COPIES (t/4013
# tests the cache used without the option), and libdhat reads
# that copy instead of inflating the original at every profile.  The
# profiles are the same, frame for frame; the programs open the copy and
# not the original; a copy of another build, a cut-short copy or a file
# that is no ELF is ignored; the directory is gone when dhat-run ends,
# also when dhat-run is killed; and nothing is prepared when $TMPDIR
# cannot hold it.  run-libc allocates through strdup, setlocale and stdio,
# so libc frames with file and line appear; with "wait" it first waits
# until libc's copy is there (up to two minutes: the helper runs at idle
# priority).
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

P=$PROG/run-libc
unset DHAT_DEBUG_COPIES 2>/dev/null || :

libc_debug_file "$P"

plan 40

# same_as_ref FILE WHAT: two tests, the frames and the figures of each
# program point match the reference profile's.
same_as_ref() {
	frames "$1" >frames.got
	if cmp -s frames.ref frames.got; then
		ok 0 "$2: the same frames"
	else
		ok 1 "$2: the same frames"
		diff frames.ref frames.got | head -n 20 | sed 's/^/# /'
	fi
	"$PYTHON3" "$srcdir_t/profile-compare.py" ref.json "$1" >cmp.out 2>&1
	ok $? "$2: the same program points"
}

# The reference: no place for copies, so none are prepared.
expect_exit 0 "TMPDIR that does not exist: runs" -- \
	env TMPDIR="$TRASH/none" "$RUN" --no-debug-cache --quiet -o ref.json \
	"$P" wait
is "$(sed -n 2p out)" "copy: no" "  no DHAT_DEBUG_COPIES in the environment"
is "$(cat err)" "" "  nothing on stderr"
frames ref.json >frames.ref
grep -Eq '^(__)?strdup \(.*string/strdup\.c:[0-9]+:' frames.ref
ok $? "  libc frames have files and lines (strdup)"
grep -Eq '^__fopen_internal \(.*libio/iofopen\.c:[0-9]+:' frames.ref
ok $? "  libc frames have files and lines (fopen)"

# With the copy: the same profile.
mkdir tmp
expect_exit 0 "with a copy: runs" -- \
	env TMPDIR="$TRASH/tmp" "$RUN" --no-debug-cache --quiet -o with.json \
	"$P" wait
is "$(sed -n 2p out)" "copy: yes" "  the copy was ready"
is "$(cat err)" "" "  nothing on stderr"
same_as_ref with.json "with a copy"
is "$(ls -A tmp)" "" "  the directory is gone after the run"

# A shell that runs the program twice: every process dhat-run follows finds
# the copy; each opens it, and none the original (strace tells).
strace_ok=
if command -v strace >/dev/null 2>&1 &&
    strace -f -o /dev/null true >/dev/null 2>&1; then
	strace_ok=1
fi
mkdir st
if [ -n "$strace_ok" ]; then
	env TMPDIR="$TRASH/tmp" strace -ff -o st/t -e trace=open,openat \
	    "$RUN" --no-debug-cache --quiet -o 'twice.%p.json' \
	    sh -c '"$1" wait; "$1" wait' sh "$P" >out 2>err
	ok $? "twice, under strace: runs"
else
	env TMPDIR="$TRASH/tmp" "$RUN" --no-debug-cache --quiet -o 'twice.%p.json' \
	    sh -c '"$1" wait; "$1" wait' sh "$P" >out 2>err
	ok $? "twice: runs"
fi
is "$(grep -c '^copy: yes$' out)" 2 "  both programs found the copy"
pids=$(sed -n 's/^pid: //p' out)
n=0
for pid in $pids; do
	n=$((n + 1))
	same_as_ref "twice.$pid.json" "  program $n"
done
if [ -n "$strace_ok" ]; then
	used=0
	orig_opened=0
	copy_re="\"$TRASH/tmp/dhat-run\\.[^/\"]*/$id\\.debug\""
	for pid in $pids; do
		grep -Eq "^open(at)?\\(.*$copy_re, .*\\) = [0-9]+\$" \
		    "st/t.$pid" && used=$((used + 1))
		grep -q "\"$orig\"" "st/t.$pid" &&
		    orig_opened=$((orig_opened + 1))
	done
	is "$used" 2 "  both opened the copy"
	is "$orig_opened" 0 "  neither opened the original debug file"
else
	skip "  both opened the copy" "strace not usable"
	skip "  neither opened the original debug file" "strace not usable"
fi
is "$(ls -A tmp)" "" "  the directory is gone after the run"

# Keep a copy, to look at it and to spoil it.
env TMPDIR="$TRASH/tmp" "$RUN" --no-debug-cache --quiet -o keep.json sh -c \
    '"$1" wait >/dev/null && cp "$DHAT_DEBUG_COPIES/$2.debug" kept.debug' \
    sh "$P" "$id" >out 2>err
ok $? "a copy kept from a run"
compressed kept.debug
is "$?" 1 "  it is ELF, with no compressed section"
if command -v readelf >/dev/null 2>&1; then
	# Name, type, address of each section, in order.
	readelf -SW "$orig" 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk '{print $1, $2, $3}' >sections.orig
	readelf -SW kept.debug 2>/dev/null | sed -n 's/^ *\[ *[0-9]*\] //p' |
		awk '{print $1, $2, $3}' >sections.kept
	ok $([ -s sections.orig ] && cmp -s sections.orig sections.kept;
	    echo $?) "  readelf: the same sections"
else
	skip "  readelf: the same sections" "no readelf"
fi
if command -v eu-elflint >/dev/null 2>&1; then
	eu-elflint --gnu-ld -d kept.debug >lint.out 2>&1
	ok $? "  eu-elflint finds no error"
	sed 's/^/# /' lint.out | head -n 5
else
	skip "  eu-elflint finds no error" "no eu-elflint"
fi

# Copies given by hand, as dhat-run would pass them.
# strace runs env, which runs the program in the same process: strace
# itself must not have libdhat preloaded.
run_with() {
	${strace_ok:+strace -o "$TRASH/given.trace" -e trace=open,openat} \
	    env DHAT_RUN=1 DHAT_QUIET=1 DHAT_OUTPUT="$TRASH/$1" \
	    DHAT_DEBUG_COPIES="$TRASH/given" LD_PRELOAD="$DHAT_PRELOAD" \
	    "$P" >out 2>err
}
mkdir given
cp kept.debug "given/$id.debug"
run_with good.json
ok $? "the kept copy, given by hand: runs"
same_as_ref good.json "  the kept copy"
if [ -n "$strace_ok" ]; then
	grep -q "\"$orig\"" given.trace
	is "$?" 1 "  the original debug file was not opened"
else
	skip "  the original debug file was not opened" "strace not usable"
fi

# spoiled NAME WHAT: a bad file as libc's copy is ignored.
spoiled() {
	run_with "$1.json"
	ok $? "$2: runs"
	same_as_ref "$1.json" "  $2"
	if [ -n "$strace_ok" ]; then
		grep -q "\"$orig\"" given.trace
		ok $? "  $2: the original debug file was read instead"
	else
		skip "  $2: the original debug file was read instead" \
		    "strace not usable"
	fi
}
cp "$P" "given/$id.debug"
spoiled other "an ELF file of another build"
size=$(wc -c <kept.debug)
head -c $((size / 2)) kept.debug >"given/$id.debug"
spoiled short "a copy cut short"

# The directory goes when dhat-run is killed, and the program sees the
# same descriptors as without copies: none is left open for it.
fds() {
	ls "/proc/$1/fd" 2>/dev/null | sort -n | tr '\n' ' '
}
pid_in() {
	wait_for "$1" && sed -n 's/^pid: //p' "$1"
}
mkdir tk
env TMPDIR="$TRASH/none" "$RUN" --no-debug-cache --quiet -o h1.json \
    "$P" hold go1 >h1.out &
pid=$(pid_in h1.out)
fds_plain=$(fds "$pid")
touch go1
wait $!
env TMPDIR="$TRASH/tk" "$RUN" --no-debug-cache --quiet -o h2.json \
    "$P" wait hold go2 >h2.out &
run_pid=$!
pid=$(pid_in h2.out)
n=200
while ! grep -q '^copy:' h2.out && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
fds_copies=$(fds "$pid")
ok $([ -n "$fds_plain" ] && [ "$fds_plain" = "$fds_copies" ]; echo $?) \
	"the program's descriptors are the same ($fds_copies)"
kill -KILL $run_pid
wait $run_pid 2>/dev/null
touch go2
n=600
while [ -n "$(ls -A tk)" ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
is "$(ls -A tk)" "" "dhat-run killed: its helper removes the directory"
wait_for h2.json 60 || diag "the orphaned program wrote no profile"

# SIGTERM is passed on to the program as before; dhat-run then removes it.
mkdir tt
env TMPDIR="$TRASH/tt" "$RUN" --no-debug-cache --quiet -o h3.json \
    "$P" hold go3 >h3.out &
run_pid=$!
pid_in h3.out >/dev/null
kill -TERM $run_pid
wait $run_pid
is "$?" 143 "SIGTERM: passed on, the program's status"
is "$(ls -A tt)" "" "  the directory is gone"

done_testing
