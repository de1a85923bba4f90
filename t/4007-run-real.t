#!/bin/sh
# Real programs under dhat-run: Python, coreutils ls and sort, gcc's
# compiler proper, sqlite3, and a C++ program.  Each profile loads in the viewer, has plausible non-zero
# figures, and names the program's own code in its frames.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"

plan 30

# check_profile FILE WHAT FRAME_ERE: viewer-valid, non-zero, FRAME_ERE in
# some frame.
check_profile() {
	set -- "$1" "$2" "$3" $(figures "$1")
	ok $([ "${4:-0}" -gt 0 ] && [ "${5:-0}" -gt 0 ] &&
	     [ "${6:-0}" -gt 0 ] && [ "${6:-0}" -le "${4:-0}" ]; echo $?) \
		"$2: non-zero figures, t-gmax within the total (${4:-}/${5:-})"
	if have_viewer; then
		view_check "$1"
		ok $? "$2: the viewer loads it"
	else
		skip "$2: the viewer loads it" "no node or dh_view.js"
	fi
	"$PYTHON3" -c 'import json, sys
print("\n".join(json.load(open(sys.argv[1]))["ftbl"]))' "$1" >frames
	grep -Eq -- "$3" frames
	ok $? "$2: frames show $3"
}

# Python: the interpreter itself, not a pyenv or venv wrapper script.
python=$("$PYTHON3" -c 'import sys; print(sys.executable)')
expect_exit 0 "python3 -c 'print(sum(range(10)))'" -- \
	env PYTHONMALLOC=malloc "$RUN" --quiet -o py.json \
	"$python" -c 'print(sum(range(10)))'
is "$(cat out)" 45 "  prints 45"
check_profile py.json python3 ': (Py_BytesMain|Py_RunMain|main) '

# coreutils, stripped: their own code shows as "??? (in /usr/bin/ls)".
if [ -d /usr/share/doc/coreutils ] && command -v ls >/dev/null; then
	ls_bin=$(command -v ls)
	expect_exit 0 "ls -lR /usr/share/doc/coreutils" -- \
		"$RUN" --quiet -o ls.json ls -lR /usr/share/doc/coreutils
	check_profile ls.json ls "(\(in [^)]*/ls\)|: main |: opendir|__alloc_dir)"
else
	for i in 1 2 3 4; do skip "ls -lR" "no /usr/share/doc/coreutils"; done
fi

"$PYTHON3" -c 'import random
r = random.Random(7)
for i in range(20000):
    print(r.randrange(1000000))' >numbers
sort -n numbers >want
expect_exit 0 "sort -n on 20,000 lines" -- \
	"$RUN" --quiet -o sort.json sort -n numbers
cmp -s out want
ok $? "  sorts them right"
check_profile sort.json sort "(\(in [^)]*/sort\)|: main )"

# C++: new and delete through libstdc++, demangled names.
expect_exit 0 "a C++ program" -- \
	"$RUN" --quiet -o cc.json "$PROG/run-widget"
check_profile cc.json C++ \
	': Widget::make\(unsigned long\) \(t/prog/run-widget\.cc:'
is "$(figures cc.json Widget::make)" "640 10 640 10 320 5" \
	"  Widget::make: 10 objects of 64 bytes, 5 deleted"
grep -q ': operator new(unsigned long) ' frames
ok $? "  operator new is the allocation function"

# gcc: the driver runs cc1 (an executable built without -fpie, with its
# own stub for free) and as; each process writes its own profile.
if command -v gcc >/dev/null; then
	printf 'int f(int x) { return x * 3; }\n' >unit.c
	expect_exit 0 "gcc -O2 -c" -- \
		timeout 300 "$RUN" --quiet -o 'gcc.%p.json' gcc -O2 -c unit.c
	test -s unit.o
	ok $? "  the object file is written"
	cc1=$(for f in gcc.*.json; do
		case $(field "$f" cmd) in */cc1\ *) echo "$f" ;; esac
	done | sed -n 1p)
	check_profile "${cc1:-none}" cc1 '(\(in [^)]*/cc1\)|: xmalloc |: main )'
else
	for i in 1 2 3 4 5; do skip "gcc -O2 -c" "no gcc"; done
fi

# sqlite3's shell and library.
if command -v sqlite3 >/dev/null; then
	expect_exit 0 "sqlite3: a table of 2,000 rows, sorted" -- \
		"$RUN" --quiet -o sql.json sqlite3 :memory: \
		'create table t(x); with recursive c(i) as (select 1 union all select i + 1 from c where i < 2000) insert into t select (i * 7919) % 2000 from c; select count(*), sum(x) from (select x from t order by x);'
	is "$(cat out)" "2000|1999000" "  its answer"
	check_profile sql.json sqlite3 '(sqlite3|\(in [^)]*libsqlite3)'
else
	for i in 1 2 3 4 5; do skip "sqlite3" "no sqlite3"; done
fi

done_testing
