#!/bin/sh
# SPDX-License-Identifier: MIT
# The frames kept in $XDG_CACHE_HOME/dhat/frames belong to the build of
# libdhat that named them (lib/frame_cache.c): the same library reads them
# again, another build (here a copy of the library whose build ID differs
# in one byte, the code and version string unchanged) names its frames
# anew in files of its own, and a libdhat without a build ID keeps none.
# The files are marked, as in t/4014, to show which profile read them.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
LIB=$DHAT_PRELOAD
id=$("$PYTHON3" "$srcdir_t/build-id.py" "$LIB") || skip_all "cannot read $LIB"
[ "$id" != none ] || skip_all "libdhat was linked without a build ID"

plan 14

XDG_CACHE_HOME=$TRASH/cache
export XDG_CACHE_HOME
C=$XDG_CACHE_HOME/dhat/frames
cp "$PROG/run-libc" ./prog || skip_all "cannot copy run-libc"
"$PYTHON3" "$srcdir_t/build-id.py" "$LIB" flip "$TRASH/other.so"
"$PYTHON3" "$srcdir_t/build-id.py" "$LIB" drop "$TRASH/none.so"
other=$("$PYTHON3" "$srcdir_t/build-id.py" "$TRASH/other.so")
diag "libdhat $id, its copy $other"

# with LIB NAME: dhat-run ./prog with libdhat LIB into NAME.json.
with() {
	expect_exit 0 "$2: run" -- env DHAT_PRELOAD="$1" \
		"$RUN" --quiet -o "$2.json" ./prog
}

# marked NAME: how many of NAME's frames came from a marked file.
marked() {
	frames "$1.json" | grep -c 'RUN-LIBC\.c:'
}

with "$LIB" one
nf=$(frames one.json | grep -c 'run-libc\.c:')
[ "$nf" -gt 0 ]
ok $? "  the program's frames have files and lines: $nf"
n1=$(ls "$C" | wc -l)
[ "$n1" -ge 2 ]
ok $? "  a file for each module with frames: $n1"
sed -i 's/run-libc\.c:/RUN-LIBC.c:/g' "$C"/*

with "$LIB" same
is "$(marked same)" "$nf" "  the same build reads its files"

with "$TRASH/other.so" other
is "$(marked other)" 0 "  another build does not"
is "$(frames other.json | grep -c 'run-libc\.c:')" "$nf" \
	"  it names the frames from the program"
is "$(ls "$C" | wc -l)" $((2 * n1)) "  in files of its own"

with "$LIB" again
is "$(marked again)" "$nf" "  the first build still reads its own"

with "$TRASH/none.so" none
is "$(marked none)" 0 "  a libdhat without a build ID reads none"
is "$(ls "$C" | wc -l)" $((2 * n1)) "  and writes none"
done_testing
