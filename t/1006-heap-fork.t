#!/bin/sh
# 1006-heap-fork: fork while another thread allocates, twenty times: no
# deadlock, children allocate and end their copy of the profiler, and no
# process overwrites another's profile.  Then a hundred forks while other
# threads are inside the unwinder: no child inherits its locks held.
. "$abs_top_srcdir/t/test-lib.sh"

[ -n "${PYTHON3:-}" ] || skip_all "python3 not found"

plan 9

# run NAME: the program finishes (a deadlock would hang: give it a minute).
run() {
	timeout 120 "$builddir_t/prog/heap-fork" "$1" >prog.out 2>prog.err
	prog_ok $? "heap-fork $1: no deadlock, its own checks pass"
}

run fork.json
like "$(pp fork.json site_parent)" "^tb=111 tbk=1 " "the parent's file has the parent's block"
is "$(pp fork.json site_child)" none "... and none of the children's"
like "$(grep '^dhat: not saving' prog.err)" \
	'^dhat: not saving the profile of forked process [0-9]+: fork.json belongs to process [0-9]+ \(use %p in the file name\)$' \
	"the child says why it saves nothing"

mkdir pct && cd pct || exit 1
run 'fork-%p.json'
is "$(ls fork-*.json | wc -l | tr -d ' ')" 2 "with %p: the parent's file and the last child's"
child=$(grep -l site_child fork-*.json)
like "$(pp "$child" site_child)" "^tb=222 tbk=1 " "the child's file has the child's block"
like "$(pp "$child" site_parent)" "^tb=111 tbk=1 " "... and what it inherited"
cd .. || exit 1

timeout 300 "$builddir_t/prog/heap-fork-unwind" unwind.json >prog.out 2>prog.err
prog_ok $? "heap-fork-unwind: 100 forks while threads unwind, no child hung"
done_testing
