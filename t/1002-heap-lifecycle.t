#!/bin/sh
# 1002-heap-lifecycle: what a profiler's lifetime covers (blocks from
# before it, after it, a second profiler during and after the first), the
# crate's message for a second profiler, a write failure, and the misuse
# that aborts.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 10

"$builddir_t/prog/heap-lifecycle" one.json two.json >prog.out 2>prog.err
prog_ok $? "heap-lifecycle: its own checks pass"

is "$(grep -c '^dhat: creating a profiler while a profiler is already running$' prog.err)" 1 \
	"the second profiler's message, once"
is "$(pp one.json site_rea)" "tb=200 tbk=1 mb=200 mbk=1 gb=200 gbk=1 eb=200 ebk=1" \
	"an old block reallocated: a new block at the realloc site"
is "$(pp one.json --frames site_rea)" "realloc site_rea main" \
	"... whose stack starts with realloc"
is "$(pp one.json --top | sed 's/.* pps=//')" \
	"3 tb=220 tbk=3 mb=220 mbk=3 gb=210 gbk=2 eb=210 ebk=2" \
	"the first profile: nothing from before or after it"
is "$(pp two.json --top | sed 's/.* pps=//')" \
	"1 tb=7 tbk=1 mb=7 mbk=1 gb=7 gbk=1 eb=7 ebk=1" \
	"the second profile: only its own block"
is "$(grep -c '^dhat: error: Writing to /nonexistent-dir/x.json failed: No such file or directory$' prog.err)" 1 \
	"a write failure is reported"
is "$(ls | grep -c tmp)" 0 "no temporary file is left behind"

# Statistics with no profiler: the crate's panic message, then abort().
("$builddir_t/prog/heap-lifecycle" --stats-without-profiler) >/dev/null 2>abort.err
st=$?
ok $([ $st -ge 128 ] && echo 0 || echo 1) "stats without a profiler abort (status $st)"
is "$(head -n 1 abort.err)" "dhat: getting heap stats when no profiler is running" \
	"... with the crate's message"

done_testing
