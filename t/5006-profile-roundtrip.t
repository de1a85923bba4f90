#!/bin/sh
# SPDX-License-Identifier: MIT
# The tool library's writer: read -> write -> read keeps the model (every
# figure and stack the summaries show), a second round trip is byte for
# byte the first, the building API gives the same file, and the viewer
# loads what we write.
. "${abs_top_srcdir:-.}/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
C=$abs_top_builddir/t/dtool-copy
D=$srcdir_t/data

plan 36

for f in valgrind-heap valgrind-ad-hoc dhat-rs-heap dhat-rs-ad-hoc gen-400; do
	expect_exit 0 "$f: copy" -- "$C" "$D/$f.json" $f.1.json
	"$C" $f.1.json $f.2.json
	cmp -s $f.1.json $f.2.json
	ok $? "$f: the second round trip is identical"
	# Rebuilding drops unused frames, so compare what is shown.
	"$C" -b "$D/$f.json" $f.b.json
	"$S" --tree --sort=0 "$D/$f.json" >a
	"$S" --tree --sort=0 $f.b.json >b
	cmp_golden b a "$f: rebuilt through the building API, same tree"
	"$S" --tree --sort=1 "$D/$f.json" >a
	"$S" --tree --sort=1 $f.1.json >b
	cmp_golden b a "$f: same tree"
	"$S" --format=json --top=100000 "$D/$f.json" | sed 's/^{"file":"[^"]*"//' >a
	"$S" --format=json --top=100000 $f.1.json | sed 's/^{"file":"[^"]*"//' >b
	cmp_golden b a "$f: same figures and stacks"
	if have_viewer; then
		view_check $f.1.json
		ok $? "$f: the viewer loads the copy"
	else
		skip "$f: the viewer loads the copy" "no viewer"
	fi
done

# Atomic write: the target is replaced whole; a non-regular target is
# written in place; a failure leaves nothing behind.
cp "$D/valgrind-heap.json" target.json
"$C" "$D/dhat-rs-heap.json" target.json
cmp -s target.json dhat-rs-heap.1.json
ok $? "an existing file is replaced"
is "$(ls -a | grep -c '^\.dhat-tmp')" "0" "no temporary file is left"
# (Not /dev/stdout itself: a bug here would replace it machine-wide.)
: >real.json
ln -s real.json link.json
"$C" "$D/dhat-rs-heap.json" link.json
test -L link.json && cmp -s real.json dhat-rs-heap.1.json
ok $? "a symbolic link is written through, not replaced"
mkfifo fifo
cat fifo >fifo.out &
"$C" "$D/dhat-rs-heap.json" fifo
wait
test -p fifo && cmp -s fifo.out dhat-rs-heap.1.json
ok $? "a FIFO is written in place"
mkdir ro && chmod 555 ro
if [ "$(id -u)" -ne 0 ]; then
	expect_exit 1 "unwritable directory: exit 1" -- "$C" "$D/dhat-rs-heap.json" ro/x.json
	like "$(cat err)" '^dtool-copy: writing ro/x.json: Permission denied$' \
		"unwritable directory: message"
else
	expect_exit 1 "missing directory: exit 1" -- "$C" "$D/dhat-rs-heap.json" nodir/x.json
	like "$(cat err)" '^dtool-copy: writing nodir/x.json: No such file or directory$' \
		"missing directory: message"
fi
chmod 755 ro

done_testing
