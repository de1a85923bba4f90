#!/bin/sh
# SPDX-License-Identifier: MIT
# dhat-run keeps its decompressed copies of libc's and ld.so's debug files
# in $XDG_CACHE_HOME/dhat/debug (here a cache in the scratch directory,
# empty at the start), else ~/.cache/dhat/debug.  The first run makes them
# (private modes: 0700 directories, 0600 files); a later run finds them
# and starts no helper, with the same profile; a cache directory that is a
# symbolic link, someone else's or writable by others is refused for a
# private directory under $TMPDIR, as is a missing home; --no-debug-cache
# leaves the cache alone; a temporary file older than an hour goes, a
# fresh one stays; and a copy made, other copies older than 30 days go.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

P=$PROG/run-libc
XDG_CACHE_HOME=$TRASH/cache
export XDG_CACHE_HOME
C=$XDG_CACHE_HOME/dhat/debug
unset DHAT_DEBUG_COPIES 2>/dev/null || :

libc_debug_file "$P"
command -v flock >/dev/null 2>&1 || skip_all "no flock(1)"

plan 41

# settle DIR: wait until no helper works in the cache DIR (a helper holds
# its lock from before its first copy until it exits).
settle() {
	flock -w 120 "$1" true || diag "a helper still works in $1"
}
# children PID: how many processes PID has (the program, the helper).
children() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		sed -n 's/^\([0-9]*\) (.*) . \([0-9]*\) .*/\1 \2/p' |
		awk -v p="$1" '$2 == p { n++ } END { print n + 0 }'
}
# listing DIR: names, inodes, modes and mtimes, to tell a change.
listing() {
	(cd "$1" && LC_ALL=C ls -A | while read -r f; do
		stat -c '%n %i %a %Y' "$f"
	done)
}
# copies_dir [ENV...]: the DHAT_DEBUG_COPIES dhat-run gives its program,
# run with the environment changed by env(1)'s arguments ENV; in ./out.
copies_dir() {
	env "$@" TMPDIR="$TRASH/tmp" "$RUN" --quiet -o dir.json \
	    sh -c 'echo "${DHAT_DEBUG_COPIES-unset}"' >out 2>err
}
tmpdir_re="^$TRASH/tmp/dhat-run\\.[A-Za-z0-9]{6}\$"
mkdir tmp

# The first run makes the copies.
expect_exit 0 "first run: runs" -- \
	env TMPDIR="$TRASH/tmp" "$RUN" --quiet -o first.json "$P" wait
is "$(sed -n 2p out)" "copy: yes" "  the program found libc's copy"
is "$(cat err)" "" "  nothing on stderr"
settle "$C"
is "$(stat -c %a "$C/$id.debug" 2>&1)" 600 "  the copy: mode 0600"
is "$(stat -c %a "$C" "$XDG_CACHE_HOME/dhat" | tr '\n' ' ')" "700 700 " \
	"  dhat and dhat/debug: mode 0700"
compressed "$C/$id.debug"
is "$?" 1 "  the copy is ELF, with no compressed section"
is "$(ls -A tmp)" "" "  no private directory under TMPDIR"
is "$(cd "$C" && ls -A | grep -c '^\.')" 0 "  no temporary file left"
ncopies=$(ls "$C" | grep -c '\.debug$')
ld_copy=$(cd "$C" && ls | grep '\.debug$' | grep -v "^$id\\.debug\$")
frames first.json >frames.first
grep -Eq '^(__)?strdup \(.*string/strdup\.c:[0-9]+:' frames.first
ok $? "  libc frames have files and lines (strdup)"
copies_dir
is "$(cat out)" "$C" "  the cache is the programs' DHAT_DEBUG_COPIES"

# The second run finds them: the program has the copy at once, dhat-run
# has one child (no helper), nothing is rewritten.
listing "$C" >cache.before
env TMPDIR="$TRASH/tmp" "$RUN" --quiet -o second.json "$P" wait hold go2 \
    >h2.out 2>h2.err &
run_pid=$!
pid_in() {
	wait_for "$1" && sed -n 's/^pid: //p' "$1"
}
pid_in h2.out >/dev/null
wait_for_copy() {
	n=200
	while ! grep -q '^copy:' "$1" && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
}
wait_for_copy h2.out
is "$(children $run_pid)" 1 "second run: dhat-run starts no helper"
touch go2
wait $run_pid
ok $? "  runs"
is "$(sed -n 2p h2.out)" "copy: yes" "  the program found libc's copy"
listing "$C" >cache.after
ok $(cmp -s cache.before cache.after; echo $?) "  the cache is unchanged"
is "$(ls -A tmp)" "" "  no private directory under TMPDIR"
frames second.json >frames.second
ok $(cmp -s frames.first frames.second; echo $?) "  the same frames"

# --no-debug-cache: a private directory, whose helper dhat-run keeps (so
# two children), and the cache is left alone.
env TMPDIR="$TRASH/tmp" "$RUN" --no-debug-cache --quiet -o third.json \
    "$P" wait hold go3 >h3.out 2>h3.err &
run_pid=$!
pid_in h3.out >/dev/null
wait_for_copy h3.out
is "$(children $run_pid)" 2 "--no-debug-cache: dhat-run has a helper"
like "$(ls -d tmp/* 2>&1)" '^tmp/dhat-run\.' "  a private directory"
touch go3
wait $run_pid
ok $? "  runs"
is "$(sed -n 2p h3.out)" "copy: yes" "  the program found libc's copy"
listing "$C" >cache.after
ok $(cmp -s cache.before cache.after; echo $?) "  the cache is unchanged"
is "$(ls -A tmp)" "" "  the private directory is gone"
env TMPDIR="$TRASH/tmp" XDG_CACHE_HOME="$TRASH/x0" "$RUN" --no-debug-cache \
    --quiet -o x0.json true
ok $([ ! -e x0 ]; echo $?) "  no cache directory is made"

# Cache directories that are refused.
mkdir -p x1/dhat x1/elsewhere
ln -s ../elsewhere x1/dhat/debug
copies_dir XDG_CACHE_HOME="$TRASH/x1"
like "$(cat out)" "$tmpdir_re" "dhat/debug a symbolic link: refused"
is "$(ls -A x1/elsewhere)" "" "  nothing written where it points"
mkdir -p x2/dhat/debug
chmod 0777 x2/dhat/debug
copies_dir XDG_CACHE_HOME="$TRASH/x2"
like "$(cat out)" "$tmpdir_re" "dhat/debug writable by others: refused"
is "$(ls -A x2/dhat/debug)" "" "  nothing written there"
mkdir -p x3/dhat/debug
chmod 0777 x3/dhat
copies_dir XDG_CACHE_HOME="$TRASH/x3"
like "$(cat out)" "$tmpdir_re" "dhat writable by others: refused"
if [ "$(id -u)" = 0 ]; then
	mkdir -p x4/dhat/debug
	chown 65534 x4/dhat/debug
	copies_dir XDG_CACHE_HOME="$TRASH/x4"
	like "$(cat out)" "$tmpdir_re" "dhat/debug someone else's: refused"
else
	skip "dhat/debug someone else's: refused" "not root: cannot chown"
fi
copies_dir -u XDG_CACHE_HOME -u HOME
like "$(cat out)" "$tmpdir_re" "no HOME, no XDG_CACHE_HOME: a private directory"
is "$(ls -A tmp)" "" "  the private directories are gone"

# ~/.cache when XDG_CACHE_HOME is not absolute; the copies are there
# already, so no helper is started.
mkdir -p home/.cache/dhat/debug
chmod 0700 home/.cache/dhat home/.cache/dhat/debug
cp -p "$C"/*.debug home/.cache/dhat/debug/
copies_dir HOME="$TRASH/home/" XDG_CACHE_HOME=relative
is "$(cat out)" "$TRASH/home/.cache/dhat/debug" \
	"XDG_CACHE_HOME not absolute: ~/.cache/dhat/debug"

# Temporary files: one older than an hour goes, a fresh one stays.
touch -d '2 hours ago' "$C/.$id.99999.tmp"
touch "$C/.$id.99998.tmp"
copies_dir
is "$(cat out)" "$C" "with temporary files: runs"
ok $([ ! -e "$C/.$id.99999.tmp" ]; echo $?) "  the stale one is removed"
ok $([ -e "$C/.$id.99998.tmp" ]; echo $?) "  the fresh one is kept"
rm -f "$C/.$id.99998.tmp"

# Pruning, before a helper writes a copy: other copies older than 30 days
# go, recent ones stay, and so does an old copy of the current libc.  The
# helper is made to work by removing ld.so's copy (or libc's, when ld.so's
# debug file gets no copy).
echo old >"$C/aaaa.debug"
echo recent >"$C/bbbb.debug"
touch -d '40 days ago' "$C/aaaa.debug"
touch -d '10 days ago' "$C/bbbb.debug"
if [ -n "$ld_copy" ]; then
	rm "$C/$ld_copy"
	touch -d '40 days ago' "$C/$id.debug"
	copy_again=$ld_copy
else
	rm "$C/$id.debug"
	copy_again=$id.debug
fi
expect_exit 0 "a copy missing: runs" -- \
	env TMPDIR="$TRASH/tmp" "$RUN" --quiet -o prune.json "$P"
# The helper may outlive dhat-run: it finishes its copy on its own.
wait_for "$C/$copy_again" 120
ok $? "  the copy is made again (after dhat-run's end if need be)"
settle "$C"
ok $([ ! -e "$C/aaaa.debug" ]; echo $?) "  an old copy of another build goes"
ok $([ -e "$C/bbbb.debug" ]; echo $?) "  a recent one stays"
if [ -n "$ld_copy" ]; then
	ok $([ -e "$C/$id.debug" ]; echo $?) "  an old copy of libc's stays"
else
	skip "  an old copy of libc's stays" "no copy of ld.so's debug file"
fi
is "$(ls "$C" | grep -c '\.debug$')" $((ncopies + 1)) \
	"  the copies and the recent one, nothing else"

done_testing
