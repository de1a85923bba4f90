#!/bin/sh
# 1024-stack-cache-real: real programs, profiled with the stack cache and
# without it, must give the same profile, program point for program
# point: every frame (addresses included) and every figure.  Address
# space randomization is off (setarch -R) and time is counted in bytes,
# so that both runs see the same addresses and the same clock.  gcc's
# cc1 compiling a generated file (bench/gen-bigc.py), python3 (isolated:
# without -I its allocations differ from run to run even without the
# cache) and sqlite3; each is skipped when not installed.  Larger runs of
# the same: bench/cache-exact.sh.
. "$abs_top_srcdir/t/test-lib.sh"
. "$abs_top_srcdir/t/run-lib.sh"

have_python || skip_all "python3 is needed to read the profiles"
setarch -R true 2>/dev/null || skip_all "setarch -R does not work here"

plan 3

# A program that hangs under the profiler fails its test, after a while.
limit=
command -v timeout >/dev/null && limit="timeout 120"

# same NAME CMD...: CMD's profiles with and without the cache agree.
same() {
	name=$1
	shift
	$limit setarch -R "$RUN" --quiet --time-unit=bytes --no-stack-cache \
		-o "$name-nocache.json" "$@" >/dev/null 2>"$name.err" &&
	$limit setarch -R "$RUN" --quiet --time-unit=bytes \
		-o "$name-cache.json" "$@" >/dev/null 2>>"$name.err" &&
	"$PYTHON3" "$srcdir_t/profile-compare.py" --exact \
		"$name-nocache.json" "$name-cache.json" >"$name.cmp" 2>&1
	ok $? "$name: the same profile with the stack cache as without"
	tail -n 1 "$name.cmp" | sed 's/^/# /'
	sed 's/^/#   /' "$name.err" | head -n 10
}

cc1=$(gcc -print-prog-name=cc1 2>/dev/null || :)
if [ -n "$cc1" ] && [ -x "$cc1" ]; then
	"$PYTHON3" "$abs_top_srcdir/bench/gen-bigc.py" 150 >big.c
	same cc1 "$cc1" -quiet -O2 big.c -o /dev/null
else
	skip "cc1: the same profile with the stack cache as without" \
		"no gcc cc1"
fi

# The interpreter itself, not a wrapper script (pyenv's, say) that runs
# a shell first.
py=$("$PYTHON3" -c 'import sys; print(sys.executable)' 2>/dev/null || :)
cat >work.py <<'PY'
import json, re
class Node:
    def __init__(self, k, v):
        self.k, self.v, self.kids = k, v, []
d = {str(i): [i] * (i % 7) for i in range(20000)}
s = sorted(d, key=lambda k: (len(d[k]), k))
nodes = [Node(k, d[k]) for k in s[:5000]]
for i, n in enumerate(nodes[1:], 1):
    nodes[i // 3].kids.append(n)
text = json.dumps({k: d[k] for k in s[:3000]})
print(len(json.loads(text)), len(re.findall(r"\d+", text)))
PY
# In the C locale (make check's), the run with the cache and the one
# without map Python's extension modules at different addresses (with
# the same figures), which --exact counts as different stacks; in the
# C.UTF-8 locale both runs get the same map.
if [ -n "$py" ]; then
	same python3 env LC_ALL=C.UTF-8 "$py" -I -S work.py
else
	skip "python3: the same profile with the stack cache as without" \
		"no python3"
fi

sq=$(command -v sqlite3 || :)
cat >work.sql <<'SQL'
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL, d INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
    WHERE i < 30000)
INSERT INTO t SELECT i, printf('name-%d-%x', i % 500, i), i * 0.5,
    i % 97 FROM n;
CREATE INDEX tb ON t(b);
SELECT d, count(*), length(group_concat(b)) FROM t GROUP BY d
    ORDER BY 2 DESC, d LIMIT 3;
UPDATE t SET b = upper(b) WHERE a % 3 = 0;
DELETE FROM t WHERE a % 5 = 0;
SELECT count(DISTINCT b) FROM t;
SQL
if [ -n "$sq" ]; then
	same sqlite3 "$sq" -batch -init work.sql :memory: .quit
else
	skip "sqlite3: the same profile with the stack cache as without" \
		"no sqlite3"
fi
done_testing
