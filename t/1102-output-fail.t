#!/bin/sh
# SPDX-License-Identifier: MIT
# Output failures: a directory that cannot be written, a full disk
# (/dev/full, a character device, so written directly), a target that is
# a directory, a missing directory.  libdhat prints
# "dhat: error: Writing to FILE failed: REASON", the program's exit status
# and output stay its own, and no file or temporary file is left.  A
# symbolic link to an old profile gets the new profile in the file it
# names, and stays a link.  The tools (dhat-merge -o, dhat-summarize's
# standard output) fail with exit 1 and one message, leaving nothing.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/heap-json
S=$abs_top_builddir/dhat-summarize
M=$abs_top_builddir/dhat-merge
V=$abs_top_srcdir/t/data/valgrind-heap.json

# as_user CMD...: run CMD unprivileged, so that permissions apply.
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null &&
	    setpriv --reuid=nobody --regid=nogroup --clear-groups true \
	    2>/dev/null; then
		as_user() {
			setpriv --reuid=nobody --regid=nogroup --clear-groups \
			    "$@"
		}
	else
		as_user() { return 77; }
	fi
else
	as_user() { "$@"; }
fi
# The unprivileged user must reach the build and the source trees.
as_user sh -c "test -x '$P' && test -r '$V'" 2>/dev/null ||
	as_user() { return 77; }

"$P" ok.json s >ok.out 2>ok.err
ok $? "the program alone succeeds"

# fails DESC TARGET ERRNO-TEXT [RUNNER]
fails() {
	desc=$1 target=$2 reason=$3
	shift 3
	"$@" "$P" "$target" s >out 2>err
	is "$?" 0 "$desc: the program's exit status"
	cmp -s out ok.out
	ok $? "$desc: the program's output"
	is "$(grep '^dhat: error' err)" \
	    "dhat: error: Writing to $target failed: $reason" \
	    "$desc: the message"
	is "$(grep -c '^dhat: The data has been saved' err)" 0 \
	    "$desc: no saved line"
}

mkdir ro && chmod 555 ro
if as_user true 2>/dev/null; then
	fails "unwritable directory" ro/p.json "Permission denied" as_user
	is "$(ls -A ro)" "" "unwritable directory: no file, no temporary"
else
	skip "unwritable directory" "cannot drop privileges"
	skip "unwritable directory" "cannot drop privileges"
	skip "unwritable directory" "cannot drop privileges"
	skip "unwritable directory" "cannot drop privileges"
	skip "unwritable directory" "cannot drop privileges"
fi

fails "full disk" /dev/full "No space left on device"
mkdir isdir
fails "target is a directory" isdir "Is a directory"
is "$(ls -A isdir)" "" "target is a directory: nothing inside it"
fails "missing directory" nodir/p.json "No such file or directory"
is "$(ls -A | grep -c '\.tmp\.')" 0 "no temporary file anywhere"

# A symbolic link to an old profile.
echo old >old.json
ln -s old.json link.json
"$P" link.json >out 2>err
ok $? "through a symlink: exit status"
[ -L link.json ]
ok $? "through a symlink: still a link"
expect_exit 0 "through a symlink: the file it names is a new profile" -- \
    "$S" old.json

# A link to a descriptor (like /dev/stdout) is written through, and
# never renamed over.
ln -s /proc/self/fd/1 fd1.json
"$P" fd1.json >viafd.txt 2>err
ok $? "through a link to a descriptor: exit status"
[ -L fd1.json ]
ok $? "through a link to a descriptor: still a link"
expect_exit 0 "through a link to a descriptor: the profile on stdout" -- \
    "$S" viafd.txt

# The tools.
expect_exit 1 "merge to /dev/full" -- "$M" -o /dev/full "$V"
is "$(cat err)" "dhat-merge: writing /dev/full: No space left on device" \
    "merge to /dev/full: the message"
expect_exit 1 "merge to a directory" -- "$M" -o isdir "$V"
is "$(ls -A isdir)" "" "merge to a directory: nothing inside it"
if as_user true 2>/dev/null; then
	as_user "$M" -o ro/m.json "$V" >out 2>err
	is "$?" 1 "merge into an unwritable directory: exit 1"
	like "$(cat err)" '^dhat-merge: writing ro/m.json: Permission denied' \
	    "merge into an unwritable directory: the message"
	is "$(ls -A ro)" "" "merge into an unwritable directory: nothing left"
else
	skip "merge into an unwritable directory" "cannot drop privileges"
	skip "merge into an unwritable directory" "cannot drop privileges"
	skip "merge into an unwritable directory" "cannot drop privileges"
fi
"$S" "$V" >/dev/full 2>err
is "$?" 2 "summarize to /dev/full: exit 2"
is "$(cat err)" \
    "dhat-summarize: writing standard output: No space left on device" \
    "summarize to /dev/full: the message"
"$S" --format=svg "$V" >/dev/full 2>err
is "$?" 2 "summarize --format=svg to /dev/full: exit 2"
done_testing
