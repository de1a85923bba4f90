#!/bin/sh
# SPDX-License-Identifier: MIT
# Inputs kept from fuzzing the profile reader (fuzz/profile_read.c) and
# from its differential check against json-c: t/data/fuzz/bad-*.json must
# be refused with one message "dhat-summarize: FILE: ..." and exit 1,
# ok-*.json must be summarized (exit 0).  An incomplete profile (libdhat
# ran out of memory) is read with a warning.
. "$abs_top_srcdir/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
D=$abs_top_srcdir/t/data/fuzz

for f in "$D"/bad-*.json; do
	b=$(basename "$f")
	expect_exit 2 "$b: refused" -- "$S" "$f"
	is "$(wc -l <err | tr -d ' ')" 1 "$b: one message"
	like "$(cat err)" "^dhat-summarize: $f: " "$b: names the file"
	is "$(wc -c <out | tr -d ' ')" 0 "$b: nothing on stdout"
done
for f in "$D"/ok-*.json; do
	b=$(basename "$f")
	expect_exit 0 "$b: accepted" -- "$S" "$f"
done
msg="invalid JSON at byte 186: leading zero in a number"
is "$("$S" "$D/bad-leading-zero.json" 2>&1)" \
    "dhat-summarize: $D/bad-leading-zero.json: $msg" \
    "leading zero: the message and the byte offset"
why="libdhat ran out of memory: 1 allocation not recorded, 0 stacks"
why="$why not captured"
"$S" "$D/ok-incomplete.json" >out 2>err
w="warning: the profile is incomplete"
is "$(cat err)" "dhat-summarize: $D/ok-incomplete.json: $w: $why" \
    "incomplete profile: a warning line"
M=$abs_top_builddir/dhat-merge
expect_exit 0 "merging an incomplete profile" -- \
    "$M" -o merged.json "$D/ok-zeros.json" "$D/ok-incomplete.json"
"$S" merged.json >out 2>err
is "$(cat err)" "dhat-summarize: merged.json: $w: $why" \
    "the merge of an incomplete profile is incomplete"
done_testing
