#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/cache-exact.sh - the stack cache against unwinding every stack,
# on real programs.
#
# Usage, from a build directory after `make`:
#
#     sh SRCDIR/bench/cache-exact.sh [--quick] [--work DIR]
#
# Each workload runs twice under dhat-run, with the per-thread stack cache
# (the default) and without it (--no-stack-cache), with address space
# randomization off (setarch -R) and the bytes-allocated time unit, so
# that both runs see the same addresses and the same clock.  The two
# profiles must then agree in every program point: its frames, addresses
# included, and every figure (t/profile-compare.py --exact).  One block
# filed under another stack is a difference.
#
# Workloads: cc1 (gcc's compiler proper, -O2, on a file written by
# bench/gen-bigc.py: 1500 units, --quick 300), python (python3 -I -S:
# building, sorting and serializing dictionaries, classes and regular
# expressions), sqlite3 (an in-memory database: inserts, an index, joins,
# grouping and sorting), and python-malloc: the same script with
# PYTHONMALLOC=malloc and a fixed hash seed, so that every object is a
# block.  That one is not the same from run to run even without the
# cache, so a second run without the cache gives the differences to
# expect anyway, and it does not count in the exit status.  A workload
# whose program is missing is skipped.  Takes some four minutes on two
# cores (--quick: one); prints one line per workload and exits 1 when
# any other pair differs.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$(pwd)
work=./cache-exact-work
units=1500
while [ $# -gt 0 ]; do
	case $1 in
	--quick) units=300 ;;
	--work) work=${2:?}; shift ;;
	--work=*) work=${1#*=} ;;
	*) sed -n '4,26p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
	esac
	shift
done
mkdir -p "$work"
work=$(cd "$work" && pwd)
lib=$build/.libs/libdhat.so
[ -x "$build/dhat-run" ] && [ -r "$lib" ] ||
	{ echo "cache-exact.sh: run it from a build directory" >&2; exit 2; }
setarch -R true 2>/dev/null ||
	{ echo "cache-exact.sh: setarch -R does not work here" >&2; exit 2; }

python3 "$here/gen-bigc.py" "$units" >"$work/big.c"
cat >"$work/work.py" <<'PY'
import json, re
class Node:
    def __init__(self, k, v):
        self.k, self.v, self.kids = k, v, []
d = {str(i): [i] * (i % 7) for i in range(200000)}
s = sorted(d, key=lambda k: (len(d[k]), k))
nodes = [Node(k, d[k]) for k in s[:50000]]
for i, n in enumerate(nodes[1:], 1):
    nodes[i // 3].kids.append(n)
text = json.dumps({k: d[k] for k in s[:30000]})
back = json.loads(text)
words = re.findall(r"\d+", text)
print(len(s), len(back), len(words), sum(len(n.kids) for n in nodes))
PY
cat >"$work/work.sql" <<'SQL'
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL, d INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 200000)
INSERT INTO t SELECT i, printf('name-%d-%x', i % 5000, i), i * 0.5,
    i % 97 FROM n;
CREATE INDEX tb ON t(b);
CREATE TABLE u AS SELECT d, count(*) AS k, group_concat(b) AS g
    FROM t GROUP BY d;
SELECT d, k, length(g) FROM u ORDER BY k DESC, d LIMIT 5;
SELECT count(*) FROM t JOIN u USING (d) WHERE t.b LIKE 'name-1%';
SELECT b, sum(c) FROM t GROUP BY b ORDER BY 2 DESC LIMIT 3;
UPDATE t SET b = upper(b) WHERE a % 3 = 0;
DELETE FROM t WHERE a % 5 = 0;
SELECT count(DISTINCT b) FROM t;
SQL

cc1=$(gcc -print-prog-name=cc1 2>/dev/null || :)
py=${PYTHON:-/usr/bin/python3}
sq=$(command -v sqlite3 || :)

# run NAME [dhat-run option]: workload $w's profile, NAME.json.
run() {
	name=$1
	shift
	case $w in
	cc1) set -- "$@" -- "$cc1" -quiet -O2 "$work/big.c" \
		-o /dev/null ;;
	python) set -- "$@" -- "$py" -I -S "$work/work.py" ;;
	python-malloc) set -- "$@" -- "$py" "$work/work.py" ;;
	sqlite3) set -- "$@" -- "$sq" -batch -init "$work/work.sql" \
		:memory: .quit ;;
	esac
	# The environment is set outside: an env(1) in front would be
	# profiled too, before its exec.
	PYTHONMALLOC=malloc PYTHONHASHSEED=0 DHAT_PRELOAD=$lib \
		setarch -R "$build/dhat-run" --quiet \
		--time-unit=bytes -o "$work/$name.json" "$@" >/dev/null
}

# compare A B: the last line of t/profile-compare.py --exact, in A.cmp.
compare() {
	r=0
	python3 "$here/../t/profile-compare.py" --exact "$work/$1.json" \
		"$work/$2.json" >"$work/$1.cmp" 2>&1 || r=$?
	tail -n 1 "$work/$1.cmp"
	return $r
}

status=0
for w in cc1 python sqlite3 python-malloc; do
	case $w in
	cc1) p=$cc1 ;;
	python*) p=$py ;;
	sqlite3) p=$sq ;;
	esac
	if [ -z "$p" ] || [ ! -x "$p" ]; then
		echo "$w: skipped, not installed"
		continue
	fi
	rm -f "$work/$w".*json
	run "$w.cache"
	run "$w.nocache" --no-stack-cache
	size=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("%d program points, %d blocks" % (len(d["pps"]),
      sum(p["tbk"] for p in d["pps"])))' "$work/$w.nocache.json")
	if [ $w = python-malloc ]; then
		run "$w.again" --no-stack-cache
		echo "$w: $(compare "$w.nocache" "$w.cache") ($size);" \
			"two runs without the cache:" \
			"$(compare "$w.again" "$w.nocache")"
	elif res=$(compare "$w.nocache" "$w.cache"); then
		echo "$w: $res ($size)"
	else
		echo "$w: $res ($size; see $work/$w.nocache.cmp)"
		status=1
	fi
done
exit $status
