#!/bin/sh
# SPDX-License-Identifier: MIT
# The tools out of memory (ulimit -v, a profile with a 30 MB string): one
# line "prog: out of memory" and exit 1 (dhat-diff: 2, its "trouble"),
# never a crash, and dhat-merge leaves no output or temporary file.
# Skipped under ASan (it needs terabytes of address space) and when the
# tools run under memcheck.
. "$abs_top_srcdir/t/test-lib.sh"

S=$abs_top_builddir/dhat-summarize
M=$abs_top_builddir/dhat-merge
D=$abs_top_builddir/dhat-diff

[ -z "${DHAT_TEST_VALGRIND:-}" ] || skip_all "tools run under memcheck"
if command -v ldd >/dev/null && ldd "$S" 2>/dev/null | grep -q libasan; then
	skip_all "tools built with ASan"
fi

{
	printf '{"dhatFileVersion":2,"mode":"heap","verb":"Allocated",'
	printf '"bklt":false,"bkacc":false,"tu":"i","Mtu":"M","cmd":"'
	head -c 30000000 /dev/zero | tr '\0' a
	printf '","pid":1,"te":1,"pps":[],"ftbl":["[root]"]}\n'
} >huge.json

expect_exit 0 "with memory enough, the profile reads" -- "$S" huge.json

limited() { (ulimit -v 40000 && exec "$@"); }

expect_exit 2 "dhat-summarize: exit 2" -- limited "$S" huge.json
is "$(cat err)" "dhat-summarize: out of memory" "dhat-summarize: the message"
is "$(wc -c <out | tr -d ' ')" 0 "dhat-summarize: nothing on stdout"
expect_exit 1 "dhat-merge: exit 1" -- limited "$M" -o m.json huge.json
is "$(cat err)" "dhat-merge: out of memory" "dhat-merge: the message"
is "$(ls | grep -c '^m\.json')" 0 "dhat-merge: no output, no temporary"
if [ -x "$D" ]; then
	expect_exit 2 "dhat-diff: exit 2" -- limited "$D" huge.json huge.json
	is "$(cat err)" "dhat-diff: out of memory" "dhat-diff: the message"
else
	skip "dhat-diff: exit 2" "no dhat-diff"
	skip "dhat-diff: the message" "no dhat-diff"
fi
done_testing
