#!/bin/sh
# SPDX-License-Identifier: MIT
# The start code below main and below a thread's start routine (_start,
# __libc_start_call_main, __libc_start_main, start_thread, clone3) never
# reaches a profile: libdhat drops it at capture, by address, so it shows
# neither by name nor as "???" when libc has no debugging information.
# And since no frame of a plain C program's profile is then in libc,
# writing it does not read libc's separate debugging file (when one is
# installed; strace shows the files opened).
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 11

# outer FILE: one line per program point: its outermost function.
outer() {
	"$PYTHON3" - "$1" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
fn = re.compile(r"^0x[0-9a-f]+: (.*?) \(")
for p in d["pps"]:
    m = fn.match(d["ftbl"][p["fs"][-1]])
    print(m.group(1) if m else d["ftbl"][p["fs"][-1]])
PY
}

# start_frames FILE: the frame table's lines that name start code, or
# that are libc addresses with no name.
START_ERE='__libc_start|: _start |start_thread|: clone3? |\?\?\? \(in [^)]*/libc\.so'
start_frames() {
	"$PYTHON3" -c 'import json, sys
for f in json.load(open(sys.argv[1]))["ftbl"]: print(f)' "$1" |
		grep -E "$START_ERE"
}

expect_exit 0 "run-basic: allocations in main and its functions" -- \
	"$RUN" --quiet -o basic.json "$PROG/run-basic"
is "$(outer basic.json | sort | uniq -c | tr -s ' ')" " 4 main" \
	"  every stack ends at main (4 program points)"
is "$(start_frames basic.json)" "" "  no start code in its frame table"

expect_exit 0 "run-threads: allocations in four threads and in main" -- \
	timeout 120 "$RUN" --quiet -o threads.json "$PROG/run-threads"
is "$(outer threads.json | sort -u | tr '\n' ' ')" "main worker " \
	"  stacks end at main or at the start routine"
is "$(start_frames threads.json)" "" "  no start code in its frame table"

# The debugging file of the libc the program loaded, from its build ID.
libc_debug() {
	_re='s/.*open[a-z]*(.*"\([^"]*\/libc\.so\.6\)".*= [0-9][0-9]*$/\1/p'
	_libc=$(sed -n "$_re" "$1" | head -n 1)
	[ -n "$_libc" ] || return 1
	_id=$(readelf -n "$_libc" 2>/dev/null | sed -n 's/.*Build ID: *//p')
	[ -n "$_id" ] || return 1
	_id_rest=${_id#??}
	echo "/usr/lib/debug/.build-id/${_id%"$_id_rest"}/$_id_rest.debug"
}

if ! command -v strace >/dev/null 2>&1 ||
   ! strace -f -o /dev/null -e trace=open,openat true 2>/dev/null; then
	for t in 1 2 3 4 5; do
		skip "libc's debugging file" "strace not installed or not allowed"
	done
	done_testing
	exit
fi
# No decompressed debug copies (no cache, and TMPDIR leads nowhere):
# dhat-run's helper that writes them reads libc's debug file itself, and
# this is about what the program reads.
TMPDIR=$PWD/none strace -f -o basic.trace -e trace=open,openat \
	"$RUN" --no-debug-cache --quiet -o sbasic.json "$PROG/run-basic"
ok $? "run-basic under strace"
dbg=$(libc_debug basic.trace)
ok $? "  libc and its build ID found (${dbg:-none})"
test -s sbasic.json
ok $? "  the profile was written"
is "$(grep -cF "\"$dbg\"" basic.trace)" 0 \
	"  libc's debugging file is not opened"
if [ -r "$dbg" ]; then
	# The check above can fail: a profile with frames in libc (those of
	# pthread_create) reads it.
	TMPDIR=$PWD/none strace -f -o threads.trace \
		-e trace=open,openat \
		"$RUN" --no-debug-cache --quiet -o sthreads.json \
		"$PROG/run-threads"
	ok $([ "$(grep -cF "\"$dbg\"" threads.trace)" -ge 1 ]; echo $?) \
		"  but it is for a profile with frames in libc"
else
	skip "  but it is for a profile with frames in libc" \
		"no $dbg (libc6-dbg not installed)"
fi

done_testing
