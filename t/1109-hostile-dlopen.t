#!/bin/sh
# SPDX-License-Identifier: MIT
# Blocks allocated by a dlopen'ed module that is dlclose'd (unmapped)
# before the profile is written: no crash, a valid file that the viewer
# and dhat-summarize read, and the module's frames still named.
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-dlopen
S=$abs_top_builddir/dhat-summarize
L=$abs_top_builddir/t/prog/.libs/libhostile-dl.so

expect_exit 0 "allocate, dlclose, write" -- "$P" dl.json "$L"
is "$(cat out)" "done" "the program's output"
expect_exit 0 "the profile reads" -- "$S" dl.json
if have_viewer; then
	view_check dl.json
	ok $? "the viewer loads it"
else
	skip "the viewer loads it" "node or dh_view.js missing"
fi
grep -q '"0x[0-9a-f]*: dl_inner (t/prog/hostile-dl-lib.c:[0-9]*:[0-9]*)"' \
    dl.json
ok $? "a frame of the unloaded module is named"
grep -q '"0x[0-9a-f]*: hostile_dl_alloc (t/prog/hostile-dl-lib.c:' dl.json
ok $? "its caller in the module too"
done_testing
