#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-run keeps the frames its profiles named in $XDG_CACHE_HOME/dhat/frames
# (lib/frame_cache.c), one file per build of a module, and a later profile
# reads them instead of the modules' symbols and DWARF: the same frames
# (the second profile is shown to read the file by a name changed in it);
# a module whose file changed (here its modification time) gets a file of
# its own; a damaged file is ignored and written anew; the directory and
# files are private; --no-debug-cache keeps no frames; a cache directory
# writable by others is not used; files unused for 30 days go.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 22

XDG_CACHE_HOME=$TRASH/cache
export XDG_CACHE_HOME
C=$XDG_CACHE_HOME/dhat/frames
cp "$PROG/run-libc" ./prog || skip_all "cannot copy run-libc"

expect_exit 0 "first run" -- "$RUN" --quiet -o one.json ./prog
frames one.json >frames.one
grep -q 'run-libc\.c:' frames.one
ok $? "  the program's frames have files and lines"
is "$(stat -c %a "$C" 2>/dev/null)" 700 "  the frames directory, mode 0700"
n1=$(ls "$C" | wc -l)
[ "$n1" -ge 2 ]
ok $? "  a file for each module with frames: $n1"
is "$(ls -A "$C" | grep -c '^\.')" 0 "  no temporary file left"
is "$(cd "$C" && stat -c %a * | sort -u)" 600 "  files of mode 0600"

expect_exit 0 "second run" -- "$RUN" --quiet -o two.json ./prog
frames two.json >frames.two
is "$(cmp frames.one frames.two && echo same)" same "  the same frames"

# What the file says is what the next profile shows.
sed -i 's/run-libc\.c:/RUN-LIBC.c:/g' "$C"/*
expect_exit 0 "run after a name was changed in the files" -- \
	"$RUN" --quiet -o three.json ./prog
is "$(frames three.json | grep -c 'RUN-LIBC\.c:')" \
	"$(grep -c 'run-libc\.c:' frames.one)" "  the frames come from the file"

# Another state of the module: another file, named from the module.
touch -d '2 minutes ago' prog
expect_exit 0 "run after the program's file changed" -- \
	"$RUN" --quiet -o four.json ./prog
is "$(frames four.json | cmp - frames.one && echo same)" same \
	"  its frames are named again from the program"
is "$(ls "$C" | wc -l)" $((n1 + 1)) "  in a file of its own"

# Damaged: every file cut short.
for f in "$C"/*; do
	truncate -s 20 "$f"
done
expect_exit 0 "run with damaged files" -- "$RUN" --quiet -o five.json ./prog
is "$(frames five.json | cmp - frames.one && echo same)" same \
	"  the same frames"
expect_exit 0 "run after the damaged files were written anew" -- \
	"$RUN" --quiet -o six.json ./prog
is "$(frames six.json | cmp - frames.one && echo same)" same \
	"  the same frames"

# --no-debug-cache: nothing kept.
expect_exit 0 "run with --no-debug-cache and another cache" -- \
	env XDG_CACHE_HOME="$TRASH/cache2" "$RUN" --quiet --no-debug-cache \
	-o seven.json ./prog
[ ! -e "$TRASH/cache2/dhat/frames" ]
ok $? "  no frames directory"

# Not the user's alone: not used.
rm -f "$C"/*
chmod 0777 "$C"
expect_exit 0 "run with a frames directory writable by others" -- \
	"$RUN" --quiet -o eight.json ./prog
is "$(ls -A "$C" | wc -l)" 0 "  nothing written there"
chmod 0700 "$C"

# A month unused: removed by the next dhat-run.
: >"$C/old-frames"
touch -d '40 days ago' "$C/old-frames"
: >"$C/recent-frames"
"$RUN" --quiet -o nine.json ./prog >/dev/null 2>&1
is "$(ls "$C" | grep -c -e '^old-frames$' -e '^recent-frames$')" 1 \
	"  a file unused for 40 days goes, a recent one stays"
done_testing
