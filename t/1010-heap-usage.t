#!/bin/sh
# 1010-heap-usage: libdhat's heap usage tests, t/prog/hut-*.c.  Each is a
# program in testing mode that asserts its own figures with DHAT_ASSERT_EQ
# and aborts when one is wrong; it must exit 0 and, being in testing mode,
# print nothing and write no profile.  Each runs in a directory of its own.
. "$abs_top_srcdir/t/test-lib.sh"

ulimit -c 0 2>/dev/null || :
progs="malloc calloc realloc memalign strdup zero before"

plan 14
for t in $progs; do
	mkdir "$t" && cd "$t" || exit 99
	"$builddir_t/prog/hut-$t" >../out 2>../err
	st=$?
	ok $st "hut-$t: its assertions hold"
	[ $st -eq 0 ] || sed 's/^/#   /' ../err | head -n 20
	is "$(cat ../out ../err; ls)" "" \
		"hut-$t: prints nothing and writes no profile"
	cd .. || exit 99
done
done_testing
