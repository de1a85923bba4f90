#!/bin/sh
# SPDX-License-Identifier: MIT
# Stress: 4 threads x 1,000,000 mixed allocations with blocks freed by
# other threads (t/prog/hostile-stress.c compares its own counters with
# dhat_heap_stats_get; a watchdog alarm ends a deadlock).  Then a short
# run under helgrind, where valgrind's allocator must leave the program's
# calls to libdhat (--soname-synonyms=somalloc=nouserintercepts); the
# suppressions cover libunwind's lock-free caches and the relaxed
# profiler-running flag only.  ThreadSanitizer does not apply: like ASan
# it replaces malloc (its allocator wins when libdhat is linked, so
# libdhat sees nothing; preloaded, libdhat wins and TSan crashes at
# exit).
. "$abs_top_srcdir/t/test-lib.sh"

P=$abs_top_builddir/t/prog/hostile-stress
S=$abs_top_builddir/dhat-summarize

"$P" stress.json 1000000 >out 2>err
st=$?
sed 's/^/# /' out | grep -v '^# ok' || :
is "$st" 0 "4 threads x 1,000,000 operations: exact figures, no deadlock"
expect_exit 0 "the profile reads" -- "$S" stress.json

if [ -z "${VALGRIND:-}" ]; then
	skip "under helgrind" "valgrind not installed"
else
	LD_LIBRARY_PATH=$abs_top_builddir/.libs \
	    "$VALGRIND" --tool=helgrind -q --error-exitcode=97 \
	    --soname-synonyms=somalloc=nouserintercepts \
	    --suppressions="$srcdir_t/helgrind.supp" \
	    "$abs_top_builddir/t/prog/.libs/hostile-stress" hg.json 3000 \
	    >hg.out 2>hg.err
	st=$?
	is "$st" 0 "under helgrind: exact figures and no race reported"
	[ "$st" -eq 0 ] || head -n 40 hg.err | sed 's/^/# /'
fi
done_testing
