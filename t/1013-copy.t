#!/bin/sh
# 1013-copy: copy profiling in a program linked with libdhat and
# libdhat-copy (dhat_builder_copy, dhat_copy_stats_get, the testing
# assertions on its figures), and the same program without libdhat-copy,
# which counts nothing and says why.
. "$abs_top_srcdir/t/test-lib.sh"

plan 5

"$builddir_t/prog/copy-api" 4 c.json >prog.out 2>prog.err
prog_ok $? "linked with libdhat-copy: 4 copies of 201 bytes, as asserted"
is "$(cat prog.err)" "" "  testing mode: nothing on stderr"

"$builddir_t/prog/copy-api-nolib" 0 c.json >prog.out 2>prog.err
prog_ok $? "without libdhat-copy: no copies counted"
like "$(cat prog.err)" "libdhat-copy is not loaded \\(link the program \
with -ldhat-copy" "  and a warning says why"

"$builddir_t/prog/copy-api" 3 c.json >prog.out 2>prog.err
is "$?" 134 "a wrong expectation fails the assertion (abort)"

done_testing
